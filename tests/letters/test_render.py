"""Rendering: user text is data (never template code), files are written atomically, and an
office's own template in the workspace replaces the built-in one."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from docgen.errors import DocgenError
from docgen.letters import build_context, export_templates, render_document
from docgen.letters.templates import find_template
from tests.fixtures.letters_cases import HOSTILE_TEXT, OFFICE_CONFIG, long_text, sample_case


def body_text(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_markup_and_template_syntax_in_user_text_render_literally(rendered):
    text = body_text(rendered["hostile"])
    assert HOSTILE_TEXT in text          # <, &, ", {{ }}, {% %}, {# #}, tab, emoji, as typed
    assert '诉求：<b>赔偿</b> & "道歉"。' in text
    assert "\x00" not in text and "\x07" not in text


def test_long_letter_keeps_every_character(rendered):
    assert long_text() .replace("\n", "") in body_text(rendered["long"]).replace("\n", "")


def test_anonymous_letter_has_no_dangling_labels(tmp_path):
    case = sample_case(petitioner=None, target=None, request=None, extra={"route_to": "县法院"})
    from docgen.models import Petitioner
    case.petitioner = Petitioner()
    ctx = build_context(case, OFFICE_CONFIG, "交办函", date=dt.date(2014, 5, 23))
    text = body_text(render_document("交办函", ctx, tmp_path / "a.docx"))
    assert "匿名来信" in text
    for dangling in ("None", "诉求：", "反映有关问题", "于前", "（）"):
        assert dangling not in text
    assert "请在规定期限内将调查核实" in text   # no deadline known → no empty date


def test_target_is_named_when_the_letter_says_nothing_to_quote(tmp_path):
    case = sample_case(text="", summary=None, target="A&B <公司>", request=None)
    ctx = build_context(case, OFFICE_CONFIG, "交办函", date=dt.date(2014, 5, 23))
    text = body_text(render_document("交办函", ctx, tmp_path / "a.docx"))
    assert "（登记号：2014-0012），反映A&B <公司>有关问题。" in text


def test_missing_phone_and_contact_drop_the_note(tmp_path):
    ctx = build_context(sample_case(), {"office": {"name": "桐庐县人大常委会"}}, "交办函")
    text = body_text(render_document("交办函", ctx, tmp_path / "a.docx"))
    assert "联系人" not in text and "联系电话" not in text


def test_render_writes_atomically_and_leaves_no_temporary_files(tmp_path):
    ctx = build_context(sample_case(), OFFICE_CONFIG, "转送函")
    out = render_document("转送函", ctx, tmp_path / "sub" / "转送函.docx")
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == ["转送函.docx"]


def test_non_docx_output_name_is_refused(tmp_path):
    ctx = build_context(sample_case(), OFFICE_CONFIG, "转送函")
    with pytest.raises(DocgenError):
        render_document("转送函", ctx, tmp_path / "x.pdf")


def test_workspace_template_replaces_the_builtin_one(tmp_path):
    """An office exports the template, changes the letterhead in Word, drops it in templates/."""
    templates = tmp_path / "templates"
    exported = export_templates(templates, ["交办函"])[0]
    doc = Document(exported)
    header = doc.sections[0].first_page_header.paragraphs[0]
    header.runs[0].text = "{{ office_name }}（信访专用）"
    doc.save(exported)
    assert find_template("交办函", templates) == exported
    ctx = build_context(sample_case(), OFFICE_CONFIG, "交办函")
    out = render_document("交办函", ctx, tmp_path / "out.docx", template_dir=templates)
    rendered_header = Document(out).sections[0].first_page_header.paragraphs[0].text
    assert rendered_header == "桐庐县人大常委会（信访专用）"
    other = render_document("转送函", build_context(sample_case(), OFFICE_CONFIG, "转送函"),
                            tmp_path / "b.docx", template_dir=templates)
    assert Document(other).sections[0].first_page_header.paragraphs[0].text == "桐庐县人大常委会"


def test_export_never_overwrites_an_edited_template(tmp_path):
    export_templates(tmp_path, ["交办函"])
    with pytest.raises(DocgenError, match="已有模板"):
        export_templates(tmp_path, ["交办函"])
    assert export_templates(tmp_path, ["交办函"], overwrite=True)


def test_long_organ_name_is_shrunk_to_fit_one_line(tmp_path):
    config = {"office": {**OFFICE_CONFIG["office"], "name": "浙江省杭州市桐庐县人民代表大会常务委员会"}}
    ctx = build_context(sample_case(), config, "交办函")
    out = render_document("交办函", ctx, tmp_path / "a.docx")
    run = Document(out).sections[0].first_page_header.paragraphs[0].runs[0]
    assert run.font.size.pt * 20 <= 156 / 25.4 * 72      # 20 characters within 156 mm


def test_broken_template_gives_a_clear_message(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "交办函.docx").write_bytes(b"not a zip")
    ctx = build_context(sample_case(), OFFICE_CONFIG, "交办函")
    with pytest.raises(DocgenError, match="交办函.docx"):
        render_document("交办函", ctx, tmp_path / "a.docx", template_dir=templates)
    assert not (tmp_path / "a.docx").exists()


def test_run_without_east_asian_font_gets_the_style_font(tmp_path):
    """An office typed a line in Word with only a Latin font set; Chinese must still be 仿宋."""
    from docx.oxml.ns import qn

    templates = tmp_path / "templates"
    path = export_templates(templates, ["转送函"])[0]
    doc = Document(path)
    run = doc.add_paragraph(style="DocBody").add_run("联系地址：{{ office_address }}")
    run.font.name = "Times New Roman"      # sets ascii/hAnsi only
    doc.save(path)
    ctx = build_context(sample_case(), OFFICE_CONFIG, "转送函")
    out = render_document("转送函", ctx, tmp_path / "a.docx", template_dir=templates)
    last = [p for p in Document(out).paragraphs if p.text.startswith("联系地址")][0]
    rfonts = last.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert rfonts.get(qn("w:ascii")) == "Times New Roman"
