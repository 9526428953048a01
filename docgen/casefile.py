"""A case as a clerk looks at it: facts, history, deadlines, files, linked cases — as of a day.

``show`` and ``list`` use this; the state on a given day comes from replaying the case's events
(``docgen.workflow.replay``), so ``--as-of`` shows the situation as it stood then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from docgen import deadlines as dl
from docgen.errors import DocgenError
from docgen.models import Case, Deadline, Event, StoredFile, iso
from docgen.workspace import Workspace


@dataclass
class CaseState:
    """What replaying the events up to a day gives."""

    status: str
    deadlines: list[Deadline] = field(default_factory=list)
    closed_date: dt.date | None = None
    satisfaction: str | None = None
    result: str | None = None
    archive_no: str | None = None
    # Deadline kinds shown but not counted for due_date / overdue (the 告知期限 unless the
    # workspace tracks it: see docgen.workflow, DL_NOTICE).
    untracked: frozenset[str] = frozenset()

    @property
    def open_deadlines(self) -> list[Deadline]:
        return [d for d in self.deadlines if not d.met]

    @property
    def tracked_open_deadlines(self) -> list[Deadline]:
        return [d for d in self.open_deadlines if d.kind not in self.untracked]

    @property
    def due_date(self) -> dt.date | None:
        dates = [d.due_date for d in self.tracked_open_deadlines]
        return min(dates) if dates else None

    def overdue_on(self, day: dt.date) -> bool:
        return any(d.due_date < day for d in self.tracked_open_deadlines)


def state_of(ws: Workspace, case: Case, events: list[Event], as_of: dt.date) -> CaseState:
    try:
        from docgen.workflow import replay
    except ImportError:
        return CaseState(status=case.status, closed_date=case.closed_date,
                         satisfaction=case.satisfaction, result=case.result,
                         archive_no=case.archive_no)
    return replay(ws, case, events, as_of)


@dataclass
class CaseView:
    case: Case
    state: CaseState
    as_of: dt.date
    events: list[Event] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outdated(self) -> list[StoredFile]:
        """Documents written before a later correction of the case (``docgen edit``) and not
        rewritten since: they show the old values."""
        from docgen.editing import outdated_documents

        return outdated_documents(self.files, self.events)

    def to_json(self, brief: bool = False) -> dict[str, Any]:
        data = self.case.to_json()
        data.update({
            "status": self.state.status,
            "closed_date": iso(self.state.closed_date),
            "satisfaction": self.state.satisfaction,
            "result": self.state.result,
            "archive_no": self.state.archive_no,
            "archived": bool(self.state.archive_no),
            "due_date": iso(self.state.due_date),
            "overdue": self.state.overdue_on(self.as_of),
            "deadlines": [{**d.to_json(), "tracked": d.kind not in self.state.untracked}
                          for d in self.state.deadlines],
            "as_of": iso(self.as_of),
        })
        if brief:
            data.pop("text")
            return data
        data["events"] = [e.to_json() for e in self.events]
        outdated = {f.id for f in self.outdated}
        data["files"] = [{**f.to_json(), "outdated": f.id in outdated} for f in self.files]
        data["outdated_documents"] = [f.kind for f in self.files if f.id in outdated]
        data["links"] = [{"case_no": link["case_no"], "kind": link["kind"], "reason": link["reason"],
                          "received_date": link["received_date"], "status": link["status"]}
                         for link in self.links]
        return data

    def to_line(self) -> str:
        c, s = self.case, self.state
        due = f"  期限 {s.due_date}" if s.due_date else ""
        late = "（超期）" if s.overdue_on(self.as_of) else ""
        if late and c.extra.get("ledger_file"):
            late = "（超期，期限按台账导入日期计）"      # an old ledger's open case: see workflow
        arch = f"  档号 {s.archive_no}" if s.archive_no else ""
        summary = (c.summary or "")[:30]
        return (f"{c.case_no}  {c.received_date}  {c.channel}  {s.status}  "
                f"{c.petitioner.display_name}  {summary}{due}{late}{arch}")

    def to_text(self) -> str:
        c, s, p = self.case, self.state, self.case.petitioner
        lines = [f"案件 {c.case_no}（{c.channel}，{s.status}）", ""]

        def row(label: str, value: Any) -> None:
            if value not in (None, "", [], False):
                lines.append(f"{label}：{value}")

        row("收到日期", c.received_date)
        row("来信日期", c.letter_date)
        row("来信（访）人", p.display_name)
        if p.id_number:
            row("身份证号", p.id_number + ("" if p.id_valid is not False else "（校验不通过）"))
        row("电话", p.phone)
        row("住址", p.address)
        row("人数", c.persons if c.persons > 1 else None)
        row("联名人", "、".join(c.cosigners))
        row("被反映对象", c.target)
        row("诉求", c.request)
        row("类别", "，".join(x for x in (c.category, c.nature, "涉法涉诉" if c.legal else "") if x))
        row("标记", "、".join(c.flags))
        row("摘要", c.summary)
        row("外部编号", c.external_no)
        row("档号", s.archive_no)
        row("办结日期", s.closed_date)
        row("办理结果", s.result)
        row("满意度", s.satisfaction)
        if s.deadlines:
            lines += ["", "期限："]
            for d in s.deadlines:
                mark = "已完成" if d.met else ("已超期" if d.due_date < self.as_of else "未到期")
                if d.kind in s.untracked:
                    mark += "，仅提示"
                lines.append(f"  {d.kind} {d.due_date}（{mark}）— {d.explanation}")
        if self.events:
            lines += ["", "办理经过："]
            for e in self.events:
                lines.append(f"  {e.date}  {e.kind}  {e.detail}" + (f"（{e.actor}）" if e.actor else ""))
        outdated = {f.id for f in self.outdated}
        if self.files:
            lines += ["", "文件："]
            for f in self.files:
                mark = "  （早于案件更正，内容为更正前的，请用 docgen letter 重新生成）" \
                    if f.id in outdated else ""
                lines.append(f"  {f.kind or f.role}  {f.name}  sha256:{f.sha256[:16]}…{mark}")
        if outdated:
            kinds = list(dict.fromkeys(f.kind for f in self.files if f.id in outdated))
            lines += ["", f"注意：{'、'.join(kinds)} 早于案件的更正，仍是更正前的内容，重新生成："]
            lines += [f"  docgen letter {k} {c.case_no}" for k in kinds]
        if self.links:
            lines += ["", "关联案件："]
            for link in self.links:
                lines.append(f"  {link['case_no']}（{link['received_date']}，{link['status']}）{link['reason']}")
        return "\n".join(lines)


def _events_as_of(reg, case: Case, as_of: dt.date) -> list[Event]:
    """The case's events up to ``as_of``; when later ones exist, the case is turned back to that
    day as well: ``case.extra`` (which caches the latest routing for the letters) and the fields
    corrected later (``docgen edit``: undone latest first)."""
    return case_at(case, reg.events(case.id), as_of)


def case_at(case: Case, events: list[Event], as_of: dt.date) -> list[Event]:
    """``_events_as_of`` for events already read: turns ``case`` back to ``as_of`` in place and
    returns the events up to that day."""
    upto = [e for e in events if e.date <= as_of]
    if len(upto) < len(events):
        from docgen.editing import case_as_of, edited_fields
        from docgen.workflow import extra_as_of

        later = [e for e in events if e.date > as_of]
        case_as_of(case, later)
        case.extra = extra_as_of(case, upto)
        if "edited" in case.extra:
            edited = edited_fields(upto)
            if edited:
                case.extra["edited"] = edited
            else:
                case.extra.pop("edited")
    return upto


def case_view(ws: Workspace, case_no: str, as_of: dt.date | None = None) -> CaseView:
    reg = ws.registry
    case = reg.get_case(case_no)
    if as_of is not None and case.received_date > as_of:
        # like list: a case received after the day did not exist at the end of it
        raise DocgenError(f"案件 {case.case_no} 于 {case.received_date} 收到，{as_of} 时尚未登记")
    as_of = as_of or dt.date.today()
    events = _events_as_of(reg, case, as_of)
    return CaseView(case=case, state=state_of(ws, case, events, as_of), as_of=as_of,
                    events=events,
                    files=[f for f in reg.files(case.id)
                           if f.added_date is None or f.added_date <= as_of],
                    links=reg.links(case.id))


def list_views(ws: Workspace, *, status: str | None = None, year: int | None = None,
               channel: str | None = None, overdue: bool = False, due_within: int | None = None,
               limit: int | None = None, as_of: dt.date | None = None) -> list[CaseView]:
    """Cases as of a day, oldest first; ``status``, ``overdue`` and ``due_within`` apply to that
    day's state (``query_cases`` without paging)."""
    return query_cases(ws, status=status, year=year, channel=channel, overdue=overdue,
                       due_within=due_within, limit=limit, as_of=as_of, newest_first=False)[1]


