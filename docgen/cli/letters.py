"""Document commands: ``docgen letter KIND CASE`` and ``docgen templates list|export|check``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docgen.cli.common import date_option, emit_json, json_option, pass_app, say
from docgen.errors import DocgenError


def _templates_dir(app) -> Path:
    """The workspace's template folder (its files replace the built-in ones of the same name).
    Like every command but init, ``templates`` runs in a workspace (docs/cli.md §1)."""
    return app.ws.templates_dir


def _doc_number(ws, case, kind: str, on: dt.date, explicit: str | None) -> str:
    """For an archived case only (its documents are sealed in the package): the 文号 the
    document already has, else the next of the kind's sequence."""
    from docgen.letters.context import doc_prefix, next_doc_number
    from docgen.workflow import known_doc_number

    number = explicit or known_doc_number(case, kind)
    if number:
        return number
    return next_doc_number(ws.registry, doc_prefix(ws.config, kind), kind, on.year)


@click.command("letter")
@click.argument("kind")
@click.argument("case_no")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="另存一份 .docx 到该文件（文书本身总是保存在案件的 documents/ 中，随案归档）")
@click.option("--pdf", "want_pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF（有 -o 时放在其旁，否则放在工作区 output/）")
@date_option("成文日期（默认今天）")
@click.option("--to", "route_to", help="收文单位（默认：该件交办/转送的单位）")
@click.option("--doc-no", "doc_no", help="指定发文字号（默认按年度、文种自动编号；重新生成时沿用原文号）")
@click.option("--notice", type=click.Choice(["受理", "不予受理", "转送告知"]), help="告知书类型")
@click.option("--reason", help="不予受理的理由（告知书）")
@click.option("--no-mask", is_flag=True, help="函件中也显示完整的身份证号和电话")
@click.option("--by", "by", default=None, help="经办人（记入办理经过）")
@json_option
@pass_app
def letter_cmd(app, kind, case_no, output, want_pdf, on_date, route_to, doc_no, notice, reason,
               no_mask, by, as_json) -> None:
    """写出案件的文书（KIND 见 docgen templates list，如 交办函、告知书、来信登记处理单）。

    文书保存在案件的 documents/ 中并登记为案件文件（随案归档）；同一文书（同一文号）重新生成时
    替换原版本。-o 另存一份副本。"""
    from docgen.fileio import atomic_copy
    from docgen.letters.context import routing_warnings
    from docgen.letters.kinds import get_kind

    spec = get_kind(kind)
    ws = app.ws
    case = ws.registry.get_case(case_no)
    on = on_date or dt.date.today()
    overrides = {}
    if route_to is not None:
        if not route_to.strip():
            raise DocgenError("--to 不能为空")
        overrides["route_to"] = route_to.strip()
    if notice:
        overrides["notice_type"] = notice
    if reason:
        overrides["reason"] = reason
    mask = False if no_mask else None
    out = None
    if output:
        out = Path(output)
        if out.suffix.lower() != ".docx":
            out = out.with_name(out.name + ".docx")
    for warning in routing_warnings(case, overrides.get("route_to") or case.extra.get("route_to")):
        say(warning)

    replaced = False
    if case.archive_no:
        files, number = _archived_copy(ws, case, spec, on, overrides, doc_no, mask, out)
    else:
        from docgen import workflow

        outcome = workflow.write_document(ws, case.case_no, spec.name, on=on, by=by,
                                          context=overrides, doc_no=doc_no, mask=mask)
        for w in outcome.warnings:
            say(f"提示：{w}")
        number = outcome.event.data.get("doc_no")
        replaced = "replaces" in outcome.event.data
        files = list(outcome.paths)
        if out is not None:
            files.append(atomic_copy(files[0], out))
    if want_pdf:
        from docgen.letters.pdf import convert_to_pdf
        from docgen.workflow_documents import pdf_copies

        # one LibreOffice run; the copy has the same content, so the PDF is made once
        if out is not None:
            files += convert_to_pdf([files[-1]], out_dir=out.parent)
        elif case.archive_no:
            files += convert_to_pdf(files)
        else:
            files += pdf_copies(ws, files)
    if as_json:
        emit_json({"case_no": case.case_no, "kind": spec.name, "doc_no": number or None,
                   "replaced": replaced, "files": [str(f) for f in files]})
    else:
        for f in files:
            click.echo(str(f))
        if replaced:
            say(f"已替换该件原有的{spec.name}{'（' + number + '）' if number else ''}")


