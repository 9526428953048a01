"""``docgen stats`` (figures, the 信访情况分析 report, the period's ledger) and ``docgen ledger``
(Excel 台账 import and export)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.common import DATE, as_of_option, emit_json, json_option, pass_app, say
from docgen.reports.ledger_fields import fields_help


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _stats_text(stats) -> str:
    p = stats.period
    span = f"{p['from'] or '最早'} 至 {p['to'] or p['as_of']}"
    lines = [
        f"统计期间：{span}（截至 {p['as_of']}）",
        f"受理 {stats.total} 件，办结 {stats.closed} 件，办结率 {_pct(stats.closure_rate)}；"
        f"按期办结率 {_pct(stats.on_time_rate)}（{stats.on_time}/{stats.with_due}）；"
        f"满意率 {_pct(stats.satisfaction_rate)}（{stats.satisfied}/{stats.answered}）",
        f"来访 {stats.visits} 件 {stats.visitors} 人次，其中集体访 {stats.group_visits} 批；"
        f"重复信访 {stats.repeat} 件",
    ]
    for title, counts in (("按渠道", stats.by_channel), ("按类别", stats.by_category),
                          ("按被反映对象", stats.by_target), ("按乡镇（街道）", stats.by_township),
                          ("按月份", stats.by_month)):
        if counts:
            lines.append(f"{title}：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(lines)


@click.command("stats")
@click.option("--year", type=int, help="按收到日期所在年度统计")
@click.option("--from", "date_from", type=DATE, help="收到日期起（含）")
@click.option("--to", "date_to", type=DATE, help="收到日期止（含）")
@as_of_option()
@json_option
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另写出信访情况分析报告（.docx）")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另写出信访情况分析报告的 PDF（需要 LibreOffice）")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另写出统计表和本期台账（.xlsx，个人信息已遮蔽）")
@pass_app
def stats_cmd(app, year, date_from, date_to, as_of, as_json, docx_path, pdf_path,
              xlsx_path) -> None:
    """统计：受理件数（按渠道、类别、被反映对象、乡镇、月份），办结率、按期办结率、满意率，
    重复信访、集体访和来访人次；可写出分析报告和台账。"""
    from docgen.reports.stats import compute_stats

    ws = app.ws
    stats = compute_stats(ws, year=year, date_from=date_from, date_to=date_to, as_of=as_of)
    files: list[str] = []
    if docx_path is not None:
        from docgen.reports.analysis_report import write_analysis_report

        files.append(str(write_analysis_report(ws, stats, docx_path)))
    if pdf_path is not None:
        from docgen.reports.analysis_report import write_analysis_pdf

        files.append(str(write_analysis_pdf(ws, stats, pdf_path)))
    if xlsx_path is not None:
        from docgen.reports.ledger import write_stats_workbook

        files.append(str(write_stats_workbook(ws, stats, xlsx_path)))
    if as_json:
        data = stats.to_json()
        if files:
            data["files"] = files
        emit_json(data)
        return
    click.echo(_stats_text(stats))
    for f in files:
        say(f"已写出：{f}")


@click.group("ledger")
def ledger_group() -> None:
    """Excel 台账：导入历史台账、导出台账。"""


@ledger_group.command("import", epilog=fields_help())
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "mappings", multiple=True, metavar="列名=字段",
              help="列对应的字段，可重复，如 --map 留言用户=petitioner.name")
@click.option("--sheet", help="工作表名称（默认第一个）")
@json_option
@pass_app
def ledger_import_cmd(app, file: Path, mappings: tuple[str, ...], sheet: str | None,
                      as_json: bool) -> None:
    """把 Excel 台账导入登记库（已办结或未办结按台账所列）；重复导入同一文件不会重复登记。

    表头行（可在标题行之下）按常用列名识别，如 来信时间、反映问题、处理情况、承办单位、备注；其余列用 --map 指明。合计、小计行跳过；未导入的列会列出。台账导入的未办结件，其期限按台账所载收到日期（或交办日期）计算。
    """  # noqa: E501 (one line: click rewraps a paragraph and would put spaces into the Chinese)
    from docgen.reports.ledger import import_ledger, parse_mappings

    result = import_ledger(app.ws, file, mapping=parse_mappings(mappings), sheet=sheet,
                           progress=True)
    if as_json:
        emit_json(result.to_json())
    else:
        _print_import(result)
    if result.errors:   # like intake: rows left out are a problem with the data (exit 1)
        raise SystemExit(1)


def _print_import(result) -> None:
    for reg in result.registrations:
        prior = f"（关联 {len(reg.prior_cases)} 件既往案件）" if reg.prior_cases else ""
        click.echo(f"{reg.case.case_no}  {reg.case.received_date}  {reg.case.petitioner.display_name}"
                   f"  {reg.case.status}{prior}")
    for err in result.errors:
        say(f"第 {err.row} 行未导入：{err.message}")
    for line in result.notes():
        say(line)
    say(result.summary())


@ledger_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unmasked", is_flag=True, help="不遮蔽身份证号和电话（仅限内部使用）")
@click.option("--year", type=int, help="只导出该年度收到的案件")
@as_of_option()
@json_option
@pass_app
def ledger_export_cmd(app, file: Path, unmasked: bool, year: int | None, as_of,
                      as_json: bool) -> None:
    """把登记库导出为 Excel 台账（默认遮蔽身份证号和电话）。"""
    from docgen.reports.ledger import export_ledger

    path, count = export_ledger(app.ws, file, unmasked=unmasked, year=year, as_of=as_of)
    if as_json:
        emit_json({"files": [str(path)], "count": count})
        return
    say(f"已导出 {count} 件：{path}")


def register(group: click.Group) -> None:
    group.add_command(stats_cmd)
    group.add_command(ledger_group)
