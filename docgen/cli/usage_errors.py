"""Click's command-line errors (exit 2) told in Chinese, like every other message of docgen."""

from __future__ import annotations

import re

import click

# Click's English messages (click 8.2–8.4) and their Chinese; what does not match stays as is.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No such option:? '?([^'\s]+?)'?\.?\s+\(?Did you mean (?:one of: )?(.+?)\?\)?"),
     "没有选项 {0}，是否想用 {1}？"),
    (re.compile(r"No such option:? '?([^'\s]+?)'?\.?"), "没有选项 {0}"),
    (re.compile(r"No such command '(.+)'\."), "没有命令“{0}”"),
    (re.compile(r"Missing argument '(.+)'\."), "缺少参数 {0}"),
    (re.compile(r"Missing option '(.+)'\."), "缺少选项 {0}"),
    (re.compile(r"Option '(.+)' requires an argument\."), "选项 {0} 需要一个值"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "多余的参数：{0}"),
    (re.compile(r"'(.*)' is not one of (.*)\.", re.S), "“{0}”不是可选的值之一：{1}"),
    (re.compile(r"'(.*)' is not a valid integer( range)?\."), "“{0}”不是整数"),
    (re.compile(r"(.*) is not in the range (.*)\."), "{0} 超出允许范围 {1}"),
    (re.compile(r"(.+?) '(.*)' does not exist\."), "路径 {1} 不存在"),
]
_INVALID_VALUE = re.compile(r"Invalid value for (.+?): (.*)", re.S)


def in_chinese(message: str) -> str:
    m = _INVALID_VALUE.fullmatch(message.strip())
    if m:
        return f"{m.group(1)} 的值无效：{in_chinese(m.group(2))}"
    for pattern, chinese in _MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return chinese.format(*m.groups())
    return message


def show(exc: click.ClickException) -> None:
    """Print a command-line error the way click would, but in Chinese."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"用 {ctx.command_path} --help 查看说明。", err=True)
    click.echo(f"错误：{in_chinese(exc.format_message())}", err=True)
