"""``docgen demo``: the main job on the built-in sample letters, start to finish.

A new clerk sees in one run what the tool does: letters in four formats (one a scan) are read
and registered, a group visit is registered, a case is assigned with a 交办函, and the
workspace is left for them to explore with ``show``, ``list`` and ``search``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from docgen.cli.common import pass_app, say
from docgen.errors import DocgenError
from docgen.workspace import Workspace


def sample_files() -> list[Path]:
    root = resources.files("docgen") / "data" / "samples"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.startswith("来信"))


def sample_visit_form() -> Path:
    root = resources.files("docgen") / "data" / "samples"
    return next(Path(str(p)) for p in root.iterdir() if p.name.startswith("来访"))


def _step(title: str) -> None:
    click.echo("")
    click.echo(click.style(f"== {title} ==", bold=True))


@click.command("demo")
@pass_app
def demo_cmd(app) -> None:
    """用内置样例演示主流程：读取并登记来信（含扫描件）、登记来访、交办并生成交办函、列出案件。"""
    from docgen.cli.workspace import ensure_index
    from docgen.intake.pipeline import AlreadyRegistered, intake_file
    from docgen.visits import load_visit_form, register_visit

    ws, created = Workspace.init(app.home)
    ensure_index(ws)
    app._ws = ws
    _step(f"工作区 {ws.root}" + ("（新建）" if created else "（已存在）"))

    _step("登记来信（PDF、Word、文本、扫描件 OCR）")
    registered = []
    for path in sample_files():
        say(f"读取 {path.name} …")
        try:
            r = intake_file(ws, path, channel="来信")
        except AlreadyRegistered as exc:
            click.echo(f"{path.name}：已登记为 {exc.case_no}，跳过")
            continue
        registered.append(r)
        c, p = r.case, r.case.petitioner
        how = "OCR" if c.extra.get("ocr") else "文字层"
        click.echo(f"{c.case_no}  {path.name}（{how}）")
        click.echo(f"    来信人 {p.display_name}  身份证 {p.id_number or '—'}  电话 {p.phone or '—'}")
        click.echo(f"    日期 {c.letter_date or '—'}  被反映对象 {c.target or '—'}  类别 {c.category or '—'}")
        click.echo(f"    诉求 {c.request or '—'}")
        for prior in r.prior_cases:
            click.echo(f"    关联在先案件 {prior.case_no}：{'；'.join(prior.reasons)}")

    _step("登记来访（集体访登记表）")
    try:
        visit = register_visit(ws, load_visit_form(sample_visit_form()))
        click.echo(f"{visit.case.case_no}  来访 {visit.case.petitioner.display_name}等 "
                   f"{visit.case.persons} 人  标记：{'、'.join(visit.case.flags) or '—'}")
        for prior in visit.prior_cases:
            click.echo(f"    关联在先案件 {prior.case_no}：{'；'.join(prior.reasons)}")
    except DocgenError as exc:
        click.echo(f"来访登记未完成：{exc}")

    _demo_routing(ws, registered)

    _step("案件列表（docgen list）")
    from docgen.casefile import list_views

    for view in list_views(ws):
        click.echo(view.to_line())
    click.echo("")
    click.echo(f"接下来可以试试：docgen --home {ws.root} show <登记号>、"
               f"docgen --home {ws.root} search 征地补偿")


def _demo_routing(ws: Workspace, registered) -> None:
    """Assign the first new letter that names a body to that body and write the 交办函."""
    from docgen.workflow import transfer

    for r in registered:
        # a 检举控告 letter must not go to the body it accuses; the demo picks a plain one
        if r.case.target and r.case.nature != "检举控告":
            _step("交办并生成交办函（docgen transfer）")
            outcome = transfer(ws, r.case.case_no, to=r.case.target, mode="交办",
                               on=r.case.received_date, warn=say)
            click.echo(f"{r.case.case_no} 已交办 {r.case.target}，办理期限 {outcome.state.due_date}")
            for d in outcome.state.open_deadlines:
                click.echo(f"    {d.kind}：{d.explanation}")
            for path in outcome.paths:
                click.echo(f"    生成 {path}")
            return
