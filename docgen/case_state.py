"""The derived state of every case, kept in the registry so that lists need no replay.

A case's truth is its events (``docgen.workflow.replay``). Replaying 100,000 cases for every
case list or 今日 page would take minutes, so the state the lists filter on — status, the
nearest tracked open due date, which deadlines are open (routing, 交办 result, 复查复核, notice),
whether the case waits for 拟办 or 批示, the routing body — is kept in table ``case_state``,
one row per case:

- every workflow step (``docgen.workflow._record``, and so ``docgen edit``) rewrites the row in
  the transaction that stores its event (``update``);
- whatever else writes a case or an event (registration, ledger import, archiving, a repair
  script) marks the row stale through SQLite triggers in the same transaction; the next
  query refreshes stale rows first (``refresh_stale``), so the table can never silently lag;
- the deadlines depend on the holiday calendar and the deadline profile: a fingerprint of
  those files (and of ``[deadlines]`` in docgen.toml) is kept with the table, and when it
  changes every row is marked stale and recomputed lazily on the next query.

A row holds for any day from its ``last_event`` on (replay stops at the day; with no event
after it, the state is the same). A view of a day before a case's latest event replays that
case (``docgen.casefile.query_cases`` does; that is the ``--as-of`` path).

``SCHEMA`` (run by the registry when it opens) creates the table, the triggers, and rows for
cases that have none (a registry made before this module). The registry runs a schema split at
semicolons, and a trigger body holds semicolons: ``SCHEMA`` is a ``str`` whose ``split``
keeps each statement whole (``executescript`` would read it the same).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docgen.models import STATUS_REGISTERED, Case, Deadline, Event, iso, parse_iso
from docgen.workspace import Workspace

# Bump when what a row holds or how it is derived changes: every row is recomputed.
STATE_VERSION = "2"

_TABLES = """
CREATE TABLE IF NOT EXISTS case_state (
    case_id INTEGER PRIMARY KEY,
    stale INTEGER NOT NULL DEFAULT 1,
    case_no TEXT NOT NULL DEFAULT '',
    received_date TEXT NOT NULL DEFAULT '',
    year INTEGER,
    channel TEXT,
    status TEXT,
    due_date TEXT,
    route_due TEXT,
    assign_due TEXT,
    review_due TEXT,
    notice_due TEXT,
    awaiting TEXT,
    route_mode TEXT,
    route_to TEXT,
    route_date TEXT,
    closed_date TEXT,
    result TEXT,
    satisfaction TEXT,
    archive_no TEXT,
    deadlines TEXT NOT NULL DEFAULT '[]',
    last_event TEXT NOT NULL DEFAULT '',
    haystack TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS case_state_stale ON case_state(stale) WHERE stale = 1;
-- the list's order with the columns its filters test: a page is a walk of this index alone
CREATE INDEX IF NOT EXISTS case_state_list ON case_state(received_date, case_no, status, due_date, awaiting, route_due, assign_due, review_due, notice_due, year, channel);
CREATE INDEX IF NOT EXISTS case_state_status ON case_state(status, received_date, case_no);
CREATE INDEX IF NOT EXISTS case_state_due ON case_state(due_date, received_date) WHERE due_date IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_route_due ON case_state(route_due, received_date) WHERE route_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_assign_due ON case_state(assign_due, received_date) WHERE assign_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_review_due ON case_state(review_due, received_date) WHERE review_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_notice_due ON case_state(notice_due, received_date) WHERE notice_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_awaiting ON case_state(awaiting, received_date, case_no) WHERE awaiting IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_state_last_event ON case_state(last_event);
CREATE TABLE IF NOT EXISTS case_state_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Any change to a case or to its events marks its row stale, in the writer's transaction.
_MARK = ("INSERT INTO case_state(case_id, stale) VALUES ({id}, 1) "
         "ON CONFLICT(case_id) DO UPDATE SET stale = 1;")
TRIGGERS = {
    "case_state_case_added": f"AFTER INSERT ON cases BEGIN {_MARK.format(id='NEW.id')} END",
    "case_state_case_changed": f"AFTER UPDATE ON cases BEGIN {_MARK.format(id='NEW.id')} END",
    "case_state_case_removed": "AFTER DELETE ON cases BEGIN "
                               "DELETE FROM case_state WHERE case_id = OLD.id; END",
    "case_state_event_added": f"AFTER INSERT ON events BEGIN {_MARK.format(id='NEW.case_id')} END",
    "case_state_event_changed": f"AFTER UPDATE ON events BEGIN {_MARK.format(id='NEW.case_id')} "
                                f"{_MARK.format(id='OLD.case_id')} END",
    "case_state_event_removed": f"AFTER DELETE ON events BEGIN {_MARK.format(id='OLD.case_id')} END",
}

# Rows for cases without one: a registry older than this module, or one whose triggers were
# dropped. The uncorrelated max() test is evaluated once, so an up-to-date registry pays two
# index look-ups when it opens, not a pass over every case.
_BACKFILL = ("INSERT INTO case_state(case_id, stale) SELECT id, 1 FROM cases "
             "WHERE (SELECT max(id) FROM cases) > coalesce((SELECT max(case_id) FROM case_state), 0) "
             "AND NOT EXISTS (SELECT 1 FROM case_state s WHERE s.case_id = cases.id) "
             "ON CONFLICT(case_id) DO NOTHING")


class _Script(str):
    """A schema whose ``split(";")`` gives whole statements, trigger bodies included."""

    def __new__(cls, statements: list[str]):
        self = super().__new__(cls, ";\n".join(statements) + ";\n")
        self.statements = statements
        return self

    def split(self, sep=None, maxsplit=-1):   # what Registry._create_schema calls
        if sep == ";" and maxsplit == -1:
            return list(self.statements)
        return super().split(sep, maxsplit)


SCHEMA = _Script([
    *(stmt.strip() for stmt in _TABLES.split(";") if stmt.strip()),
    *(f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in TRIGGERS.items()),
    _BACKFILL,
])

AWAIT_PROPOSAL = "拟办"
AWAIT_INSTRUCTION = "批示"
AWAITING = (AWAIT_PROPOSAL, AWAIT_INSTRUCTION)

# Rows recomputed per transaction when many are stale (after a rule edit): the write lock is
# let go between batches so that clerks registering meanwhile are not held for long.
BATCH = 500

_COLUMNS = ("case_no", "received_date", "year", "channel", "status", "due_date", "route_due",
            "assign_due", "review_due", "notice_due", "awaiting", "route_mode", "route_to",
            "route_date", "closed_date", "result", "satisfaction", "archive_no", "deadlines",
            "last_event", "haystack")


@dataclass
class Derived:
    """What replaying a case gives the lists: the CaseState and what is kept beside it."""

    state: Any                      # docgen.casefile.CaseState
    awaiting: str | None
    route_mode: str | None
    route_to: str | None
    route_date: dt.date | None
    last_event: dt.date

    def open_due(self, kind: str) -> dt.date | None:
        dates = [d.due_date for d in self.state.open_deadlines if d.kind == kind]
        return min(dates) if dates else None


def awaiting_of(status: str, events: Iterable[Event]) -> str | None:
    """What a case not yet routed waits for: the office head's 拟办, then the leader's 批示.
    A routed, decided or closed case waits for neither; a 批示 given without a 拟办 is enough."""
    if status != STATUS_REGISTERED:
        return None
    kinds = {e.kind for e in events}
    if AWAIT_INSTRUCTION in kinds:
        return None
    return AWAIT_INSTRUCTION if AWAIT_PROPOSAL in kinds else AWAIT_PROPOSAL


def derive(ws: Workspace, case: Case, events: list[Event], as_of: dt.date | None = None) -> Derived:
    """Replay ``case`` with ``events`` (those up to ``as_of``, default all) into a Derived."""
    from docgen.workflow import FAR_FUTURE, _machine, imported_closure

    day = as_of or FAR_FUTURE
    m = _machine(ws, case, events, day)
    upto = [e for e in events if e.date <= day]
    closure = imported_closure(case, upto)
    dates = [case.received_date, *(e.date for e in upto)]
    if closure is not None and closure.date <= day:
        dates.append(closure.date)
    route = m.route_event
    return Derived(state=m.state(), awaiting=awaiting_of(m.status, upto),
                   route_mode=route.kind if route is not None else None,
                   route_to=str(route.data.get("to") or "") or None if route is not None else None,
                   route_date=route.date if route is not None else None,
                   last_event=max(dates))


def derive_safely(ws: Workspace, case: Case, events: list[Event]) -> Derived:
    """``derive`` for the table: a history that cannot be replayed (a hand-edited registry)
    must not break every list, so such a case is kept with its cached status, no deadlines,
    and a warning to stderr through the registry (``show`` names the conflict)."""
    from docgen.casefile import CaseState

    try:
        return derive(ws, case, events)
    except Exception as exc:        # any broken history (bad JSON values too), not just refusals
        message = f"案件 {case.case_no} 的办理经过无法重演（{exc}），列表按登记库中的状态显示"
        say = getattr(ws.registry, "say", None)     # once per registry, where it can
        if say is not None:
            say(message)
        else:
            print(message, file=sys.stderr)
        dates = [case.received_date, *(e.date for e in events)]
        return Derived(state=CaseState(status=case.status, closed_date=case.closed_date,
                                       satisfaction=case.satisfaction, result=case.result,
                                       archive_no=case.archive_no),
                       awaiting=None, route_mode=None, route_to=None, route_date=None,
                       last_event=max(dates))


# What ``query_cases(text=...)`` looks in, kept in the row so that a text filter scans this
# table alone instead of joining every case row.
TEXT_FIELDS = ("case_no", "name", "summary", "target", "request")


def haystack(case: Case) -> str:
    values = (case.case_no, case.petitioner.name, case.summary, case.target, case.request)
    return "\n".join(v or "" for v in values)


def _row_values(case: Case, d: Derived) -> tuple:
    from docgen.workflow import DL_ASSIGN, DL_NOTICE, DL_REVIEW, DL_ROUTE

    s = d.state
    return (case.case_no, iso(case.received_date), case.received_date.year, case.channel,
            s.status, iso(s.due_date), iso(d.open_due(DL_ROUTE)), iso(d.open_due(DL_ASSIGN)),
            iso(d.open_due(DL_REVIEW)), iso(d.open_due(DL_NOTICE)), d.awaiting, d.route_mode,
            d.route_to, iso(d.route_date), iso(s.closed_date), s.result, s.satisfaction,
            s.archive_no, json.dumps([x.to_json() for x in s.deadlines], ensure_ascii=False),
            iso(d.last_event), haystack(case))


_UPSERT = (f"INSERT INTO case_state(case_id, stale, {', '.join(_COLUMNS)}) "
           f"VALUES (?, 0, {', '.join('?' * len(_COLUMNS))}) ON CONFLICT(case_id) DO UPDATE SET "
           "stale = 0, " + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS))


