"""How text becomes searchable: normalisation and character n-grams.

The rule both engines implement, and the recall test checks, is simple to state:

    a query string Q matches a text T  ⇔  compact(Q) is a substring of compact(T)

where ``normalize`` is NFKC, then lower case, and ``compact`` additionally drops whitespace.
Dropping whitespace is deliberate: OCR and hard-wrapped letters break lines inside words
(``拆迁补\\n偿``), and Chinese has no spaces between words anyway.

Indexing characters (not words) is what makes this hold: a word segmenter such as jieba cuts
names of people and villages differently in the letter and in the query and then misses them.
Every non-whitespace character is a token at consecutive positions; a query of n characters is

* 1 character: the unigram term;
* 2 characters: the bigram term;
* 3 or more: bigrams that cover it at their offsets (Whoosh; long digit strings also by a
  suffix field) or a phrase of unigrams (tantivy),

so any substring — ``王``, ``6栋`` (also inside ``16栋``), ``A区12栋``, an ID number — is found
exactly, with no false positives and no misses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Characters Python treats as whitespace: mapped to a plain space before anything else so that
# Python and tantivy's Rust ``\S`` agree on what a token is.
_WHITESPACE = re.compile(r"\s+")
# Gap in positions between two values of a multi-valued field, so a phrase never spans them.
FIELD_GAP = 100


# Characters that NFKC leaves alone (ASCII, CJK ideographs, common CJK and quotation
# punctuation) plus the full-width forms and U+3000, which map one-to-one: text made only of
# these is normalised by a table instead of ``unicodedata.normalize``, six times faster.
_FAST_ONLY = re.compile("[^\x00-\x7f\u4e00-\u9fff\u3001-\u3035\u2014\u2018-\u201f\u00b7"
                        "\uff01-\uff5e\u3000]")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_MAP = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_MAP["\u3000"] = " "


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, with a fast path for ordinary Chinese text."""
    if _FAST_ONLY.search(text) is None:
        return _FULL_WIDTH.sub(lambda m: _FULL_WIDTH_MAP[m.group()], text)
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC (full-width → half-width) and lower case; whitespace runs become one space.

    Characters whose lower case is longer than one character are kept as they are, so that
    offsets in the normalised text stay offsets in the NFKC text (highlighting relies on it).
    """
    text = nfkc(text or "")
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _WHITESPACE.sub(" ", lowered)


def compact(text: str) -> str:
    """``normalize`` without any whitespace: the string substring matching works on."""
    return "".join(normalize(text).split())


def unigrams(text: str) -> list[str]:
    """Every non-whitespace character of the normalised text, in order."""
    return list(compact(text))


def ngram_tokens(text: str, start_pos: int = 0) -> Iterator[tuple[str, int]]:
    """(term, position) pairs: each character and the bigram starting at it share a position.

    Used by the Whoosh engine; bigrams at the right relative positions that cover every
    character of a query are an exact substring match.
    """
    chars = compact(text)
    last = len(chars) - 1
    for i, ch in enumerate(chars):
        yield ch, start_pos + i
        if i < last:
            yield chars[i:i + 2], start_pos + i


def bigrams(text: str) -> list[str]:
    """The overlapping bigrams of the compact text (used for more-like-this)."""
    chars = compact(text)
    return [chars[i:i + 2] for i in range(len(chars) - 1)]


def digits_only(text: str | None) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isdigit())


def normalize_phone(text: str | None) -> str:
    """Digits of a phone number without the +86/0086 country prefix: ``+86 138-1234-5678`` and
    ``13812345678`` give the same key."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    digits = digits_only(raw)
    if raw.startswith("+86") or raw.startswith("0086"):
        digits = digits[2:] if raw.startswith("+") else digits[4:]
    elif len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    return digits


def normalize_id(text: str | None) -> str:
    """An ID number as one key: NFKC, no spaces, upper-case check character ``X``."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def looks_like_phone(text: str) -> bool:
    digits = normalize_phone(text)
    stripped = re.sub(r"[\s\-+()]", "", unicodedata.normalize("NFKC", text))
    return stripped.isdigit() and (len(digits) == 11 and digits.startswith("1")
                                   or 10 <= len(digits) <= 12 and digits.startswith("0"))


def looks_like_id(text: str) -> bool:
    key = normalize_id(text)
    return bool(re.fullmatch(r"\d{17}[\dX]|\d{15}", key))
