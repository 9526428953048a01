"""``docgen parse``, ``docgen intake`` and ``docgen visit``."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.common import emit_json, json_option, pass_app, progress, received_option, say
from docgen.errors import DocgenError
from docgen.models import CHANNELS
from docgen.registration import Registration


def _warn_registration(r: Registration) -> None:
    """With --json the ID check still gets said, on stderr (§5: an invalid ID number gets a
    clear message); the JSON carries ``id_valid: false``."""
    c = r.case
    if c.petitioner.id_valid is False:
        say(f"注意：{c.case_no} 身份证号 {c.petitioner.id_number} 校验不通过，已按原样登记并标记")
    for w in c.extra.get("intake_warnings") or ():
        say(f"提示：{c.case_no}：{w}")


# (label, key in ParsedFields.sources, ``docgen edit`` option): every field intake reads, in
# the order a clerk checks a letter (issue 10 item 2).
_FIELDS = (("来信人", "petitioner.name", "--name"), ("身份证号", "petitioner.id_number", "--id"),
           ("电话", "petitioner.phone", "--phone"), ("住址", "petitioner.address", "--address"),
           ("联名人", "cosigners", "--cosigner"), ("人数", "persons", "--persons"),
           ("来信日期", "letter_date", "--letter-date"), ("被反映对象", "target", "--target"),
           ("诉求", "request", "--request"), ("乡镇（街道）", "township", "--township"),
           ("类别", "category", "--category"), ("性质", "nature", "--nature"),
           ("摘要", "summary", "--summary"))


def _values(f: dict) -> dict[str, object]:
    p = f["petitioner"]
    return {"petitioner.name": p["name"], "petitioner.id_number": p["id_number"],
            "petitioner.phone": p["phone"], "petitioner.address": p["address"],
            "cosigners": "、".join(f.get("cosigners") or ()), "persons": f.get("persons"),
            "letter_date": f.get("letter_date"), "target": f.get("target"),
            "request": f.get("request"), "township": f.get("township"),
            "category": f.get("category"), "nature": f.get("nature"), "summary": f.get("summary")}


def _where(src) -> str:
    if src is None:
        return "未在来信中找到"
    excerpt = src.excerpt if len(src.excerpt) <= 60 else src.excerpt[:59] + "…"
    return f"第{src.line}行「{excerpt}」"


def field_lines(values: dict[str, object], fields, *, anonymous: bool = False,
                reasons: list[str] | None = None) -> list[str]:
    """One line a field: its value and where in the letter it was read (``fields``: the
    ``ParsedFields`` of the text; None when the text is not at hand)."""
    sources = fields.sources if fields is not None else {}
    out = []
    width = max(len(label) for label, _k, _o in _FIELDS)
    for label, key, _opt in _FIELDS:
        value = values.get(key)
        shown = str(value) if value not in (None, "") else "—"
        if key == "petitioner.name" and not value:
            shown = "匿名" if anonymous else "未识别"
        src = sources.get(key)
        if key == "petitioner.name" and src is None:
            src = sources.get("petitioner.anonymous")
        if key == "persons":
            where = "按署名人数" if not src else _where(src)
        elif key == "category":
            where = ("依据：" + "；".join(reasons)) if reasons else "未匹配到分类词"
        elif key == "nature":
            where = "随分类判断"
        elif key == "letter_date" and src is None and "letter_date.dropped" in sources:
            where = "日期不合理，未采用：" + _where(sources["letter_date.dropped"])
        elif fields is None:
            where = ""
        elif src is None and value not in (None, ""):
            where = "（来信中无此项，系推断或他处所填）"
        else:
            where = _where(src) if value not in (None, "") or src else "未在来信中找到"
        out.append(f"  {label}{'　' * (width - len(label))}：{shown}" + (f"    ← {where}" if where else ""))
    return out


def _print_registration(r: Registration, ws=None) -> None:
    c = r.case
    line = f"已登记 {c.case_no}  {c.channel}  {c.petitioner.display_name}"
    if c.summary:
        line += f"  {c.summary}"
    click.echo(line)
    fields = None
    if ws is not None and c.text:
        # Read again from the stored text (deterministic, milliseconds) for where each value
        # came from: the registration keeps the values, not the offsets.
        from docgen.intake.pipeline import read_fields

        fields = read_fields(c.text, ws)
    if ws is not None:
        p = c.petitioner
        values = {"petitioner.name": p.name, "petitioner.id_number": p.id_number,
                  "petitioner.phone": p.phone, "petitioner.address": p.address,
                  "cosigners": "、".join(c.cosigners or ()), "persons": c.persons,
                  "letter_date": c.letter_date.isoformat() if c.letter_date else None,
                  "target": c.target, "request": c.request, "township": c.township,
                  "category": c.category, "nature": c.nature, "summary": c.summary}
        for text_line in field_lines(values, fields, anonymous=not p.name,
                                     reasons=fields.reasons if fields else None):
            click.echo(text_line)
        for w in (fields.warnings if fields else ()):
            click.echo(f"  提示：{w}")
    if c.petitioner.id_valid is False:
        click.echo(f"  注意：身份证号 {c.petitioner.id_number} 校验不通过，已按原样登记并标记")
    for p in r.prior_cases:
        click.echo(f"  关联在先案件 {p.case_no}（{p.received_date}，{p.status}）：{'；'.join(p.reasons)}")
    if ws is not None:
        click.echo(f"  如有不对：docgen edit {c.case_no} --字段 新值 --reason 原因"
                   f"（如 --name、--phone、--cosigner，见 docgen edit --help）")


@click.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@pass_app
def parse_cmd(app, file: Path, as_json: bool) -> None:
    """提取文件的文字和要素（不登记，不改变任何数据）。"""
    from docgen.intake.pipeline import parse_file

    # in a workspace like every command but init (docs/cli.md §1): its category list applies
    result = parse_file(file, app.ws)
    if as_json:
        emit_json(result.to_json())
        return
    f = result.fields.to_json()
    src = "OCR 识别" if result.extracted.ocr else "文字层"
    click.echo(f"文件：{file}（{result.extracted.pages} 页，{src}）")
    for w in result.extracted.warnings:
        click.echo(f"提示：{w}")
    fields = result.fields
    for text_line in field_lines(_values(f), fields, anonymous=fields.anonymous,
                                 reasons=fields.reasons):
        click.echo(text_line[2:])
    if f.get("id_problem"):
        click.echo(f"注意：{f['id_problem']}")
    for w in fields.warnings:
        click.echo(f"提示：{w}")
    click.echo("—— 全文 ——")
    click.echo(result.extracted.text)


@click.command("intake")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--channel", type=click.Choice(CHANNELS), default="来信", show_default=True,
              help="来源渠道")
@received_option("收到日期（默认今天）")
@click.option("--force", is_flag=True, help="同一文件已登记过时仍再次登记")
@json_option
@pass_app
def intake_cmd(app, files: tuple[Path, ...], channel: str, received, force: bool,
               as_json: bool) -> None:
    """登记来信文件（PDF、扫描件、图片、Word、文本），显示登记号和关联的在先案件。"""
    from docgen.intake.pipeline import AlreadyRegistered, intake_file

    ws = app.ws
    done, errors, skipped = [], [], []
    with progress(files, label="登记") as bar:
        for path in bar:
            try:
                done.append(intake_file(ws, path, channel=channel, received=received, force=force))
            except AlreadyRegistered as exc:
                skipped.append({"file": str(path), "case_no": exc.case_no, "message": str(exc)})
            except DocgenError as exc:
                errors.append({"file": str(path), "message": str(exc)})
    if as_json:
        emit_json({"cases": [r.to_json() for r in done], "skipped": skipped, "errors": errors})
        for r in done:
            _warn_registration(r)
    else:
        for r in done:
            _print_registration(r, ws)
            for w in r.case.extra.get("intake_warnings") or ():
                say(f"提示：{r.case.case_no}：{w}")
        for s in skipped:
            click.echo(f"跳过：{s['message']}")
    for e in errors:
        say(f"错误：{e['file']}：{e['message']}")
    if len(files) > 1:
        say(f"共 {len(files)} 个文件：登记 {len(done)}，跳过 {len(skipped)}，出错 {len(errors)}")
    if errors:
        raise SystemExit(1)


@click.command("visit")
@click.option("--name", help="来访人姓名（不填为匿名）")
@click.option("--id", "id_number", help="身份证号")
@click.option("--phone", help="联系电话")
@click.option("--address", help="住址")
@click.option("--content", help="反映内容")
@click.option("--persons", type=click.IntRange(min=1), default=None, help="来访人数（≥5 为集体访）")
@click.option("--visitor", "visitors", multiple=True, help="同来人员姓名（可多次）")
@click.option("--representative", "representatives", multiple=True, help="集体访代表（可多次）")
@click.option("--receptionist", help="接谈人")
@click.option("--answer", help="当场答复意见")
@click.option("--target", help="被反映对象")
@click.option("--request", help="诉求")
@click.option("--category", help="内容分类")
@click.option("--form", "form_file", type=click.Path(path_type=Path), help="填好的来访登记表（JSON 或 TOML）")
@received_option("来访日期（默认今天）")
@json_option
@pass_app
def visit_cmd(app, form_file, received, as_json, **options) -> None:
    """登记来访（命令行填写或读取登记表文件）。"""
    from docgen.visits import VisitForm, load_visit_form, register_visit

    ws = app.ws
    form = load_visit_form(form_file) if form_file else VisitForm()
    for key, value in options.items():
        if value in (None, ()):
            continue
        setattr(form, key, list(value) if isinstance(value, tuple) else value)
    registration = register_visit(ws, form, received)
    if as_json:
        emit_json({"cases": [registration.to_json()], "errors": []})
        _warn_registration(registration)
    else:
        _print_registration(registration)


def register(group: click.Group) -> None:
    for cmd in (parse_cmd, intake_cmd, visit_cmd):
        group.add_command(cmd)
