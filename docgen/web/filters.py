"""Jinja filters of the web app's templates."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from docgen.privacy import mask_id_number, mask_phone
from docgen.web.render import marked

_STATUS_CLASS = {"已登记": "s-new", "已交办": "s-assigned", "已转送": "s-forwarded",
                 "已报结果": "s-reported", "已办结": "s-closed"}


def day(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def size(value: int | None) -> str:
    if value is None:
        return "—"
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    return f"{value / 1024 / 1024:.1f} MB"


def ts(value) -> str:
    """A POSIX timestamp as local 年-月-日 时:分."""
    if value is None:
        return "—"
    return dt.datetime.fromtimestamp(float(value)).strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        marks=marked, day=day, pct=pct, size=size, ts=ts,
        mask_id=lambda v: mask_id_number(v) if v else "—",
        mask_phone=lambda v: mask_phone(v) if v else "—",
        status_class=lambda s: _STATUS_CLASS.get(s or "", "s-other"),
    )
