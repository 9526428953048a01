"""What goes into a template: dates, 文号, masking, and no None or dangling labels."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.errors import DocgenError
from docgen.letters import KINDS, build_context, format_date, next_doc_number
from docgen.letters.context import doc_prefix, routing_warnings
from docgen.letters.kinds import get_kind
from docgen.registry import Registry
from tests.fixtures.letters_cases import OFFICE_CONFIG, anonymous_case, sample_case


class FakeRegistry:
    """Just the sequence part of the registry contract."""

    def __init__(self):
        self.values: dict[str, int] = {}

    def next_sequence(self, name: str) -> int:
        self.values[name] = self.values.get(name, 0) + 1
        return self.values[name]


def test_date_is_arabic_full_year_without_zero_padding():
    assert format_date(dt.date(2014, 5, 3)) == "2014年5月3日"
    assert format_date("2014-11-23") == "2014年11月23日"
    assert format_date(None) == ""


def test_doc_numbers_count_per_prefix_and_year():
    reg = FakeRegistry()
    assert next_doc_number(reg, "桐人大信", "交办函", 2014) == "桐人大信〔2014〕1号"
    assert next_doc_number(reg, "桐人大信", "交办函", 2014) == "桐人大信〔2014〕2号"
    # another kind under the same prefix never repeats a number
    assert next_doc_number(reg, "桐人大信", "转送函", 2014) == "桐人大信〔2014〕3号"
    assert next_doc_number(reg, "桐人大信催", "催办函", 2014) == "桐人大信催〔2014〕1号"
    assert next_doc_number(reg, "桐人大信", "交办函", 2015) == "桐人大信〔2015〕1号"
    assert reg.values == {"doc:桐人大信:2014": 3, "doc:桐人大信催:2014": 1, "doc:桐人大信:2015": 1}


def test_a_kind_can_have_a_prefix_of_its_own():
    config = {"office": {"doc_prefix": "桐人大信", "doc_prefixes": {"催办函": "桐人大信催"}}}
    assert doc_prefix(config, "催办函") == "桐人大信催"
    assert doc_prefix(config, "交办函") == "桐人大信"


def test_doc_numbers_come_from_the_real_registry(tmp_path):
    reg = Registry(tmp_path / "registry.sqlite")
    numbers = [next_doc_number(reg, "桐人大信", "交办函", 2014) for _ in range(12)]
    assert numbers[-1] == "桐人大信〔2014〕12号"
    assert len(set(numbers)) == 12


def test_doc_number_needs_a_prefix():
    with pytest.raises(DocgenError, match="doc_prefix"):
        next_doc_number(FakeRegistry(), "", "交办函", 2014)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "告知书"])
def test_anonymous_case_has_no_none_anywhere(kind):
    ctx = build_context(anonymous_case(), OFFICE_CONFIG, kind, date=dt.date(2014, 5, 23))
    assert set(get_kind(kind).variables) <= set(ctx)
    for key, value in ctx.items():
        assert value is not None, key
        assert "None" not in str(value), key
    assert ctx["petitioner_display"] == "匿名" and ctx["petitioner_name"] == ""
    assert ctx["source"] == "匿名来信"


def test_record_is_split_into_paragraphs_without_leading_blanks():
    case = sample_case(text="\u3000\u3000第一段。\r\n\n  第二段。\n")
    ctx = build_context(case, OFFICE_CONFIG, "接待报告")
    assert ctx["facts"] == ["第一段。", "第二段。"]


def test_letter_prints_main_issues_and_form_the_summary():
    case = sample_case(summary="反映车库渗水。")
    assert build_context(case, OFFICE_CONFIG, "来信登记处理单")["facts"] == ["反映车库渗水。"]
    letter = build_context(case, OFFICE_CONFIG, "交办函")["facts"]
    assert letter == ["2013年起小区地下车库长期渗水，多次向物业和住建局反映未果。"
                      "请求有关部门督促开发商维修，并追究相关责任。"]


def test_clerks_summary_and_request_win():
    case = sample_case(summary="反映车库渗水，要求维修。", request="督促开发商维修车库",
                       extra={**sample_case().extra, "edited": ["summary", "request"]})
    ctx = build_context(case, OFFICE_CONFIG, "交办函")
    assert ctx["facts"] == ["反映车库渗水，要求维修。"]
    assert ctx["request"] == "督促开发商维修车库"


def test_id_never_and_phone_only_by_configuration_in_letters_to_another_body():
    config = {**OFFICE_CONFIG, "privacy": {"phone_in_letters": True}}
    for kind in ("交办函", "转送函", "督办函", "催办函"):
        letter = build_context(sample_case(), OFFICE_CONFIG, kind)
        assert letter["petitioner_id"] == "" and letter["petitioner_phone"] == ""
        assert build_context(sample_case(), OFFICE_CONFIG, kind, mask=False)["petitioner_id"] == ""
        allowed = build_context(sample_case(), config, kind)
        assert allowed["petitioner_id"] == "" and allowed["petitioner_phone"] == "13812345678"
    notice = build_context(sample_case(), OFFICE_CONFIG, "告知书")
    assert notice["petitioner_id"] == "110105********002X"
    assert notice["petitioner_phone"] == "138****5678"
    form = build_context(sample_case(), OFFICE_CONFIG, "来访接待登记表")
    assert form["petitioner_id"] == "11010519491231002X"


def test_letters_use_the_one_masking_of_docgen_privacy():
    import docgen.letters.context as context
    import docgen.privacy as privacy

    assert context.mask_id_number is privacy.mask_id_number
    assert context.mask_phone is privacy.mask_phone


def test_control_characters_are_dropped_but_tabs_kept():
    ctx = build_context(sample_case(text="a\x00b\x07c\td"), OFFICE_CONFIG, "接待报告")
    assert ctx["facts"] == ["abc\td"]


def test_attachment_names_lose_trailing_punctuation():
    ctx = build_context(sample_case(), OFFICE_CONFIG, "交办函", attachments=["来信复印件。", "照片3张；"])
    assert ctx["attachments"] == ["来信复印件", "照片3张"]


def test_visit_attaches_the_register_form():
    ctx = build_context(sample_case(channel="来访", persons=6), OFFICE_CONFIG, "交办函")
    assert ctx["attachments"] == ["来访接待登记表"]
    assert ctx["source"] == "张三等6人来访"


def test_routing_letter_without_a_body_is_refused():
    with pytest.raises(DocgenError, match="收文单位"):
        build_context(sample_case(extra={}), OFFICE_CONFIG, "交办函")


def test_notice_to_an_anonymous_petitioner_is_refused():
    with pytest.raises(DocgenError, match="匿名"):
        build_context(anonymous_case(), OFFICE_CONFIG, "告知书")


@pytest.mark.parametrize("status,expected", [("已交办", "受理"), ("已转送", "转送告知"),
                                             ("不予受理", "不予受理")])
def test_notice_variant_follows_the_case_status(status, expected):
    ctx = build_context(sample_case(status=status), OFFICE_CONFIG, "告知书")
    assert ctx["notice_type"] == expected
    assert ctx["notice_title"].startswith("信访事项") and ctx["notice_title"].endswith("告知书")


def test_workflow_keys_are_understood():
    """docgen.workflow keeps the deadline as route_due_date and the contact as route_contact."""
    case = sample_case(extra={"route_to": "县法院", "route_mode": "交办", "route_date": "2014-05-23",
                              "route_due_date": "2014-07-22", "route_contact": "赵六"})
    ctx = build_context(case, OFFICE_CONFIG, "交办函")
    assert ctx["deadline"] == "2014年7月22日" and ctx["contact"] == "赵六"


def test_plain_dict_case_is_accepted():
    ctx = build_context({"case_no": "2014-0001", "channel": "来信", "received_date": "2014-05-20",
                         "petitioner": {"name": "李四"}, "text": "内容",
                         "extra": {"route_to": "县法院"}}, OFFICE_CONFIG, "转送函")
    assert ctx["received_date"] == "2014年5月20日" and ctx["source"] == "李四来信"


def test_accusation_sent_to_the_accused_body_is_warned():
    case = sample_case(nature="检举控告", target="县住建局")
    assert routing_warnings(case, "桐庐县住建局")
    assert not routing_warnings(case, "县纪委")
