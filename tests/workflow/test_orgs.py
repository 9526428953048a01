"""The 检举控告 safeguard by organisation, not by substring (issue 10 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.models import Case, Petitioner
from docgen.orgs import (
    CONTAINS,
    INSIDE,
    SAME,
    VILLAGE,
    accused_orgs,
    find_orgs,
    normalise,
    parse_org,
    relation,
    routing_conflict,
)
from docgen.registration import register_case


@pytest.mark.parametrize(("name", "expected"), [
    ("示例县青山镇人民政府", "示例县青山镇政府"),
    ("青山镇政府", "青山镇政府"),
    ("孔城镇桐梓村党总支", "孔城镇桐梓村党组织"),
    ("桐梓村党总支书记汪某某", "桐梓村党组织"),
    ("桐梓村党支部", "桐梓村党组织"),
    ("桐梓村委会", "桐梓村村委会"),
    ("桐梓村村民委员会", "桐梓村村委会"),
    ("桐梓村村主任", "桐梓村村委会"),
    ("青山镇镇长李某", "青山镇政府"),
    ("县人社局局长张某", "县人社局"),
    ("桐城市人力资源和社会保障局", "桐城市人社局"),
    ("县农业农村局", "县农业农村局"),
    ("县乡村振兴局", "县乡村振兴局"),
    ("县城市管理局", "县城市管理局"),
    ("县市场监督管理局", "县市场监管局"),
    ("桐城市人民法院", "桐城市法院"),
    ("县公安局城关派出所所长", "县公安局城关派出所"),
    ("示例县人民代表大会常务委员会", "示例县人大常委会"),
    ("青山镇人大主席团", "青山镇人大主席团"),
    ("萧县人民政府", "萧县政府"),
    ("ＸＸ县青山镇 人民政府", "XX县青山镇政府"),
    ("汪某某", ""),
    ("双店村村民", ""),
    ("有关部门", ""),
])
def test_names_are_normalised(name, expected):
    assert normalise(name) == expected


@pytest.mark.parametrize(("accused", "body", "expected"), [
    ("桐梓村党总支书记汪某某", "孔城镇桐梓村党总支", SAME),     # the case
    ("示例县青山镇人民政府", "青山镇政府", SAME),
    ("县人社局局长张某", "示例县人力资源和社会保障局", SAME),
    ("法院", "桐城市人民法院", SAME),
    ("青山镇政府", "青山镇政府办公室", INSIDE),
    ("县公安局", "县公安局城关派出所", INSIDE),
    ("孔城镇", "孔城镇桐梓村委会", INSIDE),
    ("桐梓村党总支书记汪某某", "桐梓村", CONTAINS),
    ("县公安局城关派出所民警王某", "县公安局", CONTAINS),
    ("孔城镇桐梓村党总支书记汪某某", "孔城镇", CONTAINS),
    ("桐梓村党总支书记汪某某", "桐梓村委会", VILLAGE),
    # the bodies a complaint about a village cadre properly goes to are not the accused
    ("桐梓村党总支书记汪某某", "孔城镇人民政府", None),
    ("桐梓村党总支书记汪某某", "孔城镇纪委", None),
    ("示例县青山镇人民政府", "示例县人民政府", None),
    ("县人社局", "桐城市人社局", None),
    ("桐城市人民法院", "桐城市人民检察院", None),
    ("桐城市人民法院", "安庆市中级人民法院", None),
    ("青山镇政府", "白云镇政府", None),
])
def test_relations(accused, body, expected):
    assert relation(parse_org(accused), parse_org(body)) == expected


def test_bodies_are_found_in_text():
    text = ("尊敬的领导：我是桐城市新渡镇双店村村民，我举报孔城镇桐梓村党总支书记汪某某侵占集体资金，"
            "曾向县纪委和镇政府反映，桐城市人民法院也不受理。")
    names = [o.name for o in find_orgs(text)]
    assert names == ["孔城镇桐梓村党组织", "县纪委", "镇政府", "桐城市法院"]


def accusation(target: str | None, text: str) -> Case:
    return Case(case_no="2025-0001", channel="来信", received_date=dt.date(2025, 3, 2),
                nature="检举控告", target=target, text=text)


def test_accused_bodies_come_from_the_target_and_the_text():
    case = accusation("桐梓村党总支书记汪某某、村主任李某",
                      "我向县纪委举报孔城镇桐梓村党总支书记汪某某侵占集体资金。")
    assert [o.name for o in accused_orgs(case)] == ["桐梓村党组织", "桐梓村村委会", "孔城镇桐梓村党组织"]
    # a target naming only a person: the text says which body
    case = accusation("汪某某", "现实名举报青山镇人民政府违规发放补偿款，希望上级查处。")
    assert [o.name for o in accused_orgs(case)] == ["青山镇政府"]
    assert routing_conflict(case, "示例县青山镇政府").relation == SAME
    # the body the letter was sent to before is not the accused
    assert routing_conflict(case, "县纪委") is None
    # only 检举控告 cases are guarded
    case.nature = "申诉求决"
    assert routing_conflict(case, "青山镇政府") is None


@pytest.fixture
def accusing_case(ws):
    case = Case(case_no="", channel="来信", received_date=dt.date(2025, 3, 2),
                petitioner=Petitioner(name="李四", address="孔城镇桐梓村"), nature="检举控告",
                target="桐梓村党总支书记汪某某", summary="举报村党总支书记侵占集体资金",
                text="我举报孔城镇桐梓村党总支书记汪某某侵占集体资金。")
    return register_case(ws, case).case.case_no


def test_transfer_to_the_accused_unit_needs_confirm_and_warns_once(docgen, accusing_case, snapshot):
    no = accusing_case
    before = snapshot(no)
    result = docgen("transfer", no, "--to", "孔城镇桐梓村党总支", "--date", "2025-03-03")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("检举控告件") == 1           # said once, not twice
    assert "“孔城镇桐梓村党总支”就是被反映的单位" in result.stderr and "--confirm" in result.stderr
    assert snapshot(no) == before
    for to in ("桐梓村", "桐梓村委会"):
        result = docgen("transfer", no, "--to", to, "--date", "2025-03-03")
        assert result.exit_code == 1 and result.stderr.count("检举控告件") == 1
    assert snapshot(no) == before

    result = docgen("transfer", no, "--to", "孔城镇桐梓村党总支", "--confirm", "--days", "10",
                    "--date", "2025-03-03")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("检举控告件") == 1
    out = docgen.json("show", no)
    routed = [e for e in out["events"] if e["kind"] == "交办"][0]
    assert routed["data"]["confirmed_accused"] is True and routed["data"]["accused_relation"] == SAME


def test_transfer_to_the_proper_body_passes(docgen, accusing_case):
    out = docgen.json("transfer", accusing_case, "--to", "孔城镇纪委", "--date", "2025-03-03")
    assert out["status"] == "已交办" and out["warnings"] == []


def test_remind_to_the_accused_unit_needs_confirm(docgen, accusing_case):
    no = accusing_case
    docgen.json("transfer", no, "--to", "孔城镇桐梓村党总支", "--confirm", "--days", "10",
                "--date", "2025-03-03")
    result = docgen("remind", "--date", "2025-03-20", "--json")
    assert result.exit_code == 1
    import json

    run = json.loads(result.stdout)
    assert run["reminders"] == [] and run["errors"][0]["case_no"] == no
    assert "不应向其发催办函" in run["errors"][0]["message"]
    result = docgen("remind", "--date", "2025-03-20", "--confirm", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("检举控告件") == 1
    assert [r["case_no"] for r in json.loads(result.stdout)["reminders"]] == [no]
