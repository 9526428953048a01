"""What ``docgen ledger import`` would do with a file, without registering anything: the
header row found, the column mapping, and the rows that would be refused (and why) or are
already in.

The reading and checking are ``docgen.reports.ledger``'s own steps (the same functions
``import_ledger`` runs before it registers), so the preview and the import cannot disagree.
When the reports module offers a public ``preview_ledger`` it is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Field → how the page names it.
FIELD_LABELS = {
    "external_no": "外部编号（台账登记号）", "channel": "来源渠道", "status": "状态",
    "received_date": "收到日期", "letter_date": "来信日期", "petitioner.name": "姓名",
    "petitioner.id_number": "身份证号", "petitioner.phone": "电话", "petitioner.address": "住址",
    "target": "被反映对象", "request": "诉求", "category": "内容分类", "summary": "摘要",
    "text": "全文", "result": "办理结果", "satisfaction": "满意度", "closed_date": "办结日期",
    "persons": "人数", "route_to": "承办单位", "route_date": "交办/转送日期",
    "township": "乡镇（街道）", "note": "备注",
}


@dataclass
class LedgerPreview:
    header_row: int                                   # 1-based row of the sheet
    headers: list[str]
    mapping: dict[str, str]                           # header → field, as the import uses it
    ignored: list[str]                                # headers no field is read from
    importable: int
    errors: list[Any] = field(default_factory=list)   # ledger.RowError
    skipped: list[Any] = field(default_factory=list)  # ledger.Skipped
    sample: list[dict[str, Any]] = field(default_factory=list)


SAMPLE_ROWS = 5


def preview_ledger(ws, path: Path, mapping: dict[str, str] | None = None,
                   sheet: str | None = None) -> LedgerPreview:
    from docgen.reports import ledger

    mapping = dict(mapping or {})
    wb, ws_sheet = ledger._read_sheet(path, sheet)
    try:
        rows_iter = ws_sheet.iter_rows(values_only=True)
        head: list[tuple] = []
        for row in rows_iter:
            head.append(row)
            if len(head) >= 10:
                break
        header_at = ledger._find_header(head, mapping)
        headers = [ledger._norm_header(v) for v in head[header_at]]
        columns = ledger.resolve_columns(headers, mapping)
        result = ledger.ImportResult(mapping={headers[i]: f for i, f in sorted(columns.items())},
                                     ignored_columns=[h for i, h in enumerate(headers)
                                                      if h and i not in columns])
        threshold = int(ws.section("visits").get("group_threshold", 5))
        body = [(header_at + 2 + i, row) for i, row in enumerate(head[header_at + 1:])]
        pending = ledger._check_rows(ws, ledger._chain(body, rows_iter, len(head)), columns,
                                     "external_no" in columns.values(), threshold, result, None)
    finally:
        wb.close()
    sample = []
    for row in pending[:SAMPLE_ROWS]:
        c = row.case
        sample.append({"row": row.number, "received_date": c.received_date,
                       "name": c.petitioner.display_name, "status": c.status,
                       "summary": (c.summary or c.text or "")[:60]})
    return LedgerPreview(header_row=header_at + 1, headers=[h for h in headers],
                         mapping=result.mapping, ignored=result.ignored_columns,
                         importable=len(pending), errors=sorted(result.errors, key=lambda e: e.row),
                         skipped=result.skipped, sample=sample)