# Deadline kinds (models.Deadline.kind) → the case_state column holding the open one's date.
# Spelled through docgen.deadlines, not docgen.workflow, which imports this module.
OVERDUE_COLUMNS = {
    dl.STEP_KINDS["route"]: "route_due",      # 转送交办期限: routing not decided in time
    dl.STEP_KINDS["assign"]: "assign_due",    # 交办办理期限: the body's result is late
    dl.STEP_KINDS["review"]: "review_due",    # 复查复核期限
    dl.STEP_KINDS["notify"]: "notice_due",    # 告知期限
}


# The case_state index over each due-date column (partial: rows with a date only).
DUE_INDEXES = {"due_date": "case_state_due", **{c: f"case_state_{c}" for c in OVERDUE_COLUMNS.values()}}

# Reading one match through a due-date index (the row for its number, then the sort) costs
# about as much as stepping over this many entries of the list index (measured: ≈ 2 µs against
# ≈ 0.07 µs per entry on 100,000 cases).
DUE_INDEX_COST = 32


def walk_due_index(matches: int, size: int, take: int) -> bool:
    """Whether a page of a due-date filter is read from that date's index (``matches`` cases
    match of about ``size``; the page ends at the ``take``-th) rather than by walking the
    list index in order until the page is full: expected ``take * size / matches`` entries,
    never more than ``size``."""
    if matches <= 0:
        return True
    walk = min(size, take * size / matches)
    return matches * DUE_INDEX_COST <= walk


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def query_cases(ws: Workspace, *, status: str | None = None, overdue: bool = False,
                due_within: int | None = None, awaiting: str | None = None,
                year: int | None = None, channel: str | None = None, text: str | None = None,
                offset: int = 0, limit: int | None = 50, as_of: dt.date | None = None,
                overdue_kind: str | None = None, received_since: dt.date | None = None,
                due_from: dt.date | None = None, newest_first: bool = True) -> tuple[int, list[CaseView]]:
    """(how many cases match, the page ``offset:offset+limit`` of them) as of ``as_of``
    (default today), newest first unless ``newest_first`` is False.

    Filters: ``status``; ``overdue`` (a tracked deadline ran out before the day);
    ``overdue_kind`` (that deadline kind ran out: 转送交办期限, 交办办理期限, 复查复核期限,
    告知期限); ``due_within`` N (the nearest tracked deadline falls within N days, overdue
    ones included); ``due_from`` (that deadline is on or after a day: with ``due_within``,
    due soon but not overdue); ``awaiting`` 拟办 or 批示 (``docgen.case_state.awaiting_of``); ``year`` and
    ``channel``; ``received_since`` (received on or after); ``text`` (a substring of the
    number, name, summary, target or request). ``limit=None``: every match.

    Served from the derived state (``docgen.case_state``) without replaying: a case is
    replayed only when the day is before its latest event (an ``--as-of`` view of the past).
    With a due-date filter the page is read from that date's index or from the list index, as
    the count says (``walk_due_index``), never as SQLite's statistics happen to suggest.
    """
    from docgen import case_state as cs

    if awaiting is not None and awaiting not in cs.AWAITING:
        raise DocgenError(f"awaiting 应为 {'或'.join(cs.AWAITING)}（实际为 {awaiting}）")
    if overdue_kind is not None and overdue_kind not in OVERDUE_COLUMNS:
        raise DocgenError(f"期限类别应为 {'、'.join(OVERDUE_COLUMNS)} 之一（实际为 {overdue_kind}）")
    if isinstance(offset, bool) or int(offset) < 0 or (limit is not None and int(limit) < 1):
        raise DocgenError(f"分页参数有误（offset={offset}，limit={limit}）")
    reg = ws.registry
    day = as_of or dt.date.today()
    cs.refresh_stale(ws)
    untracked = cs.untracked_kinds(ws)

    # Filters on what a case is (the same on every day) ...
    static, sargs = ["s.received_date <= ?"], [iso(day)]
    if year:
        static.append("s.year = ?")
        sargs.append(int(year))
    if channel:
        static.append("s.channel = ?")
        sargs.append(channel)
    if received_since is not None:
        static.append("s.received_date >= ?")
        sargs.append(iso(received_since))
    needle = (text or "").strip()
    if needle:
        static.append("s.haystack LIKE ? ESCAPE '\\'")
        sargs.append(_like(needle))
    # ... and on its state that day: the due-date comparisons apart (see the page's walk below).
    dynamic, dargs = [], []
    if status:
        dynamic.append("s.status = ?")
        dargs.append(status)
    if awaiting:
        dynamic.append("s.awaiting = ?")
        dargs.append(awaiting)
    dues: list[tuple[str, str, str]] = []         # (column, operator, day)
    if overdue_kind:
        dues.append((OVERDUE_COLUMNS[overdue_kind], "<", iso(day)))
    if overdue:
        dues.append(("due_date", "<", iso(day)))
    if due_within is not None:
        dues.append(("due_date", "<=", iso(day + dt.timedelta(days=int(due_within)))))
    if due_from is not None:
        dues.append(("due_date", ">=", iso(due_from)))

    def test(case: Case, d) -> bool:
        st = d.state
        if status and st.status != status:
            return False
        if overdue and not st.overdue_on(day):
            return False
        if overdue_kind and not ((due := d.open_due(overdue_kind)) and due < day):
            return False
        if due_within is not None and (st.due_date is None
                                       or st.due_date > day + dt.timedelta(days=int(due_within))):
            return False
        if due_from is not None and (st.due_date is None or st.due_date < due_from):
            return False
        return not (awaiting and d.awaiting != awaiting)

    frm = "FROM case_state s"
    # The cases with events after the day: replayed up to it (the past --as-of view).
    replayed: list[CaseView] = []
    later = [r[0] for r in reg.conn.execute(
        f"SELECT s.case_id {frm} WHERE s.last_event > ? AND {' AND '.join(static)}",
        (iso(day), *sargs))]
    if later:
        events = cs.events_of(reg, later)
        for r in _case_rows(reg, later):
            case = reg._row_to_case(r)
            upto = case_at(case, events.get(case.id, []), day)
            d = cs.derive(ws, case, upto, day)
            if test(case, d):
                replayed.append(CaseView(case=case, state=d.state, as_of=day))

    # The rest come from the table. Leaving the replayed out by id (the rowid, in every index)
    # keeps a count an index-only scan; with no replayed case no test is needed at all.
    if not later:
        outside, oargs = [], []
    elif len(later) <= 500:
        outside, oargs = [f"s.case_id NOT IN ({','.join('?' * len(later))})"], later
    else:
        outside, oargs = ["s.last_event <= ?"], [iso(day)]
    def where_of(plus: str) -> str:
        return " AND ".join([*static, *dynamic, *(f"{plus}s.{c} {op} ?" for c, op, _ in dues),
                             *outside])

    args = (*sargs, *dargs, *(d for _, _, d in dues), *oargs)
    order = "DESC" if newest_first else "ASC"
    order_by = f"ORDER BY s.received_date {order}, s.case_no {order}"
    total = reg.conn.execute(f"SELECT count(*) {frm} WHERE {where_of('')}", args).fetchone()[0]

    # The page's walk. With a due-date filter, SQLite's planner is not left to choose: with
    # no statistics it may sort the whole range, and with statistics taken before the state
    # was filled (every row alike) it walked the list index with a skip-scan, 0.4 s for an
    # empty "due within 7 days" on 100,000 cases. The count says which walk is cheaper: the
    # matches from that column's own index (each match read, then all sorted), or the list
    # index in the page's order, skipping the cases that do not match (the due terms written
    # ``+s.col`` so that they filter the entries and steer no index).
    table = frm
    where = where_of("")
    if dues:
        size = reg.conn.execute("SELECT max(case_id) FROM case_state").fetchone()[0] or 0
        take = total if limit is None else min(total, int(offset) + int(limit) + len(replayed))
        if walk_due_index(total, size, take):
            table = f"{frm} INDEXED BY {DUE_INDEXES[dues[0][0]]}"
        else:
            where = where_of("+")

    def table_rows(skip: int, take: int | None) -> list[tuple[str, str, int]]:
        if not total:
            return []
        page = f" LIMIT {-1 if take is None else int(take)} OFFSET {int(skip)}"
        return [(r[1], r[2], r[0]) for r in reg.conn.execute(
            f"SELECT s.case_id, s.received_date, s.case_no {table} WHERE {where} {order_by}{page}",
            args)]

    offset = int(offset)
    if not replayed:
        chosen: list[Any] = [k[2] for k in table_rows(offset, limit)]
    else:
        # Merge the k replayed cases into the table's order by (received_date, case_no): the
        # page lies within the table rows from offset-k on, plus the replayed ones among them.
        def key(k: tuple) -> tuple[str, str]:
            return (k[0], k[1])

        k = len(replayed)
        start = max(0, offset - k)
        rows = table_rows(start, None if limit is None else int(limit) + k)
        if start and not rows:            # past the table's end: place the replayed among all
            start, rows = 0, table_rows(0, None)
        extra = sorted(((iso(v.case.received_date), v.case.case_no, v) for v in replayed),
                       key=key, reverse=newest_first)
        if start and rows:
            first = key(rows[0])
            before = [e for e in extra if (key(e) > first if newest_first else key(e) < first)]
            extra = extra[len(before):]
            at = start + len(before)      # the merged position of rows[0]
        else:
            at = 0
        merged = sorted([*rows, *extra], key=key, reverse=newest_first)
        stop = None if limit is None else offset - at + int(limit)
        chosen = [m[2] for m in merged[offset - at:stop]]
        total += k
    ids = [c for c in chosen if isinstance(c, int)]
    found = {}
    for r in _case_rows(reg, ids, with_state=True):
        found[r["id"]] = CaseView(case=reg._row_to_case(r), state=cs.state_from_row(r, untracked),
                                  as_of=day)
    return total, [found[c] if isinstance(c, int) else c for c in chosen]


def _case_rows(reg, ids: list[int], *, with_state: bool = False) -> list:
    """The ``cases`` rows of ``ids`` (with the state columns of ``case_state.SELECT_STATE``)."""
    from docgen import case_state as cs

    rows = []
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        cols = f"c.*, {cs.SELECT_STATE} FROM cases c JOIN case_state s ON s.case_id = c.id" \
            if with_state else "c.* FROM cases c"
        rows += reg.conn.execute(f"SELECT {cols} WHERE c.id IN ({','.join('?' * len(part))})",
                                 part).fetchall()
    return rows
