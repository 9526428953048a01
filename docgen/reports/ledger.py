"""The Excel ledger (台账): export the registry as .xlsx, import a historical ledger into it.

Import reads the header row, maps columns to the JSON field names (``--map 列名=field`` first,
then the usual Chinese headers), checks every row and registers the good ones in a few large
transactions. A row it cannot take is reported with its row number and why; the rest go in.
Importing the same file again creates nothing new: each row has a key — its ledger number when a
number column is mapped, otherwise a hash of its content — stored with the case
(``external_no`` / ``extra["ledger_key"]``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_bytes
from docgen.intake.idnumber import check_id, fold_width
from docgen.intake.phones import normalize_phone
from docgen.models import (
    CHANNELS,
    SATISFACTION,
    STATUS_CLOSED,
    STATUS_REGISTERED,
    STATUSES,
    Case,
    Event,
    Petitioner,
)
from docgen.registration import (
    GROUP_FLAG,
    REPEAT_FLAG,
    PriorCase,
    Registration,
    same_person_reasons,
)
from docgen.workspace import Workspace

# Targets of --map: the JSON field names (PRODUCT §3). case_no is the ledger's own number, kept
# as external_no (the registry gives its own case numbers).
FIELDS = (
    "case_no", "external_no", "channel", "status", "received_date", "letter_date",
    "petitioner.name", "petitioner.id_number", "petitioner.phone", "petitioner.address",
    "target", "request", "category", "summary", "text", "result", "satisfaction", "closed_date",
    "persons", "route_to", "route_date",
)

# Usual headers of Chinese ledgers, per field, in order of preference. Fields are filled in this
# order and a header serves one field only, so 反映内容 becomes the summary unless a 内容摘要
# column exists, in which case it is the text.
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "external_no": ("登记号", "编号", "登记编号", "案件编号", "信访编号", "信访件编号", "外部编号",
                    "case_no", "external_no"),
    "channel": ("来源渠道", "来源", "渠道", "信访形式", "信访方式", "登记方式", "channel"),
    "status": ("状态", "办理状态", "办结状态", "status"),
    "received_date": ("收到日期", "登记日期", "受理日期", "收信日期", "来访日期", "来信日期",
                      "日期", "received_date"),
    "letter_date": ("来信日期", "写信日期", "letter_date"),
    "petitioner.name": ("姓名", "来信人", "来访人", "信访人", "来信（访）人", "来信(访)人",
                        "反映人", "来信来访人", "petitioner.name"),
    "petitioner.id_number": ("身份证号", "身份证号码", "证件号码", "身份证", "petitioner.id_number"),
    "petitioner.phone": ("联系电话", "电话", "手机", "手机号码", "联系方式", "petitioner.phone"),
    "petitioner.address": ("地址", "住址", "家庭住址", "通讯地址", "联系地址", "petitioner.address"),
    "persons": ("人数", "来访人数", "persons"),
    "target": ("被反映对象", "反映对象", "被反映单位", "被反映人", "target"),
    "request": ("诉求", "主要诉求", "诉求内容", "request"),
    "category": ("问题类别", "类别", "内容分类", "问题分类", "分类", "category"),
    "summary": ("内容摘要", "摘要", "反映内容", "主要内容", "反映问题", "summary"),
    "text": ("反映内容", "全文", "信件内容", "来信内容", "详细内容", "text"),
    "result": ("办理结果", "处理结果", "办理情况", "答复意见", "result"),
    "closed_date": ("办结日期", "办结时间", "结案日期", "closed_date"),
    # where an open case went and when (交办 = assign, 转送 = forward): with a middle status
    # (已交办, 已转送, ...) they become the routing event, so replay agrees with the ledger
    "route_to": ("承办单位", "转送单位", "转办单位", "交办承办单位", "责任单位", "route_to"),
    "route_date": ("交办日期", "转送日期", "转办日期", "交办时间", "转送时间", "route_date"),
    "satisfaction": ("满意度", "满意情况", "回访情况", "回访结果", "satisfaction"),
}

# Export columns: header, how to get the value. Headers are chosen so that importing an export
# maps every column back by default.
EXPORT_COLUMNS = (
    "登记号", "外部编号", "来源渠道", "状态", "收到日期", "来信日期", "姓名", "身份证号", "联系电话",
    "住址", "人数", "被反映对象", "诉求", "问题类别", "内容摘要", "办理结果", "办结日期", "满意度",
    "标记", "档号",
)

_CHANNEL_WORDS = {
    "来信": "来信", "信": "来信", "信件": "来信", "群众来信": "来信",
    "来访": "来访", "访": "来访", "走访": "来访", "群众来访": "来访", "接访": "来访",
    "网上": "网上", "网上信访": "网上", "网信": "网上", "网络": "网上", "网上留言": "网上", "留言": "网上",
    "来电": "来电", "电话": "来电", "热线": "来电",
    "代表转交": "代表转交", "人大代表转交": "代表转交",
    "领导批转": "领导批转", "领导交办": "领导批转",
    "上级交办": "上级交办", "上级转交": "上级交办", "上级转办": "上级交办",
}
_CLOSED_WORDS = {"已办结", "办结", "已结", "结案", "已结案", "完结", "已完结"}
# Middle states as ledgers write them → the workflow event that leads to each (docgen.workflow).
_MIDDLE_WORDS = {
    "已交办": "交办", "交办": "交办", "已转送": "转送", "转送": "转送", "已转办": "转送", "转办": "转送",
    "已答复": "答复", "答复": "答复", "直接答复": "答复", "已告知": "告知", "告知": "告知",
    "不予受理": "不予受理", "存档备查": "存档备查", "存档": "存档备查", "已报结果": "收到结果",
    "已反馈": "收到结果",
}
_MIDDLE_STATUS = {"交办": "已交办", "转送": "已转送", "答复": "已答复", "告知": "已告知",
                  "不予受理": "不予受理", "存档备查": "存档备查", "收到结果": "已报结果"}
_UNNAMED_BODY = "（台账未载明承办单位）"
# Fields added after ledgers were first imported: left out of a row's content key so that a
# file imported before keeps its keys and is still recognised.
_KEYLESS_FIELDS = ("route_to", "route_date")
_SATISFACTION_WORDS = {
    "满意": "满意", "非常满意": "满意", "基本满意": "基本满意", "较满意": "基本满意",
    "比较满意": "基本满意", "不满意": "不满意", "未回访": "未回访", "无法回访": "未回访",
    "未联系上": "未回访",
}

BATCH = 1000   # rows per transaction: few commits, and a crash loses at most one batch


def parse_mappings(items: Iterable[str]) -> dict[str, str]:
    """``["留言用户=petitioner.name", ...]`` → {column: field}; unknown fields are refused."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise DocgenError(f"--map 的格式应为 列名=字段，例如 --map 留言用户=petitioner.name（实际为 {item!r}）")
        if target not in FIELDS:
            raise DocgenError(f"--map {item}：没有字段 {target}；可用的字段：{'、'.join(FIELDS)}")
        mapping[column] = "external_no" if target == "case_no" else target
    return mapping


