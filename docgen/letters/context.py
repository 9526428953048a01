"""Turn a case and the workspace configuration into the variables a template is filled with.

Every variable a kind declares (:mod:`docgen.letters.kinds`) is present and is never ``None``:
missing text is ``""`` and missing lists are ``[]``, so templates hide a part with ``{% if %}``
instead of printing a dangling label. Dates are written the GB/T 9704 way (``2014年5月23日``).
User text is passed through unchanged except for characters XML cannot hold; docxtpl escapes it
(``autoescape=True``) and never evaluates it as template code.

Personal data: a 函 to another body (:data:`ROUTING_KINDS`) never carries the petitioner's ID
number, carries the phone only with ``[privacy] phone_in_letters = true``, and every text in it
goes through :func:`docgen.privacy.mask_text`; other kinds mask when ``mask`` (by default the
告知书, which leaves the office; the internal forms show the numbers). What the letter is about
comes from :mod:`docgen.letters.content`: a few sentences of main issues in a 函, the 摘要 on a
form, what a clerk corrected before anything derived.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.letters.content import issues_paragraphs, request_text, summary_paragraphs
from docgen.letters.kinds import ALL_VARIABLES, get_kind
from docgen.models import Case, Petitioner
from docgen.privacy import mask_id_number, mask_phone, mask_text

# 函 sent to another body — often the body complained about. They never carry the petitioner's
# ID number, carry the phone only where ``[privacy] phone_in_letters`` says so, and every text
# in them is masked (docs/standards.md §4; issue 9 item 8).
ROUTING_KINDS = ("交办函", "转送函", "督办函", "催办函")
# The office's own particulars: printed as configured, never masked.
_OFFICE_KEYS = frozenset({"office_name", "office_short_name", "office_dept", "office_contact",
                          "office_phone", "office_address", "contact", "phone"})
_FORM_KINDS = ("来信登记处理单", "来访接待登记表")

NOTICE_TITLES = {
    "受理": "信访事项受理告知书",
    "不予受理": "信访事项不予受理告知书",
    "转送告知": "信访事项转送告知书",
}

# How a case's channel reads in "我委收到张三来信" and in "你于…来信反映".
_SOURCE_WORD = {"来信": "来信", "来访": "来访", "网上": "网上信访", "来电": "来电",
                "代表转交": "来信", "领导批转": "来信", "上级交办": "信访事项"}
_VERB = {"来信": "来信", "来访": "来访", "网上": "通过网上信访渠道", "来电": "来电",
         "代表转交": "来信", "领导批转": "来信", "上级交办": "来信"}
_ATTACHMENT = {"来信": "来信复印件", "来访": "来访接待登记表", "网上": "网上信访件打印件",
               "来电": "来电记录", "代表转交": "来信复印件", "领导批转": "来信复印件",
               "上级交办": "信访材料复印件"}

# XML 1.0 cannot carry these; a control character in an OCR'd letter must not break the .docx.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def format_date(value: dt.date | str | None) -> str:
    """``2014年5月23日``: Arabic numerals, full year, no zero padding (GB/T 9704 成文日期)."""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def format_doc_number(prefix: str, year: int, number: int) -> str:
    """``桐人大信〔2014〕12号``: 〔〕 U+3014/U+3015, full year, no 第, no zero padding."""
    return f"{prefix}〔{year}〕{int(number)}号"


def doc_prefix(config: dict, kind: str) -> str:
    """The 发文字号 prefix of ``kind``: ``[office.doc_prefixes]`` when the office gives that kind
    its own (e.g. 催办函 = "桐人大信催"), else ``[office] doc_prefix``."""
    office = config.get("office", {})
    return str((office.get("doc_prefixes") or {}).get(kind) or office.get("doc_prefix") or "")


def next_doc_number(registry, prefix: str, kind: str, year: int) -> str:
    """Take the next 发文字号 for ``prefix`` in ``year``. The sequence belongs to the prefix, not
    the kind: two letters that share a prefix can never share a number, and a kind with a prefix
    of its own counts on its own."""
    if not prefix:
        raise DocgenError(f"未配置{kind}的发文字号前缀：请在 docgen.toml 的 [office] 中设置 doc_prefix")
    return format_doc_number(prefix, year, registry.next_sequence(f"doc:{prefix}:{year}"))


def clean_text(value: Any) -> str:
    """A string safe for XML: None → "", control characters dropped, line ends normalised."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_INVALID.sub("", text)


def one_line(value: Any) -> str:
    """A field printed inside a sentence: line breaks become spaces."""
    return re.sub(r"\s*\n\s*", " ", clean_text(value)).strip()


