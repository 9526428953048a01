"""What the index holds for one case: ``IndexDocument``, built from a registry ``Case``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docgen.index.analyzer import normalize_id, normalize_phone
from docgen.models import Case


@dataclass
class IndexDocument:
    """The searchable view of a case. ``text`` is everything a clerk might look for: the letter
    (text layer or OCR), visit records, results, received and generated documents."""

    case_no: str
    received_date: dt.date | None = None
    external_no: str | None = None
    closed: bool = False
    archived: bool = False
    archive_no: str | None = None
    petitioner_name: str | None = None
    id_number: str | None = None
    phone: str | None = None          # digits only, without +86
    address: str | None = None
    target: str | None = None         # 被反映对象
    category: str | None = None
    status: str | None = None
    channel: str | None = None
    summary: str | None = None
    text: str = ""

    def __post_init__(self):
        self.id_number = normalize_id(self.id_number) or None
        self.phone = normalize_phone(self.phone) or None

    @property
    def subject(self) -> str:
        """What the case is about in a line: matches here rank first."""
        return "\n".join(p for p in (self.summary, self.target, self.category) if p)

    @property
    def fields_text(self) -> list[str]:
        """Every text value that full-text search covers, one entry per field."""
        return [p for p in (self.summary, self.petitioner_name, self.address, self.target,
                            self.category, self.external_no, self.text) if p]

    @property
    def id17(self) -> str | None:
        """The ID number without its check character: finds a number mistyped only there."""
        return self.id_number[:17] if self.id_number and len(self.id_number) == 18 else None

    @property
    def date_key(self) -> int:
        """``received_date`` as the integer 20140523 (0 when unknown), for ranges and sorting."""
        d = self.received_date
        return d.year * 10000 + d.month * 100 + d.day if d else 0


def date_from_key(key: int | None) -> dt.date | None:
    if not key:
        return None
    return dt.date(key // 10000, key // 100 % 100, key % 100)


def from_case(case: Case, extra_texts: list[str] | None = None) -> IndexDocument:
    """The index document of a case; ``extra_texts`` are texts kept outside the case row (OCR of
    attachments, generated letters, visit records)."""
    p = case.petitioner
    parts = [case.text or "", case.request or "", case.result or ""]
    visit = case.extra.get("visit") if isinstance(case.extra, dict) else None
    if isinstance(visit, dict):
        parts.extend(str(v) for v in visit.values() if isinstance(v, str))
    elif isinstance(visit, str):
        parts.append(visit)
    if case.cosigners:
        parts.append("、".join(case.cosigners))
    parts.extend(t for t in (extra_texts or []) if t)
    return IndexDocument(
        case_no=case.case_no,
        received_date=case.received_date,
        external_no=case.external_no,
        closed=case.is_closed,
        archived=bool(case.archive_no),
        archive_no=case.archive_no,
        petitioner_name=p.name,
        id_number=p.id_number,
        phone=p.phone,
        address=p.address,
        target=case.target,
        category=case.category,
        status=case.status,
        channel=case.channel,
        summary=case.summary,
        text="\n\n".join(t for t in parts if t.strip()),
    )
