"""``docgen archive`` and ``docgen verify``."""

from __future__ import annotations

import sys

import click

from docgen.cli.common import emit_json, json_option, pass_app, say
from docgen.errors import VerifyFailed


class _Bar:
    """A progress bar on stderr driven by ``progress(done, total)`` callbacks."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total == 0:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("archive")
@click.option("--year", type=int, default=None, help="只归档该年办结的案件")
@click.option("--dry-run", is_flag=True, help="只显示将要归档的案件和档号，不做任何改动")
@json_option
@pass_app
def archive_cmd(app, year: int | None, dry_run: bool, as_json: bool) -> None:
    """将已办结的案件归档：分配档号、生成 BagIt 档案包、归档文件目录和备考表。"""
    from docgen.archive import archive_batch

    bar = _Bar("归档")
    try:
        result = archive_batch(app.ws, year=year, dry_run=dry_run, progress=bar)
    finally:
        bar.close()
    if as_json:
        emit_json(result.to_json())
        return
    if dry_run:
        if not result.planned:
            click.echo("没有需要归档的案件。")
        for p in result.planned:
            click.echo(f"将归档 {p.case_no} → {p.archive_no}（{p.reason}，{p.files} 个文件）")
    else:
        for a in result.archived:
            extra = "（续完中断的归档）" if a.recovered else ""
            click.echo(f"已归档 {a.case_no} → {a.archive_no}  {a.path}{extra}")
        catalogues = [f for f in result.files if "/catalogues/" in f]
        for f in catalogues:
            click.echo(f"已写出 {f}")
        if not result.archived:
            click.echo("没有需要归档的案件。")
        else:
            mb = result.bytes / 1e6
            say(f"共归档 {len(result.archived)} 件，{mb:.1f} MB，用时 {result.seconds:.1f} 秒")
    for s in result.skipped:
        say(f"未归档 {s.case_no}：{s.reason}")


@click.command("verify")
@click.option("--year", type=int, default=None, help="只检查该年度（档号中的年度）的档案包")
@json_option
@click.pass_context
def verify_cmd(ctx, year: int | None, as_json: bool) -> None:
    """检测档案包（真实性、完整性、可用性、安全性）；发现问题时退出码为 3。"""
    from docgen.archive import CATEGORIES, verify_archive

    app = ctx.obj
    bar = _Bar("检测")
    try:
        report = verify_archive(app.ws, year=year, progress=bar)
    finally:
        bar.close()
    if as_json:
        emit_json(report.to_json())
    else:
        cats = report.by_category()
        for cat in CATEGORIES:
            errors = [p for p in cats[cat] if p.severity == "error"]
            click.echo(f"{cat}：{'通过' if not errors else f'{len(errors)} 个问题'}")
            for p in cats[cat]:
                mark = "  问题" if p.severity == "error" else "  提示"
                click.echo(f"{mark} {p.package}" + (f" / {p.file}" if p.file else "") + f"：{p.message}")
        click.echo(f"共检测 {report.packages} 个档案包、{report.files} 个文件、{report.bytes / 1e6:.1f} MB，"
                   f"用时 {report.seconds:.1f} 秒")
    if not report.ok:
        raise VerifyFailed(f"档案检测发现 {len(report.errors)} 个问题")


def register(group: click.Group) -> None:
    group.add_command(archive_cmd)
    group.add_command(verify_cmd)