# --- values -----------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)"
    r"(?:[\sT]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> dt.date | None:
    """An Excel date or a date written ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D``,
    ``YYYY年M月D日`` or ``YYYYMMDD``, with or without a time. Empty → None; anything else raises
    ValueError with a Chinese message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:       # a date cell without date formatting: Excel's serial
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"日期无法识别：{value}")
    text = fold_width(str(value)).strip()
    m = _DATE_RE.match(text)
    try:
        if m:
            y = int(m.group(1))
            mo, d = (m.group(3), m.group(4)) if m.group(2) else (m.group(5), m.group(6))
            return dt.date(y, int(mo), int(d))
        m = _COMPACT_DATE.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"日期不存在：{value}") from None
    raise ValueError(f"日期无法识别：{value}（可用 2014-05-23、2014/5/23、2014.5.23、2014年5月23日）")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)          # 编号 12 typed as a number comes back as 12.0
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def _key_text(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return _text(value) or ""


# --- masking ----------------------------------------------------------------------------------
def mask_id(number: str | None) -> str | None:
    """``110105194912310021`` → ``110105********0021``: area and last four stay, birth hidden."""
    if not number:
        return number
    if len(number) <= 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """``13800138000`` → ``138****8000``; landlines keep area code and last four."""
    if not phone:
        return phone
    digits = phone.replace("-", "")
    if len(digits) < 7:
        return "*" * len(phone)
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# --- export -----------------------------------------------------------------------------------
def _row_of(case: Case, status: str, closed_date, satisfaction, result, unmasked: bool) -> list:
    p = case.petitioner
    return [
        case.case_no, case.external_no, case.channel, status, case.received_date, case.letter_date,
        p.name or "匿名", p.id_number if unmasked else mask_id(p.id_number),
        p.phone if unmasked else mask_phone(p.phone), p.address, case.persons, case.target,
        case.request, case.category, case.summary, result, closed_date, satisfaction,
        "、".join(case.flags), case.archive_no,
    ]


def _ledger_sheet(ws_sheet, rows: list[list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws_sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        ws_sheet.append([_clean_cell(v) for v in row])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws_sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = {"登记号": 12, "外部编号": 12, "收到日期": 12, "来信日期": 12, "办结日期": 12,
              "身份证号": 21, "联系电话": 15, "住址": 28, "诉求": 30, "内容摘要": 40, "办理结果": 30,
              "档号": 24}
    for i, header in enumerate(EXPORT_COLUMNS, 1):
        letter = get_column_letter(i)
        ws_sheet.column_dimensions[letter].width = widths.get(header, 10)
        if header.endswith("日期"):
            for cell in ws_sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
    ws_sheet.freeze_panes = "B2"
    ws_sheet.auto_filter.ref = ws_sheet.dimensions


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean_cell(value: Any) -> Any:
    """openpyxl refuses control characters; Excel cells hold at most 32,767 characters."""
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        if len(value) > 32000:
            value = value[:32000] + "…"
    return value


def ledger_rows(ws: Workspace, cases: list[Case], as_of: dt.date, unmasked: bool) -> list[list]:
    from docgen.reports.stats import case_state

    rows = []
    for case in cases:
        state = case_state(ws, case, ws.registry.events(case.id, as_of=as_of), as_of)
        closed = state.status == STATUS_CLOSED
        rows.append(_row_of(case, state.status, state.closed_date if closed else None,
                            state.satisfaction if closed else None, state.result, unmasked))
    return rows


def _save(wb, path: Path) -> Path:
    import io

    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buf.getvalue())
    return path


def export_ledger(ws: Workspace, path: Path, *, unmasked: bool = False, year: int | None = None,
                  as_of: dt.date | None = None) -> tuple[Path, int]:
    """Write every case (or those received in ``year``) as one row each; ID and phone numbers
    are masked unless ``unmasked``. Returns the path and the number of cases."""
    from openpyxl import Workbook

    as_of = as_of or dt.date.today()
    cases = ws.registry.list_cases(year=year, where="received_date <= ?", params=(as_of.isoformat(),))
    wb = Workbook()
    sheet = wb.active
    sheet.title = f"{year}年台账" if year else "信访台账"
    _ledger_sheet(sheet, ledger_rows(ws, cases, as_of, unmasked))
    return _save(wb, path), len(cases)


def write_stats_workbook(ws: Workspace, stats, path: Path) -> Path:
    """``stats --xlsx``: a sheet of figures (the same as ``--json``) and the period's ledger,
    masked."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from docgen.reports.analysis_report import pct

    wb = Workbook()
    sheet = wb.active
    sheet.title = "统计"
    bold = Font(bold=True)
    p = stats.period
    sheet.append(["统计期间", f"{p['from'] or '最早'} 至 {p['to'] or p['as_of']}", "截至", p["as_of"]])
    sheet.append([])
    for label, value in (("受理（件）", stats.total), ("办结（件）", stats.closed),
                         ("办结率", pct(stats.closure_rate)), ("按期办结率", pct(stats.on_time_rate)),
                         ("满意率", pct(stats.satisfaction_rate)), ("重复信访（件）", stats.repeat),
                         ("来访（件）", stats.visits), ("来访（人次）", stats.visitors),
                         ("集体访（批）", stats.group_visits)):
        sheet.append([label, value])
    for title, counts in (("来源渠道", stats.by_channel), ("问题类别", stats.by_category),
                          ("被反映对象", stats.by_target), ("乡镇（街道）", stats.by_township),
                          ("月份", stats.by_month)):
        sheet.append([])
        sheet.append([title, "件数"])
        sheet.cell(sheet.max_row, 1).font = bold
        for k, v in counts.items():
            sheet.append([k, v])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 26
    as_of = dt.date.fromisoformat(p["as_of"])
    _ledger_sheet(wb.create_sheet("台账"), ledger_rows(ws, [f.case for f in stats.cases], as_of,
                                                      unmasked=False))
    return _save(wb, path)


