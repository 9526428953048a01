"""The fields a ledger (台账) column can fill and the headers offices write for each.

Kept apart from ``docgen.reports.ledger`` so that ``docgen ledger import --help`` can list them
without loading the import machinery (docs/cli.md "ledger").
"""

from __future__ import annotations

# Targets of --map: the JSON field names (docs/cli.md). case_no is the ledger's own number, kept
# as external_no (the registry gives its own case numbers). note, township, route_to and
# route_date have no Case field of the same name: the note goes into the 登记 event and
# ``extra``, the township into ``Case.township``, the routing into a 交办/转送 event.
FIELDS = (
    "case_no", "external_no", "channel", "status", "received_date", "letter_date",
    "petitioner.name", "petitioner.id_number", "petitioner.phone", "petitioner.address",
    "township", "target", "request", "category", "summary", "text", "result", "satisfaction",
    "closed_date", "persons", "route_to", "route_date", "note",
)

# What each field is called in Chinese (help text, messages).
FIELD_LABELS = {
    "case_no": "台账编号", "external_no": "台账编号", "channel": "来源渠道", "status": "办理状态",
    "received_date": "收到日期", "letter_date": "来信日期", "petitioner.name": "姓名",
    "petitioner.id_number": "身份证号", "petitioner.phone": "联系电话",
    "petitioner.address": "住址", "township": "乡镇（街道）", "target": "被反映对象",
    "request": "诉求", "category": "问题类别", "summary": "内容摘要", "text": "全文",
    "result": "办理结果", "satisfaction": "满意度", "closed_date": "办结日期", "persons": "人数",
    "route_to": "承办单位", "route_date": "交办日期", "note": "备注",
}

# Fields a row cannot do without: a ledger with no column for one of them is refused once,
# before any row is read, with the headers it has.
REQUIRED = ("received_date",)

# Usual headers of Chinese ledgers, per field, in order of preference. Fields are filled in this
# order and a header serves one field only, so 反映内容 becomes the summary unless a 内容摘要
# column exists, in which case it is the text; 来信日期 is the received date unless a 收到日期
# column exists. 序号 is deliberately absent: it numbers the rows of one sheet (every year's
# ledger starts at 1), so taken as a ledger number it would make next year's rows "already
# imported".
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "external_no": ("登记号", "编号", "登记编号", "案件编号", "信访编号", "信访件编号", "外部编号",
                    "件号", "case_no", "external_no"),
    "channel": ("来源渠道", "来源", "渠道", "信访形式", "信访方式", "登记方式", "channel"),
    "status": ("状态", "办理状态", "办结状态", "是否办结", "status"),
    "received_date": ("收到日期", "收到时间", "登记日期", "登记时间", "受理日期", "受理时间",
                      "收信日期", "收信时间", "来信时间", "来访日期", "来访时间", "来信（访）时间",
                      "来信(访)时间", "来信（访）日期", "来信(访)日期", "信访日期", "信访时间",
                      "来信日期", "日期", "时间", "received_date"),
    "letter_date": ("来信日期", "写信日期", "落款日期", "letter_date"),
    "petitioner.name": ("姓名", "来信人", "来访人", "信访人", "来信（访）人", "来信(访)人",
                        "来信人姓名", "来访人姓名", "信访人姓名", "反映人", "来信来访人",
                        "petitioner.name"),
    "petitioner.id_number": ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份号码",
                             "petitioner.id_number"),
    "petitioner.phone": ("联系电话", "电话", "手机", "手机号码", "联系方式", "电话号码",
                         "petitioner.phone"),
    "petitioner.address": ("地址", "住址", "家庭住址", "通讯地址", "联系地址", "户籍地址", "住所",
                           "petitioner.address"),
    "township": ("乡镇（街道）", "乡镇(街道)", "乡镇街道", "所属乡镇", "乡镇", "街道", "township"),
    "persons": ("人数", "来访人数", "persons"),
    "target": ("被反映对象", "反映对象", "被反映单位", "被反映人", "被反映人（单位）",
               "被反映人(单位)", "target"),
    "request": ("诉求", "主要诉求", "诉求内容", "request"),
    "category": ("问题类别", "类别", "内容分类", "问题分类", "分类", "问题性质", "category"),
    "summary": ("内容摘要", "摘要", "反映内容", "主要内容", "反映问题", "主要问题", "问题摘要",
                "事由", "summary"),
    "text": ("反映内容", "反映问题", "全文", "信件内容", "来信内容", "详细内容", "text"),
    "result": ("办理结果", "处理结果", "办理情况", "处理情况", "答复意见", "答复情况", "处理意见",
               "办理意见", "result"),
    "closed_date": ("办结日期", "办结时间", "结案日期", "结案时间", "closed_date"),
    # where a case went and when (交办 = assign, 转送 = forward): a 交办/转送 event with the
    # body and date, so show, replay and the export keep the routing history
    "route_to": ("承办单位", "交办单位", "转送单位", "转办单位", "交办承办单位", "责任单位",
                 "办理单位", "route_to"),
    "route_date": ("交办日期", "交办时间", "转送日期", "转送时间", "转办日期", "转办时间",
                   "route_date"),
    "satisfaction": ("满意度", "满意情况", "回访满意度", "回访情况", "回访结果", "satisfaction"),
    "note": ("备注", "说明", "备注说明", "note"),
}

# Headers that say the routing was a 转送 (forward) rather than a 交办 (assign).
FORWARD_HEADERS = ("转送单位", "转办单位", "转送日期", "转送时间", "转办日期", "转办时间")


def fields_help() -> str:
    """The field list for ``ledger import --help``: field, its Chinese name, the headers read
    for it without --map."""
    lines = ["\b", "可用的字段（--map 列名=字段）及默认识别的列名："]
    seen = set()
    for name in FIELDS:
        target = "external_no" if name == "case_no" else name
        if target in seen:
            continue
        seen.add(target)
        headers = [h for h in DEFAULT_HEADERS.get(target, ()) if not h.isascii()]
        required = "（必需）" if target in REQUIRED else ""
        lines.append(f"  {target:<22}{FIELD_LABELS[target]}{required}：{'、'.join(headers)}")
    return "\n".join(lines)
