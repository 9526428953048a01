"""Malformed command lines exit 2 with a Chinese message (click's own words translated)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args, message", [
    (["list", "--foo"], "没有选项 --foo"),
    (["list", "--statu", "x"], "是否想用 '--status'"),
    (["show"], "缺少参数"),
    (["list", "--limit", "abc"], "不是整数"),
    (["list", "--status"], "需要一个值"),
    (["nosuch"], "没有命令"),
    (["close", "2026-0001", "--result", "x", "--satisfaction", "很好"], "不是可选的值之一"),
    (["visit", "--content", "x", "--received", "2026/13/01"], "YYYY-MM-DD"),
])
def test_malformed_command_lines_exit_2_in_chinese(docgen, args, message):
    result = docgen(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_help_still_exits_0(docgen):
    result = docgen("list", "--help")
    assert result.exit_code == 0
    assert "--overdue" in result.stdout
