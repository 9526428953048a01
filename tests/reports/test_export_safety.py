"""Exports that neither run anything nor leak numbers (issue 9 items 8 and 9).

- item 9: every text cell of ``ledger export`` and ``stats --xlsx`` is a text cell (openpyxl
  data_type ``s``, no ``<f>`` element in the sheet XML), whatever it starts with; re-importing
  the export gives back the same text.
- item 8: every ID and phone number inside every text of ``ledger export``, ``stats --xlsx``
  and the analysis report is masked unless ``--unmasked`` (15/18-digit IDs, spaced, +86 and
  landline phones), not only the ID and phone columns.
"""

from __future__ import annotations

import json
import re
import zipfile

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from docgen.cli.main import cli
from docgen.privacy import contains_pii
from docgen.workspace import Workspace
from tests.fixtures.reports_office import (
    HOSTILE,
    ID_15,
    ID_18,
    LANDLINE,
    PHONE_PLUS,
    PHONE_SPACED,
    write_office_ledger,
)

NUMBERS = (ID_18, ID_15, PHONE_SPACED, PHONE_PLUS, LANDLINE, "13800138001")


def invoke(home, *args):
    result = CliRunner().invoke(cli, ["--home", str(home), *map(str, args)])
    return result


def _imported(ws, tmp_path):
    path, _ = write_office_ledger(tmp_path / "台账.xlsx")
    invoke(ws.root, "ledger", "import", path)
    return path


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("xl/worksheets/sheet"))


def _cells(path):
    wb = load_workbook(path)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def _assert_no_formula(path) -> None:
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    texts = [c for _, c in _cells(path) if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" for c in texts)
    found = {c.value for c in texts}
    return found


def test_ledger_export_writes_formula_text_as_text_and_reads_it_back(ws, tmp_path):
    _imported(ws, tmp_path)
    out = tmp_path / "导出.xlsx"
    assert invoke(ws.root, "ledger", "export", out, "--unmasked").exit_code == 0
    found = _assert_no_formula(out)
    for text in HOSTILE:
        assert text in found, text
    fresh, _ = Workspace.init(tmp_path / "fresh")
    back = json.loads(invoke(fresh.root, "ledger", "import", out, "--json").stdout)
    assert back["errors"] == []
    case = next(c for c in fresh.registry.list_cases() if c.petitioner.name == HOSTILE[0])
    assert (case.summary, case.result, case.extra["ledger_note"], case.petitioner.address) == \
        (HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[4])


def test_stats_xlsx_writes_formula_text_as_text(ws, tmp_path):
    _imported(ws, tmp_path)
    case = ws.registry.list_cases()[0]
    case.target = HOSTILE[0]              # a body named as a letter names it, in the 统计 sheet
    ws.registry.update_case(case)
    out = tmp_path / "统计.xlsx"
    result = invoke(ws.root, "stats", "--year", "2025", "--xlsx", out)
    assert result.exit_code == 0, result.output
    found = _assert_no_formula(out)
    assert HOSTILE[0] in found and HOSTILE[1] in found


def test_ledger_export_masks_numbers_inside_every_text(ws, tmp_path):
    _imported(ws, tmp_path)
    out = tmp_path / "遮蔽.xlsx"
    assert invoke(ws.root, "ledger", "export", out).exit_code == 0
    leaks = [(c.coordinate, c.value) for _, c in _cells(out)
             if isinstance(c.value, str) and contains_pii(c.value)]
    assert leaks == []
    text = " ".join(str(c.value) for _, c in _cells(out))
    digits = re.sub(r"\D", "", text)
    for number in NUMBERS:
        assert re.sub(r"\D", "", number) not in digits, number
    assert "反映低保被取消，身份证340881********1234" in text       # masked in place
    plain = tmp_path / "不遮蔽.xlsx"
    assert invoke(ws.root, "ledger", "export", plain, "--unmasked").exit_code == 0
    text = " ".join(str(c.value) for _, c in _cells(plain))
    for number in NUMBERS:
        assert number in text, number


def test_stats_xlsx_masks_numbers_inside_every_text(ws, tmp_path):
    _imported(ws, tmp_path)
    case = next(c for c in ws.registry.list_cases() if c.petitioner.name == "周敏")
    case.target = f"村委会主任（{PHONE_SPACED}）"
    ws.registry.update_case(case)
    out = tmp_path / "统计.xlsx"
    assert invoke(ws.root, "stats", "--year", "2025", "--xlsx", out).exit_code == 0
    leaks = [(sheet, c.coordinate, c.value) for sheet, c in _cells(out)
             if isinstance(c.value, str) and contains_pii(c.value)]
    assert leaks == []


def test_analysis_report_masks_numbers_inside_every_text(ws, tmp_path):
    _imported(ws, tmp_path)
    case = next(c for c in ws.registry.list_cases() if c.petitioner.name == "周敏")
    case.target = f"村委会主任（{PHONE_SPACED}）"
    case.category = f"社会保障{ID_18}"
    ws.registry.update_case(case)
    out = tmp_path / "分析.docx"
    result = invoke(ws.root, "stats", "--year", "2025", "--docx", out)
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert [t for t in texts if contains_pii(t)] == []
    assert any("村委会主任（138 **** 8000）" in t for t in texts)
