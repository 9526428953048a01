"""``docgen init`` and ``docgen demo``."""

from __future__ import annotations

import click

from docgen.cli.common import emit_json, json_option
from docgen.workspace import Workspace


@click.command("init")
@json_option
@click.pass_context
def init_cmd(ctx, as_json: bool) -> None:
    """创建工作区（配置文件、登记库、archive/、index/）；已存在时不改动。"""
    ws, created = Workspace.init(ctx.obj.home)
    ensure_index(ws)
    if as_json:
        emit_json({"home": str(ws.root), "created": created, "config": str(ws.config_path)})
        return
    if created:
        click.echo(f"已创建工作区：{ws.root}")
        click.echo(f"请编辑 {ws.config_path.name}，填写本机关名称、发文字号前缀等。")
    else:
        click.echo(f"工作区已存在：{ws.root}（未改动）")


def ensure_index(ws: Workspace) -> None:
    """Create the (empty) search index with the workspace, so that intake, routing and closing
    keep it current from the first case on and similar cases show at registration."""
    from docgen.index.service import (
        configured_engine,
        read_meta,
        rebuild_from_workspace,
        resolve_engine,
    )

    if read_meta(ws.index_dir, resolve_engine(configured_engine(ws))) is None:
        rebuild_from_workspace(ws).close()


def register(group: click.Group) -> None:
    group.add_command(init_cmd)
    try:
        from docgen.demo import demo_cmd
    except ImportError:
        return
    group.add_command(demo_cmd)
