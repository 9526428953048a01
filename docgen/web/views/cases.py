"""案件: the list, one case (facts, petitioner, links, timeline, deadlines, documents, similar
cases) and the actions the user's role allows. Each action is one call of the function the
command line calls (``docgen.workflow``, ``docgen.editing``), with the user as ``by``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from docgen import audit
from docgen.casefile import query_cases
from docgen.errors import DocgenError
from docgen.models import CHANNELS, SATISFACTION, STATUSES
from docgen.web import forms, library
from docgen.web.context import by, pending_area, require, ws
from docgen.web.views import whole_numbers

bp = Blueprint("cases", __name__, url_prefix="/cases")

AWAITING = ("拟办", "批示")
DECISION_KINDS = ("答复", "告知", "不予受理", "存档备查")
ATTACH_KINDS = ("办理结果报告", "答复意见", "其他")
DOCUMENT_KINDS = ("来信登记处理单", "来访接待登记表", "接待报告", "告知书", "交办函", "转送函")
NO_FILES_FOR_READERS = "来信原件和文书含信访人完整的身份证号、电话，只读用户不能下载或预览。"


def _int_arg(name: str, *, minimum: int = 0) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise DocgenError(f"筛选条件 {name} 应为整数（实际为 {raw}）")
    return int(raw)


@bp.get("")
def index():
    status = request.args.get("status") or None
    channel = request.args.get("channel") or None
    awaiting = request.args.get("awaiting") or None
    if status and status not in STATUSES or channel and channel not in CHANNELS \
            or awaiting and awaiting not in AWAITING:
        raise DocgenError("筛选条件有误，请从页面上的选项中选择")
    year = _int_arg("year", minimum=1949)
    due_within = _int_arg("due_within")
    page = max(1, _int_arg("page", minimum=1) or 1)
    overdue = request.args.get("overdue") == "1"
    total, views = query_cases(
        ws(), status=status, overdue=overdue, due_within=due_within, awaiting=awaiting, year=year,
        channel=channel, offset=(page - 1) * library.LIST_PAGE, limit=library.LIST_PAGE)
    pages = max(1, -(-total // library.LIST_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("cases.html", views=views, total=total, page=page, pages=pages,
                           args=args, statuses=STATUSES, channels=CHANNELS, awaiting=AWAITING,
                           filters={"status": status, "channel": channel, "awaiting": awaiting,
                                    "year": year, "due_within": due_within, "overdue": overdue},
                           today=dt.date.today())


def _similar(workspace, case) -> list:
    from docgen.index.similar import similar_for_case

    try:
        return similar_for_case(workspace, case, limit=8)
    except DocgenError:
        return []


@bp.get("/<case_no>")
def show(case_no: str):
    from docgen.casefile import case_view
    from docgen.editing import outdated_documents
    from docgen.web.documents import can_convert, kind_of

    workspace = ws()
    view = case_view(workspace, case_no)
    case = view.case
    audit.record(workspace, audit.VIEW_CASE, user=by(), case_no=case.case_no,
                 address=request.remote_addr)
    outdated = {f.id for f in outdated_documents(view.files, view.events)}
    files = []
    convert = can_convert()
    for f in view.files:
        kind = kind_of(workspace.root / f.path)
        files.append({"file": f, "kind": kind, "outdated": f.id in outdated,
                      "pdf": kind == "pdf" or (kind == "docx" and convert),
                      "preview": kind in ("pdf", "image") or (kind == "docx" and convert)})
    return render_template(
        "case.html", view=view, case=case, state=view.state, files=files,
        similar=_similar(workspace, case), bodies=library.known_bodies(workspace),
        decision_kinds=DECISION_KINDS, attach_kinds=ATTACH_KINDS, satisfaction=SATISFACTION,
        document_kinds=DOCUMENT_KINDS, today=dt.date.today(), accused=case.nature == "检举控告")


# --- files ------------------------------------------------------------------------------------

def _file(case_no: str, file_id: int):
    """The file ``file_id`` of the case, for a user who may see personal data: 只读 users see
    ID and phone numbers masked, and the originals and documents carry them whole (403)."""
    if not whole_numbers():
        abort(403, description=NO_FILES_FOR_READERS)
    workspace = ws()
    case = workspace.registry.get_case(case_no)
    found = next((f for f in workspace.registry.files(case.id) if f.id == file_id), None)
    if found is None:
        abort(404)
    root = workspace.root.resolve()
    path = (workspace.root / found.path).resolve()
    if root not in path.parents or not path.is_file():
        abort(404)
    return workspace, case, found, path


@bp.get("/<case_no>/files/<int:file_id>")
def download(case_no: str, file_id: int):
    workspace, case, f, path = _file(case_no, file_id)
    audit.record(workspace, audit.DOWNLOAD, user=by(), case_no=case.case_no,
                 detail=f"文件 {f.id}（{f.kind or f.role}）", address=request.remote_addr)
    return send_file(path, as_attachment=True, download_name=f.name, max_age=0)


@bp.get("/<case_no>/files/<int:file_id>/pdf")
def download_pdf(case_no: str, file_id: int):
    from docgen.web.documents import pdf_for

    workspace, case, f, path = _file(case_no, file_id)
    pdf = pdf_for(workspace, path, f.sha256)
    audit.record(workspace, audit.DOWNLOAD, user=by(), case_no=case.case_no,
                 detail=f"文件 {f.id}（{f.kind or f.role}，PDF）", address=request.remote_addr)
    return send_file(pdf, as_attachment=True, download_name=Path(f.name).stem + ".pdf",
                     mimetype="application/pdf", max_age=0)


@bp.get("/<case_no>/files/<int:file_id>/preview.png")
def preview(case_no: str, file_id: int):
    from docgen.web.documents import preview_png

    workspace, _case, f, path = _file(case_no, file_id)
    return send_file(preview_png(workspace, path, f.sha256), mimetype="image/png", max_age=0)


# --- actions ----------------------------------------------------------------------------------

def _back(case_no: str):
    # the top of the case page: the message saying what was done (or what was wrong) and the
    # new status are there, and the actions are at the top of the right column on a 1366×768
    # screen (jumping to #actions hid both)
    return redirect(url_for(".show", case_no=case_no), code=303)


def _on() -> dt.date | None:
    return library.check_date(request.form.get("on"), "日期")


def _act(case_no: str, run: Callable[[], object], done: str):
    try:
        outcome = run()
    except DocgenError as exc:
        flash(str(exc), "error")
        return _back(case_no)
    flash(done, "ok")
    for w in getattr(outcome, "warnings", []) or []:
        flash(w, "warn")
    return _back(case_no)


def _text(name: str) -> str:
    return (request.form.get(name) or "").strip()


@bp.post("/<case_no>/proposal")
@require("propose")
def proposal(case_no: str):
    from docgen import workflow

    return _act(case_no, lambda: workflow.decide(ws(), case_no, proposal=_text("text"), on=_on(),
                                                 by=by()), "已记录拟办意见")


@bp.post("/<case_no>/instruction")
@require("instruct")
def instruction(case_no: str):
    from docgen import workflow

    return _act(case_no, lambda: workflow.decide(ws(), case_no, instruction=_text("text"),
                                                 leader=by(), on=_on(), by=by()), "已记录领导批示")


@bp.post("/<case_no>/route")
@require("handle")
def route(case_no: str):
    from docgen import workflow

    mode = _text("mode") or "交办"
    org = _text("to")
    days_text = _text("days")
    confirm = request.form.get("confirm") == "1"

    def run():
        if mode not in workflow.ROUTE_MODES:
            raise DocgenError("办理方式应为 交办 或 转送")
        if days_text and not days_text.isdigit():
            raise DocgenError(f"办理期限天数应为正整数（实际为 {days_text}）")
        case = ws().registry.get_case(case_no)
        if org and workflow.accuses(case, org) and not confirm:
            raise DocgenError(f"案件 {case.case_no} 为检举控告件，被反映对象是“{case.target}”，"
                              f"不应将材料{mode}给被检举控告的单位“{org}”；确需{mode}请勾选“确认”后再提交")
        return workflow.transfer(ws(), case_no, to=org, mode=mode,
                                 days=int(days_text) if days_text else None,
                                 contact=_text("contact") or None, confirm=confirm, on=_on(),
                                 by=by(), notify=request.form.get("notify") == "1")

    return _act(case_no, run, f"已{mode}{org}，并写出{mode}函")


@bp.post("/<case_no>/decision")
@require("handle")
def decision(case_no: str):
    from docgen import workflow

    kind = _text("kind")
    if kind not in DECISION_KINDS:
        flash("请选择办理方式", "error")
        return _back(case_no)
    options = {}
    if kind in ("告知", "不予受理"):
        options = {"to": _text("to") or None, "notice": False if request.form.get("no_notice") == "1" else None}
    return _act(case_no, lambda: workflow.DECISIONS[kind](ws(), case_no, _text("text") or None,
                                                          on=_on(), by=by(), **options),
                f"已记录：{kind}")


@bp.post("/<case_no>/attach")
@require("handle")
def attach(case_no: str):
    from docgen import workflow

    uploads = [f for f in request.files.getlist("files") if f and (f.filename or "").strip()]
    if not uploads:
        flash("请选择要附加的文件", "error")
        return _back(case_no)
    area = pending_area()
    items = [area.add("attachment", f.filename, f.read(), user=by()) for f in uploads]
    try:
        return _act(case_no, lambda: workflow.attach(
            ws(), case_no, [i.path for i in items], kind=_text("kind") or "其他",
            note=_text("note") or None, on=_on(), by=by()),
            f"已附加 {len(items)} 个文件")
    finally:
        for i in items:
            area.remove(i.id)


@bp.post("/<case_no>/extend")
@require("handle")
def extend(case_no: str):
    from docgen import workflow

    def run():
        days = _text("days")
        if not days.isdigit():
            raise DocgenError(f"延期天数应为正整数（实际为 {days or '空'}）")
        return workflow.extend(ws(), case_no, days=int(days), reason=_text("reason"), on=_on(), by=by())

    return _act(case_no, run, "已延期")


@bp.post("/<case_no>/supervise")
@require("handle")
def supervise(case_no: str):
    from docgen import workflow

    return _act(case_no, lambda: workflow.supervise(ws(), case_no, leader=_text("leader"),
                                                    responsible=_text("responsible"), on=_on(),
                                                    by=by()), "已列为重点督办")


@bp.post("/<case_no>/close")
@require("handle")
def close(case_no: str):
    from docgen import workflow

    return _act(case_no, lambda: workflow.close(ws(), case_no, result=_text("result"),
                                                satisfaction=_text("satisfaction") or None,
                                                on=_on(), by=by()), "已办结")


@bp.post("/<case_no>/document")
@require("handle")
def document(case_no: str):
    from docgen import workflow

    kind = _text("kind")
    if kind not in DOCUMENT_KINDS:
        flash("请选择文书类型", "error")
        return _back(case_no)
    return _act(case_no, lambda: workflow.write_document(ws(), case_no, kind, on=_on(), by=by()),
                f"已写出{kind}")


@bp.route("/<case_no>/edit", methods=["GET", "POST"])
@require("handle")
def edit(case_no: str):
    from docgen.editing import edit_case
    from docgen.intake.pipeline import category_rules

    workspace = ws()
    case = workspace.registry.get_case(case_no)
    errors: list[str] = []
    values = {spec.name: forms.shown(forms.value_of(case, spec.name)) for spec in forms.FIELDS}
    status = 200
    if request.method == "POST":
        try:
            changes = forms.changes_from_form(request.form, case)
            if not changes:
                raise DocgenError("没有修改任何内容")
            result = edit_case(workspace, case.case_no, changes, reason=_text("reason"), by=by(),
                               on=_on())
        except DocgenError as exc:
            errors.append(str(exc))
            values.update({k: request.form.get(k, "") for k in forms.FIELD_NAMES})
            values["legal"] = "1" if request.form.get("legal") == "1" else ""
            status = 400
        else:
            flash("已更正：" + "；".join(c.to_text() for c in result.changes), "ok")
            for w in result.warnings:
                flash(w, "warn")
            for f in result.outdated:
                flash(f"{f.kind or f.name} 早于本次更正，请在“生成文书”中重新生成", "warn")
            return _back(case.case_no)
    return render_template("case_edit.html", case=case, fields=forms.FIELDS, values=values,
                           errors=errors, reason=request.form.get("reason", ""),
                           categories=category_rules(workspace).categories,
                           natures=forms.NATURES), status
