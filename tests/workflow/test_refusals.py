"""Illegal steps give a clear Chinese message, exit 1, and change nothing."""

from __future__ import annotations


def test_extension_past_the_cap_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    docgen.json("extend", no, "--days", "20", "--reason", "需现场核查", "--date", "2024-04-20")
    before = snapshot(no)
    result = docgen("extend", no, "--days", "11", "--reason", "再延", "--date", "2024-04-25")
    assert result.exit_code == 1
    assert "上限" in result.stderr and "还可延期 10 日" in result.stderr
    assert result.stdout == ""
    assert snapshot(no) == before
    # within the cap it works
    out = docgen.json("extend", no, "--days", "10", "--reason", "再延", "--date", "2024-04-25")
    assert "累计延期 30 日" in out["deadlines"][-1]["explanation"]


def test_extension_without_assignment_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    before = snapshot(no)
    result = docgen("extend", no, "--days", "10", "--reason", "x", "--date", "2024-03-05")
    assert result.exit_code == 1 and "不能延期" in result.stderr
    assert snapshot(no) == before


def test_closing_twice_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    docgen.json("close", no, "--result", "已答复", "--date", "2024-03-10")
    before = snapshot(no)
    result = docgen("close", no, "--result", "再次办结", "--date", "2024-03-11")
    assert result.exit_code == 1
    assert "已于 2024-03-10 办结" in result.stderr
    assert snapshot(no) == before


def test_empty_to_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    before = snapshot(no)
    for to in ("", "   "):
        result = docgen("transfer", no, "--to", to, "--date", "2024-03-04")
        assert result.exit_code == 1
        assert "--to" in result.stderr
    assert snapshot(no) == before


def test_missing_to_is_a_malformed_command_line(docgen, new_case):
    no = new_case("2024-03-01").case_no
    assert docgen("transfer", no).exit_code == 2


def test_routing_a_closed_case_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    docgen.json("close", no, "--result", "已答复", "--date", "2024-03-10")
    before = snapshot(no)
    for args in (["transfer", no, "--to", "县住建局"], ["transfer", no, "--to", "县法院", "--mode", "转送"],
                 ["reply", no, "--text", "x"], ["reject", no, "--reason", "x"]):
        result = docgen(*args, "--date", "2024-03-12")
        assert result.exit_code == 1, args
        assert "已于 2024-03-10 办结" in result.stderr
    assert snapshot(no) == before


def test_unknown_case_is_refused(docgen):
    for args in (["transfer", "2024-9999", "--to", "县住建局"], ["close", "2024-9999", "--result", "x"],
                 ["extend", "2024-9999", "--days", "5", "--reason", "x"], ["show", "2024-9999"]):
        result = docgen(*args)
        assert result.exit_code == 1, args
        assert "未找到案件" in result.stderr


def test_date_before_receipt_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    before = snapshot(no)
    result = docgen("transfer", no, "--to", "县住建局", "--date", "2024-02-28")
    assert result.exit_code == 1 and "早于" in result.stderr
    assert snapshot(no) == before


def test_backdated_step_conflicting_with_later_history_is_refused(docgen, new_case, snapshot):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县住建局", "--date", "2024-03-10")
    before = snapshot(no)
    # closing on 5 March would make the 交办 of 10 March the routing of a closed case
    result = docgen("close", no, "--result", "x", "--date", "2024-03-05")
    assert result.exit_code == 1
    assert "2024-03-10" in result.stderr and "交办" in result.stderr
    assert snapshot(no) == before


def test_malformed_date_is_exit_2(docgen, new_case):
    no = new_case("2024-03-01").case_no
    assert docgen("close", no, "--result", "x", "--date", "2024/03/05").exit_code == 2
    assert docgen("close", no, "--result", "x", "--satisfaction", "很好").exit_code == 2


def test_accused_body_needs_confirmation(docgen, new_case, snapshot):
    no = new_case("2024-03-01", nature="检举控告", target="某镇人民政府").case_no
    before = snapshot(no)
    result = docgen("transfer", no, "--to", "某镇人民政府", "--date", "2024-03-04")
    assert result.exit_code == 1
    assert "警告" in result.stderr and "检举控告" in result.stderr and "--confirm" in result.stderr
    assert snapshot(no) == before

    result = docgen("transfer", no, "--to", "某镇人民政府", "--confirm", "--date", "2024-03-04", "--json")
    assert result.exit_code == 0
    assert "警告" in result.stderr
    import json

    out = json.loads(result.stdout)
    assert out["event"]["data"]["confirmed_accused"] is True


def test_accusation_routed_elsewhere_needs_no_confirmation(docgen, new_case):
    no = new_case("2024-03-01", nature="检举控告", target="某镇人民政府").case_no
    result = docgen("transfer", no, "--to", "县纪委监委", "--date", "2024-03-04")
    assert result.exit_code == 0
    assert "警告" not in result.stderr


def test_failing_letter_leaves_nothing_behind(docgen, new_case, snapshot, ws):
    no = new_case("2024-03-01").case_no
    text = ws.config_path.read_text(encoding="utf-8").replace('name = "示例县人大常委会"', 'name = ""')
    ws.config_path.write_text(text, encoding="utf-8")
    before = snapshot(no)
    result = docgen("transfer", no, "--to", "县住建局", "--date", "2024-03-04")
    assert result.exit_code == 1 and "发文机关" in result.stderr
    assert snapshot(no) == before          # no event, no file on disk, no 发文字号 used up
