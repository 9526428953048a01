"""``docgen show``, ``docgen list``, ``docgen today`` and ``docgen edit``."""

from __future__ import annotations

import click

from docgen.cli.common import HAPPENED, as_of_option, date_option, emit_json, json_option, pass_app, say
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
@click.option("--awaiting", type=click.Choice(["拟办", "批示"]), help="只列等待拟办或批示的")
@click.option("--limit", type=click.IntRange(min=1), help="最多列出条数")
@as_of_option()
@json_option
@pass_app
def list_cmd(app, status, year, channel, overdue, due_within, awaiting, limit, as_of,
             as_json) -> None:
    """列出案件（含已归档的），按收到日期先后。

    现状由登记库中保存的案件状态直接给出；--as-of 早于案件最后一次办理时按当日重演。"""
    from docgen.casefile import query_cases

    total, views = query_cases(app.ws, status=status, year=year, channel=channel,
                               overdue=overdue, due_within=due_within, awaiting=awaiting,
                               limit=limit, as_of=as_of, newest_first=False)
    if as_json:
        emit_json({"cases": [v.to_json(brief=True) for v in views], "total": total})
        return
    if not views:
        click.echo("没有符合条件的案件。")
        return
    for v in views:
        click.echo(v.to_line())
    shown = f"，列出前 {len(views)} 件" if len(views) < total else ""
    click.echo(f"共 {total} 件{shown}", err=True)


@click.command("today")
@as_of_option()
@click.option("--rows", type=click.IntRange(min=1), default=20, show_default=True,
              help="每类最多列出条数（件数总是全数）")
@json_option
@pass_app
def today_cmd(app, as_of, rows, as_json) -> None:
    """今日待办：近 7 日新收、7 日内到期、超期（未交办、交办未报结果……）、待拟办、待批示。"""
    from docgen.dashboard import today

    board = today(app.ws, as_of, rows=rows)
    if as_json:
        emit_json(board.to_json())
    else:
        click.echo(board.to_text())


# option → field of docgen.editing.edit_case (names as in Case.to_json)
_EDIT_OPTIONS = (
    ("name", "petitioner.name"), ("id_number", "petitioner.id_number"),
    ("phone", "petitioner.phone"), ("address", "petitioner.address"),
    ("persons", "persons"), ("letter_date", "letter_date"), ("target", "target"),
    ("request", "request"), ("summary", "summary"), ("category", "category"),
    ("nature", "nature"), ("township", "township"), ("legal", "legal"),
)


@click.command("edit")
@click.argument("case_no")
@click.option("--name", help="信访人姓名（给空值 \"\" 表示匿名）")
@click.option("--id", "id_number", help="身份证号（校验不通过时按原样保存并标记）")
@click.option("--phone", help="电话")
@click.option("--address", help="住址")
@click.option("--cosigner", "cosigners", multiple=True,
              help="联名人（可多次；给一次空值 \"\" 表示清除联名人）")
@click.option("--persons", type=click.IntRange(min=1), help="人数（默认至少为信访人加联名人数）")
@click.option("--letter-date", "letter_date", type=HAPPENED, help="来信日期 YYYY-MM-DD")
@click.option("--target", help="被反映对象")
@click.option("--request", help="诉求")
@click.option("--summary", help="摘要（函件中的主要内容以此为准）")
@click.option("--category", help="内容分类（如 城乡建设、农村农业）")
@click.option("--nature", type=click.Choice(["建议意见", "检举控告", "申诉求决"]), help="性质")
@click.option("--township", help="乡镇（街道）")
@click.option("--legal/--not-legal", "legal", default=None, help="是否涉法涉诉")
@click.option("--reason", required=True, help="更正理由（记入办理经过）")
@click.option("--by", "by", default=None, help="经办人（记入办理经过）")
@date_option("更正日期（默认今天）")
@json_option
@pass_app
def edit_cmd(app, case_no, cosigners, reason, by, on_date, as_json, **values) -> None:
    """更正已登记案件的要素；每次更正记入办理经过（原值 → 新值、理由）。

    只改给出的项；更正后检索索引和同一信访人的关联随之更新，更正前写出的文书标为过期，
    用 docgen letter 重新生成。"""
    from docgen.editing import edit_case

    changes = {name: values[opt] for opt, name in _EDIT_OPTIONS if values.get(opt) is not None}
    if cosigners:
        changes["cosigners"] = [c for c in cosigners if c.strip()]
    outcome = edit_case(app.ws, case_no, changes, reason=reason, by=by, on=on_date)
    for w in outcome.warnings:
        say(f"提示：{w}")
    if as_json:
        emit_json(outcome.to_json())
    else:
        click.echo(outcome.to_text())


def register(group: click.Group) -> None:
    group.add_command(show_cmd)
    group.add_command(list_cmd)
    group.add_command(edit_cmd)
    group.add_command(today_cmd)
