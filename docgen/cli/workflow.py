"""Case workflow commands: decide, transfer, reply/notify/reject/file, attach, extend, close,
reopen, supervise, flag, remind. Each is a thin wrapper over a function of ``docgen.workflow``."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.common import DATE, date_option, emit_json, json_option, pass_app, say
from docgen.models import SATISFACTION

by_option = click.option("--by", "by", default=None, help="经办人（记入办理经过）")


pdf_option = click.option("--pdf", "want_pdf", is_flag=True,
                          help="为写出的文书同时用 LibreOffice 生成 PDF（放在工作区 output/）")


def _pdfs(app, paths) -> list[str]:
    """PDF copies of the documents written, all in one LibreOffice run, into output/ (the case
    keeps the .docx it registered; the PDF is for printing)."""
    from docgen.workflow_documents import pdf_copies

    return [str(p) for p in pdf_copies(app.ws, list(paths))]


def _report(outcome, as_json: bool, app=None, want_pdf: bool = False) -> None:
    for w in outcome.warnings:
        say(f"提示：{w}")
    pdfs = _pdfs(app, outcome.paths) if want_pdf else []
    if as_json:
        data = outcome.to_json()
        data["files"] += pdfs
        emit_json(data)
    else:
        click.echo(outcome.to_text())
        for p in pdfs:
            click.echo(f"  已写入：{p}")


@click.command("decide")
@click.argument("case_no")
@click.option("--proposal", help="拟办意见")
@click.option("--instruction", help="领导批示")
@click.option("--leader", help="批示领导姓名")
@click.option("--slip", is_flag=True,
              help="写出处理单（来信登记处理单；来访为来访接待登记表）；已有处理单时总会更新")
@pdf_option
@date_option()
@by_option
@json_option
@pass_app
def decide_cmd(app, case_no, proposal, instruction, leader, slip, want_pdf, on_date, by,
               as_json) -> None:
    """记录拟办意见（--proposal）或领导批示（--instruction）。

    该件已有来信登记处理单（或来访接待登记表）时，按新的意见重新生成并替换原版本。"""
    from docgen import workflow

    _report(workflow.decide(app.ws, case_no, proposal=proposal, instruction=instruction,
                            leader=leader, on=on_date, by=by, slip=slip), as_json, app, want_pdf)


@click.command("transfer")
@click.argument("case_no")
@click.option("--to", "to", required=True, help="承办单位（交办或转送给谁）")
@click.option("--mode", type=click.Choice(["交办", "转送"]), default="交办", show_default=True,
              help="交办（限期报告结果）或转送（由承办单位直接答复信访人）")
@click.option("--days", type=int, default=None, help="交办办理期限天数（默认按期限规则，一般 60 日）")
@click.option("--contact", help="联系人（写入函件）")
@click.option("--confirm", is_flag=True,
              help="检举控告件确需交给被反映单位（或其上级、下属单位）时确认")
@click.option("--notify", is_flag=True,
              help="同时写告知书给信访人（转送：转送告知；交办：受理告知）；匿名或无地址时不写")
@pdf_option
@date_option("交办/转送日期（默认今天）")
@by_option
@json_option
@pass_app
def transfer_cmd(app, case_no, to, mode, days, contact, confirm, notify, want_pdf, on_date, by,
                 as_json) -> None:
    """交办或转送案件，设定期限并写出交办函/转送函。"""
    from docgen import workflow

    # no warn=: a refusal says the warning in its error, a confirmed routing in its warnings
    _report(workflow.transfer(app.ws, case_no, to=to, mode=mode, days=days, contact=contact,
                              confirm=confirm, on=on_date, by=by, notify=notify),
            as_json, app, want_pdf)


def _decision_command(name: str, kind: str, option: str, help_option: str, required: bool, doc: str):
    @click.command(name, help=doc)
    @click.argument("case_no")
    @click.option(f"--{option}", "text", required=required, help=help_option)
    @date_option()
    @by_option
    @json_option
    @pass_app
    def cmd(app, case_no, text, on_date, by, as_json) -> None:
        from docgen import workflow

        _report(workflow.DECISIONS[kind](app.ws, case_no, text, on=on_date, by=by), as_json)

    return cmd


def _notice_command(name: str, kind: str, option: str, help_option: str, required: bool, doc: str,
                    variants: bool):
    """告知 and 不予受理: the decision plus the 告知书 to the petitioner."""

    @click.command(name, help=doc)
    @click.argument("case_no")
    @click.option(f"--{option}", "text", required=required, help=help_option)
    @click.option("--to", "to", help="告知信访人向哪个机关反映（写入告知书）")
    @click.option("--no-notice", "no_notice", is_flag=True, help="只记录，不写告知书")
    @pdf_option
    @date_option()
    @by_option
    @json_option
    @pass_app
    def cmd(app, case_no, text, to, no_notice, want_pdf, on_date, by, as_json, notice=None) -> None:
        from docgen import workflow

        chosen = False if no_notice else notice
        _report(workflow.DECISIONS[kind](app.ws, case_no, text, on=on_date, by=by, notice=chosen,
                                         to=to), as_json, app, want_pdf)

    if variants:
        cmd = click.option("--notice", "notice", type=click.Choice(["受理", "不予受理", "转送告知"]),
                           default="受理", show_default=True, help="告知书类型")(cmd)
    return cmd


reply_cmd = _decision_command("reply", "答复", "text", "答复内容", True, "直接答复信访人。")
notify_cmd = _notice_command(
    "notify", "告知", "text", "告知内容（记入办理经过）", False,
    "告知信访人，并写出告知书（默认受理告知）；信访人匿名或住址不详时只记录不写。", True)
reject_cmd = _notice_command(
    "reject", "不予受理", "reason", "不予受理的理由", True,
    "不予受理，并写出不予受理告知书；信访人匿名或住址不详时只记录不写。", False)
file_cmd = _decision_command("file", "存档备查", "text", "说明", False, "存档备查（不需办理的件）。")


@click.command("attach")
@click.argument("case_no")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["办理结果报告", "答复意见", "其他"]), default="其他",
              show_default=True, help="材料类别；办理结果报告表示交办件已报结果")
@click.option("--note", help="说明")
@date_option("收到日期（默认今天）")
@by_option
@json_option
@pass_app
def attach_cmd(app, case_no, files, kind, note, on_date, by, as_json) -> None:
    """附加收到的材料（办理结果报告、答复意见、照片等），原样保存并记录 SHA-256。"""
    from docgen import workflow

    _report(workflow.attach(app.ws, case_no, list(files), kind=kind, note=note, on=on_date, by=by),
            as_json)


@click.command("extend")
@click.argument("case_no")
@click.option("--days", type=int, required=True, help="延期天数")
@click.option("--reason", required=True, help="延期理由")
@date_option("批准延期的日期（默认今天）")
@by_option
@json_option
@pass_app
def extend_cmd(app, case_no, days, reason, on_date, by, as_json) -> None:
    """延长交办办理期限（不超过期限规则的上限）。"""
    from docgen import workflow

    _report(workflow.extend(app.ws, case_no, days=days, reason=reason, on=on_date, by=by), as_json)


@click.command("close")
@click.argument("case_no")
@click.option("--result", required=True, help="办理结果")
@click.option("--satisfaction", type=click.Choice(SATISFACTION), help="信访人满意度")
@date_option("办结日期（默认今天）")
@by_option
@json_option
@pass_app
def close_cmd(app, case_no, result, satisfaction, on_date, by, as_json) -> None:
    """办结案件（交办件未收到结果报告也可办结，并记入办理经过）。"""
    from docgen import workflow

    _report(workflow.close(app.ws, case_no, result=result, satisfaction=satisfaction, on=on_date,
                           by=by), as_json)


@click.command("reopen")
@click.argument("case_no")
@click.option("--kind", type=click.Choice(["复查", "复核"]), required=True, help="复查或复核")
@click.option("--reason", required=True, help="申请理由")
@date_option("申请日期（默认今天）")
@by_option
@json_option
@pass_app
def reopen_cmd(app, case_no, kind, reason, on_date, by, as_json) -> None:
    """已办结案件因复查、复核重新办理。"""
    from docgen import workflow

    _report(workflow.reopen(app.ws, case_no, kind=kind, reason=reason, on=on_date, by=by), as_json)


@click.command("supervise")
@click.argument("case_no")
@click.option("--leader", required=True, help="督办领导")
@click.option("--responsible", required=True, help="责任人")
@date_option()
@by_option
@json_option
@pass_app
def supervise_cmd(app, case_no, leader, responsible, on_date, by, as_json) -> None:
    """列为重点督办件（超期时 remind 写督办函）。"""
    from docgen import workflow

    _report(workflow.supervise(app.ws, case_no, leader=leader, responsible=responsible, on=on_date,
                               by=by), as_json)


@click.command("flag")
@click.argument("case_no")
@click.option("--add", "add", multiple=True, help="加注标记：重复信访、越级、集体访、涉法涉诉、积案（可多次）")
@click.option("--remove", "remove", multiple=True, help="去除标记（可多次）")
@date_option()
@by_option
@json_option
@pass_app
def flag_cmd(app, case_no, add, remove, on_date, by, as_json) -> None:
    """加注或去除案件标记。"""
    from docgen import workflow

    _report(workflow.flag(app.ws, case_no, add=add, remove=remove, on=on_date, by=by), as_json)


@click.command("remind")
@click.option("--as-of", "as_of", type=DATE, default=None, help="按该日判断超期（默认为 --date）")
@click.option("--kind", type=click.Choice(["催办", "督办"]), default=None,
              help="函件类型（默认：重点督办件写督办函，其余写催办函）")
@click.option("--confirm", is_flag=True, help="检举控告件的承办单位即被反映单位（或其上级、下属）时确认照发")
@pdf_option
@date_option("催办/督办日期，即函件成文日期（默认今天）")
@by_option
@json_option
@pass_app
def remind_cmd(app, as_of, kind, confirm, want_pdf, on_date, by, as_json) -> None:
    """为所有超期未报结果的交办件写催办函（重点督办件写督办函）。"""
    from docgen import workflow

    run = workflow.remind(app.ws, as_of=as_of, on=on_date, kind=kind, by=by, confirm=confirm)
    for o in run.outcomes:
        for w in o.warnings:
            say(f"提示：{o.case.case_no}：{w}")
    for e in run.errors:
        say(f"错误：{e['case_no']}：{e['message']}")
    pdfs = _pdfs(app, [p for o in run.outcomes for p in o.paths]) if want_pdf else []
    if as_json:
        data = run.to_json()
        data["files"] += pdfs
        emit_json(data)
    else:
        if not run.outcomes:
            click.echo(f"截至 {run.as_of} 没有需要催办的超期交办件。")
        for o in run.outcomes:
            click.echo(o.to_text())
        for p in pdfs:
            click.echo(f"  已写入：{p}")
        for s in run.skipped:
            say(f"跳过 {s['case_no']}：{s['reason']}")
        say(f"共 {len(run.outcomes)} 件")
    if run.errors:
        click.get_current_context().exit(1)


COMMANDS = (decide_cmd, transfer_cmd, reply_cmd, notify_cmd, reject_cmd, file_cmd, attach_cmd,
            extend_cmd, close_cmd, reopen_cmd, supervise_cmd, flag_cmd, remind_cmd)


def register(group: click.Group) -> None:
    for cmd in COMMANDS:
        group.add_command(cmd)
