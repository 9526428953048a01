"""The 信访情况分析 .docx: its numbers are the JSON's, its style is the official one, it renders."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.cli.main import cli
from docgen.reports.analysis_report import mask_name, pct
from tests.fixtures.reports_year import YEAR


@pytest.fixture(scope="module")
def report(year_ws, tmp_path_factory):
    ws, plan = year_ws
    out = tmp_path_factory.mktemp("report") / "分析.docx"
    result = CliRunner().invoke(cli, ["--home", str(ws.root), "stats", "--year", str(YEAR),
                                      "--as-of", f"{YEAR}-12-31", "--docx", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"] == [str(out)]
    return out, data, plan


def _tables(doc) -> dict[str, list[list[str]]]:
    """Tables by their caption (the paragraph just before each table)."""
    body = doc.element.body
    found, caption = {}, None
    tables = iter(doc.tables)
    for el in body:
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text.startswith("表"):
                caption = text.split("\u3000", 1)[-1]
        elif el.tag == qn("w:tbl"):
            table = next(tables)
            found[caption] = [[c.text for c in row.cells] for row in table.rows]
    return found


def test_report_numbers_are_the_json_numbers(report):
    path, data, _ = report
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"共受理信访事项{data['total']}件" in text
    assert f"已办结{data['closed']}件，办结率{pct(data['closure_rate'])}" in text
    assert f"按期办结率{pct(data['on_time_rate'])}" in text
    assert f"满意率{pct(data['satisfaction_rate'])}" in text
    assert f"来访{data['visits']}件{data['visitors']}人次，集体访{data['group_visits']}批" in text
    assert f"重复信访{data['repeat']}件" in text
    tables = _tables(doc)
    for caption, key in (("来源渠道统计", "by_channel"), ("反映问题类别统计", "by_category"),
                         ("被反映对象统计", "by_target"), ("地域分布统计", "by_township")):
        rows = tables[caption][1:]
        assert rows[-1][:2] == ["合计", str(data["total"])]
        assert {r[0]: int(r[1]) for r in rows[:-1]} == data[key]
    top = next(iter(data["by_category"]))
    assert f"{top}类最多，{data['by_category'][top]}件" in text


def test_report_has_official_layout(report):
    doc = Document(str(report[0]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    title = doc.paragraphs[0]
    assert title.text == f"{YEAR}年信访情况分析"
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith(f"{YEAR}年，共受理"))
    run = body.runs[0]
    assert run.font.size == Pt(16)
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert len(doc.inline_shapes) == 5      # four distributions and the months


def test_report_masks_personal_data(report):
    path, _, plan = report
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    everything = "\n".join(texts)
    for p in plan:
        assert p.person.id_number not in everything
        assert p.person.phone not in everything
        assert p.person.name not in everything
    repeaters = _tables(doc)["多次信访人员"][1:]
    assert repeaters and all(r[0].endswith("某") for r in repeaters)


def test_mask_name():
    assert mask_name("王小明") == "王某某"
    assert mask_name("李娜") == "李某"
    assert mask_name("欧阳小明") == "欧某某"
    assert mask_name(None) == "匿名"


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice / poppler not installed")
def test_report_renders_to_pdf_and_png(report, tmp_path):
    import pdfplumber

    path, data, _ = report
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (path.stem + ".pdf")
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = "".join((p.extract_text() or "") for p in doc.pages).replace(" ", "")
    assert 4 <= pages <= 12
    assert f"共受理信访事项{data['total']}件" in text
    assert "— 1 —".replace(" ", "") in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))
