"""The year's (or any period's) figures: counts by channel, category, body, township and month;
办结率, 按期办结率, 满意率; repeat petitions, group visits and 人次 of visits.

Definitions (docs/statistics.md):
- a case belongs to the period by its received date; cases received after ``as_of`` do not exist
  yet, and events dated after ``as_of`` are ignored (the figures as they stood that evening);
- ``closure_rate`` = closed / received;
- ``on_time_rate`` = closed on or before the due date in force at closure / closed that had one
  (the 交办 deadline including any extension, else the routing deadline);
- ``satisfaction_rate`` = (满意 + 基本满意) / closed with an answer (未回访 and blank do not count);
- ``repeat`` = cases linked (kind ``repeat``) to an earlier case of the same petitioner;
- ``group_visits`` = visits (来访) with ``persons`` ≥ ``[visits] group_threshold``;
- ``visitors`` = sum of ``persons`` over all visits (人次), ``visits`` = number of visits (件).
Rates are fractions 0–1, ``None`` when the denominator is 0.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from docgen.casefile import CaseState, state_of
from docgen.models import STATUS_CLOSED, Case, Deadline, Event, iso
from docgen.places import township_in_text, township_of
from docgen.workspace import Workspace

SATISFIED = ("满意", "基本满意")
ANSWERED = ("满意", "基本满意", "不满意")
VISIT_CHANNEL = "来访"
UNKNOWN = "未注明"

# Deadline kinds for "the due date in force at closure": a handling period (交办, 复查/复核, or an
# extension of one, which the workflow folds into the period and basic_replay appends after it)
# replaces the routing deadline; deadlines are listed in the order they started.
_EXTENSION_MARK = "延期"
_ASSIGN_KINDS = ("交办办理期限", "办理期限")
_HANDLING_MARKS = ("交办办理期限", "办理期限", "复查复核期限", _EXTENSION_MARK)
_ROUTE_KINDS = ("转送交办期限",)


@dataclass
class CaseFigures:
    """What the statistics need to know about one case as of the day."""

    case: Case
    status: str
    closed: bool
    closed_date: dt.date | None
    due_date: dt.date | None        # in force at closure (closed cases only)
    satisfaction: str | None
    repeat: bool
    township: str | None

    @property
    def on_time(self) -> bool | None:
        if not self.closed or self.due_date is None or self.closed_date is None:
            return None
        return self.closed_date <= self.due_date


@dataclass
class Stats:
    total: int
    closed: int
    closure_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None
    by_channel: dict[str, int]
    by_category: dict[str, int]
    by_target: dict[str, int]
    by_township: dict[str, int]
    by_month: dict[str, int]
    repeat: int
    group_visits: int
    visitors: int
    visits: int
    period: dict[str, Any]
    # Numerators and denominators behind the rates, for the report (not part of --json).
    on_time: int = 0
    with_due: int = 0
    satisfied: int = 0
    answered: int = 0
    by_satisfaction: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    group_threshold: int = 5
    cases: list[CaseFigures] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "closed": self.closed,
            "closure_rate": self.closure_rate,
            "on_time_rate": self.on_time_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "by_channel": dict(self.by_channel),
            "by_category": dict(self.by_category),
            "by_target": dict(self.by_target),
            "by_township": dict(self.by_township),
            "by_month": dict(self.by_month),
            "repeat": self.repeat,
            "group_visits": self.group_visits,
            "visitors": self.visitors,
            "visits": self.visits,
            "period": dict(self.period),
        }


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- state of a case ----------------------------------------------------------------------------
def _workflow_available() -> bool:
    return importlib.util.find_spec("docgen.workflow") is not None


def due_in_force(deadlines: list[Deadline]) -> dt.date | None:
    """The due date a closure is measured against: the last handling period started (交办, or
    复查/复核, with any extension), else the routing deadline."""
    handling = [d for d in deadlines if any(k in d.kind for k in _HANDLING_MARKS)]
    if handling:
        return handling[-1].due_date
    route = [d for d in deadlines if d.kind in _ROUTE_KINDS]
    return route[-1].due_date if route else None


class _Rules:
    """Deadline profile and holiday calendar of the workspace, loaded once per computation."""

    def __init__(self, ws: Workspace):
        from docgen.deadlines import load_profiles, select_profile
        from docgen.holidays import HolidayCalendar

        self.calendar = HolidayCalendar.load([p for p in [ws.rule_file("holidays.toml")] if p])
        profiles = load_profiles([p for p in [ws.rule_file("deadline_profiles.toml")] if p])
        self.profile = select_profile(profiles, ws.section("deadlines").get("profile"))


_STATUS_AFTER = {"交办": "已交办", "转送": "已转送", "答复": "已答复", "直接答复": "已答复",
                 "告知": "已告知", "不予受理": "不予受理", "存档备查": "存档备查", "收到结果": "已报结果"}
_ROUTING_KINDS = {"交办", "转送", "答复", "直接答复", "告知", "不予受理", "存档备查", "办结"}
_REOPEN_KINDS = {"复查", "复核", "重新办理", "重办"}


def basic_replay(rules: _Rules, case: Case, events: list[Event]) -> CaseState:
    """The state the statistics need, read from the events alone; used when the workflow module
    (which owns the full replay) is not installed."""
    from docgen.deadlines import due_date, due_for

    route = due_for("route", case.received_date, rules.profile, rules.calendar).to_deadline("route")
    deadlines = [route]
    state = CaseState(status="已登记", deadlines=deadlines)
    for ev in events:
        if ev.kind in _ROUTING_KINDS:
            route.met = True
        state.status = _STATUS_AFTER.get(ev.kind, state.status)
        if ev.kind == "交办":
            days = ev.data.get("days")
            if days:
                due = due_date(ev.date, int(days), "calendar", rules.calendar, start_label="交办日")
            else:
                due = due_for("assign", ev.date, rules.profile, rules.calendar)
            deadlines.append(due.to_deadline("assign"))
        elif ev.kind == "延期":
            base = [d for d in deadlines if d.kind in _ASSIGN_KINDS or _EXTENSION_MARK in d.kind]
            days = int(ev.data.get("days") or 0)
            if base and days:
                start = max(d.due_date for d in base)
                due = due_date(start, days, "calendar", rules.calendar, start_label="原期限")
                deadlines.append(Deadline(kind="延期", due_date=due.date, explanation=due.explanation))
        elif ev.kind == "办结":
            state.status = STATUS_CLOSED
            state.closed_date = ev.date
            state.satisfaction = ev.data.get("satisfaction") or None
            state.result = ev.data.get("result") or ev.detail or None
            for d in deadlines:
                d.met = True
        elif ev.kind in _REOPEN_KINDS:
            state.status = "已登记"
            state.closed_date = None
            state.satisfaction = None
    return state


def case_state(ws: Workspace, case: Case, events: list[Event], as_of: dt.date,
               rules: _Rules | None = None) -> CaseState:
    """The case as of ``as_of`` through the workflow's replay, or ``basic_replay`` without it."""
    if _workflow_available():
        return state_of(ws, case, events, as_of)
    return basic_replay(rules or _Rules(ws), case, events)