# --- import -----------------------------------------------------------------------------------
@dataclass
class RowError:
    row: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


@dataclass
class Skipped:
    row: int
    case_no: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "case_no": self.case_no, "message": self.message}


@dataclass
class ImportResult:
    registrations: list[Registration] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)          # sheet row of each registration
    errors: list[RowError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)   # already imported
    mapping: dict[str, str] = field(default_factory=dict)  # column → field, as used
    ignored_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        cases = []
        for reg, row in zip(self.registrations, self.rows, strict=True):
            data = reg.to_json()
            data["row"] = row
            data["external_no"] = reg.case.external_no
            cases.append(data)
        return {"cases": cases, "errors": [e.to_json() for e in self.errors],
                "skipped": [s.to_json() for s in self.skipped], "mapping": self.mapping,
                "ignored_columns": self.ignored_columns}

    def summary(self) -> str:
        text = f"新登记 {len(self.registrations)} 件"
        if self.skipped:
            text += f"，已导入过 {len(self.skipped)} 行（未重复登记）"
        if self.errors:
            text += f"，{len(self.errors)} 行未导入（见上）"
        return text + "。"


def _norm_header(value: Any) -> str:
    return re.sub(r"\s+", "", fold_width(str(value))) if value is not None else ""


def resolve_columns(headers: list[str], mapping: dict[str, str]) -> dict[int, str]:
    """Column index → field: the explicit mapping first, then the usual headers."""
    by_name = {}
    for i, h in enumerate(headers):
        by_name.setdefault(h, i)
    columns: dict[int, str] = {}
    for column, target in mapping.items():
        key = _norm_header(column)
        if key not in by_name:
            raise DocgenError(f"--map {column}={target}：台账中没有名为“{column}”的列"
                              f"（表头为：{'、'.join(h for h in headers if h)}）")
        if target in columns.values():
            raise DocgenError(f"字段 {target} 被映射了两次（--map）")
        columns[by_name[key]] = target
    for target, candidates in DEFAULT_HEADERS.items():
        if target in columns.values():
            continue
        for name in candidates:
            i = by_name.get(name)
            if i is not None and i not in columns:
                columns[i] = target
                break
    return columns


