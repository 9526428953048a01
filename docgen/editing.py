"""Correcting a registered case (``docgen edit``): every registered field, as an event.

What intake read may be wrong (a 联名 letter read as 匿名, a phone number cut at a line break),
and a clerk corrects it here or on the web app's review page. A correction is a 更正 event like
any other step (who, when, reason, and per field the old and the new value), written through
``docgen.workflow``'s one transaction, so that:

- ``show`` lists it in the history, and ``show --as-of`` a day before it shows the old values
  (``case_as_of`` undoes the corrections dated after the day, latest first);
- the search index and the same-person links follow the new values;
- the documents written before it are marked as older than the case: their digests are kept in
  the event, and a document still carrying one of them is outdated until ``docgen letter``
  rewrites it (``outdated_documents``);
- an invalid ID number is kept as typed and flagged (``id_valid`` false, the reason in
  ``extra['id_problem']``), never "corrected" (docs/standards.md §4: the error may be in any digit);
- ``case.extra['edited']`` names the fields a clerk set, so the letters print the clerk's
  摘要 and 诉求 rather than regenerating them from the text.

Field names are those of ``Case.to_json`` (``petitioner.name``, ``letter_date``, ...), see
docs/cli.md (``docgen edit``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docgen.date_limits import check_stored
from docgen.errors import DocgenError
from docgen.models import FILE_DOCUMENT, Case, Event, StoredFile, iso, parse_iso
from docgen.workspace import Workspace

EV_EDIT = "更正"

REPEAT_FLAG = "重复信访"
GROUP_FLAG = "集体访"
LEGAL_FLAG = "涉法涉诉"
NATURES = ("建议意见", "检举控告", "申诉求决")
_NAME_SEPARATORS = re.compile(r"[、丶，,;；\s]+")

# Field → how the clerk sees it (Chinese label in the history and in messages).
LABELS: dict[str, str] = {
    "petitioner.name": "姓名",
    "petitioner.id_number": "身份证号",
    "petitioner.id_valid": "身份证号校验",
    "petitioner.phone": "电话",
    "petitioner.address": "住址",
    "cosigners": "联名人",
    "persons": "人数",
    "letter_date": "来信日期",
    "target": "被反映对象",
    "request": "诉求",
    "summary": "摘要",
    "category": "内容分类",
    "nature": "性质",
    "township": "乡镇（街道）",
    "legal": "涉法涉诉",
}
# What a caller may set; ``petitioner.id_valid`` follows the number and is never set directly.
EDITABLE = tuple(k for k in LABELS if k != "petitioner.id_valid")


@dataclass
class Change:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "old": self.old, "new": self.new}

    def to_text(self) -> str:
        return f"{self.label}：{_shown(self.field, self.old)} → {_shown(self.field, self.new)}"


def _shown(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "匿名" if name == "petitioner.name" else "（空）"
    if isinstance(value, bool):
        return ("有效" if value else "校验不通过") if name == "petitioner.id_valid" \
            else ("是" if value else "否")
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


# --- reading and writing a field of a Case by its JSON name ----------------------------------

def get_value(case: Case, name: str) -> Any:
    """The value of field ``name`` as stored in JSON (dates as ``YYYY-MM-DD``)."""
    if name.startswith("petitioner."):
        return getattr(case.petitioner, name.split(".", 1)[1])
    value = getattr(case, name)
    if isinstance(value, dt.date):
        return iso(value)
    if isinstance(value, list):
        return list(value)
    return value


def set_value(case: Case, name: str, value: Any) -> None:
    if name.startswith("petitioner."):
        setattr(case.petitioner, name.split(".", 1)[1], value)
    elif name == "letter_date":
        case.letter_date = parse_iso(value) if isinstance(value, str) else value
    elif name == "cosigners":
        case.cosigners = list(value or [])
    else:
        setattr(case, name, value)


# --- checking a new value --------------------------------------------------------------------

def _text_or_none(value: Any, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DocgenError(f"{label}应为文字（实际为 {value!r}）")
    # one line for names and addresses would be nicer, but a 诉求 may have several sentences;
    # what matters is that control characters never reach the documents
    text = "".join(ch if ch in "\n\t" or ch >= " " else " " for ch in value).strip()
    return text or None


def _categories(ws: Workspace) -> list[str]:
    from docgen.intake.pipeline import category_rules

    return category_rules(ws).categories


def _check(ws: Workspace, case: Case, name: str, value: Any, warnings: list[str]) -> Any:
    """``value`` as it will be stored, or DocgenError saying why it cannot be."""
    label = LABELS[name]
    if name == "petitioner.id_number":
        text = _text_or_none(value, label)
        if text is None:
            return None
        from docgen.intake.idnumber import check_id

        # the number as typed (width folded, separators and spaces dropped, x as X): kept even
        # when the check fails, never "corrected"
        return check_id(text).number
    if name == "petitioner.phone":
        text = _text_or_none(value, label)
        if text is None:
            return None
        from docgen.intake.phones import normalize_phone

        number = normalize_phone(text)
        if number is None:
            warnings.append(f"电话“{text}”不是可识别的手机或固定电话号码，已按原样保存")
            return text
        return number
    if name == "cosigners":
        if isinstance(value, str):
            value = [value]
        names = []
        for item in value or []:
            one = _text_or_none(item, label)
            # the separators a typed or pasted list uses (丶 is OCR's 、; Chinese names have no
            # spaces, so a space separates too)
            for part in _NAME_SEPARATORS.split(one or ""):
                if part and part not in names:
                    names.append(part)
        return names
    if name == "persons":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DocgenError(f"人数应为正整数（实际为 {value!r}）")
        return value
    if name == "letter_date":
        if value in (None, ""):
            return None
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise DocgenError(f"来信日期格式应为 YYYY-MM-DD（实际为 {value!r}）") from None
        check_stored(day, "来信日期")
        if day > case.received_date:
            raise DocgenError(f"来信日期 {day} 晚于收到日期 {case.received_date}")
        return iso(day)
    if name == "legal":
        if not isinstance(value, bool):
            raise DocgenError(f"涉法涉诉应为 是/否（实际为 {value!r}）")
        return value
    text = _text_or_none(value, label)
    if name == "category" and text is not None:
        known = _categories(ws)
        if text not in known:
            raise DocgenError(f"未知的内容分类：{text}（可用：{'、'.join(known)}；"
                              "分类表可在工作区 rules/categories.toml 中修改）")
    if name == "nature" and text is not None and text not in NATURES:
        raise DocgenError(f"性质应为 {'、'.join(NATURES)} 之一（实际为 {text}）")
    return text


def _planned_changes(ws: Workspace, case: Case, changes: dict[str, Any],
                     warnings: list[str]) -> list[Change]:
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise DocgenError(f"不能更正的字段：{'、'.join(unknown)}（可更正：{'、'.join(EDITABLE)}）")
    wanted = {name: _check(ws, case, name, value, warnings) for name, value in changes.items()}
    if "cosigners" in wanted:
        own = wanted.get("petitioner.name", case.petitioner.name)
        wanted["cosigners"] = [n for n in wanted["cosigners"] if n != own]
        needed = 1 + len(wanted["cosigners"])
        if "persons" in wanted:
            if wanted["persons"] < needed:
                raise DocgenError(f"人数 {wanted['persons']} 少于具名人数 {needed}"
                                  "（信访人和联名人）")
        elif case.persons < needed:
            wanted["persons"] = needed
    out = [Change(name, get_value(case, name), new) for name, new in wanted.items()
           if get_value(case, name) != new]
    if "petitioner.id_number" in wanted:
        number = wanted["petitioner.id_number"]
        valid: bool | None = None
        if number:
            from docgen.intake.idnumber import check_id

            check = check_id(number)
            valid = check.valid
            if not check.valid:
                warnings.append(f"身份证号 {number} 校验不通过（{check.reason}），已按原样保存并标记，"
                                "请核对原件")
        if valid != case.petitioner.id_valid:
            out.append(Change("petitioner.id_valid", case.petitioner.id_valid, valid))
    return out


# --- the outcome -----------------------------------------------------------------------------

@dataclass
class EditOutcome:
    """What ``edit_case`` did: the workflow outcome (event, state), the changes, the documents
    now older than the case, and the same-person links it added or removed."""

    outcome: Any                      # docgen.workflow.Outcome
    changes: list[Change]
    outdated: list[StoredFile] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)

    @property
    def case(self) -> Case:
        return self.outcome.case

    @property
    def event(self) -> Event:
        return self.outcome.event

    @property
    def warnings(self) -> list[str]:
        return self.outcome.warnings

    def to_json(self) -> dict[str, Any]:
        data = self.outcome.to_json()
        data.update({
            "changes": [c.to_json() for c in self.changes],
            "outdated_documents": [{"kind": f.kind, "name": f.name, "path": f.path}
                                   for f in self.outdated],
            "linked": list(self.linked),
            "unlinked": list(self.unlinked),
            "case": self.case.to_json(),
        })
        data["case"].pop("text", None)
        return data

    def to_text(self) -> str:
        e = self.event
        lines = [f"{self.case.case_no}：已更正（{e.date}）"]
        lines += [f"  {c.to_text()}" for c in self.changes]
        lines.append(f"  理由：{e.data.get('reason')}")
        if self.linked:
            lines.append(f"  关联为同一信访人：{'、'.join(self.linked)}")
        if self.unlinked:
            lines.append(f"  不再关联：{'、'.join(self.unlinked)}")
        for f in self.outdated:
            lines.append(f"  {f.kind or f.name} 早于本次更正，请重新生成："
                         f"docgen letter {f.kind} {self.case.case_no}")
        return "\n".join(lines)


# --- the command -----------------------------------------------------------------------------

def edit_case(ws: Workspace, case_no: str, changes: dict[str, Any], *, reason: str,
              by: str | None = None, on: dt.date | None = None) -> EditOutcome:
    """Correct fields of a registered case (``changes``: field name → new value, names as in
    ``Case.to_json``: ``petitioner.name``, ``petitioner.id_number``, ``cosigners``, ...;
    None or "" clears a field, a None name means 匿名).

    One 更正 event, dated ``on`` (default today) and recorded by ``by``, holds every change with
    its old and new value and the reason. Refused (nothing written) for an archived case, an
    unknown field, a value that cannot be right (an unknown category, fewer people than
    signers, a letter dated after its receipt) or when nothing would change.
    """
    from docgen import workflow

    why = (reason or "").strip()
    if not why:
        raise DocgenError("更正理由（--reason）不能为空")
    if not changes:
        raise DocgenError("请给出要更正的内容（如 --name、--phone、--summary）")
    event = workflow._event(EV_EDIT, on, "", by, {"reason": why})
    result: dict[str, Any] = {}

    def body(s) -> None:
        case: Case = s.case
        if case.archive_no:
            raise DocgenError(f"案件 {case.case_no} 已归档（档号 {case.archive_no}），不能再更正；"
                              "归档材料以归档时为准")
        planned = _planned_changes(s.ws, case, dict(changes), s.warnings)
        if not planned:
            raise DocgenError(f"案件 {case.case_no} 没有需要更正的内容（给出的值与登记的相同）")
        for c in planned:
            set_value(case, c.field, c.new)
        names = {c.field for c in planned}
        _follow_flags(s.ws, case, names, s.events)
        if "petitioner.id_valid" in names or "petitioner.id_number" in names:
            _id_problem(case)
        edited = set(case.extra.get("edited") or [])
        case.extra["edited"] = sorted(edited | (names - {"petitioner.id_valid"}))
        outdated = [f for f in s.ws.registry.files(case.id) if f.role == FILE_DOCUMENT]
        event.data["changes"] = [c.to_json() for c in planned]
        event.data["outdated_documents"] = [{"id": f.id, "kind": f.kind, "sha256": f.sha256}
                                            for f in outdated]
        event.detail = "；".join(c.to_text() for c in planned) + f"（理由：{why}）"
        linked, unlinked = ([], [])
        if names & {"petitioner.name", "petitioner.id_number", "petitioner.phone",
                    "petitioner.address"}:
            linked, unlinked = _relink(s.ws, case, s.events)
        if linked:
            event.data["linked"] = linked
        if unlinked:
            event.data["unlinked"] = unlinked
        result.update(changes=planned, outdated=outdated, linked=linked, unlinked=unlinked)

    outcome = workflow._record(ws, case_no, event, body)
    return EditOutcome(outcome=outcome, **result)


def _id_problem(case: Case) -> None:
    number = case.petitioner.id_number
    if number and case.petitioner.id_valid is False:
        from docgen.intake.idnumber import check_id

        case.extra["id_problem"] = check_id(number).reason
    else:
        case.extra.pop("id_problem", None)


def _manual_flag(events: Iterable[Event], flag: str) -> bool:
    """Whether a clerk set ``flag`` by hand (``docgen flag --add``): then it stays."""
    return any(e.kind == "标记" and flag in (e.data.get("add") or []) for e in events)


def _follow_flags(ws: Workspace, case: Case, names: set[str], events: list[Event]) -> None:
    """The flags registration derives from fields (集体访 from the number of people, 涉法涉诉
    from ``legal``) follow a correction of those fields."""
    if "persons" in names:
        threshold = int(ws.section("visits").get("group_threshold", 5))
        if case.persons >= threshold and GROUP_FLAG not in case.flags:
            case.flags.append(GROUP_FLAG)
        elif case.persons < threshold and GROUP_FLAG in case.flags \
                and not _manual_flag(events, GROUP_FLAG):
            case.flags.remove(GROUP_FLAG)
    if "legal" in names:
        if case.legal and LEGAL_FLAG not in case.flags:
            case.flags.append(LEGAL_FLAG)
        elif not case.legal and LEGAL_FLAG in case.flags:
            case.flags.remove(LEGAL_FLAG)


def _relink(ws: Workspace, case: Case, events: list[Event]) -> tuple[list[str], list[str]]:
    """Same-person links as registration would have made them with the corrected fields:
    earlier cases of the same person are linked as this case's priors, later ones as repeats
    of it; automatic links whose reason no longer holds are removed. Links of other kinds
    (made by hand) are left alone."""
    from docgen.registration import find_same_person, same_person_reasons

    reg = ws.registry
    conn = reg.conn
    linked: list[str] = []
    unlinked: list[str] = []
    current = {p.case_id: p for p in find_same_person(ws, case)}
    rows = conn.execute(
        "SELECT case_id, other_id FROM links WHERE kind = 'repeat' AND (case_id = ? OR other_id = ?)",
        (case.id, case.id)).fetchall()
    have = {(r[0], r[1]) for r in rows}
    for a, b in have:
        other_id = b if a == case.id else a
        if other_id in current:
            continue
        other = reg.get_case_by_id(other_id)
        if same_person_reasons(case.petitioner, other.petitioner):
            continue
        conn.execute("DELETE FROM links WHERE case_id = ? AND other_id = ? AND kind = 'repeat'",
                     (a, b))
        unlinked.append(other.case_no)
        # a later case registered as a repeat of this one only
        later = a if a != case.id else None
        if later is not None:
            _drop_repeat_flag(ws, later)
    for other_id, prior in current.items():
        earlier = (prior.received_date, prior.case_no) < (case.received_date, case.case_no)
        pair = (case.id, other_id) if earlier else (other_id, case.id)
        if pair in have:
            continue
        reg.link(pair[0], pair[1], "；".join(prior.reasons), kind="repeat")
        linked.append(prior.case_no)
        if earlier:
            if REPEAT_FLAG not in case.flags:
                case.flags.append(REPEAT_FLAG)
        else:
            later_case = reg.get_case_by_id(other_id)
            if REPEAT_FLAG not in later_case.flags:
                later_case.flags.append(REPEAT_FLAG)
                reg.update_case(later_case)
    if REPEAT_FLAG in case.flags and not _manual_flag(events, REPEAT_FLAG):
        still = conn.execute("SELECT 1 FROM links WHERE kind = 'repeat' AND case_id = ? LIMIT 1",
                             (case.id,)).fetchone()
        if still is None:
            case.flags.remove(REPEAT_FLAG)
    return linked, unlinked


def _drop_repeat_flag(ws: Workspace, case_id: int) -> None:
    reg = ws.registry
    other = reg.get_case_by_id(case_id)
    if REPEAT_FLAG not in other.flags:
        return
    if reg.conn.execute("SELECT 1 FROM links WHERE kind = 'repeat' AND case_id = ? LIMIT 1",
                        (case_id,)).fetchone():
        return
    if _manual_flag(reg.events(case_id), REPEAT_FLAG):
        return
    other.flags.remove(REPEAT_FLAG)
    reg.update_case(other)


# --- as of a day -----------------------------------------------------------------------------

def corrections(events: Iterable[Event]) -> list[Event]:
    return [e for e in events if e.kind == EV_EDIT]


def case_as_of(case: Case, later: Iterable[Event]) -> Case:
    """``case`` with the corrections among ``later`` (the events dated after an ``--as-of``
    day) undone, latest first, so that it shows the values it had on that day. Changes the
    case in place and returns it."""
    undone = sorted(corrections(later), key=lambda e: (e.date, e.id or 0), reverse=True)
    if not undone:
        return case
    touched: set[str] = set()
    for e in undone:
        for c in reversed(e.data.get("changes") or []):
            name = c.get("field")
            if name in LABELS:
                set_value(case, name, c.get("old"))
                touched.add(name)
    if touched & {"petitioner.id_number", "petitioner.id_valid"}:
        _id_problem(case)
    return case


def edited_fields(events: Iterable[Event]) -> list[str]:
    """The fields a clerk corrected in ``events`` (what ``case.extra['edited']`` held then)."""
    names: set[str] = set()
    for e in corrections(events):
        names |= {c.get("field") for c in e.data.get("changes") or []}
    names.discard("petitioner.id_valid")
    names.discard(None)
    return sorted(names)


def outdated_documents(files: Iterable[StoredFile], events: Iterable[Event]) -> list[StoredFile]:
    """The documents of a case written before a correction and not rewritten since: their
    recorded digest is one a 更正 event noted as older than the case."""
    old = {(d.get("id"), d.get("sha256")) for e in corrections(events)
           for d in e.data.get("outdated_documents") or []}
    return [f for f in files if f.role == FILE_DOCUMENT and (f.id, f.sha256) in old]


def last_correction(events: Iterable[Event]) -> Event | None:
    found = corrections(events)
    return found[-1] if found else None

