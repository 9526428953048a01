"""Batch archiving: one BagIt package per closed case, continuous 档号, idempotent runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

import bagit
import pytest
from docx import Document
from openpyxl import load_workbook

from docgen.archive import ArchiveNo, archive_batch
from docgen.archive.bag import METADATA_PATH
from docgen.models import FILE_ORIGINAL
from tests.fixtures.archive_cases import make_batch, make_closed_case, package_paths, pdf_bytes


def _archived(ws):
    return [c for c in ws.registry.list_cases() if c.archive_no]


def test_every_closed_case_becomes_one_package(closed_ws):
    result = archive_batch(closed_ws)
    assert len(result.archived) == 6
    assert len(package_paths(closed_ws)) == 6
    open_case = [c for c in closed_ws.registry.list_cases() if not c.is_closed][0]
    assert open_case.archive_no is None


def test_item_numbers_are_continuous_within_each_series_over_batches(ws):
    make_batch(ws, 6)
    archive_batch(ws)
    make_batch(ws, 6)
    archive_batch(ws)
    by_series: dict = {}
    for case in _archived(ws):
        no = ArchiveNo.parse(case.archive_no)
        by_series.setdefault(no.series, []).append(no.item)
    assert {str(s): sorted(v) for s, v in by_series.items()} == {
        "Z001-WS·2025-D10-XF": [1, 2, 3, 4],      # plain cases
        "Z001-WS·2025-D30-XF": [1, 2, 3, 4, 5, 6, 7, 8],   # 交办 / 转送 with a result
    }


def test_package_is_a_valid_bag_holding_the_original_byte_for_byte(archived_ws):
    case = archived_ws.registry.list_cases(where="archive_no IS NOT NULL", limit=1)[0]
    pkg = archived_ws.root / case.extra["archive_path"]
    assert pkg.name == case.archive_no
    bagit.Bag(str(pkg)).validate()
    original = [f for f in archived_ws.registry.files(case.id) if f.role == FILE_ORIGINAL][0]
    archived = pkg / "data" / "原件" / original.name
    assert archived.read_bytes() == (archived_ws.root / original.path).read_bytes()
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == original.sha256
    assert "sha256" in (pkg / "manifest-sha256.txt").name


def test_metadata_describes_the_case_without_docgen(archived_ws):
    case = [c for c in _archived(archived_ws) if c.archive_no.startswith("Z001-WS·2025-D30")][0]
    meta = json.loads((archived_ws.root / case.extra["archive_path"] / METADATA_PATH).read_text("utf-8"))
    assert meta["archive_no"] == case.archive_no
    assert meta["case"]["case_no"] == case.case_no and meta["case"]["petitioner"]["name"]
    assert meta["case"]["archive_no"] == case.archive_no
    assert [e["kind"] for e in meta["events"]][0] == "登记"
    stamp = meta["archive_stamp"]
    assert {k: stamp[k] for k in ("fonds", "year", "org", "retention")} == {
        "fonds": "Z001", "year": 2025, "org": "XF", "retention": "D30"}
    assert stamp["item_no"] == case.archive_no[-4:]
    assert set(meta["归档章"]) == {"全宗号", "年度", "件号", "机构(问题)", "保管期限", "页数"}
    assert stamp["pages"] == sum(f["pages"] for f in meta["files"])
    for f in meta["files"]:
        assert len(f["sha256"]) == 64 and f["pages"] >= 1 and f["role"]
    # inside the 件: result first, the routing letter, the processing slip, then the letter
    assert [f["kind"] for f in meta["files"]] == ["办理结果报告", "交办函", "来信登记处理单", "来信原件"] or \
        [f["kind"] for f in meta["files"]] == ["办理结果报告", "转送函", "来信登记处理单", "来信原件"]
    assert [f["order"] for f in meta["files"]] == [1, 2, 3, 4]
    assert "结果" in meta["file_order_rule"]


def test_bag_info_carries_the_key_metadata(archived_ws):
    case = _archived(archived_ws)[0]
    info = bagit.Bag(str(archived_ws.root / case.extra["archive_path"])).info
    assert info["External-Identifier"] == info["档号"] == case.archive_no
    assert info["题名"] and info["责任者"] == case.petitioner.name
    assert len(info["日期"]) == 8 and info["日期"].isdigit()
    assert info["Internal-Sender-Identifier"] == case.case_no


def test_archiving_records_an_event_and_the_package_path(archived_ws):
    case = _archived(archived_ws)[0]
    events = archived_ws.registry.events(case.id)
    assert events[-1].kind == "归档" and case.archive_no in events[-1].detail
    assert case.extra["archive_path"].startswith("archive/2025/")
    assert "archive_reserved" not in case.extra
    # working files stay where they were: data is never lost
    for f in archived_ws.registry.files(case.id):
        assert (archived_ws.root / f.path).is_file()


def test_second_run_does_nothing(archived_ws, docgen):
    before = {p: p.stat().st_mtime_ns for p in archived_ws.archive_dir.rglob("*") if p.is_file()
              and p.name != "access.log"}
    out = docgen.json("archive")
    assert out["archived"] == [] and out["files"] == []
    after = {p: p.stat().st_mtime_ns for p in archived_ws.archive_dir.rglob("*") if p.is_file()
             and p.name != "access.log"}
    assert before == after


def test_dry_run_shows_the_plan_and_changes_nothing(closed_ws, docgen):
    out = docgen.json("archive", "--dry-run")
    assert len(out["planned"]) == 6 and out["archived"] == []
    assert {p["archive_no"] for p in out["planned"]} >= {"Z001-WS·2025-D10-XF-0001", "Z001-WS·2025-D30-XF-0004"}
    assert _archived(closed_ws) == [] and package_paths(closed_ws) == []
    real = docgen.json("archive")
    assert sorted(a["archive_no"] for a in real["archived"]) == sorted(p["archive_no"] for p in out["planned"])


def test_year_selects_by_the_year_the_case_was_closed(ws, docgen):
    make_closed_case(ws, 0, received=dt.date(2024, 12, 20), closed=dt.date(2025, 1, 10))
    make_closed_case(ws, 1, received=dt.date(2024, 5, 1), closed=dt.date(2024, 6, 1))
    out = docgen.json("archive", "--year", "2025")
    assert [a["archive_no"] for a in out["archived"]] == ["Z001-WS·2025-D10-XF-0001"]
    assert out["archived"][0]["case_no"] == "2024-0001"
    out = docgen.json("archive", "--year", "2024")
    assert [a["archive_no"] for a in out["archived"]] == ["Z001-WS·2024-D10-XF-0001"]


def test_archived_case_is_still_shown_and_listed(archived_ws, docgen):
    case = _archived(archived_ws)[0]
    shown = docgen.json("show", case.case_no)
    text = json.dumps(shown, ensure_ascii=False)
    assert case.archive_no in text
    listed = docgen.json("list")
    assert case.archive_no in [c.get("archive_no") for c in listed["cases"]]


def test_case_with_a_missing_file_is_skipped_without_spending_a_number(ws):
    make_batch(ws, 3)
    broken = make_closed_case(ws, 7)
    (ws.root / ws.registry.files(broken.id)[0].path).unlink()
    result = archive_batch(ws)
    assert [s.case_no for s in result.skipped] == [broken.case_no]
    assert "缺失" in result.skipped[0].reason
    assert sorted(ArchiveNo.parse(c.archive_no).item for c in _archived(ws)
                  if "D10" in c.archive_no) == [1]


def test_working_file_changed_since_registration_is_not_archived(ws):
    case = make_closed_case(ws, 0)
    f = ws.registry.files(case.id)[0]
    data = bytearray((ws.root / f.path).read_bytes())
    data[-10] ^= 0xFF
    (ws.root / f.path).write_bytes(bytes(data))
    result = archive_batch(ws)
    assert result.archived == [] and "SHA-256" in result.skipped[0].reason
    assert package_paths(ws) == [] and list((ws.archive_dir / ".staging").iterdir()) == []


def test_original_names_with_unsafe_characters_stay_inside_the_package(ws):
    case = make_closed_case(ws, 0, files=[(FILE_ORIGINAL, "../../来信 (1).pdf", pdf_bytes("x"), "来信原件")])
    archive_batch(ws)
    pkg = ws.root / ws.registry.get_case(case.case_no).extra["archive_path"]
    assert [p.name for p in (pkg / "data" / "原件").iterdir()] == ["来信 (1).pdf"]
    bagit.Bag(str(pkg)).validate()


def test_catalogue_is_written_as_xlsx_and_landscape_docx(archived_ws):
    base = archived_ws.archive_dir / "catalogues" / "2025"
    wb = load_workbook(base / "归档文件目录_Z001-WS·2025-D30-XF.xlsx")
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[2] == ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
    body = rows[3:]
    assert [r[1] for r in body] == [f"Z001-WS·2025-D30-XF-{i:04d}" for i in range(1, 5)]
    assert all(len(r[5]) == 8 and r[5].isdigit() for r in body)
    assert body[0][2].startswith("示人大信〔2025〕")

    doc = Document(base / "归档文件目录_Z001-WS·2025-D30-XF.docx")
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height          # landscape A4
    assert abs(sec.page_width.mm - 297) < 1
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["序号", "档号"]
    assert len(table.rows) == 5
    xml = zipfile.ZipFile(base / "归档文件目录_Z001-WS·2025-D30-XF.docx").read("word/document.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in xml


def test_notes_sheet_names_arranger_and_checker_from_config(closed_ws):
    cfg = closed_ws.config_path.read_text("utf-8")
    cfg = cfg.replace('arranger = ""', 'arranger = "王小明"').replace('checker = ""', 'checker = "李主任"')
    closed_ws.config_path.write_text(cfg, "utf-8")
    from docgen.workspace import Workspace

    ws = Workspace.open(closed_ws.root)
    archive_batch(ws)
    doc = Document(ws.archive_dir / "catalogues" / "2025" / "备考表_Z001-WS·2025-D10-XF.docx")
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["整理人"] == "王小明" and cells["检查人"] == "李主任"
    assert "共 2 件" in cells["盒内文件情况说明"]
    assert cells["整理日期"].endswith("日")


def test_cli_archive_json_lists_packages_and_catalogues(closed_ws, docgen):
    out = docgen.json("archive")
    assert {"archived", "files", "skipped"} <= set(out)
    assert all({"case_no", "archive_no", "path"} <= set(a) for a in out["archived"])
    assert any(f.endswith(".xlsx") for f in out["files"])
    assert any(f.endswith(".docx") and "备考表" in f for f in out["files"])
    assert all((closed_ws.root / f).exists() for f in out["files"])


@pytest.mark.slow
@pytest.mark.libreoffice
def test_pdf_copies_of_generated_documents_when_configured(ws):
    from docgen.letters.pdf import have_libreoffice

    if not have_libreoffice():
        pytest.skip("LibreOffice 未安装")
    cfg = ws.config_path.read_text("utf-8").replace("pdf_copies = false", "pdf_copies = true")
    assert "pdf_copies = true" in cfg
    ws.config_path.write_text(cfg, "utf-8")
    from docgen.workspace import Workspace

    ws = Workspace.open(ws.root)
    case = make_closed_case(ws, 0)
    archive_batch(ws)
    pkg = ws.root / ws.registry.get_case(case.case_no).extra["archive_path"]
    meta = json.loads((pkg / METADATA_PATH).read_text("utf-8"))
    copies = [f for f in meta["files"] if f["derived_from"]]
    assert [c["path"] for c in copies] == ["data/文书PDF/来信登记处理单.pdf"]
    assert (pkg / copies[0]["path"]).read_bytes().startswith(b"%PDF-")
    assert meta["archive_stamp"]["pages"] == sum(f["pages"] for f in meta["files"] if not f["derived_from"])
    from docgen.archive import verify_archive

    assert verify_archive(ws).ok
