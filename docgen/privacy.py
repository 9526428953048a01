"""Masking ID and phone numbers: in their own fields and anywhere inside free text.

Exports, reports and letters to other bodies must not carry a petitioner's full ID number or
phone number (docs/standards.md §4, docs/cli.md "personal data"). Masking a field is not
enough: the same numbers sit inside 反映内容, 诉求, 办理结果 and the letter text, written as the
petitioner wrote them (15- or 18-digit IDs, ``138 0013 8000``, ``+86-138-0013-8000``,
``0556-5123456``, full-width digits). ``mask_text`` finds every such number and masks it in
place, keeping everything else in the text as it was.
"""

from __future__ import annotations

import re

# Full-width digits, X, plus, hyphen and space map one-to-one onto ASCII, so positions found in
# the translated copy are positions in the original text.
_ASCII = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                        "Ｘ": "X", "ｘ": "x", "＋": "+", "－": "-", "—": "-", "–": "-",
                        "\u3000": " ", "\u00a0": " "})

# Digit chunks; two chunks joined by at most two of `` -()+`` or a line break may be one number
# written with separators or wrapped (``138 0013 8000``, ``+86-138-0013-8000``, ``(0556)5123456``).
_JOINER = re.compile(r"[ ()+-]{1,2}|\r?\n")
_AFTER_PHONE_WORD = re.compile(r"(?:电话|手机|座机|联系方式|联系电话|tel|Tel|TEL)\s*[:：]?\s*\(?$")

_ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_ID15 = re.compile(r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")      # area code 0xx(x) + 7–8 digits, written without a hyphen


def mask_id_number(value: str | None) -> str:
    """``330122********1234``: the area code and the last four characters stay readable."""
    v = (value or "").strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str | None) -> str:
    """``138****5678``; a landline keeps its first three and last four digits; separators stay."""
    v = (value or "").strip()
    digits = re.sub(r"\D", "", v.translate(_ASCII))
    return _mask_digits(v, _phone_head(digits), 4) if len(digits) >= 7 else v


def _phone_head(digits: str) -> int:
    """How many leading digits of a phone number stay readable."""
    if digits.startswith("86") and len(digits) == 13:
        return 5                         # +86 and the mobile's first three digits
    return 4 if digits.startswith("0") and len(digits) >= 11 else 3   # 0556-***: the area code


def _mask_digits(text: str, keep_head: int, keep_tail: int) -> str:
    """Replace the digits of ``text`` by ``*``, except the first ``keep_head`` and the last
    ``keep_tail`` of them (a final X of an ID counts as a digit)."""
    positions = [i for i, ch in enumerate(text.translate(_ASCII)) if ch.isdigit() or ch in "Xx"]
    keep_head = min(keep_head, max(0, len(positions) - keep_tail - 3))   # hide at least three
    hidden = set(positions[keep_head:len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _kind_of(digits: str, after_phone_word: bool) -> str | None:
    """``id``, ``phone`` or None for the digits of one run (separators removed)."""
    if len(digits) == 18 and _ID18.fullmatch(digits):
        return "id"
    if len(digits) == 17 and _ID18.fullmatch(digits + "0"):
        return "id"                      # an ID with its last character lost (OCR) is still one
    if len(digits) == 15 and _ID15.fullmatch(digits):
        return "id"
    core = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if _MOBILE.fullmatch(core) or _LANDLINE.fullmatch(core):
        return "phone"
    if after_phone_word and 7 <= len(core) <= 12 and core.isdigit():
        return "phone"                   # 电话：5123456 (a local number without area code)
    return None


def _runs(plain: str) -> list[list[tuple[int, int]]]:
    """Groups of digit chunks (start, end) that separators join."""
    runs: list[list[tuple[int, int]]] = []
    for m in re.finditer(r"\d+(?:[Xx](?![A-Za-z]))?", plain):
        prev = runs[-1][-1] if runs else None
        if prev and _JOINER.fullmatch(plain[prev[1]:m.start()]):
            runs[-1].append((m.start(), m.end()))
        elif m.start() and plain[m.start() - 1].isalnum() and plain[m.start() - 1].isascii():
            continue                     # inside a code like A1234 or after a masked *: not a number
        else:
            runs.append([(m.start(), m.end())])
    return runs


def mask_text(text: str | None) -> str:
    """``text`` with every ID number and phone number in it masked (see the module docstring);
    dates, amounts and other numbers are left alone."""
    if not text:
        return text or ""
    plain = text.translate(_ASCII)
    spans: list[tuple[int, int, str, str]] = []
    for chunks in _runs(plain):
        i = 0
        while i < len(chunks):
            for j in range(len(chunks), i, -1):
                start, end = chunks[i][0], chunks[j - 1][1]
                digits = re.sub(r"[^\dXx]", "", plain[start:end]).upper()
                if "X" in digits[:-1]:
                    continue
                word = bool(_AFTER_PHONE_WORD.search(plain[max(0, start - 12):start]))
                kind = _kind_of(digits, word)
                if kind:
                    spans.append((start, end, kind, digits))
                    i = j
                    break
            else:
                i += 1
    out, last = [], 0
    for start, end, kind, digits in spans:
        head = 6 if kind == "id" else _phone_head(digits)
        out += [text[last:start], _mask_digits(text[start:end], head, 4)]
        last = end
    out.append(text[last:])
    return "".join(out)


def contains_pii(text: str | None) -> bool:
    """Whether ``text`` holds an unmasked ID or phone number (for checks and tests)."""
    return bool(text) and mask_text(text) != text
