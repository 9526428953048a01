"""The case fields as form inputs (review page and 修改), and the changes a posted form makes.

Field names are those of ``Case.to_json`` and ``docgen.editing`` (``petitioner.name``, ...);
the values posted are turned into the types ``editing.edit_case`` and ``register_parsed`` take
(a list of co-signers, an int, a bool). Checking them is the library's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docgen.errors import DocgenError


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"          # text | textarea | date | number | select | checkbox
    hint: str = ""


FIELDS = (
    FieldSpec("petitioner.name", "姓名", hint="空着表示匿名"),
    FieldSpec("petitioner.id_number", "身份证号"),
    FieldSpec("petitioner.phone", "电话"),
    FieldSpec("petitioner.address", "住址"),
    FieldSpec("cosigners", "联名人", hint="多人用顿号分隔"),
    FieldSpec("persons", "人数", "number"),
    FieldSpec("letter_date", "来信日期", "date"),
    FieldSpec("target", "被反映对象"),
    FieldSpec("township", "乡镇（街道）"),
    FieldSpec("request", "诉求", "textarea"),
    FieldSpec("summary", "摘要", "textarea"),
    FieldSpec("category", "内容分类", "select"),
    FieldSpec("nature", "性质", "select"),
    FieldSpec("legal", "涉法涉诉", "checkbox"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
NATURES = ("建议意见", "检举控告", "申诉求决")
_SEPARATORS = re.compile(r"[、丶，,;；\s]+")


def value_of(case, name: str) -> Any:
    from docgen.editing import get_value

    return get_value(case, name)


def shown(value: Any) -> str:
    """A typed value as it goes into an input."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def _posted(form, spec: FieldSpec) -> Any:
    if spec.kind == "checkbox":
        return form.get(spec.name) in ("1", "on", "true")
    raw = (form.get(spec.name) or "").strip()
    if spec.name == "cosigners":
        return [p for p in _SEPARATORS.split(raw) if p]
    if spec.kind == "date":
        from docgen.web.library import parse_day

        day = parse_day(raw, spec.label)     # YYYY-MM-DD only, as on the command line
        return day.isoformat() if day else None
    if spec.kind == "number":
        if not raw.isdigit() or int(raw) < 1:
            raise DocgenError(f"{spec.label}应为正整数（实际为 {raw or '空'}）")
        return int(raw)
    return raw or None


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list) or isinstance(new, list):
        return list(old or []) == list(new or [])
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    if isinstance(old, str):
        old = old.strip() or None
    return old == new


def changes_from_form(form, case, names: tuple[str, ...] = FIELD_NAMES) -> dict[str, Any]:
    """The fields whose posted value differs from ``case``'s. Only inputs present in the form
    count; a checkbox (which a browser leaves out when unticked) counts when the form carries
    its ``NAME__shown`` marker."""
    changes: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.name not in names:
            continue
        present = f"{spec.name}__shown" if spec.kind == "checkbox" else spec.name
        if present not in form:
            continue
        new = _posted(form, spec)
        if not _same(value_of(case, spec.name), new):
            changes[spec.name] = new
    return changes
