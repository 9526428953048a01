"""Turning text from the registry into safe HTML: every piece is escaped first; only the marks
docgen itself adds (search highlights, where a field was read) become tags."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from docgen.index.highlight import CLOSE, OPEN


def marked(snippet: str | None) -> Markup:
    """A search snippet (matches marked 【…】 by docgen.index.highlight) as HTML with <mark>."""
    out: list[str] = []
    depth = 0
    for ch in snippet or "":
        if ch == OPEN:
            if depth == 0:
                out.append("<mark>")
            depth += 1
        elif ch == CLOSE and depth:
            depth -= 1
            if depth == 0:
                out.append("</mark>")
        else:
            out.append(str(escape(ch)))
    if depth:
        out.append("</mark>")
    return Markup("".join(out))


@dataclass
class Segment:
    text: str
    fields: tuple[str, ...] = ()

    @property
    def css_fields(self) -> str:
        return " ".join(self.fields)


def source_segments(text: str, sources: dict) -> list[Segment]:
    """``text`` cut where a field's source starts or ends; each piece names the fields read
    from it (a name and the co-signers may come from the same words)."""
    spans = []
    for name, src in (sources or {}).items():
        start, end = _span(src)
        if start is None or not (0 <= start < end <= len(text)):
            continue
        spans.append((start, end, name))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        names = tuple(sorted(n for s, e, n in spans if s <= a and b <= e))
        segments.append(Segment(text[a:b], names))
    return segments


def _span(src) -> tuple[int | None, int | None]:
    if isinstance(src, dict):
        return src.get("start"), src.get("end")
    return getattr(src, "start", None), getattr(src, "end", None)
