"""登记来访: the 来访接待登记表 as a form (group visits, representatives, 同行人员)."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, flash, redirect, render_template, request, url_for

from docgen.errors import DocgenError
from docgen.web import library
from docgen.web.context import by, require, ws

bp = Blueprint("visits", __name__, url_prefix="/visits")

_NAMES = re.compile(r"[、丶，,;；\s]+")
TEXT_FIELDS = ("name", "id_number", "phone", "address", "content", "receptionist", "answer",
               "target", "request", "category")


def _names(text: str | None) -> list[str]:
    return [n for n in _NAMES.split(text or "") if n]


def _render(values: dict, errors: list[str], status: int = 200):
    from docgen.intake.pipeline import category_rules

    return render_template("visit.html", values=values, errors=errors,
                           categories=category_rules(ws()).categories), status


@bp.get("/new")
@require("register")
def new():
    return _render({"received": dt.date.today().isoformat(), "persons": "1",
                    "receptionist": by()}, [])


@bp.post("/new")
@require("register")
def create():
    from docgen.visits import VisitForm, register_visit

    form = request.form
    try:
        persons_text = (form.get("persons") or "1").strip()
        if not persons_text.isdigit() or int(persons_text) < 1:
            raise DocgenError(f"来访人数应为正整数（实际为 {persons_text or '空'}）")
        values = {k: (form.get(k) or "").strip() or None for k in TEXT_FIELDS}
        visit = VisitForm(**{**values, "content": values["content"] or ""},
                          persons=int(persons_text), visitors=_names(form.get("visitors")),
                          representatives=_names(form.get("representatives")))
        received = library.check_date(form.get("received"), "来访日期", default=dt.date.today())
        registration = register_visit(ws(), visit, received)
    except DocgenError as exc:
        return _render(form.to_dict(), [str(exc)], 400)
    c = registration.case
    flash(f"已登记来访 {c.case_no}（{c.petitioner.display_name}，{c.persons} 人）", "ok")
    for prior in registration.prior_cases:
        if prior.same_person:
            flash(f"关联在先案件 {prior.case_no}：{'；'.join(prior.reasons)}", "info")
    return redirect(url_for("cases.show", case_no=c.case_no), code=303)
