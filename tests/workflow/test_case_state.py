"""The derived case state (docgen.case_state): lists and 今日 served from it, equal to a replay."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from docgen import case_state, casefile, workflow
from docgen.casefile import case_view, query_cases
from docgen.dashboard import today
from docgen.errors import DocgenError
from docgen.models import Event
from docgen.workspace import Workspace

D = dt.date.fromisoformat


def _replayed(ws, day: dt.date) -> dict[str, casefile.CaseView]:
    """Every case received by ``day`` as ``show --as-of`` sees it (the replay, the truth)."""
    out = {}
    for case in ws.registry.list_cases():
        if case.received_date <= day:
            out[case.case_no] = case_view(ws, case.case_no, as_of=day)
    return out


def _nos(result: tuple[int, list]) -> list[str]:
    total, views = result
    assert total == len(views)
    return [v.case.case_no for v in views]


@pytest.fixture
def office(ws, new_case):
    """A few cases in every state, March to June 2024."""
    c = {}
    c["unrouted"] = new_case("2024-03-01").case_no
    c["proposed"] = new_case("2024-03-02").case_no
    workflow.decide(ws, c["proposed"], proposal="拟交县住建局办理", on=D("2024-03-03"))
    c["instructed"] = new_case("2024-03-02").case_no
    workflow.decide(ws, c["instructed"], proposal="拟交县住建局", on=D("2024-03-03"))
    workflow.decide(ws, c["instructed"], instruction="同意", leader="李主任", on=D("2024-03-04"))
    c["assigned"] = new_case("2024-03-04").case_no
    workflow.transfer(ws, c["assigned"], to="县住建局", on=D("2024-03-05"), letter=False)
    c["forwarded"] = new_case("2024-03-04").case_no
    workflow.transfer(ws, c["forwarded"], to="县法院", mode="转送", on=D("2024-03-05"), letter=False)
    c["closed"] = new_case("2024-03-04").case_no
    workflow.transfer(ws, c["closed"], to="县教育局", on=D("2024-03-05"), letter=False)
    workflow.close(ws, c["closed"], result="已解决", on=D("2024-04-10"))
    c["late"] = new_case("2024-06-01").case_no
    return c


FILTERS = [
    {}, {"overdue": True}, {"due_within": 3}, {"due_within": 60}, {"status": "已交办"},
    {"status": "已登记"}, {"awaiting": "拟办"}, {"awaiting": "批示"},
    {"overdue_kind": "转送交办期限"}, {"overdue_kind": "交办办理期限"},
]


def _expected(views: dict[str, casefile.CaseView], day: dt.date, f: dict) -> list[str]:
    out = []
    for no, v in views.items():
        s = v.state
        if f.get("status") and s.status != f["status"]:
            continue
        if f.get("overdue") and not s.overdue_on(day):
            continue
        if "due_within" in f and (s.due_date is None or s.due_date > day + dt.timedelta(days=f["due_within"])):
            continue
        if "overdue_kind" in f and not any(d.kind == f["overdue_kind"] and d.due_date < day
                                           for d in s.open_deadlines):
            continue
        if "awaiting" in f:
            kinds = {e.kind for e in v.events}
            waits = None if s.status != "已登记" or "批示" in kinds else ("批示" if "拟办" in kinds else "拟办")
            if waits != f["awaiting"]:
                continue
        out.append(no)
    return sorted(out, key=lambda n: (views[n].case.received_date, n))


@pytest.mark.parametrize("day", ["2024-03-01", "2024-03-04", "2024-03-19", "2024-05-07",
                                 "2024-06-30", "2025-01-01"])
def test_query_cases_equals_the_replay_on_every_day(ws, office, day):
    # the past days replay cases with later events; the later ones are served from the table
    day = D(day)
    views = _replayed(ws, day)
    for f in FILTERS:
        got = _nos(query_cases(ws, as_of=day, limit=None, newest_first=False, **f))
        assert got == _expected(views, day, f), f
        for v in query_cases(ws, as_of=day, limit=None, **f)[1]:
            truth = views[v.case.case_no].state
            assert (v.state.status, v.state.due_date, v.state.closed_date) == \
                (truth.status, truth.due_date, truth.closed_date)
            assert [d.to_json() for d in v.state.deadlines] == [d.to_json() for d in truth.deadlines]


def test_a_current_list_replays_nothing(ws, office, monkeypatch):
    query_cases(ws)                      # brings every row up to date (registration marks stale)
    calls = []
    real = workflow._machine
    monkeypatch.setattr(workflow, "_machine", lambda *a, **k: calls.append(a) or real(*a, **k))
    total, views = query_cases(ws, as_of=D("2025-01-01"))
    assert total == len(office) and calls == []
    today(ws, D("2025-01-01"))
    assert calls == []
    # a view of a day before some cases' later events replays those cases only
    query_cases(ws, as_of=D("2024-03-04"))
    assert 0 < len(calls) < len(office)


def test_every_step_rewrites_its_row_in_its_transaction(ws, new_case):
    no = new_case("2024-03-01").case_no
    reg = ws.registry
    case = reg.get_case(no)

    def row():
        return reg.conn.execute("SELECT * FROM case_state WHERE case_id = ?", (case.id,)).fetchone()

    assert row()["stale"] == 1          # registered elsewhere: marked by the trigger
    workflow.transfer(ws, no, to="县住建局", on=D("2024-03-05"), letter=False)
    r = row()
    assert r["stale"] == 0 and r["status"] == "已交办" and r["route_to"] == "县住建局"
    assert r["assign_due"] == r["due_date"] and r["route_due"] is None
    workflow.extend(ws, no, days=30, reason="情况复杂", on=D("2024-04-20"))
    assert row()["assign_due"] > r["assign_due"]
    workflow.close(ws, no, result="已解决", on=D("2024-05-01"))
    r = row()
    assert (r["stale"], r["status"], r["due_date"], r["closed_date"]) == (0, "已办结", None, "2024-05-01")


def test_a_failed_step_leaves_the_row_as_it_was(ws, new_case):
    no = new_case("2024-03-01").case_no
    workflow.close(ws, no, result="已解决", on=D("2024-03-02"))
    before = dict(ws.registry.conn.execute("SELECT * FROM case_state").fetchone())
    with pytest.raises(DocgenError, match="不能重复办结"):
        workflow.close(ws, no, result="再次办结", on=D("2024-03-03"))
    assert dict(ws.registry.conn.execute("SELECT * FROM case_state").fetchone()) == before


def test_writes_outside_the_workflow_are_caught_by_the_triggers(ws, new_case):
    # a ledger import or a repair writing events and rows directly, without calling update
    no = new_case("2024-03-01").case_no
    assert query_cases(ws, status="已登记", as_of=D("2024-03-10"))[0] == 1
    reg = ws.registry
    case = reg.get_case(no)
    with reg.transaction():
        reg.add_event(Event(case_id=case.id, kind="交办", date=D("2024-03-05"),
                            data={"to": "县住建局"}))
    assert query_cases(ws, status="已交办", as_of=D("2024-03-10"))[0] == 1
    case.status, case.closed_date, case.result = "已办结", D("2024-03-08"), "已解决"
    reg.update_case(case)               # an imported closure (no 办结 event)
    assert _nos(query_cases(ws, status="已办结", as_of=D("2024-03-10"))) == [no]
    assert query_cases(ws, status="已交办", as_of=D("2024-03-06"))[0] == 1


def test_editing_the_holiday_file_refreshes_the_state_lazily(ws, new_case):
    no = new_case("2024-03-01").case_no
    workflow.transfer(ws, no, to="县住建局", on=D("2024-03-04"), letter=False)
    due = query_cases(ws)[1][0].state.due_date
    assert due == D("2024-05-06")
    rules = ws.rules_dir
    rules.mkdir(parents=True, exist_ok=True)
    # the office's own 2024 (replacing the shipped year as a whole): the deadline moves
    (rules / "holidays.toml").write_text(
        '[2024]\noff = [ { name = "调整", start = 2024-05-06, end = 2024-05-08 } ]\n', encoding="utf-8")
    moved = case_view(ws, no).state.due_date
    assert moved != due
    assert query_cases(ws)[1][0].state.due_date == moved
    (rules / "holidays.toml").unlink()
    assert query_cases(ws)[1][0].state.due_date == D("2024-05-06")


def test_a_registry_without_the_triggers_is_rebuilt(ws, new_case):
    no = new_case("2024-03-01").case_no
    workflow.transfer(ws, no, to="县住建局", on=D("2024-03-04"), letter=False)
    reg = ws.registry
    with reg.transaction() as c:      # as code before the derived state left it
        for name in case_state.TRIGGERS:
            c.execute(f"DROP TRIGGER {name}")
        c.execute("DELETE FROM case_state")
        c.execute("UPDATE cases SET summary = '改过' WHERE case_no = ?", (no,))
    reg._case_state_ready = False
    assert _nos(query_cases(ws, status="已交办")) == [no]
    names = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert set(case_state.TRIGGERS) <= names


def test_paging_text_and_order(ws, new_case):
    nos = [new_case(f"2024-03-{d:02d}", name=f"王{d}").case_no for d in range(1, 13)]
    total, page = query_cases(ws, limit=5, offset=5)
    assert total == 12
    assert [v.case.case_no for v in page] == list(reversed(nos))[5:10]     # newest first
    assert [v.case.case_no for v in query_cases(ws, limit=3, newest_first=False)[1]] == nos[:3]
    assert _nos(query_cases(ws, text="王1")) == [nos[11], nos[10], nos[9], nos[0]]
    assert query_cases(ws, text="100%")[0] == 0
    with pytest.raises(DocgenError, match="awaiting"):
        query_cases(ws, awaiting="签发")


def test_dashboard_counts_and_lists(ws, office):
    board = today(ws, D("2024-03-20"))
    assert board.counts["overdue_routing"] == 3          # unrouted, proposed, instructed
    assert {v.case.case_no for v in board.overdue_routing} == \
        {office["unrouted"], office["proposed"], office["instructed"]}
    assert board.counts["overdue_results"] == 0
    assert [v.case.case_no for v in board.awaiting_proposal] == [office["unrouted"]]
    assert [v.case.case_no for v in board.awaiting_instruction] == [office["proposed"]]
    assert board.counts["new"] == 0
    later = today(ws, D("2024-06-03"))
    assert {v.case.case_no for v in later.overdue_results} == {office["assigned"]}
    assert [v.case.case_no for v in later.new] == [office["late"]]
    soon = today(ws, D("2024-06-12"))       # its routing deadline falls on 2024-06-17
    assert soon.counts["due_soon"] == 1 and soon.due_soon[0].case.case_no == office["late"]
    json.dumps(later.to_json(), ensure_ascii=False)
    assert "待拟办" in later.to_text()


def test_pages_merge_the_replayed_cases_in_order(ws, new_case):
    # every other case has a later step, so a past day replays half of them: each page of
    # every size equals the same page of the full list
    nos = []
    for d in range(1, 15):
        no = new_case(f"2024-03-{d:02d}").case_no
        nos.append(no)
        if d % 2:
            workflow.transfer(ws, no, to="县住建局", on=D("2024-04-20"), letter=False)
    day = D("2024-04-01")
    for newest in (True, False):
        full = _nos(query_cases(ws, as_of=day, limit=None, newest_first=newest))
        assert full == (list(reversed(nos)) if newest else nos)
        for size in (1, 3, 5, 14, 20):
            for offset in range(0, 16):
                total, views = query_cases(ws, as_of=day, limit=size, offset=offset,
                                           newest_first=newest)
                assert total == 14
                assert [v.case.case_no for v in views] == full[offset:offset + size], (size, offset)


def test_today_command(docgen, office):
    out = docgen.json("today", "--as-of", "2024-03-20", "--rows", "2")
    assert out["counts"]["overdue_routing"] == 3 and len(out["overdue_routing"]) == 2
    assert out["counts"]["awaiting_proposal"] == 1
    text = docgen("today", "--as-of", "2024-03-20")
    assert text.exit_code == 0 and "超期未交办" in text.output and "待批示" in text.output


def test_a_history_that_cannot_be_replayed_does_not_break_the_lists(ws, new_case, capsys):
    good = new_case("2024-03-01").case_no
    bad = new_case("2024-03-02").case_no
    reg = ws.registry
    case = reg.get_case(bad)
    with reg.transaction():     # a 交办 written by hand with a period that is not a number
        reg.add_event(Event(case_id=case.id, kind="交办", date=D("2024-03-05"),
                            data={"to": "县住建局", "days": "六十"}))
    total, views = query_cases(ws, as_of=D("2024-03-10"))
    assert total == 2 and {v.case.case_no for v in views} == {good, bad}
    assert f"案件 {bad} 的办理经过无法重演" in capsys.readouterr().err


def test_a_table_of_the_first_version_gets_the_text_column(ws, new_case):
    no = new_case("2024-03-01", name="欧阳某").case_no
    reg = ws.registry
    query_cases(ws)
    old = [col for col in case_state._COLUMNS if col != "haystack"]
    with reg.transaction() as c:        # case_state as the first version made it, up to date
        c.execute("ALTER TABLE case_state RENAME TO cs_new")
        c.execute("CREATE TABLE case_state (case_id INTEGER PRIMARY KEY, stale INTEGER NOT NULL "
                  "DEFAULT 1, " + ", ".join(f"{col} TEXT" for col in old) + ")")
        c.execute(f"INSERT INTO case_state SELECT case_id, stale, {', '.join(old)} FROM cs_new")
        c.execute("DROP TABLE cs_new")
    again = Workspace.open(ws.root)    # the registry opens (SCHEMA runs) over the old table
    assert _nos(query_cases(again, text="欧阳")) == [no]


def test_a_correction_shows_in_the_list_at_once(ws, new_case):
    from docgen.editing import edit_case

    no = new_case("2024-03-01", name="张三").case_no
    query_cases(ws)
    edit_case(ws, no, {"petitioner.name": "章三"}, reason="姓名识别有误", on=D("2024-03-05"))
    row = ws.registry.conn.execute("SELECT stale, haystack FROM case_state").fetchone()
    assert row["stale"] == 0 and "章三" in row["haystack"]
    assert _nos(query_cases(ws, text="章三")) == [no]
    assert query_cases(ws, text="章三")[1][0].case.petitioner.name == "章三"
    # the day before the correction the list shows the old name (the --as-of path)
    assert query_cases(ws, as_of=D("2024-03-04"))[1][0].case.petitioner.name == "张三"


# --- the due-date lists (今日's "due within 7 days", the overdue lists) ------------------------

@pytest.fixture
def busy_office(ws, new_case):
    """Twenty cases, March to June 2024, in every state, their deadlines spread over the months."""
    nos = []
    for i in range(20):
        received = D("2024-03-01") + dt.timedelta(days=5 * i)
        no = new_case(received.isoformat(), name=f"王{i}").case_no
        nos.append(no)
        step = received + dt.timedelta(days=2 + i % 3)
        if i % 5 == 1:
            workflow.transfer(ws, no, to="县住建局", on=step, letter=False, days=20 + i)
        elif i % 5 == 2:
            workflow.transfer(ws, no, to="县教育局", on=step, letter=False)
            workflow.close(ws, no, result="已解决", on=step + dt.timedelta(days=12))
        elif i % 5 == 3:
            workflow.decide(ws, no, proposal="拟交县住建局办理", on=step)
        elif i % 5 == 4:
            workflow.transfer(ws, no, to="县法院", mode="转送", on=step, letter=False)
    return nos


DUE_FILTERS = [
    {"due_within": 7, "due_from": None}, {"overdue": True}, {"due_within": 30},
    {"due_from": None}, {"overdue": True, "due_within": 7},
    {"overdue_kind": "转送交办期限"}, {"overdue_kind": "交办办理期限"}, {"overdue_kind": "复查复核期限"},
    {"overdue_kind": "转送交办期限", "status": "已登记"}, {"due_within": 60, "text": "王1"},
]
DAYS = ["2024-03-10", "2024-03-25", "2024-04-02", "2024-04-22", "2024-05-24", "2024-06-20", "2025-01-01"]


def _expected_due(views, day: dt.date, f: dict) -> list[str]:
    out = []
    for no in _expected(views, day, {k: v for k, v in f.items() if k not in ("due_from", "text")}):
        s = views[no].state
        if "due_from" in f and (s.due_date is None or s.due_date < f["due_from"]):
            continue
        if "text" in f and f["text"] not in views[no].case.petitioner.name:
            continue
        out.append(no)
    return out


@pytest.mark.parametrize("walk", ["due index", "list index", "chosen"])
@pytest.mark.parametrize("day", DAYS)
def test_due_date_lists_equal_the_replay_whichever_index_is_walked(ws, busy_office, monkeypatch,
                                                                    day, walk):
    # the page of a due-date filter is read from that date's index or by walking the list
    # index (casefile.walk_due_index decides from the count): both give the replay's cases in
    # the list's order, with every page size and offset; past days merge replayed cases in
    if walk != "chosen":
        monkeypatch.setattr(casefile, "walk_due_index", lambda *a: walk == "due index")
    day = D(day)
    views = _replayed(ws, day)
    for f in DUE_FILTERS:
        f = {k: (day if k == "due_from" else v) for k, v in f.items()}
        want = _expected_due(views, day, f)
        assert _nos(query_cases(ws, as_of=day, limit=None, newest_first=False, **f)) == want, f
        newest = list(reversed(want))
        for size, offset in ((3, 0), (3, 2), (5, 5), (20, 0), (2, len(want))):
            total, page = query_cases(ws, as_of=day, limit=size, offset=offset, **f)
            assert total == len(want), f
            assert [v.case.case_no for v in page] == newest[offset:offset + size], (f, size, offset)
            for v in page:
                truth = views[v.case.case_no].state
                assert (v.state.status, v.state.due_date) == (truth.status, truth.due_date)


@pytest.mark.parametrize("day", DAYS)
def test_today_equals_the_replay(ws, busy_office, day):
    """Every list of 今日 and every count at its top, against a replay of every case."""
    from docgen import dashboard

    day = D(day)
    views = _replayed(ws, day)
    rows = 3
    board = today(ws, day, rows=rows)
    expect = {
        "new": [n for n in _expected(views, day, {})
                if views[n].case.received_date >= day - dt.timedelta(days=dashboard.NEW_DAYS - 1)],
        "due_soon": _expected_due(views, day, {"due_within": dashboard.DUE_DAYS, "due_from": day}),
        "overdue": _expected(views, day, {"overdue": True}),
        "overdue_routing": _expected(views, day, {"overdue_kind": "转送交办期限"}),
        "overdue_results": _expected(views, day, {"overdue_kind": "交办办理期限"}),
        "overdue_review": _expected(views, day, {"overdue_kind": "复查复核期限"}),
        "overdue_notice": [],               # the 告知期限 is not tracked by default
        "awaiting_proposal": _expected(views, day, {"awaiting": "拟办"}),
        "awaiting_instruction": _expected(views, day, {"awaiting": "批示"}),
    }
    assert set(expect) == {name for name, _ in dashboard.SECTIONS}
    for name, want in expect.items():
        assert board.counts[name] == len(want), name
        assert [v.case.case_no for v in getattr(board, name)] == list(reversed(want))[:rows], name
    assert sum(board.counts.values()) > 0


@pytest.mark.parametrize("due_index", [True, False])
def test_a_due_list_never_skip_scans_whatever_the_statistics(ws, busy_office, monkeypatch,
                                                             due_index):
    # statistics taken while every row was stale (all columns alike: what bench_state.py did)
    # made SQLite walk the whole list index with a skip-scan for an empty "due within 7 days"
    # (0.4 s at 100,000 cases); the page now walks the due index, or the list index in order
    monkeypatch.setattr(casefile, "walk_due_index", lambda *a: due_index)
    reg = ws.registry
    with reg.transaction() as c:
        c.execute("UPDATE case_state SET stale = 1, received_date = '', case_no = '', status = NULL, "
                  "due_date = NULL")
    reg.conn.execute("ANALYZE")
    # as that workspace's statistics read at 100,000 cases: one value in each indexed column
    with reg.transaction() as c:
        for index, stat in c.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'case_state' "
                                     "AND idx IS NOT NULL").fetchall():
            c.execute("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?",
                      (" ".join(["100000"] * len(stat.split())), index))
    reg.conn.execute("ANALYZE sqlite_schema")          # reloads the statistics
    day = D("2024-03-25")
    views = _replayed(ws, day)
    want = _expected_due(views, day, {"due_within": 7, "due_from": day})
    assert 0 < len(want) < 5
    seen: list[str] = []
    reg.conn.set_trace_callback(seen.append)
    try:
        total, page = query_cases(ws, as_of=day, limit=20, due_within=7, due_from=day)
    finally:
        reg.conn.set_trace_callback(None)
    assert total == len(want) and [v.case.case_no for v in page] == list(reversed(want))
    [sql] = [q for q in seen if q.startswith("SELECT s.case_id, s.received_date") and "ORDER BY" in q]
    plan = " ".join(r[3] for r in reg.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert ("case_state_due " if due_index else "case_state_list ") in plan, plan
    assert "ANY(" not in plan, plan
    # the statement as it was, left to the planner: the skip-scan
    before = sql.replace("+s.", "s.").replace(" INDEXED BY case_state_due", "")
    assert "ANY(" in " ".join(r[3] for r in reg.conn.execute("EXPLAIN QUERY PLAN " + before))


def test_which_index_a_due_list_walks():
    # 100,000 cases, a page of 20: a few matches are read from the due index; many are found
    # sooner walking the list in order
    assert casefile.walk_due_index(0, 100_000, 0)
    assert casefile.walk_due_index(5, 100_000, 5)
    assert casefile.walk_due_index(200, 100_000, 20)
    assert not casefile.walk_due_index(916, 100_000, 20)
    assert not casefile.walk_due_index(34_000, 100_000, 20)
    assert not casefile.walk_due_index(34_000, 100_000, 34_000)      # every match, in order
    assert casefile.walk_due_index(3_000, 100_000, 3_000)
