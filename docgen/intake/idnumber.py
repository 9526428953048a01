"""公民身份号码 (GB 11643-1999): validate, convert 15 → 18 digits, find in text.

An invalid number is kept exactly as written (only spaces removed, ``x`` upper-cased) and
flagged with a Chinese reason; it is never "corrected", because a clerk must see what the
petitioner wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# First two digits: provinces, 71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)

# Full-width ASCII (！ … ～) and the ideographic space map one-to-one onto ASCII, so folding
# keeps every offset valid: positions found in the folded text point into the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


_WIDE = re.compile("[\uff01-\uff5e\u3000]+")


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to half-width (NFKC for those), same length."""
    # str.translate() walks every character in Python-level lookups: slow on a long Chinese
    # letter where only a few characters (，：（）) need folding
    return _WIDE.sub(lambda m: m.group().translate(_FOLD), text)


@dataclass(frozen=True)
class IdCheck:
    """Result of checking one number. ``number`` is the 18-digit form when it could be
    built, otherwise the number as written."""

    valid: bool
    number: str
    reason: str | None = None          # Chinese, None when valid
    birth_date: dt.date | None = None
    sex: str | None = None             # 男 / 女
    converted: bool = False            # True when the input had 15 digits


@dataclass(frozen=True)
class IdMatch:
    """An ID number found in text; ``start``/``end`` index the text as given."""

    start: int
    end: int
    raw: str
    check: IdCheck
    labelled: bool                     # 身份证/身份号码 written just before it


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth(digits8: str) -> dt.date | None:
    try:
        return dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


# OCR reads the check character X as × (or χ, ⅹ): after a digit and not before another digit or
# letter it can only be the X (the first 17 characters must be digits anyway). Same length.
_X_LIKE = re.compile(r"(?<=\d)[×χⅹ](?![0-9A-Za-z])")


def _x_lookalike(text: str) -> str:
    return _X_LIKE.sub("X", text)


def check_id(s: str, *, today: dt.date | None = None) -> IdCheck:
    """Validate an 18- or 15-digit number; 15-digit numbers (19xx births) become 18 digits."""
    today = today or dt.date.today()
    number = _x_lookalike(re.sub(r"[\s\-]", "", fold_width(s))).upper()
    if len(number) == 15:
        if not number.isdigit():
            return IdCheck(False, number, "15位身份证号码应全部为数字")
        if number[:2] not in PROVINCES:
            return IdCheck(False, number, f"地区码{number[:6]}无效")
        birth = _birth("19" + number[6:12])
        if birth is None:
            return IdCheck(False, number, f"出生日期19{number[6:12]}无效")
        first17 = number[:6] + "19" + number[6:]
        return IdCheck(True, first17 + check_char(first17), None, birth,
                       "男" if int(number[14]) % 2 else "女", converted=True)
    if len(number) != 18:
        return IdCheck(False, number, f"位数不对：{len(number)}位（应为18位，旧号码15位）")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdCheck(False, number, "含有数字以外的字符（只有第18位可以是X）")
    if number[:2] not in PROVINCES:
        return IdCheck(False, number, f"地区码{number[:6]}无效")
    birth = _birth(number[6:14])
    if birth is None or birth.year < 1800:
        return IdCheck(False, number, f"出生日期{number[6:14]}无效")
    if birth > today:
        return IdCheck(False, number, f"出生日期{number[6:14]}晚于今天")
    expected = check_char(number[:17])
    if number[17] != expected:
        # Do not say what the "right" last digit would be: the error may be anywhere.
        return IdCheck(False, number, "校验码不符（号码可能抄错，请核对原件）", birth,
                       "男" if int(number[16]) % 2 else "女")
    return IdCheck(True, number, None, birth, "男" if int(number[16]) % 2 else "女")


# A run of digits (last may be X) not touching other digits or Latin letters.
_STRICT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# OCR and typists break numbers into groups: "1101 0519 4912 3100 2X". Only single spaces.
_SPACED = re.compile(r"(?<![0-9A-Za-z])\d(?:[ \t]?\d){14,16}(?:[ \t]?[\dXx])?(?![0-9A-Za-z])")
# 身分证 is a common misspelling (and an OCR misreading) of 身份证.
_LABEL = re.compile(r"(身\s*[份分]\s*证|身\s*份\s*号\s*码|证\s*件\s*号|公\s*民\s*身\s*份|ID)")


_ANY_LENGTH = re.compile(r"(?<![0-9A-Za-z])\d{8,24}[Xx]?(?![0-9A-Za-z])")
_PHONE_LABEL = re.compile(r"(电\s*话|手\s*机|联\s*系)[^\d\n]{0,6}$")


