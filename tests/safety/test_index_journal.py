"""Issue 9 item 7: a command killed between the registry's commit and the index update leaves
nothing that the next command does not repair by itself.

"Killed after the commit" is reproduced exactly by writing through the registry alone (what a
process has done when it dies right after COMMIT); the crash test (test_crash.py) kills real
processes at measured moments."""

from __future__ import annotations

import datetime as dt
import json

from docgen.cli.workspace import ensure_index
from docgen.models import Case, Event, Petitioner
from docgen.workspace import Workspace

LETTER = "县人大常委会：\n我叫{name}，反映{issue}的问题，请求依法处理。\n反映人：{name}\n2026年10月8日\n"


def _commit_without_index(ws_root, name: str, issue: str) -> str:
    """Register a case the way a process killed after its commit leaves it."""
    reg = Workspace.open(ws_root).registry
    try:
        with reg.transaction():
            case = reg.add_case(Case(case_no="", received_date=dt.date(2026, 10, 10), channel="来信",
                                     petitioner=Petitioner(name=name), text=issue,
                                     summary=issue))
            reg.add_event(Event(case_id=case.id, kind="登记", date=case.received_date,
                                detail="来信登记"))
        return case.case_no
    finally:
        reg.close()


def _pending(ws) -> int:
    from docgen.index import journal  # imported here: the test runs on older code too
    return journal.count(ws.registry.conn)


def _found(docgen, *args) -> list[str]:
    return [h["case_no"] for h in docgen.json("search", *args, "--limit", "1000")["hits"]]


def test_every_registry_change_is_marked_in_the_same_transaction(ws):
    from docgen.index import journal
    reg = ws.registry
    case_no = _commit_without_index(ws.root, "张三", "拖欠征地补偿款")
    entries = journal.pending(reg.conn)
    assert [e.case_no for e in entries] == [case_no]          # one entry for case + event
    with reg.transaction():
        case = reg.get_case(case_no)
        case.summary = "拖欠征地补偿款（更正）"
        reg.update_case(case)
    assert journal.count(reg.conn) == 1 and journal.pending(reg.conn)[0].seq > entries[0].seq
    try:
        with reg.transaction():
            reg.add_event(Event(case_id=case.id, kind="转办", date=dt.date(2026, 10, 11)))
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert journal.pending(reg.conn)[0].seq == journal.counter(reg.conn)  # no mark survived


def test_search_finds_a_case_committed_before_a_kill(docgen, ws):
    ensure_index(ws)
    case_no = _commit_without_index(ws.root, "张三", "某镇人民政府拖欠征地补偿款")
    assert _found(docgen, "征地补偿") == [case_no]             # no manual rebuild
    assert _pending(ws) == 0


def test_index_status_reports_the_gap_and_repairs_it(docgen, ws):
    ensure_index(ws)
    _commit_without_index(ws.root, "张三", "拖欠征地补偿款")
    _commit_without_index(ws.root, "李四", "噪声扰民")
    before = docgen("index", "status", "--no-repair", "--json")
    data = json.loads(before.stdout)
    assert data["pending"] == 2 and not data["ok"] and data["count"] == 0
    text = docgen("index", "status")
    assert text.exit_code == 0
    assert "缺少 2 件案件的最近更改" in text.stdout and "已补写 2 件" in text.stdout
    after = docgen.json("index", "status")
    assert after["ok"] and after["count"] == 2 and after["pending"] == 0


def test_next_writing_command_catches_up(docgen, ws, tmp_path):
    ensure_index(ws)
    lost = _commit_without_index(ws.root, "张三", "拖欠征地补偿款")
    letter = tmp_path / "来信.txt"
    letter.write_text(LETTER.format(name="李四", issue="某村委会侵占集体土地"), encoding="utf-8")
    assert docgen("intake", letter, "--received", "2026-10-11").exit_code == 0
    idx_count = docgen.json("index", "status", "--no-repair")
    assert idx_count["pending"] == 0 and idx_count["count"] == 2
    assert lost in _found(docgen, "征地")


def test_rebuild_leaves_the_journal_consistent(docgen, ws):
    ensure_index(ws)
    _commit_without_index(ws.root, "张三", "拖欠征地补偿款")
    assert _pending(ws) == 1
    assert docgen("index", "rebuild").exit_code == 0
    assert _pending(ws) == 0
    status = docgen.json("index", "status", "--no-repair")
    assert status["ok"] and status["count"] == 1


def test_a_case_gone_from_the_registry_is_dropped_from_the_index(docgen, ws):
    """A registry restored from an older copy: the index holds cases it no longer has."""
    ensure_index(ws)
    keep = _commit_without_index(ws.root, "张三", "拖欠征地补偿款")
    gone = _commit_without_index(ws.root, "李四", "噪声扰民")
    assert sorted(_found(docgen, "--from", "2026-01-01")) == [keep, gone]
    reg = ws.registry
    with reg.transaction() as c:        # as if the second case had never been registered
        case_id = reg.get_case(gone).id
        c.execute("DELETE FROM events WHERE case_id = ?", (case_id,))
        c.execute("DELETE FROM cases WHERE id = ?", (case_id,))
    report = docgen("index", "status")
    assert "不一致" in report.stdout and "已从登记库重建" in report.stdout
    assert _found(docgen, "--from", "2026-01-01") == [keep]
