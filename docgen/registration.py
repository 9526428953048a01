"""Registering a case (件): number, original file, the 登记 event and links to prior cases.

Letters (``intake``), visits (``visit``) and imported ledger rows all come through here, so a
case is always registered the same way: in one transaction, with its original kept
byte-for-byte, and with earlier cases of the same person linked — never rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.date_limits import check_stored
from docgen.fileio import atomic_copy, remove_file, safe_filename, sha256_file
from docgen.models import FILE_ORIGINAL, Case, Event, Petitioner, StoredFile, iso
from docgen.workspace import Workspace

REPEAT_FLAG = "重复信访"
GROUP_FLAG = "集体访"


@dataclass
class PriorCase:
    """An earlier case related to a new one, and why."""

    case_no: str
    received_date: dt.date
    status: str
    summary: str | None
    reasons: list[str]
    score: float = 1.0
    same_person: bool = True
    case_id: int | None = None

    @classmethod
    def of(cls, other: Case, reasons: list[str]) -> PriorCase:
        return cls(case_no=other.case_no, received_date=other.received_date, status=other.status,
                   summary=other.summary, reasons=reasons, case_id=other.id)

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "received_date": iso(self.received_date),
                "status": self.status, "summary": self.summary, "reasons": self.reasons,
                "score": round(self.score, 3), "same_person": self.same_person}


@dataclass
class Registration:
    case: Case
    prior_cases: list[PriorCase] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case.case_no, "channel": self.case.channel,
                "status": self.case.status, "received_date": iso(self.case.received_date),
                "petitioner": self.case.petitioner.to_json(), "summary": self.case.summary,
                "category": self.case.category, "flags": self.case.flags,
                "prior_cases": [p.to_json() for p in self.prior_cases]}


def _norm(s: str | None) -> str:
    return "".join((s or "").split())


def same_person_reasons(p: Petitioner, q: Petitioner) -> list[str]:
    """Why ``q`` is the same petitioner as ``p`` (empty: not shown to be): same ID number, an ID
    differing only in its check digit, or the same name with the same phone or address."""
    reasons = []
    if p.id_number and q.id_number:
        if p.id_number == q.id_number:
            reasons.append(f"身份证号相同（{p.id_number}）")
        elif len(p.id_number) == len(q.id_number) == 18 and p.id_number[:17] == q.id_number[:17]:
            reasons.append("身份证号仅校验位不同")
    if p.name and p.name == q.name:
        if p.phone and p.phone == q.phone:
            reasons.append(f"姓名与电话相同（{p.name}，{p.phone}）")
        if p.address and _norm(p.address) == _norm(q.address):
            reasons.append(f"姓名与住址相同（{p.name}）")
    return reasons


def find_same_person(ws: Workspace, case: Case) -> list[PriorCase]:
    """Earlier cases of the same petitioner (``same_person_reasons``)."""
    p = case.petitioner
    if not (p.id_number or p.name):
        return []
    found: list[PriorCase] = []
    for other in ws.registry.same_person_candidates(id_number=p.id_number, name=p.name):
        if other.id == case.id:
            continue
        reasons = same_person_reasons(p, other.petitioner)
        if reasons:
            found.append(PriorCase.of(other, reasons))
    return found


def find_prior_cases(ws: Workspace, case: Case) -> list[PriorCase]:
    """Same person first, then cases on the same issue from the search index (when built)."""
    return _with_similar(ws, case, find_same_person(ws, case))


def _with_similar(ws: Workspace, case: Case, priors: list[PriorCase]) -> list[PriorCase]:
    from docgen.index.similar import similar_for_case

    seen = {p.case_no for p in priors}
    for match in similar_for_case(ws, case, limit=5):
        if match.case_no not in seen and match.case_no != case.case_no:
            seen.add(match.case_no)
            priors.append(PriorCase(case_no=match.case_no, received_date=match.received_date,
                                    status=match.status or "", summary=match.summary,
                                    reasons=match.reasons, score=match.score,
                                    same_person=False))
    return priors


def register_case(ws: Workspace, case: Case, *, original: Path | None = None,
                  original_name: str | None = None, sha256: str | None = None,
                  detail: str = "", event_data: dict[str, Any] | None = None) -> Registration:
    """Give ``case`` its number and store it with its original file, in one transaction."""
    reg = ws.registry
    check_stored(case.received_date, "收到日期")
    check_stored(case.letter_date, "来信日期")
    check_stored(case.closed_date, "办结日期")
    group_threshold = int(ws.section("visits").get("group_threshold", 5))
    if case.persons >= group_threshold and GROUP_FLAG not in case.flags:
        case.flags.append(GROUP_FLAG)
    priors = find_same_person(ws, case)
    if priors and REPEAT_FLAG not in case.flags:
        case.flags.append(REPEAT_FLAG)
    written: Path | None = None
    try:
        with reg.transaction():
            reg.add_case(case)
            if original is not None:
                name = original_name or original.name
                stored = ws.case_dir(case.case_no) / "original" / safe_filename(name, "来信原件")
                atomic_copy(original, stored)
                written = stored
                digest = sha256_file(stored)
                if sha256 and digest != sha256:
                    raise OSError(f"copy of {original} changed while reading")
                reg.add_file(StoredFile(case_id=case.id, role=FILE_ORIGINAL, name=name,
                                        path=stored.relative_to(ws.root).as_posix(),
                                        sha256=digest, size=stored.stat().st_size,
                                        kind="来信原件", added_date=case.received_date))
            reg.add_event(Event(case_id=case.id, kind="登记", date=case.received_date,
                                detail=detail or f"{case.channel}登记", data=event_data or {}))
            for prior in priors:
                reg.link(case.id, prior.case_id, "；".join(prior.reasons), kind="repeat")
    except BaseException:
        if written is not None:
            remove_file(written)
        raise
    keep_index_current(ws, case)
    return Registration(case=case, prior_cases=_with_similar(ws, case, priors))


def keep_index_current(ws: Workspace, case: Case) -> None:
    """Update the case in the search index after a change. The index is derived data, so a
    failure here never undoes the change (``docgen index rebuild`` repairs it)."""
    from docgen.index.service import index_case

    try:
        index_case(ws, case)
    except Exception as exc:  # noqa: BLE001 - the registry is the source of truth
        import click

        click.echo(f"提示：检索索引未更新（{exc}），可运行 docgen index rebuild 重建。", err=True)
