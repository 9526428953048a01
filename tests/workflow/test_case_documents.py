"""Documents written with ``docgen letter`` stay with their case: registered, replaced when
rewritten, archived with the 件."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from docx import Document

from docgen.letters import have_libreoffice


def documents(ws, case_no: str) -> list:
    return [f for f in ws.registry.files(ws.registry.get_case(case_no).id) if f.role == "document"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_of(path: Path) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def assert_registry_matches_disk(ws, case_no: str) -> None:
    for f in documents(ws, case_no):
        assert digest(ws.root / f.path) == f.sha256, f.path


def test_letter_is_registered_as_a_file_of_the_case(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    data = docgen.json("letter", "来信登记处理单", no, "--date", "2024-03-02")
    path = Path(data["files"][0])
    assert path.parent == ws.case_dir(no) / "documents"
    [stored] = documents(ws, no)
    assert stored.kind == "来信登记处理单" and stored.path == path.relative_to(ws.root).as_posix()
    assert stored.sha256 == digest(path)
    assert "反映某镇征地拆迁补偿款未发放问题" in text_of(path)
    events = docgen.json("show", no)["events"]
    assert events[-1]["kind"] == "文书" and events[-1]["data"]["sha256"] == stored.sha256


def test_reprinting_the_routing_letter_replaces_the_registered_version(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    routed = docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    first = Path(routed["files"][0])
    [before] = documents(ws, no)

    again = docgen.json("letter", "交办函", no, "--date", "2024-03-05")
    assert again["doc_no"] == routed["event"]["data"]["doc_no"] and again["replaced"] is True
    [after] = documents(ws, no)
    assert after.id == before.id and after.sha256 != before.sha256
    assert after.added_date.isoformat() == "2024-03-05"
    assert not first.exists()                        # the old version is gone, not piled up
    assert Path(again["files"][0]).is_file()
    assert_registry_matches_disk(ws, no)
    assert "2024年3月5日" in text_of(ws.root / after.path)

    third = docgen.json("letter", "交办函", no, "--date", "2024-03-06")
    assert third["replaced"] is True and len(documents(ws, no)) == 1
    assert len(list((ws.case_dir(no) / "documents").iterdir())) == 1
    assert_registry_matches_disk(ws, no)


def test_a_new_notice_variant_is_a_new_document(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    a = docgen.json("letter", "告知书", no, "--date", "2024-03-02")
    b = docgen.json("letter", "告知书", no, "--date", "2024-03-03")
    assert a["doc_no"] == b["doc_no"] and b["replaced"] is True
    c = docgen.json("letter", "告知书", no, "--notice", "不予受理", "--reason", "不属于本机关职责范围",
                    "--date", "2024-03-03")
    assert c["doc_no"] != a["doc_no"] and c["replaced"] is False
    assert sorted(f.name for f in documents(ws, no)) == sorted(
        [f"告知书-{a['doc_no']}.docx", f"告知书-{c['doc_no']}.docx"])
    assert "不属于本机关职责范围" in text_of(Path(c["files"][0]))


def test_output_option_writes_a_copy_too(docgen, ws, new_case, tmp_path):
    no = new_case("2024-03-01").case_no
    out = tmp_path / "给领导看" / "处理单.docx"
    data = docgen.json("letter", "来信登记处理单", no, "-o", out)
    kept, copy = map(Path, data["files"])
    assert copy == out and out.read_bytes() == kept.read_bytes()
    assert [f.path for f in documents(ws, no)] == [kept.relative_to(ws.root).as_posix()]


def test_refused_letter_leaves_nothing(docgen, ws, new_case, snapshot):
    no = new_case("2024-03-01", name=None).case_no
    before = snapshot(no)
    result = docgen("letter", "告知书", no)
    assert result.exit_code == 1 and "匿名" in result.stderr
    assert snapshot(no) == before        # no file, no event, no 发文字号 used up


def test_documents_of_the_case_are_archived_with_it(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("letter", "来信登记处理单", no, "--date", "2024-03-02")
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    docgen.json("letter", "来信登记处理单", no, "--date", "2024-03-05")     # refreshed slip
    assert docgen("close", no, "--result", "已处理", "--date", "2024-04-01").exit_code == 0
    [item] = docgen.json("archive")["archived"]
    package = ws.root / item["path"]
    meta = json.loads((package / "data" / "metadata.json").read_text(encoding="utf-8"))
    kinds = [f["kind"] for f in meta["files"]]
    assert kinds == ["交办函", "来信登记处理单"]    # the slip once, the letter before it


def test_archived_case_letter_goes_only_to_the_output(docgen, ws, new_case, tmp_path):
    no = new_case("2024-03-01").case_no
    docgen.json("letter", "来信登记处理单", no, "--date", "2024-03-02")
    assert docgen("close", no, "--result", "已处理", "--date", "2024-04-01").exit_code == 0
    docgen.json("archive")
    registered = documents(ws, no)
    out = tmp_path / "copy.docx"
    result = docgen("letter", "来信登记处理单", no, "-o", out)
    assert result.exit_code == 0 and "已归档" in result.stderr
    assert out.is_file() and documents(ws, no) == registered


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice(), reason="LibreOffice (soffice) not installed")
def test_pdf_beside_the_copy(docgen, ws, new_case, tmp_path):
    no = new_case("2024-03-01").case_no
    out = tmp_path / "交办函.docx"
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    data = docgen.json("letter", "交办函", no, "-o", out, "--pdf")
    assert data["files"][-1] == str(tmp_path / "交办函.pdf")
    assert (tmp_path / "交办函.pdf").read_bytes()[:5] == b"%PDF-"