def paragraphs(text: Any) -> list[str]:
    """Split a letter into paragraphs; the template indents them, so leading blanks go."""
    out = []
    for line in clean_text(text).split("\n"):
        line = line.strip(" \u3000")
        if line.strip():
            out.append(line)
    return out


def case_from_dict(data: dict[str, Any]) -> Case:
    """A Case from a plain dict shaped like ``Case.to_json()`` (tests, scripts)."""
    d = dict(data)
    pet = d.pop("petitioner", None) or {}
    if isinstance(pet, dict):
        pet = Petitioner(**{k: v for k, v in pet.items() if k in Petitioner.__dataclass_fields__})
    fields = Case.__dataclass_fields__
    kwargs = {k: v for k, v in d.items() if k in fields}
    for key in ("received_date", "letter_date", "closed_date"):
        if key in kwargs:
            kwargs[key] = _as_date(kwargs[key])
    kwargs.setdefault("case_no", "")
    kwargs.setdefault("channel", "来信")
    kwargs.setdefault("received_date", dt.date.today())
    return Case(petitioner=pet, **kwargs)


def routing_warnings(case: Case, route_to: str | None) -> list[str]:
    """Warnings before a letter goes out: a 检举控告 sent to the very body it accuses."""
    target = (case.target or "").strip()
    route_to = (route_to or "").strip()
    if case.nature == "检举控告" and target and route_to and (target in route_to or route_to in target):
        return [f"注意：该件为检举控告，被反映对象“{target}”与收文单位“{route_to}”相同，"
                "请确认不会将检举材料转给被检举对象。"]
    return []


