"""登记来信: upload → one review page per letter → 确认登记. Nothing is registered before 确认.

The upload is parsed once (``intake.pipeline.parse_file``: the same checks and messages as
``docgen intake``) and kept with its parse result in the session's pending area; the review
page shows the page images or the text with the part each field was read from marked, the
warnings, the same person's earlier cases and similar cases; 确认登记 registers it with the
clerk's corrections (``register_parsed``).
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_bytes, sha256_file
from docgen.models import CHANNELS
from docgen.web import forms, library
from docgen.web.context import by, cleanup_pending, pending_area, require, ws
from docgen.web.pending import parse_from_json, parse_to_json
from docgen.web.render import source_segments

bp = Blueprint("letters", __name__, url_prefix="/letters")

KIND = "letter"


def _uploads() -> list:
    files = [f for f in request.files.getlist("files") if f and (f.filename or "").strip()]
    if not files:
        raise DocgenError("请选择要上传的来信文件")
    return files


@bp.get("")
@require("register")
def upload():
    return render_template("letters_upload.html", pending=pending_area().items(KIND), errors=[])


@bp.post("")
@require("register")
def receive():
    from docgen.intake.pipeline import parse_file

    cleanup_pending()
    area = pending_area()
    workspace = ws()
    errors, added = [], []
    try:
        files = _uploads()
    except DocgenError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".upload"), code=303)
    for upload_file in files:
        content = upload_file.read()
        name = upload_file.filename
        item = area.add(KIND, name, content, user=by())
        try:
            parsed = parse_file(item.path, workspace)
        except DocgenError as exc:
            area.remove(item.id)
            errors.append({"file": item.name, "message": str(exc)})
            continue
        item.data = {"parse": parse_to_json(parsed), "sha256": sha256_file(item.path),
                     "size": len(content)}
        item.save()
        added.append(item)
    if len(added) == 1 and not errors:
        return redirect(url_for(".review", item_id=added[0].id), code=303)
    if added:
        flash(f"已上传 {len(added)} 封来信，请逐封核对后确认登记。", "ok")
    status = 400 if errors and not added else 200
    return render_template("letters_upload.html", pending=area.items(KIND), errors=errors), status


def _provisional_case(parsed, channel: str, received: dt.date):
    from docgen.intake.pipeline import case_from_fields

    return case_from_fields(parsed.fields, parsed.extracted.text, channel=channel, received=received)


def _warnings(item, parsed) -> list[str]:
    found = list(parsed.extracted.warnings)
    if parsed.extracted.ocr:
        found.append("文字由 OCR 从扫描件识别，姓名、号码和日期请对照原件核对。")
    f = parsed.fields
    if f.id_problem:
        found.append(f"身份证号 {f.petitioner.id_number} 校验不通过：{f.id_problem}（将按原样登记并标记）")
    if f.lunar_date:
        found.append("来信日期是农历，未换算为公历，请核对。")
    if f.anonymous:
        found.append("来信署名为匿名。")
    dup = ws().registry.find_original_by_sha(item.data.get("sha256") or "")
    if dup:
        found.append(f"同一文件（SHA-256 相同）已登记为 {dup[1]}；确需再次登记请勾选“仍然登记”。")
    return found


def _review(item, *, values: dict | None = None, errors: list[str] | None = None, status: int = 200):
    from docgen.intake.pipeline import category_rules
    from docgen.registration import find_prior_cases

    parsed = parse_from_json(item.data["parse"], item.path)
    workspace = ws()
    posted = values or {}
    channel = posted.get("channel") or "来信"
    received = dt.date.today()
    try:
        received = library.check_date(posted.get("received"), "收到日期", default=received)
    except DocgenError:
        pass
    case = _provisional_case(parsed, channel if channel in CHANNELS else "来信", received)
    field_values = {spec.name: forms.shown(forms.value_of(case, spec.name)) for spec in forms.FIELDS}
    if values:
        field_values.update({k: values.get(k, "") for k in forms.FIELD_NAMES
                             if k in values or k == "legal"})
    try:
        priors = find_prior_cases(workspace, case)
    except DocgenError:
        priors = []
    sources = {k: v for k, v in parsed.fields.sources.items()}
    pages = parsed.extracted.pages if parsed.extracted.kind in ("pdf", "image") else 0
    boxes = library.field_boxes(parsed.extracted.text, parsed.extracted.lines, sources) if pages else {}
    if "petitioner.name" not in boxes and "petitioner.anonymous" in boxes:
        boxes["petitioner.name"] = boxes["petitioner.anonymous"]     # 匿名: where it says so
    return render_template(
        "letters_review.html", item=item, parsed=parsed, fields=forms.FIELDS,
        values=field_values, sources=sources,
        segments=source_segments(parsed.extracted.text, sources),
        warnings=_warnings(item, parsed), priors=priors, errors=errors or [],
        channels=CHANNELS, channel=channel, received=posted.get("received") or received.isoformat(),
        categories=category_rules(workspace).categories, natures=forms.NATURES,
        pages=pages, boxes=boxes,
        duplicate=bool(workspace.registry.find_original_by_sha(item.data.get("sha256") or "")),
        pending=pending_area().items(KIND)), status


@bp.get("/<item_id>")
@require("register")
def review(item_id: str):
    try:
        item = pending_area().get(item_id, KIND)
    except DocgenError:
        abort(404)
    return _review(item)


@bp.get("/<item_id>/page/<int:page>")
@require("register")
def page_image(item_id: str, page: int):
    from docgen.web.documents import page_png

    try:
        item = pending_area().get(item_id, KIND)
    except DocgenError:
        abort(404)
    cached = item.folder / f"page-{page}.png"
    if not cached.is_file():
        try:
            atomic_write_bytes(cached, page_png(item.path, page))
        except DocgenError:
            abort(404)
    return Response(cached.read_bytes(), mimetype="image/png")


@bp.post("/<item_id>/confirm")
@require("register")
def confirm(item_id: str):
    from docgen.intake.pipeline import AlreadyRegistered, register_parsed

    area = pending_area()
    try:
        item = area.get(item_id, KIND)
    except DocgenError:
        flash("这封来信已确认、已放弃或已过期。", "error")
        return redirect(url_for(".upload"), code=303)
    parsed = parse_from_json(item.data["parse"], item.path)
    form = request.form
    try:
        channel = form.get("channel") or "来信"
        if channel not in CHANNELS:
            raise DocgenError(f"来源渠道应为 {'、'.join(CHANNELS)} 之一")
        received = library.check_date(form.get("received"), "收到日期", default=dt.date.today())
        case = _provisional_case(parsed, channel, received)
        corrections = forms.changes_from_form(form, case)
        registration = register_parsed(
            ws(), item.path, parsed, channel=channel, received=received,
            force=form.get("force") == "1", corrections=corrections or None)
    except AlreadyRegistered as exc:
        return _review(item, values=form, errors=[str(exc)], status=409)
    except DocgenError as exc:
        return _review(item, values=form, errors=[str(exc)], status=400)
    area.remove(item.id)
    c = registration.case
    flash(f"已登记 {c.case_no}（{c.petitioner.display_name}）" +
          (f"，已更正 {len(corrections)} 项" if corrections else ""), "ok")
    for prior in registration.prior_cases:
        if prior.same_person:
            flash(f"关联在先案件 {prior.case_no}：{'；'.join(prior.reasons)}", "info")
    if c.petitioner.id_valid is False:
        flash("注意：身份证号校验不通过，已按原样登记并标记。", "warn")
    following = area.items(KIND)
    if following and request.form.get("next") == "1":
        return redirect(url_for(".review", item_id=following[0].id), code=303)
    return redirect(url_for("cases.show", case_no=c.case_no), code=303)


@bp.post("/<item_id>/discard")
@require("register")
def discard(item_id: str):
    pending_area().remove(item_id)
    flash("已放弃该文件，未登记。", "ok")
    return redirect(url_for(".upload"), code=303)
