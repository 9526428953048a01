"""统计: the year's figures (the numbers of ``docgen stats --json``) with bar charts, and the
.docx analysis report and .xlsx workbook to download."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request, send_file

from docgen import audit
from docgen.errors import DocgenError
from docgen.web.context import by, ws

bp = Blueprint("stats", __name__, url_prefix="/stats")


def _year() -> int:
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return dt.date.today().year
    if not raw.isdigit() or not 1949 <= int(raw) <= dt.date.today().year + 1:
        raise DocgenError(f"年度有误：{raw}")
    return int(raw)


def _stats(year: int):
    from docgen.reports.stats import compute_stats

    return compute_stats(ws(), year=year)


def _years() -> list[int]:
    rows = ws().registry.conn.execute("SELECT DISTINCT year FROM cases ORDER BY year DESC")
    years = [r[0] for r in rows]
    this = dt.date.today().year
    return years if this in years else [this, *years]


@bp.get("")
def index():
    year = _year()
    stats = _stats(year)
    charts = [(title, counts, max(counts.values()) if counts else 0) for title, counts in (
        ("按来源渠道", stats.by_channel), ("按内容分类", stats.by_category),
        ("按被反映对象", stats.by_target), ("按乡镇（街道）", stats.by_township),
        ("按月份", stats.by_month)) if counts]
    return render_template("stats.html", stats=stats, data=stats.to_json(), year=year,
                           years=_years(), charts=charts)


def _download(kind: str, year: int):
    stats = _stats(year)
    with tempfile.TemporaryDirectory(prefix="docgen-web-") as tmp:
        if kind == "docx":
            from docgen.reports.analysis_report import write_analysis_report

            name = f"{year}年信访情况分析.docx"
            path = write_analysis_report(ws(), stats, Path(tmp) / name)
            mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            from docgen.reports.ledger import write_stats_workbook

            name = f"{year}年信访统计.xlsx"
            path = write_stats_workbook(ws(), stats, Path(tmp) / name)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        data = Path(path).read_bytes()
    audit.record(ws(), audit.EXPORT, user=by(), detail=f"{year} 年统计（{kind}）",
                 address=request.remote_addr)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=mimetype,
                     max_age=0)


@bp.get("/report.docx")
def report():
    return _download("docx", _year())


@bp.get("/workbook.xlsx")
def workbook():
    return _download("xlsx", _year())