def update(ws: Workspace, case: Case, events: list[Event] | None = None) -> Derived:
    """Recompute the row of ``case`` (stored, with its id) from its events — all of them, or
    ``events`` when the caller holds them — inside the caller's transaction if there is one.

    Call it after storing a case's events and its row (``reg.add_case``/``update_case``,
    ``reg.add_event``) so that the lists show the change at once; without the call the row is
    marked stale by the triggers and recomputed on the next query."""
    if events is None:
        events = ws.registry.events(case.id)
    d = derive(ws, case, events)
    store(ws, case, d)
    return d


def store(ws: Workspace, case: Case, d: Derived) -> None:
    """Write ``d`` (derived from every event of ``case``) as the case's current row."""
    ensure(ws)
    with ws.registry.transaction() as c:
        c.execute(_UPSERT, (case.id, *_row_values(case, d)))


# --- the rules fingerprint ----------------------------------------------------------------------

def rules_fingerprint(ws: Workspace) -> str:
    """A digest of everything a case's deadlines are computed from besides its events: the
    shipped and the office's holiday and deadline files, the chosen profile and track_notice."""
    from docgen import deadlines as dl
    from docgen.holidays import BUILTIN_HOLIDAYS
    from docgen.workflow import _RULE_NAMES

    section = ws.section("deadlines")
    h = hashlib.sha256()
    h.update(f"{STATE_VERSION}|{section.get('profile') or dl.DEFAULT_PROFILE}|"
             f"{section.get('track_notice') is True}".encode())
    for path in (BUILTIN_HOLIDAYS, dl.BUILTIN_PROFILES,
                 *(os.path.join(ws.rules_dir, n) for n in _RULE_NAMES)):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            data = b"\0missing"
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


