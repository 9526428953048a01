"""检索: the search box with filters, highlighted snippets, paging.

The form is posted (a name or an ID number never goes into a URL) and kept on the server under
a random key; the result pages are ``?s=KEY&page=N``. The search itself is the index's, as for
``docgen search``.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from docgen import audit
from docgen.errors import DocgenError
from docgen.models import CHANNELS, STATUSES
from docgen.web import library
from docgen.web.context import by, state, ws

bp = Blueprint("search", __name__, url_prefix="/search")

PAGE = 20
FIELDS = ("q", "person", "id_number", "phone", "target", "category", "status", "channel",
          "date_from", "date_to", "sort")
FILTER_LABELS = {"person": "姓名", "id_number": "身份证号", "phone": "电话", "target": "被反映对象",
                 "category": "分类", "status": "状态", "channel": "渠道", "date_from": "起始日期",
                 "date_to": "截止日期"}


def _filters(form: dict):
    from docgen.index.base import SearchFilters

    status, channel = form.get("status") or None, form.get("channel") or None
    if status and status not in STATUSES or channel and channel not in CHANNELS:
        raise DocgenError("状态或渠道有误，请从页面上的选项中选择")
    date_from = library.check_view_date(form.get("date_from"), "起始日期")
    date_to = library.check_view_date(form.get("date_to"), "截止日期")
    if date_from and date_to and date_from > date_to:
        raise DocgenError("起始日期不能晚于截止日期")
    return SearchFilters(person=form.get("person") or None, id_number=form.get("id_number") or None,
                         phone=form.get("phone") or None, target=form.get("target") or None,
                         category=form.get("category") or None, status=status, channel=channel,
                         date_from=date_from, date_to=date_to)


def run_search(workspace, query: str, filters, limit: int, sort: str):
    """The index's search; an index missing, outdated or found damaged is rebuilt once from the
    registry (derived data), as ``docgen search`` does."""
    from docgen.index.service import IndexUnavailable, open_workspace_index, rebuild_from_workspace

    idx = open_workspace_index(workspace)
    try:
        return idx.search(query, filters, limit, sort)
    except IndexUnavailable:
        idx.close()
        idx = rebuild_from_workspace(workspace)
        return idx.search(query, filters, limit, sort)
    finally:
        idx.close()


def _categories() -> list[str]:
    from docgen.intake.pipeline import category_rules

    return category_rules(ws()).categories


@bp.get("")
def index():
    key = request.args.get("s")
    form = state().searches.get(g.user.id, key) if key else None
    if key and form is None:
        return render_template("search.html", form={}, result=None, expired=True, page=1, pages=1,
                               key=None, categories=_categories(), statuses=STATUSES,
                               channels=CHANNELS, error=None)
    result, error, pages = None, None, 1
    page = max(1, int(request.args.get("page") or 1)) if (request.args.get("page") or "1").isdigit() else 1
    if form is not None:
        try:
            filters = _filters(form)
            query = (form.get("q") or "").strip()
            if not query and filters.is_empty:
                raise DocgenError("请输入检索词或至少一个筛选条件")
            sort = form.get("sort") if form.get("sort") in ("relevance", "date") else "relevance"
            result = run_search(ws(), query, filters, page * PAGE, sort)
            result.hits = result.hits[(page - 1) * PAGE:]
            pages = max(1, -(-result.total // PAGE))
        except DocgenError as exc:
            error = str(exc)
    return render_template("search.html", form=form or {}, result=result, error=error, page=page,
                           pages=pages, key=key, expired=False, categories=_categories(),
                           statuses=STATUSES, channels=CHANNELS)


@bp.post("")
def submit():
    form = {k: (request.form.get(k) or "").strip() for k in FIELDS}
    used = [FILTER_LABELS[k] for k in FILTER_LABELS if form.get(k)]
    audit.record(ws(), audit.SEARCH, user=by(), detail="条件：" + ("、".join(used) or "仅检索词"),
                 address=request.remote_addr)
    key = state().searches.put(g.user.id, form)
    return redirect(url_for(".index", s=key), code=303)
