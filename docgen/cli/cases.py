"""``docgen show`` and ``docgen list``."""

from __future__ import annotations

import click

from docgen.cli.common import as_of_option, emit_json, json_option, pass_app
from docgen.models import CHANNELS, STATUSES


@click.command("show")
@click.argument("case_no")
@as_of_option()
@json_option
@pass_app
def show_cmd(app, case_no: str, as_of, as_json: bool) -> None:
    """显示一件案件：要素、办理经过、期限、文件和关联案件。"""
    from docgen.casefile import case_view

    view = case_view(app.ws, case_no, as_of=as_of)
    if as_json:
        emit_json(view.to_json())
    else:
        click.echo(view.to_text())


@click.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="按状态筛选")
@click.option("--year", type=int, help="按收到年度筛选")
@click.option("--channel", type=click.Choice(CHANNELS), help="按来源渠道筛选")
@click.option("--overdue", is_flag=True, help="只列超期未办的")
@click.option("--due-within", "due_within", type=click.IntRange(min=0), help="只列 N 日内到期的")
@click.option("--limit", type=click.IntRange(min=1), help="最多列出条数")
@as_of_option()
@json_option
@pass_app
def list_cmd(app, status, year, channel, overdue, due_within, limit, as_of, as_json) -> None:
    """列出案件（含已归档的）。"""
    from docgen.casefile import list_views

    views = list_views(app.ws, status=status, year=year, channel=channel, overdue=overdue,
                       due_within=due_within, limit=limit, as_of=as_of)
    if as_json:
        emit_json({"cases": [v.to_json(brief=True) for v in views]})
        return
    if not views:
        click.echo("没有符合条件的案件。")
        return
    for v in views:
        click.echo(v.to_line())
    click.echo(f"共 {len(views)} 件", err=True)


def register(group: click.Group) -> None:
    group.add_command(show_cmd)
    group.add_command(list_cmd)
