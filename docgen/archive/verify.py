"""Fixity and the 四性 checks of DA/T 70-2018 that software can do, over archived packages.

- 真实性 authenticity: every digest recomputed and compared (payload, tag files, the manifest
  digests the registry recorded at archiving), metadata agrees with its folder and the registry.
- 完整性 integrity: no file missing, required metadata present, every file's page count
  recomputed (docgen.archive.pages) and the 归档章 页数 their sum, 件号 continuous within each
  年度/期限/机构, every registered package present, each series' 归档文件目录 (.xlsx, .docx)
  and 备考表 present and listing every 件 with its 题名 and 页数. A 纸质 item (metadata only,
  the 件 is on paper) is reported as such, not as a problem.
- 可用性 usability: each file is what its name says (magic bytes), on the allowed-format list,
  opens, and PDFs are not encrypted.
- 安全性 security: nothing in the archive the registry does not know, nothing changed since
  archiving; every run is written to ``archive/access.log``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit

from docgen.archive import formats
from docgen.archive import pages as pagecount
from docgen.archive.archive_no import EV_FILE, ArchiveNo, Series
from docgen.archive.bag import (
    CARRIER_ELECTRONIC,
    CARRIER_PAPER,
    MANIFEST,
    METADATA_PATH,
    TAGMANIFEST,
    PackageBag,
)
from docgen.errors import DocgenError
from docgen.fileio import sha256_file

AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "真实性", "完整性", "可用性", "安全性"
CATEGORIES = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)
ACCESS_LOG = "access.log"
_YEAR_DIR = re.compile(r"^\d{4}$")

REQUIRED_METADATA = (
    ("archive_no",), ("archive_stamp", "fonds"), ("archive_stamp", "year"),
    ("archive_stamp", "item_no"), ("archive_stamp", "org"), ("archive_stamp", "retention"),
    ("archive_stamp", "pages"), ("catalogue", "title"), ("catalogue", "responsible"),
    ("catalogue", "date"), ("case", "case_no"), ("case", "channel"), ("case", "status"),
    ("case", "received_date"), ("files",), ("events",),
)
# case.closed_date is required too, except for a 存档备查 case: that decision finished it (the
# workflow records no closing date) and its event must be there instead.
STATUS_FILED = EV_FILE


@dataclass
class Problem:
    category: str            # 真实性 / 完整性 / 可用性 / 安全性
    package: str             # 档号 (the package folder's name) or the series
    file: str | None         # path inside the package, e.g. data/原件/来信.pdf
    message: str
    path: str | None = None  # the package folder, relative to the workspace
    severity: str = "error"  # "warning" does not fail verify

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "package": self.package, "file": self.file,
                "message": self.message, "path": self.path, "severity": self.severity}

    def __str__(self) -> str:
        where = self.package + (f" / {self.file}" if self.file else "")
        return f"[{self.category}] {where}：{self.message}"


@dataclass
class PackageStats:
    """What checking a package read, kept so nothing is read twice."""

    files: int = 0
    bytes: int = 0
    digests: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] | None = None


@dataclass
class VerifyReport:
    packages: int = 0
    files: int = 0
    bytes: int = 0
    pages: int = 0                # pages of the electronic items (归档章 页数 summed)
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    # 档号 of the 纸质 items checked: metadata only, the 件 itself is kept on paper
    paper: list[str] = field(default_factory=list)
    catalogues: int = 0           # series whose catalogues were found and checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0

    def by_category(self) -> dict[str, list[Problem]]:
        return {c: [p for p in self.problems if p.category == c] for c in CATEGORIES}

    def to_json(self) -> dict[str, Any]:
        cats = self.by_category()
        return {
            "ok": self.ok, "packages": self.packages, "files": self.files, "bytes": self.bytes,
            "pages": self.pages, "paper": sorted(self.paper), "catalogues": self.catalogues,
            "seconds": round(self.seconds, 3), "mb_per_s": round(self.mb_per_s, 1),
            "categories": {c: {"ok": not any(p.severity == "error" for p in ps),
                               "problems": sum(p.severity == "error" for p in ps),
                               "warnings": sum(p.severity != "error" for p in ps)}
                           for c, ps in cats.items()},
            "problems": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
        }


def log_access(archive_dir: Path, action: str, **fields: Any) -> None:
    """Append one line to archive/access.log (安全性: every access to the archive is logged)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    entry = {"time": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "action": action,
             "user": user, "host": socket.gethostname(), **fields}
    archive_dir.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(archive_dir / ACCESS_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _get(d: Any, keys: tuple[str, ...]) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def check_package(path: Path, *, expected_archive_no: str | None = None,
                  expected_case_no: str | None = None, label: str | None = None,
                  rel_path: str | None = None, stats: PackageStats | None = None) -> list[Problem]:
    """Every check that needs only the package itself. Returns the problems found."""
    label = label or path.name
    problems: list[Problem] = []
    stats = stats if stats is not None else PackageStats()
    pdfs: dict[str, formats.PdfInfo] = {}

    def add(category: str, file: str | None, message: str, severity: str = "error") -> None:
        problems.append(Problem(category, label, file, message, rel_path, severity))

    try:
        bag = PackageBag(str(path))
    except (bagit.BagError, OSError, UnicodeDecodeError) as exc:
        add(INTEGRITY, "bagit.txt", f"不是有效的 BagIt 包：{exc}")
        return problems
    if not (path / "data").is_dir():
        add(INTEGRITY, "data/", "缺少 data 文件夹")
    for tag in (MANIFEST, TAGMANIFEST, "bag-info.txt"):
        if not (path / tag).is_file():
            add(INTEGRITY, tag, "缺少清单/标签文件")
    missing, unexpected = bag.missing_and_unexpected()
    for rel in missing:
        add(INTEGRITY, rel, "文件缺失（清单中有，包中没有）")
    for rel in unexpected:
        add(AUTHENTICITY, rel, "清单外的文件（不是归档时的内容）")
    missing_set = set(missing)
    digests: dict[str, str] = {}
    for entry in bag.check_entries():
        if entry.error == "missing":
            if entry.path not in missing_set:
                add(INTEGRITY, entry.path, "文件缺失")
            continue
        if entry.error:
            add(USABILITY, entry.path, f"无法读取：{entry.error}")
            continue
        digests[entry.path] = entry.actual or ""
        stats.files += 1
        stats.bytes += entry.size
        if entry.actual != entry.expected:
            add(AUTHENTICITY, entry.path,
                f"SHA-256 不一致：清单记录 {entry.expected[:16]}…，重新计算为 {entry.actual[:16]}…")
        if entry.path.startswith("data/"):
            _check_format(path, entry.path, entry.head, add, pdfs)
    _check_oxum(bag, path, add, bool(missing or unexpected))
    stats.digests = digests
    stats.metadata = _check_metadata(path, bag, digests, expected_archive_no, expected_case_no, add, pdfs)
    return problems


def _check_format(root: Path, rel: str, head: bytes, add, pdfs: dict[str, formats.PdfInfo]) -> None:
    name = rel.rsplit("/", 1)[-1]
    full = root / rel
    problem = formats.type_problem(full, name, head)
    if problem:
        add(USABILITY, rel, f"文件类型与内容不符：{problem}")
        return
    if not formats.is_allowed(name):
        add(USABILITY, rel, f"格式 {Path(name).suffix or '（无扩展名）'} 不在长期保存格式清单中"
                            f"（{'、'.join(formats.ALLOWED)}）", "warning")
    if formats.expected_kind(name) == "pdf":
        info = pdfs[rel] = formats.pdf_info(full)
        if info.encrypted:
            add(USABILITY, rel, "PDF 已加密（长期保存的文件不得加密）")
        elif info.error:
            add(USABILITY, rel, f"PDF 无法打开：{info.error}")


def _check_oxum(bag: PackageBag, path: Path, add, already_reported: bool) -> None:
    oxum = bag.info.get("Payload-Oxum")
    if not oxum or already_reported:
        return
    if isinstance(oxum, list):
        oxum = oxum[0]
    try:
        want_bytes, want_files = (int(x) for x in str(oxum).split(".", 1))
    except ValueError:
        add(INTEGRITY, "bag-info.txt", f"Payload-Oxum 格式不正确：{oxum}")
        return
    files = list(bag.payload_files())
    size = sum((path / f).stat().st_size for f in files if (path / f).exists())
    if (want_bytes, want_files) != (size, len(files)):
        add(INTEGRITY, "bag-info.txt", f"Payload-Oxum 不符：记录 {want_files} 个文件 {want_bytes} 字节，"
                                       f"实际 {len(files)} 个文件 {size} 字节")


def _check_metadata(path: Path, bag: PackageBag, digests: dict[str, str],
                    expected_archive_no: str | None, expected_case_no: str | None, add,
                    pdfs: dict[str, formats.PdfInfo]) -> dict[str, Any] | None:
    try:
        meta = json.loads((path / METADATA_PATH).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None  # reported as a missing file already
    except (OSError, ValueError) as exc:
        add(INTEGRITY, METADATA_PATH, f"元数据无法读取：{exc}")
        return None
    if not isinstance(meta, dict):
        add(INTEGRITY, METADATA_PATH, "元数据不是 JSON 对象")
        return None
    for keys in REQUIRED_METADATA:
        value = _get(meta, keys)
        if value is None or value == "":
            add(INTEGRITY, METADATA_PATH, f"元数据缺少必填项 {'.'.join(keys)}")
    if not _get(meta, ("case", "closed_date")):
        filed = _get(meta, ("case", "status")) == STATUS_FILED and any(
            isinstance(e, dict) and e.get("kind") == EV_FILE for e in meta.get("events") or [])
        if not filed:
            add(INTEGRITY, METADATA_PATH, "元数据缺少必填项 case.closed_date（办结日期）")
    archive_no = meta.get("archive_no")
    if archive_no and archive_no != path.name:
        add(AUTHENTICITY, METADATA_PATH, f"元数据中的档号 {archive_no} 与包文件夹名 {path.name} 不一致")
    if archive_no:
        try:
            ArchiveNo.parse(archive_no)
        except DocgenError as exc:
            add(AUTHENTICITY, METADATA_PATH, str(exc))
    if expected_archive_no and archive_no != expected_archive_no:
        add(AUTHENTICITY, METADATA_PATH, f"档号应为 {expected_archive_no}，元数据中为 {archive_no}")
    case_no = _get(meta, ("case", "case_no"))
    if expected_case_no and case_no != expected_case_no:
        add(AUTHENTICITY, METADATA_PATH, f"案件应为 {expected_case_no}，元数据中为 {case_no}")
    ext_id = bag.info.get("External-Identifier")
    if archive_no and ext_id != archive_no:
        add(AUTHENTICITY, "bag-info.txt", f"External-Identifier {ext_id} 与档号 {archive_no} 不一致")
    files = meta.get("files") or []
    carrier = meta.get("carrier", CARRIER_ELECTRONIC)
    if carrier == CARRIER_PAPER and files:
        add(INTEGRITY, METADATA_PATH, f"标为纸质件，却列有 {len(files)} 个电子文件")
    elif carrier != CARRIER_PAPER and not files and "carrier" in meta:
        # (a package written before carriers were recorded has none: without files it is a
        # paper item too, see _is_paper)
        add(INTEGRITY, METADATA_PATH, "电子件没有任何文件（纸质件应标明 carrier: 纸质）")
    pages = 0
    for f in files:
        rel = f.get("path")
        if rel not in bag.entries:
            add(INTEGRITY, rel, "元数据列出的文件不在清单中")
            continue
        listed = (bag.entries[rel].get("sha256") or "").lower()
        if f.get("sha256") != listed:
            add(AUTHENTICITY, rel, "元数据中的 SHA-256 与清单不一致")
        if not f.get("derived_from"):
            pages += _int(f.get("pages"))
        if rel in digests:
            _check_pages(path, rel, f, files, add, pdfs)
    stamp_pages = _get(meta, ("archive_stamp", "pages"))
    if stamp_pages is not None and _int(stamp_pages) != pages:
        add(INTEGRITY, METADATA_PATH, f"归档章页数 {stamp_pages} 与各文件页数之和 {pages} 不符")
    shown = _get(meta, ("归档章", "页数"))
    if carrier != CARRIER_PAPER and shown is not None and _int(shown) != pages:
        add(INTEGRITY, METADATA_PATH, f"归档章数据中的页数 {shown} 与各文件页数之和 {pages} 不符")
    listed = {f.get("path") for f in files} | {METADATA_PATH}
    for rel in bag.payload_entries():
        if rel not in listed:
            add(INTEGRITY, rel, "清单中的文件未在元数据中登记", "warning")
    return meta


def _is_paper(meta: dict[str, Any]) -> bool:
    """A 纸质 item: marked so, or (written before carriers were recorded) without any file."""
    if "carrier" in meta:
        return meta["carrier"] == CARRIER_PAPER
    return not meta.get("files")


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return -1


def _check_pages(root: Path, rel: str, f: dict[str, Any], files: list[dict[str, Any]], add,
                 pdfs: dict[str, formats.PdfInfo]) -> None:
    """The file's 页数 recounted the way it was counted (``pages_method``). A .docx counted
    from a LibreOffice rendering is checked against the PDF copy the package keeps of it, if
    any; packages written before page methods were recorded have their PDFs checked."""
    want = _int(f.get("pages"))
    method = f.get("pages_method") or ""
    name = f.get("name") or rel.rsplit("/", 1)[-1]
    if method == pagecount.RENDERED:
        copy = next((g for g in files if g.get("derived_from") == rel), None)
        if copy is not None and _int(copy.get("pages")) != want:
            add(INTEGRITY, rel, f"页数不符：元数据 {want} 页，其 PDF 副本 {copy.get('pages')} 页")
        return
    if method not in pagecount.RECOMPUTABLE:
        if method or formats.expected_kind(rel) != "pdf":
            return
        method = pagecount.PDF
    if formats.expected_kind(rel) == "pdf" and rel in pdfs:
        if pdfs[rel].pages is None:
            return      # reported as a PDF that does not open
        got = max(1, pdfs[rel].pages)
    else:
        # the name in the package keeps the extension: count by it, as when packing
        got = pagecount.count_pages(root / rel, rel.rsplit("/", 1)[-1] or name).pages
    if got != want:
        label = pagecount.METHOD_LABEL.get(method, method)
        add(INTEGRITY, rel, f"页数不符：元数据 {want} 页，重新计算为 {got} 页（{label}）")


def _package_dirs(archive_dir: Path, year: int | None) -> list[Path]:
    out = []
    if not archive_dir.is_dir():
        return out
    for ydir in sorted(archive_dir.iterdir()):
        if not ydir.is_dir() or not _YEAR_DIR.match(ydir.name):
            continue
        if year and int(ydir.name) != year:
            continue
        out.extend(p for p in sorted(ydir.iterdir()) if p.is_dir() and not p.name.startswith("."))
    return out


def verify_archive(ws, year: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Check every archived package (of ``year``, by 档号 年度) against itself and the registry."""
    started = time.perf_counter()
    report = VerifyReport()
    reg = ws.registry
    where = "archive_no IS NOT NULL"
    params: tuple = ()
    if year:
        where += " AND archive_no LIKE ?"
        params = (f"%\u00b7{year}-%",)
    cases = reg.list_cases(where=where, params=params)
    by_dir: dict[Path, Any] = {}
    series_items: dict[Series, list[int]] = {}
    for case in cases:
        try:
            no = ArchiveNo.parse(case.archive_no)
        except DocgenError as exc:
            report.problems.append(Problem(AUTHENTICITY, case.archive_no, None,
                                           f"登记库中案件 {case.case_no} 的{exc}"))
            continue
        series_items.setdefault(no.series, []).append(no.item)
        rel = case.extra.get("archive_path") or f"archive/{no.year}/{no}"
        by_dir[Path(os.path.normpath(ws.root / rel))] = (case, no, rel)

    on_disk = {Path(os.path.normpath(p)): p for p in _package_dirs(ws.archive_dir, year)}
    todo = sorted(set(by_dir) | set(on_disk))
    registered = {case.id: {f.path: f.sha256 for f in reg.files(case.id)} for case in cases}
    total = len(todo)
    if progress:
        progress(0, total)

    def check(pdir: Path) -> tuple[list[Problem], PackageStats | None]:
        if pdir not in by_dir:
            rel = os.path.relpath(pdir, ws.root)
            return [Problem(SECURITY, pdir.name, None,
                            "登记库中没有这个档案包（来历不明，或归档被中断：请运行 docgen archive）", rel)], None
        case, no, rel = by_dir[pdir]
        if not pdir.is_dir():
            return [Problem(INTEGRITY, str(no), None, f"档案包缺失（案件 {case.case_no}，应在 {rel}）", rel)], None
        stats = PackageStats()
        found = check_package(pdir, expected_archive_no=str(no), expected_case_no=case.case_no,
                              label=str(no), rel_path=rel, stats=stats)
        found += _against_registry(case, no, pdir, stats, registered.get(case.id, {}), rel)
        return found, stats

    # Packages are independent, and reading and hashing release the GIL: check a few at once.
    described: dict[str, dict[str, Any]] = {}     # 档号 → the package's metadata
    with ThreadPoolExecutor(max_workers=max(2, min(4, (os.cpu_count() or 1) * 2))) as pool:
        for i, (found, stats) in enumerate(pool.map(check, todo), 1):
            report.problems.extend(found)
            if stats is not None:
                report.packages += 1
                report.files += stats.files
                report.bytes += stats.bytes
                meta = stats.metadata or {}
                if meta.get("archive_no"):
                    described[str(meta["archive_no"])] = meta
                if _is_paper(meta):
                    report.paper.append(str(meta.get("archive_no")))
                else:
                    report.pages += _int(_get(meta, ("archive_stamp", "pages")))
            if progress:
                progress(i, total)
    for series, items in sorted(series_items.items()):
        report.problems.extend(_continuity(series, items))
    numbers = {s: [str(c.archive_no) for c, no, _ in by_dir.values() if no.series == s] for s in series_items}
    for series in sorted(series_items):
        found = _check_catalogues(ws.archive_dir, series, numbers[series], described)
        report.problems.extend(found)
        if not any(p.message.startswith("缺少") for p in found):
            report.catalogues += 1
    report.seconds = time.perf_counter() - started
    log_access(ws.archive_dir, "verify", year=year, packages=report.packages,
               problems=len(report.errors), ok=report.ok)
    return report


def _against_registry(case, no: ArchiveNo, pdir: Path, stats: PackageStats,
                      registered: dict[str, str], rel: str) -> list[Problem]:
    """The digests recorded at archiving time still match (安全性), and each archived file is the
    one the registry recorded (真实性)."""
    out: list[Problem] = []
    info = case.extra.get("archive", {})
    for name, key in ((MANIFEST, "manifest_sha256"), (TAGMANIFEST, "tagmanifest_sha256")):
        want = info.get(key)
        if not want:
            continue
        got = stats.digests.get(name)
        if got is None and (pdir / name).is_file():   # the tag manifest lists itself nowhere
            got = sha256_file(pdir / name)
        if got is not None and got != want:
            out.append(Problem(SECURITY, str(no), name, "与归档时登记的校验值不同：档案包在归档后被改动", rel))
    for f in (stats.metadata or {}).get("files") or []:
        src = f.get("source_path")
        if src and src in registered and registered[src] != f.get("sha256"):
            out.append(Problem(AUTHENTICITY, str(no), f.get("path"),
                               f"与登记库记录的原件 SHA-256 不一致（{src}）", rel))
    return out


def _continuity(series: Series, items: list[int]) -> list[Problem]:
    out = []
    seen = sorted(items)
    dupes = sorted({n for n in seen if seen.count(n) > 1}) if len(set(seen)) != len(seen) else []
    if dupes:
        out.append(Problem(INTEGRITY, str(series), None, f"件号重复：{', '.join(f'{n:04d}' for n in dupes)}"))
    gaps = sorted(set(range(1, max(seen) + 1)) - set(seen)) if seen else []
    if gaps:
        shown = ", ".join(f"{n:04d}" for n in gaps[:20]) + (" …" if len(gaps) > 20 else "")
        out.append(Problem(INTEGRITY, str(series), None, f"件号不连续，缺 {shown}"))
    return out


def _check_catalogues(archive_dir: Path, series: Series, numbers: list[str],
                      described: dict[str, dict[str, Any]]) -> list[Problem]:
    """The series' 归档文件目录 (.xlsx and .docx) and 备考表 exist, and the .xlsx lists each 件
    once with the 题名 and 页数 its package records (blank 页数 and 备注 纸质 for a paper item)."""
    from docgen.archive.catalogue import COLUMNS, catalogue_paths

    out: list[Problem] = []
    paths = catalogue_paths(archive_dir, series)
    where = str(series)

    def add(file: str | None, message: str) -> None:
        out.append(Problem(INTEGRITY, where, file, message))

    labels = {"xlsx": "归档文件目录（.xlsx）", "docx": "归档文件目录（.docx）", "notes": "备考表"}
    for key, path in paths.items():
        if not path.is_file():
            add(path.name, f"缺少{labels[key]}（运行 docgen archive 即重新生成）")
    if not paths["xlsx"].is_file():
        return out
    try:
        from openpyxl import load_workbook

        wb = load_workbook(paths["xlsx"], read_only=True)
        try:
            rows = [list(r) for r in wb.active.iter_rows(min_row=3, values_only=True)]
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one problem
        add(paths["xlsx"].name, f"归档文件目录无法读取：{exc}")
        return out
    if not rows or tuple(str(v or "") for v in rows[0][:len(COLUMNS)]) != COLUMNS:
        add(paths["xlsx"].name, "归档文件目录的表头不是 " + "、".join(COLUMNS))
        return out
    col = {name: i for i, name in enumerate(COLUMNS)}
    listed: dict[str, list[Any]] = {}
    for r in rows[1:]:
        r = r + [None] * (len(COLUMNS) - len(r))
        no = str(r[col["档号"]] or "")
        if no:
            if no in listed:
                add(paths["xlsx"].name, f"档号 {no} 在目录中出现多次")
            listed[no] = r
    missing = sorted(set(numbers) - set(listed))
    extra = sorted(set(listed) - set(numbers))
    if missing:
        add(paths["xlsx"].name, f"目录缺少 {len(missing)} 件：{'、'.join(missing[:10])}"
                                f"{' …' if len(missing) > 10 else ''}（运行 docgen archive 即重新生成）")
    if extra:
        add(paths["xlsx"].name, f"目录列有登记库中没有的档号：{'、'.join(extra[:10])}")
    for no in sorted(set(numbers) & set(listed)):
        meta = described.get(no)
        if meta is None:
            continue        # the package itself was reported
        r = listed[no]
        paper = meta.get("carrier") == CARRIER_PAPER
        want = "" if paper else str(_int(_get(meta, ("archive_stamp", "pages"))))
        got = "" if r[col["页数"]] is None else str(r[col["页数"]]).strip()
        if got != want:
            add(paths["xlsx"].name, f"{no} 的页数：目录 {got or '空'}，档案包 {want or '空（纸质件）'}")
        title = _get(meta, ("catalogue", "title")) or ""
        if str(r[col["题名"]] or "") != title:
            add(paths["xlsx"].name, f"{no} 的题名与档案包元数据不一致")
        if paper and "纸质" not in str(r[col["备注"]] or ""):
            add(paths["xlsx"].name, f"{no} 是纸质件，目录备注未注明“纸质”")
    return out
