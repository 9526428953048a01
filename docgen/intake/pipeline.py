"""consume → parse → register: an incoming file becomes a case.

``parse_file`` changes nothing (``docgen parse``); ``intake_file`` registers (``docgen intake``).
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
from docgen.models import Case
from docgen.registration import Registration, register_case
from docgen.workspace import Workspace


@dataclass
class ParseResult:
    path: Path
    extracted: Extracted
    fields: ParsedFields

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
    extracted = extract_text(path)
    return ParseResult(path=path, extracted=extracted,
                       fields=extract_fields(extracted.text, category_rules(ws)))


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


class AlreadyRegistered(DocgenError):
    """The very same file (same SHA-256) was taken in before."""

    def __init__(self, path: Path, case_no: str):
        super().__init__(f"{path.name} 已登记为 {case_no}，未重复登记（确需再次登记请加 --force）")
        self.case_no = case_no


def intake_file(ws: Workspace, path: Path, *, channel: str = "来信",
                received: dt.date | None = None, force: bool = False) -> Registration:
    """Parse ``path`` and register it as a new case, keeping the original byte-for-byte."""
    path = Path(path)
    if not path.is_file():
        raise DocgenError(f"文件不存在或不是文件：{path}")
    digest = sha256_file(path)
    if not force:
        dup = ws.registry.find_original_by_sha(digest)
        if dup:
            raise AlreadyRegistered(path, dup[1])
    parsed = parse_file(path, ws)
    case = case_from_fields(parsed.fields, parsed.extracted.text, channel=channel,
                            received=received or dt.date.today())
    case.extra.update({"source_file": path.name, "ocr": parsed.extracted.ocr,
                       "pages": parsed.extracted.pages})
    if parsed.extracted.warnings:   # e.g. a mislabelled file (§5): said at intake, kept with the case
        case.extra["intake_warnings"] = list(parsed.extracted.warnings)
    return register_case(ws, case, original=path, sha256=digest,
                         detail=f"{channel}登记：{path.name}",
                         event_data={"file": path.name, "sha256": digest,
                                     "ocr": parsed.extracted.ocr})
