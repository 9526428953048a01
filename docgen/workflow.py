"""The case workflow: the steps a case goes through, their deadlines, and replaying them.

A case's history is its events. ``replay`` turns the events up to a day into the state of that
day (status, deadlines, closure, 档号); it is the truth for ``--as-of``. The case row keeps a
cache of the latest state (status, closed_date, result, satisfaction) so that plain queries stay
cheap; every command here rewrites that cache in the same transaction as its event.

The steps (docs/design.md §1, docs/standards.md §2)::

    登记 → 拟办 / 批示 → 交办 | 转送 | 答复 | 告知 | 不予受理 | 存档备查
         交办 → 收到结果 (via attach --kind 办理结果报告) → 办结 (满意/基本满意/不满意/未回访)
         延期 moves the 交办 deadline (capped by the profile); 复查 / 复核 reopen a closed case.

A command checks its event by replaying the history with the new event inserted at its date, in
strict mode from that event on: an illegal step (closing a closed case, routing a closed case,
extending past the cap, ...) raises ``DocgenError`` before anything is written. Replaying for
display is lenient: a step that makes no sense where it stands (an imported history, say) is
skipped rather than failing ``show``.

English names for the Chinese steps: 交办 = assign, 转送 = forward, 答复 = reply, 告知 = notify,
不予受理 = reject, 存档备查 = file, 延期 = extend, 催办 = remind, 督办 = supervise, 办结 = close.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen import case_state
from docgen import deadlines as dl
from docgen.casefile import CaseState
from docgen.date_limits import check_stored
from docgen.errors import DocgenError
from docgen.fileio import remove_file
from docgen.holidays import HolidayCalendar
from docgen.models import (
    FILE_ATTACHMENT,
    FILE_DOCUMENT,
    SATISFACTION,
    STATUS_ANSWERED,
    STATUS_ASSIGNED,
    STATUS_CLOSED,
    STATUS_FILED,
    STATUS_FORWARDED,
    STATUS_NOTIFIED,
    STATUS_REGISTERED,
    STATUS_REJECTED,
    STATUS_REPORTED,
    Case,
    Deadline,
    Event,
    StoredFile,
    iso,
)
from docgen.registration import keep_index_current
from docgen.workspace import Workspace

# --- event kinds (Event.kind, Chinese as clerks write them) -----------------------------------
EV_REGISTER = "登记"
EV_PROPOSAL = "拟办"
EV_INSTRUCTION = "批示"
EV_ASSIGN = "交办"
EV_FORWARD = "转送"
EV_REPLY = "答复"
EV_NOTIFY = "告知"
EV_REJECT = "不予受理"
EV_FILE = "存档备查"
EV_RESULT = "收到结果"
EV_ATTACH = "附件"
EV_EXTEND = "延期"
EV_CLOSE = "办结"
EV_REVIEW = "复查"
EV_RECHECK = "复核"
EV_REMIND = "催办"
EV_SUPERVISE_LETTER = "督办"
EV_SUPERVISE = "重点督办"
EV_FLAG = "标记"
EV_ARCHIVE = "归档"
EV_DOCUMENT = "文书"            # a document of the case written (docgen letter, a reprint)

# Documents the workflow writes by name.
NOTICE_KIND = "告知书"
SLIP_KINDS = {"来信": "来信登记处理单", "来访": "来访接待登记表"}   # by channel; others: 来信
NOTICE_FOR_ROUTE = {"交办": "受理", "转送": "转送告知"}
NOTICE_TYPES = ("受理", "不予受理", "转送告知")

# Routing decisions and the status each leads to.
ROUTE_STATUS = {
    EV_ASSIGN: STATUS_ASSIGNED,
    EV_FORWARD: STATUS_FORWARDED,
    EV_REPLY: STATUS_ANSWERED,
    EV_NOTIFY: STATUS_NOTIFIED,
    EV_REJECT: STATUS_REJECTED,
    EV_FILE: STATUS_FILED,
}
ROUTE_MODES = (EV_ASSIGN, EV_FORWARD)
REVIEW_KINDS = (EV_REVIEW, EV_RECHECK)

# Kinds of material ``attach`` accepts; a result report marks the 交办 as answered.
ATTACH_RESULT = "办理结果报告"
ATTACH_KINDS = (ATTACH_RESULT, "答复意见", "其他")

FLAG_SUPERVISED = "重点督办"
FLAGS = ("重复信访", "越级", "集体访", "涉法涉诉", FLAG_SUPERVISED, "积案")

NATURE_ACCUSATION = "检举控告"      # docgen.orgs.NATURE_ACCUSATION

# Deadline kinds as shown (models.Deadline.kind).
DL_ROUTE = dl.STEP_KINDS["route"]      # 转送交办期限
DL_ASSIGN = dl.STEP_KINDS["assign"]    # 交办办理期限
DL_REVIEW = dl.STEP_KINDS["review"]    # 复查复核期限
DL_NOTICE = dl.STEP_KINDS["notify"]    # 告知期限

# The 告知期限 (docs/standards.md §2: written notice to the petitioner within 15 days of receipt, not for
# anonymous letters or unknown addresses) is shown with every case's deadlines, but by default
# it does not count for ``due_date``, ``overdue`` or ``list --overdue/--due-within``. docs/cli.md
# defines those as the routing deadline, the 交办 result and extensions, and says a 转送 has no
# open deadline on the office's side; a notice still open after a 转送 (or a 交办, whose 60-day
# date would be hidden behind the 15-day notice) would contradict that. An office that wants the
# notice chased sets ``[deadlines] track_notice = true`` in docgen.toml.
#
# What a clerk counts as the notice given: the 告知 or 不予受理 decision (the petitioner is told,
# with or without the 告知书 docgen writes), a 直接答复 (the written answer says more than an
# acceptance notice would), a 告知书 written for the case (``docgen letter 告知书``), a routing
# recorded with its notice (``transfer --notify``), closing the case, and for a visit an answer
# given on the spot. A 交办/转送 without a notice, or 存档备查, leaves it open.
NOTICE_MEETS = (EV_NOTIFY, EV_REJECT, EV_REPLY)

FAR_FUTURE = dt.date.max


# --- rules: profile and holiday calendar, cached per workspace --------------------------------

@dataclass
class Rules:
    profile: dl.Profile
    calendar: HolidayCalendar
    track_notice: bool = False       # [deadlines] track_notice: the 告知期限 counts as overdue
    _dues: dict[tuple, dl.Due] = field(default_factory=dict, repr=False)

    def due(self, start: dt.date, step: dl.Step, label: str) -> dl.Due:
        """``deadlines.due_date`` remembered: a list of thousands of cases shares few dates."""
        key = (start, step.days, step.unit, label)
        due = self._dues.get(key)
        if due is None:
            due = self._dues[key] = dl.due_date(start, step.days, step.unit, self.calendar,
                                                start_label=label)
        # A copy, because an extension replaces the period's Due with a longer one.
        return replace(due, warnings=list(due.warnings))


_RULES_CACHE: dict[tuple, Rules] = {}
_RULE_NAMES = ("holidays.toml", "deadline_profiles.toml")


def _mtime(path: str) -> int | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns if stat.S_ISREG(st.st_mode) else None


def rules_for(ws: Workspace) -> Rules:
    """The workspace's deadline profile and holiday calendar (shipped data + ``rules/`` files).

    Cached by the files' modification times, so editing a rule file recomputes open deadlines
    on the next call while ``list`` over thousands of cases reads the files once.
    """
    section = ws.section("deadlines")
    name = section.get("profile") or dl.DEFAULT_PROFILE
    track_notice = section.get("track_notice") is True
    paths = [os.path.join(ws.rules_dir, n) for n in _RULE_NAMES]
    mtimes = [_mtime(p) for p in paths]
    key = (str(ws.root), name, track_notice, *mtimes)
    rules = _RULES_CACHE.get(key)
    if rules is None:
        holidays, profiles_file = (Path(p) if m is not None else None for p, m in zip(paths, mtimes, strict=True))
        calendar = HolidayCalendar.load([holidays] if holidays else [])
        profiles = dl.load_profiles([profiles_file] if profiles_file else [])
        rules = Rules(profile=dl.select_profile(profiles, name), calendar=calendar,
                      track_notice=track_notice)
        _RULES_CACHE[key] = rules
    return rules


# --- the state machine ------------------------------------------------------------------------

# Said with every deadline of a case brought in from an old ledger (docgen.reports.ledger): it
# runs from the ledger's dates, and what happened after the ledger was written is not known.
IMPORTED_DEADLINE = "（台账导入：按台账所载日期计算；台账之后的办理情况未登记，请补记或办结）"

@dataclass
class _Assignment:
    """The current 交办 (or 复查/复核) period and its extensions."""

    step: dl.Step
    due: dl.Due
    kind: str                      # Deadline kind: 交办办理期限 / 复查复核期限
    extended: int = 0
    deadline: Deadline | None = None

    def refresh(self) -> None:
        if self.deadline is None:
            self.deadline = self.due.to_deadline(self.kind)
        else:
            self.deadline.due_date = self.due.date
            self.deadline.explanation = self.due.full_explanation()


@dataclass
class _Machine:
    """Replays events one by one; ``strict`` turns a senseless step into a DocgenError."""

    case: Case
    rules: Rules
    status: str = STATUS_REGISTERED
    deadlines: list[Deadline] = field(default_factory=list)
    route_deadline: Deadline | None = None
    notice_deadline: Deadline | None = None
    assignment: _Assignment | None = None
    route_mode: str | None = None
    route_event: Event | None = None      # the routing in force (its data names the body)
    closed_date: dt.date | None = None
    satisfaction: str | None = None
    result: str | None = None
    archive_no: str | None = None
    status_before_close: str | None = None
    reviews: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    strict: bool = False

    def __post_init__(self) -> None:
        step = self.rules.profile.steps.get("route")
        if step is not None:
            due = self.rules.due(self.case.received_date, step, dl.START_LABELS["route"])
            self.route_deadline = due.to_deadline(DL_ROUTE)
            if (self.case.extra or {}).get("ledger_file"):
                self.route_deadline.explanation += IMPORTED_DEADLINE
            self.deadlines.append(self.route_deadline)
            self.warnings += due.warnings
        self._start_notice()

    def _start_notice(self) -> None:
        step = self.rules.profile.steps.get("notify")
        if step is None or notice_obstacle(self.case) is not None:
            return      # no written notice is owed to an anonymous or addressless petitioner
        due = self.rules.due(self.case.received_date, step, dl.START_LABELS["notify"])
        d = due.to_deadline(DL_NOTICE)
        d.explanation = "书面告知信访人是否受理：" + d.explanation
        if not self.rules.track_notice:
            d.explanation += "（仅作提示，不计入到期和超期；如需计入，在 docgen.toml 的 [deadlines] " \
                             "中设 track_notice = true）"
        visit = (self.case.extra or {}).get("visit") or {}
        if self.case.channel == "来访" and isinstance(visit, dict) and str(visit.get("answer") or "").strip():
            d.met = True
            d.explanation += "；来访时已当场答复"
        self.notice_deadline = d
        self.deadlines.append(d)

    def _notice_given(self) -> None:
        if self.notice_deadline is not None:
            self.notice_deadline.met = True

    @property
    def closed(self) -> bool:
        return self.status == STATUS_CLOSED

    def state(self) -> CaseState:
        return CaseState(status=self.status, deadlines=self.deadlines, closed_date=self.closed_date,
                         satisfaction=self.satisfaction, result=self.result,
                         archive_no=self.archive_no,
                         untracked=frozenset() if self.rules.track_notice else frozenset({DL_NOTICE}))

    # -- one event ---------------------------------------------------------------------------
    def apply(self, ev: Event, strict: bool) -> None:
        handler = _HANDLERS.get(ev.kind)
        if handler is None:
            return
        self.strict = strict
        try:
            handler(self, ev)
        except _Illegal as exc:
            if strict:
                raise DocgenError(str(exc)) from None

    def _not_closed(self, what: str) -> None:
        if self.closed:
            raise _Illegal(f"案件 {self.case.case_no} 已于 {self.closed_date} 办结，不能{what}"
                           "（如需复查、复核，请先用 docgen reopen 重新办理）")

    def on_route(self, ev: Event) -> None:
        self._not_closed(ev.kind)
        if ev.kind in ROUTE_MODES and not str(ev.data.get("to") or "").strip():
            raise _Illegal(f"{ev.kind}需要指明承办单位（--to）")
        if self.route_deadline is not None:
            self.route_deadline.met = True
        if ev.kind in NOTICE_MEETS or ev.data.get("notice_doc_no"):
            self._notice_given()
        # A new routing replaces an earlier one that is still running (e.g. a body objected to a
        # misrouted matter): the earlier 交办 period is no longer open on the office's side.
        if self.assignment is not None and self.assignment.deadline and not self.assignment.deadline.met:
            self.assignment.deadline.met = True
            self.assignment.deadline.explanation += f"；{ev.date} 改为{ev.kind}，本期限不再计"
        self.assignment = None
        self.route_mode = ev.kind
        self.route_event = ev
        self.status = ROUTE_STATUS[ev.kind]
        if ev.kind == EV_ASSIGN:
            base = self.rules.profile.step("assign")
            days = ev.data.get("days") or base.days
            step = replace(base, days=int(days))
            due = self.rules.due(ev.date, step, dl.START_LABELS["assign"])
            self._start_period(step, due, DL_ASSIGN)
            if ev.data.get("imported"):
                self.assignment.deadline.explanation += IMPORTED_DEADLINE

    def _start_period(self, step: dl.Step, due: dl.Due, kind: str) -> None:
        self.assignment = _Assignment(step=step, due=due, kind=kind)
        self.assignment.refresh()
        self.deadlines.append(self.assignment.deadline)
        self.warnings += [w for w in due.warnings if w not in self.warnings]

    def on_result(self, ev: Event) -> None:
        if self.closed:
            return      # late material for a closed case: kept, changes nothing
        if self.assignment is not None and self.assignment.deadline:
            self.assignment.deadline.met = True
        self.status = STATUS_REPORTED

    def on_extend(self, ev: Event) -> None:
        self._not_closed("延期")
        a = self.assignment
        if a is None:
            raise _Illegal(f"案件 {self.case.case_no} 没有正在计算的交办期限（{self.status}），不能延期")
        if a.deadline is not None and a.deadline.met:
            raise _Illegal(f"案件 {self.case.case_no} 已收到办理结果，无需延期")
        days = int(ev.data.get("days") or 0)
        try:
            a.due = dl.extend(a.due, days, a.step, already_extended=a.extended)
        except DocgenError as exc:
            if self.strict or days < 1:
                raise _Illegal(f"案件 {self.case.case_no} 不能延期：{exc}") from None
            # Granted under an earlier, looser rule file: the extension stands as recorded.
            step = replace(a.step, extension_max=a.extended + days)
            a.due = dl.extend(a.due, days, step, already_extended=a.extended)
            a.due.explanation += "（超过现行规则的延期上限）"
        a.extended += days
        a.refresh()

    def on_close(self, ev: Event) -> None:
        if self.closed:
            raise _Illegal(f"案件 {self.case.case_no} 已于 {self.closed_date} 办结，不能重复办结")
        self.status_before_close = self.status
        self.status = STATUS_CLOSED
        self.closed_date = ev.date
        self.result = ev.data.get("result") or ev.detail or None
        self.satisfaction = ev.data.get("satisfaction")
        for d in self.deadlines:
            d.met = True

    def on_reopen(self, ev: Event) -> None:
        if not self.closed:
            raise _Illegal(f"案件 {self.case.case_no} 尚未办结（{self.status}），不能{ev.kind}")
        if EV_RECHECK in self.reviews:
            raise _Illegal(f"案件 {self.case.case_no} 已经复核，同一事项不再受理复查、复核")
        if ev.kind == EV_REVIEW and EV_REVIEW in self.reviews:
            raise _Illegal(f"案件 {self.case.case_no} 已经复查过，再次请求应为复核")
        if ev.kind == EV_RECHECK and EV_REVIEW not in self.reviews:
            raise _Illegal(f"案件 {self.case.case_no} 尚未复查，不能直接复核")
        self.reviews.append(ev.kind)
        self.status = self.status_before_close or STATUS_REGISTERED
        self.closed_date = None
        self.result = None
        self.satisfaction = None
        step = self.rules.profile.steps.get("review")
        if step is not None:
            due = self.rules.due(ev.date, step, f"{ev.kind}申请日")
            self._start_period(step, due, DL_REVIEW)

    def on_follow_up(self, ev: Event) -> None:
        self._not_closed(ev.kind)
        if self.assignment is None or self.assignment.kind != DL_ASSIGN:
            raise _Illegal(f"案件 {self.case.case_no} 没有交办，不能{ev.kind}")

    def on_note(self, ev: Event) -> None:
        if ev.kind in (EV_PROPOSAL, EV_INSTRUCTION):
            self._not_closed(f"再作{ev.kind}")

    def on_archive(self, ev: Event) -> None:
        self.archive_no = ev.data.get("archive_no") or self.archive_no

    def on_document(self, ev: Event) -> None:
        if ev.data.get("kind") == NOTICE_KIND:
            self._notice_given()


class _Illegal(Exception):
    """A step that cannot happen where the case stands."""


_HANDLERS: dict[str, Callable[[_Machine, Event], None]] = {
    **{k: _Machine.on_route for k in ROUTE_STATUS},
    EV_RESULT: _Machine.on_result,
    EV_EXTEND: _Machine.on_extend,
    EV_CLOSE: _Machine.on_close,
    EV_REVIEW: _Machine.on_reopen,
    EV_RECHECK: _Machine.on_reopen,
    EV_REMIND: _Machine.on_follow_up,
    EV_SUPERVISE_LETTER: _Machine.on_follow_up,
    EV_PROPOSAL: _Machine.on_note,
    EV_INSTRUCTION: _Machine.on_note,
    EV_ARCHIVE: _Machine.on_archive,
    EV_DOCUMENT: _Machine.on_document,
}


def _ordered(events: Iterable[Event]) -> list[Event]:
    # An event not yet stored (id None) comes after the stored ones of its day: it is typed last.
    return sorted(events, key=lambda e: (e.date, e.id if e.id is not None else math.inf))


def _machine(ws: Workspace, case: Case, events: Iterable[Event], as_of: dt.date,
             strict_event: Event | None = None) -> _Machine:
    m = _Machine(case=case, rules=rules_for(ws))
    events = list(events)
    imported = imported_closure(case, events)
    if imported is not None:
        events.append(imported)
    strict = False
    for ev in _ordered(events):
        if ev.date > as_of:
            break
        if ev is strict_event:
            strict = True
        try:
            m.apply(ev, strict)
        except DocgenError as exc:
            if ev is strict_event:
                raise
            raise DocgenError(f"与 {ev.date} 的“{ev.kind}”记录冲突：{exc}") from None
    return m


def imported_closure(case: Case, events: list[Event]) -> Event | None:
    """A case brought in closed (an old ledger) without a 办结 event: its closure as an event,
    dated ``closed_date``, so that replay and reopening treat it like any other."""
    if case.status != STATUS_CLOSED or case.closed_date is None:
        return None
    if any(e.kind == EV_CLOSE for e in events):
        return None
    return Event(case_id=case.id or 0, kind=EV_CLOSE, date=case.closed_date,
                 detail=f"{case.result or '办结'}（据登记库记录）", id=-1,
                 data={"result": case.result, "satisfaction": case.satisfaction, "imported": True})


def replay(ws: Workspace, case: Case, events: list[Event], as_of: dt.date | None = None) -> CaseState:
    """The state of ``case`` at the end of ``as_of`` (default: with every event), from its events."""
    return _machine(ws, case, events, as_of or FAR_FUTURE).state()


# What the commands below cache in ``case.extra`` for the letters; ``extra_as_of`` rebuilds it
# from the events of a past day so that ``--as-of`` never shows a later routing.
_CACHED_EXTRA = ("route_to", "route_mode", "route_date", "route_doc_no", "due_date", "route_days",
                 "extensions", "contact", "proposal", "instruction", "instruction_leader",
                 "supervisor", "responsible", "doc_numbers", "archive_path", "archive")


def extra_as_of(case: Case, events: Iterable[Event]) -> dict[str, Any]:
    """``case.extra`` as it stood after ``events`` (those dated up to an ``--as-of`` day)."""
    extra = {k: v for k, v in case.extra.items() if k not in _CACHED_EXTRA}
    for e in _ordered(events):
        d = e.data
        if e.kind in ROUTE_MODES:
            for key in ("route_doc_no", "due_date", "contact", "extensions"):
                extra.pop(key, None)
            extra.update({"route_to": d.get("to"), "route_mode": e.kind, "route_date": iso(e.date)})
            extra.update({k: d[src] for k, src in (("route_doc_no", "doc_no"), ("due_date", "due_date"),
                                                   ("contact", "contact")) if d.get(src)})
        elif e.kind in (EV_REPLY, EV_NOTIFY, EV_REJECT, EV_FILE):
            for key in ("route_to", "route_doc_no", "due_date", "route_days"):
                extra.pop(key, None)
            extra.update({"route_mode": e.kind, "route_date": iso(e.date)})
        elif e.kind == EV_EXTEND:
            extra.setdefault("extensions", []).append(
                {"date": iso(e.date), "days": d.get("days"), "reason": d.get("reason")})
            if d.get("due_date") and extra.get("route_mode") == EV_ASSIGN:
                extra["due_date"] = d["due_date"]
        elif e.kind == EV_PROPOSAL:
            extra["proposal"] = d.get("proposal")
        elif e.kind == EV_INSTRUCTION:
            extra["instruction"] = d.get("instruction")
            if d.get("leader"):
                extra["instruction_leader"] = d["leader"]
        elif e.kind == EV_SUPERVISE:
            extra.update({"supervisor": d.get("supervisor"), "responsible": d.get("responsible")})
        elif e.kind == EV_ARCHIVE:
            for key in ("archive_path", "archive"):
                if key in case.extra:
                    extra[key] = case.extra[key]
    return extra


# --- recording a step -------------------------------------------------------------------------

@dataclass
class Outcome:
    """What a command did to one case: the event, the state after it, files written."""

    case: Case
    state: CaseState
    event: Event
    files: list[StoredFile] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "case_no": self.case.case_no,
            "status": self.state.status,
            "due_date": iso(self.state.due_date),
            "deadlines": [{**d.to_json(), "tracked": d.kind not in self.state.untracked}
                          for d in self.state.deadlines],
            "closed_date": iso(self.state.closed_date),
            "satisfaction": self.state.satisfaction,
            "result": self.state.result,
            "flags": list(self.case.flags),
            "event": self.event.to_json(),
            "files": [str(p) for p in self.paths],
            "stored_files": [f.to_json() for f in self.files],
            "warnings": list(self.warnings),
        }

    def to_text(self) -> str:
        lines = [f"{self.case.case_no}：{self.event.kind}（{self.event.date}）{self.event.detail}".rstrip(),
                 f"  状态：{self.state.status}"]
        for d in self.state.open_deadlines:
            lines.append(f"  期限：{d.kind} {d.due_date} — {d.explanation}")
        for p in self.paths:
            lines.append(f"  已写入：{p}")
        return "\n".join(lines)


class _Step:
    """The context a command's body works in, inside the registry transaction."""

    def __init__(self, ws: Workspace, case: Case, events: list[Event], on: dt.date):
        self.ws = ws
        self.case = case
        self.events = events
        self.on = on
        self.files: list[StoredFile] = []
        self.paths: list[Path] = []
        self.written: list[Path] = []
        self.warnings: list[str] = []
        self.documents: list = []          # workflow_documents.WrittenDocument written here

    def state_before(self) -> CaseState:
        return replay(self.ws, self.case, self.events, self.on)

    def store_file(self, f: StoredFile, path: Path, *, written: bool = True) -> None:
        self.files.append(f)
        self.paths.append(path)
        if written:
            self.written.append(path)


