"""``docgen edit``: correcting a registered case (issue 10 item 1).

Every correction is a 更正 event (who, when, field, old → new, reason): ``show`` lists it,
``show --as-of`` before it shows the old values, the search index and same-person links follow,
documents written before it are marked outdated until ``letter`` rewrites them, and an invalid
ID number is kept and flagged, never corrected.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document

from docgen.editing import edit_case
from docgen.models import Case, Petitioner
from docgen.registration import register_case


def text_of(path: Path) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def letter_file(ws, case_no: str, kind: str) -> Path:
    [f] = [f for f in ws.registry.files(ws.registry.get_case(case_no).id)
           if f.role == "document" and f.kind == kind]
    return ws.root / f.path


def test_edit_round_trip(docgen, ws, new_case):
    """Must show: edit name, phone, summary; show --as-of the day before shows the old values;
    search --person NEWNAME finds it; the letter rewritten afterwards carries the new name."""
    no = new_case("2025-03-02", name="李四", summary="反映征地补偿款未发放").case_no
    docgen.json("transfer", no, "--to", "示例县自然资源局", "--date", "2025-03-04")
    old_letter = text_of(letter_file(ws, no, "交办函"))
    assert "李四" in old_letter

    out = docgen.json("edit", no, "--name", "王秀英", "--phone", "139 6651 2345",
                      "--summary", "反映青山镇征地补偿款至今未发放，要求足额发放",
                      "--reason", "核对原件：署名为王秀英", "--date", "2025-03-10", "--by", "登记员小李")
    assert [c["field"] for c in out["changes"]] == ["petitioner.name", "petitioner.phone", "summary"]
    assert out["changes"][0]["old"] == "李四" and out["changes"][0]["new"] == "王秀英"
    assert out["changes"][1]["new"] == "13966512345"
    assert out["outdated_documents"][0]["kind"] == "交办函"

    now = docgen.json("show", no)
    assert now["petitioner"]["name"] == "王秀英" and now["petitioner"]["phone"] == "13966512345"
    [edit] = [e for e in now["events"] if e["kind"] == "更正"]
    assert edit["actor"] == "登记员小李" and edit["date"] == "2025-03-10"
    assert edit["data"]["reason"] == "核对原件：署名为王秀英"
    assert "姓名：李四 → 王秀英" in edit["detail"]
    assert now["outdated_documents"] == ["交办函"]
    shown = docgen("show", no).stdout
    assert "更正" in shown and "早于案件更正" in shown and f"docgen letter 交办函 {no}" in shown

    before = docgen.json("show", no, "--as-of", "2025-03-09")
    assert before["petitioner"]["name"] == "李四" and before["petitioner"]["phone"] is None
    assert before["summary"] == "反映征地补偿款未发放"
    assert all(e["kind"] != "更正" for e in before["events"])
    assert before["outdated_documents"] == []
    assert "edited" not in before["extra"]
    text_before = docgen("show", no, "--as-of", "2025-03-09").stdout
    assert "李四" in text_before and "王秀英" not in text_before

    found = docgen.json("search", "--person", "王秀英")
    assert [h["case_no"] for h in found["hits"]] == [no]
    assert docgen.json("search", "--person", "李四")["total"] == 0

    again = docgen.json("letter", "交办函", no, "--date", "2025-03-11")
    assert again["replaced"] is True
    new_letter = text_of(letter_file(ws, no, "交办函"))
    assert "王秀英" in new_letter and "李四" not in new_letter
    assert docgen.json("show", no)["outdated_documents"] == []
    assert "早于案件更正" not in docgen("show", no).stdout


def test_every_registered_field_can_be_corrected(docgen, ws, new_case):
    no = new_case("2025-04-01", name=None).case_no
    out = docgen.json(
        "edit", no, "--name", "陈桂芳", "--id", "11010519491231002X", "--phone", "0556-5512345",
        "--address", "桐城市新渡镇双店村", "--cosigner", "刘大海", "--cosigner", "周玉兰丶孙立",
        "--letter-date", "2025-03-28", "--target", "桐城市人力资源和社会保障局",
        "--request", "要求补发拖欠工资", "--summary", "反映拖欠工资",
        "--category", "劳动和社会保障", "--nature", "申诉求决", "--township", "新渡镇",
        "--legal", "--reason", "联名信，首位署名人为陈桂芳", "--date", "2025-04-02")
    changed = {c["field"] for c in out["changes"]}
    assert changed >= {"petitioner.name", "petitioner.id_number", "petitioner.id_valid",
                       "petitioner.phone", "petitioner.address", "cosigners", "persons",
                       "letter_date", "target", "request", "summary", "category", "nature",
                       "township", "legal"}
    case = ws.registry.get_case(no)
    assert case.petitioner.name == "陈桂芳" and case.petitioner.id_valid is True
    assert case.petitioner.phone == "0556-5512345"
    assert case.cosigners == ["刘大海", "周玉兰", "孙立"] and case.persons == 4
    assert case.letter_date == dt.date(2025, 3, 28) and case.township == "新渡镇"
    assert case.legal is True and "涉法涉诉" in case.flags
    assert set(case.extra["edited"]) == changed - {"petitioner.id_valid"}
    # more signers later: the group flag follows the number of people
    docgen.json("edit", no, "--persons", "6", "--reason", "另有两人签名", "--date", "2025-04-03")
    assert "集体访" in ws.registry.get_case(no).flags


def test_anonymous_joint_letter_corrected_can_be_told(docgen, ws, new_case):
    """The issue's 联名 letter read as 匿名: once corrected, a 告知书 can be written."""
    case = Case(case_no="", channel="来信", received_date=dt.date(2025, 5, 6),
                petitioner=Petitioner(), summary="反映村道损毁", text="反映村道损毁")
    no = register_case(ws, case).case.case_no
    told = docgen.json("notify", no, "--date", "2025-05-07")
    assert told["files"] == []                     # 匿名: nothing can be sent
    docgen.json("edit", no, "--name", "王秀英", "--address", "桐城市范岗镇樟枫村新屋组",
                "--reason", "联名信首位署名人", "--date", "2025-05-08")
    letter = docgen.json("letter", "告知书", no, "--date", "2025-05-08")
    assert "王秀英" in text_of(Path(letter["files"][0]))


