"""归档: the closed cases a batch would archive with their 档号 (the dry run), running it, and
the 四性 verification report (``docgen archive``, ``docgen verify``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from docgen.errors import DocgenError
from docgen.web.context import require, ws

bp = Blueprint("archive", __name__, url_prefix="/archive")


def _year() -> int | None:
    raw = (request.values.get("year") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise DocgenError(f"年度有误：{raw}")
    return int(raw)


@bp.get("")
@require("archive")
def index():
    from docgen.archive import archive_batch

    year = _year()
    plan = archive_batch(ws(), year=year, dry_run=True)
    return render_template("archive.html", plan=plan, year=year, result=None, report=None)


@bp.post("/run")
@require("archive")
def run():
    from docgen.archive import archive_batch

    year = _year()
    result = archive_batch(ws(), year=year)
    return render_template("archive.html", plan=None, year=year, result=result, report=None)


@bp.post("/verify")
@require("archive")
def verify():
    from docgen.archive import CATEGORIES, verify_archive

    year = _year()
    report = verify_archive(ws(), year=year)
    return render_template("archive.html", plan=None, year=year, result=None, report=report,
                           categories=CATEGORIES, by_category=report.by_category())
