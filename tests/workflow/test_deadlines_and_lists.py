"""Deadlines as the list and remind commands see them on a given day."""

from __future__ import annotations

import json
from pathlib import Path


def case_nos(docgen, *args) -> list[str]:
    return [c["case_no"] for c in docgen.json("list", *args)["cases"]]


def test_assignment_across_national_day_explains_itself(docgen, new_case):
    no = new_case("2024-07-25").case_no
    out = docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-08-02")
    assert out["due_date"] == "2024-10-08"
    explanation = out["deadlines"][-1]["explanation"]
    assert explanation == ("交办日 2024年8月2日，期限 60 日（首日不计），届满 2024年10月1日 为国庆节假日，"
                           "顺延至 2024年10月8日")


def test_routing_deadline_ending_on_a_makeup_working_day_is_not_moved(docgen, new_case):
    # 2024-09-14 (a Saturday) was a 调休 working day: 15 days from 30 August end there
    out = docgen.json("show", new_case("2024-08-30").case_no, "--as-of", "2024-08-30")
    assert out["due_date"] == "2024-09-14"
    assert "调休上班日" in out["deadlines"][0]["explanation"]


def test_list_overdue_and_due_within_as_of(docgen, new_case):
    unrouted = new_case("2024-03-01").case_no                     # route due 2024-03-18 (16th is Sat)
    assigned = new_case("2024-03-01").case_no
    docgen.json("transfer", assigned, "--to", "县住建局", "--date", "2024-03-04")   # due 2024-05-06
    forwarded = new_case("2024-03-01").case_no
    docgen.json("transfer", forwarded, "--to", "县法院", "--mode", "转送", "--date", "2024-03-04")
    closed = new_case("2024-03-01").case_no
    docgen.json("transfer", closed, "--to", "县住建局", "--date", "2024-03-04")
    docgen.json("close", closed, "--result", "已解决", "--date", "2024-04-01")
    later = new_case("2024-06-01").case_no                         # not yet received in March

    assert docgen.json("show", unrouted, "--as-of", "2024-03-01")["due_date"] == "2024-03-18"
    assert case_nos(docgen, "--overdue", "--as-of", "2024-03-18") == []
    assert case_nos(docgen, "--overdue", "--as-of", "2024-03-19") == [unrouted]
    assert case_nos(docgen, "--due-within", "3", "--as-of", "2024-03-15") == [unrouted]
    assert case_nos(docgen, "--due-within", "2", "--as-of", "2024-03-15") == []
    assert case_nos(docgen, "--overdue", "--as-of", "2024-05-07") == [unrouted, assigned]
    assert later not in case_nos(docgen, "--as-of", "2024-05-07")
    # before closing, the closed case was as overdue as the assigned one would be
    assert closed in case_nos(docgen, "--due-within", "60", "--as-of", "2024-03-20")
    assert forwarded not in case_nos(docgen, "--due-within", "365", "--as-of", "2024-03-20")
    # --status applies to that day's state
    assert case_nos(docgen, "--status", "已交办", "--as-of", "2024-03-03") == []
    assert set(case_nos(docgen, "--status", "已交办", "--as-of", "2024-03-05")) == {assigned, closed}


def test_overdue_json_flag_in_show(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    assert docgen.json("show", no, "--as-of", "2024-05-06")["overdue"] is False
    assert docgen.json("show", no, "--as-of", "2024-05-07")["overdue"] is True


def test_remind_writes_letters_for_overdue_assignments(docgen, new_case, ws):
    plain = new_case("2024-03-01").case_no
    docgen.json("transfer", plain, "--to", "县住建局", "--date", "2024-03-04")
    supervised = new_case("2024-03-01").case_no
    docgen.json("transfer", supervised, "--to", "县自然资源局", "--date", "2024-03-04")
    docgen.json("supervise", supervised, "--leader", "王副主任", "--responsible", "赵科长",
                "--date", "2024-03-05")
    answered = new_case("2024-03-01").case_no
    docgen.json("transfer", answered, "--to", "县教育局", "--date", "2024-03-04")
    (ws.root / "r.txt").write_text("报告", encoding="utf-8")
    docgen.json("attach", answered, ws.root / "r.txt", "--kind", "办理结果报告", "--date", "2024-04-30")

    assert docgen.json("remind", "--date", "2024-05-06")["reminders"] == []
    out = docgen.json("remind", "--date", "2024-05-10")
    kinds = {r["case_no"]: r["kind"] for r in out["reminders"]}
    assert kinds == {plain: "催办", supervised: "督办"}
    assert len(out["files"]) == 2
    for r in out["reminders"]:
        assert r["doc_no"]
        path = Path(r["files"][0])
        assert path.is_file() and path.name.startswith(f"{r['kind']}函")
        stored = [f for f in ws.registry.files(ws.registry.get_case(r["case_no"]).id)
                  if f.role == "document" and f.kind == f"{r['kind']}函"]
        assert len(stored) == 1
    # the same day again: nothing new
    again = docgen.json("remind", "--date", "2024-05-10")
    assert again["reminders"] == [] and len(again["skipped"]) == 2
    # the 催办 is in the history
    events = docgen.json("show", plain)["events"]
    assert [e["kind"] for e in events][-1] == "催办"


def test_remind_as_of_differs_from_letter_date(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    out = docgen.json("remind", "--as-of", "2024-05-07", "--date", "2024-05-08", "--kind", "督办")
    assert [r["kind"] for r in out["reminders"]] == ["督办"]
    assert out["reminders"][0]["event"]["date"] == "2024-05-08"


def test_workspace_profile_changes_open_deadlines(docgen, new_case, ws):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    ws.rules_dir.mkdir(exist_ok=True)
    (ws.rules_dir / "deadline_profiles.toml").write_text(
        '[national.assign]\ndays = 30\nunit = "calendar"\nextension_max = 15\n', encoding="utf-8")
    out = docgen.json("show", no)
    assert out["deadlines"][-1]["due_date"] == "2024-04-03"
    result = docgen("extend", no, "--days", "16", "--reason", "x", "--date", "2024-03-20")
    assert result.exit_code == 1 and "最多延期 15 日" in result.stderr


def test_zhejiang_profile_counts_working_days(docgen, new_case, ws):
    text = ws.config_path.read_text(encoding="utf-8").replace('profile = "national"', 'profile = "zhejiang"')
    ws.config_path.write_text(text, encoding="utf-8")
    out = docgen.json("show", new_case("2024-09-27").case_no, "--as-of", "2024-09-27")
    # 5 working days after Friday 27 September: 29 Sep (调休), 30 Sep, then 8, 9, 10 October
    assert out["due_date"] == "2024-10-10"
    assert "工作日" in out["deadlines"][0]["explanation"]


def test_json_output_is_one_document(docgen, new_case):
    no = new_case("2024-03-01").case_no
    result = docgen("transfer", no, "--to", "县住建局", "--date", "2024-03-04", "--json")
    data = json.loads(result.stdout)
    for key in ("case_no", "status", "due_date", "deadlines", "files"):
        assert key in data


def test_extension_granted_under_an_older_cap_still_counts(docgen, new_case, ws):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    docgen.json("extend", no, "--days", "30", "--reason", "x", "--date", "2024-04-20")
    ws.rules_dir.mkdir(exist_ok=True)
    (ws.rules_dir / "deadline_profiles.toml").write_text(
        '[national.assign]\ndays = 60\nunit = "calendar"\nextension_max = 10\n', encoding="utf-8")
    out = docgen.json("show", no)
    assert out["due_date"] == "2024-06-05"
    assert "超过现行规则的延期上限" in out["deadlines"][-1]["explanation"]
