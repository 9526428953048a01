"""The generated .docx files carry the GB/T 9704-2012 facts (docs/standards.md §1), read back with
python-docx exactly as Word would see them."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen.letters import KINDS
from docgen.letters.style import (
    FANGSONG,
    HEITI,
    SONGTI,
    STYLE_ADDRESSEE,
    STYLE_ATTACHMENT,
    STYLE_BODY,
    STYLE_CC,
    STYLE_DATE,
    STYLE_DOC_NO,
    STYLE_H1,
    STYLE_ORGAN,
    STYLE_RULE,
    STYLE_TITLE,
    XIAOBIAOSONG,
)

LETTER_KINDS = [k for k, spec in KINDS.items() if spec.letter_format]
ONE_MM = Mm(1)


def style_value(paragraph, getter):
    """A paragraph property as Word resolves it: direct formatting, then the style chain."""
    value = getter(paragraph.paragraph_format)
    style = paragraph.style
    while value is None and style is not None:
        value = getter(style.paragraph_format)
        style = style.base_style
    return value


def run_font(run, paragraph):
    """(East Asian font, size in pt, RGB) of a run, resolved like Word."""
    rfonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    east = rfonts.get(qn("w:eastAsia")) if rfonts is not None else None
    size = run.font.size
    style = paragraph.style
    while size is None and style is not None:
        size = style.font.size
        style = style.base_style
    color = run.font.color.rgb if run.font.color and run.font.color.type else None
    return east, size.pt if size else None, str(color) if color else None


def paragraphs_of(doc, style_name):
    return [p for p in doc.paragraphs if p.style.name == style_name and p.text.strip()]


@pytest.mark.parametrize("kind", list(KINDS))
def test_page_is_a4_with_gbt9704_margins(rendered, kind):
    section = Document(rendered[kind]).sections[0]
    assert abs(section.page_width - Mm(210)) < ONE_MM and abs(section.page_height - Mm(297)) < ONE_MM
    for actual, expected in ((section.top_margin, 37), (section.bottom_margin, 35),
                             (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(actual - Mm(expected)) <= ONE_MM


@pytest.mark.parametrize("kind", list(KINDS))
def test_line_grid_is_22_lines(rendered, kind):
    grid = Document(rendered[kind]).sections[0]._sectPr.find(qn("w:docGrid"))
    pitch_twips = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch_twips <= Mm(225).twips < 23 * pitch_twips


@pytest.mark.parametrize("kind", list(KINDS) + ["hostile", "long"])
def test_every_run_has_an_east_asian_font(rendered, kind):
    doc = Document(rendered[kind])
    parts = [doc.part] + [rel.target_part for rel in doc.part.rels.values()
                          if rel.reltype.endswith(("/header", "/footer"))]
    for part in parts:
        for r in part.element.iter(qn("w:r")):
            rfonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert rfonts is not None and rfonts.get(qn("w:eastAsia")), part.partname


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_letter_elements_have_their_fonts_and_sizes(rendered, kind):
    doc = Document(rendered[kind])
    expected = {STYLE_TITLE: (XIAOBIAOSONG, 22), STYLE_ADDRESSEE: (FANGSONG, 16),
                STYLE_BODY: (FANGSONG, 16), STYLE_DOC_NO: (FANGSONG, 16),
                STYLE_DATE: (FANGSONG, 16), STYLE_CC: (FANGSONG, 14)}
    seen = set()
    for p in doc.paragraphs:
        if p.style.name in expected and p.text.strip():
            seen.add(p.style.name)
            for run in p.runs:
                east, size, _ = run_font(run, p)
                assert (east, size) == expected[p.style.name], (p.style.name, p.text)
    assert {STYLE_TITLE, STYLE_BODY, STYLE_DOC_NO, STYLE_DATE} <= seen


def test_report_headings_are_heiti(rendered):
    doc = Document(rendered["接待报告"])
    headings = paragraphs_of(doc, STYLE_H1)
    assert [h.text for h in headings] == ["一、基本情况", "二、反映的主要问题", "三、接待处理情况", "四、分析及建议"]
    assert all(run_font(r, h)[0] == HEITI for h in headings for r in h.runs)


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_organ_name_is_red_xiaobiaosong_30mm_from_the_top_of_page_one(rendered, kind):
    doc = Document(rendered[kind])
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert abs(section.header_distance - Mm(30)) <= ONE_MM
    organ = [p for p in section.first_page_header.paragraphs if p.style.name == STYLE_ORGAN]
    assert len(organ) == 1 and organ[0].text == "桐庐县人大常委会"
    east, _, color = run_font(organ[0].runs[0], organ[0])
    assert (east, color) == (XIAOBIAOSONG, "FF0000")
    assert style_value(organ[0], lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.CENTER


def _border(paragraph, side):
    ppr = paragraph._p.pPr
    own = ppr.find(f"{qn('w:pBdr')}/{qn('w:' + side)}") if ppr is not None else None
    return own


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_red_double_lines_are_170mm_thick_over_thin_and_thin_over_thick(rendered, kind):
    section = Document(rendered[kind]).sections[0]
    organ = section.first_page_header.paragraphs[0]
    top = _border(organ, "bottom")
    assert top.get(qn("w:val")) == "thickThinSmallGap" and top.get(qn("w:color")) == "FF0000"
    bottom_p = [p for p in section.first_page_footer.paragraphs if p.style.name == STYLE_RULE][0]
    bottom = _border(bottom_p, "bottom")
    assert bottom.get(qn("w:val")) == "thinThickSmallGap" and bottom.get(qn("w:color")) == "FF0000"
    assert abs(section.footer_distance - Mm(20)) <= ONE_MM   # 20 mm above the paper's bottom edge
    type_area = section.page_width - section.left_margin - section.right_margin
    for p in (organ, bottom_p):
        left = style_value(p, lambda f: f.left_indent)
        right = style_value(p, lambda f: f.right_indent)
        assert abs(type_area - left - right - Mm(170)) <= ONE_MM   # 170 mm long
        assert abs(left - right) <= ONE_MM                          # centred


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_no_page_number_on_page_one_but_on_the_others(rendered, kind):
    section = Document(rendered[kind]).sections[0]

    def has_page_field(footer):
        return any("PAGE" in (t.text or "") for t in footer._element.iter(qn("w:instrText")))

    assert not has_page_field(section.first_page_footer)
    for footer in (section.footer, section.even_page_footer):
        assert has_page_field(footer)
        assert re.fullmatch(r"— 1 —", footer.paragraphs[0].text)
        assert all(run_font(r, footer.paragraphs[0])[0] == SONGTI for r in footer.paragraphs[0].runs)


def test_page_numbers_sit_right_on_odd_and_left_on_even_pages(rendered):
    section = Document(rendered["接待报告"]).sections[0]
    assert not section.different_first_page_header_footer       # reports number page 1 too
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_doc_number_is_flush_right_with_hexagonal_brackets(rendered, kind):
    doc = Document(rendered[kind])
    number = paragraphs_of(doc, STYLE_DOC_NO)
    assert len(number) == 1
    assert re.fullmatch(r"桐人大信〔2014〕[1-9]\d*号", number[0].text)
    assert style_value(number[0], lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_date_is_written_with_arabic_numerals_without_padding(rendered, kind):
    dates = paragraphs_of(Document(rendered[kind]), STYLE_DATE)
    assert [d.text for d in dates] == ["2014年5月23日"]


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_addressee_ends_with_full_width_colon(rendered, kind):
    addressee = paragraphs_of(Document(rendered[kind]), STYLE_ADDRESSEE)
    assert len(addressee) == 1 and addressee[0].text.endswith("：")
    expected = "张三：" if kind == "告知书" else "桐庐县住房和城乡建设局："
    assert addressee[0].text == expected


@pytest.mark.parametrize("kind", ["交办函", "转送函"])
def test_attachment_line_has_no_trailing_punctuation(rendered, kind):
    lines = paragraphs_of(Document(rendered[kind]), STYLE_ATTACHMENT)
    assert [a.text for a in lines] == ["附件：1.来信复印件"]


def test_copy_to_line_ends_with_full_stop(rendered):
    cc = paragraphs_of(Document(rendered["交办函"]), STYLE_CC)
    assert [c.text for c in cc] == ["抄送：县人大常委会办公室，县信访局。"]


def test_assign_letter_states_deadline_and_written_report(rendered):
    text = "\n".join(p.text for p in Document(rendered["交办函"]).paragraphs)
    assert "关于交办张三来信反映问题的函" in text
    assert "请于2014年7月22日前将调查核实、处理和答复信访人的情况书面报告我委" in text
    assert "（联系人：李明，联系电话：0571-64212345）" in text
    # the main issues, not the letter: no self-introduction with the address
    assert "（登记号：2014-0012），反映：2013年起小区地下车库长期渗水" in text
    assert "本人张三" not in text and "春江花园" not in text


def test_supervision_letter_cites_original_number_and_deadline(rendered):
    text = "\n".join(p.text for p in Document(rendered["督办函"]).paragraphs)
    assert "《关于交办张三来信反映问题的函》（桐人大信〔2014〕12号）" in text
    assert "要求于2014年7月22日前书面报告办理情况" in text


def test_forms_are_tables_with_proposal_and_instruction_boxes(rendered):
    doc = Document(rendered["来信登记处理单"])
    cells = {c.text for row in doc.tables[0].rows for c in row.cells}
    assert {"拟办意见", "领导批示", "拟交县住建局调查处理，限期报告结果。", "同意拟办意见。请信访室跟踪督办。"} <= cells
    register = Document(rendered["来访接待登记表"])
    cells = {c.text for row in register.tables[0].rows for c in row.cells}
    assert {"来访人", "张三", "13812345678", "11010519491231002X", "王五"} <= cells
