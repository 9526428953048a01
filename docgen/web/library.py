"""The library functions the web app calls, in one place.

Every action of the app is a call to the same function the command line uses (no business
logic written twice). Three of them are being written by other parts of the project while this
app is (see docs/HELPERS.md: ``casefile.query_cases`` and ``dashboard.today`` serve lists from
the derived case state; ``intake.pipeline.register_parsed`` registers a letter parsed before).
Until they exist this module falls back to today's functions (``casefile.list_views``, the
steps of ``intake_file``), so the pages work either way; only the speed differs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.casefile import CaseView
from docgen.errors import DocgenError
from docgen.workspace import Workspace

LIST_PAGE = 50


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


# --- lists ------------------------------------------------------------------------------------

def query_cases(ws: Workspace, *, status: str | None = None, overdue: bool = False,
                due_within: int | None = None, awaiting: str | None = None,
                year: int | None = None, channel: str | None = None, text: str | None = None,
                offset: int = 0, limit: int = LIST_PAGE,
                as_of: dt.date | None = None) -> tuple[int, list[CaseView]]:
    """(how many match, the page of them): ``docgen.casefile.query_cases`` when present."""
    real = _optional("docgen.casefile", "query_cases")
    if real is not None:
        return real(ws, status=status, overdue=overdue, due_within=due_within, awaiting=awaiting,
                    year=year, channel=channel, text=text, offset=offset, limit=limit,
                    as_of=as_of)
    from docgen.casefile import list_views

    views = list_views(ws, status=status, year=year, channel=channel, overdue=overdue,
                       due_within=due_within, as_of=as_of)
    if awaiting:
        views = [v for v in views if _awaiting(v) == awaiting]
    if text:
        needle = text.strip()
        views = [v for v in views if needle in " ".join(
            x or "" for x in (v.case.case_no, v.case.summary, v.case.petitioner.name, v.case.target))]
    views.reverse()       # newest first, like the derived-state query
    return len(views), views[offset:offset + limit]


def _awaiting(view: CaseView) -> str | None:
    """Fallback only: a case waits for 拟办 until it has one, then for 批示, while it is open."""
    if view.state.status == "已办结":
        return None
    extra = view.case.extra or {}
    if not extra.get("proposal"):
        return "拟办" if view.state.status == "已登记" else None
    if not extra.get("instruction"):
        return "批示"
    return None


@dataclass
class TodayView:
    """What the 今日 page shows; each list holds CaseViews."""

    day: dt.date
    new: list[CaseView] = field(default_factory=list)
    due_soon: list[CaseView] = field(default_factory=list)
    overdue: list[CaseView] = field(default_factory=list)
    awaiting_proposal: list[CaseView] = field(default_factory=list)
    awaiting_instruction: list[CaseView] = field(default_factory=list)
    # the overdue cases by deadline kind (only docgen.dashboard tells them apart)
    overdue_routing: list[CaseView] = field(default_factory=list)
    overdue_results: list[CaseView] = field(default_factory=list)
    overdue_review: list[CaseView] = field(default_factory=list)
    overdue_notice: list[CaseView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


TODAY_LISTS = ("new", "due_soon", "overdue", "awaiting_proposal", "awaiting_instruction",
               "overdue_routing", "overdue_results", "overdue_review", "overdue_notice")
NEW_DAYS = 7
DUE_DAYS = 7
TODAY_ROWS = 20


def today(ws: Workspace, day: dt.date) -> TodayView:
    """``docgen.dashboard.today`` when present, else the same lists from query_cases."""
    real = _optional("docgen.dashboard", "today")
    if real is not None:
        board = real(ws, day)
        out = TodayView(day=day)
        for name in TODAY_LISTS:
            setattr(out, name, list(getattr(board, name, []) or []))
        counts = getattr(board, "counts", None)
        out.counts = dict(counts) if counts else {n: len(getattr(out, n)) for n in TODAY_LISTS}
        return out
    out = TodayView(day=day)
    views = query_cases(ws, limit=10 ** 9, as_of=day)[1]
    since = day - dt.timedelta(days=NEW_DAYS)
    for v in views:
        due = v.state.due_date
        if v.case.received_date > since:
            out.new.append(v)
        if v.state.overdue_on(day):
            out.overdue.append(v)
        elif due is not None and due <= day + dt.timedelta(days=DUE_DAYS):
            out.due_soon.append(v)
        waits = _awaiting(v)
        if waits == "拟办":
            out.awaiting_proposal.append(v)
        elif waits == "批示":
            out.awaiting_instruction.append(v)
    out.counts = {n: len(getattr(out, n)) for n in TODAY_LISTS}
    for n in TODAY_LISTS:
        setattr(out, n, getattr(out, n)[:TODAY_ROWS])
    return out


# --- registering a parsed letter ---------------------------------------------------------------

def register_parsed(ws: Workspace, path: Path, parsed, *, channel: str, received: dt.date,
                    force: bool = False, corrections: dict[str, Any] | None = None):
    """``docgen.intake.pipeline.register_parsed`` when present, else the steps of intake_file
    with the clerk's corrections applied before the case is stored."""
    real = _optional("docgen.intake.pipeline", "register_parsed")
    if real is not None:
        return real(ws, path, parsed, channel=channel, received=received, force=force,
                    corrections=corrections)
    from docgen.editing import set_value
    from docgen.fileio import sha256_file
    from docgen.intake.idnumber import check_id
    from docgen.intake.pipeline import AlreadyRegistered, case_from_fields
    from docgen.registration import register_case

    path = Path(path)
    digest = sha256_file(path)
    if not force:
        dup = ws.registry.find_original_by_sha(digest)
        if dup:
            raise AlreadyRegistered(path, dup[1])
    case = case_from_fields(parsed.fields, parsed.extracted.text, channel=channel, received=received)
    case.extra.update({"source_file": path.name, "ocr": parsed.extracted.ocr,
                       "pages": parsed.extracted.pages})
    if parsed.extracted.warnings:
        case.extra["intake_warnings"] = list(parsed.extracted.warnings)
    for name, value in (corrections or {}).items():
        set_value(case, name, value)
        if name == "petitioner.id_number":
            check = check_id(value) if value else None
            case.petitioner.id_number = check.number if check else None
            case.petitioner.id_valid = check.valid if check else None
            case.extra.pop("id_problem", None)
            if check and not check.valid:
                case.extra["id_problem"] = check.reason
    if corrections:
        case.extra["edited"] = sorted(corrections)
    return register_case(ws, case, original=path, sha256=digest,
                         detail=f"{channel}登记：{path.name}",
                         event_data={"file": path.name, "sha256": digest,
                                     "ocr": parsed.extracted.ocr})


