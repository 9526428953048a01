"""consume → parse → register: an incoming file becomes a case.

``parse_file`` changes nothing (``docgen parse``); ``register_parsed`` registers a file parsed
before, with a clerk's corrections (the web app's review page); ``intake_file`` is both in one
call (``docgen intake``).

Reading a file (OCR: seconds a page) happens outside the registry's write transaction; the
duplicate check (same SHA-256, unless ``force``) and the insert happen inside it, so several
processes taking in the same file at once register it exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.classify import load_category_rules
from docgen.errors import DocgenError
from docgen.fileio import sha256_file
from docgen.intake.extract import Extracted, extract_text
from docgen.intake.fields import ParsedFields, extract_fields
from docgen.models import CHANNELS, Case
from docgen.places import spell_as_listed, township_on_list
from docgen.registration import AlreadyRegistered, Registration, register_case
from docgen.workspace import Workspace

__all__ = ["AlreadyRegistered", "ParseResult", "intake_file", "parse_file", "register_parsed"]


@dataclass
class ParseResult:
    path: Path
    extracted: Extracted
    fields: ParsedFields
    sha256: str | None = None     # of the bytes that were read: registration stores exactly those

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "kind": self.extracted.kind, "text": self.extracted.text,
                "ocr": self.extracted.ocr, "pages": self.extracted.pages,
                "warnings": self.extracted.warnings, "fields": self.fields.to_json()}


def category_rules(ws: Workspace | None):
    """The office's edited category list when the workspace has one, else the built-in list."""
    return load_category_rules(ws.rule_file("categories.toml") if ws else None)


def parse_file(path: Path, ws: Workspace | None = None) -> ParseResult:
    path = Path(path)
    if not path.exists():
        raise DocgenError(f"文件不存在：{path}")
    if not path.is_file():
        raise DocgenError(f"不是文件：{path}")
    digest = sha256_file(path)
    extracted = extract_text(path)
    return ParseResult(path=path, extracted=extracted, fields=read_fields(extracted.text, ws),
                       sha256=digest)


def read_fields(text: str, ws: Workspace | None = None) -> ParsedFields:
    """The fields of a letter's text with the workspace's own lists: its categories, and its
    townships to spell a misread township by."""
    fields = extract_fields(text, category_rules(ws))
    spell_townships_as_listed(fields, office_townships(ws))
    return fields


