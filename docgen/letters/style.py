"""The layout facts of GB/T 9704-2012 (docs/standards.md §1) as numbers, shared by the template builder,
the renderer and the tests: fonts, sizes, page geometry and the names of the paragraph styles.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Fonts as offices have them installed (Windows / WPS names); pdf.py maps them to Noto CJK.
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"

RED = RGBColor(0xFF, 0x00, 0x00)
SIZE_2 = 22    # 二号
SIZE_3 = 16    # 三号
SIZE_4 = 14    # 四号
ORGAN_SIZE = 30  # 发文机关标志; render.py shrinks it for long names so it fits the line

CHAR_SPACING_TWIPS = -5         # -0.25 pt: 28 三号 characters per 156 mm line
LINE_PITCH = Pt(28.95)          # 225 mm type area / 22 lines = 579 twips
TITLE_PITCH = Pt(36)
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_AREA_W = Mm(156)
RULE_OVERHANG = Mm(7)           # the 170 mm double lines reach 7 mm beyond the 156 mm type area
LETTER_HEADER_DISTANCE = Mm(30)  # organ name's top edge, 信函格式
FOOTER_DISTANCE = Mm(20)        # lower double line of 信函格式 sits on this edge
RULE_SIZE = 18                  # double-line border width in eighths of a point (2.25 pt)
# The organ name's line box is a little taller than its glyphs; the gap to the double line is
# tuned so that the line sits 4 mm under the glyphs in LibreOffice's rendering.
ORGAN_RULE_SPACE = 3            # points between the organ name's line box and the double line
PAGE_NUMBER_GAP = Mm(7)         # 页码 7 mm below the type area

# Styles that tests and the linter find elements by. The names are what Word shows.
STYLE_ORGAN = "OrganName"
STYLE_DOC_NO = "DocNumber"
STYLE_TITLE = "DocTitle"
STYLE_ADDRESSEE = "Addressee"
STYLE_BODY = "DocBody"
STYLE_H1 = "DocHeading1"
STYLE_H2 = "DocHeading2"
STYLE_ATTACHMENT = "Attachment"
STYLE_SIGNATURE = "Signature"
STYLE_DATE = "DocDate"
STYLE_NOTE = "DocNote"
STYLE_CC = "CopyTo"
STYLE_PAGE_NO = "PageNumber"
STYLE_RULE = "DoubleRule"
STYLE_SPACER = "Spacer"
STYLE_CELL = "TableText"
STYLE_LABEL = "TableLabel"
STYLE_SUBLINE = "SubLine"


def set_run_fonts(rpr_parent, font: str) -> None:
    """Set all four font slots; the East Asian one is what Word uses for Chinese text."""
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):   # theme fonts would win over the explicit names
            del rfonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), font)


def set_official_defaults(doc, *, char_spacing: int | None = None, align=None) -> None:
    """docDefaults and Normal of a python-docx document: 三号仿宋 on every font slot, Chinese
    language, no theme fonts, exact line pitch for 22 lines a page. ``char_spacing`` (twips)
    condenses the letters to 28 characters a line."""
    from docx.enum.text import WD_LINE_SPACING

    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rfonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), FANGSONG)
    rpr.append(rfonts)
    if char_spacing is not None:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(char_spacing))
        rpr.append(spacing)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(SIZE_3 * 2))
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)

    normal = doc.styles["Normal"]
    set_run_fonts(normal.element, FANGSONG)
    normal.font.size = Pt(SIZE_3)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    if align is not None:
        pf.alignment = align
