"""题名 and 责任者 of an archived 件, as DA/T 22-2015 writes them (docs/standards.md, archive).

A 题名 is 责任者 + 事由 + 文种: "刘志强关于反映桐城市人民法院执行问题的来信及处理材料".

- 责任者: the petitioner ("刘志强"), "张三等5人" for a group, "张三等" with co-signers; an
  anonymous letter has none in the title and says 匿名 in the 文种 ("关于反映…问题的匿名来信…").
- 事由: a short noun phrase built from what the case names — the body complained about
  (``target``) and the matter, found in the summary, the request or the letter ("执行问题",
  "拖欠工资问题"). It is never a cut sentence: when nothing fits a phrase, it falls back to the
  category ("城乡建设方面问题") or "有关问题", and it is bounded (``MATTER_MAX``).
- 文种: what the 件 holds, by channel ("来信", "来访记录", "网上来信", ...), "及处理材料" since a
  closed 件 holds its handling too (not a 存档备查 one: it holds the letter alone).
"""

from __future__ import annotations

import re

from docgen.models import STATUS_FILED, Case

MATTER_MAX = 36       # characters of the 事由 ("反映…问题")
TARGET_MAX = 20       # a longer 被反映对象 is left out of the 事由 rather than cut
TITLE_MAX = 80

# 文种 by channel; an anonymous item puts 匿名 in front.
GENRES = {"来信": "来信", "来访": "来访记录", "网上": "网上来信", "来电": "来电记录",
          "代表转交": "来信（代表转交）", "领导批转": "来信（领导批转）", "上级交办": "信访事项（上级交办）"}
HANDLING = "及处理材料"

# The matter as a noun phrase, by what a letter says. Most specific first: the first entry that
# matches the summary wins, then the request, then the letter.
ISSUES: tuple[tuple[str, str], ...] = (
    (r"贪污|受贿|索贿|挪用|侵吞|截留|私分|虚报冒领|套取", "违纪违法问题"),
    (r"拖欠.{0,6}工程款|工程款", "拖欠工程款问题"),
    (r"拖欠.{0,6}工资|欠薪|讨薪|欠发.{0,4}工资|农民工工资|工资.{0,4}(?:未|没有?)(?:发|付|结)", "拖欠工资问题"),
    (r"强制执行|申请执行|执行(?:案件?|款|局|庭|难|不力|判决|裁定|到位|程序|标的|法官)|(?:未|没有|拒不|不予|迟迟不|终结(?:本次)?)执行",
     "执行问题"),
    (r"再审|申诉.{0,6}(?:判决|裁定)|(?:判决|裁定).{0,8}(?:不公|错误|不服)|错案|冤案|枉法裁判", "案件审判问题"),
    (r"(?:报案|立案).{0,10}(?:不|未|没有)|(?:不|未|没有)(?:予)?立案|不作为.{0,4}(?:公安|派出所)", "报案立案问题"),
    (r"强拆|强制拆除|违法拆除", "房屋被强制拆除问题"),
    (r"(?:征地|征收|拆迁).{0,10}(?:补偿|安置)|(?:补偿|安置).{0,6}(?:征地|征收|拆迁)", "征地拆迁补偿问题"),
    (r"征地|土地征收", "征地问题"),
    (r"拆迁|房屋征收", "拆迁问题"),
    (r"宅基地", "宅基地问题"),
    (r"土地承包|承包地|承包经营权|土地流转", "土地承包问题"),
    (r"违章建筑|违建|违法建设|违法建筑|乱搭乱建", "违法建设问题"),
    (r"烂尾|逾期交房|延期交房|(?:未|不能|没有)按期交房|交房", "商品房交付问题"),
    (r"房产证|不动产权证|不动产登记|办证难", "房屋产权登记问题"),
    (r"漏水|渗水|渗漏", "房屋漏水问题"),
    (r"物业", "物业管理问题"),
    (r"噪声|噪音", "噪声扰民问题"),
    (r"污染|排污|废气|废水|粉尘|异味|臭味", "环境污染问题"),
    (r"入学|学籍|招生|转学", "子女入学问题"),
    (r"医保|医疗保险|报销", "医疗保险报销问题"),
    (r"低保|最低生活保障", "低保认定问题"),
    (r"养老保险|养老金|退休待遇|退休金", "养老保险待遇问题"),
    (r"工伤", "工伤认定问题"),
    (r"社保|社会保险", "社会保险问题"),
    (r"劳动合同|辞退|解雇|劳动仲裁|劳动争议", "劳动争议问题"),
    (r"非法集资|集资", "非法集资问题"),
    (r"借款|借贷|欠款|债务", "债务纠纷问题"),
    (r"村务|财务公开|集体资产|集体经济|村集体", "村务财务问题"),
    (r"滥用职权|玩忽职守|不作为|乱作为|吃拿卡要|打击报复", "干部作风问题"),
    (r"道路|路面|修路", "道路建设维修问题"),
    (r"停水|供水|自来水", "供水问题"),
    (r"供暖|暖气", "供暖问题"),
    (r"燃气|天然气", "燃气问题"),
    (r"地下车库", "地下车库问题"),
    (r"车库|车位|停车", "停车设施问题"),
    (r"交通事故", "交通事故处理问题"),
    (r"医疗纠纷|医疗事故", "医疗纠纷问题"),
    (r"安置", "安置问题"),
    (r"救助|困难补助|扶贫", "困难救助问题"),
    (r"补偿|赔偿", "补偿赔偿问题"),
)
_ISSUES = tuple((re.compile(p), noun) for p, noun in ISSUES)