def figures_of(ws: Workspace, case: Case, as_of: dt.date, *, repeat: bool,
               rules: _Rules | None = None) -> CaseFigures:
    events = ws.registry.events(case.id, as_of=as_of)
    state = case_state(ws, case, events, as_of, rules)
    closed = state.status == STATUS_CLOSED
    closed_date = state.closed_date if closed else None
    due = None
    if closed:
        # the deadlines in force at closure: replay only what had happened by then
        at_close = [e for e in events if closed_date is None or e.date <= closed_date]
        close_state = state if len(at_close) == len(events) else case_state(
            ws, case, at_close, closed_date or as_of, rules)
        due = due_in_force(close_state.deadlines)
    return CaseFigures(case=case, status=state.status, closed=closed, closed_date=closed_date, due_date=due,
                       satisfaction=state.satisfaction if closed else None, repeat=repeat,
                       township=township_for(case))


def township_for(case: Case) -> str | None:
    """The township a case counts under: the one set on the case (intake, edit, ledger), else
    the one in the petitioner's address, else the one the letter's text names."""
    return (case.township or township_of(case.petitioner.address)
            or township_in_text(case.text) or township_in_text(case.summary))


def repeat_case_ids(ws: Workspace) -> set[int]:
    """Cases linked as a repeat of an earlier case (earlier received, or same day and
    registered before)."""
    rows = ws.registry.conn.execute(
        "SELECT DISTINCT l.case_id FROM links l "
        "JOIN cases a ON a.id = l.case_id JOIN cases b ON b.id = l.other_id "
        "WHERE l.kind = 'repeat' AND l.case_id != l.other_id AND "
        "(b.received_date < a.received_date OR (b.received_date = a.received_date AND b.id < a.id))")
    return {r[0] for r in rows}