def _record(ws: Workspace, case_no: str, event: Event,
            body: Callable[[_Step], None] | None = None) -> Outcome:
    """Check ``event`` against the case's history, run ``body`` (writes files, edits the case),
    store the event and the refreshed state cache — all in one transaction. On any error the
    transaction rolls back and the files written are removed: nothing is half-done."""
    reg = ws.registry
    step: _Step | None = None
    try:
        with reg.transaction():
            case = reg.get_case(case_no)
            event.case_id = case.id
            check_stored(event.date, f"{event.kind}日期")
            if event.date < case.received_date and event.kind != EV_REGISTER:
                raise DocgenError(f"日期 {event.date} 早于案件 {case.case_no} 的收到日期 "
                                  f"{case.received_date}")
            events = reg.events(case.id)
            _machine(ws, case, [*events, event], FAR_FUTURE, strict_event=event)
            step = _Step(ws, case, events, event.date)
            if body is not None:
                body(step)
            reg.add_event(event)
            documents = {id(d.stored): d for d in step.documents}
            for f in step.files:
                doc = documents.get(id(f))
                if doc is not None:
                    from docgen.workflow_documents import register_document

                    f.case_id = case.id
                    register_document(ws, doc)
                elif f.id is None:
                    f.case_id = case.id
                    reg.add_file(f)
            derived = case_state.derive(ws, case, [*events, event])
            latest = derived.state
            case.status = latest.status
            case.closed_date = latest.closed_date
            case.result = latest.result
            case.satisfaction = latest.satisfaction
            reg.update_case(case)
            # the lists read this row: rewritten with the event, in its transaction
            case_state.store(ws, case, derived)
    except BaseException:
        for p in step.written if step else ():
            remove_file(Path(p))
        raise
    if step.documents:
        from docgen.workflow_documents import drop_replaced

        drop_replaced(ws, step.documents)
    keep_index_current(ws, case)
    state = replay(ws, case, [*events, event], event.date)
    return Outcome(case=case, state=state, event=event, files=step.files, paths=step.paths,
                   warnings=step.warnings)