# --- bodies used before -----------------------------------------------------------------------

_BODIES: dict[str, tuple[int, Counter]] = {}
_BODIES_LOCK = threading.Lock()


def known_bodies(ws: Workspace, limit: int = 200) -> list[str]:
    """The bodies cases were assigned or forwarded to before, most used first (the 交办/转送
    form offers them).

    Counted once per process and then only over the events added since (events are only ever
    appended): reading every event's JSON took 0.36 s per case page at 100,000 cases."""
    key = str(ws.registry_path)
    conn = ws.registry.conn
    newest = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    with _BODIES_LOCK:
        last, counts = _BODIES.get(key, (0, Counter()))
    if newest < last:                 # a registry restored from an older copy: count again
        last, counts = 0, Counter()
    if newest > last:
        counts = Counter(counts)
        for (body,) in conn.execute(
                "SELECT json_extract(data, '$.to') FROM events WHERE id > ? AND id <= ? "
                "AND kind IN ('交办', '转送')", (last, newest)):
            if isinstance(body, str) and body.strip():
                counts[body.strip()] += 1
        with _BODIES_LOCK:
            _BODIES[key] = (newest, counts)
    return [b for b, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def check_date(text: str | None, what: str, *, default: dt.date | None = None) -> dt.date | None:
    """A ``YYYY-MM-DD`` typed in a form: the same range checks as ``--date`` on the command line."""
    from docgen import date_limits

    value = (text or "").strip()
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise DocgenError(f"{what}格式应为 YYYY-MM-DD（实际为 {value}）") from None
    return date_limits.check_happened(day, what)
