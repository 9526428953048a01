"""Legal deadlines of a case: rule profiles, due-date arithmetic, extensions.

Counting follows 《信访工作条例》 practice (docs/standards.md §2): the first day is not counted; a
calendar-day period whose last day is a rest day (weekend or statutory holiday, but not a 调休
working day) ends on the next working day; a working-day period ends on the N-th working day
after the start. Every result carries a Chinese explanation of how it was reached, and a warning
when the holiday calendar lacks a year the period touches.

The rules live in an editable TOML file (``data/deadline_profiles.toml``): the national default
and provincial variants. A workspace may keep its own file, loaded over the shipped one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fileio import read_toml
from docgen.holidays import WEEKDAY_NAMES, HolidayCalendar
from docgen.models import Deadline

BUILTIN_PROFILES = Path(__file__).parent / "data" / "deadline_profiles.toml"
DEFAULT_PROFILE = "national"

UNIT_CALENDAR = "calendar"
UNIT_WORKING = "working"
UNITS = (UNIT_CALENDAR, UNIT_WORKING)

# Step kind → the name a Deadline carries (models.Deadline.kind) and the day it runs from.
STEP_KINDS: dict[str, str] = {
    "route": "转送交办期限",
    "assign": "交办办理期限",
    "notify": "告知期限",
    "handle": "办理期限",
    "review": "复查复核期限",
}
START_LABELS: dict[str, str] = {
    "route": "受理日",
    "assign": "交办日",
    "notify": "受理日",
    "handle": "受理日",
    "review": "申请日",
}

# Rolling a due date over rest days never needs more than a couple of weeks; a year of rest
# days means a broken holiday file, better reported than looped over.
_MAX_ROLL_DAYS = 366


@dataclass(frozen=True)
class Step:
    """One timed step of a profile, e.g. handling: 60 calendar days, extension at most 30."""

    kind: str
    days: int
    unit: str = UNIT_CALENDAR
    extension_max: int | None = None

    @property
    def label(self) -> str:
        return STEP_KINDS.get(self.kind, self.kind)


@dataclass
class Profile:
    """A named set of steps (``national``, ``zhejiang``, ...)."""

    name: str
    title: str
    steps: dict[str, Step] = field(default_factory=dict)

    def step(self, kind: str) -> Step:
        if kind not in STEP_KINDS:
            raise DocgenError(f"未知的期限类型 {kind}（可用：{'、'.join(STEP_KINDS)}）")
        try:
            return self.steps[kind]
        except KeyError:
            raise DocgenError(f"期限规则 {self.title}（{self.name}）没有规定{STEP_KINDS[kind]}") from None


@dataclass
class Due:
    """A computed due date with how it was reached and any warnings (missing holiday years)."""

    date: dt.date
    explanation: str
    warnings: list[str] = field(default_factory=list)
    # Kept so that ``extend`` can count on the same calendar; not part of the value.
    calendar: HolidayCalendar | None = field(default=None, repr=False, compare=False)

    def full_explanation(self) -> str:
        """The explanation with the warnings appended, for a place that shows only one text."""
        if not self.warnings:
            return self.explanation
        return f"{self.explanation}（注意：{'；'.join(self.warnings)}）"

    def to_deadline(self, kind: str) -> Deadline:
        """As a ``models.Deadline``; ``kind`` is a step kind (``handle``) or a Chinese name."""
        return Deadline(kind=STEP_KINDS.get(kind, kind), due_date=self.date,
                        explanation=self.full_explanation())


# -- arithmetic ----------------------------------------------------------------------------

def cn_date(d: dt.date) -> str:
    """``2024年9月20日``: full year, no zero padding (GB/T 9704 date style)."""
    return f"{d.year}年{d.month}月{d.day}日"


def due_date(start: dt.date, days: int, unit: str, calendar: HolidayCalendar, *,
             start_label: str = "受理日") -> Due:
    """The day a period of ``days`` (calendar or working days) starting on ``start`` ends.

    For 2024-09-20 + 15 calendar days the explanation reads ``受理日 2024年9月20日，期限 15 日
    （首日不计），届满 2024年10月5日 为国庆节假日，顺延至 2024年10月8日``.
    """
    end, text = _count(start, days, unit, calendar, period=_period_words(days, unit))
    return Due(date=end, explanation=f"{start_label} {cn_date(start)}，{text}",
               warnings=_missing_year_warnings(start, end, calendar), calendar=calendar)


def extend(due: Due, days: int, step_profile: Step, already_extended: int = 0,
           calendar: HolidayCalendar | None = None) -> Due:
    """``due`` extended by ``days`` more (延期), counted from its due date like the step itself.

    Refused with a ``DocgenError`` when the step allows no extension or when ``already_extended
    + days`` would pass the step's ``extension_max``.
    """
    step = step_profile
    cal = calendar or due.calendar
    if cal is None:
        raise ValueError("extend() needs the holiday calendar the due date was computed with")
    _check_days(days, "延期天数")
    if already_extended < 0:
        raise DocgenError(f"已延期天数不能为负数（{already_extended}）")
    if step.extension_max is None or step.extension_max == 0:
        raise DocgenError(f"{step.label}按规则不能延期")
    total = already_extended + days
    if total > step.extension_max:
        left = step.extension_max - already_extended
        room = f"还可延期 {left} 日" if left > 0 else "已不能再延期"
        raise DocgenError(f"延期 {days} 日超过上限：{step.label}最多延期 {step.extension_max} 日，"
                          f"已延期 {already_extended} 日，{room}")
    end, text = _count(due.date, days, step.unit, cal,
                       period=_period_words(days, step.unit).replace("期限", "延期", 1),
                       note=f"累计延期 {total} 日，上限 {step.extension_max} 日")
    warnings = list(due.warnings)
    for w in _missing_year_warnings(due.date, end, cal):
        if w not in warnings:
            warnings.append(w)
    return Due(date=end, explanation=f"{due.explanation}；{text}", warnings=warnings, calendar=cal)


def due_for(kind: str, start: dt.date, profile: Profile, calendar: HolidayCalendar) -> Due:
    """The due date of step ``kind`` (route/assign/notify/handle/review) of ``profile``."""
    step = profile.step(kind)
    return due_date(start, step.days, step.unit, calendar, start_label=START_LABELS[kind])


def deadline_for(kind: str, start: dt.date, profile: Profile, calendar: HolidayCalendar) -> Deadline:
    """A ``models.Deadline`` for step ``kind``; warnings are appended to its explanation."""
    return due_for(kind, start, profile, calendar).to_deadline(kind)


def _check_days(days: int, what: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise DocgenError(f"{what}应为正整数（实际为 {days!r}）")


def _period_words(days: int, unit: str) -> str:
    if unit == UNIT_WORKING:
        return f"期限 {days} 个工作日"
    return f"期限 {days} 日"


def _count(start: dt.date, days: int, unit: str, calendar: HolidayCalendar, *, period: str,
           note: str = "") -> tuple[dt.date, str]:
    """The end date and the explanation after the start label: ``期限 15 日（首日不计），届满 …``."""
    _check_days(days, "期限天数")
    if unit == UNIT_CALENDAR:
        return _count_calendar(start, days, calendar, period, note)
    if unit == UNIT_WORKING:
        return _count_working(start, days, calendar, period, note)
    raise DocgenError(f"期限单位应为 calendar（自然日）或 working（工作日），实际为 {unit!r}")


def _count_calendar(start: dt.date, days: int, calendar: HolidayCalendar, period: str,
                    note: str) -> tuple[dt.date, str]:
    last = start + dt.timedelta(days=days)
    head = f"{period}（首日不计{'；' + note if note else ''}），届满 {cn_date(last)}"
    if calendar.is_makeup_working_day(last):
        return last, f"{head}（{calendar.describe_day(last)}），不顺延"
    if not calendar.is_rest_day(last):
        return last, f"{head}（{WEEKDAY_NAMES[last.weekday()]}）"
    end = _next_working_day(last, calendar)
    return end, f"{head} 为{calendar.describe_day(last)}，顺延至 {cn_date(end)}"


def _count_working(start: dt.date, days: int, calendar: HolidayCalendar, period: str,
                   note: str) -> tuple[dt.date, str]:
    d = start
    counted = 0
    while counted < days:
        d += dt.timedelta(days=1)
        if calendar.is_working_day(d):
            counted += 1
    rules = "首日不计，周末和法定节假日不计，调休上班日计入"
    text = f"{period}（{rules}{'；' + note if note else ''}），届满 {cn_date(d)}（{WEEKDAY_NAMES[d.weekday()]}）"
    window_start = start + dt.timedelta(days=1)
    skipped = [f"{r.name}假日 {_span(max(r.start, window_start), min(r.end, d))}"
               for r in calendar.off_ranges(window_start, d)]
    makeup = [cn_date(x) for x in calendar.makeup_days(window_start, d)]
    if skipped:
        text += f"；期间{'、'.join(skipped)}不计"
    if makeup:
        text += f"；调休上班日 {'、'.join(makeup)}计入"
    return d, text


def _span(a: dt.date, b: dt.date) -> str:
    if a == b:
        return cn_date(a)
    if a.year == b.year:
        return f"{cn_date(a)}至{b.month}月{b.day}日"
    return f"{cn_date(a)}至{cn_date(b)}"


def _next_working_day(d: dt.date, calendar: HolidayCalendar) -> dt.date:
    for _ in range(_MAX_ROLL_DAYS):
        d += dt.timedelta(days=1)
        if calendar.is_working_day(d):
            return d
    raise DocgenError(f"{cn_date(d)} 之前连续一年没有工作日，请检查节假日文件")


def _missing_year_warnings(start: dt.date, end: dt.date, calendar: HolidayCalendar) -> list[str]:
    # The start day itself is not counted, so only the days after it can need the calendar.
    first = start + dt.timedelta(days=1)
    return [f"{y} 年节假日未收录，按周末计算，请更新节假日文件"
            for y in calendar.missing_years(first, max(first, end))]


# -- profiles ------------------------------------------------------------------------------

def load_profiles(paths: Sequence[Path | str] = (), *, builtin: bool = True) -> dict[str, Profile]:
    """The shipped profiles, then each existing file of ``paths`` over them in order.

    A later file may add profiles, change a profile's ``title`` or ``base``, or replace single
    steps (``[national.route]``); steps it does not name stay. ``base`` fills in the steps a
    profile does not give from another profile. Paths that do not exist are skipped.
    """
    merged: dict[str, dict[str, Any]] = {}
    files = ([BUILTIN_PROFILES] if builtin else []) + [Path(p) for p in paths]
    for path in files:
        if not path.exists():
            continue
        for name, spec in _read_profile_file(path).items():
            target = merged.setdefault(name, {"title": name, "base": None, "steps": {}})
            for key in ("title", "base"):
                if key in spec:
                    target[key] = spec[key]
            target["steps"].update(spec["steps"])
    return {name: Profile(name=name, title=spec["title"], steps=_resolve_steps(name, merged))
            for name, spec in merged.items()}


def select_profile(profiles: dict[str, Profile], name: str | None) -> Profile:
    """The profile called ``name`` (default ``national``), or a DocgenError listing the known ones."""
    key = name or DEFAULT_PROFILE
    if key not in profiles:
        known = "、".join(f"{p.name}（{p.title}）" for p in profiles.values()) or "无"
        raise DocgenError(f"没有名为 {key} 的期限规则；可用：{known}")
    return profiles[key]


def _resolve_steps(name: str, merged: dict[str, dict[str, Any]]) -> dict[str, Step]:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            raise DocgenError(f"期限规则的 base 循环引用：{' → '.join([*chain, current])}")
        if current not in merged:
            raise DocgenError(f"期限规则 {chain[-1]} 的 base {current} 不存在")
        chain.append(current)
        current = merged[current]["base"]
    steps: dict[str, Step] = {}
    for profile_name in reversed(chain):      # base first, the profile's own steps last
        steps.update(merged[profile_name]["steps"])
    return steps


def _read_profile_file(path: Path) -> dict[str, dict[str, Any]]:
    raw = read_toml(path, "期限规则文件")
    profiles: dict[str, dict[str, Any]] = {}
    for name, table in raw.items():
        where = f"期限规则文件 {path} 的 [{name}]"
        if not isinstance(table, dict):
            raise DocgenError(f"{where}：应为一个表")
        spec: dict[str, Any] = {"steps": {}}
        for key, value in table.items():
            if key in ("title", "base"):
                if not isinstance(value, str) or not value.strip():
                    raise DocgenError(f"{where}：{key} 应为非空文字")
                spec[key] = value.strip()
            elif key in STEP_KINDS:
                spec["steps"][key] = _parse_step(key, value, f"{where} 的 {key}")
            else:
                raise DocgenError(f"{where}：不认识的项 {key}（可用：title、base、{'、'.join(STEP_KINDS)}）")
        profiles[name] = spec
    return profiles


def _parse_step(kind: str, value: object, where: str) -> Step:
    if not isinstance(value, dict):
        raise DocgenError(f"{where}：应为一个表，含 days、unit，可选 extension_max")
    unknown = set(value) - {"days", "unit", "extension_max"}
    if unknown:
        raise DocgenError(f"{where}：不认识的项 {', '.join(sorted(unknown))}")
    days = value.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise DocgenError(f"{where}：days 应为正整数（实际为 {days!r}）")
    unit = value.get("unit", UNIT_CALENDAR)
    if unit not in UNITS:
        raise DocgenError(f"{where}：unit 应为 calendar（自然日）或 working（工作日），实际为 {unit!r}")
    ext = value.get("extension_max")
    if ext is not None and (isinstance(ext, bool) or not isinstance(ext, int) or ext < 0):
        raise DocgenError(f"{where}：extension_max 应为不小于 0 的整数（实际为 {ext!r}）")
    return Step(kind=kind, days=days, unit=unit, extension_max=ext)