def _find_header(rows: list[tuple], mapping: dict[str, str]) -> int:
    """The header row among the first rows: the one naming most known columns (a ledger often
    starts with a title row)."""
    known = {h for names in DEFAULT_HEADERS.values() for h in names} | {
        _norm_header(c) for c in mapping}
    best, best_hits = None, 0
    for i, row in enumerate(rows):
        hits = sum(1 for v in row if _norm_header(v) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is None or best_hits < 2 and not mapping:
        raise DocgenError("找不到表头行：前 10 行中没有可识别的列名（如 姓名、收到日期、反映内容），"
                          "请用 --map 列名=字段 指明")
    return best


def _read_sheet(path: Path, sheet: str | None):
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise DocgenError(f"找不到台账文件：{path}")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DocgenError(f"无法读取台账 {path.name}：不是有效的 .xlsx 文件（{exc}）") from None
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise DocgenError(f"台账中没有名为“{sheet}”的工作表（有：{'、'.join(wb.sheetnames)}）")
        return wb, wb[sheet]
    return wb, wb.worksheets[0]


@dataclass
class _Row:
    number: int
    case: Case
    key: str
    by_number: bool


def _case_from_row(values: dict[str, Any], group_threshold: int) -> Case:
    """One row's values (by field) as a Case; ValueError with a Chinese message if it cannot be."""
    received = parse_date(values.get("received_date"))
    if received is None:
        raise ValueError("缺少收到日期")
    letter = parse_date(values.get("letter_date"))
    closed_date = parse_date(values.get("closed_date"))
    channel_raw = _text(values.get("channel"))
    channel = "来信"
    if channel_raw:
        channel = _CHANNEL_WORDS.get(_norm_header(channel_raw)) or ""
        if channel not in CHANNELS:
            raise ValueError(f"来源渠道“{channel_raw}”无法识别（可用：{'、'.join(CHANNELS)}）")
    status_raw = _norm_header(_text(values.get("status")) or "")
    closed = closed_date is not None or status_raw in _CLOSED_WORDS
    if closed and closed_date is None:
        raise ValueError("状态为已办结，但缺少办结日期")
    if closed_date and closed_date < received:
        raise ValueError(f"办结日期 {closed_date} 早于收到日期 {received}")
    if status_raw and not closed and status_raw not in STATUSES and status_raw not in _MIDDLE_WORDS \
            and status_raw not in ("未办结", "在办"):
        raise ValueError(f"状态“{status_raw}”无法识别")
    step = None if closed else _MIDDLE_WORDS.get(status_raw)
    status = STATUS_CLOSED if closed else (_MIDDLE_STATUS[step] if step else STATUS_REGISTERED)
    route_date = parse_date(values.get("route_date"))
    if route_date and route_date < received:
        raise ValueError(f"交办（转送）日期 {route_date} 早于收到日期 {received}")
    satisfaction = None
    sat_raw = _norm_header(_text(values.get("satisfaction")) or "")
    if sat_raw:
        satisfaction = _SATISFACTION_WORDS.get(sat_raw)
        if satisfaction is None:
            raise ValueError(f"满意度“{sat_raw}”无法识别（可用：{'、'.join(SATISFACTION)}）")
    persons = 1
    if values.get("persons") not in (None, ""):
        try:
            persons = int(float(str(values["persons"]).strip().rstrip("人")))
        except ValueError:
            raise ValueError(f"人数“{values['persons']}”不是整数") from None
        if persons < 1:
            raise ValueError(f"人数应至少为 1（实际为 {persons}）")
    name = _text(values.get("petitioner.name"))
    if name in ("匿名", "无名氏"):
        name = None
    # A masked number (our own export: 330122********2822) identifies nobody: it is not kept
    # as the petitioner's number, only noted, so it can neither link nor mislead.
    masked = {}
    id_number, id_valid = _text(values.get("petitioner.id_number")), None
    if id_number and "*" in id_number:
        masked["id_number"], id_number = id_number, None
    if id_number:
        check = check_id(id_number)
        id_number, id_valid = check.number, check.valid
    phone = _text(values.get("petitioner.phone"))
    if phone and "*" in phone:
        masked["phone"], phone = phone, None
    if phone:
        phone = normalize_phone(phone) or phone
    text = _text(values.get("text")) or ""
    summary = _text(values.get("summary"))
    case = Case(
        case_no="", channel=channel, received_date=received, status=status, letter_date=letter,
        petitioner=Petitioner(name=name, id_number=id_number, id_valid=id_valid, phone=phone,
                              address=_text(values.get("petitioner.address"))),
        target=_text(values.get("target")), request=_text(values.get("request")),
        category=_text(values.get("category")), summary=summary or (text[:100] or None),
        text=text or (summary or ""), persons=persons,
        external_no=_text(values.get("external_no")),
        closed_date=closed_date if closed else None, result=_text(values.get("result")),
        satisfaction=satisfaction if closed else None,
    )
    if masked:
        case.extra["masked_in_ledger"] = masked
    if persons >= group_threshold:
        case.flags.append(GROUP_FLAG)
    if step:
        case.extra["ledger_steps"] = _middle_steps(step, route_date or received, bool(route_date),
                                                   _text(values.get("route_to")), case.result)
        routed = case.extra["ledger_steps"][0]
        case.extra.update({"route_mode": routed["kind"], "route_date": routed["date"]})
        if routed["data"].get("to"):
            case.extra["route_to"] = routed["data"]["to"]
    return case


def _middle_steps(step: str, on: dt.date, dated: bool, body: str | None,
                  result: str | None) -> list[dict[str, Any]]:
    """The workflow events behind a middle status (as plain data until the case has an id).

    Without a date column the step is dated on the day of receipt, and said so; a 交办/转送
    without a 承办单位 column names the body as unknown (the workflow needs one)."""
    note = "台账导入" + ("" if dated else "，台账未载日期，按收到日期记")
    kind = "交办" if step == "收到结果" else step
    data: dict[str, Any] = {"imported": True}
    if kind in ("交办", "转送"):
        data.update({"to": body or _UNNAMED_BODY, "mode": kind})
    elif kind == "答复" and result:
        data["text"] = result
    elif kind == "不予受理" and result:
        data["reason"] = result
    detail = f"{kind}{data.get('to', '')}（{note}）"
    steps = [{"kind": kind, "date": on.isoformat(), "detail": detail, "data": data}]
    if step == "收到结果":
        steps.append({"kind": "收到结果", "date": on.isoformat(), "detail": f"办理结果已报（{note}）",
                      "data": {"imported": True, "kind": "办理结果报告"}})
    return steps


def _row_key(values: dict[str, Any]) -> str:
    """A stable hash of what the row says (by field, so reordering columns changes nothing)."""
    content = {k: _key_text(v) for k, v in sorted(values.items())
               if _key_text(v) and k not in _KEYLESS_FIELDS}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


class _People:
    """Earlier cases by person, in memory: the same rules as ``registration.find_same_person``
    (same ID, ID differing only in the check digit, same name with the same phone or address)
    without a registry scan per row, which would make a 10,000-row import quadratic."""

    def __init__(self):
        self.by_id17: dict[str, list[Case]] = defaultdict(list)
        self.by_name: dict[str, list[Case]] = defaultdict(list)

    def add(self, case: Case) -> None:
        p = case.petitioner
        if p.id_number:
            self.by_id17[p.id_number[:17]].append(case)
        if p.name:
            self.by_name[p.name].append(case)

    def priors(self, case: Case) -> list[PriorCase]:
        p = case.petitioner
        seen: dict[int, Case] = {}
        if p.id_number:
            for c in self.by_id17.get(p.id_number[:17], ()):
                seen[c.id] = c
        if p.name:
            for c in self.by_name.get(p.name, ()):
                seen[c.id] = c
        found = []
        for other in sorted(seen.values(), key=lambda c: (c.received_date, c.id)):
            reasons = same_person_reasons(p, other.petitioner)
            if reasons:
                found.append(PriorCase.of(other, reasons))
        return found


def import_ledger(ws: Workspace, path: Path, *, mapping: dict[str, str] | None = None,
                  sheet: str | None = None, progress: bool = False) -> ImportResult:
    """Import a ledger (.xlsx). Rows that cannot be taken are listed in ``errors``; rows imported
    before (same key) in ``skipped``; the others are registered (closed with a 办结 event when
    the ledger says so)."""
    mapping = dict(mapping or {})
    wb, ws_sheet = _read_sheet(path, sheet)
    try:
        rows_iter = ws_sheet.iter_rows(values_only=True)
        head: list[tuple] = []
        for row in rows_iter:
            head.append(row)
            if len(head) >= 10:
                break
        header_at = _find_header(head, mapping)
        headers = [_norm_header(v) for v in head[header_at]]
        columns = resolve_columns(headers, mapping)
        result = ImportResult(mapping={headers[i]: f for i, f in sorted(columns.items())},
                              ignored_columns=[h for i, h in enumerate(headers)
                                               if h and i not in columns])
        by_number = "external_no" in columns.values()
        body = [(header_at + 2 + i, row) for i, row in enumerate(head[header_at + 1:])]
        total = max((ws_sheet.max_row or 0) - header_at - 1, len(body))
        threshold = int(ws.section("visits").get("group_threshold", 5))
        pending = _check_rows(ws, _chain(body, rows_iter, len(head)), columns,
                              by_number, threshold, result, total if progress else None)
    finally:
        wb.close()
    _register_rows(ws, pending, result, path, progress)
    result.errors.sort(key=lambda e: e.row)
    return result


def _chain(first: list[tuple[int, tuple]], rest, next_row: int):
    yield from first
    for i, row in enumerate(rest):
        yield next_row + 1 + i, row


def _progress(iterable, length: int | None, label: str):
    import click

    if length is None:
        return _Null(iterable)
    return click.progressbar(iterable, length=length, label=label, file=sys.stderr, show_pos=True)


class _Null:
    def __init__(self, it):
        self.it = it

    def __enter__(self):
        return self.it

    def __exit__(self, *exc):
        return False


def _existing_keys(ws: Workspace) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    conn = ws.registry.conn
    numbers = {r[0]: r[1] for r in conn.execute(
        "SELECT external_no, case_no FROM cases WHERE external_no IS NOT NULL")}
    # our own export read back in: 登记号 is then a case number of this registry
    own = {r[0]: r[1] for r in conn.execute("SELECT case_no, received_date FROM cases")}
    hashes = {r[0]: r[1] for r in conn.execute(
        "SELECT json_extract(extra, '$.ledger_key'), case_no FROM cases "
        "WHERE json_extract(extra, '$.ledger_key') IS NOT NULL")}
    return numbers, hashes, own


def _same_day(value: Any, iso_date: str) -> bool:
    try:
        return parse_date(value) == dt.date.fromisoformat(iso_date)
    except ValueError:
        return False


def _check_rows(ws: Workspace, rows, columns: dict[int, str], by_number: bool, threshold: int,
                result: ImportResult, total: int | None) -> list[_Row]:
    numbers, hashes, own = _existing_keys(ws)
    in_file: dict[str, int] = {}
    pending: list[_Row] = []
    with _progress(rows, total, "检查台账") as bar:
        for number, row in bar:
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            values = {f: row[i] for i, f in columns.items() if i < len(row)}
            ext = _text(values.get("external_no")) if by_number else None
            key = ext if ext else _row_key(values)
            known = (numbers if ext else hashes).get(key)
            if ext and not known and ext in own and _same_day(values.get("received_date"), own[ext]):
                known = ext
            if known:
                result.skipped.append(Skipped(number, known, f"已导入（案件 {known}）"))
                continue
            if key in in_file:
                if ext:
                    result.errors.append(RowError(number, f"编号 {ext} 与第 {in_file[key]} 行重复"))
                else:
                    result.skipped.append(Skipped(number, None, f"与第 {in_file[key]} 行内容相同"))
                continue
            try:
                case = _case_from_row(values, threshold)
            except ValueError as exc:
                result.errors.append(RowError(number, str(exc)))
                continue
            in_file[key] = number
            case.extra["ledger_key"] = key if not ext else _row_key(values)
            pending.append(_Row(number, case, key, bool(ext)))
    return pending


def _register_rows(ws: Workspace, pending: list[_Row], result: ImportResult, path: Path,
                   progress: bool) -> None:
    """Register in received order (so repeats link to the earlier case), BATCH rows per
    transaction."""
    reg = ws.registry
    people = _People()
    for case in reg.iter_cases():
        people.add(case)
    pending.sort(key=lambda r: (r.case.received_date, r.number))
    source = Path(path).name
    new_cases: list[Case] = []
    with _progress(range(len(pending)), len(pending) if progress else None, "登记入库") as bar:
        it = iter(bar)
        for start in range(0, len(pending), BATCH):
            chunk = pending[start:start + BATCH]
            done: list[tuple[_Row, list[PriorCase]]] = []
            with reg.transaction():
                for row in chunk:
                    case = row.case
                    case.extra.update({"ledger_file": source, "ledger_row": row.number})
                    priors = people.priors(case)
                    if priors and REPEAT_FLAG not in case.flags:
                        case.flags.append(REPEAT_FLAG)
                    steps = case.extra.pop("ledger_steps", ())
                    reg.add_case(case)
                    reg.add_event(Event(case_id=case.id, kind="登记", date=case.received_date,
                                        detail=f"台账导入（{source} 第 {row.number} 行）",
                                        data={"source": "ledger", "file": source, "row": row.number}))
                    for step in steps:
                        reg.add_event(Event(case_id=case.id, kind=step["kind"],
                                            date=dt.date.fromisoformat(step["date"]),
                                            detail=step["detail"], data=step["data"]))
                    if case.status == STATUS_CLOSED:
                        reg.add_event(Event(case_id=case.id, kind="办结", date=case.closed_date,
                                            detail=case.result or "台账记载已办结",
                                            data={"result": case.result,
                                                  "satisfaction": case.satisfaction,
                                                  "imported": True}))
                    for prior in priors:
                        reg.link(case.id, prior.case_id, "；".join(prior.reasons), kind="repeat")
                    people.add(case)     # later rows of this batch link to it
                    done.append((row, priors))
                    next(it, None)
            for row, priors in done:
                new_cases.append(row.case)
                result.registrations.append(Registration(case=row.case, prior_cases=priors))
                result.rows.append(row.number)
    _index(ws, new_cases)


def _index(ws: Workspace, cases: list[Case]) -> None:
    """Add the new cases to the search index if there is one (derived data: a failure only
    leaves it for ``docgen index rebuild``)."""
    if not cases:
        return
    from docgen.index.service import index_cases

    index_cases(ws, cases)
