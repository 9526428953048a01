"""The statutory holiday calendar: which days are rest days, which weekends are 调休 working days.

The data lives in an editable TOML file (``data/holidays.toml``, one block per year, copied from
the 国务院办公厅 notices) so that an offline office can add next year's notice itself. A workspace
file is loaded over the shipped one; a year present in it replaces the shipped year as a whole.
Years the calendar lacks fall back to weekends only, and callers are told (``missing_years``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fileio import read_toml

BUILTIN_HOLIDAYS = Path(__file__).parent / "data" / "holidays.toml"

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# A notice never gives more than about ten consecutive days off; a longer range is a typing
# error (a wrong month) that would silently swallow weeks of working days.
_MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class HolidayRange:
    """Consecutive days off of one holiday (including the weekend days joined to it)."""

    name: str
    start: dt.date
    end: dt.date

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class HolidayYear:
    """One year's notice: days off and the weekend days moved to working days (调休上班)."""

    year: int
    off: list[HolidayRange] = field(default_factory=list)
    work: list[dt.date] = field(default_factory=list)
    source: str = ""
    origin: str = ""            # the file it came from, for messages


@dataclass
class HolidayCalendar:
    """Rest and working days. Build it with ``HolidayCalendar.load``."""

    notices: dict[int, HolidayYear] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._off: dict[dt.date, str] = {}
        self._work: set[dt.date] = set()
        # Years in ascending order so that, should two notices name the same date, the later
        # notice wins, as it would in practice.
        for year in sorted(self.notices):
            notice = self.notices[year]
            for rng in notice.off:
                for d in rng.days():
                    self._off[d] = rng.name
                    self._work.discard(d)
            for d in notice.work:
                self._work.add(d)
                self._off.pop(d, None)

    # -- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, paths: Sequence[Path | str] = (), *, builtin: bool = True) -> HolidayCalendar:
        """The shipped calendar, then each existing file of ``paths`` over it in order.

        A year present in a later file replaces that year of the earlier ones. Paths that do not
        exist are skipped (a workspace need not have its own file); a malformed file raises
        ``DocgenError`` naming the file and the year. Passing the shipped file again is harmless.
        """
        notices: dict[int, HolidayYear] = {}
        loaded: list[Path] = []
        files = ([BUILTIN_HOLIDAYS] if builtin else []) + [Path(p) for p in paths]
        for path in files:
            if not path.exists():
                continue
            notices.update(parse_holiday_file(path))
            loaded.append(path)
        return cls(notices=notices, sources=loaded)

    # -- queries ---------------------------------------------------------------------------

    @property
    def years(self) -> tuple[int, ...]:
        """The years whose notice the calendar holds, ascending."""
        return tuple(sorted(self.notices))

    def covers(self, year: int) -> bool:
        return year in self.notices

    def missing_years(self, start: dt.date | int, end: dt.date | int) -> list[int]:
        """Years from ``start`` to ``end`` (inclusive; dates or years) without a notice."""
        first = start.year if isinstance(start, dt.date) else int(start)
        last = end.year if isinstance(end, dt.date) else int(end)
        return [y for y in range(first, last + 1) if y not in self.notices]

    def is_makeup_working_day(self, d: dt.date) -> bool:
        """A Saturday or Sunday on which people work because of 调休."""
        return d in self._work

    def holiday_name(self, d: dt.date) -> str | None:
        """The holiday a day off belongs to (``国庆节``), or None for any other day."""
        return self._off.get(d)

    def is_rest_day(self, d: dt.date) -> bool:
        """Weekend or statutory holiday; a 调休 working day is not a rest day."""
        if d in self._work:
            return False
        if d in self._off:
            return True
        return d.weekday() >= 5

    def is_working_day(self, d: dt.date) -> bool:
        return not self.is_rest_day(d)

    def describe_day(self, d: dt.date) -> str:
        """Why a day is what it is, in Chinese: ``国庆节假日``, ``星期日``, ``调休上班日``."""
        if d in self._work:
            return f"{WEEKDAY_NAMES[d.weekday()]}，调休上班日"
        name = self._off.get(d)
        if name:
            return f"{name}假日"
        return WEEKDAY_NAMES[d.weekday()]

    def off_ranges(self, start: dt.date, end: dt.date) -> list[HolidayRange]:
        """Holiday ranges overlapping ``start``..``end`` (inclusive), in date order."""
        found = [rng for notice in self.notices.values() for rng in notice.off
                 if rng.start <= end and rng.end >= start]
        return sorted(found, key=lambda r: r.start)

    def makeup_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """调休 working days between ``start`` and ``end`` (inclusive), in date order."""
        return sorted(d for d in self._work if start <= d <= end)


