"""The kinds of document docgen writes, and the variables each kind's template may use.

The Chinese name is the kind's name everywhere: on the command line (``docgen letter 交办函``),
as the template file name (``交办函.docx``) and in the sequence of 发文字号 (``doc:交办函:2026``).
The declared variables are the contract between :mod:`docgen.letters.context` (which fills every
one of them, never with ``None``) and an office's edited template (which the linter checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.errors import DocgenError

# Filled for every kind (strings are "" when unknown, so a template can test them with ``if``).
COMMON_VARIABLES = frozenset({
    "office_name",          # 发文机关全称: 桐庐县人大常委会
    "office_short_name",    # 桐庐县人大
    "office_dept",          # 承办部门: 桐庐县人大常委会信访室
    "office_contact", "office_phone", "office_address",
    "date",                 # 成文日期 2014年5月23日
    "year",
    "case_no", "channel", "channel_verb", "received_date", "letter_date",
    "petitioner_name",      # "" when anonymous
    "petitioner_display",   # name, or 匿名
    "anonymous",            # bool
    "petitioner_id", "petitioner_phone", "petitioner_address",
    "persons", "cosigners",
    "source",               # 张三来信 / 匿名来信 / 张三等5人来访
    "target", "request", "category", "nature", "summary",
    "facts",                # list of paragraphs: the summary, or the full letter text
    "flags",
})

# 函 sent to a body that handles the matter.
_ROUTING = frozenset({
    "doc_no", "route_to", "route_mode", "route_date", "deadline", "deadline_days",
    "attachments", "cc", "contact", "phone",
})

_FOLLOW_UP = frozenset({
    "original_doc_no", "original_title", "original_date", "new_deadline", "overdue",
    "supervisor", "responsible",
})

_RECORD = frozenset({
    "proposal", "instruction", "result", "receptionist", "visit_date", "handling", "analysis",
    "satisfaction", "closed_date", "external_no",
    "representatives",      # 来访代表 of a group visit: 李四、王五
    "visit_answer",         # 当场答复 given at the reception
})


# Characters of 主要反映问题 a 函 prints and of 摘要 a form prints (see build_context, which
# lowers them further when the rest of a 函 is long, so that it keeps to one page).
LIMIT_ASSIGN = 300
LIMIT_FOLLOW_UP = 200
LIMIT_FORM = 200


@dataclass(frozen=True)
class Kind:
    """One document kind."""

    name: str                 # 交办函
    english: str              # assign
    description: str
    letter_format: bool       # GB/T 9704 信函格式 (letterhead, double lines, 文号)
    numbered: bool            # gets a 发文字号 from the per-year, per-kind sequence
    variables: frozenset[str]
    # At most this many characters of 主要反映问题 / 摘要 (``facts``); None: the whole text.
    # A 函 must fit on one page with its signature, a form on one sheet.
    facts_limit: int | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.docx"

    def to_json(self) -> dict:
        return {"kind": self.name, "english": self.english, "description": self.description,
                "letter_format": self.letter_format, "numbered": self.numbered,
                "variables": sorted(self.variables), "facts_limit": self.facts_limit}


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("交办函", "assign", "交办：限期办理，书面报告办理情况", True, True,
         COMMON_VARIABLES | _ROUTING, facts_limit=LIMIT_ASSIGN),
    Kind("转送函", "forward", "转送：由有权处理的机关办理并直接答复信访人", True, True,
         COMMON_VARIABLES | _ROUTING, facts_limit=LIMIT_ASSIGN),
    Kind("督办函", "supervise", "督办：引用原交办文号和期限，督促办理", True, True,
         COMMON_VARIABLES | _ROUTING | _FOLLOW_UP, facts_limit=LIMIT_FOLLOW_UP),
    Kind("催办函", "remind", "催办：引用原交办文号和期限，催促报告", True, True,
         COMMON_VARIABLES | _ROUTING | _FOLLOW_UP, facts_limit=LIMIT_FOLLOW_UP),
    Kind("告知书", "notice", "告知信访人：受理 / 不予受理 / 转送告知", True, True,
         COMMON_VARIABLES | {"doc_no", "notice_type", "notice_title", "reason", "route_to",
                             "route_date", "deadline", "contact", "phone"}, facts_limit=LIMIT_FORM),
    Kind("来访接待登记表", "visit_register", "来访接待登记表", False, False,
         COMMON_VARIABLES | _RECORD | {"route_to", "route_mode"}, facts_limit=LIMIT_FORM),
    Kind("接待报告", "visit_report", "接待报告：基本情况、反映的主要问题、接待处理情况、分析及建议",
         False, False, COMMON_VARIABLES | _RECORD | {"route_to", "route_mode"}),
    Kind("来信登记处理单", "letter_slip", "来信登记处理单（拟办意见、领导批示）", False, False,
         COMMON_VARIABLES | _RECORD | {"route_to", "route_mode", "deadline"}, facts_limit=LIMIT_FORM),
)}

ALL_VARIABLES = frozenset().union(*(k.variables for k in KINDS.values()))

# Names accepted besides the Chinese ones, so scripts can use ASCII.
_ALIASES = {k.english: k.name for k in KINDS.values()}


def get_kind(name: str) -> Kind:
    """The kind called ``name`` (Chinese, or its English alias); DocgenError if unknown."""
    key = (name or "").strip()
    key = _ALIASES.get(key.lower(), key)
    if key.endswith(".docx"):
        key = key[:-5]
    try:
        return KINDS[key]
    except KeyError:
        raise DocgenError(f"未知的文书类型：{name}（可用：{'、'.join(KINDS)}）") from None
