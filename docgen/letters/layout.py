"""How much of the first page a 函 takes, estimated without LibreOffice.

A 交办函 must end on its first page with the signature (issue 10 item 3). Whether it does
depends on the template (the built-in one or an office's own) and on every variable printed in
it — the body's name, the deadline, the 抄送, the main issues. The estimate reads the template's
body paragraphs once (their Jinja text, style, indents, spacing and line pitch, resolved through
the style chain as Word does), renders that text with the letter's variables in the document
sandbox, and lays the result out line by line: a CJK character is one em (less the
template's character spacing), a Latin letter or digit a little over half an em, paragraphs
with exact line spacing. The first page's room is the paper less the bottom margin and the
letterhead (信函格式: organ name 30 mm from the top, the red double line under it).

The estimate errs on the long side (a reserve of a fifth of a line, punctuation that cannot start a line);
``tests/letters/test_one_page.py`` checks it against LibreOffice's own page count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from docgen.letters.sandbox import DocumentEnvironment
from docgen.letters.style import LINE_PITCH, SIZE_3
from docgen.letters.templates import find_template

CHARS_PER_LINE = 28
# The letterhead's line box sits a little lower than its header distance plus its pitch; found
# by measuring LibreOffice's PDF of the built-in 交办函 (body starts 135 pt from the top).
_HEADER_GAP = 14.0
_RESERVE = 0.2 * LINE_PITCH.pt
_LATIN_EM = 0.56
# Punctuation that may not begin a line (避头点): LibreOffice pulls the character before it
# onto the next line, so a line can hold one character less.
_NO_LINE_START = "，。、；：？！）》」』”’"

_SEP, _IDX = "\x1e", "\x1f"
_ENV = DocumentEnvironment(autoescape=False)     # measuring only: text, not XML


@dataclass(frozen=True)
class _Para:
    source: str          # the paragraph's Jinja text
    control: str | None  # the {%p … %} tag this paragraph stands for (docxtpl), else None
    size: float          # font size, pt
    pitch: float         # line height, pt
    before: float
    after: float
    width: float         # pt between the indents
    first: float         # first-line indent, pt
    spacing: float       # character spacing, pt


@dataclass(frozen=True)
class _Template:
    paras: tuple[_Para, ...]
    room: float          # pt on page 1 from the top of the body to the bottom margin
    source: str          # the body as one Jinja source (see _combined)


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _resolve(paragraph, getter, default=None):
    value = getter(paragraph.paragraph_format)
    if value is not None:
        return value
    for style in _style_chain(paragraph.style):
        value = getter(style.paragraph_format)
        if value is not None:
            return value
    return default


def _font_size(paragraph, doc_default: float) -> float:
    for run in paragraph.runs:
        if run.font.size is not None:
            return run.font.size.pt
    for style in _style_chain(paragraph.style):
        if style.font.size is not None:
            return style.font.size.pt
    return doc_default


def _char_spacing(doc) -> float:
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    el = rpr.find(qn("w:spacing")) if rpr is not None else None
    return int(el.get(qn("w:val"))) / 20 if el is not None else 0.0


def _length(value, default: float = 0.0) -> float:
    return value.pt if value is not None else default


def _pitch(paragraph, size: float) -> float:
    spacing = _resolve(paragraph, lambda f: f.line_spacing)
    if spacing is None:
        return size * 1.3
    if hasattr(spacing, "pt"):
        return spacing.pt
    return size * 1.3 * float(spacing)


_CONTROL = re.compile(r"^\s*\{%p\s(.*?)%\}\s*$", re.S)


@lru_cache(maxsize=32)
def _load(path: str, mtime: float) -> _Template:
    doc = Document(path)
    section = doc.sections[0]
    type_width = (section.page_width - section.left_margin - section.right_margin) / 12700
    spacing = _char_spacing(doc)
    paras = []
    for p_el in doc.element.body.iterchildren(qn("w:p")):
        p = Paragraph(p_el, doc._body)
        text = "".join(t.text or "" for t in p_el.iter(qn("w:t")))
        control = _CONTROL.match(text)
        size = _font_size(p, SIZE_3)
        left = _length(_resolve(p, lambda f: f.left_indent))
        right = _length(_resolve(p, lambda f: f.right_indent))
        paras.append(_Para(
            source=text, control=control.group(1).strip() if control else None, size=size,
            pitch=_pitch(p, size), before=_length(_resolve(p, lambda f: f.space_before)),
            after=_length(_resolve(p, lambda f: f.space_after)), width=type_width - left - right,
            first=_length(_resolve(p, lambda f: f.first_line_indent)), spacing=spacing))
    top = section.top_margin / 12700
    if section.different_first_page_header_footer:
        header = section.first_page_header
        height = sum(_pitch(hp, _font_size(hp, SIZE_3)) for hp in header.paragraphs)
        top = max(top, section.header_distance / 12700 + height + _HEADER_GAP)
    room = section.page_height / 12700 - section.bottom_margin / 12700 - top
    return _Template(tuple(paras), room, _combined(paras))


def _combined(paras: list[_Para]) -> str:
    """The body as one Jinja source: each paragraph behind a marker with its index, each
    ``{%p … %}`` paragraph replaced by its tag, as docxtpl does."""
    out = []
    for i, p in enumerate(paras):
        if p.control is not None:
            out.append("{% " + p.control + " %}")
        else:
            out.append(f"{_SEP}{i}{_IDX}{p.source}")
    return "".join(out)


def _width(text: str, size: float, spacing: float) -> list[float]:
    return [(size if ord(ch) > 0x2E7F else size * _LATIN_EM) + spacing for ch in text]


def _lines(text: str, para: _Para) -> int:
    """Lines ``text`` takes in ``para`` (greedy breaking, one em per CJK character)."""
    if not text:
        return 1
    widths = _width(text, para.size, para.spacing)
    lines, used, room, prev = 1, 0.0, para.width - para.first, 0.0
    for ch, w in zip(text, widths, strict=True):
        if used + w > room + 0.01:
            lines += 1
            room = para.width
            # a 避头点 character takes the one before it to the new line
            used = w + (prev if ch in _NO_LINE_START else 0.0)
        else:
            used += w
        prev = w
    return lines


def body_height(kind: str, ctx: dict[str, Any], template_dir: Path | str | None = None) -> tuple[float, float]:
    """(height the 函's body takes, room on its first page), in points."""
    path = find_template(kind, template_dir)
    tpl = _load(str(path), path.stat().st_mtime)
    rendered = _ENV.from_string(tpl.source).render(ctx)
    height = 0.0
    for piece in rendered.split(_SEP)[1:]:
        index, _, text = piece.partition(_IDX)
        para = tpl.paras[int(index)]
        height += para.before + _lines(text.replace("\n", ""), para) * para.pitch + para.after
    return height, tpl.room


def overflow_lines(kind: str, ctx: dict[str, Any], template_dir: Path | str | None = None) -> int:
    """Body lines beyond the first page (0 when the 函 fits, with a reserve of a fifth of a
    line). 0 too when the template cannot be measured (unsafe, broken, not a .docx): the
    rendering that follows refuses it with the message the clerk needs."""
    try:
        height, room = body_height(kind, ctx, template_dir)
    except Exception:  # noqa: BLE001 - measuring is advisory; render_document reports the error
        return 0
    over = height + _RESERVE - room
    return max(0, math.ceil(over / LINE_PITCH.pt)) if over > 0 else 0

