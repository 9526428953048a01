"""A template from another office can never run code (issue 9 item 1): rendering is sandboxed
(no globals, no attributes but ``loop.*``, a short list of filters, checked before any of the
template runs), and ``docgen templates check`` names every way a template reaches for Python
objects, with its place."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from docx import Document
from docx.oxml import OxmlElement

from docgen.errors import DocgenError
from docgen.letters import build_context, render_document
from docgen.letters.check import check_template
from docgen.letters.templates import builtin_template
from tests.fixtures.letters_cases import OFFICE_CONFIG, sample_case

MARKER = "PWNED"

# (payload, the error code the linter must give)
PAYLOADS = [
    ("{{ cycler.__init__.__globals__.os.popen('touch " + MARKER + "').read() }}", "unknown_global"),
    ("{{ lipsum.__globals__['os'].system('touch " + MARKER + "') }}", "unknown_global"),
    ("{{ petitioner_name.__class__.__mro__[1].__subclasses__() }}", "unsafe_attribute"),
    ("{{ petitioner_name['__class__'] }}", "unsafe_attribute"),
    ("{{ facts._private }}", "unsafe_attribute"),
    ("{{ petitioner_name.format(1) }}", "unsafe_call"),
    ("{{ joiner() }}", "unknown_global"),
    ("{{ self }}", "unknown_global"),
    ("{{ petitioner_name | attr('__class__') }}", "unknown_filter"),
    ("{{ facts | sum(attribute='__class__') }}", "unsafe_attribute"),
    ("{{ summary | safe }}", "unknown_filter"),
    ("{% autoescape false %}{{ summary }}{% endautoescape %}", "autoescape"),
]


def hostile(folder, payload, name="交办函.docx", where="body"):
    """The built-in 交办函 with ``payload`` typed into the body, a table cell or the header."""
    doc = Document(builtin_template("交办函"))
    if where == "body":
        doc.add_paragraph(payload)
    elif where == "table":
        doc.add_table(rows=2, cols=2).cell(1, 0).paragraphs[0].add_run(payload)
    elif where == "header":
        doc.sections[0].first_page_header.add_paragraph(payload)
    elif where == "title":
        doc.core_properties.title = payload
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    doc.save(path)
    return path


def render_with(templates, kind="交办函"):
    ctx = build_context(sample_case(), OFFICE_CONFIG, kind, date=dt.date(2014, 5, 23))
    return render_document(kind, ctx, templates.parent / "out.docx", template_dir=templates)


@pytest.mark.parametrize("payload,code", PAYLOADS)
def test_check_reports_a_hostile_template_as_an_error_in_its_paragraph(tmp_path, payload, code):
    path = hostile(tmp_path / "templates", payload)
    n = len(Document(builtin_template("交办函")).paragraphs)
    report = check_template(path)
    assert not report.ok, payload
    assert (code, f"正文第{n + 1}段") in [(p.code, p.location) for p in report.errors], report.problems


@pytest.mark.parametrize("where,location", [("table", "正文表格1 第2行第1列 第1段"),
                                            ("header", "首页页眉第2段"),
                                            ("title", "文档属性（标题）")])
def test_the_error_names_the_table_cell_header_or_property(tmp_path, where, location):
    path = hostile(tmp_path / "templates", PAYLOADS[0][0], where=where)
    errors = check_template(path).errors
    assert ("unknown_global", location) in [(p.code, p.location) for p in errors], errors


@pytest.mark.parametrize("payload,code", PAYLOADS)
def test_rendering_a_hostile_template_runs_nothing(tmp_path, monkeypatch, payload, code):
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    hostile(templates, payload)
    with pytest.raises(DocgenError, match="交办函.docx"):
        render_with(templates)
    assert not (tmp_path / MARKER).exists()
    assert not (tmp_path / "out.docx").exists()


def test_a_tag_hidden_outside_the_visible_text_is_found_and_refused(tmp_path, monkeypatch):
    """A tag in a field code is invisible in Word, but docxtpl gives Jinja the whole XML."""
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    path = hostile(templates, "正文")
    doc = Document(path)
    run = doc.paragraphs[-1].add_run()
    instr = OxmlElement("w:instrText")
    instr.text = "{{ cycler.__init__.__globals__.os.popen('touch " + MARKER + "').read() }}"
    run._r.append(instr)
    doc.save(path)
    report = check_template(path)
    assert ("hidden", "正文（不可见位置）") in [(p.code, p.location) for p in report.errors]
    with pytest.raises(DocgenError):
        render_with(templates)
    assert not (tmp_path / MARKER).exists()


def test_huge_repetition_is_refused(tmp_path):
    templates = tmp_path / "templates"
    hostile(templates, "{{ case_no * 1000000000 }}")
    with pytest.raises(DocgenError, match="过长"):
        render_with(templates)


def test_loop_variables_and_ordinary_filters_still_work(tmp_path):
    templates = tmp_path / "templates"
    path = hostile(templates, "{% for a in attachments %}{{ loop.index }}.{{ a | trim }}"
                              "{% if not loop.last %}；{% endif %}{% endfor %}"
                              "{{ case_no[-1:] }}{{ cc | default('无') | length }}")
    assert check_template(path).problems == []
    text = "\n".join(p.text for p in Document(render_with(templates)).paragraphs)
    assert "1.来信复印件214" in text


def test_builtin_templates_render_in_the_sandbox(tmp_path):
    for kind in ("交办函", "来信登记处理单", "告知书"):
        ctx = build_context(sample_case(), OFFICE_CONFIG, kind, date=dt.date(2014, 5, 23))
        assert render_document(kind, ctx, tmp_path / f"{kind}.docx").is_file()


def test_templates_check_command_fails_with_the_place(docgen, ws):
    hostile(ws.templates_dir, PAYLOADS[0][0])
    result = docgen("templates", "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    problems = [p for t in report["templates"] for p in t["problems"]]
    assert any(p["code"] == "unknown_global" and p["location"].startswith("正文第") for p in problems)
    text = docgen("templates", "check")
    assert text.exit_code == 1 and "通过" not in text.stdout.split("交办函.docx")[1].split("\n")[0]


def test_writing_a_letter_with_a_hostile_override_runs_nothing(docgen, ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    letter = tmp_path / "来信.txt"
    letter.write_text("县人大常委会：\n我叫张三，反映某镇人民政府拖欠征地补偿款。\n反映人：张三\n2026年10月8日\n",
                      encoding="utf-8")
    assert docgen("intake", letter, "--received", "2026-10-10").exit_code == 0
    hostile(ws.templates_dir, PAYLOADS[0][0])
    result = docgen("letter", "交办函", "2026-0001", "--to", "某镇人民政府")
    assert result.exit_code == 1, result.output
    assert "模板" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / MARKER).exists() and not (ws.root / MARKER).exists()