def test_invalid_id_is_kept_and_flagged_never_corrected(docgen, ws, new_case):
    no = new_case("2025-03-02").case_no
    bad = "110105194912310021"                      # check digit wrong (X expected)
    result = docgen("edit", no, "--id", bad, "--reason", "按原件", "--date", "2025-03-03", "--json")
    assert result.exit_code == 0, result.stderr
    assert "校验不通过" in result.stderr
    case = ws.registry.get_case(no)
    assert case.petitioner.id_number == bad and case.petitioner.id_valid is False
    assert case.extra["id_problem"].startswith("校验码不符")
    assert "校验不通过" in docgen("show", no).stdout
    # the valid number typed later replaces it, and the flag goes with it
    docgen.json("edit", no, "--id", "11010519491231002x", "--reason", "信访人补正",
                "--date", "2025-03-04")
    case = ws.registry.get_case(no)
    assert case.petitioner.id_number == "11010519491231002X" and case.petitioner.id_valid is True
    assert "id_problem" not in case.extra
    middle = docgen.json("show", no, "--as-of", "2025-03-03")["petitioner"]
    assert middle["id_number"] == bad and middle["id_valid"] is False
    first = docgen.json("show", no, "--as-of", "2025-03-02")["petitioner"]
    assert first["id_number"] is None and first["id_valid"] is None


