"""What every command shares: the workspace from ``--home``, ``--json`` output, date options."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from typing import Any

import click

from docgen.workspace import Workspace


class AppContext:
    """Holds ``--home`` and opens the workspace only when a command needs it."""

    def __init__(self, home: str | None):
        self.home = home
        self._ws: Workspace | None = None

    @property
    def ws(self) -> Workspace:
        if self._ws is None:
            self._ws = Workspace.open(self.home)
        return self._ws


pass_app = click.make_pass_decorator(AppContext)


class DateType(click.ParamType):
    """``YYYY-MM-DD`` on the command line; anything else is a malformed command line (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        # date.fromisoformat also takes 20260901 and 2026-W36-2; the contract is YYYY-MM-DD only
        if not _ISO_DAY.fullmatch(text):
            self.fail(f"日期格式应为 YYYY-MM-DD：{value!r}", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"日期不存在或格式应为 YYYY-MM-DD：{value!r}", param, ctx)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


DATE = DateType()

json_option = click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档（字段名为英文）")


def date_option(help_text: str = "事情发生的日期（默认今天）"):
    return click.option("--date", "on_date", type=DATE, default=None, help=help_text)


def as_of_option():
    return click.option("--as-of", "as_of", type=DATE, default=None,
                        help="按该日结束时的情况显示（之后的事件不计），默认今天")


def today() -> dt.date:
    return dt.date.today()


def _default(obj: Any):
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, set | tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj)!r}")


def emit_json(data: Any) -> None:
    """Print exactly one JSON document on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def say(message: str) -> None:
    """A message for people: stderr, so that stdout stays clean for --json and pipes."""
    click.echo(message, err=True)


def progress(iterable, *, length: int | None = None, label: str = ""):
    """A progress bar on stderr (hidden when stderr is not a terminal)."""
    return click.progressbar(iterable, length=length, label=label, file=sys.stderr,
                             show_pos=True)
