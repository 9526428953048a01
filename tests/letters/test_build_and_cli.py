"""The committed templates are what the builder makes, and the commands work end to end."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from docx import Document

from docgen.letters import KINDS
from docgen.letters.build import build_template
from docgen.letters.templates import REPO_TEMPLATES
from docgen.models import Case, Petitioner


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_template_is_reproduced_byte_for_byte(kind):
    built = build_template(kind)
    assert built == build_template(kind)                        # deterministic
    assert (REPO_TEMPLATES / f"{kind}.docx").read_bytes() == built  # run python -m docgen.letters.build


@pytest.fixture
def case_no(ws):
    case = ws.registry.add_case(Case(
        case_no="", channel="来信", received_date=dt.date(2026, 3, 2),
        petitioner=Petitioner(name="张三", phone="13812345678"), target="示例县住建局",
        text="车库渗水 <严重> & 无人处理", extra={"route_to": "示例县住建局", "route_mode": "交办",
                                          "route_date": "2026-03-03", "due_date": "2026-05-06"}))
    return case.case_no


def test_letter_writes_a_numbered_assign_letter(docgen, ws, case_no, tmp_path):
    out = tmp_path / "jb.docx"
    data = docgen.json("letter", "交办函", case_no, "-o", out, "--date", "2026-03-03")
    kept = ws.case_dir(case_no) / "documents" / "交办函-示人大信〔2026〕1号.docx"
    assert data["files"] == [str(kept), str(out)] and data["doc_no"] == "示人大信〔2026〕1号"
    assert out.read_bytes() == kept.read_bytes()
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "车库渗水 <严重> & 无人处理" in text and "2026年3月3日" in text


def test_reprinting_keeps_the_doc_number(docgen, case_no, tmp_path):
    first = docgen.json("letter", "告知书", case_no, "-o", tmp_path / "a.docx")["doc_no"]
    second = docgen.json("letter", "告知书", case_no, "-o", tmp_path / "b.docx")["doc_no"]
    assert first == second == "示人大信〔2026〕1号"


def test_letter_without_output_is_kept_only_with_the_case(docgen, ws, case_no):
    data = docgen.json("letter", "来信登记处理单", case_no)
    assert data["doc_no"] is None
    assert data["files"] == [str(ws.case_dir(case_no) / "documents" / "来信登记处理单.docx")]


def test_unknown_kind_and_unknown_case_exit_1(docgen, case_no):
    result = docgen("letter", "请示", case_no)
    assert result.exit_code == 1 and "未知的文书类型" in result.stderr
    result = docgen("letter", "交办函", "2026-9999")
    assert result.exit_code == 1


def test_refused_letter_uses_no_number(docgen, ws, case_no):
    ws.registry.add_case(Case(case_no="", channel="来信", received_date=dt.date(2026, 3, 4)))
    result = docgen("letter", "交办函", "2026-0002")
    assert result.exit_code == 1 and "收文单位" in result.stderr
    assert ws.registry.peek_sequence("doc:交办函:2026") == 0


def test_templates_list_shows_every_kind_with_its_variables(docgen):
    data = docgen.json("templates", "list")
    assert [t["kind"] for t in data["templates"]] == list(KINDS)
    assert all(t["source"] == "builtin" and t["variables"] for t in data["templates"])


def test_exported_and_edited_template_is_used_and_listed(docgen, ws, case_no, tmp_path):
    docgen.json("templates", "export", ws.templates_dir, "--kind", "转送函")
    path = ws.templates_dir / "转送函.docx"
    doc = Document(path)
    doc.sections[0].first_page_header.paragraphs[0].runs[0].text = "{{ office_name }}办公室"
    doc.save(path)
    listed = {t["kind"]: t for t in docgen.json("templates", "list")["templates"]}
    assert listed["转送函"]["source"] == "workspace"
    out = tmp_path / "zs.docx"
    docgen.json("letter", "转送函", case_no, "-o", out)
    assert Document(out).sections[0].first_page_header.paragraphs[0].text == "示例县人大常委会办公室"


def test_templates_check_passes_builtins_and_fails_a_broken_file(docgen, tmp_path):
    assert docgen.json("templates", "check")["ok"] is True
    doc = Document(REPO_TEMPLATES / "交办函.docx")
    doc.add_paragraph("{{ nmae }}")
    bad = tmp_path / "交办函.docx"
    doc.save(bad)
    result = docgen("templates", "check", bad, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["templates"][0]["problems"][0]["code"] == "undeclared"
