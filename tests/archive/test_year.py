"""A year's archive with electronic cases, 存档备查 cases and cases imported from an old ledger
(纸质 items): 题名 and 页数 in the catalogue, verify passing and naming the paper items (issue
12, Must show), catalogue cells never formulas (issue 9, item 9), progress ending its line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pty
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from docgen.archive import archive_batch, verify_archive
from docgen.archive.bag import METADATA_PATH
from docgen.archive.catalogue import catalogue_paths
from docgen.archive.verify import INTEGRITY
from docgen.workspace import Workspace
from tests.archive.conftest import docgen_argv, docgen_env, run_docgen
from tests.fixtures.archive_cases import make_closed_case
from tests.fixtures.archive_year import make_year

YEAR = 2025
SERIES = f"Z001-WS·{YEAR}-D10-XF"


def _release(ws: Workspace) -> None:
    """Close the registry (checkpointing the WAL) so the folder can be copied or used by a
    separate process."""
    if "registry" in ws.__dict__:
        ws.registry.close()
        del ws.__dict__["registry"]


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    base = tmp_path_factory.mktemp("archive-year")
    ws, _ = Workspace.init(base / "ws")
    made = make_year(ws, base)
    result = archive_batch(ws, year=YEAR)
    _release(ws)
    return ws.root, made, result


@pytest.fixture
def copy(year, tmp_path):
    """A copy of the archived year that a test may damage."""
    root, made, _ = year
    shutil.copytree(root, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws"), made


def _rows(root: Path) -> dict[str, dict]:
    path = catalogue_paths(root / "archive", _series())["xlsx"]
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    header = values[0]
    return {r[1]: dict(zip(header, r, strict=True)) for r in values[1:]}


def _series():
    from docgen.archive.archive_no import ArchiveNo

    return ArchiveNo.parse(f"{SERIES}-0001").series


def _case_numbers(root: Path) -> dict[str, str]:
    ws = Workspace.open(root)
    try:
        return {c.case_no: c.archive_no for c in ws.registry.list_cases()}
    finally:
        _release(ws)


def test_the_year_archives_electronic_filed_and_paper_cases(year):
    root, made, result = year
    archived = {a.case_no for a in result.archived}
    assert archived == set(made.electronic) | set(made.filed) | set(made.paper)
    assert {a.case_no for a in result.archived if a.paper} == set(made.paper)
    assert result.skipped == []
    # filed on 5 January of the next year: that is its archive year
    assert not archived & set(made.later)


def test_catalogue_titles_pages_and_paper_remarks(year):
    root, made, _ = year
    numbers = _case_numbers(root)
    rows = _rows(root)
    assert len(rows) == len(numbers) - len(made.later)
    for case_no, title in made.titles.items():
        assert rows[numbers[case_no]]["题名"] == title
    for case_no, want in {**made.electronic, **made.filed}.items():
        row = rows[numbers[case_no]]
        assert row["页数"] == want, (case_no, row)
        assert "纸质" not in (row["备注"] or "")
    for case_no in made.paper:
        row = rows[numbers[case_no]]
        assert row["页数"] is None and row["备注"].split("；")[0] == "纸质"
        assert re.fullmatch(r"陈.关于反映示例县住建局城乡建设方面问题的来信及处理材料", row["题名"])
    for case_no in made.filed:
        row = rows[numbers[case_no]]
        assert "存档备查" in row["备注"] and row["题名"].endswith("问题的来信")
        assert row["日期"].startswith(f"{YEAR}060")      # the day of the 存档备查 decision
    for row in rows.values():   # never a cut sentence
        assert not re.search(r"[，。；…]", row["题名"]), row["题名"]


def test_pages_are_stored_per_file_and_summed_in_the_stamp(year):
    root, made, _ = year
    numbers = _case_numbers(root)
    liu = next(c for c, t in made.titles.items() if t.startswith("刘志强"))
    meta = json.loads((root / "archive" / str(YEAR) / numbers[liu] / METADATA_PATH).read_text("utf-8"))
    by_name = {f["name"]: (f["pages"], f["pages_method"]) for f in meta["files"]}
    assert by_name["刘志强来信.pdf"] == (3, "pdf")
    assert by_name["判决书扫描.tif"] == (4, "tiff")
    assert by_name["办理结果报告.jpg"] == (1, "image")
    assert by_name["交办函.docx"][0] == 2 and by_name["交办函.docx"][1] in ("rendered", "estimate")
    assert meta["archive_stamp"]["pages"] == meta["归档章"]["页数"] == 10
    assert meta["carrier"] == "电子"
    paper = json.loads((root / "archive" / str(YEAR) / numbers[made.paper[0]] / METADATA_PATH)
                       .read_text("utf-8"))
    assert paper["carrier"] == "纸质" and paper["files"] == [] and paper["归档章"]["页数"] is None
    assert paper["case"]["extra"]["ledger_file"]


def test_verify_passes_and_reports_the_paper_items(year):
    root, made, _ = year
    ws = Workspace.open(root)
    try:
        report = verify_archive(ws)
    finally:
        _release(ws)
    assert report.ok, [str(p) for p in report.problems]
    assert report.problems == []
    numbers = _case_numbers(root)
    assert sorted(report.paper) == sorted(numbers[c] for c in made.paper)
    assert report.pages == sum(made.electronic.values()) + sum(made.filed.values())
    assert report.catalogues == 1
    out = run_docgen(root, "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"纸质件：{len(made.paper)} 件，档案包中只有元数据" in out.stdout
    assert "问题" not in out.stdout
    data = json.loads(run_docgen(root, "verify", "--json").stdout)
    assert data["ok"] and len(data["paper"]) == len(made.paper) and data["catalogues"] == 1


def test_notes_sheet_counts_electronic_pages_and_paper_items(year):
    root, made, _ = year
    doc = Document(catalogue_paths(root / "archive", _series())["notes"])
    notes = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}["盒内文件情况说明"]
    electronic = len(made.electronic) + len(made.filed)
    pages = sum(made.electronic.values()) + sum(made.filed.values())
    assert f"电子 {electronic} 件 {pages} 页，纸质 {len(made.paper)} 件" in notes
    assert "原件为纸质，另行装盒保管" in notes


def test_filed_case_of_the_next_year_is_archived_with_that_year(copy):
    ws, made = copy
    result = archive_batch(ws, year=YEAR + 1)
    assert [a.case_no for a in result.archived] == made.later
    assert result.archived[0].archive_no.startswith(f"Z001-WS·{YEAR + 1}-")


def test_verify_finds_a_missing_catalogue_and_archive_writes_it_again(copy):
    ws, _ = copy
    paths = catalogue_paths(ws.archive_dir, _series())
    paths["xlsx"].unlink()
    paths["notes"].unlink()
    report = verify_archive(ws)
    assert not report.ok
    missing = [p for p in report.errors if p.category == INTEGRITY and p.message.startswith("缺少")]
    assert {p.file for p in missing} == {paths["xlsx"].name, paths["notes"].name}
    archive_batch(ws)
    assert verify_archive(ws).ok


def test_verify_finds_a_catalogue_that_disagrees_with_the_packages(copy):
    ws, _ = copy
    path = catalogue_paths(ws.archive_dir, _series())["xlsx"]
    wb = load_workbook(path)
    sheet = wb.active
    sheet.cell(row=5, column=8).value = 99         # 页数 of the second 件
    wb.save(path)
    report = verify_archive(ws)
    assert any("的页数：目录 99" in p.message for p in report.errors), [str(p) for p in report.problems]


def _resign(pkg: Path) -> None:
    """Rewrite the manifests after a change, as software that counted wrongly would have."""
    lines = []
    payload = [f for f in sorted((pkg / "data").rglob("*")) if f.is_file()]
    for f in payload:
        lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(pkg).as_posix()}\n")
    (pkg / "manifest-sha256.txt").write_text("".join(lines), "utf-8")
    info = (pkg / "bag-info.txt").read_text("utf-8")
    oxum = f"Payload-Oxum: {sum(f.stat().st_size for f in payload)}.{len(payload)}"
    (pkg / "bag-info.txt").write_text(re.sub(r"Payload-Oxum: \S+", oxum, info), "utf-8")
    tags = []
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        tags.append(f"{hashlib.sha256((pkg / name).read_bytes()).hexdigest()}  {name}\n")
    (pkg / "tagmanifest-sha256.txt").write_text("".join(tags), "utf-8")


def test_verify_recounts_the_pages_of_each_file(copy):
    ws, made = copy
    liu = next(c for c, t in made.titles.items() if t.startswith("刘志强"))
    pkg = ws.root / ws.registry.get_case(liu).extra["archive_path"]
    meta = json.loads((pkg / METADATA_PATH).read_text("utf-8"))
    tif = next(f for f in meta["files"] if f["name"] == "判决书扫描.tif")
    tif["pages"] = 1            # a count that is not the file's
    meta["archive_stamp"]["pages"] = meta["归档章"]["页数"] = 7
    (pkg / METADATA_PATH).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    _resign(pkg)
    report = verify_archive(ws)
    integrity = [p for p in report.errors if p.category == INTEGRITY and p.package == pkg.name]
    assert len(integrity) == 1, [str(p) for p in report.problems]
    assert integrity[0].file == tif["path"]
    assert integrity[0].message == "页数不符：元数据 1 页，重新计算为 4 页（TIFF 帧数）"
    # the catalogue, written from the package as it was, no longer agrees either
    assert any(p.package == SERIES and "的页数：目录 10，档案包 7" in p.message for p in report.errors)


def test_catalogue_text_cells_are_strings_never_formulas(ws):
    """Issue 9 item 9: a name or 题名 starting with = + - @ stays text in the .xlsx."""
    from docgen.models import Petitioner

    evil = ("=cmd|' /C calc'!A0", "+SUM(A1:A2)", "-2+3", "@SUM(1)")
    for i, name in enumerate(evil):
        case = make_closed_case(ws, i)
        case.petitioner = Petitioner(name=name)
        ws.registry.update_case(case)
    archive_batch(ws)
    path = catalogue_paths(ws.archive_dir, _series())["xlsx"]
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    cells = re.findall(r'<c r="([A-Z]+)(\d+)"([^>]*)>', sheet_xml)
    text_cols = {"B", "D", "E", "F", "I"}      # 档号, 责任者, 题名, 日期, 备注
    for col, row, attrs in cells:
        if int(row) >= 4 and col in text_cols:
            assert 't="s"' in attrs or 't="inlineStr"' in attrs, (col, row, attrs)
    values = [r[3] for r in load_workbook(path).active.iter_rows(min_row=4, values_only=True)]
    assert sorted(values) == sorted(evil)
    titles = [r[4] for r in load_workbook(path).active.iter_rows(min_row=4, values_only=True)]
    assert all(t.startswith(evil) for t in titles)


def test_estimated_docx_pages_are_marked_and_verified(ws):
    cfg = ws.config_path.read_text("utf-8").replace("[archive]\n", '[archive]\ndocx_pages = "estimate"\n', 1)
    ws.config_path.write_text(cfg, "utf-8")
    ws = Workspace.open(ws.root)
    make_closed_case(ws, 0)
    archive_batch(ws)
    row = next(iter(_rows(ws.root).values()))
    assert row["页数"] == 3 and "页数含估算" in row["备注"]      # a 2-page PDF, a 1-page .docx
    assert verify_archive(ws).ok


def _pty_run(argv: list[str]) -> str:
    """Run a command with stdout and stderr on one terminal, as a clerk sees it."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=docgen_env(), close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=120)
    os.close(master)
    return out.decode("utf-8", "replace")


