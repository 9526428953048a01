"""The user's query string → an engine-neutral query tree.

Grammar (what clerks type): terms separated by spaces are ANDed; ``"…"`` (also “…” and 「…」) is
a phrase; ``OR`` (upper case, or ``|``) between two items makes an alternative and binds tighter
than AND (``拆迁 补偿 OR 安置`` = 拆迁 AND (补偿 OR 安置)); ``-term`` or ``-"phrase"`` excludes.
Everything is NFKC-normalised first, so ``＂`` and ``－`` work as well.

Because matching is by substring (see ``analyzer``), a term and a phrase both mean "this exact
character sequence, whitespace ignored"; a phrase only lets the sequence contain spaces and
characters such as ``OR`` or ``-`` that would otherwise be syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from docgen.index.analyzer import compact, looks_like_id, looks_like_phone, normalize_id, normalize_phone


@dataclass(frozen=True)
class Text:
    """A substring to find in the text fields; ``text`` is already ``compact``-normalised."""

    text: str


@dataclass(frozen=True)
class FieldTerm:
    """An exact value of a keyword field (``id_number``, ``phone``, ``category``, ...)."""

    field: str
    value: str


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class And:
    """The top of every parsed query: all ``must`` items, none of the ``Not`` ones.

    An empty ``And`` (no terms at all) matches every case — "filters alone list their cases".
    """

    items: tuple = ()

    @property
    def positive(self) -> list:
        return [i for i in self.items if not isinstance(i, Not)]

    @property
    def negative(self) -> list:
        return [i.item for i in self.items if isinstance(i, Not)]

    @property
    def is_empty(self) -> bool:
        return not self.items


@dataclass
class _Token:
    kind: str          # word, phrase, or
    text: str = ""
    negated: bool = False
    quoted: bool = False
    parts: list = field(default_factory=list)


_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_SPLIT = re.compile(r"\s+")


def _lex(query: str) -> list[_Token]:
    query = unicodedata.normalize("NFKC", query or "")
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-" and i + 1 < n and not query[i + 1].isspace():
            negated = True
            i += 1
            ch = query[i]
        if ch in _QUOTES:
            close = query.find(_QUOTES[ch], i + 1)
            end = n if close < 0 else close
            tokens.append(_Token("word", query[i + 1:end], negated=negated, quoted=True))
            i = end + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _QUOTES:
            j += 1
        word = query[i:j]
        i = j
        if not negated and word in ("OR", "|"):
            tokens.append(_Token("or"))
        elif word:
            tokens.append(_Token("word", word, negated=negated))
    return tokens


def _leaf(word: str, quoted: bool):
    """One item: the substring itself, or for an ID or phone number also the exact field."""
    text = compact(word)
    if not text:
        return None
    alternatives: list = [Text(text)]
    if not quoted and looks_like_id(word):
        alternatives.append(FieldTerm("id_number", normalize_id(word)))
    elif not quoted and looks_like_phone(word):
        alternatives.append(FieldTerm("phone", normalize_phone(word)))
    return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))


def parse_query(query: str | None) -> And:
    """Parse a query string; never raises (stray quotes and ORs are tolerated)."""
    groups: list[tuple[list, bool]] = []   # (alternatives, negated)
    pending_or = False
    for tok in _lex(query or ""):
        if tok.kind == "or":
            pending_or = bool(groups)
            continue
        leaf = _leaf(tok.text, tok.quoted)
        if leaf is None:
            continue
        if pending_or and not tok.negated and not groups[-1][1]:
            groups[-1][0].append(leaf)
        else:
            groups.append(([leaf], tok.negated))
        pending_or = False
    items = []
    for alternatives, negated in groups:
        flat: list = []
        for alt in alternatives:
            flat.extend(alt.items if isinstance(alt, Or) else [alt])
        node = flat[0] if len(flat) == 1 else Or(tuple(dict.fromkeys(flat)))
        items.append(Not(node) if negated else node)
    return And(tuple(items))


def text_terms(node) -> list[str]:
    """The substrings of the positive part of a query (for highlighting)."""
    if isinstance(node, Text):
        return [node.text]
    if isinstance(node, Or):
        return [t for item in node.items for t in text_terms(item)]
    if isinstance(node, And):
        return [t for item in node.positive for t in text_terms(item)]
    return []