def _event(kind: str, on: dt.date | None, detail: str, by: str | None,
           data: dict[str, Any] | None = None) -> Event:
    return Event(case_id=0, kind=kind, date=on or dt.date.today(), detail=detail,
                 actor=(by or "").strip() or None, data=data or {})


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DocgenError(f"{what}不能为空")
    return text


# --- commands as library functions -------------------------------------------------------------

def decide(ws: Workspace, case_no: str, *, proposal: str | None = None,
           instruction: str | None = None, leader: str | None = None,
           on: dt.date | None = None, by: str | None = None, slip: bool = False) -> Outcome:
    """Record the 拟办意见 (proposal) or the leader's 批示 (instruction).

    The processing slip carries both boxes, so a slip the case already has (来信登记处理单, or
    the 来访接待登记表 of a visit) is rewritten with them, replacing the earlier version;
    ``slip`` writes it when the case has none yet.
    """
    if (proposal is None) == (instruction is None):
        raise DocgenError("请给出 --proposal（拟办意见）或 --instruction（领导批示）中的一项")
    if proposal is not None:
        text = _text(proposal, "拟办意见")
        event = _event(EV_PROPOSAL, on, text, by, {"proposal": text})
        key = "proposal"
    else:
        text = _text(instruction, "领导批示")
        leader = (leader or "").strip() or None
        event = _event(EV_INSTRUCTION, on, f"{leader}批示：{text}" if leader else text,
                       by or leader, {"instruction": text, "leader": leader})
        key = "instruction"

    def body(s: _Step) -> None:
        s.case.extra[key] = text
        if key == "instruction" and leader:
            s.case.extra["instruction_leader"] = leader
        have = {f.kind for f in s.ws.registry.files(s.case.id) if f.role == FILE_DOCUMENT}
        kinds = [k for k in dict.fromkeys(SLIP_KINDS.values()) if k in have]
        if slip and not kinds:
            kinds = [slip_kind(s.case)]
        for kind in kinds:
            doc = _write_letter(s, kind, {})
            if doc is not None:
                event.data.setdefault("documents", []).append(kind)

    return _record(ws, case_no, event, body)


