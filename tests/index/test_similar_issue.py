"""Same-issue matches on the demo's letters: the group visit about 溪口村 finds 张桂兰's letter with
words that name the issue; letters sharing only boilerplate (人民政府, 反映, 要求, the 交办函's
wording) are not listed."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.index.document import IndexDocument
from docgen.index.service import rebuild
from docgen.index.similar import similar_cases

ASSIGN_LETTER = ("关于交办来信反映问题的函\n{target}：\n我委收到来信，反映{target}有关问题。根据《信访工作条例》"
                 "有关规定，现将该件交你单位办理。请你单位认真调查核实，依法依规妥善处理，并将办理情况书面"
                 "报告我委。办理情况报告应当包括调查核实情况、处理意见及答复信访人情况。\n特此函告。")


def _doc(no, summary, text, target=None, assigned=False):
    if assigned:
        text += "\n\n" + ASSIGN_LETTER.format(target=target)
    return IndexDocument(case_no=no, received_date=dt.date(2026, 11, 26), summary=summary,
                         target=target, text=text)


DOCS = [
    _doc("BRIBE", "关于示例县某局工作人员收受好处费的检举",
         "我是示例县城关镇的一名个体经营户。今年以来，示例县市场监督管理局城关所一名姓赵的工作人员，"
         "多次以检查为名向辖区商户索要好处费，不给就说要罚款。请人大常委会依法监督，要求有关部门认真调查处理。"),
    _doc("LAND", "关于征地补偿款未足额发放的反映",
         "我叫张桂兰，家住示例县青山\n镇溪口村5组18号。2024年3月，青山镇人民政府因修建工业园区道路征收我家"
         "承包地2.\n6亩，当时承诺每亩补偿4.8万元。至今只付了5万元，多次到镇里询问，工作人员都说等上级拨款。"
         "恳请人大常委会督促示例县青山镇人民政府依法足额发放征地补偿\n款。",
         target="示例县青山镇人民政府", assigned=True),
    _doc("WAGES", "关于鸿达建筑公司拖欠农民工工资的情况反映",
         "我们是在示例县鸿达建筑工程有限公司承建的城南安置小区项目干活的农民工，共23人。工资至今未发。"
         "我们曾向县人力资源和社会保障局投诉，至今没有结果。要求尽快支付拖欠的工资，请人大常委会予以监督。"
         "住址：示例县城关镇人民路88号", target="示例县鸿达建筑工程有限公司", assigned=True),
    _doc("ROAD", "关于白沙村村道损毁多年未修的反映",
         "白沙乡白沙村通往乡里的村道约3公里，2023年汛期被冲毁一段，至今未修复。我们多次向白沙乡"
         "人民政府反映，答复说没有资金。要求示例县白沙乡人民政府尽快修复村道，方便群众出行。",
         target="白沙乡人民政府", assigned=True),
    _doc("VISIT", "溪口村3组村民6人来访，反映2024年工业园区道路征地补偿标准不公开、补偿款未足额兑付的问题。",
         "村民称全组被征地约40亩，镇政府只发放了部分补偿款，也未张贴公告。\n要求公开征地补偿标准并足额兑付\n"
         "已登记，将按程序交青山镇人民政府调查处理，并在规定期限内答复。", target="示例县青山镇人民政府"),
]


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def demo_index(request, tmp_path_factory):
    idx = rebuild(tmp_path_factory.mktemp(f"sim-{request.param}"), DOCS, request.param)
    yield idx
    idx.close()


def _matches(idx, no):
    return similar_cases(idx, next(d for d in DOCS if d.case_no == no))


def test_group_visit_finds_the_letter_on_the_same_land_with_telling_words(demo_index):
    matches = _matches(demo_index, "VISIT")
    assert [m.case_no for m in matches] == ["LAND"]
    reason = matches[0].reasons[0]
    assert "征地补偿" in reason and "被反映对象相同" in reason
    assert not any(w in reason for w in ("人民政府、", "反映、", "要求", "依法"))


@pytest.mark.parametrize("no", ["BRIBE", "WAGES", "ROAD"])
def test_letters_sharing_only_boilerplate_are_not_similar(demo_index, no):
    assert _matches(demo_index, no) == []


def test_the_letter_finds_the_visit_back(demo_index):
    assert [m.case_no for m in _matches(demo_index, "LAND")] == ["VISIT"]