# --- the computation ------------------------------------------------------------------------------
def period_bounds(year: int | None, date_from: dt.date | None,
                  date_to: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """``--year`` and ``--from/--to`` combined into one received-date range (both inclusive)."""
    lo, hi = date_from, date_to
    if year:
        y_lo, y_hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
        lo = max(lo, y_lo) if lo else y_lo
        hi = min(hi, y_hi) if hi else y_hi
    return lo, hi


def _sorted_counts(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def compute_stats(ws: Workspace, year: int | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, as_of: dt.date | None = None) -> Stats:
    """The statistics of the cases received in the period, as they stood at the end of ``as_of``
    (default today)."""
    from docgen.errors import DocgenError

    as_of = as_of or dt.date.today()
    lo, hi = period_bounds(year, date_from, date_to)
    if lo and hi and lo > hi:
        raise DocgenError(f"统计期间有误：起始日 {lo} 晚于截止日 {hi}")
    clauses, params = ["received_date <= ?"], [as_of.isoformat()]
    if lo:
        clauses.append("received_date >= ?")
        params.append(lo.isoformat())
    if hi:
        clauses.append("received_date <= ?")
        params.append(hi.isoformat())
    cases = ws.registry.list_cases(where=" AND ".join(clauses), params=tuple(params))
    threshold = int(ws.section("visits").get("group_threshold", 5))
    repeats = repeat_case_ids(ws)
    rules = None if _workflow_available() else _Rules(ws)
    figures = [figures_of(ws, c, as_of, repeat=c.id in repeats, rules=rules) for c in cases]
    return aggregate(figures, threshold=threshold,
                     period={"year": year, "from": iso(lo), "to": iso(hi), "as_of": iso(as_of)})


def aggregate(figures: list[CaseFigures], *, threshold: int, period: dict[str, Any]) -> Stats:
    closed = [f for f in figures if f.closed]
    with_due = [f for f in closed if f.on_time is not None]
    on_time = [f for f in with_due if f.on_time]
    answered = [f for f in closed if f.satisfaction in ANSWERED]
    satisfied = [f for f in answered if f.satisfaction in SATISFIED]
    visits = [f.case for f in figures if f.case.channel == VISIT_CHANNEL]
    return Stats(
        total=len(figures),
        closed=len(closed),
        closure_rate=rate(len(closed), len(figures)),
        on_time_rate=rate(len(on_time), len(with_due)),
        satisfaction_rate=rate(len(satisfied), len(answered)),
        by_channel=_sorted_counts(Counter(f.case.channel for f in figures)),
        by_category=_sorted_counts(Counter(f.case.category or UNKNOWN for f in figures)),
        by_target=_sorted_counts(Counter(f.case.target or UNKNOWN for f in figures)),
        by_township=_sorted_counts(Counter(f.township or UNKNOWN for f in figures)),
        by_month=dict(sorted(Counter(f.case.received_date.strftime("%Y-%m") for f in figures).items())),
        repeat=sum(1 for f in figures if f.repeat),
        group_visits=sum(1 for c in visits if c.persons >= threshold),
        visitors=sum(c.persons for c in visits),
        visits=len(visits),
        period=period,
        on_time=len(on_time),
        with_due=len(with_due),
        satisfied=len(satisfied),
        answered=len(answered),
        by_satisfaction=_sorted_counts(Counter(f.satisfaction or "未填写" for f in closed)),
        by_status=_sorted_counts(Counter(f.status for f in figures)),
        group_threshold=threshold,
        cases=figures,
    )
