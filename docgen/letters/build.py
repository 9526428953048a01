"""Build the built-in .docx templates from code, so that every layout decision is reviewable.

``python -m docgen.letters.build [DIR]`` rewrites ``templates/official/*.docx`` (byte-identical on
every run: fixed zip timestamps and document properties). Offices do not run this; they export a
template (``docgen templates export``), edit it in Word/WPS and put it in the workspace.

Layout follows GB/T 9704-2012 (docs/standards.md §1): A4, margins 37/35/28/26 mm, 22 lines of 28
characters (document grid plus a fixed 28.95 pt line pitch, which Word and LibreOffice both honour
exactly), 三号仿宋 body, 二号小标宋 title, page numbers ``— N —`` in 四号宋体 7 mm below the type
area, odd pages right and even pages left. 函 use 信函格式 (10.1): the red organ name and the upper
double line live in the first-page header (header distance 30 mm), the lower double line in the
first-page footer (footer distance 20 mm), so page 1 has no page number and later pages start at the
normal 37 mm top margin.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from docgen.letters.kinds import KINDS
from docgen.letters.style import (
    CHAR_SPACING_TWIPS,
    FANGSONG,
    FOOTER_DISTANCE,
    HEITI,
    KAITI,
    LETTER_HEADER_DISTANCE,
    LINE_PITCH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    ORGAN_RULE_SPACE,
    ORGAN_SIZE,
    PAGE_H,
    PAGE_NUMBER_GAP,
    PAGE_W,
    RED,
    RULE_OVERHANG,
    RULE_SIZE,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SONGTI,
    STYLE_ADDRESSEE,
    STYLE_ATTACHMENT,
    STYLE_BODY,
    STYLE_CC,
    STYLE_CELL,
    STYLE_DATE,
    STYLE_DOC_NO,
    STYLE_H1,
    STYLE_H2,
    STYLE_LABEL,
    STYLE_NOTE,
    STYLE_ORGAN,
    STYLE_PAGE_NO,
    STYLE_RULE,
    STYLE_SIGNATURE,
    STYLE_SPACER,
    STYLE_SUBLINE,
    STYLE_TITLE,
    TITLE_PITCH,
    XIAOBIAOSONG,
    set_official_defaults,
    set_run_fonts,
)

_FIXED_ZIP_TIME = (2014, 5, 23, 0, 0, 0)


# --- low-level XML helpers ---------------------------------------------------------------------
def _border(tag: str, val: str, size: int, space: int, color: str = "FF0000"):
    el = OxmlElement(tag)
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    return el


def _paragraph_border(paragraph_format_element, side: str, val: str, space: int) -> None:
    ppr = paragraph_format_element
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        # schema order: pBdr comes after keepNext.., before shd/tabs/spacing/ind/jc
        anchor = None
        for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
            anchor = ppr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(pbdr)
        else:
            ppr.append(pbdr)
    pbdr.append(_border(f"w:{side}", val, RULE_SIZE, space))


def _add_page_field(paragraph) -> None:
    """``— N —`` with a PAGE field (U+2014 em dashes, half-width spaces)."""
    def run(text=None):
        r = paragraph.add_run(text)
        set_run_fonts(r._r, SONGTI)
        r.font.size = Pt(SIZE_4)
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    instr_run = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._r.append(instr)
    sep = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    sep._r.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


# --- document setup ----------------------------------------------------------------------------
def _style(doc, name: str, *, font: str = FANGSONG, size: float = SIZE_3, base: str = "Normal",
           align=None, first_line: float | None = None, left: float | None = None,
           right: float | None = None, before: float = 0, after: float = 0,
           pitch=LINE_PITCH, color: RGBColor | None = None, bold: bool = False,
           keep_next: bool = False):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles[base]
    st.quick_style = True
    set_run_fonts(st.element, font)
    st.font.size = Pt(size)
    st.font.bold = bold
    if color is not None:
        st.font.color.rgb = color
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = Pt(first_line) if first_line is not None else None
    if left is not None:
        pf.left_indent = Pt(left)
    if right is not None:
        pf.right_indent = Pt(right)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = pitch
    pf.widow_control = True
    pf.keep_with_next = keep_next or None
    if pitch != LINE_PITCH:
        # only body text sits on the 22-line grid; LibreOffice would otherwise stretch every
        # smaller or larger line (table cells, title, page number) to a full grid line
        ppr = st.element.get_or_add_pPr()
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.find(qn("w:spacing")).addprevious(snap)
    return st


# Text is left-aligned, not justified: LibreOffice (7.4) drops a comma that ends a justified line
# when the characters are condensed for the 28-per-line pitch, and a letter must never lose a
# character. With CJK text every character has the same width, so lines still end flush.
TEXT_ALIGN = WD_ALIGN_PARAGRAPH.LEFT


def _new_document():
    doc = Document()
    set_official_defaults(doc, char_spacing=CHAR_SPACING_TWIPS, align=TEXT_ALIGN)

    two_chars = 2 * SIZE_3
    _style(doc, STYLE_ORGAN, font=XIAOBIAOSONG, size=ORGAN_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
           left=-RULE_OVERHANG.pt, right=-RULE_OVERHANG.pt, color=RED, pitch=Pt(ORGAN_SIZE * 1.2))
    _style(doc, STYLE_SPACER, size=1, pitch=Pt(1))
    _style(doc, STYLE_RULE, size=1, left=-RULE_OVERHANG.pt, right=-RULE_OVERHANG.pt, pitch=Pt(1))
    _style(doc, STYLE_DOC_NO, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, STYLE_TITLE, font=XIAOBIAOSONG, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER,
           pitch=TITLE_PITCH)
    _style(doc, STYLE_ADDRESSEE, align=TEXT_ALIGN, before=LINE_PITCH.pt)
    _style(doc, STYLE_BODY, align=TEXT_ALIGN, first_line=two_chars)
    _style(doc, STYLE_H1, font=HEITI, align=TEXT_ALIGN, first_line=two_chars)
    _style(doc, STYLE_H2, font=KAITI, align=TEXT_ALIGN, first_line=two_chars)
    # the closing block (附件, 署名, 日期, 附注) is kept together so it never stands alone
    _style(doc, STYLE_ATTACHMENT, align=WD_ALIGN_PARAGRAPH.LEFT, left=two_chars, keep_next=True)
    _style(doc, STYLE_SIGNATURE, align=WD_ALIGN_PARAGRAPH.RIGHT, right=4 * SIZE_3,
           before=2 * LINE_PITCH.pt, keep_next=True)
    _style(doc, STYLE_DATE, align=WD_ALIGN_PARAGRAPH.RIGHT, right=4 * SIZE_3, keep_next=True)
    _style(doc, STYLE_NOTE, align=WD_ALIGN_PARAGRAPH.LEFT, first_line=two_chars, keep_next=True)
    # 抄送: 四号, one character in from each side; continuation lines align after "抄送：". Half a
    # line above it, not a whole one: a 函 must keep to its first page and has no line to spare.
    _style(doc, STYLE_CC, size=SIZE_4, align=WD_ALIGN_PARAGRAPH.LEFT, left=4 * SIZE_4,
           first_line=-3 * SIZE_4, right=SIZE_4, before=LINE_PITCH.pt / 2)
    _style(doc, STYLE_PAGE_NO, font=SONGTI, size=SIZE_4, pitch=Pt(SIZE_4 * 1.2))
    _style(doc, STYLE_CELL, size=SIZE_4, align=TEXT_ALIGN, pitch=Pt(21))
    _style(doc, STYLE_LABEL, size=SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(21))
    _style(doc, STYLE_SUBLINE, size=SIZE_4, align=TEXT_ALIGN, pitch=Pt(22))
    return doc


def _page_setup(doc, *, letter_format: bool) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.gutter = 0
    section.header_distance = LETTER_HEADER_DISTANCE if letter_format else Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    section.different_first_page_header_footer = letter_format
    doc.settings.odd_and_even_pages_header_footer = True

    # 22 lines × 28 characters. The line grid is a document grid (579 twips); the 28 characters
    # come from a -0.25 pt character spacing in the defaults (16 pt - 0.25 pt = 15.75 pt pitch,
    # 28 × 15.75 pt fits the 156 mm type area). A character grid (linesAndChars) would be the Word
    # way, but LibreOffice lays CJK text out on it with visibly doubled spacing.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))

    # page numbers 7 mm below the type area: the footer paragraph ends at the footer distance,
    # so the space after it lifts its top edge to (bottom margin - 7 mm).
    number_height = Pt(SIZE_4 * 1.2)
    lift = MARGIN_BOTTOM - PAGE_NUMBER_GAP - FOOTER_DISTANCE - number_height
    for footer, align, indent_side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                       (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLE_PAGE_NO]
        p.alignment = align
        # odd pages: one character in from the right; even pages: from the left
        setattr(p.paragraph_format, f"{indent_side}_indent", Pt(SIZE_4))
        p.paragraph_format.space_after = max(lift, 0)
        _add_page_field(p)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        # an empty header paragraph in the body font would reach below the 37 mm top margin
        # (30 mm header distance + 29 pt line) and push the text down: 21 lines instead of 22
        header.paragraphs[0].style = doc.styles[STYLE_SPACER]

    if letter_format:
        header = section.first_page_header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = doc.styles[STYLE_ORGAN]
        run = p.add_run("{{ office_name }}")
        _format_run(run, XIAOBIAOSONG, ORGAN_SIZE, RED)
        # thick-over-thin red double line 4 mm below the organ name
        _paragraph_border(p._p.get_or_add_pPr(), "bottom", "thickThinSmallGap", ORGAN_RULE_SPACE)
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLE_RULE]
        # thin-over-thick red double line 20 mm above the paper's bottom edge
        _paragraph_border(p._p.get_or_add_pPr(), "bottom", "thinThickSmallGap", 0)


def _format_run(run, font: str, size: float, color: RGBColor | None = None) -> None:
    set_run_fonts(run._r, font)
    run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


_STYLE_FONTS = {
    STYLE_TITLE: (XIAOBIAOSONG, SIZE_2), STYLE_H1: (HEITI, SIZE_3), STYLE_H2: (KAITI, SIZE_3),
    STYLE_CC: (FANGSONG, SIZE_4), STYLE_CELL: (FANGSONG, SIZE_4), STYLE_LABEL: (FANGSONG, SIZE_4),
    STYLE_SUBLINE: (FANGSONG, SIZE_4), STYLE_ORGAN: (XIAOBIAOSONG, ORGAN_SIZE),
}


class _Writer:
    """Appends styled paragraphs; every run carries its font on all slots, as Word writes it."""

    def __init__(self, doc):
        self.doc = doc

    def p(self, style: str, text: str = "", container=None):
        container = container if container is not None else self.doc
        para = container.add_paragraph(style=self.doc.styles[style])
        if text:
            font, size = _STYLE_FONTS.get(style, (FANGSONG, SIZE_3))
            _format_run(para.add_run(text), font, size)
        return para

    def cell(self, cell, style: str, text: str = "") -> None:
        """Write into a table cell, reusing its initial empty paragraph."""
        para = cell.paragraphs[0]
        para.style = self.doc.styles[style]
        if text:
            font, size = _STYLE_FONTS.get(style, (FANGSONG, SIZE_3))
            _format_run(para.add_run(text), font, size)
        cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.CENTER if style == STYLE_LABEL
                                   else WD_CELL_VERTICAL_ALIGNMENT.CENTER)

    def cell_lines(self, cell, lines: list[str]) -> None:
        """Several paragraphs (docxtpl ``{%p %}`` tags included) in one cell."""
        self.cell(cell, STYLE_CELL, lines[0])
        for line in lines[1:]:
            self.p(STYLE_CELL, line, container=cell)


# --- the 函 (信函格式) ------------------------------------------------------------------------
# A 函 to another body keeps to one page with its signature (docgen.letters.layout estimates it,
# build_context shortens the main issues to fit). The letterhead, title, closing request,
# 附件说明, signature and 附注 leave about six lines of the first page, so what the letter
# raises follows the opening sentence in one paragraph ("…收到张三来信（登记号：…），反映：…"),
# then its 诉求 and the petitioner's phone (only where the office allows it). The letter itself
# goes as 附件 (来信复印件).
_ABOUT = ("{% if request %}诉求：{{ request }}{% if request[-1:] not in '。！？.!?' %}。{% endif %}{% endif %}"
          "{% if petitioner_phone %}信访人联系电话：{{ petitioner_phone }}。{% endif %}")
_INTRO = ("{{ received_date }}，我委收到{{ source }}{% if case_no %}（登记号：{{ case_no }}）{% endif %}"
          "{% if facts %}，反映：{{ facts | join('') }}{% elif target %}，反映{{ target }}有关问题。"
          "{% else %}。{% endif %}" + _ABOUT)
_FOLLOW_ABOUT = "{% if facts %}该件反映：{{ facts | join('') }}{% endif %}" + _ABOUT


def _facts(w: _Writer) -> None:
    """The whole record, paragraph by paragraph (the reception report)."""
    w.p(STYLE_BODY, "{%p for para in facts %}")
    w.p(STYLE_BODY, "{{ para }}")
    w.p(STYLE_BODY, "{%p endfor %}")
    w.p(STYLE_BODY, "{%p if request %}")
    w.p(STYLE_BODY, "诉求：{{ request }}{% if request[-1:] not in '。！？.!?' %}。{% endif %}")
    w.p(STYLE_BODY, "{%p endif %}")


def _letter_head(w: _Writer, title: str, addressee: str) -> None:
    w.p(STYLE_DOC_NO, "{{ doc_no }}")
    title_p = w.p(STYLE_TITLE, title)
    title_p.paragraph_format.space_before = LINE_PITCH * 2 - TITLE_PITCH + LINE_PITCH
    w.p(STYLE_ADDRESSEE, addressee)


def _attachments(w: _Writer) -> None:
    w.p(STYLE_ATTACHMENT, "{%p for a in attachments %}")
    att = w.p(STYLE_ATTACHMENT, "{% if loop.first %}附件：{% else %}　　　{% endif %}"
                                "{{ loop.index }}.{{ a }}")
    # one line below the body, the first one only
    att.paragraph_format.space_before = None
    w.p(STYLE_ATTACHMENT, "{%p endfor %}")


def _closing(w: _Writer, text: str) -> None:
    w.p(STYLE_BODY, text).paragraph_format.keep_with_next = True


def _letter_tail(w: _Writer, *, contact_note: bool = True, cc: bool = True) -> None:
    w.p(STYLE_SIGNATURE, "{{ office_name }}")
    w.p(STYLE_DATE, "{{ date }}")
    if contact_note:
        w.p(STYLE_NOTE, "{%p if contact or phone %}")
        w.p(STYLE_NOTE, "（{% if contact %}联系人：{{ contact }}{% endif %}{% if contact and phone %}，"
                        "{% endif %}{% if phone %}联系电话：{{ phone }}{% endif %}）")
        w.p(STYLE_NOTE, "{%p endif %}")
    if cc:
        w.p(STYLE_CC, "{%p if cc %}")
        w.p(STYLE_CC, "抄送：{{ cc }}。")
        w.p(STYLE_CC, "{%p endif %}")


def _assign(w: _Writer) -> None:
    _letter_head(w, "关于交办{{ source }}反映问题的函", "{{ route_to }}：")
    w.p(STYLE_BODY, _INTRO)
    w.p(STYLE_BODY, "现将该件交你单位依法依规办理，请{% if deadline %}于{{ deadline }}前{% else %}在规定期限内"
                    "{% endif %}将调查核实、处理和答复信访人的情况书面报告我委。")
    _attachment_gap(w)
    _attachments(w)
    _letter_tail(w)


def _attachment_gap(w: _Writer) -> None:
    # 附件说明 one line below the body
    w.p(STYLE_BODY, "{%p if attachments %}")
    w.p(STYLE_ATTACHMENT, "")
    w.p(STYLE_BODY, "{%p endif %}")


def _forward(w: _Writer) -> None:
    _letter_head(w, "关于转送{{ source }}反映问题的函", "{{ route_to }}：")
    w.p(STYLE_BODY, _INTRO)
    w.p(STYLE_BODY, "按照“属地管理、分级负责，谁主管、谁负责”的原则，现将该件转送你单位依法依规处理，"
                    "并直接答复信访人。{% if deadline %}请于{{ deadline }}前将处理结果告知我委。{% endif %}")
    _attachment_gap(w)
    _attachments(w)
    _letter_tail(w)


_FOLLOW_INTRO = ("我委{% if original_date %}于{{ original_date }}{% endif %}以"
                 "{% if original_doc_no %}《{{ original_title }}》（{{ original_doc_no }}）{% else %}函"
                 "{% endif %}将{{ source }}反映的问题{% if case_no %}（登记号：{{ case_no }}）{% endif %}"
                 "交你单位办理，{% if deadline %}要求于{{ deadline }}前{% else %}要求在规定期限内{% endif %}"
                 "书面报告办理情况。{% if overdue %}截至目前，我委尚未收到你单位的办理情况报告。{% endif %}")


def _supervise(w: _Writer) -> None:
    _letter_head(w, "关于督办{{ source }}反映问题的函", "{{ route_to }}：")
    w.p(STYLE_BODY, _FOLLOW_INTRO + _FOLLOW_ABOUT)
    w.p(STYLE_BODY, "为切实维护信访人合法权益，现对该件予以督办。请你单位高度重视，"
                    "{% if supervisor %}由{{ supervisor }}负责督办，{% endif %}"
                    "{% if responsible %}{{ responsible }}具体承办，{% endif %}"
                    "抓紧调查处理，{% if new_deadline %}并于{{ new_deadline }}前{% else %}并尽快{% endif %}"
                    "将办理情况书面报告我委。")
    _closing(w, "特此函告。")
    _letter_tail(w)


def _remind(w: _Writer) -> None:
    _letter_head(w, "关于催办{{ source }}反映问题的函", "{{ route_to }}：")
    w.p(STYLE_BODY, _FOLLOW_INTRO)
    w.p(STYLE_BODY, "请你单位抓紧办理，{% if new_deadline %}并于{{ new_deadline }}前{% else %}并尽快{% endif %}"
                    "将办理情况书面报告我委。")
    _closing(w, "特此函告。")
    _letter_tail(w)


def _notice(w: _Writer) -> None:
    w.p(STYLE_DOC_NO, "{{ doc_no }}")
    title_p = w.p(STYLE_TITLE, "{{ notice_title }}")
    title_p.paragraph_format.space_before = LINE_PITCH * 2 - TITLE_PITCH + LINE_PITCH
    w.p(STYLE_ADDRESSEE, "{{ petitioner_name }}：")
    w.p(STYLE_BODY, "你{% if persons > 1 %}（你们）{% endif %}于{{ received_date }}{{ channel_verb }}"
                    "{% if target %}反映{{ target }}有关问题{% else %}反映的问题{% endif %}，本机关已收悉。")
    w.p(STYLE_BODY, '{%p if notice_type == "不予受理" %}')
    w.p(STYLE_BODY, "经审查，{% if reason %}{{ reason }}，{% endif %}依照《信访工作条例》有关规定，"
                    "本机关不予受理。{% if route_to %}请你向{{ route_to }}反映。{% endif %}")
    w.p(STYLE_BODY, '{%p elif notice_type == "转送告知" %}')
    w.p(STYLE_BODY, "依照《信访工作条例》有关规定，本机关已{% if route_date %}于{{ route_date }}{% endif %}"
                    "将你反映的问题转送{{ route_to }}依法处理，请你与该单位联系。")
    w.p(STYLE_BODY, "{%p else %}")
    w.p(STYLE_BODY, "经审查，你反映的问题属于本机关受理范围，本机关决定予以受理。"
                    "{% if route_to %}本机关已{% if route_date %}于{{ route_date }}{% endif %}将该件交"
                    "{{ route_to }}办理，{% endif %}办理结果将依法告知你。")
    w.p(STYLE_BODY, "{%p endif %}")
    _closing(w, "特此告知。")
    _letter_tail(w, cc=False)


# --- forms and the reception report ------------------------------------------------------------
def _form_title(w: _Writer, title: str) -> None:
    p = w.p(STYLE_TITLE, title)
    p.paragraph_format.space_after = Pt(12)


def _table(w: _Writer, rows: list[tuple], widths_mm=(30, 48, 30, 48)):
    """rows: (label, value) spanning the row, or (label, value, label, value);
    a value may be a list of paragraphs; a third element in 2-tuples is a minimum height in mm."""
    table = w.doc.add_table(rows=len(rows), cols=4)
    table.style = w.doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row_idx, spec in enumerate(rows):
        row = table.rows[row_idx]
        cells = row.cells
        for i, width in enumerate(widths_mm):
            cells[i].width = Mm(width)
        if len(spec) == 4:
            label1, value1, label2, value2 = spec
            w.cell(cells[0], STYLE_LABEL, label1)
            w.cell_lines(cells[1], value1 if isinstance(value1, list) else [value1])
            w.cell(cells[2], STYLE_LABEL, label2)
            w.cell_lines(cells[3], value2 if isinstance(value2, list) else [value2])
        else:
            label, value = spec[0], spec[1]
            min_height = spec[2] if len(spec) > 2 else None
            merged = cells[1].merge(cells[3])
            w.cell(cells[0], STYLE_LABEL, label)
            w.cell_lines(merged, value if isinstance(value, list) else [value])
            merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            if min_height:
                row.height = Mm(min_height)
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    # column grid in the table itself (Word and LibreOffice read tblGrid)
    grid = table._tbl.tblGrid
    for gc, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        gc.set(qn("w:w"), str(Mm(width).twips))
    return table


_FACTS_LINES = ["{%p for para in facts %}", "{{ para }}", "{%p endfor %}"]


def _visit_register(w: _Writer) -> None:
    _form_title(w, "来访接待登记表")
    w.p(STYLE_SUBLINE, "{% if case_no %}登记号：{{ case_no }}{% endif %}")
    _table(w, [
        ("来访人", "{{ petitioner_display }}", "来访日期", "{{ visit_date }}"),
        ("来访人数", "{{ persons }}人", "联系电话", "{{ petitioner_phone }}"),
        ("身份证号码", "{{ petitioner_id }}"),
        ("住址", "{{ petitioner_address }}"),
        ("同行人员", "{{ cosigners }}"),
        ("来访代表", "{{ representatives }}"),
        ("反映对象", "{{ target }}", "问题类别", "{{ category }}"),
        ("反映的主要问题", _FACTS_LINES, 55),
        ("诉求", "{{ request }}", 12),
        ("接谈人", "{{ receptionist }}", "登记号", "{{ case_no }}"),
        ("当场答复", ["{{ visit_answer }}"], 18),
        ("处理意见", ["{{ proposal }}"], 25),
        ("领导批示", ["{{ instruction }}"], 25),
        ("备注", "{{ flags }}"),
    ])


def _letter_slip(w: _Writer) -> None:
    _form_title(w, "来信登记处理单")
    w.p(STYLE_SUBLINE, "{% if office_dept %}{{ office_dept }}{% endif %}")
    _table(w, [
        ("登记号", "{{ case_no }}", "收信日期", "{{ received_date }}"),
        ("来信人", "{{ petitioner_display }}", "来信日期", "{{ letter_date }}"),
        ("联系电话", "{{ petitioner_phone }}", "问题类别", "{{ category }}"),
        ("身份证号码", "{{ petitioner_id }}"),
        ("住址", "{{ petitioner_address }}"),
        ("反映对象", "{{ target }}"),
        ("内容摘要", _FACTS_LINES, 45),
        ("诉求", "{{ request }}", 12),
        ("拟办意见", ["{{ proposal }}"], 32),
        ("领导批示", ["{{ instruction }}"], 32),
        ("办理结果", ["{% if route_to %}已{% if route_mode %}{{ route_mode }}{% else %}交{% endif %}{{ route_to }}"
                      "{% if deadline %}，限{{ deadline }}前报告{% endif %}。{% endif %}{{ result }}"], 18),
    ])


def _visit_report(w: _Writer) -> None:
    p = w.p(STYLE_TITLE, "关于{{ source }}的接待报告")
    p.paragraph_format.space_after = LINE_PITCH
    w.p(STYLE_H1, "一、基本情况")
    w.p(STYLE_BODY, "{{ visit_date }}，{{ petitioner_display }}{% if persons > 1 %}等{{ persons }}人"
                    "{% endif %}来我委{% if target %}反映{{ target }}有关问题{% else %}反映问题{% endif %}。"
                    "{% if representatives %}来访人推选{{ representatives }}为代表反映情况。{% endif %}"
                    "{% if receptionist %}{{ receptionist }}接待了来访人。{% endif %}"
                    "{% if petitioner_address %}来访人住址：{{ petitioner_address }}。{% endif %}")
    w.p(STYLE_H1, "二、反映的主要问题")
    _facts(w)
    w.p(STYLE_H1, "三、接待处理情况")
    w.p(STYLE_BODY, "{{ handling }}")
    w.p(STYLE_H1, "四、分析及建议")
    w.p(STYLE_BODY, "{{ analysis }}")
    w.p(STYLE_SIGNATURE, "{{ office_dept }}")
    w.p(STYLE_DATE, "{{ date }}")


BUILDERS: dict[str, Callable[[_Writer], None]] = {
    "交办函": _assign, "转送函": _forward, "督办函": _supervise, "催办函": _remind, "告知书": _notice,
    "来访接待登记表": _visit_register, "接待报告": _visit_report, "来信登记处理单": _letter_slip,
}


def build_template(kind: str) -> bytes:
    """The .docx bytes of the built-in template of ``kind`` (deterministic)."""
    spec = KINDS[kind]
    doc = _new_document()
    _page_setup(doc, letter_format=spec.letter_format)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None  # python-docx's empty first paragraph
    BUILDERS[kind](_Writer(doc))
    props = doc.core_properties
    props.title = kind
    props.author = props.last_modified_by = "docgen"
    props.comments = "由 python -m docgen.letters.build 生成；可在 Word/WPS 中修改版头和文字"
    props.revision = 1
    import datetime as dt
    props.created = props.modified = dt.datetime(*_FIXED_ZIP_TIME)
    props.last_printed = dt.datetime(*_FIXED_ZIP_TIME)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so that rebuilding gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()


def default_output_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "templates" / "official"


def build_all(out_dir: Path | None = None) -> list[Path]:
    """Write every built-in template into ``out_dir`` (default ``templates/official``)."""
    from docgen.fileio import atomic_write_bytes

    out_dir = Path(out_dir) if out_dir else default_output_dir()
    paths = []
    for kind in KINDS.values():
        path = out_dir / kind.filename
        data = build_template(kind.name)
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written)
