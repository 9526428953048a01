"""Registering a case (件): number, original file, the 登记 event and links to prior cases.

Letters (``intake``), visits (``visit``) and imported ledger rows all come through here, so a
case is always registered the same way: in one transaction, with its original kept
byte-for-byte, and with earlier cases of the same person linked — never rejected.

The same file is never registered twice by accident: the SHA-256 duplicate check runs inside
the registration's write transaction (BEGIN IMMEDIATE), so of several processes taking in the
same file at once exactly one registers it. The original is stored with ``fileio.copy_new``,
which can only create a file: an original already on disk is never replaced, whatever number
the registry hands out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.date_limits import check_stored
from docgen.errors import DocgenError
from docgen.fileio import copy_to_free_name, remove_file, safe_filename, sha256_file
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


class AlreadyRegistered(DocgenError):
    """The very same file (same SHA-256) was taken in before."""

    def __init__(self, path: Path, case_no: str):
        super().__init__(f"{Path(path).name} 已登记为 {case_no}，未重复登记（确需再次登记请加 --force）")
        self.case_no = case_no


@dataclass
class Registration:
    case: Case
    prior_cases: list[PriorCase] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # said on stderr already (registry.say)

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
                  detail: str = "", event_data: dict[str, Any] | None = None,
                  unique: bool = False) -> Registration:
    """Give ``case`` its number and store it with its original file, in one transaction.

    ``sha256``: the digest of ``original`` as it was read (parsed); the stored copy must have
    it. ``unique``: refuse (``AlreadyRegistered``) when an original with that digest is
    registered already — checked under the write lock, so concurrent intakes of the same file
    register it once."""
    reg = ws.registry
    told = len(reg.notices)
    _clean_text_fields(case)
    if not 1 <= case.persons <= MAX_PERSONS:
        raise DocgenError(f"人数 {case.persons} 不合常理（应为 1 至 {MAX_PERSONS}），请核对")
    check_stored(case.received_date, "收到日期")
    check_stored(case.letter_date, "来信日期")
    check_stored(case.closed_date, "办结日期")
    group_threshold = int(ws.section("visits").get("group_threshold", 5))
    if case.persons >= group_threshold and GROUP_FLAG not in case.flags:
        case.flags.append(GROUP_FLAG)
    given_no, flags = case.case_no, list(case.flags)
    written: Path | None = None
    try:
        with reg.transaction():
            if unique and sha256:
                dup = reg.find_original_by_sha(sha256)
                if dup:
                    raise AlreadyRegistered(original or Path(original_name or "?"), dup[1])
            # under the write lock: a case of the same person registered a moment ago by
            # another process is linked too
            priors = find_same_person(ws, case)
            if priors and REPEAT_FLAG not in case.flags:
                case.flags.append(REPEAT_FLAG)
            reg.add_case(case)
            if original is not None:
                name = original_name or original.name
                written = copy_to_free_name(original, ws.case_dir(case.case_no) / "original",
                                            safe_filename(name, "来信原件"))
                digest = sha256_file(written)
                if sha256 and digest != sha256:
                    raise DocgenError(f"文件 {name} 在识别之后被改动（内容与识别时不同），未登记；"
                                      "请重新登记")
                reg.add_file(StoredFile(case_id=case.id, role=FILE_ORIGINAL, name=name,
                                        path=written.relative_to(ws.root).as_posix(),
                                        sha256=digest, size=written.stat().st_size,
                                        kind="来信原件", added_date=case.received_date))
            reg.add_event(Event(case_id=case.id, kind="登记", date=case.received_date,
                                detail=detail or f"{case.channel}登记", data=event_data or {}))
            for prior in priors:
                reg.link(case.id, prior.case_id, "；".join(prior.reasons), kind="repeat")
    except BaseException:
        if written is not None:
            remove_file(written)    # the copy made here, never a file that was there before
        # the case object as it came, so that a caller may try again
        case.case_no, case.id, case.flags = given_no, None, flags
        case.extra.pop("skipped_numbers", None)
        raise
    keep_index_current(ws, case)
    return Registration(case=case, prior_cases=_with_similar(ws, case, priors),
                        warnings=reg.notices[told:])


MAX_PERSONS = 100_000
# C0 controls but tab and newline, DEL, and the non-characters XML (so .docx, .xlsx) cannot hold:
# a NUL typed or pasted into a name would register and then break every letter written for it
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _clean(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _clean_text_fields(case: Case) -> None:
    """Drop characters no document can hold from every text of a case about to be stored."""
    for obj in (case, case.petitioner):
        for name, value in vars(obj).items():
            if isinstance(value, (str, list)) and name != "extra":
                setattr(obj, name, _clean(value))


def keep_index_current(ws: Workspace, case: Case) -> None:
    """Update the case in the search index after a change. The index is derived data, so a
    failure here never undoes the change (``docgen index rebuild`` repairs it)."""
    from docgen.index.service import index_case

    try:
        index_case(ws, case)
    except Exception as exc:  # noqa: BLE001 - the registry is the source of truth
        import click

        click.echo(f"提示：检索索引未更新（{exc}），可运行 docgen index rebuild 重建。", err=True)