def slip_kind(case: Case) -> str:
    """The processing slip of a case: 来访接待登记表 for a visit, else 来信登记处理单."""
    return SLIP_KINDS.get(case.channel, SLIP_KINDS["来信"])


def accuses(case: Case, org: str) -> bool:
    """Whether routing body ``org`` is, lies in or contains a body a 检举控告 case accuses
    (docs/cli.md §8; ``docgen.orgs.routing_conflict`` says which and how)."""
    from docgen.orgs import routing_conflict

    return routing_conflict(case, org) is not None


def _accused_check(s: _Step, event: Event, org: str, what: str, confirm: bool,
                   warn: Callable[[str], None] | None) -> None:
    """Refuse to send a 检举控告 case's material to a body it accuses unless ``confirm``; the
    warning is said once: in the refusal, or (confirmed) to ``warn`` or in the outcome's
    warnings."""
    from docgen.orgs import routing_conflict

    conflict = routing_conflict(s.case, org)
    if conflict is None:
        return
    message = conflict.message(s.case, what)
    if not confirm:
        raise DocgenError(f"{message}；确需{what}请加 --confirm")
    event.data.update({"confirmed_accused": True, "accused": conflict.accused.name,
                       "accused_relation": conflict.relation})
    event.detail += "（检举控告件，经确认交被反映单位）"
    if warn is not None:
        warn(message)
    else:
        s.warnings.append(message)


