"""今日: new cases, due within 7 days, overdue, waiting for 拟办 or 批示."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template

from docgen import dashboard
from docgen.web.context import ws

bp = Blueprint("today", __name__)

# The counts at the top; the overdue ones are then listed by kind when the dashboard gives them.
SECTIONS = (
    ("overdue", "已超期", "转送交办期限或交办办理期限已过、尚未办理的案件"),
    ("due_soon", "7 日内到期", "最近的期限在 7 日内的案件"),
    ("awaiting_proposal", "待拟办", "尚无拟办意见的案件"),
    ("awaiting_instruction", "待批示", "已拟办、尚无领导批示的案件"),
    ("new", "新登记", "近 7 日收到的案件"),
)
OVERDUE_KINDS = (
    ("overdue_routing", "超期未交办", "收到后 15 日内应交办、转送或告知，已过期"),
    ("overdue_results", "交办超期未报结果", "交办的办理期限已过，承办单位尚未报告结果"),
    ("overdue_review", "复查复核超期", "复查、复核期限已过"),
    ("overdue_notice", "超期未书面告知", "15 日书面告知期限已过（按 docgen.toml 设置计入）"),
)


@bp.get("/")
def index():
    day = dt.date.today()
    board = dashboard.today(ws(), day)
    kinds = [k for k in OVERDUE_KINDS if board.counts.get(k[0])]
    return render_template("today.html", board=board, sections=SECTIONS, kinds=kinds, day=day)