# "关于桐城市人民法院执行问题的反映": a title line that already names the matter as a phrase.
_TITLE_FORM = re.compile(r"^关于(?P<m>[^，。；,;：:！？!?\s]{2,40}?(?:问题|事项|纠纷|情况))的"
                         r"(?:信|来信|反映|情况反映|反映信|举报信|举报|控告信|申诉书|申诉信|求助信|请求书|报告)$")
# "反映城乡建设方面的问题，第3件" (an old ledger's 反映内容).
_REFLECTS = re.compile(r"^反映(?P<m>[^，。；,;：:！？!?\s]{2,24}?)(?P<side>方面)?的?问题")
_NOUN_END = re.compile(r"(?:问题|事项|纠纷|情况)$")
_PUNCT = re.compile(r"[，。；、,;:：！？!?（）()《》“”\"'\s…·]")
_FIRST_PERSON = re.compile(r"我|本人|俺|咱|您|你")
_NOT_A_PHRASE = re.compile(r"^(?:恳请|请求|要求|希望|建议|望|请|特|现|因|由于|关于|为|对)")
_ORG_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_VERBS = ("反映", "举报", "控告", "申诉", "投诉")


def responsible_of(case: Case) -> str:
    """责任者 for the catalogue: the petitioner, "张三等5人" for a group, "匿名" when unnamed."""
    who = case.petitioner.display_name
    if case.persons and case.persons > 1:
        return f"{who}等{case.persons}人"
    if case.cosigners:
        return f"{who}等"
    return who


def _clean(text: str | None) -> str:
    return "".join((text or "").split())


# A 被反映对象 read out of a sentence ("某公司借款纠纷一案经桐城市人民法院") keeps the clause
# before the body: the body is the organisation name after the last clause word.
_CLAUSE_WORD = re.compile(r"一案|纠纷|经|被|向|由|对于|对")
_ORG_END = re.compile(r"(?:法院|检察院|公安局|分局|派出所|政府|局|委员会|村委会|居委会|办事处|街道|公司|"
                      r"医院|学校|银行|中心|所|厅|委|院|处|站|队|社|集团|镇|乡|村|厂|店)$")