def test_progress_ends_its_line_before_the_next_output(ws):
    make_closed_case(ws, 0, received=dt.date(2025, 3, 1))
    _release(ws)
    for args in (("archive",), ("verify",)):
        out = _pty_run(docgen_argv(ws.root, *args))
        for line in out.replace("\r\n", "\n").split("\n"):
            shown = line.rsplit("\r", 1)[-1]      # what stays on the screen after redraws
            if "[" in shown and "#" in shown:       # the bar's line holds the bar alone
                assert re.fullmatch(r"\s*(?:\x1b\[\?25[lh])*(归档|检测)\s+\[[#-]+\]\s+\d+/\d+.*?(?:\x1b\[\?25[lh])*\s*",
                                    shown), repr(shown)
        assert "已归档" in out or "真实性" in out


def test_cli_archive_says_paper_items_and_pages(year, tmp_path):
    root, made, _ = year
    shutil.copytree(root, tmp_path / "ws")
    out = run_docgen(tmp_path / "ws", "archive", "--year", str(YEAR + 1))
    assert out.returncode == 0, out.stderr
    assert "（1 个文件，1 页）" in out.stdout
    assert out.stderr.endswith("\n")


def test_catalogue_docx_keeps_its_column_widths_and_whole_rows(year):
    """LibreOffice lays a table out by its grid: python-docx leaves the grid equal, which squeezed
    题名 into a ninth of the page and split rows over pages (seen in the rendered PNG)."""
    root, _, _ = year
    xml = zipfile.ZipFile(catalogue_paths(root / "archive", _series())["docx"]).read("word/document.xml").decode()
    grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', xml)]
    assert len(grid) == 9 and abs(sum(grid) - 257 * 1440 / 25.4) < 10
    assert grid[4] == max(grid)                       # 题名 the widest column
    assert '<w:tblLayout w:type="fixed"/>' in xml
    assert xml.count("<w:cantSplit") == xml.count("<w:tr>") + xml.count("<w:tr ")