def transfer(ws: Workspace, case_no: str, *, to: str, mode: str = EV_ASSIGN,
             days: int | None = None, contact: str | None = None, confirm: bool = False,
             on: dt.date | None = None, by: str | None = None,
             warn: Callable[[str], None] | None = None, letter: bool = True,
             notify: bool = False) -> Outcome:
    """Route a case to the body in charge (交办 with a deadline, or 转送) and write the letter.

    A 检举控告 case sent to the body it accuses — that body, one inside it or one containing
    it, by organisation (``docgen.orgs``), not by substring — is refused unless ``confirm``
    (docs/cli.md §8); the refusal carries the warning, and a confirmed routing gives it to ``warn``
    when given, else in ``Outcome.warnings`` (once either way). ``letter=False`` records the routing without
    writing the 交办函/转送函 (history brought in from a ledger, bulk fixtures). ``notify``
    also writes the 告知书 to the petitioner (转送告知 for a 转送, 受理 for a 交办) unless the
    petitioner is anonymous or has no address; such a routing meets the 告知期限.
    """
    if mode not in ROUTE_MODES:
        raise DocgenError(f"办理方式应为 {'或'.join(ROUTE_MODES)}（实际为 {mode}）")
    org = (to or "").strip()
    if not org:
        raise DocgenError(f"{mode}需要指明承办单位：--to 不能为空")
    if days is not None and (isinstance(days, bool) or int(days) < 1):
        raise DocgenError(f"办理期限天数应为正整数（实际为 {days}）")
    if days is not None and mode != EV_ASSIGN:
        raise DocgenError("--days 只用于交办（转送不设本机关的办理期限）")
    data: dict[str, Any] = {"to": org, "mode": mode}
    if days is not None:
        data["days"] = int(days)
    if contact:
        data["contact"] = contact.strip()
    event = _event(mode, on, f"{mode}{org}", by, data)

    def body(s: _Step) -> None:
        case = s.case
        _accused_check(s, event, org, mode, confirm, warn)
        state = replay(s.ws, case, [*s.events, event], event.date)
        due = next((d for d in state.open_deadlines if d.kind == DL_ASSIGN), None) \
            if mode == EV_ASSIGN else None
        case.extra.update({"route_to": org, "route_mode": mode, "route_date": iso(event.date)})
        case.extra.pop("route_doc_no", None)
        # ``due_date`` is the key docgen.letters reads when a letter is written again later.
        if due:
            case.extra["due_date"] = iso(due.due_date)
        else:
            case.extra.pop("due_date", None)
        case.extra["route_days"] = data.get("days") or (rules_for(s.ws).profile.step("assign").days
                                                        if mode == EV_ASSIGN else None)
        case.extra["extensions"] = []
        if contact:
            # ``contact`` is the key docgen.letters reads; it stays for the 催办函 that may follow.
            case.extra["contact"] = contact.strip()
        kind = "交办函" if mode == EV_ASSIGN else "转送函"
        doc = _write_letter(s, kind, {"deadline": due}) if letter else None
        if doc is not None and doc.doc_no:
            case.extra["route_doc_no"] = doc.doc_no
            event.data["doc_no"] = doc.doc_no
        if due is not None:
            event.data["due_date"] = iso(due.due_date)
        if notify:
            _write_notice(s, event, NOTICE_FOR_ROUTE[mode],
                          {"route_to": org, "route_mode": mode, "route_date": event.date})

    return _record(ws, case_no, event, body)


