"""Visits (来访): the 来访接待登记 filled in from options or a form file (JSON or TOML)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from docgen.date_limits import check_happened
from docgen.errors import DocgenError
from docgen.intake.idnumber import check_id
from docgen.intake.phones import normalize_phone
from docgen.models import Case, Petitioner
from docgen.registration import Registration, register_case
from docgen.workspace import Workspace

# Form keys may be English (the JSON field names) or the Chinese labels of the paper form.
_ALIASES = {
    "姓名": "name", "来访人": "name", "身份证号": "id_number", "身份证号码": "id_number",
    "电话": "phone", "联系电话": "phone", "住址": "address", "地址": "address",
    "反映内容": "content", "来访事由": "content", "内容": "content", "人数": "persons",
    "来访人数": "persons", "代表": "representatives", "来访代表": "representatives",
    "接谈人": "receptionist", "接待人": "receptionist", "当场答复": "answer",
    "答复意见": "answer", "被反映对象": "target", "诉求": "request", "类别": "category",
    "来访日期": "received", "登记日期": "received", "同行人员": "visitors", "来访人员": "visitors",
}


# more than any hall holds: a typo (or a number too large to store), never a real visit
MAX_PERSONS = 100_000


@dataclass
class VisitForm:
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    content: str = ""
    persons: int = 1
    visitors: list[str] = field(default_factory=list)          # everyone who came
    representatives: list[str] = field(default_factory=list)   # who spoke for a group
    receptionist: str | None = None                            # 接谈人
    answer: str | None = None                                  # 当场答复
    target: str | None = None
    request: str | None = None
    category: str | None = None
    received: dt.date | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> VisitForm:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            key = _ALIASES.get(str(key).strip(), str(key).strip())
            if key not in known:
                raise DocgenError(f"来访登记表中有无法识别的栏目：{key}")
            values[key] = value
        for key in ("visitors", "representatives"):
            if isinstance(values.get(key), str):
                values[key] = [v for v in values[key].replace("，", ",").replace("、", ",").split(",")
                               if v.strip()]
        if "persons" in values:
            try:
                values["persons"] = int(values["persons"])
            except (TypeError, ValueError):
                raise DocgenError(f"来访人数应为整数：{values['persons']!r}") from None
        if isinstance(values.get("received"), str):
            try:
                values["received"] = dt.date.fromisoformat(values["received"])
            except ValueError:
                raise DocgenError(f"来访日期格式应为 YYYY-MM-DD：{values['received']}") from None
        return cls(**values)


def load_visit_form(path: Path) -> VisitForm:
    """Read a filled-in visit form (.json or .toml, UTF-8)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocgenError(f"无法读取来访登记表 {path}：{exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocgenError(f"来访登记表 {path.name} 不是 UTF-8 编码") from None
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DocgenError(f"来访登记表 {path.name} 格式有误：{exc}") from None
    if not isinstance(data, dict):
        raise DocgenError(f"来访登记表 {path.name} 应为一个对象（键值对）")
    return VisitForm.from_mapping(data)


def visit_case(form: VisitForm, received: dt.date) -> Case:
    if not (form.content or "").strip():
        raise DocgenError("来访登记缺少反映内容（--content）")
    if form.persons < 1:
        raise DocgenError("来访人数至少为 1")
    if form.persons > MAX_PERSONS:
        raise DocgenError(f"来访人数 {form.persons} 不合常理（最多 {MAX_PERSONS} 人），请核对")
    petitioner = Petitioner(name=(form.name or "").strip() or None, address=form.address)
    extra: dict[str, Any] = {}
    if form.id_number:
        check = check_id(form.id_number)
        petitioner.id_number, petitioner.id_valid = check.number, check.valid
        if not check.valid:
            extra["id_problem"] = check.reason
    if form.phone:
        petitioner.phone = normalize_phone(form.phone) or form.phone.strip()
    extra["visit"] = {
        "visitors": form.visitors, "representatives": form.representatives,
        "receptionist": form.receptionist, "answer": form.answer,
    }
    content = form.content.strip()
    summary = content.splitlines()[0][:60] if content else None
    return Case(case_no="", channel="来访", received_date=received, petitioner=petitioner,
                target=form.target, request=form.request, category=form.category,
                summary=summary, text=content, persons=form.persons,
                cosigners=[v for v in form.visitors if v != form.name], extra=extra)


def register_visit(ws: Workspace, form: VisitForm, received: dt.date | None = None) -> Registration:
    """Register a visit; a missing category is suggested from the content like for letters."""
    if received is None and form.received is not None:
        # a date typed into the form file: the same range as --received (no --allow-future here)
        check_happened(form.received, "登记表中的来访日期")
    case = visit_case(form, received or form.received or dt.date.today())
    if not case.category:
        from docgen.classify import suggest
        from docgen.intake.pipeline import category_rules

        s = suggest(case.text, category_rules(ws), target=case.target, request=case.request)
        case.category, case.nature, case.legal = s.category, s.nature, s.legal
    detail = f"来访登记：{case.petitioner.display_name}等 {case.persons} 人" if case.persons > 1 \
        else f"来访登记：{case.petitioner.display_name}"
    return register_case(ws, case, detail=detail, event_data={"persons": case.persons})