# --- keeping the table current --------------------------------------------------------------------

def ensure(ws: Workspace) -> None:
    """Make sure the triggers exist (once per registry object): ``SCHEMA`` creates them when
    the registry opens, but one dropped or changed since is recreated, and since changes made
    meanwhile were not tracked, every row is marked stale."""
    reg = ws.registry
    if getattr(reg, "_case_state_ready", False):
        return
    have = {r[0]: r[1] for r in reg.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_state_%'")}
    want = {name: f"CREATE TRIGGER {name} {body}" for name, body in TRIGGERS.items()}
    if {n: " ".join((have.get(n) or "").replace("IF NOT EXISTS ", "").split()) for n in want} != \
            {n: " ".join(sql.split()) for n, sql in want.items()}:
        with reg.transaction() as c:
            for name, sql in want.items():
                c.execute(f"DROP TRIGGER IF EXISTS {name}")
                c.execute(sql)
            c.execute("INSERT INTO case_state(case_id, stale) SELECT id, 1 FROM cases WHERE true "
                      "ON CONFLICT(case_id) DO UPDATE SET stale = 1")
    # The text filter walks a narrow index (received_date, case_no, haystack) in the list's
    # order instead of the wide rows; made here, not in SCHEMA, because a table of the first
    # version has no haystack column and SCHEMA runs before anything can add it.
    if not reg.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'case_state_text'").fetchone():
        with reg.transaction() as c:
            columns = {r[1] for r in c.execute("PRAGMA table_info(case_state)")}
            if "haystack" not in columns:
                c.execute("ALTER TABLE case_state ADD COLUMN haystack TEXT NOT NULL DEFAULT ''")
                c.execute("UPDATE case_state SET stale = 1")
            c.execute("CREATE INDEX IF NOT EXISTS case_state_text "
                      "ON case_state(received_date, case_no, haystack)")
    reg._case_state_ready = True


def _check_fingerprint(ws: Workspace) -> None:
    reg = ws.registry
    current = rules_fingerprint(ws)
    if getattr(reg, "_case_state_fingerprint", None) == current:
        return
    row = reg.conn.execute("SELECT value FROM case_state_meta WHERE key = 'fingerprint'").fetchone()
    if row is None or row[0] != current:
        with reg.transaction() as c:
            row = c.execute("SELECT value FROM case_state_meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != current:
                c.execute("UPDATE case_state SET stale = 1")
                c.execute("INSERT INTO case_state_meta VALUES ('fingerprint', ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (current,))
    reg._case_state_fingerprint = current


def refresh_stale(ws: Workspace) -> int:
    """Bring every row up to date (rows marked stale, rows computed under other rules);
    returns how many were recomputed. Queries call it first; it costs nothing when nothing
    changed outside ``update``."""
    from docgen.registry import Registry

    reg = ws.registry
    ensure(ws)
    _check_fingerprint(ws)
    done = 0
    while True:
        ids = [r[0] for r in reg.conn.execute(
            "SELECT case_id FROM case_state WHERE stale = 1 LIMIT ?", (BATCH,))]
        if not ids:
            return done
        with reg.transaction() as c:
            marks = ",".join("?" * len(ids))
            cases = {r["id"]: Registry._row_to_case(r)
                     for r in c.execute(f"SELECT * FROM cases WHERE id IN ({marks})", ids)}
            events = events_of(reg, list(cases))
            gone = [i for i in ids if i not in cases]
            if gone:
                c.execute(f"DELETE FROM case_state WHERE case_id IN ({','.join('?' * len(gone))})",
                          gone)
            rows = []
            for case_id, case in cases.items():
                rows.append((case_id, *_row_values(case, derive_safely(ws, case, events.get(case_id, [])))))
            c.executemany(_UPSERT, rows)
        done += len(ids)


def events_of(reg: Any, case_ids: list[int]) -> dict[int, list[Event]]:
    """The events of many cases (by case id, in date order), read in a few queries."""
    out: dict[int, list[Event]] = {}
    for i in range(0, len(case_ids), BATCH):
        part = case_ids[i:i + BATCH]
        for r in reg.conn.execute(f"SELECT * FROM events WHERE case_id IN ({','.join('?' * len(part))}) "
                                  "ORDER BY date, id", part):
            out.setdefault(r["case_id"], []).append(
                Event(id=r["id"], case_id=r["case_id"], kind=r["kind"], date=parse_iso(r["date"]),
                      detail=r["detail"], actor=r["actor"], data=json.loads(r["data"]),
                      recorded_at=r["recorded_at"]))
    return out


def rebuild(ws: Workspace) -> int:
    """Recompute every row (a repair; ``refresh_stale`` is what queries need)."""
    ensure(ws)
    with ws.registry.transaction() as c:
        c.execute("UPDATE case_state SET stale = 1")
    return refresh_stale(ws)


# --- reading rows back ----------------------------------------------------------------------------

def untracked_kinds(ws: Workspace) -> frozenset[str]:
    """The deadline kinds shown but not counted (see docgen.workflow, DL_NOTICE)."""
    from docgen.workflow import DL_NOTICE, rules_for

    return frozenset() if rules_for(ws).track_notice else frozenset({DL_NOTICE})


# The row's columns as a query selects them beside ``cases.*`` (whose names they share).
SELECT_STATE = ", ".join(f"s.{c} AS s_{c}" for c in
                         ("status", "deadlines", "closed_date", "satisfaction", "result",
                          "archive_no"))


def state_from_row(row: Any, untracked: frozenset[str], prefix: str = "s_"):
    """The CaseState a row holds (no replay); ``row`` selected with ``SELECT_STATE``."""
    from docgen.casefile import CaseState

    deadlines = [Deadline(kind=d["kind"], due_date=parse_iso(d["due_date"]),
                          explanation=d["explanation"], met=bool(d["met"]))
                 for d in json.loads(row[prefix + "deadlines"] or "[]")]
    return CaseState(status=row[prefix + "status"], deadlines=deadlines,
                     closed_date=parse_iso(row[prefix + "closed_date"]),
                     satisfaction=row[prefix + "satisfaction"], result=row[prefix + "result"],
                     archive_no=row[prefix + "archive_no"], untracked=untracked)