def notice_obstacle(case: Case) -> str | None:
    """Why no written notice can go to the petitioner (docs/standards.md §2: not for anonymous letters
    or unknown addresses), or None."""
    p = case.petitioner
    if not (p.name or "").strip():
        return "信访人匿名"
    if not (p.address or "").strip():
        return "信访人住址不详"
    return None


def _write_notice(s: _Step, event: Event, notice_type: str, context: dict[str, Any]) -> None:
    """Write the 告知书 of ``notice_type`` with ``event``, or note why none can be sent; the
    event is recorded either way."""
    why = notice_obstacle(s.case)
    if why:
        s.warnings.append(f"{why}，未写告知书（{event.kind}照常记录）")
        event.data["notice_skipped"] = why
        return
    doc = _write_letter(s, NOTICE_KIND, {**context, "notice_type": notice_type})
    if doc is not None:
        event.data["notice_type"] = notice_type
        event.data["notice_doc_no"] = doc.doc_no


# The 告知书 a decision writes by default: 告知 tells the petitioner the matter is accepted (the
# written notice of docs/standards.md §2), 不予受理 that it is not; 答复 and 存档备查 write none.
_DECISION_NOTICE = {EV_NOTIFY: "受理", EV_REJECT: "不予受理"}


def _decision(kind: str, field_name: str):
    def run(ws: Workspace, case_no: str, text: str | None = None, *, on: dt.date | None = None,
            by: str | None = None, notice: str | bool | None = None,
            to: str | None = None) -> Outcome:
        detail = (text or "").strip()
        if kind in (EV_REPLY, EV_REJECT) and not detail:
            raise DocgenError(f"{kind}需要写明{'答复内容（--text）' if kind == EV_REPLY else '理由（--reason）'}")
        notice_type = _DECISION_NOTICE.get(kind) if notice in (None, True) else (notice or None)
        if notice_type is not None and notice_type not in NOTICE_TYPES:
            raise DocgenError(f"告知书类型应为 受理、不予受理 或 转送告知（实际为 {notice_type}）")
        elsewhere = (to or "").strip() or None
        data: dict[str, Any] = {field_name: detail} if detail else {}
        if elsewhere:
            data["to"] = elsewhere
        event = _event(kind, on, detail, by, data)

        def body(s: _Step) -> None:
            s.case.extra.update({"route_mode": kind, "route_date": iso(event.date)})
            for key in ("route_to", "route_doc_no", "due_date", "route_days"):
                s.case.extra.pop(key, None)
            if notice_type:
                context: dict[str, Any] = {"route_to": elsewhere or ""}
                if kind == EV_REJECT:
                    context["reason"] = detail
                _write_notice(s, event, notice_type, context)

        return _record(ws, case_no, event, body)

    run.__doc__ = (f"Record the routing decision {kind}." + (
        f" Writes the 告知书 ({_DECISION_NOTICE[kind]}; ``notice`` picks another variant, False "
        "none) unless the petitioner is anonymous or has no address; ``to`` names the body the "
        "petitioner is referred to." if kind in _DECISION_NOTICE else ""))
    return run


reply = _decision(EV_REPLY, "text")            # 直接答复
notify = _decision(EV_NOTIFY, "text")          # 告知 (writes the 受理 告知书)
reject = _decision(EV_REJECT, "reason")        # 不予受理 (writes the 不予受理 告知书)
file_away = _decision(EV_FILE, "text")         # 存档备查

DECISIONS: dict[str, Callable[..., Outcome]] = {
    EV_REPLY: reply, EV_NOTIFY: notify, EV_REJECT: reject, EV_FILE: file_away,
}


def attach(ws: Workspace, case_no: str, paths: list[Path], *, kind: str = "其他",
           on: dt.date | None = None, by: str | None = None, note: str | None = None) -> Outcome:
    """Store received material byte-for-byte with its SHA-256; a 办理结果报告 marks the 交办's
    result as received."""
    from docgen.fileio import copy_to_free_name, safe_filename, sha256_file

    if kind not in ATTACH_KINDS:
        raise DocgenError(f"材料类别应为 {'、'.join(ATTACH_KINDS)} 之一（实际为 {kind}）")
    if not paths:
        raise DocgenError("请给出要附加的文件")
    sources = []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise DocgenError(f"文件不存在或不是普通文件：{p}")
        if p.stat().st_size == 0:      # §5: an empty file is refused, nothing stored
            raise DocgenError(f"文件 {p.name} 是空文件（0 字节），未附加")
        sources.append(p)
    from docgen.archive.formats import material_problem

    # §5: mislabelled, corrupt or encrypted material is kept as received, but said now, not
    # first by verify after archiving
    notes = [f"{m}；已按原样附加，归档检测将报告可用性问题" for m in map(material_problem, sources) if m]
    names = "、".join(p.name for p in sources)
    ev_kind = EV_RESULT if kind == ATTACH_RESULT else EV_ATTACH
    event = _event(ev_kind, on, f"{kind}：{names}" + (f"（{note.strip()}）" if note and note.strip() else ""),
                   by, {"kind": kind, "files": [p.name for p in sources]})
    from docgen.index.service import extract_attachment_text, write_text_sidecar

    # Read once, here and outside the transaction (a scan is OCRed: seconds a page); the search
    # index then reads the kept text and never OCRs during a rebuild.
    texts = [extract_attachment_text(p) for p in sources]

    def body(s: _Step) -> None:
        s.warnings += notes
        folder = ws.case_dir(s.case.case_no) / "attachments"
        taken = {f.path for f in ws.registry.files(s.case.id)}
        digests = []
        for src, text in zip(sources, texts, strict=True):
            name = safe_filename(src.name, "附件")
            before = sha256_file(src)
            # a free name, never a file on disk (even one the registry does not know)
            target = copy_to_free_name(src, folder, name, taken, ws.root)
            s.written.append(target)
            digest = sha256_file(target)
            if digest != before:
                raise DocgenError(f"复制 {src} 时文件发生变化，请重试")
            rel = target.relative_to(ws.root).as_posix()
            taken.add(rel)
            digests.append(digest)
            s.store_file(StoredFile(case_id=s.case.id, role=FILE_ATTACHMENT, name=src.name, path=rel,
                                    sha256=digest, size=target.stat().st_size, kind=kind,
                                    added_date=event.date), target, written=False)
            sidecar = write_text_sidecar(ws, s.case.case_no, target, text)
            if sidecar is not None:
                s.written.append(sidecar)
        event.data["sha256"] = digests

    return _record(ws, case_no, event, body)


