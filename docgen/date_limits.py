"""Which dates docgen accepts: a sane range for anything that has happened or is looked at.

A date such as 9999-12-31 or 0001-01-01 is well-formed, but stored as a 收到日期 it makes every
later deadline computation overflow (``date + timedelta`` past year 9999), so ``show``,
``close``, ``list --as-of`` and ``archive`` would fail for ever after. These checks run where a
date enters: the command line (``docgen.cli.common``), form files, ledger rows, the web app,
and, as the last line, the registry writers (``register_case``, ``workflow``).

- Something that has happened (``--received``, ``--date``, a ledger row's dates): from
  1949-10-01 to tomorrow (a clerk working past midnight, another time zone); later only with
  ``--allow-future``, and never past ``FAR_LIMIT``.
- A day to look at (``--as-of``, ``--from``/``--to``): may look ahead, within the same range.
"""

from __future__ import annotations

import datetime as dt
import re

from docgen.errors import DocgenError

EARLIEST = dt.date(1949, 10, 1)
# Far enough for any deadline arithmetic to stay well inside date.max.
FAR_YEARS = 100


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class NotIsoDay(ValueError):
    """Not written ``YYYY-MM-DD``."""


def parse_iso_day(text: str) -> dt.date:
    """A date written exactly ``YYYY-MM-DD``, as the command line and the web forms take it
    (``date.fromisoformat`` alone also takes ``20261207`` and ``2026-W49-1``). Raises
    ``NotIsoDay`` for any other form, ``ValueError`` for a day that does not exist."""
    text = text.strip()
    if not _ISO_DAY.fullmatch(text):
        raise NotIsoDay(text)
    return dt.date.fromisoformat(text)


def far_limit(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today.replace(year=today.year + FAR_YEARS, day=min(today.day, 28))


def check_happened(day: dt.date, what: str = "日期", *, allow_future: bool = False,
                   today: dt.date | None = None) -> dt.date:
    """``day`` for something that has happened, or a DocgenError saying what is wrong."""
    today = today or dt.date.today()
    if day < EARLIEST:
        raise DocgenError(f"{what} {day} 早于 {EARLIEST}，不能登记；请检查年份")
    latest = far_limit(today) if allow_future else today + dt.timedelta(days=1)
    if day > latest:
        if allow_future:
            raise DocgenError(f"{what} {day} 太远（最晚 {latest}），请检查年份")
        raise DocgenError(f"{what} {day} 在今天（{today}）之后：已发生的事不能是将来的日期；"
                          f"确需登记请加 --allow-future")
    return day


def check_view(day: dt.date, what: str = "日期", *, today: dt.date | None = None) -> dt.date:
    """``day`` to look at (``--as-of``, ``--from``, ``--to``): may be ahead, within range."""
    latest = far_limit(today)
    if day < EARLIEST or day > latest:
        raise DocgenError(f"{what} {day} 超出可用范围（{EARLIEST} 至 {latest}），请检查年份")
    return day


def check_stored(day: dt.date | None, what: str = "日期") -> dt.date | None:
    """The registry's last line: whatever path a date came by, never store one that breaks
    later arithmetic (the future check belongs to the input side, which knows --allow-future)."""
    if day is not None:
        check_view(day, what)
    return day
