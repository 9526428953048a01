"""Dates as letters write them, and the date a letter was written.

Understood: ``二〇一四年五月二十三日`` (zero as 〇, 零, ○ or O), ``2014年5月23日`` (also 号),
``2014.5.23``, ``2014-05-23``, ``2014/5/23``, ``14年5月23日``. Lunar dates (农历/阴历, 正月,
腊月, 初八, 廿三 …) are found and flagged but never converted. Impossible dates (2月30日)
are not dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docgen.intake.idnumber import fold_width


@dataclass(frozen=True)
class DateMatch:
    """A date found in text. ``date`` is None for a lunar date (not converted)."""

    start: int
    end: int
    raw: str
    date: dt.date | None
    lunar: bool = False


_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "Ο": 0, "0": 0,
             "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR_CHARS = "0-9〇零○OoΟ一二三四五六七八九"
_NUM_CN = "一二三四五六七八九十"

_YEAR = rf"(?P<y>[{_YEAR_CHARS}]{{4}}|[{_YEAR_CHARS}]{{2}})"
_MONTH = rf"(?P<m>\d{{1,2}}|[{_NUM_CN}]{{1,2}}|元|正|冬|腊)"
_DAY = rf"(?P<d>\d{{1,2}}|[{_NUM_CN}]{{1,3}}|初[{_NUM_CN}]|廿[{_NUM_CN}]?|卅)"
_SP = r"[ \t]*"
_LUNAR_PREFIX = r"(?P<lunar>(?:农|阴|旧)[ \t]*历[ \t]*)?"

# Dates written with 年月日. The year is optional only for a lunar date (农历五月初八).
_YMD = re.compile(
    rf"{_LUNAR_PREFIX}(?<![{_YEAR_CHARS}])(?:{_YEAR}{_SP}年{_SP})?{_MONTH}{_SP}月{_SP}{_DAY}"
    rf"(?!\d)(?P<suffix>{_SP}[日号])?"
)
# Numeric dates with one separator used twice: 2014.5.23, 2014-05-23, 2014/5/23.
_NUMERIC = re.compile(r"(?<![\d.\-/])(?P<y>\d{4})(?P<sep>[./\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                      r"(?![\d])(?!\.\d)")


def cn_number(s: str) -> int | None:
    """A number written 一 … 九十九 (also 廿三, 卅) or in Arabic digits; None if it is not one."""
    if s.isdigit():
        return int(s)
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGIT.get(tens, None) if tens else 1
        o = _CN_DIGIT.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    if len(s) == 1 and s in _CN_DIGIT:
        return _CN_DIGIT[s]
    return None


def _year(s: str, today: dt.date) -> int | None:
    digits = [_CN_DIGIT.get(c) if not c.isdigit() else int(c) for c in s]
    if any(d is None for d in digits):
        return None
    y = int("".join(str(d) for d in digits))
    if len(s) == 2:
        # 14年 means 2014; 98年 means 1998 (a two-digit year is never in the future).
        y += 2000 if y <= today.year % 100 + 1 else 1900
    return y if 1900 <= y <= today.year + 1 else None


def _from_ymd(m: re.Match[str], text: str, today: dt.date) -> DateMatch | None:
    y_raw, m_raw, d_raw = m.group("y"), m.group("m"), m.group("d")
    raw = text[m.start():m.end()]
    if m.group("lunar") or m_raw in ("正", "冬", "腊") or d_raw[0] in "初廿卅":
        return DateMatch(m.start(), m.end(), raw, None, True)
    if y_raw is None:
        return None   # "5月23日" alone: no year, not enough to be the date of anything
    return _solar(m, raw, _year(y_raw, today), {"元": 1}.get(m_raw) or cn_number(m_raw),
                  cn_number(d_raw))


def _from_numeric(m: re.Match[str], text: str, today: dt.date) -> DateMatch | None:
    return _solar(m, text[m.start():m.end()], _year(m.group("y"), today), int(m.group("m")),
                  int(m.group("d")))


def _solar(m: re.Match[str], raw: str, year: int | None, month: int | None,
           day: int | None) -> DateMatch | None:
    if year is None or month is None or day is None:
        return None
    try:
        return DateMatch(m.start(), m.end(), raw, dt.date(year, month, day))
    except ValueError:
        return None   # 2月30日 and the like are not dates


def find_dates(text: str, *, today: dt.date | None = None) -> list[DateMatch]:
    """Every date in ``text``, in order. Lunar dates have ``lunar=True`` and ``date=None``."""
    today = today or dt.date.today()
    folded = fold_width(text)
    found: list[DateMatch] = []
    for rx, build in ((_YMD, _from_ymd), (_NUMERIC, _from_numeric)):
        for m in rx.finditer(folded):
            d = build(m, text, today)
            if d is not None:
                found.append(d)
    found.sort(key=lambda d: d.start)
    return found


def parse_date(s: str, *, today: dt.date | None = None) -> dt.date | None:
    """The date written in ``s`` (the whole string, spaces around allowed); None when it is
    not a valid solar date (lunar dates included: they are not converted)."""
    s = s.strip()
    for d in find_dates(s, today=today):
        if d.start == 0 and d.end == len(s):
            return d.date
    return None


_LABEL_BEFORE = re.compile(
    r"(?:^|[\s,;])(?:来信|写信|落款|签名|签字|成文|书写)?(?:日[ \t]*期|时[ \t]*间)[ \t]*[:：]?[ \t]*$")
# Any other label right before a date (出生日期：, 事发时间：, 立案时间：) is not the letter's date.
_OTHER_LABEL = re.compile(r"[\u4e00-\u9fff][ \t]*[:：][ \t]*$")
_SENTENCE_PUNCT = re.compile(r"[，。；,;！？!?]")


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def letter_date(text: str, *, today: dt.date | None = None) -> DateMatch | None:
    """The date the letter was written, or None.

    Preferred: a date after a 日期/时间 label on its line; then the last date that stands on
    a line of its own (or with a signature), i.e. the 落款; a date inside a sentence of the
    story is never taken.
    """
    folded = fold_width(text)
    dates = find_dates(text, today=today)
    labelled: list[DateMatch] = []
    standalone: list[DateMatch] = []
    for d in dates:
        ls, le = _line_bounds(folded, d.start)
        if le - ls > 200 or len(folded[ls:le].strip()) - (d.end - d.start) > 40:
            continue            # a date inside a long line is part of the story
        before = folded[ls:d.start]
        if _LABEL_BEFORE.search(before):
            labelled.append(d)      # "日期：2014年5月23日"
            continue
        if _OTHER_LABEL.search(before):
            continue
        rest = (before + folded[d.end:le]).strip()
        rest = re.sub(r"^(?:于|写于|敬上|谨上)|(?:写于|于|敬上|谨上|书)$", "", rest).strip()
        if _SENTENCE_PUNCT.search(rest):
            continue
        # What is left on the line may be a signature (张三, 来信人：张三), not a story.
        if len(re.sub(r"\s", "", rest)) <= 16:
            standalone.append(d)
    if labelled:
        return labelled[-1]
    if standalone:
        return standalone[-1]
    return None
