"""Document commands: ``docgen letter KIND CASE`` and ``docgen templates list|export|check``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docgen.cli.common import DATE, emit_json, json_option, pass_app, say
from docgen.errors import DocgenError


def _templates_dir(app) -> Path | None:
    """The workspace's template folder, or None outside a workspace (built-ins only)."""
    try:
        return app.ws.templates_dir
    except DocgenError:
        return None


def _doc_number(ws, case, kind: str, on: dt.date, explicit: str | None) -> str:
    """Reuse the number a document of this case already has (a reprint keeps its 文号);
    otherwise take the next one of the kind's sequence and remember it in the case."""
    from docgen.letters.context import next_doc_number

    if explicit:
        return explicit
    extra = case.extra or {}
    route_kind = {"交办": "交办函", "转送": "转送函"}.get(extra.get("route_mode") or "")
    if route_kind == kind and extra.get("route_doc_no"):
        return extra["route_doc_no"]
    known = (extra.get("doc_numbers") or {}).get(kind)
    if known:
        return known
    prefix = str(ws.section("office").get("doc_prefix") or "")
    reg = ws.registry
    with reg.transaction():
        number = next_doc_number(reg, prefix, kind, on.year)
        fresh = reg.get_case(case.case_no)
        fresh.extra.setdefault("doc_numbers", {})[kind] = number
        reg.update_case(fresh)
    return number


@click.command("letter")
@click.argument("kind")
@click.argument("case_no")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="输出的 .docx 文件（默认：工作区 output/ 下）")
@click.option("--pdf", "want_pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF")
@click.option("--date", "on_date", type=DATE, default=None, help="成文日期（默认今天）")
@click.option("--to", "route_to", help="收文单位（默认：该件交办/转送的单位）")
@click.option("--doc-no", "doc_no", help="指定发文字号（默认按年度、文种自动编号；重新生成时沿用原文号）")
@click.option("--notice", type=click.Choice(["受理", "不予受理", "转送告知"]), help="告知书类型")
@click.option("--reason", help="不予受理的理由（告知书）")
@click.option("--no-mask", is_flag=True, help="函件中也显示完整的身份证号和电话")
@json_option
@pass_app
def letter_cmd(app, kind, case_no, output, want_pdf, on_date, route_to, doc_no, notice, reason,
               no_mask, as_json) -> None:
    """写出案件的文书（KIND 见 docgen templates list，如 交办函、告知书、来信登记处理单）。"""
    from docgen.fileio import safe_filename
    from docgen.letters.context import build_context, routing_warnings
    from docgen.letters.kinds import get_kind
    from docgen.letters.pdf import convert_to_pdf
    from docgen.letters.render import render_document

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
    # check the context before taking a number, so a refused letter does not use one up
    build_context(case, ws.config, spec.name, date=on, **overrides)
    if spec.numbered:
        overrides["doc_no"] = _doc_number(ws, case, spec.name, on, doc_no)
        case = ws.registry.get_case(case.case_no)
    values = build_context(case, ws.config, spec.name, date=on,
                           mask=False if no_mask else None, **overrides)
    for warning in routing_warnings(case, values.get("route_to")):
        say(warning)
    out = Path(output) if output else ws.output_dir / safe_filename(f"{case.case_no}-{spec.name}.docx")
    if out.suffix.lower() != ".docx":
        out = out.with_name(out.name + ".docx")
    files = [render_document(spec.name, values, out, template_dir=ws.templates_dir)]
    if want_pdf:
        files += convert_to_pdf(files)
    if as_json:
        emit_json({"case_no": case.case_no, "kind": spec.name, "doc_no": values.get("doc_no") or None,
                   "files": [str(f) for f in files]})
    else:
        for f in files:
            click.echo(str(f))


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
