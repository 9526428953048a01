"""Category suggestions from the editable rule file (docs/standards.md §2)."""

from pathlib import Path

import pytest

from docgen.classify import BUILTIN_RULES, classify_target, load_category_rules, suggest
from docgen.errors import DocgenError


@pytest.fixture(scope="module")
def rules():
    return load_category_rules(None)


def test_builtin_lists_are_those_of_the_standards(rules):
    assert rules.natures == ["检举控告", "申诉求决", "建议意见"]
    assert rules.categories == [
        "城乡建设", "农村农业", "劳动和社会保障", "教育文体", "经济管理", "卫生健康", "组织人事",
        "党务政务", "纪检监察", "交通运输", "自然资源", "生态环境", "政法", "民政", "商贸旅游", "其他"]
    assert rules.target_types == [
        "法院", "检察院", "监察委", "公安", "人大代表", "村(居)委会", "乡镇", "企业事业单位", "政府及部门"]


def test_demolition_without_compensation_is_urban_construction_and_a_demand(rules):
    s = suggest("某某镇政府强拆我家房屋，至今未给补偿，恳请督促解决。", rules)
    assert s.category == "城乡建设"
    assert s.nature == "申诉求决"
    assert not s.legal
    assert any("强拆" in r for r in s.reasons)


def test_reporting_embezzlement_is_an_accusation(rules):
    s = suggest("我实名举报村支书贪污扶贫款、虚报冒领低保金。", rules)
    assert s.nature == "检举控告"
    assert s.category == "纪检监察"


def test_a_proposal_is_a_suggestion(rules):
    s = suggest("建议在我镇中心小学门口增设红绿灯，方便学生过马路。", rules)
    assert s.nature == "建议意见"


def test_unpaid_wages(rules):
    assert suggest("某公司拖欠我们农民工工资八个月，讨薪无门。", rules).category == "劳动和社会保障"


def test_court_cases_are_flagged_as_litigation_related(rules):
    s = suggest("法院判决已生效两年，对方拒不履行，申请强制执行至今没有结果。", rules)
    assert s.legal
    assert s.category == "政法"


def test_target_decides_the_target_type_and_court_targets_are_legal(rules):
    s = suggest("他们办案拖拉。", rules, target="某某县人民法院")
    assert s.target_type == "法院" and s.legal


@pytest.mark.parametrize("target, kind", [
    ("某某镇人民政府", "乡镇"), ("某某街道办事处", "乡镇"), ("某某县公安局城关派出所", "公安"),
    ("某某村村民委员会", "村(居)委会"), ("某某房地产开发有限公司", "企业事业单位"),
    ("某某县自然资源局", "政府及部门"), ("某某县人民检察院", "检察院"),
])
def test_target_types(rules, target, kind):
    assert classify_target(target, rules) == kind


def test_no_keyword_means_no_suggestion(rules):
    s = suggest("今天天气很好。", rules)
    assert s.category is None and s.nature is None and s.target_type is None
    assert s.reasons


def test_an_office_can_edit_its_own_copy(tmp_path: Path):
    edited = BUILTIN_RULES.read_text(encoding="utf-8").replace(
        '[[category]]\nname = "其他"', '[[category]]\nname = "人大工作"\nstrong = ["人大代表"]\n\n'
        '[[category]]\nname = "其他"')
    path = tmp_path / "categories.toml"
    path.write_text(edited, encoding="utf-8")
    rules = load_category_rules(path)
    assert "人大工作" in rules.categories
    assert suggest("反映人大代表联系群众不够。", rules).category == "人大工作"


def test_broken_rule_file_gives_a_chinese_message(tmp_path: Path):
    path = tmp_path / "categories.toml"
    path.write_text("[[category]\nname=", encoding="utf-8")
    with pytest.raises(DocgenError, match="格式有误"):
        load_category_rules(path)
    path.write_text('[[nature]]\nname = "建议意见"\n[[category]]\nname = "其他"\n', encoding="utf-8")
    with pytest.raises(DocgenError, match="target_type"):
        load_category_rules(path)
    with pytest.raises(DocgenError, match="找不到"):
        load_category_rules(tmp_path / "missing.toml")