def _target_phrase(case: Case) -> str:
    """The body complained about, when it is short enough to stand in a title."""
    target = _ORG_BRACKETS.sub("", _clean(case.target))
    target = re.split(r"[、，,;；/]|以及", target, maxsplit=1)[0] if target else ""
    if _CLAUSE_WORD.search(target):
        target = _CLAUSE_WORD.split(target)[-1]
        if not _ORG_END.search(target):
            return ""
    if not (2 <= len(target) <= TARGET_MAX) or _PUNCT.search(target) or _FIRST_PERSON.search(target):
        return ""
    if re.search(r"人大|人民代表大会|信访", target):   # the office itself, not a complaint's object
        return ""
    return target


def _from_title(text: str) -> str | None:
    m = _TITLE_FORM.match(text)
    if not m:
        return None
    matter = m["m"]
    return matter if matter.startswith(_VERBS) else f"反映{matter}"


def _reflected(text: str) -> str | None:
    m = _REFLECTS.match(text)
    if not m or _FIRST_PERSON.search(m["m"]) or _PUNCT.search(m["m"]):
        return None
    if m["m"] in ("有关", "相关", "一些", "若干", "个人"):
        return None
    return m["m"] + ("方面问题" if m["side"] else "问题")


def _issue(texts: list[str]) -> str | None:
    for text in texts:
        for pattern, noun in _ISSUES:
            if pattern.search(text):
                return noun
    return None


def _short_phrase(text: str) -> str | None:
    """A summary that is itself a short noun phrase ("小区漏水长期未修") becomes "…问题"."""
    text = text.removeprefix("反映")
    if not (4 <= len(text) <= 16) or _PUNCT.search(text) or _FIRST_PERSON.search(text) \
            or _NOT_A_PHRASE.match(text) or re.search(r"\d", text):
        return None
    return text if _NOUN_END.search(text) else text + "问题"


def matter_of(case: Case) -> str:
    """事由: "反映桐城市人民法院执行问题" — a noun phrase, never a cut sentence, at most
    ``MATTER_MAX`` characters."""
    verb = "举报" if case.nature == "检举控告" else "反映"
    summary = _clean(case.summary)
    first_line = (case.text or "").strip().split("\n", 1)[0].strip()
    for candidate in (summary, _clean(first_line)):
        titled = _from_title(candidate)
        if titled and len(titled) <= MATTER_MAX:
            return titled
    target = _target_phrase(case)
    issue = _reflected(summary) or _issue([summary, _clean(case.request), _clean((case.text or "")[:3000])]) \
        or _short_phrase(summary)
    if issue and target and not issue.startswith(target):
        joined = f"{verb}{target}{issue}"
        if len(joined) <= MATTER_MAX:
            return joined
    if issue and len(verb + issue) <= MATTER_MAX:
        return verb + issue
    if target:
        return f"{verb}{target}有关问题"
    category = _clean(case.category)
    if category and category != "其他" and len(category) <= 12 and not _PUNCT.search(category):
        return f"{verb}{category}方面问题"
    return f"{verb}有关问题"


def genre_of(case: Case) -> str:
    """文种: what the 件 holds, e.g. "来信及处理材料", "匿名来信及处理材料"; a 存档备查 件 holds
    the letter alone (nothing was routed or answered), so it is just "来信"."""
    genre = GENRES.get(case.channel, "信访材料")
    if not case.petitioner.name:
        genre = "匿名" + genre
    return genre if case.status == STATUS_FILED else genre + HANDLING


def title_of(case: Case) -> str:
    """题名 = 责任者 + 关于 + 事由 + 的 + 文种 (an anonymous item names no 责任者)."""
    matter = matter_of(case)
    genre = genre_of(case)
    who = responsible_of(case) if case.petitioner.name else ""
    title = f"{who}关于{matter}的{genre}"
    if len(title) > TITLE_MAX:     # a very long name or group label: the matter stays whole
        title = f"关于{matter}的{genre}"
    return title
