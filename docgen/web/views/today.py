"""今日: new cases, due within 7 days, overdue, waiting for 拟办 or 批示."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template

from docgen.web import library
from docgen.web.context import ws

bp = Blueprint("today", __name__)

SECTIONS = (
    ("overdue", "已超期", "转送交办期限或交办办理期限已过、尚未办理的案件"),
    ("due_soon", "7 日内到期", "最近的期限在 7 日内的案件"),
    ("awaiting_proposal", "待拟办", "尚无拟办意见的案件"),
    ("awaiting_instruction", "待批示", "已拟办、尚无领导批示的案件"),
    ("new", "新登记", "近 7 日收到的案件"),
)


@bp.get("/")
def index():
    day = dt.date.today()
    board = library.today(ws(), day)
    return render_template("today.html", board=board, sections=SECTIONS, day=day)
