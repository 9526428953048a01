"""Snippets with the matches marked 【…】, computed the same way for every engine.

Matching follows ``analyzer``: case, full/half width and whitespace do not matter, so a match
of ``拆迁补偿`` is also marked in ``拆迁补\\n偿``; the snippet shows the text as written.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
OPEN, CLOSE = "【", "】"


def _display(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    lowered = folded.lower()
    return "".join(lowered.split()) if len(lowered) == len(folded) else "".join(folded.split())


def find_spans(display: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans (start, end) in ``display`` where any compact-normalised term occurs, merged.

    Each character is folded on its own (NFKC, lower case) and remembers where it came from,
    so the snippet shows the letter as written (full-width punctuation and all).
    """
    owner: list[int] = []
    folded_parts = []
    for i, ch in enumerate(display):
        f = ch if "\u4e00" <= ch <= "\u9fff" else _fold(ch)
        folded_parts.append(f)
        owner.extend([i] * len(f))
    compact = "".join(folded_parts)
    spans = []
    for term in {t for t in terms if t}:
        start = compact.find(term)
        while start >= 0:
            spans.append((owner[start], owner[start + len(term) - 1] + 1))
            start = compact.find(term, start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def snippets(text: str, terms: list[str], max_snippets: int = 3, context: int = 24) -> list[str]:
    """Up to ``max_snippets`` windows of ``text`` around matches of ``terms``, marked 【…】."""
    display = _display(text)
    spans = find_spans(display, terms)
    out = []
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
        out.append("".join(parts))
    return out
