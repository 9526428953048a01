"""Snippets with the matches marked 【…】, computed the same way for every engine.

Matching follows ``analyzer``: case, full/half width and whitespace do not matter, so a match
of ``拆迁补偿`` is also marked in ``拆迁补\\n偿``; the snippet shows the text as written.
"""

from __future__ import annotations

import re
import unicodedata

from docgen.index.analyzer import nfkc

_WS = re.compile(r"\s+")
OPEN, CLOSE = "【", "】"
# Ideographs, CJK punctuation and full-width forms: Chinese text has no spaces between them, so
# whitespace there is a line break of the scan or of the hard-wrapped letter, not a word gap.
_CJK = re.compile("[\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


_LINE_END = frozenset("。！？：；…!?:;")
FULL_LINE_CAP = 24   # characters: a line at least this long that does not end a sentence wraps


def _display(text: str) -> str:
    """The text as one line. Inside Chinese text a line break where the scan or the typist
    wrapped a full line disappears (``拆迁补\\n偿`` → ``拆迁补偿``), as does a gap between two
    Chinese characters; a line that ends a sentence or is clearly shorter than the full lines
    (a title, a salutation, the end of a paragraph), a blank line, and gaps between Latin words
    become one space. (A loop over the few whitespace runs: four times faster than look-around
    regular expressions, and this runs for every hit.)"""
    text = (text or "").strip()
    # What a full line is: most lines of a scan or a wrapped letter are full; typed paragraphs
    # (one long line each) must not make the scan's lines look short, hence the cap.
    lengths = sorted(len(line.strip()) for line in text.split("\n"))
    full_line = min(FULL_LINE_CAP, 0.8 * lengths[(len(lengths) * 3) // 4])
    out, pos = [], 0
    for m in _WS.finditer(text):
        start, end = m.span()
        out.append(text[pos:start])
        pos = end
        gap = m.group()
        breaks = gap.count("\n")
        if breaks > 1:
            out.append(" ")
            continue
        before, after = _CJK.match(text[start - 1]), _CJK.match(text[end])
        if breaks:
            line = text[text.rfind("\n", 0, start) + 1:start].strip()
            wrapped = text[start - 1] not in _LINE_END and len(line) >= full_line
            if wrapped and (before or after):
                continue
        elif before and after:
            continue
        out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    lowered = folded.lower()
    return "".join(lowered.split()) if len(lowered) == len(folded) else "".join(folded.split())


def find_spans(display: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans (start, end) in ``display`` where any compact-normalised term occurs, merged.

    Each character is folded on its own (NFKC, lower case) and remembers where it came from,
    so the snippet shows the letter as written (full-width punctuation and all).
    """
    folded = nfkc(display)
    if len(folded) == len(display) and len(folded.lower()) == len(folded):
        # The usual case: folding keeps every character in place, so do it in one call.
        lowered = folded.lower()
        direct = _occurrences(lowered, terms, lambda s, e: (s, e))
        if direct:   # matches broken by a line break are rare: only then map whitespace out
            return _merge(direct)
        owner = [i for i, c in enumerate(lowered) if not c.isspace()]
        compact = "".join(lowered[i] for i in owner)
    else:
        owner = []
        parts = []
        for i, ch in enumerate(display):
            f = _fold(ch)
            parts.append(f)
            owner.extend([i] * len(f))
        compact = "".join(parts)
    return _merge(_occurrences(compact, terms, lambda s, e: (owner[s], owner[e - 1] + 1)))


def _occurrences(haystack: str, terms: list[str], span, cap: int = 50) -> list[tuple[int, int]]:
    spans = []
    for term in {t for t in terms if t}:
        start, found = haystack.find(term), 0
        while start >= 0 and found < cap:
            spans.append(span(start, start + len(term)))
            found += 1
            start = haystack.find(term, start + 1)
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def snippets(text: str, terms: list[str], max_snippets: int = 3, context: int = 24) -> list[str]:
    """Up to ``max_snippets`` windows of ``text`` around matches of ``terms``, marked 【…】.

    A window whose words another one already shows is skipped (the summary is often the first
    line of the letter too: the same snippet twice tells the clerk nothing).
    """
    display = _display(text)
    spans = find_spans(display, terms)
    out: list[str] = []
    shown: list[str] = []
    i = 0
    while i < len(spans) and len(out) < max_snippets:
        start = max(0, spans[i][0] - context)
        end = min(len(display), spans[i][1] + context)
        parts = ["…" if start > 0 else ""]
        pos = start
        while i < len(spans) and spans[i][0] < end:
            s, e = spans[i]
            end = min(len(display), max(end, e + context // 2))
            parts.append(display[pos:s] + OPEN + display[s:e] + CLOSE)
            pos = e
            i += 1
        parts.append(display[pos:end] + ("…" if end < len(display) else ""))
        snippet = "".join(parts)
        key = _plain(snippet)
        if any(key in other for other in shown):
            continue
        # A longer window replaces a shorter one it contains.
        keep = [k for k, other in enumerate(shown) if other not in key]
        out = [out[k] for k in keep] + [snippet]
        shown = [shown[k] for k in keep] + [key]
    return out


def _plain(snippet: str) -> str:
    """A snippet's text without marks, ellipses and whitespace, for comparing snippets."""
    return "".join(snippet.replace(OPEN, "").replace(CLOSE, "").strip("…").split())