# -- file format ---------------------------------------------------------------------------

def parse_holiday_file(path: Path) -> dict[int, HolidayYear]:
    """Read one holidays TOML file: ``[YEAR]`` tables with ``off`` ranges and ``work`` days."""
    raw = read_toml(path, "节假日文件")
    notices: dict[int, HolidayYear] = {}
    for key, block in raw.items():
        where = f"节假日文件 {path} 的 [{key}]"
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise DocgenError(f"{where}：表名应为四位年份，如 [2027]")
        if not isinstance(block, dict):
            raise DocgenError(f"{where}：应为一个表（含 off 和 work）")
        notices[int(key)] = _parse_year(int(key), block, where, str(path))
    return notices


def _parse_year(year: int, block: dict[str, Any], where: str, origin: str) -> HolidayYear:
    unknown = set(block) - {"off", "work", "source"}
    if unknown:
        raise DocgenError(f"{where}：不认识的项 {', '.join(sorted(unknown))}（只允许 off、work、source）")
    off_items = block.get("off", [])
    work_items = block.get("work", [])
    if not isinstance(off_items, list) or not isinstance(work_items, list):
        raise DocgenError(f"{where}：off 和 work 应为列表")
    notice = HolidayYear(year=year, source=str(block.get("source", "")), origin=origin)
    for item in off_items:
        if not isinstance(item, dict):
            raise DocgenError(f"{where}：off 的每一项应为 {{ name = ..., start = ..., end = ... }}")
        name = str(item.get("name") or "").strip()
        if not name:
            raise DocgenError(f"{where}：off 中有一项缺少节日名称 name")
        start = _as_date(item.get("start"), f"{where} {name} 的 start")
        end = _as_date(item.get("end", start), f"{where} {name} 的 end")
        if end < start:
            raise DocgenError(f"{where}：{name} 的结束日 {end} 早于开始日 {start}")
        if (end - start).days + 1 > _MAX_RANGE_DAYS:
            raise DocgenError(f"{where}：{name} 放假 {(end - start).days + 1} 天，超过 {_MAX_RANGE_DAYS} 天，"
                              "请检查日期是否写错")
        _check_near(year, start, where, name)
        _check_near(year, end, where, name)
        notice.off.append(HolidayRange(name=name, start=start, end=end))
    off_days = {d for rng in notice.off for d in rng.days()}
    for item in work_items:
        # A work day may be written as a bare date or as { date = ..., name = ... }.
        value = item.get("date") if isinstance(item, dict) else item
        d = _as_date(value, f"{where} work 中的日期")
        _check_near(year, d, where, "调休上班日")
        if d in off_days:
            raise DocgenError(f"{where}：{d.isoformat()} 同时列为放假和调休上班")
        notice.work.append(d)
    return notice


def _as_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DocgenError(f"{what} 应为日期，如 2027-01-01（实际为 {value!r}）")


def _check_near(year: int, d: dt.date, where: str, name: str) -> None:
    # A notice reaches at most into the last days of the year before (元旦 ranges, 调休 on
    # 12-29); anything further is a wrong year typed by hand.
    if not (dt.date(year - 1, 12, 1) <= d <= dt.date(year, 12, 31)):
        raise DocgenError(f"{where}：{name} 的日期 {d.isoformat()} 不属于 {year} 年的安排")
