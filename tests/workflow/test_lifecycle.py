"""A case through its whole life, entered after the fact with --date, replayed with --as-of."""

from __future__ import annotations

import hashlib
from pathlib import Path

from docgen import workflow


def show(docgen, case_no: str, as_of: str) -> dict:
    return docgen.json("show", case_no, "--as-of", as_of)


def open_kinds(view: dict) -> list[str]:
    """Open deadlines that count for due_date/overdue (the 告知期限 is only shown by default)."""
    return [d["kind"] for d in view["deadlines"] if not d["met"] and d["tracked"]]


def test_whole_life_replays_day_by_day(docgen, new_case, tmp_path):
    case = new_case("2024-09-20")
    no = case.case_no
    assert docgen("decide", no, "--proposal", "建议交某镇人民政府办理", "--date", "2024-09-21",
                  "--by", "李主任").exit_code == 0
    assert docgen("decide", no, "--instruction", "同意", "--leader", "王副主任",
                  "--date", "2024-09-23").exit_code == 0
    routed = docgen.json("transfer", no, "--to", "某镇人民政府", "--date", "2024-09-25")
    assert routed["status"] == "已交办"
    assert routed["due_date"] == "2024-11-25"       # 60 days end on Sunday 24 November
    assert docgen("extend", no, "--days", "20", "--reason", "涉及多个部门，需补充调查",
                  "--date", "2024-11-20").exit_code == 0
    report = tmp_path / "结果报告.txt"
    report.write_text("已发放补偿款。", encoding="utf-8")
    assert docgen("attach", no, report, "--kind", "办理结果报告", "--date", "2024-12-10").exit_code == 0
    assert docgen("close", no, "--result", "补偿款已发放", "--satisfaction", "基本满意",
                  "--date", "2024-12-20").exit_code == 0

    day1 = show(docgen, no, "2024-09-22")
    assert day1["status"] == "已登记"
    assert day1["due_date"] == "2024-10-08"          # route: 15 days end in 国庆, moved on
    assert day1["extra"]["proposal"] == "建议交某镇人民政府办理"   # the row itself is not replayed
    assert [e["kind"] for e in day1["events"]] == ["登记", "拟办"]

    routed_day = show(docgen, no, "2024-09-25")
    assert routed_day["status"] == "已交办"
    assert open_kinds(routed_day) == ["交办办理期限"]
    assert routed_day["due_date"] == "2024-11-25"

    before_extension = show(docgen, no, "2024-11-19")
    assert before_extension["due_date"] == "2024-11-25"
    extended = show(docgen, no, "2024-11-26")
    assert extended["due_date"] == "2024-12-16"      # +20 days: Sunday 15 December, moved on
    assert "延期 20 日" in extended["deadlines"][-1]["explanation"]
    assert extended["overdue"] is False

    reported = show(docgen, no, "2024-12-10")
    assert reported["status"] == "已报结果"
    assert reported["due_date"] is None
    assert reported["closed_date"] is None

    closed = show(docgen, no, "2024-12-20")
    assert closed["status"] == "已办结"
    assert closed["closed_date"] == "2024-12-20"
    assert closed["satisfaction"] == "基本满意"
    assert closed["result"] == "补偿款已发放"
    assert all(d["met"] for d in closed["deadlines"])

    # the case row caches the latest state
    now = docgen.json("show", no)
    assert now["status"] == "已办结" and now["closed_date"] == "2024-12-20"