def build_context(case: Case | dict[str, Any], ws_config: dict[str, Any] | None, kind: str,
                  *, date: dt.date | None = None, mask: bool | None = None,
                  template_dir: Path | str | None = None, fit_page: bool = True,
                  **extra: Any) -> dict[str, Any]:
    """Variables for the template of ``kind``.

    ``ws_config`` is the workspace configuration (``docgen.toml`` as a dict; its ``[office]``
    section names the office). Routing details come from ``case.extra`` (``route_to``,
    ``route_mode``, ``route_doc_no``, ``route_date``, ``due_date``, ``proposal``,
    ``instruction``, ...); keyword arguments override them (e.g. ``doc_no=``, ``route_to=``,
    ``notice_type=``, ``new_due_date=``, ``facts_limit=``). ``date`` is the 成文日期 (default
    today). ``mask`` hides ID and phone numbers in the kinds that are not 函 to another body
    (those are always masked, see the module docstring); by default in the 告知书 only.

    A 函 to another body is kept to one page with its signature (``fit_page``): when the
    template that will be used (the workspace's in ``template_dir``, else the built-in one)
    would run over, the main issues are shortened (:mod:`docgen.letters.layout`).
    """
    spec = get_kind(kind)
    if isinstance(case, dict):
        case = case_from_dict(case)
    config = ws_config or {}
    office = config.get("office", config) if isinstance(config, dict) else {}
    info: dict[str, Any] = {**(case.extra or {}), **extra}
    date = _as_date(date) or dt.date.today()
    routing = spec.name in ROUTING_KINDS
    if mask is None:
        mask = spec.letter_format
    privacy = config.get("privacy", {}) if isinstance(config, dict) else {}
    phone_in_letters = bool((privacy or {}).get("phone_in_letters", False))
    pet = case.petitioner or Petitioner()

    name = one_line(pet.name)
    persons = max(int(case.persons or 1), 1)
    display = name or "匿名"
    source = f"{display}{'等' + str(persons) + '人' if persons > 1 else ''}" \
             f"{_SOURCE_WORD.get(case.channel, '来信')}"
    route_to = one_line(info.get("route_to"))
    route_mode = one_line(info.get("route_mode"))
    route_date = _as_date(info.get("route_date"))
    # the workflow keeps the routing deadline as route_due_date; an explicit due_date wins
    due = _as_date(info.get("due_date") or info.get("route_due_date"))
    limit = info.get("facts_limit", spec.facts_limit)
    facts, request = _facts_and_request(spec.name, case, info, limit)
    # Visit details as docgen.visits registered them (case.extra["visit"]); keyword arguments
    # and top-level extra keys win.
    visit = info.get("visit") if isinstance(info.get("visit"), dict) else {}
    receptionist = one_line(_first(info.get("receptionist"), visit.get("receptionist")))
    representatives = _names(_first(info.get("representatives"), visit.get("representatives")))
    visit_answer = clean_text(_first(info.get("visit_answer"), visit.get("answer"))).strip()

    attachments = info.get("attachments")
    if attachments is None:
        attachments = [_ATTACHMENT.get(case.channel, "信访材料复印件")] \
            if spec.name in ("交办函", "转送函") else []
    elif isinstance(attachments, str):
        attachments = [attachments]
    # 附件 names carry no punctuation after them (GB/T 9704 8.1.8)
    attachments = [one_line(a).rstrip("。，；：、.,;:") for a in attachments if one_line(a)]

    cc = info.get("cc") or ""
    if isinstance(cc, list | tuple):
        cc = "，".join(one_line(c) for c in cc if one_line(c))
    cc = one_line(cc).rstrip("。.")

    notice_type = one_line(info.get("notice_type")) or _default_notice_type(case)
    if notice_type not in NOTICE_TITLES:
        raise DocgenError(f"告知书类型应为 受理、不予受理 或 转送告知：{notice_type}")

    original_mode = route_mode or ("转送" if spec.name == "转送函" else "交办")
    handling = clean_text(info.get("handling")).strip()
    if not handling:
        parts = []
        if visit_answer:
            parts.append(f"{receptionist or '接谈人'}当场答复："
                         + one_line(visit_answer).rstrip("。") + "。")
        if info.get("proposal"):
            parts.append(one_line(info.get("proposal")).rstrip("。") + "。")
        if route_to:
            parts.append(f"该件已{route_mode or '交办'}{route_to}办理"
                         f"{'，限' + format_date(due) + '前报告办理情况' if due and route_mode != '转送' else ''}。")
        handling = "".join(parts)

    ctx: dict[str, Any] = {
        "office_name": one_line(office.get("name")),
        "office_short_name": one_line(office.get("short_name")),
        "office_dept": one_line(office.get("office_name")),
        "office_contact": one_line(office.get("contact")),
        "office_phone": one_line(office.get("phone")),
        "office_address": one_line(office.get("address")),
        "date": format_date(date),
        "year": str(date.year),
        "case_no": one_line(case.case_no),
        "channel": one_line(case.channel),
        "channel_verb": _VERB.get(case.channel, "来信"),
        "received_date": format_date(case.received_date),
        "letter_date": format_date(case.letter_date),
        "petitioner_name": name,
        "petitioner_display": display,
        "anonymous": not name,
        "petitioner_id": "" if routing else
        mask_id_number(pet.id_number) if mask else one_line(pet.id_number),
        "petitioner_phone": (one_line(pet.phone) if phone_in_letters else "") if routing else
        mask_phone(pet.phone) if mask else one_line(pet.phone),
        "petitioner_address": one_line(pet.address),
        "persons": persons,
        "cosigners": "，".join(one_line(c) for c in case.cosigners if one_line(c)),
        "source": source,
        "target": one_line(case.target),
        "request": one_line(request),
        "category": one_line(case.category),
        "nature": one_line(case.nature),
        "summary": one_line(case.summary),
        "facts": facts,
        "flags": "、".join(one_line(f) for f in case.flags if one_line(f)),
        "doc_no": one_line(info.get("doc_no")),
        "route_to": route_to,
        "route_mode": route_mode,
        "route_date": format_date(route_date),
        "deadline": format_date(due),
        "deadline_days": str((due - route_date).days) if due and route_date else "",
        "attachments": attachments,
        "cc": cc,
        "contact": one_line(_first(info.get("contact"), info.get("route_contact"),
                                   office.get("contact"))),
        "phone": one_line(info.get("phone") if info.get("phone") is not None
                          else office.get("phone")),
        "original_doc_no": one_line(info.get("original_doc_no") or info.get("route_doc_no")),
        "original_title": f"关于{original_mode}{source}反映问题的函",
        "original_date": format_date(_as_date(info.get("original_date")) or route_date),
        "new_deadline": format_date(_as_date(info.get("new_due_date"))),
        "overdue": bool(due and due < date),
        "supervisor": one_line(info.get("supervisor")),
        "responsible": one_line(info.get("responsible")),
        "notice_type": notice_type,
        "notice_title": NOTICE_TITLES[notice_type],
        "reason": one_line(info.get("reason")).rstrip("。，"),
        "proposal": clean_text(info.get("proposal")).strip(),
        "instruction": clean_text(info.get("instruction")).strip(),
        "result": clean_text(case.result).strip(),
        "satisfaction": one_line(case.satisfaction),
        "closed_date": format_date(case.closed_date),
        "external_no": one_line(case.external_no),
        "receptionist": receptionist,
        "representatives": representatives,
        "visit_answer": visit_answer,
        "visit_date": format_date(_as_date(info.get("visit_date")) or case.received_date),
        "handling": handling,
        "analysis": clean_text(info.get("analysis")).strip(),
    }
    _check_required(spec.name, ctx)
    masking = routing or mask
    if masking:
        exempt = _OFFICE_KEYS | ({"petitioner_phone"} if routing and phone_in_letters else set())
        for key, value in ctx.items():
            if key not in exempt:
                ctx[key] = _masked(value)
    missing = ALL_VARIABLES - ctx.keys()
    assert not missing, f"context lacks declared variables: {sorted(missing)}"
    if routing and fit_page and limit is not None and not info.get("facts"):
        ctx = _fit_one_page(spec.name, case, info, ctx, template_dir, masking)
    return ctx


