"""docs/cli.md, the command-line contract, checked from the outside through the real CLI.

Each test names the contract point it checks. Inputs are written here (plain-text letters,
visits from the command line, an .xlsx ledger), so these tests need no OCR.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

ID_A = "11010519491231002X"      # valid (docs/standards.md §4)
ID_B = "440524188001010014"      # valid
ID_BAD = "440524188001010015"    # check character wrong


def letter_file(folder: Path, name: str, body: str, *, who: str = "张三", id_number: str = ID_A,
                phone: str = "138-0013-8000", date: str = "二〇二六年九月十八日",
                encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(
        (f"尊敬的县人大常委会：\n我叫{who}，身份证号{id_number}，电话{phone}，"
         f"住址：示例县城关镇幸福路16栋3单元。\n{body}\n此致\n{who}\n{date}\n").encode(encoding))
    return path


def intake(docgen, path: Path, received: str) -> str:
    out = docgen.json("intake", str(path), "--received", received)
    assert out["errors"] == [], out
    return out["cases"][0]["case_no"]


def visit(docgen, name: str, received: str, persons: int = 1, content: str = "反映道路破损问题",
          id_number: str | None = None) -> str:
    args = ["visit", "--name", name, "--content", content, "--persons", str(persons),
            "--received", received]
    if id_number:
        args += ["--id", id_number]
    return docgen.json(*args)["cases"][0]["case_no"]


def no_traceback(result) -> None:
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


# --- --json: exactly one document on stdout, messages on stderr ----------------------------------

def test_every_data_command_prints_exactly_one_json_document(docgen, tmp_path):
    home = str(docgen.home)
    a = letter_file(tmp_path, "a.txt", "反映县住建局拖欠工程款问题。请求尽快支付。")
    report = tmp_path / "结果报告.txt"
    report.write_text("县住建局已支付工程款。", encoding="utf-8")
    form = tmp_path / "visit.json"
    form.write_text(json.dumps({"姓名": "王五", "反映内容": "反映噪音扰民", "人数": 2}, ensure_ascii=False),
                    encoding="utf-8")
    ledger = tmp_path / "台账.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "收到日期", "反映内容"])
    wb.active.append(["赵六", "2026/9/3", "反映拖欠工资"])
    wb.save(ledger)

    commands = [
        ("init",),
        ("parse", a),
        ("intake", a, "--received", "2026-09-01"),
        ("visit", "--name", "李四", "--content", "反映村道破损", "--received", "2026-09-02"),
        ("visit", "--form", form, "--received", "2026-09-02"),
        ("ledger", "import", ledger),
        ("show", "2026-0001"),
        ("list",),
        ("decide", "2026-0001", "--proposal", "建议交办县住建局", "--date", "2026-09-02"),
        ("transfer", "2026-0001", "--to", "县住建局", "--date", "2026-09-03"),
        ("extend", "2026-0001", "--days", "10", "--reason", "情况复杂", "--date", "2026-09-10"),
        ("remind", "--date", "2026-11-30"),
        ("letter", "来信登记处理单", "2026-0001", "-o", tmp_path / "处理单.docx"),
        ("attach", "2026-0001", report, "--kind", "办理结果报告", "--date", "2026-12-01"),
        ("close", "2026-0001", "--result", "已支付", "--satisfaction", "满意", "--date", "2026-12-02"),
        ("archive", "--year", "2026"),
        ("verify",),
        ("search", "工程款"),
        ("similar", "2026-0001"),
        ("stats", "--year", "2026"),
        ("ledger", "export", tmp_path / "导出.xlsx"),
        ("index", "rebuild"),
        ("templates", "list"),
    ]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for args in commands:
        proc = subprocess.run([sys.executable, "-m", "docgen", "--home", home, *map(str, args),
                               "--json"], capture_output=True, text=True, encoding="utf-8",
                              stdin=subprocess.DEVNULL, env=env, timeout=300)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        # exactly one JSON document: json.loads refuses anything before or after it
        doc = json.loads(proc.stdout)
        assert isinstance(doc, dict), args
        assert "Traceback" not in proc.stderr, (args, proc.stderr)


def test_messages_go_to_stderr_and_stdout_stays_json_in_a_batch_with_a_bad_file(docgen, tmp_path):
    good = letter_file(tmp_path, "good.txt", "反映县住建局拖欠工程款问题。")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = docgen("intake", good, empty, "--received", "2026-09-01", "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert [c["case_no"] for c in out["cases"]] == ["2026-0001"]
    assert out["cases"][0]["prior_cases"] == []
    assert out["errors"][0]["file"] == str(empty) and out["errors"][0]["message"]
    assert "empty.pdf" in result.stderr
    no_traceback(result)


# --- exit codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("show", "2026-9999"),
    ("close", "2026-9999", "--result", "x"),
    ("transfer", "2026-0001", "--to", ""),
    ("transfer", "2026-0001", "--to", "   "),
    ("letter", "不存在的文书", "2026-0001"),
    ("similar", "2026-9999"),
])
def test_user_and_data_problems_exit_1_with_a_chinese_message(docgen, args):
    visit(docgen, "李四", "2026-09-01")
    before = docgen.json("show", "2026-0001")
    result = docgen(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("错误：")
    no_traceback(result)
    after = docgen.json("show", "2026-0001")
    assert after["events"] == before["events"] and after["files"] == before["files"]


@pytest.mark.parametrize("args", [
    ("list", "--bogus"),
    ("transfer", "2026-0001", "--to", "县法院", "--date", "2026/13/01"),
    ("close", "2026-0001", "--result", "x", "--date", "2026-02-30"),
    ("list", "--as-of", "yesterday"),
    ("intake", "x.txt", "--received", "20260901"),      # ISO basic form: not YYYY-MM-DD
    ("list", "--as-of", "2026-W36-2"),                   # ISO week date: not YYYY-MM-DD
    ("nosuchcommand",),
])
def test_malformed_command_lines_exit_2(docgen, args):
    result = docgen(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    no_traceback(result)


def test_routing_or_closing_a_closed_case_is_refused_with_exit_1(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    docgen.json("close", case, "--result", "当场答复", "--date", "2026-09-02")
    before = docgen.json("show", case)
    for args in (("transfer", case, "--to", "县法院"), ("close", case, "--result", "再次")):
        result = docgen(*args, "--json")
        assert result.exit_code == 1 and "已于 2026-09-02 办结" in result.stderr
        assert result.stdout == ""
        no_traceback(result)
    assert docgen.json("show", case)["events"] == before["events"]


def test_verify_problems_exit_3_also_with_json_naming_package_and_file(docgen, ws, tmp_path):
    case = intake(docgen, letter_file(tmp_path, "a.txt", "反映噪音扰民。"), "2026-09-01")
    docgen.json("close", case, "--result", "当场答复", "--date", "2026-09-02")
    docgen.json("archive")
    packages = [p for p in (ws.archive_dir / "2026").iterdir() if p.is_dir()]
    assert len(packages) == 1
    damaged = next(p for p in (packages[0] / "data").rglob("*") if p.is_file()
                   and p.name != "metadata.json")
    damaged.write_bytes(damaged.read_bytes() + b"x")
    result = docgen("verify", "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["ok"] is False
    problem = report["problems"][0]
    assert problem["package"] == packages[0].name
    assert problem["file"] == damaged.relative_to(packages[0]).as_posix()


def test_commands_outside_a_workspace_exit_1_and_init_never_prompts(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("DOCGEN_HOME", None)
    letter = tmp_path.parent / "outside-letter.txt"
    letter.write_text("张三反映道路问题", encoding="utf-8")
    for args in (["list"], ["stats"], ["search", "x"], ["verify"], ["archive"], ["remind"],
                 ["parse", str(letter)], ["templates", "list"]):
        proc = subprocess.run([sys.executable, "-m", "docgen", *args, "--json"], cwd=tmp_path,
                              capture_output=True, text=True, encoding="utf-8", env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
        assert proc.returncode == 1, args
        assert "不是 docgen 工作区" in proc.stderr and proc.stdout == ""
    assert not any(tmp_path.iterdir())          # nothing created by a refused command
    proc = subprocess.run([sys.executable, "-m", "docgen", "init", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          stdin=subprocess.PIPE, timeout=120)   # an open, empty stdin: no prompt
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["created"] is True


# --- dates and --as-of -----------------------------------------------------------------------------

def test_as_of_shows_the_situation_at_the_end_of_that_day(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-03")
    docgen.json("close", case, "--result", "已解决", "--satisfaction", "满意", "--date", "2026-10-09")
    on_route_day = docgen.json("show", case, "--as-of", "2026-09-03")
    assert on_route_day["status"] == "已交办"
    assert [e["kind"] for e in on_route_day["events"]] == ["登记", "交办"]
    day_before = docgen.json("show", case, "--as-of", "2026-09-02")
    assert day_before["status"] == "已登记" and day_before["closed_date"] is None
    listed = docgen.json("list", "--as-of", "2026-09-02")["cases"]
    assert [(c["case_no"], c["status"]) for c in listed] == [(case, "已登记")]
    assert docgen.json("list", "--as-of", "2026-08-31")["cases"] == []
    stats = docgen.json("stats", "--as-of", "2026-10-08")
    assert stats["total"] == 1 and stats["closed"] == 0
    assert docgen.json("stats", "--as-of", "2026-10-09")["closed"] == 1


def test_show_as_of_a_day_before_the_case_was_received_is_refused(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    result = docgen("show", case, "--as-of", "2026-08-31")
    assert result.exit_code == 1 and "2026-09-01" in result.stderr
    no_traceback(result)


def test_list_as_of_does_not_show_routing_that_happened_later(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-03")
    before = docgen.json("list", "--as-of", "2026-09-02")["cases"][0]
    shown = docgen.json("show", case, "--as-of", "2026-09-02")
    for view in (before, shown):
        assert "县住建局" not in json.dumps(view.get("extra"), ensure_ascii=False)


def test_show_as_of_keeps_the_routing_of_that_day_but_not_later_steps(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-03")
    docgen.json("supervise", case, "--leader", "张主任", "--responsible", "王科长", "--date", "2026-09-10")
    shown = docgen.json("show", case, "--as-of", "2026-09-05")
    assert shown["extra"]["route_to"] == "县住建局"
    assert "supervisor" not in shown["extra"]
    assert docgen.json("show", case)["extra"]["supervisor"] == "张主任"


def test_received_and_date_default_to_today(docgen):
    today = dt.date.today().isoformat()
    case = visit(docgen, "李四", "2026-01-01")
    fresh = docgen.json("visit", "--name", "王五", "--content", "反映噪音")["cases"][0]
    assert fresh["received_date"] == today
    out = docgen.json("decide", case, "--proposal", "建议交办")
    assert out["event"]["date"] == today


# --- deadlines ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("received, due", [
    ("2026-09-20", "2026-10-08"),   # +15 = 10-05, 国庆 → next working day 10-08
    ("2026-09-05", "2026-09-20"),   # +15 = Sunday 09-20, a 调休 working day: stays
    ("2026-09-25", "2026-10-10"),   # +15 = Saturday 10-10, a 调休 working day: stays
    ("2026-09-12", "2026-09-28"),   # +15 = Sunday 09-27, 中秋 → Monday 09-28
    ("2026-03-02", "2026-03-17"),   # +15 = Tuesday: as is
    ("2026-06-06", "2026-06-22"),   # +15 = Sunday 06-21 端午 → Monday 06-22
])
def test_routing_is_due_15_days_after_receipt_moved_off_rest_days(docgen, received, due):
    case = visit(docgen, "李四", received)
    shown = docgen.json("show", case, "--as-of", received)
    assert shown["due_date"] == due
    (deadline,) = shown["deadlines"]
    assert deadline["kind"] and deadline["due_date"] == due and deadline["explanation"]


def test_assignment_is_due_60_days_after_the_assign_date(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    out = docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-21")
    assert out["due_date"] == "2026-11-20"            # Friday, first day not counted
    march = visit(docgen, "王五", "2025-03-01")
    out = docgen.json("transfer", march, "--to", "县住建局", "--date", "2025-03-05")
    assert out["due_date"] == "2025-05-06"            # 05-04 in 劳动节 (05-01..05) → 05-06
    shown = docgen.json("show", march, "--as-of", "2025-03-06")
    assert shown["due_date"] == "2025-05-06"
    kinds = {d["kind"]: d for d in shown["deadlines"]}
    assert any("交办" in k and d["due_date"] == "2025-05-06" and "2025" in d["explanation"]
               for k, d in kinds.items())


def test_a_forward_has_no_deadline_on_the_office_side(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    out = docgen.json("transfer", case, "--to", "县法院", "--mode", "转送", "--date", "2026-09-02")
    assert out["due_date"] is None
    assert docgen.json("show", case, "--as-of", "2027-06-01")["due_date"] is None
    assert docgen.json("list", "--overdue", "--as-of", "2027-06-01")["cases"] == []


def test_list_overdue_covers_routing_assignment_and_extension(docgen):
    unrouted = visit(docgen, "甲", "2026-03-02")                 # routing due 2026-03-17
    assigned = visit(docgen, "乙", "2026-03-02")
    docgen.json("transfer", assigned, "--to", "县住建局", "--date", "2026-03-03")   # due 2026-05-06
    extended = visit(docgen, "丙", "2026-03-02")
    docgen.json("transfer", extended, "--to", "县住建局", "--date", "2026-03-03")
    out = docgen.json("extend", extended, "--days", "20", "--reason", "情况复杂", "--date", "2026-04-20")
    ext_due = dt.date.fromisoformat(out["due_date"])
    assert ext_due > dt.date(2026, 5, 6)

    def overdue(day: str) -> set[str]:
        return {c["case_no"] for c in docgen.json("list", "--overdue", "--as-of", day)["cases"]}

    assert overdue("2026-03-17") == set()
    assert overdue("2026-03-18") == {unrouted}
    assert overdue("2026-05-07") == {unrouted, assigned}
    assert overdue((ext_due + dt.timedelta(days=1)).isoformat()) == {unrouted, assigned, extended}
    soon = {c["case_no"] for c in docgen.json("list", "--due-within", "3", "--as-of", "2026-05-04")["cases"]}
    assert assigned in soon and extended not in soon


def test_show_json_gives_the_nearest_open_deadline_or_null(docgen):
    case = visit(docgen, "李四", "2026-09-01")
    docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-02")
    shown = docgen.json("show", case, "--as-of", "2026-09-02")
    assert shown["due_date"] == "2026-11-02"     # +60 = Sunday 11-01 → Monday
    for d in shown["deadlines"]:
        assert set(d) >= {"kind", "due_date", "explanation"}
    docgen.json("close", case, "--result", "已解决", "--date", "2026-09-30")
    assert docgen.json("show", case, "--as-of", "2026-09-30")["due_date"] is None


# --- statistics ----------------------------------------------------------------------------------------

def test_statistics_definitions_on_a_hand_made_year(docgen, tmp_path, ws):
    a = intake(docgen, letter_file(tmp_path, "a.txt", "反映县住建局拖欠工程款。"), "2025-03-02")
    docgen.json("transfer", a, "--to", "县住建局", "--date", "2025-03-05")            # due 2025-05-06
    docgen.json("close", a, "--result", "已支付", "--satisfaction", "满意", "--date", "2025-05-06")
    b = intake(docgen, letter_file(tmp_path, "b.txt", "反映县法院执行难。", who="李四", id_number=ID_B,
                                   phone="13900139000"), "2025-04-01")
    docgen.json("transfer", b, "--to", "县法院", "--mode", "转送", "--date", "2025-04-02")
    docgen.json("close", b, "--result", "已转送", "--satisfaction", "未回访", "--date", "2025-04-10")
    c = visit(docgen, "王五", "2025-06-03", persons=6, content="反映征地补偿问题")
    docgen.json("reply", c, "--text", "已当面答复", "--date", "2025-06-04")
    docgen.json("close", c, "--result", "已答复", "--satisfaction", "不满意", "--date", "2025-06-05")
    visit(docgen, "赵六", "2025-07-01", persons=2, content="反映噪音扰民")
    e = intake(docgen, letter_file(tmp_path, "e.txt", "再次反映县住建局拖欠工程款。"), "2025-08-01")
    g = visit(docgen, "孙七", "2025-02-05", content="反映学校乱收费")
    docgen.json("transfer", g, "--to", "县教育局", "--days", "10", "--date", "2025-02-06")   # due 02-16
    docgen.json("close", g, "--result", "已退费", "--satisfaction", "基本满意", "--date", "2025-03-01")
    old = visit(docgen, "周八", "2024-12-30", content="反映供暖不足")
    docgen.json("close", old, "--result", "已答复", "--satisfaction", "满意", "--date", "2025-01-10")

    s = docgen.json("stats", "--year", "2025", "--as-of", "2026-01-31")
    assert s["total"] == 6 and s["closed"] == 4
    assert s["closure_rate"] == pytest.approx(4 / 6)
    assert s["on_time_rate"] == pytest.approx(3 / 4)        # g closed after its 10-day 交办
    assert s["satisfaction_rate"] == pytest.approx(2 / 3)   # 未回访 not counted
    assert s["repeat"] == 1                                 # e repeats a
    assert s["group_visits"] == 1 and s["visitors"] == 6 + 2 + 1
    assert s["by_channel"] == {"来信": 3, "来访": 3}
    for key in ("by_category", "by_target"):
        assert sum(s[key].values()) == 6
    assert {e, a} <= {c["case_no"] for c in docgen.json("list", "--year", "2025")["cases"]}

    cfg = ws.config_path
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("group_threshold = 5", "group_threshold = 2"),
                   encoding="utf-8")
    assert docgen.json("stats", "--year", "2025", "--as-of", "2026-01-31")["group_visits"] == 2
    early = docgen.json("stats", "--year", "2025", "--as-of", "2025-05-31")
    assert early["total"] == 3 and early["closed"] == 3           # a, b, g; c not yet received


# --- archive -------------------------------------------------------------------------------------------

def test_archive_year_selects_by_closing_year_with_default_codes_and_bagit(docgen, ws):
    late = visit(docgen, "李四", "2025-12-20")
    docgen.json("transfer", late, "--to", "县住建局", "--date", "2025-12-22")
    out = docgen.json("close", late, "--result", "已解决", "--date", "2026-01-08")
    assert any("结果报告" in w for w in out["warnings"])           # closed without a report: noted
    assert "结果报告" in docgen.json("show", late)["events"][-1]["detail"]
    early = visit(docgen, "王五", "2025-03-01")
    docgen.json("close", early, "--result", "当场答复", "--date", "2025-03-02")

    assert docgen.json("archive", "--year", "2026", "--dry-run")["planned"][0]["case_no"] == late
    out = docgen.json("archive", "--year", "2026")
    assert [a["case_no"] for a in out["archived"]] == [late]
    archive_no = out["archived"][0]["archive_no"]
    assert archive_no.startswith("Z001-WS·2026-") and "-XF-0001" in archive_no
    assert out["files"]
    package = next(p for p in ws.archive_dir.rglob("*") if p.is_dir() and p.name == archive_no)
    assert {"bagit.txt", "manifest-sha256.txt", "data"} <= {p.name for p in package.iterdir()}
    listed = {c["case_no"]: c for c in docgen.json("list")["cases"]}
    assert listed[late]["archive_no"] == archive_no and listed[early]["archive_no"] is None
    assert docgen.json("list", "--limit", "1")["cases"].__len__() == 1


# --- JSON field names ---------------------------------------------------------------------------------

CASE_FIELDS = {"case_no", "channel", "status", "petitioner", "received_date", "letter_date", "target",
               "request", "category", "summary", "due_date", "archive_no", "external_no"}


def test_json_field_names_are_the_same_everywhere(docgen, tmp_path):
    case = intake(docgen, letter_file(tmp_path, "a.txt", "反映县住建局拖欠工程款问题。请求尽快支付工程款。"),
                  "2026-09-20")
    shown = docgen.json("show", case)
    assert CASE_FIELDS | {"text", "deadlines"} <= set(shown)
    assert set(shown["petitioner"]) >= {"name", "id_number", "phone", "address"}
    assert shown["letter_date"] == "2026-09-18"
    listed = docgen.json("list")["cases"][0]
    assert CASE_FIELDS <= set(listed)
    parsed = docgen.json("parse", tmp_path / "a.txt")
    assert {"text", "ocr", "pages", "fields"} <= set(parsed) and parsed["ocr"] is False
    fields = parsed["fields"]
    assert {"petitioner", "letter_date", "target", "request", "category", "summary"} <= set(fields)
    assert fields["petitioner"]["id_number"] == ID_A and fields["petitioner"]["phone"] == "13800138000"
    hit = docgen.json("search", "工程款")["hits"][0]
    assert {"case_no", "external_no", "received_date", "petitioner", "summary", "status", "category",
            "score", "highlights"} <= set(hit)
    s = docgen.json("stats")
    assert {"total", "closed", "closure_rate", "on_time_rate", "satisfaction_rate", "by_channel",
            "by_category", "by_target", "repeat", "group_visits", "visitors"} <= set(s)


def test_parse_gives_null_for_fields_not_found(docgen, tmp_path):
    bare = tmp_path / "bare.txt"
    bare.write_text("路不好走。\n", encoding="utf-8")
    fields = docgen.json("parse", bare)["fields"]
    p = fields["petitioner"]
    assert p == {"name": None, "id_number": None, "phone": None, "address": None} or \
        all(p[k] is None for k in ("name", "id_number", "phone", "address"))
    assert fields["letter_date"] is None and fields["target"] is None and fields["request"] is None


def test_writers_list_the_paths_they_wrote_under_files(docgen, tmp_path):
    case = visit(docgen, "李四", "2026-09-01")
    out = docgen.json("transfer", case, "--to", "县住建局", "--date", "2026-09-02")
    assert out["files"] and all(Path(f).is_file() for f in out["files"])
    out = docgen.json("letter", "接待报告", case, "-o", tmp_path / "r.docx")
    assert str(tmp_path / "r.docx") in out["files"] and all(Path(f).is_file() for f in out["files"])
    out = docgen.json("remind", "--date", "2026-12-01")
    assert out["files"] and all(Path(f).is_file() for f in out["files"])
    out = docgen.json("stats", "--docx", tmp_path / "分析.docx")
    assert str(tmp_path / "分析.docx") in out["files"]
    docgen.json("close", case, "--result", "已解决", "--date", "2026-12-02")
    out = docgen.json("archive")
    assert out["files"] and all(Path(f).exists() for f in out["files"])


# --- search and similar -------------------------------------------------------------------------------

def test_search_filters_alone_person_id_phone_and_limit(docgen, tmp_path):
    intake(docgen, letter_file(tmp_path, "a.txt", "反映县住建局拖欠工程款问题。", phone="138-0013-8000"),
           "2026-09-01")
    intake(docgen, letter_file(tmp_path, "b.txt", "反映县法院执行难问题。", who="李四光", id_number=ID_B,
                               phone="13900139000"), "2026-09-02")
    for i in range(22):
        visit(docgen, f"访客{i}", "2026-09-03", content=f"反映第{i}号路灯不亮")

    def cases(*args):
        out = docgen.json("search", *args)
        assert set(out) >= {"total", "took_ms", "hits"}
        return [h["case_no"] for h in out["hits"]]

    assert cases("--person", "四") == ["2026-0002"]
    assert cases("--id", ID_B) == ["2026-0002"]
    assert cases("--id", ID_B[:-1]) == []
    for phone in ("13800138000", "138-0013-8000", "+86 138 0013 8000", "+8613800138000"):
        assert cases("--phone", phone) == ["2026-0001"], phone
    assert cases("--phone", "1380013800") == []
    assert len(cases("--channel", "来访")) == 20                # --limit defaults to 20
    assert docgen.json("search", "--channel", "来访")["total"] == 22
    assert len(cases("--channel", "来访", "--limit", "5")) == 5
    similar = docgen.json("similar", "2026-0003")
    for m in similar["matches"]:
        assert {"case_no", "score", "reasons"} <= set(m) and m["case_no"] != "2026-0003"


# --- ledger ---------------------------------------------------------------------------------------------

def test_ledger_import_date_formats_and_map_to_json_field_names(docgen, tmp_path):
    path = tmp_path / "留言.xlsx"
    wb = Workbook()
    sheet = wb.active
    sheet.append(["留言用户", "留言详情", "一级标签", "留言时间"])
    rows = [
        ("甲", "反映小区停车难", "城乡建设", dt.datetime(2025, 3, 4, 10, 30), "2025-03-04"),
        ("乙", "反映拖欠工资", "劳动和社会保障", "2025/3/5", "2025-03-05"),
        ("丙", "反映道路破损", "交通运输", "2025.3.6 08:00", "2025-03-06"),
        ("丁", "反映噪音", "生态环境", "2025年3月7日 9:15", "2025-03-07"),
        ("戊", "反映学校收费", "教育文体", 45727, "2025-03-11"),
        ("己", "反映供水", "城乡建设", "2025-03-12 10:00:00", "2025-03-12"),
    ]
    for name, text, category, when, _ in rows:
        sheet.append([name, text, category, when])
    sheet.append(["庚", "反映某事", "其他", "2025-13-01"])
    wb.save(path)
    result = docgen("ledger", "import", path, "--map", "留言用户=petitioner.name", "--map", "留言详情=text",
                    "--map", "一级标签=category", "--map", "留言时间=received_date", "--json")
    out = json.loads(result.stdout)
    assert [e["row"] for e in out["errors"]] == [8] and out["errors"][0]["message"]
    assert all({"case_no", "prior_cases"} <= set(c) for c in out["cases"])
    got = {}
    for c in out["cases"]:
        shown = docgen.json("show", c["case_no"])
        got[shown["petitioner"]["name"]] = (shown["received_date"], shown["category"], shown["text"])
    assert got == {name: (want, category, text) for name, text, category, _, want in rows}
    bad = docgen("ledger", "import", path, "--map", "留言用户=name")
    assert bad.exit_code == 1 and "petitioner.name" in bad.stderr


def test_ledger_export_masks_personal_data_unless_asked(docgen, tmp_path):
    intake(docgen, letter_file(tmp_path, "a.txt", "反映县住建局拖欠工程款问题。"), "2026-09-01")

    def cells(path):
        return " ".join(str(v) for row in load_workbook(path).active.iter_rows(values_only=True)
                        for v in row if v is not None)

    out = docgen.json("ledger", "export", tmp_path / "masked.xlsx")
    text = cells(out["files"][0])
    assert ID_A not in text and "13800138000" not in text
    docgen.json("ledger", "export", tmp_path / "full.xlsx", "--unmasked")
    assert ID_A in cells(tmp_path / "full.xlsx")


# --- personal data and 检举控告 -----------------------------------------------------------------------------

def test_accusation_material_is_not_sent_to_the_accused_body_without_a_warning(docgen, tmp_path):
    path = tmp_path / "检举.txt"
    path.write_text("县人大常委会：\n我实名检举县住建局局长王某收受贿赂的问题，请求依法查处。\n"
                    "李四 电话13900139000\n2026年9月1日\n", encoding="utf-8")
    case = intake(docgen, path, "2026-09-02")
    docgen.json("flag", case, "--add", "涉法涉诉")    # any flag: the nature stays 检举控告
    shown = docgen.json("show", case)
    assert shown["nature"] == "检举控告"
    result = docgen("transfer", case, "--to", "县住建局", "--date", "2026-09-03", "--json")
    assert result.exit_code == 1 and "检举控告" in result.stderr and result.stdout == ""
    result = docgen("transfer", case, "--to", "县住建局", "--date", "2026-09-03", "--confirm", "--json")
    assert result.exit_code == 0 and "检举控告" in result.stderr


# --- bad input (§5) ---------------------------------------------------------------------------------------

def test_bad_files_get_a_clear_message_and_leave_nothing_half_written(docgen, tmp_path, ws):
    bad = {
        "empty.pdf": b"",
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj\n<<",
        "mislabelled.pdf": b"PK\x03\x04 not really a pdf",
        "noise.docx": b"\x00\x01\x02 garbage",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        result = docgen("intake", tmp_path / name, "--json")
        assert result.exit_code == 1, name
        assert json.loads(result.stdout)["errors"][0]["message"], name
        no_traceback(result)
    assert docgen.json("list")["cases"] == []
    assert not any(p.is_file() for p in ws.files_dir.rglob("*"))


def test_gbk_text_and_markup_characters_survive(docgen, tmp_path):
    path = letter_file(tmp_path, "gbk.txt", "反映<村委会>&乡政府\x07拖欠补偿款问题。", encoding="gbk")
    case = intake(docgen, path, "2026-09-01")
    shown = docgen.json("show", case)
    assert "<村委会>&乡政府" in shown["text"] and shown["petitioner"]["name"] == "张三"
    out = docgen.json("transfer", case, "--to", "县<住建>&局", "--date", "2026-09-02")
    assert Path(out["files"][0]).is_file()


def test_a_name_with_slashes_or_dots_stays_inside_the_workspace(docgen, ws, tmp_path):
    case = visit(docgen, "../../李/四", "2026-09-01")
    out = docgen.json("letter", "来访接待登记表", case)
    for f in out["files"]:
        assert Path(f).resolve().is_relative_to(ws.root.resolve())
    out = docgen.json("transfer", case, "--to", "../县/法院", "--date", "2026-09-02")
    for f in out["files"]:
        assert Path(f).resolve().is_relative_to(ws.case_dir(case).resolve())


def test_an_invalid_id_number_is_kept_flagged_and_said(docgen):
    result = docgen("visit", "--name", "李四", "--id", ID_BAD, "--content", "反映噪音", "--json")
    assert result.exit_code == 0
    person = json.loads(result.stdout)["cases"][0]["petitioner"]
    assert person["id_number"] == ID_BAD and person["id_valid"] is False
    assert "身份证号" in result.stderr


def test_attach_refuses_an_empty_file_and_says_what_verify_would_find_in_others(docgen, tmp_path):
    from reportlab.pdfgen import canvas

    case = visit(docgen, "李四", "2026-09-01")
    good = tmp_path / "ok.txt"
    good.write_text("县住建局已答复。", encoding="utf-8")
    (tmp_path / "empty.pdf").write_bytes(b"")
    before = docgen.json("show", case)
    result = docgen("attach", case, good, tmp_path / "empty.pdf", "--json")
    assert result.exit_code == 1 and "empty.pdf" in result.stderr and result.stdout == ""
    no_traceback(result)
    after = docgen.json("show", case)
    assert after["events"] == before["events"] and after["files"] == before["files"]

    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), encrypt="secret")
    c.drawString(72, 720, "report")
    c.save()
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "fake.docx").write_bytes(b"plain text")
    for name in ("locked.pdf", "fake.pdf", "fake.docx"):
        result = docgen("attach", case, tmp_path / name, "--json")
        assert result.exit_code == 0, name
        out = json.loads(result.stdout)
        assert any(name in w for w in out["warnings"]) and name in result.stderr
    assert docgen.json("attach", case, good)["warnings"] == []


def test_intake_says_when_a_file_is_mislabelled(docgen, tmp_path):
    text_as_pdf = letter_file(tmp_path, "letter.pdf", "反映县住建局拖欠工程款问题。")
    for args in (("--json",), ()):
        result = docgen("intake", text_as_pdf, "--force", *args)
        assert result.exit_code == 0
        assert ".pdf" in result.stderr and "纯文本" in result.stderr
    out = json.loads(docgen("intake", text_as_pdf, "--force", "--json").stdout)
    assert out["cases"][0]["case_no"] == "2026-0003"
