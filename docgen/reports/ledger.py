"""The Excel ledger (台账): export the registry as .xlsx, import a historical ledger into it.

Import finds the header row (a ledger often starts with a merged title row), maps columns to the
JSON field names (``--map 列名=field`` first, then the headers offices write: 来信时间, 反映问题,
处理情况, 承办单位, 备注 …, see ``docgen.reports.ledger_fields``), checks every row and
registers the good ones in a few large transactions. A row it cannot take is reported with its
row number and why; a 合计/小计 footer row is skipped and said so; the rest go in. Importing the
same file again creates nothing new: each row has a key — its ledger number when a number column
is mapped, otherwise a hash of its content — stored with the case (``external_no`` /
``extra["ledger_key"]``), and the keys are checked again inside the write transaction, so two
imports of one file running at once register each row once (issue 9 item 6).

Export writes every text as a text cell (``docgen.reports.xlsx``: no formula ever evaluates) and,
unless ``unmasked``, masks every ID and phone number in every text (``docgen.privacy``).
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

from docgen.date_limits import check_happened
from docgen.errors import DocgenError
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
from docgen.places import township_in_text, township_of
from docgen.privacy import mask_id_number, mask_phone, mask_text
from docgen.registration import (
    GROUP_FLAG,
    REPEAT_FLAG,
    PriorCase,
    Registration,
    same_person_reasons,
)
from docgen.reports.ledger_fields import (
    DEFAULT_HEADERS,
    FIELD_LABELS,
    FIELDS,
    FORWARD_HEADERS,
    REQUIRED,
)
from docgen.reports.xlsx import append_row, save_workbook
from docgen.workspace import Workspace

__all__ = ["DEFAULT_HEADERS", "EXPORT_COLUMNS", "FIELDS", "ImportResult", "export_ledger",
           "import_ledger", "parse_date", "parse_mappings", "preview_ledger",
           "write_stats_workbook"]

# Export columns. Headers are chosen so that importing an export maps every column back by
# default (办理期限, 标记 and 档号 are derived and are not read back).
EXPORT_COLUMNS = (
    "登记号", "外部编号", "来源渠道", "状态", "收到日期", "来信日期", "姓名", "身份证号", "联系电话",
    "住址", "乡镇（街道）", "人数", "被反映对象", "诉求", "问题类别", "内容摘要", "承办单位",
    "交办日期", "办理期限", "办理结果", "办结日期", "满意度", "备注", "标记", "档号",
)
# Columns holding registry numbers, dates or counts: never free text, never masked.
_NUMBER_COLUMNS = {"登记号", "外部编号", "档号"}

_CHANNEL_WORDS = {
    "来信": "来信", "信": "来信", "信件": "来信", "群众来信": "来信",
    "来访": "来访", "访": "来访", "走访": "来访", "群众来访": "来访", "接访": "来访",
    "网上": "网上", "网上信访": "网上", "网信": "网上", "网络": "网上", "网上留言": "网上", "留言": "网上",
    "来电": "来电", "电话": "来电", "热线": "来电",
    "代表转交": "代表转交", "人大代表转交": "代表转交",
    "领导批转": "领导批转", "领导交办": "领导批转",
    "上级交办": "上级交办", "上级转交": "上级交办", "上级转办": "上级交办",
}
_CLOSED_WORDS = {"已办结", "办结", "已结", "结案", "已结案", "完结", "已完结", "是"}
_OPEN_WORDS = {"未办结", "在办", "办理中", "否", "未结"}
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
_KEYLESS_FIELDS = ("route_to", "route_date", "note", "township")
_SATISFACTION_WORDS = {
    "满意": "满意", "非常满意": "满意", "基本满意": "基本满意", "较满意": "基本满意",
    "比较满意": "基本满意", "不满意": "不满意", "未回访": "未回访", "无法回访": "未回访",
    "未联系上": "未回访",
}
# A footer row of totals (合计 29 件, 小计：12): recognised by its first word, skipped.
_TOTAL_ROW = re.compile(r"^(?:合计|小计|总计|共计|总数)(?:[:：（(]|\d|件|$)")
# A signature line under the table (填表人：张三  审核人：李四): no case, skipped and said so.
_SIGNATURE_ROW = re.compile(r"^(?:填表人|制表人|填报人|审核人|负责人|经办人|制表日期|填表日期|填报日期)[:：]")

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
            raise DocgenError(f"--map {item}：没有字段 {target}；可用的字段：{'、'.join(FIELDS)}"
                              "（docgen ledger import --help 列出各字段）")
        mapping[column] = "external_no" if target == "case_no" else target
    return mapping


# --- values -----------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)"
    r"(?:[\sT]*(?:上午|下午|晚上|早上)?\s*\d{1,2}(?:[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?|时(?:\d{1,2}分)?))?"
    r"(?:上午|下午|晚上|早上)?$")
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


def _row_date(values: dict[str, Any], name: str) -> dt.date | None:
    """A row's date, parsed and within the range of things that have happened
    (docgen.date_limits: a 9999 date is a bad row, never a stored poison pill)."""
    what = FIELD_LABELS[name]
    try:
        day = parse_date(values.get(name))
    except ValueError as exc:
        raise ValueError(f"{what}：{exc}") from None
    if day is not None:
        try:
            check_happened(day, what)
        except DocgenError as exc:
            # the ledger records what has happened: no --allow-future here
            raise ValueError(str(exc).split("；确需")[0] + "；请检查年份") from None
    return day


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


# --- export -----------------------------------------------------------------------------------
@dataclass
class _Routing:
    body: str | None = None
    date: dt.date | None = None
    due: dt.date | None = None


def _routing_of(events: list[Event], state) -> _Routing:
    """The body the case went to and when (the last 交办/转送 up to the day), and the deadline in
    force (the handling period, else the routing deadline)."""
    from docgen.reports.stats import due_in_force

    routing = _Routing()
    for ev in events:
        if ev.kind in ("交办", "转送"):
            routing.body = ev.data.get("to") or routing.body
            routing.date = ev.date
    routing.due = due_in_force(state.deadlines)
    return routing


def _row_of(case: Case, state, routing: _Routing, unmasked: bool) -> list:
    p = case.petitioner
    from docgen.reports.stats import township_for

    closed = state.status == STATUS_CLOSED
    values = [
        case.case_no, case.external_no, case.channel, state.status, case.received_date,
        case.letter_date, p.name or "匿名",
        p.id_number if unmasked or not p.id_number else mask_id_number(p.id_number),
        p.phone if unmasked or not p.phone else mask_phone(p.phone),
        p.address, township_for(case), case.persons, case.target, case.request, case.category,
        case.summary, routing.body, routing.date, routing.due, state.result,
        state.closed_date if closed else None, state.satisfaction if closed else None,
        case.extra.get("ledger_note"), "、".join(case.flags), case.archive_no,
    ]
    if not unmasked:
        # every free text: 诉求, 摘要, 办理结果 and the rest carry numbers as people wrote them
        values = [_masked(v) if isinstance(v, str) and h not in _NUMBER_COLUMNS else v
                  for h, v in zip(EXPORT_COLUMNS, values, strict=True)]
    return values


_DIGITS = re.compile(r"\d")


def _masked(text: str) -> str:
    """``mask_text``, skipped for a text with too few digits to hold any ID or phone number
    (most cells: it makes a 10,000-case export several times faster)."""
    if len(_DIGITS.findall(text)) < 7:
        return text
    return mask_text(text)


def _ledger_sheet(ws_sheet, rows: list[list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    append_row(ws_sheet, list(EXPORT_COLUMNS))
    for row in rows:
        append_row(ws_sheet, row)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws_sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = {"登记号": 12, "外部编号": 12, "收到日期": 12, "来信日期": 12, "办结日期": 12,
              "交办日期": 12, "办理期限": 12, "身份证号": 21, "联系电话": 15, "住址": 28,
              "乡镇（街道）": 12, "诉求": 30, "内容摘要": 40, "承办单位": 20, "办理结果": 30,
              "备注": 20, "档号": 24}
    for i, header in enumerate(EXPORT_COLUMNS, 1):
        letter = get_column_letter(i)
        ws_sheet.column_dimensions[letter].width = widths.get(header, 10)
        if header.endswith("日期") or header == "办理期限":
            for cell in ws_sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
    ws_sheet.freeze_panes = "B2"
    ws_sheet.auto_filter.ref = ws_sheet.dimensions


def ledger_rows(ws: Workspace, cases: list[Case], as_of: dt.date, unmasked: bool) -> list[list]:
    from docgen.reports.stats import case_state

    rows = []
    for case in cases:
        events = ws.registry.events(case.id, as_of=as_of)
        state = case_state(ws, case, events, as_of)
        rows.append(_row_of(case, state, _routing_of(events, state), unmasked))
    return rows


def export_ledger(ws: Workspace, path: Path, *, unmasked: bool = False, year: int | None = None,
                  as_of: dt.date | None = None) -> tuple[Path, int]:
    """Write every case (or those received in ``year``) as one row each; ID and phone numbers
    are masked, in their columns and inside every text, unless ``unmasked``. Returns the path
    and the number of cases."""
    from openpyxl import Workbook

    as_of = as_of or dt.date.today()
    cases = ws.registry.list_cases(year=year, where="received_date <= ?", params=(as_of.isoformat(),))
    wb = Workbook()
    sheet = wb.active
    sheet.title = f"{year}年台账" if year else "信访台账"
    _ledger_sheet(sheet, ledger_rows(ws, cases, as_of, unmasked))
    return save_workbook(wb, path), len(cases)


def write_stats_workbook(ws: Workspace, stats, path: Path) -> Path:
    """``stats --xlsx``: a sheet of figures (the same as ``--json``) and the period's ledger,
    masked (labels too: a 被反映对象 is text from a letter)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from docgen.reports.analysis_report import pct

    wb = Workbook()
    sheet = wb.active
    sheet.title = "统计"
    bold = Font(bold=True)
    p = stats.period
    append_row(sheet, ["统计期间", f"{p['from'] or '最早'} 至 {p['to'] or p['as_of']}", "截至", p["as_of"]])
    append_row(sheet, [])
    for label, value in (("受理（件）", stats.total), ("办结（件）", stats.closed),
                         ("办结率", pct(stats.closure_rate)), ("按期办结率", pct(stats.on_time_rate)),
                         ("满意率", pct(stats.satisfaction_rate)), ("重复信访（件）", stats.repeat),
                         ("来访（件）", stats.visits), ("来访（人次）", stats.visitors),
                         ("集体访（批）", stats.group_visits)):
        append_row(sheet, [label, value])
    for title, counts in (("来源渠道", stats.by_channel), ("问题类别", stats.by_category),
                          ("被反映对象", stats.by_target), ("乡镇（街道）", stats.by_township),
                          ("月份", stats.by_month)):
        append_row(sheet, [])
        append_row(sheet, [title, "件数"])
        sheet.cell(sheet.max_row, 1).font = bold
        for k, v in counts.items():
            append_row(sheet, [_masked(k), v])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 26
    as_of = dt.date.fromisoformat(p["as_of"])
    _ledger_sheet(wb.create_sheet("台账"), ledger_rows(ws, [f.case for f in stats.cases], as_of,
                                                      unmasked=False))
    return save_workbook(wb, path)


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
    total_rows: list[int] = field(default_factory=list)    # 合计/小计 rows, skipped
    signature_rows: list[int] = field(default_factory=list)  # 填表人/审核人 lines, skipped
    header_row: int = 0                                    # 1-based row of the header

    def to_json(self) -> dict[str, Any]:
        cases = []
        for reg, row in zip(self.registrations, self.rows, strict=True):
            data = reg.to_json()
            data["row"] = row
            data["external_no"] = reg.case.external_no
            cases.append(data)
        return {"cases": cases, "errors": [e.to_json() for e in self.errors],
                "skipped": [s.to_json() for s in self.skipped], "mapping": self.mapping,
                "ignored_columns": self.ignored_columns, "total_rows": self.total_rows,
                "signature_rows": self.signature_rows,
                "header_row": self.header_row}

    def notes(self) -> list[str]:
        """What the text output says besides the cases: columns not read, totals skipped."""
        lines = []
        if self.ignored_columns:
            lines.append(f"未导入的列：{'、'.join(self.ignored_columns)}"
                         "（如需导入，用 --map 列名=字段 指明；字段见 docgen ledger import --help）")
        for row in self.total_rows:
            lines.append(f"第 {row} 行是合计行，已跳过")
        for row in self.signature_rows:
            lines.append(f"第 {row} 行是表尾署名（填表人、审核人等），已跳过")
        return lines

    def summary(self) -> str:
        text = f"新登记 {len(self.registrations)} 件"
        if self.skipped:
            text += f"，已导入过 {len(self.skipped)} 行（未重复登记）"
        if self.total_rows:
            text += f"，跳过合计行 {len(self.total_rows)} 行"
        if self.signature_rows:
            text += f"，跳过表尾署名 {len(self.signature_rows)} 行"
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