def test_transfer_writes_the_letter_as_a_file_of_the_case(docgen, new_case, ws):
    no = new_case("2024-03-01").case_no
    out = docgen.json("transfer", no, "--to", "县人力资源和社会保障局", "--date", "2024-03-04")
    assert len(out["files"]) == 1
    path = Path(out["files"][0])
    assert path.is_file() and path.suffix == ".docx"
    assert path.parent == ws.case_dir(no) / "documents"
    stored = [f for f in ws.registry.files(ws.registry.get_case(no).id) if f.role == "document"]
    assert [f.kind for f in stored] == ["交办函"]
    assert stored[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert out["event"]["data"]["doc_no"] == "示人大信〔2024〕1号"

    import docx

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "县人力资源和社会保障局" in text and "2024年5月6日" in text    # 60 days: 3 May is 劳动节


def test_forward_has_no_deadline_on_the_office_side(docgen, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("transfer", no, "--to", "县法院", "--mode", "转送", "--date", "2024-03-04")
    assert out["status"] == "已转送"
    assert out["due_date"] is None
    assert [d["kind"] for d in out["deadlines"] if d["tracked"]] == ["转送交办期限"]
    # the 告知期限 is listed for the clerk, but counts for nothing on the office's side
    assert [d["kind"] for d in out["deadlines"] if not d["tracked"]] == ["告知期限"]
    assert "转送函" in Path(out["files"][0]).name


def test_assign_days_option_sets_the_period(docgen, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("transfer", no, "--to", "县住建局", "--days", "30", "--date", "2024-03-04")
    assert out["due_date"] == "2024-04-03"
    assert "期限 30 日" in out["deadlines"][-1]["explanation"]


def test_direct_decisions_meet_the_routing_deadline(docgen, new_case):
    for cmd, extra, status in (("reply", ["--text", "已当面解释政策"], "已答复"),
                               ("notify", [], "已告知"),
                               ("reject", ["--reason", "已经复核，不再受理"], "不予受理"),
                               ("file", [], "存档备查")):
        no = new_case("2024-03-01").case_no
        out = docgen.json(cmd, no, *extra, "--date", "2024-03-05")
        assert out["status"] == status, cmd
        assert out["due_date"] is None, cmd
        assert out["deadlines"][0]["met"] is True


def test_attach_keeps_files_byte_for_byte(docgen, new_case, ws, tmp_path):
    no = new_case("2024-03-01").case_no
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(bytes(range(256)) * 10)
    out = docgen.json("attach", no, photo, photo, "--kind", "其他", "--date", "2024-03-02")
    assert out["status"] == "已登记"
    stored = [Path(p) for p in out["files"]]
    assert len(stored) == 2 and stored[0] != stored[1]          # same name twice: both kept
    for p in stored:
        assert p.read_bytes() == photo.read_bytes()
        assert p.is_relative_to(ws.case_dir(no))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert [f["sha256"] for f in out["stored_files"]] == [digest, digest]
    assert all(f["role"] == "attachment" for f in out["stored_files"])


def test_closing_an_assignment_without_report_is_noted(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    result = docgen("close", no, "--result", "电话回访，问题已解决", "--date", "2024-04-01", "--json")
    assert result.exit_code == 0
    out = __import__("json").loads(result.stdout)
    assert out["status"] == "已办结"
    assert out["event"]["data"]["without_report"] is True
    assert "未收到办理结果报告" in out["event"]["detail"]
    assert "未收到办理结果报告" in result.stderr


def test_reopen_for_review_starts_a_review_period(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    docgen.json("close", no, "--result", "已答复", "--satisfaction", "不满意", "--date", "2024-04-01")
    out = docgen.json("reopen", no, "--kind", "复查", "--reason", "对处理意见不服", "--date", "2024-04-10")
    assert out["status"] == "已交办"
    assert out["closed_date"] is None and out["satisfaction"] is None
    assert out["due_date"] == "2024-05-10"
    assert "复查申请日 2024年4月10日" in out["deadlines"][-1]["explanation"]
    # before the reopening the case was closed
    assert docgen.json("show", no, "--as-of", "2024-04-09")["status"] == "已办结"


def test_review_rules(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("reply", no, "--text", "已答复", "--date", "2024-03-02")
    docgen.json("close", no, "--result", "已答复", "--date", "2024-03-03")
    result = docgen("reopen", no, "--kind", "复核", "--reason", "不服", "--date", "2024-03-10")
    assert result.exit_code == 1 and "尚未复查" in result.stderr
    docgen.json("reopen", no, "--kind", "复查", "--reason", "不服", "--date", "2024-03-10")
    docgen.json("close", no, "--result", "维持原意见", "--date", "2024-03-20")
    docgen.json("reopen", no, "--kind", "复核", "--reason", "仍不服", "--date", "2024-03-25")
    docgen.json("close", no, "--result", "维持", "--date", "2024-04-10")
    result = docgen("reopen", no, "--kind", "复查", "--reason", "再次", "--date", "2024-05-01")
    assert result.exit_code == 1 and "已经复核" in result.stderr


def test_supervise_and_flags(docgen, new_case, ws):
    no = new_case("2024-03-01").case_no
    out = docgen.json("supervise", no, "--leader", "王副主任", "--responsible", "赵科长",
                      "--date", "2024-03-02")
    assert "重点督办" in out["flags"]
    out = docgen.json("flag", no, "--add", "越级", "--add", "涉法涉诉", "--date", "2024-03-02")
    assert {"重点督办", "越级", "涉法涉诉"} <= set(out["flags"])
    case = ws.registry.get_case(no)
    assert case.legal is True
    assert case.extra["supervisor"] == "王副主任" and case.extra["responsible"] == "赵科长"
    out = docgen.json("flag", no, "--remove", "越级")
    assert "越级" not in out["flags"]
    assert docgen("flag", no, "--add", "不存在的标记").exit_code == 1


def test_library_replay_matches_the_cli(docgen, new_case, ws):
    import datetime as dt

    no = new_case("2024-09-20").case_no
    workflow.transfer(ws, no, to="某镇人民政府", on=dt.date(2024, 9, 25))
    case = ws.registry.get_case(no)
    events = ws.registry.events(case.id)
    state = workflow.replay(ws, case, events, dt.date(2024, 9, 24))
    assert state.status == "已登记" and state.due_date == dt.date(2024, 10, 8)
    state = workflow.replay(ws, case, events, dt.date(2024, 12, 1))
    assert state.status == "已交办" and state.overdue_on(dt.date(2024, 12, 1))
    assert [d.kind for d in state.tracked_open_deadlines] == ["交办办理期限"]


def test_case_imported_closed_replays_and_can_be_reopened(docgen, ws):
    import datetime as dt

    from docgen.models import STATUS_CLOSED, Case, Petitioner
    from docgen.registration import register_case

    case = Case(case_no="", channel="来信", received_date=dt.date(2023, 5, 4),
                petitioner=Petitioner(name="钱七"), summary="台账导入", status=STATUS_CLOSED,
                closed_date=dt.date(2023, 6, 1), result="已答复", satisfaction="满意")
    no = register_case(ws, case).case.case_no
    assert docgen.json("show", no, "--as-of", "2023-05-31")["status"] == "已登记"
    closed = docgen.json("show", no, "--as-of", "2023-06-01")
    assert closed["status"] == "已办结" and closed["satisfaction"] == "满意"
    out = docgen.json("reopen", no, "--kind", "复查", "--reason", "不服", "--date", "2023-06-10")
    assert out["status"] == "已登记"
    kinds = [e["kind"] for e in docgen.json("show", no)["events"]]
    assert kinds == ["登记", "办结", "复查"]
    assert docgen.json("show", no, "--as-of", "2023-06-05")["status"] == "已办结"


def test_transfer_without_letter_records_only_the_routing(ws, new_case):
    import datetime as dt

    no = new_case("2024-03-01").case_no
    out = workflow.transfer(ws, no, to="县住建局", on=dt.date(2024, 3, 4), letter=False)
    assert out.files == [] and out.state.due_date == dt.date(2024, 5, 6)
    assert not (ws.case_dir(no) / "documents").exists()