def test_as_of_undoes_later_corrections_latest_first(docgen, new_case):
    no = new_case("2025-03-02", summary="第一稿").case_no
    docgen.json("edit", no, "--summary", "第二稿", "--reason", "a", "--date", "2025-03-05")
    docgen.json("edit", no, "--summary", "第三稿", "--reason", "b", "--date", "2025-03-05")
    docgen.json("edit", no, "--summary", "第四稿", "--reason", "c", "--date", "2025-03-08")
    assert docgen.json("show", no, "--as-of", "2025-03-04")["summary"] == "第一稿"
    assert docgen.json("show", no, "--as-of", "2025-03-05")["summary"] == "第三稿"
    assert docgen.json("show", no, "--as-of", "2025-03-07")["summary"] == "第三稿"
    assert docgen.json("show", no)["summary"] == "第四稿"
    listed = docgen.json("list", "--as-of", "2025-03-04")["cases"]
    assert [c["summary"] for c in listed] == ["第一稿"]


def test_same_person_links_follow_the_correction(docgen, ws, new_case):
    first = Case(case_no="", channel="来信", received_date=dt.date(2025, 1, 6),
                 petitioner=Petitioner(name="张桂兰", id_number="440524188001010014", id_valid=True),
                 summary="反映征地补偿", text="反映征地补偿")
    a = register_case(ws, first).case.case_no
    b = new_case("2025-03-02", name="张柱兰").case_no        # OCR misread the name
    assert docgen.json("show", b)["links"] == []

    out = docgen.json("edit", b, "--name", "张桂兰", "--id", "440524188001010014",
                      "--reason", "核对原件", "--date", "2025-03-03")
    assert out["linked"] == [a]
    shown = docgen.json("show", b)
    assert [link["case_no"] for link in shown["links"]] == [a]
    assert "重复信访" in shown["flags"]

    out = docgen.json("edit", b, "--name", "张柱兰", "--id", "", "--reason", "确为另一人",
                      "--date", "2025-03-04")
    assert out["unlinked"] == [a]
    shown = docgen.json("show", b)
    assert shown["links"] == [] and "重复信访" not in shown["flags"]


def test_edit_case_is_the_library_function_the_web_app_calls(ws, new_case):
    no = new_case("2025-03-02").case_no
    outcome = edit_case(ws, no, {"petitioner.name": "赵六", "summary": "新摘要"}, reason="复核",
                        by="clerk1", on=dt.date(2025, 3, 3))
    assert outcome.event.actor == "clerk1" and outcome.event.kind == "更正"
    assert [c.field for c in outcome.changes] == ["petitioner.name", "summary"]
    assert ws.registry.get_case(no).petitioner.name == "赵六"


def test_refused_corrections_change_nothing(docgen, ws, new_case, snapshot):
    no = new_case("2025-03-02", name="李四").case_no
    before = snapshot(no)
    cases = [
        (["--name", "李四"], "没有需要更正的内容"),
        (["--category", "火星事务"], "未知的内容分类"),
        (["--cosigner", "甲", "--cosigner", "乙", "--persons", "2"], "少于具名人数"),
        (["--letter-date", "2025-03-05"], "晚于收到日期"),
    ]
    for args, message in cases:
        result = docgen("edit", no, *args, "--reason", "x", "--date", "2025-03-04")
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr and result.stdout == ""
        assert snapshot(no) == before
    result = docgen("edit", no, "--name", "王五", "--reason", "  ", "--date", "2025-03-04")
    assert result.exit_code == 1 and "理由" in result.stderr
    result = docgen("edit", no, "--name", "王五", "--reason", "x", "--date", "2025-03-01")
    assert result.exit_code == 1 and "早于" in result.stderr
    assert docgen("edit", no, "--name", "王五").exit_code == 2          # --reason is required
    assert snapshot(no) == before
    # an archived case is sealed
    case = ws.registry.get_case(no)
    case.archive_no = "Z001-WS·2025-D10-XF-0001"
    ws.registry.update_case(case)
    result = docgen("edit", no, "--name", "王五", "--reason", "x", "--date", "2025-03-04")
    assert result.exit_code == 1 and "已归档" in result.stderr
