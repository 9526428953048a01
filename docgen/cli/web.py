"""``docgen serve`` (the office's web app), ``docgen user ...`` (its accounts) and ``docgen
audit`` (who looked at which case)."""

from __future__ import annotations

import click

from docgen.cli.common import DATE, emit_json, json_option, pass_app, say
from docgen.errors import DocgenError
from docgen.users import ROLES

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _read_password(password: str | None, *, confirm: bool = True) -> str:
    """``--password-stdin`` gives the password on the first line of stdin (scripts); otherwise
    it is asked twice without echo."""
    if password is not None:
        return password
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次" if confirm else False)


def _stdin_password() -> str:
    line = click.get_text_stream("stdin").readline()
    return line.rstrip("\r\n")


@click.group("user")
def user_group() -> None:
    """Web 应用的用户：添加、列出、改密码、停用。"""


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色：" + "、".join(ROLES))
@click.option("--password-stdin", is_flag=True, help="从标准输入的第一行读取密码（脚本用）")
@pass_app
def user_add(app, name: str, role: str, password_stdin: bool) -> None:
    """添加用户 NAME（密码至少 8 个字符，不回显）。"""
    from docgen import users

    password = _read_password(_stdin_password() if password_stdin else None)
    user = users.add_user(app.ws, name, role, password)
    say(f"已添加用户 {user.name}（{user.role}）。启动：docgen serve")


@user_group.command("list")
@json_option
@pass_app
def user_list(app, as_json: bool) -> None:
    """列出用户（不显示密码）。"""
    from docgen import users

    found = users.list_users(app.ws)
    if as_json:
        emit_json({"users": [u.to_json() for u in found]})
        return
    if not found:
        say("尚无用户。添加：docgen user add 姓名 --role 登记员")
        return
    for u in found:
        state = "启用" if u.active else "停用"
        locked = f"  锁定至 {u.locked_until}" if u.locked_until else ""
        last = f"  上次登录 {u.last_login_at}" if u.last_login_at else ""
        click.echo(f"{u.name}\t{u.role}\t{state}{locked}{last}")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入的第一行读取密码（脚本用）")
@pass_app
def user_passwd(app, name: str, password_stdin: bool) -> None:
    """为用户 NAME 设置新密码（同时解除锁定，已登录的会话失效）。"""
    from docgen import users

    users.get_user(app.ws, name)
    password = _read_password(_stdin_password() if password_stdin else None)
    users.set_password(app.ws, name, password)
    say(f"已为 {name} 设置新密码，该用户已登录的会话已失效。")


@user_group.command("disable")
@click.argument("name")
@pass_app
def user_disable(app, name: str) -> None:
    """停用用户 NAME（立即退出登录；记录中的姓名保留）。"""
    from docgen import users

    users.set_active(app.ws, name, False)
    say(f"已停用 {name}。")


@user_group.command("enable")
@click.argument("name")
@pass_app
def user_enable(app, name: str) -> None:
    """重新启用用户 NAME。"""
    from docgen import users

    users.set_active(app.ws, name, True)
    say(f"已启用 {name}。")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@pass_app
def user_role(app, name: str, role: str) -> None:
    """把用户 NAME 的角色改为 ROLE。"""
    from docgen import users

    users.set_role(app.ws, name, role)
    say(f"已将 {name} 的角色改为 {role}。")


@click.command("audit")
@click.option("--case", "case_no", help="只看这件案件")
@click.option("--user", "user_name", help="只看这个用户")
@click.option("--from", "since", type=DATE, help="起始日期")
@click.option("--to", "until", type=DATE, help="截止日期")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@json_option
@pass_app
def audit_cmd(app, case_no, user_name, since, until, limit, as_json) -> None:
    """查阅记录：谁在何时查看了哪件案件、下载了哪个文件、导出了什么、登录与退出。"""
    from docgen import audit

    found = audit.entries(app.ws, case_no=case_no, user=user_name, since=since, until=until,
                          limit=limit)
    if as_json:
        emit_json({"entries": [e.to_json() for e in found]})
        return
    if not found:
        say("没有符合条件的查阅记录。")
        return
    for e in found:
        click.echo(e.to_line())


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；办公室局域网用 0.0.0.0")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="同时处理的请求数（默认取 docgen.toml [web] threads）")
@pass_app
def serve_cmd(app, host: str, port: int, threads: int | None) -> None:
    """启动本办公室的 Web 应用（浏览器打开 http://HOST:PORT/）。"""
    from docgen import users
    from docgen.web.app import configure_logging, create_app

    workspace = app.ws
    flask_app = create_app(workspace.root)
    settings = flask_app.extensions["docgen"].settings
    if not users.has_users(workspace):
        say("尚未创建任何用户，登录页将无法登录。请先运行：\n"
            "  docgen user add 姓名 --role 登记员\n"
            "（角色：" + "、".join(ROLES) + "），然后刷新登录页。")
    if host not in LOCAL_HOSTS:
        say(f"警告：正在监听 {host}，局域网内的其他电脑都能访问本系统。请确认每位使用者都有"
            "自己的账号（docgen user add），不要共用账号，并设置足够长的密码；"
            "本系统不使用 HTTPS，请只在办公室内网使用。")
    try:
        from waitress import serve
    except ImportError:
        raise DocgenError("缺少 waitress：请运行 pip install waitress") from None
    # one handler, each line once, ID/phone numbers masked; waitress logs no request line of
    # its own (its access logger is off by default): the app's line has the path without the
    # query string.
    configure_logging(flask_app)
    shown = f"[{host}]" if ":" in host else host
    say(f"docgen Web 应用已启动：http://{shown}:{port}/  （工作区 {workspace.root}，Ctrl+C 停止）")
    serve(flask_app, host=host, port=port, threads=threads or settings.threads,
          ident="docgen", clear_untrusted_proxy_headers=True)


def register(group: click.Group) -> None:
    group.add_command(user_group)
    group.add_command(audit_cmd)
    group.add_command(serve_cmd)
