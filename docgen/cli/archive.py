"""``docgen archive`` and ``docgen verify``."""

from __future__ import annotations

import sys

import click

from docgen.cli.common import emit_json, json_option, pass_app, say
from docgen.errors import VerifyFailed


class _LineEnd:
    """stderr as the progress bar sees it, remembering whether the last thing written ended
    a line: the bar redraws itself with carriage returns and, depending on the click version
    and on whether stderr is a terminal, may stop without a newline."""

    def __init__(self, stream):
        self.stream = stream
        self.open_line = False

    def write(self, text: str) -> int:
        if text:
            self.open_line = not text.endswith("\n")
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


class _Bar:
    """A progress bar on stderr driven by ``progress(done, total)`` callbacks."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0
        self.out = _LineEnd(sys.stderr)

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total == 0:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=self.out,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        # the progress ends its line, so the next output (on stdout or stderr) starts on its
        # own line (issue 12)
        if self.out.open_line:
            self.out.write("\n")
            self.out.flush()


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
            what = "纸质件，仅元数据" if p.files == 0 else f"{p.files} 个文件"
            click.echo(f"将归档 {p.case_no} → {p.archive_no}（{p.reason}，{what}）")
    else:
        for a in result.archived:
            what = "纸质件，仅元数据" if a.paper else f"{a.files} 个文件，{a.pages} 页"
            extra = "（续完中断的归档）" if a.recovered else ""
            click.echo(f"已归档 {a.case_no} → {a.archive_no}（{what}）  {a.path}{extra}")
        catalogues = [f for f in result.files if "/catalogues/" in f]
        for f in catalogues:
            click.echo(f"已写出 {f}")
        if not result.archived:
            click.echo("没有需要归档的案件。")
        else:
            mb = result.bytes / 1e6
            paper = sum(a.paper for a in result.archived)
            pages = sum(a.pages for a in result.archived)
            kinds = f"（电子 {len(result.archived) - paper} 件 {pages} 页，纸质 {paper} 件）" if paper \
                else f"，{pages} 页"
            say(f"共归档 {len(result.archived)} 件{kinds}，{mb:.1f} MB，用时 {result.seconds:.1f} 秒")
    for note in result.notes:
        say(f"说明：{note}")
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
        if report.paper:
            shown = "、".join(sorted(report.paper)[:20]) + (" …" if len(report.paper) > 20 else "")
            click.echo(f"纸质件：{len(report.paper)} 件，档案包中只有元数据，原件为纸质另行保管（{shown}）")
        click.echo(f"共检测 {report.packages} 个档案包（纸质件 {len(report.paper)} 件）、{report.files} 个文件、"
                   f"{report.pages} 页、{report.bytes / 1e6:.1f} MB，归档文件目录 {report.catalogues} 组，"
                   f"用时 {report.seconds:.1f} 秒")
    if not report.ok:
        raise VerifyFailed(f"档案检测发现 {len(report.errors)} 个问题")


def register(group: click.Group) -> None:
    group.add_command(archive_cmd)
    group.add_command(verify_cmd)
