"""台账导入: upload an .xlsx, see the header row found and the column mapping, change it, see
the rows that would be refused and why, then import (``docgen ledger import``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from docgen.errors import DocgenError
from docgen.reports.ledger import preview_ledger
from docgen.reports.ledger_fields import FIELD_LABELS
from docgen.web.context import by, cleanup_pending, pending_area, require, ws

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

KIND = "ledger"


@bp.get("")
@require("register")
def upload():
    return render_template("ledger_upload.html", pending=pending_area().items(KIND), error=None)


@bp.post("")
@require("register")
def receive():
    cleanup_pending()
    f = request.files.get("file")
    if not f or not (f.filename or "").strip():
        flash("请选择要导入的台账文件（.xlsx）", "error")
        return redirect(url_for(".upload"), code=303)
    content = f.read()
    area = pending_area()
    item = area.add(KIND, f.filename, content, user=by(), data={"mapping": {}})
    try:
        if not content:
            raise DocgenError(f"文件 {item.name} 是空文件（0 字节），没有可读取的内容。")
        preview_ledger(ws(), item.path, require=False)
    except DocgenError as exc:
        area.remove(item.id)
        return render_template("ledger_upload.html", pending=area.items(KIND), error=str(exc)), 400
    return redirect(url_for(".preview", item_id=item.id), code=303)


def _item(item_id: str):
    try:
        return pending_area().get(item_id, KIND)
    except DocgenError:
        abort(404)


@bp.get("/<item_id>")
@require("register")
def preview(item_id: str):
    item = _item(item_id)
    mapping = item.data.get("mapping") or {}
    error, result = None, None
    try:
        result = preview_ledger(ws(), item.path, mapping, require=False)
    except DocgenError as exc:
        error = str(exc)
    return render_template("ledger_preview.html", item=item, preview=result, error=error,
                           explicit=mapping, labels=FIELD_LABELS), 200 if result else 400


@bp.post("/<item_id>/mapping")
@require("register")
def mapping(item_id: str):
    item = _item(item_id)
    chosen = {}
    for key, value in request.form.items():
        if key.startswith("map:") and value:
            if value not in FIELD_LABELS:
                flash(f"未知的字段：{value}", "error")
                return redirect(url_for(".preview", item_id=item.id), code=303)
            chosen[key[4:]] = value
    item.data["mapping"] = chosen
    item.save()
    flash("已按新的列对应关系重新检查。", "ok")
    return redirect(url_for(".preview", item_id=item.id), code=303)


@bp.post("/<item_id>/import")
@require("register")
def run_import(item_id: str):
    from docgen.reports.ledger import import_ledger

    item = _item(item_id)
    try:
        result = import_ledger(ws(), item.path, mapping=item.data.get("mapping") or {})
    except DocgenError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".preview", item_id=item.id), code=303)
    pending_area().remove(item.id)
    return render_template("ledger_done.html", result=result, name=item.name)
