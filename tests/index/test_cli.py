"""``docgen search``, ``docgen similar`` and ``docgen index rebuild`` driven like a clerk would."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.models import Case, Petitioner


@pytest.fixture
def filled(ws, docgen):
    reg = ws.registry
    p = Petitioner(name="王小和", id_number="11010519491231002X", phone="13812345678",
                   address="石碣镇鹿鸣坳村3组")
    a = reg.add_case(Case(case_no="", channel="来信", received_date=dt.date(2023, 4, 1), petitioner=p,
                          summary="反映拆迁补偿标准过低", category="城乡建设", target="县住房和城乡建设局",
                          text="我家在3号楼，鹿鸣坳村的拆迁补偿至今未到位，要求按新标准补偿。" * 3))
    p2 = Petitioner(name="王小和", id_number="110105194912310021", phone="138-1234-5678")
    b = reg.add_case(Case(case_no="", channel="来访", received_date=dt.date(2024, 6, 1), petitioner=p2,
                          summary="再次反映拆迁补偿", category="城乡建设", status="已交办",
                          text="我家在3号楼，鹿鸣坳村的拆迁补偿至今未到位，要求按新标准补偿。" * 3))
    c = reg.add_case(Case(case_no="", channel="网上", received_date=dt.date(2024, 7, 1),
                          petitioner=Petitioner(name="李四"), summary="噪声扰民", category="生态环境",
                          text="夜间施工噪声扰民。"))
    return a, b, c


def test_search_json_builds_the_index_on_first_use(filled, docgen):
    a, b, _ = filled
    result = docgen("search", "拆迁补偿", "--json")
    assert result.exit_code == 0, result.output
    import json
    data = json.loads(result.stdout)
    assert {h["case_no"] for h in data["hits"]} == {a.case_no, b.case_no}
    assert data["total"] == 2 and data["took_ms"] >= 0
    assert "【拆迁补偿】" in "".join(data["hits"][0]["highlights"])
    assert "正在从登记库重建" in result.stderr


def test_search_filters_alone_and_phone_with_hyphens(filled, docgen):
    _, b, c = filled
    assert [h["case_no"] for h in docgen.json("search", "--channel", "网上")["hits"]] == [c.case_no]
    hits = docgen.json("search", "--phone", "+86 138 1234 5678", "--status", "已交办")["hits"]
    assert [h["case_no"] for h in hits] == [b.case_no]
    hits = docgen.json("search", "--from", "2024-01-01", "--to", "2024-06-30")["hits"]
    assert [h["case_no"] for h in hits] == [b.case_no]


def test_search_text_output_and_limit(filled, docgen):
    docgen("index", "rebuild")
    result = docgen("search", "王", "--limit", "1")
    assert result.exit_code == 0
    assert "王小和" in result.stdout
    assert "共 2 件，显示 1 件" in result.stderr


def test_bad_date_is_a_malformed_command_line(filled, docgen):
    assert docgen("search", "--from", "2024/1/1").exit_code == 2


def test_similar_lists_same_person_with_reasons(filled, docgen):
    a, b, c = filled
    data = docgen.json("similar", a.case_no)
    by_case = {m["case_no"]: m for m in data["matches"]}
    assert b.case_no in by_case and c.case_no not in by_case
    reasons = " ".join(by_case[b.case_no]["reasons"])
    assert "身份证号仅校验位不同" in reasons and "姓名和电话相同" in reasons
    assert 0 < by_case[b.case_no]["score"] <= 1


def test_similar_unknown_case_exits_1(filled, docgen):
    assert docgen("similar", "1999-9999").exit_code == 1


def test_index_rebuild_json_and_status(filled, docgen):
    data = docgen.json("index", "rebuild", "--engine", "whoosh")
    assert data == {"engine": "whoosh", "count": 3, "seconds": data["seconds"]}
    status = docgen.json("index", "status")
    assert status["engine"] == "tantivy" and status["ok"] is False
    docgen("index", "rebuild")
    assert docgen.json("index", "status")["ok"] is True
