"""Phone numbers: mobile ``1[3-9]\\d{9}`` and landline ``0\\d{2,3}-\\d{7,8}``, normalised.

Mobiles are kept as 11 digits (``13800138000``); landlines as ``区号-号码`` (``0571-88001234``).
Area codes are three digits for 010 and 02x, four digits for every other code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.intake.idnumber import IdMatch, find_id_numbers, fold_width, wrapped_numbers


@dataclass(frozen=True)
class PhoneMatch:
    """A phone number found in text; ``start``/``end`` index the text as given."""

    start: int
    end: int
    raw: str
    number: str          # normalised
    mobile: bool
    labelled: bool       # 电话/手机/联系方式 written just before it


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")


def _split_landline(digits: str) -> str | None:
    area_len = 3 if digits.startswith(("010", "02")) else 4
    local = digits[area_len:]
    if 7 <= len(local) <= 8 and local[0] not in "01":
        return f"{digits[:area_len]}-{local}"
    return None


def normalize_phone(s: str) -> str | None:
    """``+86 138-0013-8000`` → ``13800138000``; ``(0571) 8800 1234`` → ``0571-88001234``;
    anything that is not a phone number → None."""
    digits = re.sub(r"[\s\-()（）.]", "", fold_width(s))
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("86"):
            return None
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        return None
    if _MOBILE.fullmatch(digits):
        return digits
    if _LANDLINE.fullmatch(digits):
        return _split_landline(digits)
    return None


_PREFIX = r"(?:(?:\+|00)86[ \-]?)?"
# Mobile: 11 digits, a single space or hyphen allowed between any two (OCR, "138 0013 8000").
_MOBILE_IN_TEXT = r"1[3-9](?:[ \-]?\d){9}"
# Landline: area code, optional bracket/hyphen/space, 7-8 digits (one inner space or hyphen).
_LANDLINE_IN_TEXT = r"\(?0\d{2,3}\)?[ \-]?[2-9]\d{2,3}[ \-]?\d{4}"
_PHONE_RE = re.compile(
    rf"(?<![\d+])(?:{_PREFIX}{_MOBILE_IN_TEXT}|{_LANDLINE_IN_TEXT})(?![\d])"
)
_LABEL = re.compile(r"(电\s*话|手\s*机|联\s*系\s*方\s*式|联\s*系\s*号\s*码|tel|Tel|TEL|座\s*机)")


def find_phones(text: str, id_numbers: list[IdMatch] | None = None) -> list[PhoneMatch]:
    """All phone numbers in ``text`` in order, never a piece of an ID number or a longer
    digit run (bank account, case number). ``id_numbers``: ``find_id_numbers(text)`` when
    the caller has it already."""
    folded = fold_width(text)
    if id_numbers is None:
        id_numbers = find_id_numbers(text)
    id_spans = [(m.start, m.end) for m in id_numbers]
    found: list[PhoneMatch] = []
    for m in _PHONE_RE.finditer(folded):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in id_spans):
            continue
        # A digit group continuing after a space is a longer number, not a phone.
        if re.match(r"[ \-]\d", folded[end:end + 2]) and re.search(r"[ \-]", m.group(0)):
            continue
        number = normalize_phone(m.group(0))
        if number is None:
            continue
        labelled = bool(_LABEL.search(folded, max(0, start - 12), start))
        found.append(PhoneMatch(start, end, text[start:end], number, len(number) == 11,
                                labelled))
    found.extend(_wrapped(text, folded, id_spans, found))
    found.extend(_full_stop_read_as_zero(text, folded, id_spans, found))
    found.sort(key=lambda p: p.start)
    return found


def _wrapped(text: str, folded: str, id_spans: list[tuple[int, int]],
             found: list[PhoneMatch]) -> list[PhoneMatch]:
    """Numbers broken by a line end: "联系电话：1" / "3966512345" (an editor or the page
    wrapped it)."""
    out = []
    for start, end, head, rest in wrapped_numbers(folded, inner=" -", edge="0-9+"):
        if any(s < end and start < e for s, e in id_spans) or \
                any(p.start < end and start < p.end for p in found):
            continue
        number = normalize_phone(head + rest)
        if number is None:
            continue
        labelled = bool(_LABEL.search(folded, max(0, start - 12), start))
        # Two numbers on consecutive lines are not one unless the line says it is a phone
        # or the first part could not stand alone (a short head: "1", "139").
        if not labelled and len(re.sub(r"\D", "", head)) > 4:
            continue
        out.append(PhoneMatch(start, end, text[start:end], number, len(number) == 11, labelled))
    return out


# "联系电话：13952654844。" at the end of a line, read by OCR as "139526548440": a labelled
# 12-digit run that is a mobile and one 0 (or O), where the sentence's 。 stands, before the line
# end or the next sentence. No phone number has 12 digits, so no real number is lost.
_MOBILE_THEN_STOP = re.compile(r"(?<![\d+])(1[3-9]\d{9})[0oO](?=[ \t]*(?:\n|$)|[\u4e00-\u9fff])")


def _full_stop_read_as_zero(text: str, folded: str, id_spans: list[tuple[int, int]],
                            found: list[PhoneMatch]) -> list[PhoneMatch]:
    out = []
    for m in _MOBILE_THEN_STOP.finditer(folded):
        start, end = m.start(1), m.end(1)
        if any(s < end + 1 and start < e for s, e in id_spans) or \
                any(p.start < end + 1 and start < p.end for p in found):
            continue
        if not _LABEL.search(folded, max(0, start - 12), start):
            continue
        out.append(PhoneMatch(start, end, text[start:end], m.group(1), True, True))
    return out
