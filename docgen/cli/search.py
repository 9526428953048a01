"""``docgen search``, ``docgen similar`` and ``docgen index rebuild|status``."""

from __future__ import annotations

import sys
import time

import click

from docgen.cli.common import DATE, emit_json, json_option, pass_app, say
from docgen.models import CHANNELS, STATUSES


def _rebuild(ws, engine: str | None, label: str = "重建检索索引"):
    from docgen.index.service import rebuild_from_workspace

    total = ws.registry.count_cases()
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        return rebuild_from_workspace(ws, engine, progress=bar.update)


def _open(ws, engine: str | None = None):
    """The index and the seconds spent opening it; rebuilt first if unusable (with a message),
    and caught up with the registry's index journal (a command killed after its commit)."""
    from docgen.index.service import IndexUnavailable, configured_engine, open_index, sync

    name = engine or configured_engine(ws)
    start = time.perf_counter()
    sync(ws, name)
    try:
        return open_index(ws.index_dir, name), time.perf_counter() - start
    except IndexUnavailable as exc:
        say(f"{str(exc).split('，请运行')[0]}，正在从登记库重建……")
    _rebuild(ws, name).close()
    start = time.perf_counter()
    return open_index(ws.index_dir, name), time.perf_counter() - start


def _search(ws, query, filters, limit, sort):
    from docgen.index.service import IndexUnavailable

    idx, opened = _open(ws)
    try:
        result = idx.search(query, filters, limit, sort)
    except IndexUnavailable as exc:
        # Damage found only while reading: rebuild once and ask again.
        idx.close()
        say(f"{exc}，正在从登记库重建……")
        _rebuild(ws, None).close()
        idx, opened = _open(ws)
        result = idx.search(query, filters, limit, sort)
    finally:
        idx.close()
    result.took_ms += opened * 1000
    return result


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--person", help="反映人姓名包含该文字")
@click.option("--id", "id_number", help="身份证号（精确）")
@click.option("--phone", help="电话（精确；可带连字符、空格或 +86）")
@click.option("--target", help="被反映对象包含该文字")
@click.option("--category", help="内容分类（精确）")
@click.option("--status", type=click.Choice(STATUSES), help="状态")
@click.option("--channel", type=click.Choice(CHANNELS), help="来源渠道")
@click.option("--from", "date_from", type=DATE, help="收到日期起（含）")
@click.option("--to", "date_to", type=DATE, help="收到日期止（含）")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="最多显示条数")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True, help="排序：相关度或收到日期（新的在前）")
@json_option
@pass_app
def search_cmd(app, query, person, id_number, phone, target, category, status, channel,
               date_from, date_to, limit, sort, as_json) -> None:
    """全文检索所有案件（含已归档）。

    \b
    词之间默认为“并且”；"带引号的短语" 精确匹配；A OR B 表示任一；-词 表示排除。
    任意一至四个字都能查到包含它的案件（如 6栋 也能查到 16栋）；不区分全角半角和大小写。
    只给筛选条件、不给检索词时，列出符合条件的全部案件。
    """
    from docgen.index.base import SearchFilters

    if date_from and date_to and date_from > date_to:
        raise click.BadParameter("--from 不能晚于 --to", param_hint="--from")
    text = " ".join(query)
    filters = SearchFilters(person=person, id_number=id_number, phone=phone, target=target,
                            category=category, status=status, channel=channel,
                            date_from=date_from, date_to=date_to)
    result = _search(app.ws, text, filters, limit, sort)
    if as_json:
        emit_json(result.to_json())
        return
    if not result.hits:
        click.echo("没有找到符合条件的案件。")
    for hit in result.hits:
        date = hit.received_date.isoformat() if hit.received_date else "—"
        click.echo(f"{hit.case_no}  {date}  {hit.petitioner or '匿名'}  {hit.status or ''}  "
                   f"{hit.category or ''}  {hit.summary or ''}")
        for snippet in hit.highlights[:2]:
            click.echo(f"    {snippet}")
    say(f"共 {result.total} 件，显示 {len(result.hits)} 件，用时 {result.took_ms:.0f} 毫秒")


@click.command("similar")
@click.argument("case_no")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="最多显示条数")
@json_option
@pass_app
def similar_cmd(app, case_no: str, limit: int, as_json: bool) -> None:
    """同一反映人的其他案件和反映同一问题的案件，并说明理由。"""
    from docgen.index.service import document_for
    from docgen.index.similar import similar_cases

    ws = app.ws
    case = ws.registry.get_case(case_no)
    idx, _ = _open(ws)
    try:
        matches = similar_cases(idx, document_for(ws, case), limit)
    finally:
        idx.close()
    if as_json:
        emit_json({"case_no": case.case_no, "matches": [m.to_json() for m in matches]})
        return
    if not matches:
        click.echo("没有找到相关案件。")
    for m in matches:
        date = m.received_date.isoformat() if m.received_date else "—"
        click.echo(f"{m.case_no}  {date}  {m.petitioner or '匿名'}  {m.status or ''}  "
                   f"相关度 {m.score:.2f}  {m.summary or ''}")
        for reason in m.reasons:
            click.echo(f"    · {reason}")


@click.group("index")
def index_group() -> None:
    """检索索引（由登记库生成，可随时重建）。"""


@index_group.command("rebuild")
@click.option("--engine", type=click.Choice(["auto", "whoosh", "tantivy"]), default=None,
              help="检索引擎（默认按配置 search.engine，auto 时优先 tantivy）")
@json_option
@pass_app
def rebuild_cmd(app, engine: str | None, as_json: bool) -> None:
    """从登记库（含已归档案件）重建检索索引；进度显示在标准错误输出。"""
    start = time.perf_counter()
    idx = _rebuild(app.ws, engine)
    count, name = idx.count(), idx.engine_name
    idx.close()
    seconds = time.perf_counter() - start
    if as_json:
        emit_json({"engine": name, "count": count, "seconds": round(seconds, 2)})
    else:
        click.echo(f"检索索引已重建：{count} 件，引擎 {name}，用时 {seconds:.1f} 秒")


@index_group.command("status")
@click.option("--no-repair", is_flag=True, help="只报告，不补写、不重建")
@json_option
@pass_app
def status_cmd(app, no_repair: bool, as_json: bool) -> None:
    """检索索引的状态：引擎、件数、版本、与登记库是否一致；发现缺漏时补上（必要时重建）。"""
    from docgen.index.service import check_index

    report = check_index(app.ws, repair=not no_repair)
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(report.to_text())


def register(group: click.Group) -> None:
    group.add_command(search_cmd)
    group.add_command(similar_cmd)
    group.add_command(index_group)
