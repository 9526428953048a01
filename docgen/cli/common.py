"""What every command shares: the workspace from ``--home``, ``--json`` output, date options."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import click

from docgen import date_limits
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
    """``YYYY-MM-DD`` on the command line; anything else is a malformed command line (exit 2).

    A well-formed date outside the sane range (``docgen.date_limits``) is a problem with the
    data, exit 1: ``happened`` dates (``--received``, ``--date``) may not lie in the future
    unless ``--allow-future`` is given; ``view`` dates (``--as-of``, ``--from``) may."""

    name = "YYYY-MM-DD"

    def __init__(self, purpose: str = "view"):
        self.purpose = purpose

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            day = date_limits.parse_iso_day(str(value))
        except date_limits.NotIsoDay:
            self.fail(f"日期格式应为 YYYY-MM-DD：{value!r}", param, ctx)
        except ValueError:
            self.fail(f"日期不存在或格式应为 YYYY-MM-DD：{value!r}", param, ctx)
        what = f"{param.opts[0]}" if param is not None and param.opts else "日期"
        if self.purpose == "happened":
            allow = bool(ctx and ctx.meta.get(_ALLOW_FUTURE))
            return date_limits.check_happened(day, what, allow_future=allow)
        return date_limits.check_view(day, what)


_ALLOW_FUTURE = "docgen.allow_future"


DATE = DateType("view")            # a day to look at: --as-of, --from, --to
HAPPENED = DateType("happened")    # the day something happened: --received, --date


def _remember_allow_future(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta[_ALLOW_FUTURE] = bool(value)
    return value


def allow_future_option(f):
    """``--allow-future``: processed before the dates (eager), which read it from ctx.meta."""
    return click.option("--allow-future", is_flag=True, is_eager=True, expose_value=False,
                        callback=_remember_allow_future,
                        help="允许将来的日期（默认拒绝：已发生的事不能是将来的日期）")(f)


def happened_option(*names: str, help_text: str, dest: str | None = None):
    """A date of something that has happened, with ``--allow-future`` beside it."""
    def decorate(f):
        args = (*names, dest) if dest else names
        return allow_future_option(click.option(*args, type=HAPPENED, default=None, help=help_text)(f))
    return decorate

json_option = click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档（字段名为英文）")


def date_option(help_text: str = "事情发生的日期（默认今天）"):
    return happened_option("--date", help_text=help_text, dest="on_date")


def received_option(help_text: str = "收到日期（默认今天）"):
    return happened_option("--received", help_text=help_text)


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