def _archived_copy(ws, case, spec, on, overrides, doc_no, mask, out):
    """An archived case's package is sealed: the document is written where asked (or to
    output/) and not added to the case."""
    from docgen.fileio import safe_filename
    from docgen.letters.context import build_context
    from docgen.letters.render import render_document

    say(f"提示：案件 {case.case_no} 已归档（档号 {case.archive_no}），文书只写到输出文件，不列入案件")
    build_context(case, ws.config, spec.name, date=on, mask=mask,
                  template_dir=ws.templates_dir, **overrides)
    number = _doc_number(ws, case, spec.name, on, doc_no) if spec.numbered else None
    if number:
        overrides = {**overrides, "doc_no": number}
    values = build_context(case, ws.config, spec.name, date=on, mask=mask,
                           template_dir=ws.templates_dir, **overrides)
    target = out or ws.output_dir / safe_filename(f"{case.case_no}-{spec.name}.docx")
    return [render_document(spec.name, values, target, template_dir=ws.templates_dir)], number


@click.group("templates")
def templates_group() -> None:
    """公文模板：列出、导出（供在 Word/WPS 中修改）、检查。"""


@templates_group.command("list")
@json_option
@pass_app
def templates_list(app, as_json) -> None:
    """列出文书类型及所用模板（工作区 templates/ 中的同名文件优先）。"""
    from docgen.letters.templates import list_templates

    infos = list_templates(_templates_dir(app))
    if as_json:
        emit_json({"templates": [i.to_json() for i in infos]})
        return
    for i in infos:
        source = "工作区" if i.source == "workspace" else "内置"
        click.echo(f"{i.kind.name}\t{i.kind.english}\t{source}\t{i.kind.description}\t{i.path}")


@templates_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--kind", "kinds", multiple=True, help="只导出该类型（可重复）")
@click.option("--overwrite", is_flag=True, help="覆盖目标文件夹中已有的同名模板")
@json_option
def templates_export(directory, kinds, overwrite, as_json) -> None:
    """把内置模板复制到 DIRECTORY，修改后放入工作区 templates/ 即可替换内置模板。"""
    from docgen.letters.templates import export_templates

    written = export_templates(Path(directory), list(kinds) or None, overwrite=overwrite)
    if as_json:
        emit_json({"files": [str(p) for p in written]})
    else:
        for p in written:
            click.echo(str(p))
        say(f"已导出 {len(written)} 个模板；修改后放入工作区的 templates/ 文件夹即生效。")


@templates_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", help="按该文书类型的变量检查（默认由文件名判断）")
@json_option
@pass_app
@click.pass_context
def templates_check(ctx, app, files, kind, as_json) -> None:
    """检查模板：未声明的变量、语法错误、被 Word 拆开或残缺的标签、未知过滤器。
    不给文件时检查当前使用的全部模板。有错误时退出码为 1。"""
    from docgen.letters.check import check_template
    from docgen.letters.templates import list_templates

    paths = [Path(f) for f in files] or [i.path for i in list_templates(_templates_dir(app))]
    reports = [check_template(p, kind) for p in paths]
    if as_json:
        emit_json({"ok": all(r.ok for r in reports), "templates": [r.to_json() for r in reports]})
    else:
        for r in reports:
            status = "通过" if r.ok else f"{len(r.errors)} 个错误"
            click.echo(f"{r.path}：{status}")
            for p in r.problems:
                click.echo(f"  {p}")
    if not all(r.ok for r in reports):
        ctx.exit(1)


def register(group: click.Group) -> None:
    group.add_command(letter_cmd)
    group.add_command(templates_group)