def _labelled(folded: str, start: int) -> bool:
    return bool(_LABEL.search(folded, max(0, start - 16), start))


def wrapped_numbers(folded: str, *, inner: str = " \t", edge: str = "0-9", tail: str = "",
                    width: int = 24):
    """Digit runs broken by one line end: yields ``(start, end, head, tail)`` for
    "…1" / "3966512345…". ``inner``: separators allowed inside each part; ``edge``: characters
    that may not touch the run on either side (it would be a longer number); ``tail``: extra
    characters the second part may end with (an ID's X). Linear in the text: each line end
    looks at most ``width`` characters either side (a regex spanning the line end backtracks
    quadratically on "1 1 1 …")."""
    sep = re.escape(inner)
    head_re = re.compile(rf"\d(?:[{sep}]?\d)*[ \t]*$")
    tail_re = re.compile(rf"[ \t]*(\d(?:[{sep}]?\d)*[{tail}]?)" if tail else rf"[ \t]*(\d(?:[{sep}]?\d)*)")
    bad = re.compile(rf"[{edge}]")
    for nl in re.finditer(r"\n", folded):
        p = nl.start()
        lo = max(0, p - width)
        m = head_re.search(folded, lo, p)
        if not m:
            continue
        start = m.start()
        if start == lo and lo > 0:
            continue                            # longer than ``width``: not one number
        before = folded[start - 1:start]
        if before and (bad.match(before) or (before in inner and start > 1 and bad.match(folded[start - 2]))):
            continue
        m2 = tail_re.match(folded, p + 1, min(len(folded), p + 1 + width))
        if not m2:
            continue
        end = m2.end(1)
        after = folded[end:end + 1]
        if after and bad.match(after) or end == p + 1 + width:
            continue
        yield start, end, folded[start:m.end()].rstrip(" \t"), m2.group(1)


def _labelled_phone(folded: str, start: int) -> bool:
    return bool(_PHONE_LABEL.search(folded, max(0, start - 10), start))


def find_id_numbers(text: str) -> list[IdMatch]:
    """All ID numbers in ``text`` in order. 18-character candidates are reported even when
    invalid (flagged); a 15-digit run only when it is valid or labelled as an ID, and a number
    with spaces inside only when it checks out, so account numbers are not taken for IDs.
    OCR's × for the final X counts as X."""
    folded = _x_lookalike(fold_width(text))
    found: list[IdMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _STRICT.finditer(folded):
        chk = check_id(m.group(1))
        labelled = _labelled(folded, m.start())
        if len(m.group(1)) == 15 and not (chk.valid or labelled):
            continue
        found.append(IdMatch(m.start(), m.end(), text[m.start():m.end()], chk, labelled))
        taken.append((m.start(), m.end()))
    for m in _SPACED.finditer(folded):
        raw = m.group(0)
        if not re.search(r"\s", raw) or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        compact = re.sub(r"\s", "", raw)
        if len(compact) not in (15, 18):
            continue
        chk = check_id(compact)
        if chk.valid:
            found.append(IdMatch(m.start(), m.end(), text[m.start():m.end()], chk,
                                 _labelled(folded, m.start())))
    # A number broken by a line end ("身份证号：3408811980" / "03151236"): taken when it is
    # labelled and checks out, so two unrelated numbers on consecutive lines are not joined.
    for start, end, head, rest in wrapped_numbers(folded, edge="0-9A-Za-z", tail="Xx"):
        if any(s < end and start < e for s, e in taken) or \
                any(f.start < end and start < f.end for f in found):
            continue
        compact = re.sub(r"\s", "", head + rest)
        # 18 characters with a check character, after an ID label: a 15-digit old number has
        # no check character, and a phone above a date would pass for one
        if len(compact) != 18 or not _labelled(folded, start):
            continue
        chk = check_id(compact)
        if chk.valid:
            found.append(IdMatch(start, end, text[start:end], chk, True))
            taken.append((start, end))
    # A labelled number of the wrong length ("身份证号：1101051949123") is still the petitioner's
    # number as written: report it, flagged, rather than drop it.
    for m in _ANY_LENGTH.finditer(folded):
        if any(s < m.end() and m.start() < e for s, e in taken) or \
                any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        if _labelled(folded, m.start()) and not _labelled_phone(folded, m.start()):
            found.append(IdMatch(m.start(), m.end(), text[m.start():m.end()], check_id(m.group(0)),
                                 True))
    found.sort(key=lambda f: f.start)
    return found
