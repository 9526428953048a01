"""Batch archiving (归档): every closed, not yet archived case becomes one 件 with a 档号 and a
BagIt package. Crash-safe and idempotent:

1. **Reserve.** In one registry transaction each new case gets its 件号 from the series'
   sequence and keeps it in ``case.extra['archive_reserved']``. Numbers are never handed out
   twice, and a crash before the commit hands out none, so 件号 have no gaps or repeats.
2. **Build.** The package is written to ``archive/.staging/<档号>`` and fsynced, then renamed
   to ``archive/<年度>/<档号>`` — a package folder appears only when it is complete.
3. **Record.** One transaction sets ``archive_no``, ``extra['archive_path']`` and adds the
   归档 event.

Run again after a crash: reservations are finished first; a final package without its record is
verified and recorded (or rebuilt when damaged); staging leftovers are removed and redone.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from docgen.archive import bag as bagmod
from docgen.archive.archive_no import (
    ARCHIVABLE_STATUSES,
    ArchiveCodes,
    ArchiveNo,
    RetentionRules,
    Series,
    finished_on,
)
from docgen.archive.catalogue import describe_item, write_catalogues
from docgen.archive.formats import expected_kind
from docgen.archive.pages import DocxRenderer
from docgen.archive.verify import check_package, log_access
from docgen.errors import DocgenError
from docgen.fileio import check_no_symlink, make_dirs, remove_file, remove_tree, rename, sha256_file
from docgen.models import Case, Event
from docgen.registration import keep_index_current
from docgen.workspace import Workspace

RESERVED_KEY = "archive_reserved"
STAGING = ".staging"
PAGE_CACHE = ".page-counts.json"
_STATUS_IN = "status IN (" + ", ".join("?" for _ in ARCHIVABLE_STATUSES) + ")"

Progress = Callable[[int, int], None]


@dataclass
class ArchivedItem:
    case_no: str
    archive_no: str
    path: str                 # workspace-relative package folder
    files: int
    bytes: int
    pages: int
    recovered: bool = False   # the package was already complete from an interrupted run
    paper: bool = False       # a 纸质 item: metadata only, the 件 itself is on paper

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "archive_no": self.archive_no, "path": self.path,
                "files": self.files, "bytes": self.bytes, "pages": self.pages,
                "paper": self.paper, "recovered": self.recovered}


@dataclass
class PlannedItem:
    case_no: str
    archive_no: str
    retention: str
    reason: str
    files: int
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "archive_no": self.archive_no, "retention": self.retention,
                "reason": self.reason, "files": self.files, "bytes": self.bytes,
                "paper": self.files == 0}


@dataclass
class SkippedCase:
    case_no: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "reason": self.reason}


@dataclass
class ArchiveResult:
    dry_run: bool = False
    archived: list[ArchivedItem] = field(default_factory=list)
    planned: list[PlannedItem] = field(default_factory=list)
    skipped: list[SkippedCase] = field(default_factory=list)
    # packages and catalogues written, as absolute paths like every other writer's ``files``
    # (workspace-relative ones would not resolve from another working directory)
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # said once, e.g. pages estimated
    seconds: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(a.bytes for a in self.archived)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dry_run": self.dry_run,
                               "archived": [a.to_json() for a in self.archived],
                               "files": self.files,
                               "skipped": [s.to_json() for s in self.skipped],
                               "paper": sum(a.paper for a in self.archived),
                               "pages": sum(a.pages for a in self.archived),
                               "notes": self.notes}
        if self.dry_run:
            out["planned"] = [p.to_json() for p in self.planned]
        out["bytes"] = self.bytes
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass
class _Task:
    case: Case
    archive_no: ArchiveNo
    reason: str
    bytes: int = 0


def closed_date_of(case: Case, events: list[Event]) -> dt.date | None:
    """The day the case was finished (办结, or the 存档备查 decision): its archive year."""
    return finished_on(case, events)


def _rel(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.root).as_posix()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def package_dir(ws: Workspace, no: ArchiveNo) -> Path:
    return ws.archive_dir / str(no.year) / str(no)


def archive_batch(ws: Workspace, year: int | None = None, dry_run: bool = False,
                  progress: Progress | None = None, today: dt.date | None = None) -> ArchiveResult:
    """Archive every closed case that has no 档号 yet (``year``: the year it was closed).

    Safe to run again at any time, also after being killed: it finishes what was begun.
    """
    started = time.perf_counter()
    codes = ArchiveCodes.from_config(ws.config)
    rules = RetentionRules.from_config(ws.config)
    ws.archive_dir.mkdir(parents=True, exist_ok=True)
    result = ArchiveResult(dry_run=dry_run)
    if dry_run:
        _plan(ws, codes, rules, year, result)
        result.seconds = time.perf_counter() - started
        return result
    lock = FileLock(str(ws.archive_dir / ".archive.lock"))
    try:
        lock.acquire(timeout=5)
    except Timeout:
        raise DocgenError("另一个归档进程正在运行，请等它结束后再试") from None
    renderer = None
    try:
        _clean_staging(ws)
        tasks = _reserve(ws, codes, rules, year, result)
        total = len(tasks)
        done = 0
        if progress:
            progress(0, total)
        renderer = _renderer(ws, result)
        per_sync = max(1, int(ws.section("archive").get("sync_every", CHUNK_PACKAGES)))
        for chunk in _chunks(tasks, per_sync):
            for item in _archive_chunk(ws, chunk, today or dt.date.today(), result, renderer):
                result.archived.append(item)
                result.files.append(str(ws.root / item.path))
            done += len(chunk)
            if progress:
                progress(done, total)
        if renderer is not None and renderer.failed:
            result.notes.append(f"LibreOffice 排版失败，.docx 页数按版面估算（{renderer.failed[:200]}）")
        years = sorted({t.archive_no.year for t in tasks} | ({year} if year else set()))
        result.files.extend(str(ws.root / _rel(ws, p))
                            for p in _write_catalogues(ws, years, year is None))
        log_access(ws.archive_dir, "archive", year=year, packages=len(result.archived),
                   problems=len(result.skipped))
    finally:
        if renderer is not None:
            renderer.close()
        lock.release()
    result.seconds = time.perf_counter() - started
    return result


def _renderer(ws: Workspace, result: ArchiveResult) -> DocxRenderer | None:
    """LibreOffice for .docx page counts, unless ``[archive] docx_pages = "estimate"`` or it is
    not installed (then the counts are estimated, and the result says so)."""
    sec = ws.section("archive")
    if str(sec.get("docx_pages", "render")).strip() == "estimate":
        return None
    if not DocxRenderer.available():
        result.notes.append("未安装 LibreOffice：.docx 文件的页数按版面估算，目录备注“页数含估算”")
        return None
    return DocxRenderer(ws.archive_dir / PAGE_CACHE, keep_pdfs=bool(sec.get("pdf_copies", False)))


# --- selecting and reserving -------------------------------------------------------------------

def _unarchived_closed(ws: Workspace) -> list[Case]:
    """Finished cases (办结 or 存档备查) without a 档号."""
    return ws.registry.list_cases(where=f"archive_no IS NULL AND {_STATUS_IN}",
                                  params=ARCHIVABLE_STATUSES)


def _precheck(ws: Workspace, case: Case) -> str | None:
    """Why a case cannot be archived now (before a number is spent on it), or None."""
    for f in ws.registry.files(case.id):
        src = ws.root / f.path
        try:
            size = src.stat().st_size
        except OSError:
            return f"文件缺失：{f.path}（{f.name}）"
        if size != f.size:
            return f"文件 {f.path} 的大小与登记时不同（{f.size} → {size} 字节）"
    return None


def _new_candidates(ws: Workspace, rules: RetentionRules, codes: ArchiveCodes, year: int | None,
                    result: ArchiveResult) -> list[tuple[Case, Series, str]]:
    out = []
    for case in _unarchived_closed(ws):
        if RESERVED_KEY in case.extra:
            continue
        events = ws.registry.events(case.id)
        closed = closed_date_of(case, events)
        if closed is None:
            result.skipped.append(SkippedCase(case.case_no, f"缺少{case.status}的日期"))
            continue
        if year and closed.year != year:
            continue
        problem = _precheck(ws, case)
        if problem:
            result.skipped.append(SkippedCase(case.case_no, problem))
            continue
        retention, reason = rules.retention_for(case, events)
        out.append((closed, case, codes.series(closed.year, retention), reason))
    # 件号 follow the order the cases were finished in, within each series
    out.sort(key=lambda t: (t[2], t[0], t[1].case_no))
    return [(case, series, reason) for _, case, series, reason in out]


def _plan(ws: Workspace, codes: ArchiveCodes, rules: RetentionRules, year: int | None,
          result: ArchiveResult) -> None:
    reg = ws.registry
    for case in _unarchived_closed(ws):
        reserved = case.extra.get(RESERVED_KEY)
        if reserved:
            files = reg.files(case.id)
            result.planned.append(PlannedItem(case.case_no, reserved["archive_no"],
                                              ArchiveNo.parse(reserved["archive_no"]).series.retention,
                                              reserved.get("reason", "") + "（已预留，续做）",
                                              len(files), sum(f.size for f in files)))
    next_no: dict[Series, int] = {}
    for case, series, reason in _new_candidates(ws, rules, codes, year, result):
        if series not in next_no:
            next_no[series] = max(reg.peek_sequence(series.sequence_name), _max_used(ws, series)) + 1
        files = reg.files(case.id)
        result.planned.append(PlannedItem(case.case_no, str(series.item(next_no[series])),
                                          series.retention, reason, len(files),
                                          sum(f.size for f in files)))
        next_no[series] += 1


def _max_used(ws: Workspace, series: Series) -> int:
    """The highest 件号 of a series already given out (archived or reserved)."""
    rows = ws.registry.conn.execute(
        "SELECT archive_no FROM cases WHERE archive_no LIKE ? UNION ALL "
        "SELECT json_extract(extra, '$.archive_reserved.archive_no') FROM cases "
        "WHERE archive_no IS NULL AND json_extract(extra, '$.archive_reserved.archive_no') LIKE ?",
        (f"{series}-%", f"{series}-%")).fetchall()
    best = 0
    for (text,) in rows:
        try:
            best = max(best, ArchiveNo.parse(text).item)
        except DocgenError:
            continue
    return best


def _orphans(ws: Workspace) -> dict[Series, list[tuple[int, Case]]]:
    """Numbers reserved for cases that were reopened before their package was made: they are
    handed to the next case of the same series so that no gap remains."""
    out: dict[Series, list[tuple[int, Case]]] = {}
    for case in ws.registry.list_cases(
            where=f"archive_no IS NULL AND NOT {_STATUS_IN} AND "
                  "json_extract(extra, '$.archive_reserved') IS NOT NULL", params=ARCHIVABLE_STATUSES):
        no = ArchiveNo.parse(case.extra[RESERVED_KEY]["archive_no"])
        if not package_dir(ws, no).exists():
            out.setdefault(no.series, []).append((no.item, case))
    for lst in out.values():
        lst.sort(key=lambda t: t[0])
    return out


def _reserve(ws: Workspace, codes: ArchiveCodes, rules: RetentionRules, year: int | None,
             result: ArchiveResult) -> list[_Task]:
    reg = ws.registry
    new = _new_candidates(ws, rules, codes, year, result)
    with reg.transaction():
        orphans = _orphans(ws) if new else {}
        prepared: set[Series] = set()
        for case, series, reason in new:
            fresh = reg.get_case_by_id(case.id)   # re-read under the write lock
            if fresh.status not in ARCHIVABLE_STATUSES or fresh.archive_no or RESERVED_KEY in fresh.extra:
                continue
            if series not in prepared:
                reg.set_sequence_at_least(series.sequence_name, _max_used(ws, series))
                prepared.add(series)
            if orphans.get(series):
                item, orphan = orphans[series].pop(0)
                orphan.extra.pop(RESERVED_KEY, None)
                reg.update_case(orphan)
            else:
                item = reg.next_sequence(series.sequence_name)
            fresh.extra[RESERVED_KEY] = {"archive_no": str(series.item(item)), "reason": reason}
            reg.update_case(fresh)
    tasks = []
    for case in _unarchived_closed(ws):
        reserved = case.extra.get(RESERVED_KEY)
        if reserved:
            size = sum(f.size for f in reg.files(case.id))
            tasks.append(_Task(case, ArchiveNo.parse(reserved["archive_no"]), reserved.get("reason", ""),
                               size))
    tasks.sort(key=lambda t: t.archive_no)
    return tasks


# --- building and recording --------------------------------------------------------------------

def _clean_staging(ws: Workspace) -> None:
    """Half-built packages of a killed run: nothing refers to them, so they go."""
    staging = ws.archive_dir / STAGING
    check_no_symlink(staging, "清理暂存区")
    if staging.exists():
        for child in staging.iterdir():
            if child.is_dir() and not child.is_symlink():
                remove_tree(child)
            else:
                remove_file(child)


# A group of packages is made durable with one os.sync() instead of an fsync per file and
# folder (tens of fsyncs per package); its size bounds the work a crash can throw away.
# ``[archive] sync_every`` in docgen.toml changes the package count.
CHUNK_PACKAGES = 32
CHUNK_BYTES = 128 << 20


def _chunks(tasks: list[_Task], packages: int = CHUNK_PACKAGES):
    chunk: list[_Task] = []
    size = 0
    for task in tasks:
        chunk.append(task)
        size += task.bytes
        if len(chunk) >= packages or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _archive_chunk(ws: Workspace, chunk: list[_Task], today: dt.date, result: ArchiveResult,
                   renderer: DocxRenderer | None = None) -> list[ArchivedItem]:
    """Build (or recover) each package of the chunk, make them durable, rename them into
    place, then record them all in one registry transaction."""
    reg = ws.registry
    # The registry is read here, in this thread; the builders only touch files.
    inputs = [(task, reg.events(task.case.id), reg.files(task.case.id), reg.links(task.case.id))
              for task in chunk]
    if renderer is not None:
        # every .docx of the chunk laid out by one LibreOffice run (starting it costs seconds)
        renderer.render([(f.sha256, ws.root / f.path) for task, _, files, _ in inputs
                         if not package_dir(ws, task.archive_no).exists()
                         for f in files if expected_kind(f.name) == "docx"
                         or expected_kind(f.path) == "docx"])
    ready: list[tuple[_Task, bagmod.Package, Path, bool]] = []
    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        futures = [pool.submit(_prepare, ws, *args, renderer) for args in inputs]
        for (task, *_), future in zip(inputs, futures, strict=True):
            try:
                ready.append(future.result())
            except bagmod.SourceFileError as exc:
                # The 件号 stays reserved for this case: fixing the file and running again
                # fills it, so no gap is ever left behind.
                result.skipped.append(SkippedCase(task.case.case_no, str(exc)))
    if any(not recovered for *_, recovered in ready):
        os.sync()   # every staged file and folder is on disk before any of them is renamed
    parents = set()
    for _task, package, final, recovered in ready:
        if not recovered:
            make_dirs(final.parent)
            rename(package.path, final)   # the moment the package becomes visible
            package.path = final
            parents.add(final.parent)
    for parent in parents | ({ws.archive_dir / STAGING} if parents else set()):
        _fsync_dir(parent)
    items = []
    with reg.transaction():
        for task, package, final, recovered in ready:
            if _record(ws, task.case, task.archive_no, package, today):
                items.append(ArchivedItem(task.case.case_no, str(task.archive_no), _rel(ws, final),
                                          len(package.files), package.payload_bytes, package.pages,
                                          recovered, _is_paper(package.metadata)))
    for item in items:   # archived cases stay findable with their 档号
        keep_index_current(ws, reg.get_case(item.case_no))
    return items


def _workers() -> int:
    """Reading, hashing and writing release the GIL: a few threads keep the disk busy."""
    return max(2, min(4, (os.cpu_count() or 1) * 2))


def _is_paper(metadata: dict[str, Any]) -> bool:
    return metadata.get("carrier") == bagmod.CARRIER_PAPER


def _prepare(ws: Workspace, task: _Task, events: list[Event], files: list,
             links: list[dict[str, Any]], renderer: DocxRenderer | None = None,
             ) -> tuple[_Task, bagmod.Package, Path, bool]:
    """The package of one task: the complete one an interrupted run left in place, or a new one
    in staging. Returns (task, package, final folder, recovered)."""
    case = task.case
    no = task.archive_no
    final = package_dir(ws, no)
    if final.exists():
        problems = check_package(final, expected_archive_no=str(no), expected_case_no=case.case_no)
        if not problems:
            return task, _package_from_disk(final), final, True
        # A damaged or foreign folder under our number: keep it aside, never delete it.
        aside = ws.archive_dir / f"{STAGING}-damaged" / f"{no}-{int(time.time())}"
        make_dirs(aside.parent)
        rename(final, aside)
    staging = ws.archive_dir / STAGING / str(no)
    remove_tree(staging)
    make_dirs(staging.parent)
    try:
        package = bagmod.build_package(
            staging, ws_root=ws.root, case=case, events=events, files=files,
            links=links, archive_no=no, retention_reason=task.reason,
            description=describe_item(case, events, files),
            office=ws.section("office").get("name", ""),
            pdf_copies=bool(ws.section("archive").get("pdf_copies", False)), sync=False,
            renderer=renderer)
    except BaseException:
        remove_tree(staging, ignore_errors=True)
        raise
    return task, package, final, False


def _package_from_disk(path: Path) -> bagmod.Package:
    meta = bagmod.read_metadata(path)
    files = [bagmod.PackageFile(**f) for f in meta["files"]]
    payload = sum(f.size for f in files) + (path / bagmod.METADATA_PATH).stat().st_size
    return bagmod.Package(path=path, archive_no=meta["archive_no"], files=files,
                          pages=int(meta["archive_stamp"]["pages"]), payload_bytes=payload,
                          manifest_sha256=sha256_file(path / bagmod.MANIFEST),
                          tagmanifest_sha256=sha256_file(path / bagmod.TAGMANIFEST), metadata=meta)


def _record(ws: Workspace, case: Case, no: ArchiveNo, package: bagmod.Package, today: dt.date) -> bool:
    reg = ws.registry
    rel = _rel(ws, package.path)
    with reg.transaction():
        fresh = reg.get_case_by_id(case.id)
        if fresh.archive_no:
            return False
        fresh.archive_no = str(no)
        fresh.extra.pop(RESERVED_KEY, None)
        fresh.extra["archive_path"] = rel
        fresh.extra["archive"] = {
            "archived_on": today.isoformat(),
            "pages": package.pages,
            "files": len(package.files),
            "bytes": package.payload_bytes,
            "manifest_sha256": package.manifest_sha256,
            "tagmanifest_sha256": package.tagmanifest_sha256,
            "retention_reason": package.metadata.get("retention_reason", ""),
            "catalogue": package.metadata.get("catalogue", {}),
            "carrier": package.metadata.get("carrier", bagmod.CARRIER_ELECTRONIC),
        }
        reg.update_case(fresh)
        what = "纸质件（仅元数据）" if _is_paper(package.metadata) else \
            f"{len(package.files)} 个文件，{package.pages} 页"
        reg.add_event(Event(case_id=case.id, kind="归档", date=today,
                            detail=f"归档，档号 {no}，{what}",
                            data={"archive_no": str(no), "path": rel,
                                  "manifest_sha256": package.manifest_sha256}))
    return True


def archived_by_series(ws: Workspace, years: list[int] | None = None) -> dict[Series, list[Case]]:
    where = "archive_no IS NOT NULL"
    params: tuple = ()
    if years:
        where += " AND (" + " OR ".join("archive_no LIKE ?" for _ in years) + ")"
        params = tuple(f"%\u00b7{y}-%" for y in years)
    out: dict[Series, list[Case]] = {}
    for case in ws.registry.list_cases(where=where, params=params):
        try:
            no = ArchiveNo.parse(case.archive_no)
        except DocgenError:
            continue
        out.setdefault(no.series, []).append(case)
    return out


def _write_catalogues(ws: Workspace, years: list[int], all_years: bool) -> list[Path]:
    by_series = archived_by_series(ws, None if all_years else years)
    return write_catalogues(ws.archive_dir, by_series, ws.config)