def office_townships(ws: Workspace | None) -> list[str]:
    """``[places] townships`` of docgen.toml: the county's 乡镇（街道）, [] when not filled in."""
    if ws is None:
        return []
    names = ws.section("places").get("townships", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise DocgenError("docgen.toml 中 [places] townships 应为乡镇（街道）名称的列表，"
                          "如 townships = [\"范岗镇\", \"龙腾街道\"]")
    return [n.strip() for n in names]


def spell_townships_as_listed(fields: ParsedFields, townships: list[str]) -> None:
    """The township in the address, the body's name and ``township`` spelt as on the office's
    list when what was read differs by one character (OCR), each change said in a warning."""
    if not townships:
        return
    said = set()

    def spelt(label: str, value: str | None) -> str | None:
        value, read, listed = spell_as_listed(value, townships)
        if listed:
            said.add((read, listed))
            fields.warnings.append(f"{label}中的“{read}”按工作区乡镇名单（[places] townships）"
                                   f"更正为“{listed}”，请对照原件核对")
        return value

    fields.petitioner.address = spelt("住址", fields.petitioner.address)
    fields.target = spelt("被反映对象", fields.target)
    listed = township_on_list(fields.township, townships)
    if listed and listed != fields.township:
        if (fields.township, listed) not in said:
            fields.warnings.append(f"乡镇“{fields.township}”按工作区乡镇名单更正为“{listed}”，请对照原件核对")
        fields.township = listed


def case_from_fields(fields: ParsedFields, text: str, *, channel: str,
                     received: dt.date) -> Case:
    return Case(
        case_no="", channel=channel, received_date=received, petitioner=fields.petitioner,
        letter_date=fields.letter_date, target=fields.target, request=fields.request,
        category=fields.category, nature=fields.nature, legal=bool(fields.legal),
        summary=fields.summary, text=text, persons=max(1, fields.persons or 1),
        cosigners=list(fields.cosigners), township=getattr(fields, "township", None),
        extra={"id_problem": fields.id_problem} if fields.id_problem else {},
    )


def intake_file(ws: Workspace, path: Path, *, channel: str = "来信",
                received: dt.date | None = None, force: bool = False) -> Registration:
    """Parse ``path`` and register it as a new case, keeping the original byte-for-byte."""
    path = Path(path)
    if not path.is_file():
        raise DocgenError(f"文件不存在或不是文件：{path}")
    if not force:
        # Only to spare reading a file taken in long ago (OCR costs seconds a page); the check
        # that counts is the one inside the registration transaction.
        dup = ws.registry.find_original_by_sha(sha256_file(path))
        if dup:
            raise AlreadyRegistered(path, dup[1])
    parsed = parse_file(path, ws)
    return register_parsed(ws, path, parsed, channel=channel, received=received, force=force)


def register_parsed(ws: Workspace, path: Path, parsed: ParseResult, *, channel: str,
                    received: dt.date | None, force: bool = False,
                    corrections: dict[str, Any] | None = None) -> Registration:
    """Register the file ``path`` that ``parse_file`` read into ``parsed``, as a new case.

    ``corrections``: field → value the clerk set after reviewing the fields (names as in
    ``Case.to_json``: ``petitioner.name``, ``petitioner.id_number``, ``letter_date``,
    ``target``, ``request``, ``summary``, ``category``, ...), checked like ``docgen edit``
    checks them and applied before the case is registered; the 登记 event keeps what was read
    and what the clerk made of it. Unless ``force``, a file whose SHA-256 is registered already
    raises ``AlreadyRegistered`` — checked in the registration transaction. The stored
    original must have the digest of the bytes that were parsed (the file must not have
    changed in between)."""
    path = Path(path)
    if channel not in CHANNELS:
        raise DocgenError(f"来源渠道应为 {'、'.join(CHANNELS)} 之一（实际为 {channel}）")
    if not path.is_file():
        raise DocgenError(f"文件不存在或不是文件：{path}")
    digest = parsed.sha256 or sha256_file(path)
    case = case_from_fields(parsed.fields, parsed.extracted.text, channel=channel,
                            received=received or dt.date.today())
    case.extra.update({"source_file": path.name, "ocr": parsed.extracted.ocr,
                       "pages": parsed.extracted.pages})
    if parsed.extracted.warnings:   # e.g. a mislabelled file (§5): said at intake, kept with the case
        case.extra["intake_warnings"] = list(parsed.extracted.warnings)
    event_data: dict[str, Any] = {"file": path.name, "sha256": digest, "ocr": parsed.extracted.ocr}
    if corrections:
        changes, warnings = apply_corrections(ws, case, corrections)
        if changes:
            event_data["corrections"] = changes
        if warnings:
            case.extra.setdefault("intake_warnings", []).extend(warnings)
    return register_case(ws, case, original=path, sha256=digest, unique=not force,
                         detail=f"{channel}登记：{path.name}", event_data=event_data)


def apply_corrections(ws: Workspace, case: Case, corrections: dict[str, Any]
                      ) -> tuple[list[dict[str, Any]], list[str]]:
    """Apply a clerk's corrections to a case not yet registered, with the checks of
    ``docgen edit`` (``docgen.editing``): unknown fields, impossible values and unknown
    categories are refused; an invalid ID number is kept as typed and flagged. Returns the
    changes (field, label, old, new) and warnings for the clerk."""
    try:
        from docgen import editing
    except ImportError:     # pragma: no cover - editing ships with docgen
        raise DocgenError("本版本不支持登记前更正字段") from None
    if not isinstance(corrections, dict):
        raise DocgenError("更正内容应为“字段 → 值”的对应表")
    warnings: list[str] = []
    planned = editing._planned_changes(ws, case, dict(corrections), warnings)
    for change in planned:
        editing.set_value(case, change.field, change.new)
    names = {c.field for c in planned}
    editing._follow_flags(ws, case, names, [])
    if names & {"petitioner.id_number", "petitioner.id_valid"}:
        editing._id_problem(case)
    if names:
        case.extra["edited"] = sorted(set(case.extra.get("edited") or []) |
                                      (names - {"petitioner.id_valid"}))
    return [c.to_json() for c in planned], warnings
