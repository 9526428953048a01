"""Letter text as extracted (OCR, PDF text layer, typed) → text the rules can read, and back
to text a letter can print.

``normalise`` keeps the length of the text, so every offset found in the normalised copy is an
offset into the original; ``squeeze`` and ``cjk_punctuation`` make a value read as a person
would write it (no line breaks of the page, Chinese punctuation between Chinese words).
"""

from __future__ import annotations

import re

from docgen.intake.idnumber import fold_width

CJK = "\u4e00-\u9fff"

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff\xa0]")
_LINE_SEP = re.compile("[\u2028\u2029\x85]|\r(?!\n)")


def normalise(text: str) -> str:
    """Same length as ``text``: half-width forms, control characters → space, ``\\r`` line
    ends → ``\\n``; OCR's 丶 (a stroke read for the enumeration comma) → ``、``."""
    t = _CONTROL.sub(" ", fold_width(text))
    t = _LINE_SEP.sub("\n", t)
    return t.replace("\r", " ").replace("丶", "、")


def squeeze(s: str) -> str:
    """Value as a person would write it: no stray spaces between Chinese characters, no
    line breaks, single spaces elsewhere."""
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(rf"(?<=[{CJK}，。、（）：；“”‘’《》！？,.:;()!?]) (?=[{CJK}\d，。、（）：；“”‘’《》！？,.:;()!?])"
                  rf"|(?<=\d) (?=[{CJK}])|(?<=\d[.、．]) (?=[{CJK}])", "", s)


_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}


def cjk_punctuation(s: str) -> str:
    """Half-width punctuation next to Chinese text → the full-width forms a 公文 uses (OCR and
    folded text give ``,`` ``:`` ``(``); 丶 → 、. Digits' own punctuation (``2014.5.23``,
    ``10:30``) is left alone."""
    s = s.replace("丶", "、")

    def full(m: re.Match[str]) -> str:
        return _HALF_TO_FULL[m.group(0)]

    s = re.sub(rf"(?<=[{CJK}）)”》])[,:;!?]|[,:;!?](?=[{CJK}（(“《])", full, s)

    def paren(m: re.Match[str]) -> str:
        before = s[m.start() - 1:m.start()]
        if re.search(f"[{CJK}]", m.group(1) + before):
            return f"（{m.group(1)}）"
        return m.group(0)

    s = re.sub(r"\(([^()\n]{0,40})\)", paren, s)
    return s
