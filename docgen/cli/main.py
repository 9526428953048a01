"""The ``docgen`` group: global options, error handling and the command modules."""

from __future__ import annotations

import importlib
import sys

import click

from docgen import __version__
from docgen.cli import usage_errors
from docgen.cli.common import AppContext
from docgen.errors import DocgenError

# One module per group of commands; each exposes register(group).
COMMAND_MODULES = (
    "workspace",   # init, demo
    "intake",      # parse, intake, visit
    "cases",       # show, list
    "workflow",    # decide, transfer, close, attach, extend, remind, reopen
    "letters",     # letter, templates
    "archive",     # archive, verify
    "search",      # search, similar, index
    "reports",     # stats, ledger
    "web",         # serve, user, audit
)


class DocgenGroup(click.Group):
    """Turns DocgenError into a Chinese message on stderr and its exit code (1, or 3 for verify);
    malformed command lines exit 2 with click's message told in Chinese."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            usage_errors.show(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DocgenError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)


@click.group(cls=DocgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", envvar="DOCGEN_HOME", type=click.Path(file_okay=False),
              help="工作区文件夹（环境变量 DOCGEN_HOME，默认当前文件夹）")
@click.version_option(__version__, prog_name="docgen")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """docgen — 人大常委会信访室：来信来访登记、公文、期限跟踪、归档与检索。"""
    ctx.obj = AppContext(home)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"docgen.cli.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"docgen.cli.{_name}":
            raise
        continue
    _module.register(cli)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    cli(prog_name="docgen")