def _facts_and_request(kind: str, case: Case, info: dict[str, Any],
                       limit: int | None) -> tuple[list[str], str]:
    """What the document says about the letter: 函 print the main issues (a clerk's corrected
    摘要 first), forms the 摘要, the reception report the whole record of the visit."""
    if kind in _FORM_KINDS:
        facts = summary_paragraphs(case, info, int(limit or 0))
    else:
        facts = issues_paragraphs(case, info, None if limit is None else int(limit))
    facts = [line for f in facts for line in paragraphs(f)]
    if kind in _FORM_KINDS or kind in ROUTING_KINDS:
        return facts, one_line(request_text(case, facts, stated_once=kind in ROUTING_KINDS))
    return facts, one_line(case.request)


def _fit_one_page(kind: str, case: Case, info: dict[str, Any], ctx: dict[str, Any],
                  template_dir, masking: bool) -> dict[str, Any]:
    """``ctx`` with the longest main issues (and, if they alone are not enough, the 诉求 cut)
    that let the 函 end on its first page."""
    from docgen.letters.content import cut
    from docgen.letters.layout import overflow_lines

    def fits(c: dict[str, Any]) -> bool:
        return overflow_lines(kind, c, template_dir) <= 0

    def with_limit(n: int) -> dict[str, Any]:
        facts, request = _facts_and_request(kind, case, info, n)
        if masking:
            facts, request = _masked(facts), _masked(request)
        return {**ctx, "facts": facts, "request": request}

    if fits(ctx):
        return ctx
    # Downwards, not by bisection: fewer characters allowed can print more lines (a demand
    # left out of the main issues comes back as the 诉求 line).
    seen: set[tuple] = set()
    for n in range(sum(len(p) for p in ctx["facts"]) - 1, 0, -8):
        candidate = with_limit(n)
        key = (tuple(candidate["facts"]), candidate["request"])
        if key in seen:
            continue
        seen.add(key)
        if fits(candidate):
            return candidate
    ctx = with_limit(0)
    request = ctx["request"]
    for n in range(len(request) - 1, -1, -4):       # nothing of the letter left but its 诉求
        ctx = {**ctx, "request": cut(request, n)}
        if fits(ctx):
            break
    return ctx


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _check_required(kind: str, ctx: dict[str, Any]) -> None:
    if kind in ("交办函", "转送函", "督办函", "催办函") and not ctx["route_to"]:
        raise DocgenError(f"{kind}需要收文单位：该件尚未交办或转送（先用 docgen transfer，或指定收文单位）")
    if kind == "告知书":
        if ctx["anonymous"]:
            raise DocgenError("匿名信访无法书面告知：告知书需要信访人姓名")
        if ctx["notice_type"] == "转送告知" and not ctx["route_to"]:
            raise DocgenError("转送告知书需要转送单位：该件尚未转送")
    if not ctx["office_name"] and kind in ("交办函", "转送函", "督办函", "催办函", "告知书"):
        raise DocgenError("未配置发文机关名称：请在 docgen.toml 的 [office] 中设置 name")



def _names(value: Any) -> str:
    """A list of names (or one string) as ``李四、王五``."""
    if isinstance(value, list | tuple):
        return "、".join(one_line(v) for v in value if one_line(v))
    return one_line(value)


def _first(*values: Any) -> Any:
    """The first value that was given (an explicit "" counts: it means "leave it out")."""
    return next((v for v in values if v is not None), None)


def notice_type_of(case: Case, info: dict[str, Any] | None = None) -> str:
    """The 告知书 variant for a case: the one ``info`` (case.extra and overrides) names, else
    what the case's routing implies (不予受理, 转送告知, otherwise 受理)."""
    explicit = one_line((info or {}).get("notice_type"))
    return explicit or _default_notice_type(case)


def _default_notice_type(case: Case) -> str:
    mode = (case.extra or {}).get("route_mode")
    if case.status == "不予受理" or mode == "不予受理":
        return "不予受理"
    if case.status == "已转送" or mode == "转送":
        return "转送告知"
    return "受理"


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DocgenError(f"日期格式应为 YYYY-MM-DD：{value}") from None