def extend(ws: Workspace, case_no: str, *, days: int, reason: str, on: dt.date | None = None,
           by: str | None = None) -> Outcome:
    """Extend the running 交办 (or 复查/复核) period by ``days``; refused past the profile's cap."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise DocgenError(f"延期天数应为正整数（实际为 {days!r}）")
    why = _text(reason, "延期理由（--reason）")
    event = _event(EV_EXTEND, on, f"延期 {days} 日：{why}", by, {"days": days, "reason": why})

    def body(s: _Step) -> None:
        s.case.extra.setdefault("extensions", []).append(
            {"date": iso(event.date), "days": days, "reason": why})
        state = replay(s.ws, s.case, [*s.events, event], event.date)
        due = next((d for d in state.open_deadlines if d.kind in (DL_ASSIGN, DL_REVIEW)), None)
        if due is not None:
            event.data["due_date"] = iso(due.due_date)
            if s.case.extra.get("route_mode") == EV_ASSIGN:
                s.case.extra["due_date"] = iso(due.due_date)

    return _record(ws, case_no, event, body)


def close(ws: Workspace, case_no: str, *, result: str, satisfaction: str | None = None,
          on: dt.date | None = None, by: str | None = None) -> Outcome:
    """Close a case (办结). Closing a 交办 without a result report is allowed and noted."""
    text = _text(result, "办理结果（--result）")
    if satisfaction is not None and satisfaction not in SATISFACTION:
        raise DocgenError(f"满意度应为 {'、'.join(SATISFACTION)} 之一（实际为 {satisfaction}）")
    event = _event(EV_CLOSE, on, text, by, {"result": text, "satisfaction": satisfaction})

    def body(s: _Step) -> None:
        before = s.state_before()
        if before.status == STATUS_ASSIGNED:
            event.data["without_report"] = True
            event.detail += "（未收到办理结果报告即办结）"
            s.warnings.append("该交办件尚未收到办理结果报告，已按办结登记")
        if satisfaction:
            event.detail += f"；满意度：{satisfaction}"

    return _record(ws, case_no, event, body)


def reopen(ws: Workspace, case_no: str, *, kind: str, reason: str, on: dt.date | None = None,
           by: str | None = None) -> Outcome:
    """Reopen a closed case for 复查 or 复核 (docs/standards.md §2); the review period starts."""
    if kind not in REVIEW_KINDS:
        raise DocgenError(f"重新办理的类型应为 {'或'.join(REVIEW_KINDS)}（实际为 {kind}）")
    why = _text(reason, "理由（--reason）")
    event = _event(kind, on, f"{kind}：{why}", by, {"reason": why})

    def body(s: _Step) -> None:
        # An imported closed case has no 办结 event; store it so the history survives reopening.
        closure = imported_closure(s.case, s.events)
        if closure is not None:
            closure.id = None
            s.ws.registry.add_event(closure)
            s.events.append(closure)

    return _record(ws, case_no, event, body)


def supervise(ws: Workspace, case_no: str, *, leader: str, responsible: str,
              on: dt.date | None = None, by: str | None = None) -> Outcome:
    """Mark a case 重点督办 with its 督办领导 (supervisor) and 责任人 (person in charge)."""
    lead = _text(leader, "督办领导（--leader）")
    resp = _text(responsible, "责任人（--responsible）")
    event = _event(EV_SUPERVISE, on, f"督办领导 {lead}，责任人 {resp}", by,
                   {"supervisor": lead, "responsible": resp})

    def body(s: _Step) -> None:
        if s.case.is_closed:
            raise DocgenError(f"案件 {s.case.case_no} 已办结，不能列为重点督办")
        s.case.extra["supervisor"] = lead
        s.case.extra["responsible"] = resp
        if FLAG_SUPERVISED not in s.case.flags:
            s.case.flags.append(FLAG_SUPERVISED)

    return _record(ws, case_no, event, body)


def flag(ws: Workspace, case_no: str, *, add: Iterable[str] = (), remove: Iterable[str] = (),
         on: dt.date | None = None, by: str | None = None) -> Outcome:
    """Add or remove flags (重复信访, 越级, 集体访, 涉法涉诉, 重点督办, 积案)."""
    add, remove = [f.strip() for f in add], [f.strip() for f in remove]
    unknown = [f for f in add + remove if f not in FLAGS]
    if unknown:
        raise DocgenError(f"未知的标记：{'、'.join(unknown)}（可用：{'、'.join(FLAGS)}）")
    if not add and not remove:
        raise DocgenError("请用 --add 或 --remove 指明标记")
    if FLAG_SUPERVISED in add:
        raise DocgenError("重点督办请用 docgen supervise 设置（需要督办领导和责任人）")
    parts = ([f"加注 {'、'.join(add)}"] if add else []) + ([f"去除 {'、'.join(remove)}"] if remove else [])
    event = _event(EV_FLAG, on, "；".join(parts), by, {"add": add, "remove": remove})

    def body(s: _Step) -> None:
        flags = [f for f in s.case.flags if f not in remove]
        flags += [f for f in add if f not in flags]
        s.case.flags = flags
        if "涉法涉诉" in add:
            s.case.legal = True
        if "涉法涉诉" in remove:
            s.case.legal = False

    return _record(ws, case_no, event, body)


# --- 催办 / 督办 --------------------------------------------------------------------------------

@dataclass
class RemindRun:
    """What ``remind`` did: one outcome per overdue 交办, and the cases it could not handle."""

    as_of: dt.date
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": iso(self.as_of),
            "reminders": [{**o.to_json(), "kind": o.event.kind, "doc_no": o.event.data.get("doc_no")}
                          for o in self.outcomes],
            "files": [str(p) for o in self.outcomes for p in o.paths],
            "skipped": self.skipped,
            "errors": self.errors,
        }


def overdue_assignments(ws: Workspace, as_of: dt.date) -> list[tuple[Case, Deadline, Event]]:
    """Open cases whose 交办 period ran out before ``as_of`` (due date < as_of), with the
    deadline and the 交办 event it runs from."""
    from docgen.casefile import query_cases

    reg = ws.registry
    found = []
    # The derived state names the candidates (no replay of every case); each is replayed for
    # the 交办 event its letter cites.
    for view in query_cases(ws, overdue_kind=DL_ASSIGN, as_of=as_of, limit=None,
                            newest_first=False)[1]:
        case = reg.get_case(view.case.case_no)
        m = _machine(ws, case, reg.events(case.id, as_of=as_of), as_of)
        for d in m.state().open_deadlines:
            if d.kind == DL_ASSIGN and d.due_date < as_of and m.route_event is not None:
                found.append((case, d, m.route_event))
                break
    return found


def remind(ws: Workspace, *, as_of: dt.date | None = None, on: dt.date | None = None,
           kind: str | None = None, by: str | None = None, confirm: bool = False) -> RemindRun:
    """Write a 催办函 (督办函 for 重点督办 cases, or as ``kind`` says) for every 交办 overdue at
    ``as_of`` and record a 催办/督办 event dated ``on``. A case already chased that day is skipped,
    so running it twice writes nothing new. A 检举控告 case routed to a body it accuses is chased
    only with ``confirm`` (else it is among ``errors``, with the warning)."""
    if kind not in (None, EV_REMIND, EV_SUPERVISE_LETTER):
        raise DocgenError(f"--kind 应为 催办 或 督办（实际为 {kind}）")
    on = on or dt.date.today()
    as_of = as_of or on
    run = RemindRun(as_of=as_of)
    for case, due, routed in overdue_assignments(ws, as_of):
        ev_kind = kind or (EV_SUPERVISE_LETTER if FLAG_SUPERVISED in case.flags else EV_REMIND)
        if any(e.kind in (EV_REMIND, EV_SUPERVISE_LETTER) and e.date == on
               for e in ws.registry.events(case.id)):
            run.skipped.append({"case_no": case.case_no, "reason": f"{on} 已催办（督办）过"})
            continue
        late = (as_of - due.due_date).days
        to = str(routed.data.get("to") or "")
        event = _event(ev_kind, on, f"{to}交办期限 {due.due_date} 已超期 {late} 日", by,
                       {"due_date": iso(due.due_date), "overdue_days": late,
                        "original_doc_no": routed.data.get("doc_no")})
        # The letter cites the 交办 as its event recorded it, whatever case.extra says now.
        cites = {"deadline": due, "route_to": to, "route_mode": EV_ASSIGN, "route_date": routed.date,
                 "original_doc_no": routed.data.get("doc_no") or case.extra.get("route_doc_no") or ""}

        def body(s: _Step, event=event, ev_kind=ev_kind, cites=cites, to=to) -> None:
            _accused_check(s, event, to, ev_kind, confirm, None)
            doc = _write_letter(s, f"{ev_kind}函", cites)
            if doc is not None and doc.doc_no:
                event.data["doc_no"] = doc.doc_no

        try:
            run.outcomes.append(_record(ws, case.case_no, event, body))
        except DocgenError as exc:
            run.errors.append({"case_no": case.case_no, "message": str(exc)})
    return run


# --- documents ----------------------------------------------------------------------------------

def write_document(ws: Workspace, case_no: str, kind: str, *, on: dt.date | None = None,
                   by: str | None = None, context: dict[str, Any] | None = None,
                   doc_no: str | None = None, mask: bool | None = None) -> Outcome:
    """Write document ``kind`` of a case (``docgen letter``) as a file of the case, recorded as
    a 文书 event, so that it is archived with the 件.

    A numbered kind keeps the 文号 it already has (the routing letter's, or the one remembered
    in ``case.extra['doc_numbers']``) unless ``doc_no`` says otherwise; writing it again
    replaces the registered version. ``context`` overrides what the letter reads from the case
    (``route_to``, ``notice_type``, ``reason``...). A 告知书 written this way meets the 告知期限.
    """
    from docgen.letters.context import notice_type_of
    from docgen.letters.kinds import get_kind

    spec = get_kind(kind)
    context = dict(context or {})
    event = _event(EV_DOCUMENT, on, spec.name, by, {"kind": spec.name})

    def body(s: _Step) -> None:
        if s.case.archive_no:
            raise DocgenError(f"案件 {s.case.case_no} 已归档（档号 {s.case.archive_no}），"
                              "文书不再列入案件；如需副本请用 -o 指定输出文件")
        if spec.name == NOTICE_KIND:
            context["notice_type"] = notice_type_of(s.case, {**s.case.extra, **context})
            event.data["notice_type"] = context["notice_type"]
        number = doc_no or (known_doc_number(s.case, spec.name, context) if spec.numbered else None)
        doc = _write_letter(s, spec.name, context, doc_no=number, mask=mask)
        if doc is None:
            raise DocgenError("文书模块不可用，未生成文书")
        event.data.update({"doc_no": doc.doc_no, "sha256": doc.stored.sha256,
                           "file": doc.stored.path})
        event.detail = " ".join(x for x in (spec.name, doc.doc_no) if x)
        if doc.replaces is not None:
            event.data["replaces"] = doc.replaces.sha256
            event.detail += "（重新生成，替换原版本）"

    return _record(ws, case_no, event, body)


def known_doc_number(case: Case, kind: str, context: dict[str, Any] | None = None) -> str | None:
    """The 文号 a document of this case already has: the routing letter's, or the one
    remembered when it was first written; a reprint keeps it."""
    extra = case.extra or {}
    route_kind = {EV_ASSIGN: "交办函", EV_FORWARD: "转送函"}.get(extra.get("route_mode") or "")
    if route_kind == kind and extra.get("route_doc_no"):
        return extra["route_doc_no"]
    return (extra.get("doc_numbers") or {}).get(_number_key(kind, context or {}))


def _write_letter(s: _Step, kind: str, context: dict[str, Any], *, doc_no: str | None = None,
                  mask: bool | None = None):
    """Write document ``kind`` for the case through docgen.workflow_documents; it is registered
    (or replaces the version it rewrites) in the command's transaction."""
    from docgen.workflow_documents import write_case_document

    doc = write_case_document(s.ws, s.case, kind, on=s.on, context=context, doc_no=doc_no, mask=mask)
    if doc is None:
        s.warnings.append(f"未生成{kind}（文书模块不可用）")
        return None
    s.store_file(doc.stored, doc.path)
    s.documents.append(doc)
    if doc.doc_no:
        s.case.extra.setdefault("doc_numbers", {})[_number_key(kind, context)] = doc.doc_no
    return doc


def _number_key(kind: str, context: dict[str, Any]) -> str:
    """Under which key ``case.extra['doc_numbers']`` remembers a document's 文号: the kind, and
    for a 告知书 its variant too (a 受理 notice and a later 转送告知 are two documents)."""
    notice = context.get("notice_type")
    return f"{kind}:{notice}" if kind == NOTICE_KIND and notice else kind
