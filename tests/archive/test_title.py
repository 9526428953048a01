"""题名 as DA/T 22 writes it: 责任者 + 关于 + 事由 + 的 + 文种, never a cut sentence (issue 12)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from docgen.archive.catalogue import describe_item
from docgen.archive.title import MATTER_MAX, TITLE_MAX, matter_of, responsible_of, title_of
from docgen.models import STATUS_CLOSED, STATUS_FILED, Case, Petitioner

# What a 题名 must never contain: sentence punctuation or an ellipsis (a cut sentence).
FRAGMENT = re.compile(r"[，。；：！？,;:!?…]")


def _case(name: str | None = "刘志强", **kw) -> Case:
    base = dict(case_no="2025-0001", channel="来信", received_date=dt.date(2025, 1, 10),
                petitioner=Petitioner(name=name), status=STATUS_CLOSED,
                closed_date=dt.date(2025, 3, 1))
    base.update(kw)
    return Case(**base)


def test_the_case_of_the_issue_reads_as_responsible_matter_and_genre():
    case = _case(target="桐城市人民法院",
                 summary="恳请人大常委会依法监督，督促桐城市人民法院依法执行，使判决早日兑现。",
                 text="尊敬的人大常委会：\n我叫刘志强，申请强制执行后法院至今未执行到位。")
    assert title_of(case) == "刘志强关于反映桐城市人民法院执行问题的来信及处理材料"
    # not the old "刘志强来信反映恳请人大常委会依法监督，…兑现。及办理情况"
    assert describe_item(case, []).title == title_of(case)


@pytest.mark.parametrize(("kw", "title"), [
    (dict(channel="来访", persons=6, target="示例县建筑公司", summary="要求解决拖欠农民工工资问题"),
     "刘志强等6人关于反映示例县建筑公司拖欠工资问题的来访记录及处理材料"),
    (dict(name=None, nature="检举控告", target="河口镇某村委会", summary="举报村干部侵吞集体资金"),
     "关于举报河口镇某村委会违纪违法问题的匿名来信及处理材料"),
    (dict(channel="网上", summary="小区漏水长期未修", target="某某街道办事处"),
     "刘志强关于反映某某街道办事处房屋漏水问题的网上来信及处理材料"),
    # an old ledger's 反映内容
    (dict(summary="反映城乡建设方面的问题，第3件", target="示例县住建局"),
     "刘志强关于反映示例县住建局城乡建设方面问题的来信及处理材料"),
    # a letter that already titles itself
    (dict(summary="关于桐城市人民法院执行问题的反映"),
     "刘志强关于反映桐城市人民法院执行问题的来信及处理材料"),
    # 存档备查: the 件 holds the letter alone
    (dict(status=STATUS_FILED, closed_date=None, summary="小区噪声扰民", target="南山街道办事处"),
     "刘志强关于反映南山街道办事处噪声扰民问题的来信"),
])
def test_titles_of_the_usual_shapes(kw, title):
    name = kw.pop("name", "刘志强")
    assert title_of(_case(name, **kw)) == title


def test_a_target_read_out_of_a_sentence_keeps_only_the_body():
    case = _case(target="某公司借款纠纷一案经桐城市人民法院",
                 summary="反映2019年其与某公司借款纠纷一案经桐城市人民法院判决胜诉，申请强制执行后至今已三年，"
                         "法院一直未执行到位，要求依法监督")
    assert title_of(case) == "刘志强关于反映桐城市人民法院执行问题的来信及处理材料"
    case = _case(target="多次上访被打击报复", summary="反映干部打击报复")
    assert title_of(case) == "刘志强关于反映干部作风问题的来信及处理材料"


def test_nothing_nameable_falls_back_to_a_phrase_not_a_sentence():
    case = _case(summary="我家的事情一直没有人管，请领导为我做主。", category="其他")
    assert title_of(case) == "刘志强关于反映有关问题的来信及处理材料"
    case = _case(summary="我家的事情一直没有人管，请领导为我做主。", category="城乡建设")
    assert title_of(case) == "刘志强关于反映城乡建设方面问题的来信及处理材料"


@pytest.mark.parametrize("summary", [
    "恳请人大常委会依法监督，使判决兑现。",
    "本人于2019年3月在某某公司工作期间，公司拖欠工资至今未付，多次讨要无果，特此来信。" * 3,
    "希望领导关心",
    "因为……所以",
])
def test_no_title_is_a_cut_sentence_and_every_title_is_bounded(summary):
    for target in (None, "某某公司", "某某省某某市某某县某某镇某某村民委员会第三村民小组"):
        case = _case(summary=summary, target=target, request=summary, text=summary)
        title, matter = title_of(case), matter_of(case)
        assert not FRAGMENT.search(title), title
        assert len(matter) <= MATTER_MAX and len(title) <= TITLE_MAX
        assert title.endswith("的来信及处理材料") and title.startswith("刘志强关于")


def test_responsible_names_groups_and_cosigners():
    assert responsible_of(_case(persons=5)) == "刘志强等5人"
    assert responsible_of(_case(cosigners=["张三"])) == "刘志强等"
    assert responsible_of(_case(None)) == "匿名"