def require_columns(headers: list[str], columns: dict[int, str]) -> None:
    """Refuse, once, a ledger with no column for a field every row needs: say which field,
    which headers would have served, and which headers the ledger has."""
    for target in REQUIRED:
        if target in columns.values():
            continue
        known = "、".join(h for h in DEFAULT_HEADERS[target] if not h.isascii())
        found = "、".join(h for h in headers if h) or "（无）"
        raise DocgenError(
            f"台账中没有“{FIELD_LABELS[target]}”列（字段 {target}），无法导入任何一行。"
            f"可识别的列名：{known}。台账的表头为：{found}。"
            f"请用 --map 列名={target} 指明哪一列是{FIELD_LABELS[target]}")


def _find_header(rows: list[tuple], mapping: dict[str, str]) -> int:
    """The header row among the first rows: the one naming most known columns (a ledger often
    starts with a merged title row, a 填报单位 line, blank rows)."""
    known = {h for names in DEFAULT_HEADERS.values() for h in names} | {
        _norm_header(c) for c in mapping}
    best, best_hits = None, 0
    for i, row in enumerate(rows):
        hits = sum(1 for v in row if _norm_header(v) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is None or best_hits < 2 and not mapping:
        raise DocgenError("找不到表头行：前 10 行中没有可识别的列名（如 姓名、收到日期、反映内容），"
                          "请用 --map 列名=字段 指明（字段见 docgen ledger import --help）")
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
    ext: str | None = None
    values: dict[str, Any] = field(default_factory=dict, repr=False)


def _case_from_row(values: dict[str, Any], group_threshold: int, forward: bool = False) -> Case:
    """One row's values (by field) as a Case; ValueError with a Chinese message if it cannot be.
    ``forward``: the routing column says 转送 (转送单位, 转办日期 …) rather than 交办."""
    received = _row_date(values, "received_date")
    if received is None:
        raise ValueError("缺少收到日期")
    letter = _row_date(values, "letter_date")
    closed_date = _row_date(values, "closed_date")
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
            and status_raw not in _OPEN_WORDS:
        raise ValueError(f"状态“{status_raw}”无法识别")
    route_to = _text(values.get("route_to"))
    route_date = _row_date(values, "route_date")
    if route_date and route_date < received:
        raise ValueError(f"交办（转送）日期 {route_date} 早于收到日期 {received}")
    if route_date and closed_date and route_date > closed_date:
        raise ValueError(f"交办（转送）日期 {route_date} 晚于办结日期 {closed_date}")
    step = None if closed else _MIDDLE_WORDS.get(status_raw)
    if step is None and (route_to or route_date):
        # a routing column without a middle status (a closed row, or no status column):
        # the case went there all the same
        step = "转送" if forward else "交办"
    status = STATUS_CLOSED if closed else (_MIDDLE_STATUS[step] if step else STATUS_REGISTERED)
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
    address = _text(values.get("petitioner.address"))
    result = _text(values.get("result"))
    case = Case(
        case_no="", channel=channel, received_date=received, status=status, letter_date=letter,
        petitioner=Petitioner(name=name, id_number=id_number, id_valid=id_valid, phone=phone,
                              address=address),
        target=_text(values.get("target")), request=_text(values.get("request")),
        township=(_text(values.get("township")) or township_of(address) or township_in_text(text)
                  or township_in_text(summary)),
        category=_text(values.get("category")), summary=summary or (text[:100] or None),
        text=text or (summary or ""), persons=persons,
        external_no=_text(values.get("external_no")),
        closed_date=closed_date if closed else None, result=result,
        satisfaction=satisfaction if closed else None,
    )
    note = _text(values.get("note"))
    if note:
        case.extra["ledger_note"] = note
    if masked:
        case.extra["masked_in_ledger"] = masked
    if persons >= group_threshold:
        case.flags.append(GROUP_FLAG)
    if step:
        case.extra["ledger_steps"] = _middle_steps(step, route_date or received, bool(route_date),
                                                   route_to, None if closed else result)
        routed = case.extra["ledger_steps"][0]
        case.extra.update({"route_mode": routed["kind"], "route_date": routed["date"]})
        if routed["data"].get("to"):
            case.extra["route_to"] = routed["data"]["to"]
    return case


def _middle_steps(step: str, on: dt.date, dated: bool, body: str | None,
                  result: str | None) -> list[dict[str, Any]]:
    """The workflow events behind a middle status or a routing column (as plain data until the
    case has an id).

    Without a date column the step is dated on the day of receipt, and said so; a 交办/转送
    without a 承办单位 column names the body as unknown (the workflow needs one)."""
    note = "台账导入" + ("" if dated else "，台账未载日期，按收到日期记")
    kind = "交办" if step == "收到结果" else step
    data: dict[str, Any] = {"imported": True, "dated": dated}
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


def _footer_kind(row: tuple) -> str | None:
    """``total`` for a footer of totals (its first filled cell reads 合计/小计/总计/共计),
    ``signature`` for a 填表人/审核人 line, else None."""
    for v in row:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if not isinstance(v, str):
            return None
        text = _norm_header(v)
        if _TOTAL_ROW.match(text):
            return "total"
        return "signature" if _SIGNATURE_ROW.match(text) else None
    return None


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


class _Known:
    """The keys of the cases in the registry: ledger numbers, content hashes and our own case
    numbers (an export read back in), with the highest case id read so far, so that a later
    ``load`` inside a write transaction reads only the cases added since."""

    def __init__(self):
        self.numbers: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.own: dict[str, str] = {}
        self.last_id = 0

    def add(self, case: Case) -> None:
        if case.external_no:
            self.numbers.setdefault(case.external_no, case.case_no)
        self.own[case.case_no] = case.received_date.isoformat()
        key = case.extra.get("ledger_key")
        if key:
            self.hashes.setdefault(key, case.case_no)
        self.last_id = max(self.last_id, case.id or 0)

    def load_keys(self, ws: Workspace) -> None:
        """Every key, read with three queries (no Case objects: a first look before checking)."""
        conn = ws.registry.conn
        for ext, case_no in conn.execute(
                "SELECT external_no, case_no FROM cases WHERE external_no IS NOT NULL"):
            self.numbers.setdefault(ext, case_no)
        for case_no, received in conn.execute("SELECT case_no, received_date FROM cases"):
            self.own[case_no] = received
        for key, case_no in conn.execute(
                "SELECT json_extract(extra, '$.ledger_key'), case_no FROM cases "
                "WHERE json_extract(extra, '$.ledger_key') IS NOT NULL"):
            self.hashes.setdefault(key, case_no)

    def find(self, ext: str | None, key: str, received: Any) -> str | None:
        known = (self.numbers if ext else self.hashes).get(key)
        if ext and not known and ext in self.own and _same_day(received, self.own[ext]):
            known = ext
        return known


def _existing_keys(ws: Workspace) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    known = _Known()
    known.load_keys(ws)
    return known.numbers, known.hashes, known.own


def _same_day(value: Any, iso_date: str) -> bool:
    try:
        return parse_date(value) == dt.date.fromisoformat(iso_date)
    except ValueError:
        return False


@dataclass
class _Reading:
    """A ledger's header found and its columns resolved; ``rows`` yields (sheet row, values)."""

    header_at: int
    headers: list[str]
    columns: dict[int, str]
    rows: Any
    total: int


def _read_ledger(ws_sheet, mapping: dict[str, str]) -> _Reading:
    rows_iter = ws_sheet.iter_rows(values_only=True)
    head: list[tuple] = []
    for row in rows_iter:
        head.append(row)
        if len(head) >= 10:
            break
    header_at = _find_header(head, mapping)
    headers = [_norm_header(v) for v in head[header_at]]
    columns = resolve_columns(headers, mapping)
    body = [(header_at + 2 + i, row) for i, row in enumerate(head[header_at + 1:])]
    total = max((ws_sheet.max_row or 0) - header_at - 1, len(body))
    return _Reading(header_at, headers, columns, _chain(body, rows_iter, len(head)), total)


def _result_for(reading: _Reading) -> ImportResult:
    headers, columns = reading.headers, reading.columns
    return ImportResult(mapping={headers[i]: f for i, f in sorted(columns.items())},
                        ignored_columns=[h for i, h in enumerate(headers) if h and i not in columns],
                        header_row=reading.header_at + 1)


def import_ledger(ws: Workspace, path: Path, *, mapping: dict[str, str] | None = None,
                  sheet: str | None = None, progress: bool = False) -> ImportResult:
    """Import a ledger (.xlsx). Rows that cannot be taken are listed in ``errors``; rows imported
    before (same key) in ``skipped``; 合计 rows in ``total_rows``; the others are registered
    (routed, and closed with a 办结 event, when the ledger says so)."""
    mapping = dict(mapping or {})
    wb, ws_sheet = _read_sheet(path, sheet)
    try:
        reading = _read_ledger(ws_sheet, mapping)
        require_columns(reading.headers, reading.columns)
        result = _result_for(reading)
        threshold = int(ws.section("visits").get("group_threshold", 5))
        pending = _check_rows(ws, reading.rows, reading.columns,
                              "external_no" in reading.columns.values(), threshold, result,
                              reading.total if progress else None, headers=reading.headers)
    finally:
        wb.close()
    _register_rows(ws, pending, result, path, progress)
    result.errors.sort(key=lambda e: e.row)
    result.skipped.sort(key=lambda e: e.row)
    return result


@dataclass
class LedgerPreview:
    """What an import would do, registering nothing (the web's upload page)."""

    header_row: int
    headers: list[str]
    mapping: dict[str, str]
    ignored: list[str]
    importable: int
    errors: list[RowError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    total_rows: list[int] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)


def preview_ledger(ws: Workspace, path: Path, mapping: dict[str, str] | None = None,
                   sheet: str | None = None, sample: int = 5,
                   require: bool = True) -> LedgerPreview:
    """The header row, the mapping, the rows that would be refused or are already in, and the
    first rows as they would be registered — the import's own steps, without registering.

    ``require=False`` previews a sheet that lacks a required column (its rows are then refused
    one by one): the web page shows it so that the clerk can map a column to the field."""
    mapping = dict(mapping or {})
    wb, ws_sheet = _read_sheet(path, sheet)
    try:
        reading = _read_ledger(ws_sheet, mapping)
        if require:
            require_columns(reading.headers, reading.columns)
        result = _result_for(reading)
        threshold = int(ws.section("visits").get("group_threshold", 5))
        pending = _check_rows(ws, reading.rows, reading.columns,
                              "external_no" in reading.columns.values(), threshold, result, None,
                              headers=reading.headers)
    finally:
        wb.close()
    rows = [{"row": r.number, "received_date": r.case.received_date,
             "name": r.case.petitioner.display_name, "status": r.case.status,
             "summary": (r.case.summary or r.case.text or "")[:60]} for r in pending[:sample]]
    return LedgerPreview(header_row=result.header_row, headers=reading.headers,
                         mapping=result.mapping, ignored=result.ignored_columns,
                         importable=len(pending), errors=sorted(result.errors, key=lambda e: e.row),
                         skipped=result.skipped, total_rows=result.total_rows, sample=rows)


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


def _forward_columns(headers: list[str] | None, columns: dict[int, str]) -> bool:
    """The routing columns are named as a 转送 (转送单位, 转办日期 …)."""
    if not headers:
        return False
    return any(headers[i] in FORWARD_HEADERS for i, f in columns.items()
               if f in ("route_to", "route_date") and i < len(headers))


def _check_rows(ws: Workspace, rows, columns: dict[int, str], by_number: bool, threshold: int,
                result: ImportResult, total: int | None, *,
                headers: list[str] | None = None) -> list[_Row]:
    """Every row checked and made a Case (not yet registered). This first look at the keys
    already in the registry only sorts out what is plainly imported before; the check that
    counts is made again inside the write transaction (``_register_rows``)."""
    known = _Known()
    known.load_keys(ws)
    forward = _forward_columns(headers, columns)
    in_file: dict[str, int] = {}
    pending: list[_Row] = []
    with _progress(rows, total, "检查台账") as bar:
        for number, row in bar:
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            values = {f: row[i] for i, f in columns.items() if i < len(row)}
            footer = _footer_kind(row)
            if footer:
                try:
                    has_date = _row_date(values, "received_date") is not None
                except ValueError:
                    has_date = False
                if not has_date:
                    (result.total_rows if footer == "total" else result.signature_rows).append(number)
                    continue
            ext = _text(values.get("external_no")) if by_number else None
            key = ext if ext else _row_key(values)
            found = known.find(ext, key, values.get("received_date"))
            if found:
                result.skipped.append(Skipped(number, found, f"已导入（案件 {found}）"))
                continue
            if key in in_file:
                if ext:
                    result.errors.append(RowError(number, f"编号 {ext} 与第 {in_file[key]} 行重复"))
                else:
                    result.skipped.append(Skipped(number, None, f"与第 {in_file[key]} 行内容相同"))
                continue
            try:
                case = _case_from_row(values, threshold, forward)
            except ValueError as exc:
                result.errors.append(RowError(number, str(exc)))
                continue
            in_file[key] = number
            case.extra["ledger_key"] = key if not ext else _row_key(values)
            pending.append(_Row(number, case, key, bool(ext), ext, values))
    return pending


def _register_rows(ws: Workspace, pending: list[_Row], result: ImportResult, path: Path,
                   progress: bool) -> None:
    """Register in received order (so repeats link to the earlier case), BATCH rows per
    transaction. Each transaction first reads the cases registered since the last look (another
    import of the same ledger may be running) and skips a row whose key is now known: the check
    and the insert are one transaction."""
    reg = ws.registry
    people = _People()
    known = _Known()
    pending.sort(key=lambda r: (r.case.received_date, r.number))
    source = Path(path).name
    new_cases: list[Case] = []
    first = True
    with _progress(range(len(pending)), len(pending) if progress else None, "登记入库") as bar:
        it = iter(bar)
        for start in range(0, len(pending), BATCH):
            chunk = pending[start:start + BATCH]
            done: list[tuple[_Row, list[PriorCase]]] = []
            late: list[Skipped] = []
            with reg.transaction():
                others = reg.iter_cases() if first else reg.list_cases(
                    where="id > ?", params=(known.last_id,))
                for case in others:
                    known.add(case)
                    people.add(case)
                first = False
                for row in chunk:
                    case = row.case
                    found = known.find(row.ext, row.key, row.values.get("received_date"))
                    if found:
                        late.append(Skipped(row.number, found, f"已导入（案件 {found}）"))
                        next(it, None)
                        continue
                    case.extra.update({"ledger_file": source, "ledger_row": row.number})
                    priors = people.priors(case)
                    if priors and REPEAT_FLAG not in case.flags:
                        case.flags.append(REPEAT_FLAG)
                    steps = case.extra.pop("ledger_steps", ())
                    reg.add_case(case)
                    reg.add_event(_registered_event(case, source, row.number))
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
                    known.add(case)      # a later row with the same key is now a duplicate
                    people.add(case)     # later rows of this batch link to it
                    done.append((row, priors))
                    next(it, None)
            result.skipped.extend(late)
            for row, priors in done:
                new_cases.append(row.case)
                result.registrations.append(Registration(case=row.case, prior_cases=priors))
                result.rows.append(row.number)
    _index(ws, new_cases)


def _registered_event(case: Case, source: str, row: int) -> Event:
    """The 登记 event of an imported row: where it came from, its 备注, and for an open row
    what the ledger said of its handling (the deadlines of such a case run from the ledger's
    received date: ``show`` says so)."""
    detail = f"台账导入（{source} 第 {row} 行）"
    data: dict[str, Any] = {"source": "ledger", "file": source, "row": row}
    note = case.extra.get("ledger_note")
    if note:
        detail += f"；备注：{note}"
        data["note"] = note
    if case.status != STATUS_CLOSED and case.result:
        detail += f"；处理情况：{case.result}"
        data["result"] = case.result
    return Event(case_id=case.id, kind="登记", date=case.received_date, detail=detail, data=data)


def _index(ws: Workspace, cases: list[Case]) -> None:
    """Add the new cases to the search index if there is one (derived data: a failure only
    leaves it for ``docgen index rebuild``)."""
    if not cases:
        return
    from docgen.index.service import index_cases

    index_cases(ws, cases)
