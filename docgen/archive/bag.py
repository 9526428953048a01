"""One archived 件 as a BagIt bag (RFC 8493), readable without docgen.

Layout of a package ``archive/<年度>/<档号>/``::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/metadata.json           case fields, events, files (order, role, sha256, pages), 归档章
    data/原件/<original name>    incoming letters, byte-for-byte under the name they came with
    data/附件/<name>             material received later (result reports, replies, photos)
    data/文书/<name>             documents docgen generated (交办函, 登记处理单, ...)

A 纸质 item (a case with no files, e.g. a row of an old ledger) is a package holding only
data/metadata.json, with ``carrier: 纸质``: the paper 件 it describes is kept in a box.

The payload is written with the digest computed while copying (one read per file) and checked
against the digest the registry recorded at intake, so a working file that changed since it
was registered is never archived silently. Reading uses ``bagit.Bag`` (manifest parsing,
completeness); :class:`PackageBag` adds a single-pass fixity check that names each file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import bagit

from docgen import __version__
from docgen.archive import formats
from docgen.archive import pages as pagecount
from docgen.archive.archive_no import RETENTION_NAMES, ArchiveNo
from docgen.archive.pages import DocxRenderer
from docgen.errors import DocgenError
from docgen.fileio import safe_filename
from docgen.models import FILE_ATTACHMENT, FILE_DOCUMENT, FILE_ORIGINAL, Case, Event, StoredFile

METADATA_NAME = "metadata.json"
METADATA_PATH = f"data/{METADATA_NAME}"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
BAGIT_VERSION = "1.0"
FORMAT_NAME = "docgen-archive-package"
FORMAT_VERSION = 1
_CHUNK = 1 << 20

ROLE_FOLDER = {FILE_ORIGINAL: "原件", FILE_ATTACHMENT: "附件", FILE_DOCUMENT: "文书"}

ORDER_RULE = ("件内排列（DA/T 22-2015）：办理结果在前，来文在后；处理单在前，来信在后。"
              "顺序：1 办理结果与答复 2 交办、转送、督办等函件 3 登记处理单、接待登记表、接待报告 "
              "4 来信原件 5 其他材料")

_RESULT_WORDS = ("结果", "答复", "回复", "告知", "办理情况", "复函")
_ROUTING_WORDS = ("交办", "转送", "转办", "督办", "催办", "函")
_SLIP_WORDS = ("处理单", "登记表", "接待报告", "登记", "处理笺", "呈批")


def order_rank(f: StoredFile) -> int:
    """Where a file goes inside the 件 (1 first). docs/standards.md §3: the result before the incoming
    material, the processing slip before the letter."""
    kind = f.kind or ""
    if f.role == FILE_ORIGINAL:
        return 4
    if any(w in kind for w in _RESULT_WORDS):
        return 1
    if f.role == FILE_DOCUMENT and any(w in kind for w in _ROUTING_WORDS):
        return 2
    if any(w in kind for w in _SLIP_WORDS):
        return 3
    return 5


def order_files(files: list[StoredFile]) -> list[StoredFile]:
    return sorted(files, key=lambda f: (order_rank(f), f.added_date or dt.date.min, f.id or 0))


@dataclass
class PackageFile:
    """A payload file as metadata.json lists it."""

    order: int
    path: str                    # inside the bag, e.g. data/原件/张三来信.pdf
    name: str                    # the name the file had when it came in (or was written)
    role: str
    kind: str
    sha256: str
    size: int
    pages: int
    media_type: str
    source_path: str | None = None    # where the working copy is (workspace-relative)
    added_date: str | None = None
    derived_from: str | None = None   # a PDF copy names the .docx it was converted from
    pages_method: str = ""            # how ``pages`` was found (docgen.archive.pages)

    def to_json(self) -> dict[str, Any]:
        return {"order": self.order, "path": self.path, "name": self.name, "role": self.role,
                "kind": self.kind, "sha256": self.sha256, "size": self.size, "pages": self.pages,
                "pages_method": self.pages_method, "media_type": self.media_type,
                "source_path": self.source_path, "added_date": self.added_date,
                "derived_from": self.derived_from}


@dataclass
class ItemDescription:
    """How the 件 appears in the 归档文件目录 (and bag-info.txt)."""

    title: str           # 题名
    responsible: str     # 责任者
    date: str            # 日期, 8 digits
    doc_no: str = ""     # 文号
    secret: str = ""     # 密级
    remarks: str = ""    # 备注

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "responsible": self.responsible, "date": self.date,
                "doc_no": self.doc_no, "secret": self.secret, "remarks": self.remarks}


@dataclass
class Package:
    """A finished bag: where it is, what it holds."""

    path: Path
    archive_no: str
    files: list[PackageFile]
    pages: int
    payload_bytes: int
    manifest_sha256: str
    tagmanifest_sha256: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return self.payload_bytes


class SourceFileError(DocgenError):
    """A working file of a case is missing or no longer matches its registered digest."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes, sync: bool) -> str:
    with open(path, "xb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    return hashlib.sha256(data).hexdigest()


def copy_hashing(src: Path, dst: Path, sync: bool = True) -> tuple[str, int]:
    """Copy byte-for-byte, computing SHA-256 on the way (fsync before returning when ``sync``)."""
    h = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dst, "xb") as fout:
        while chunk := fin.read(_CHUNK):
            h.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        if sync:
            fout.flush()
            os.fsync(fout.fileno())
    return h.hexdigest(), size


def encode_manifest_path(path: str) -> str:
    """RFC 8493 §2.1.3: percent-encode CR, LF and % in manifest paths."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def _unique(folder_names: set[str], name: str) -> str:
    if name not in folder_names:
        folder_names.add(name)
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        cand = f"{stem}（{n}）{dot}{ext}"
        if cand not in folder_names:
            folder_names.add(cand)
            return cand
        n += 1


def _one_line(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


CARRIER_ELECTRONIC, CARRIER_PAPER = "电子", "纸质"
PAPER_REMARK = "纸质"
ESTIMATE_REMARK = "页数含估算"


def build_package(dest: Path, *, ws_root: Path, case: Case, events: list[Event],
                  files: list[StoredFile], links: list[dict[str, Any]], archive_no: ArchiveNo,
                  retention_reason: str, description: ItemDescription, office: str = "",
                  pdf_copies: bool = False, sync: bool = True,
                  renderer: DocxRenderer | None = None) -> Package:
    """Write the bag for one 件 into ``dest`` (a fresh staging folder).

    With ``sync`` every file and folder is fsynced; the archiver passes False and makes a whole
    group of packages durable with one ``os.sync()`` before renaming them, which is much faster
    than thousands of fsyncs. Raises SourceFileError when a working file is missing or changed
    since registration.

    A case without files (an old ledger's row: the letter and its handling exist on paper only)
    becomes a 纸质 item: the package holds its metadata alone, marked ``carrier: 纸质``.
    ``renderer`` lays .docx files out with LibreOffice for their page count (and keeps the PDFs
    for ``pdf_copies``); without it, or where it fails, their pages are estimated and the item's
    备注 says so.
    """
    dest.mkdir(parents=True)
    data = dest / "data"
    data.mkdir()
    names: dict[str, set[str]] = {}
    packed: list[PackageFile] = []

    for f in order_files(files):
        src = ws_root / f.path
        if not src.is_file():
            raise SourceFileError(f"案件 {case.case_no} 的文件缺失：{f.path}（{f.name}）")
        folder = ROLE_FOLDER.get(f.role, "其他")
        (data / folder).mkdir(exist_ok=True)
        name = _unique(names.setdefault(folder, set()), safe_filename(f.name, Path(f.path).name))
        target = data / folder / name
        digest, size = copy_hashing(src, target, sync)
        if digest != f.sha256:
            raise SourceFileError(f"案件 {case.case_no} 的文件 {f.path} 与登记时的 SHA-256 不一致"
                                  f"（登记 {f.sha256[:12]}…，现为 {digest[:12]}…），未归档")
        rel = f"data/{folder}/{name}"
        rendered = renderer.pages(digest, target) \
            if renderer is not None and formats.expected_kind(name) == "docx" else None
        count = pagecount.count_pages(target, name, rendered=rendered)
        packed.append(PackageFile(
            order=len(packed) + 1, path=rel, name=f.name, role=f.role, kind=f.kind, sha256=digest,
            size=size, pages=count.pages, media_type=formats.media_type(name),
            source_path=f.path, added_date=f.added_date.isoformat() if f.added_date else None,
            pages_method=count.method))
    if pdf_copies and renderer is not None:
        packed.extend(_pdf_copies(renderer, dest, [p for p in packed if p.role == FILE_DOCUMENT
                                                   and p.path.lower().endswith(".docx")], len(packed), sync))

    carrier = CARRIER_ELECTRONIC if packed else CARRIER_PAPER
    notes = [n for n in description.remarks.split("；") if n]
    if carrier == CARRIER_PAPER:
        notes.insert(0, PAPER_REMARK)
    if any(p.pages_method == pagecount.ESTIMATE for p in packed):
        notes.append(ESTIMATE_REMARK)
    description = replace(description, remarks="；".join(dict.fromkeys(notes)))
    stamp_pages = sum(p.pages for p in packed if p.derived_from is None)
    metadata = _metadata(case, events, links, packed, archive_no, retention_reason, description,
                         stamp_pages, office, carrier)
    meta_bytes = (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    meta_digest = _write_new(dest / METADATA_PATH, meta_bytes, sync)

    entries = [(p.sha256, p.path) for p in packed] + [(meta_digest, METADATA_PATH)]
    payload_bytes = sum(p.size for p in packed) + len(meta_bytes)
    manifest = "".join(f"{d}  {encode_manifest_path(p)}\n" for d, p in sorted(entries, key=lambda e: e[1]))
    tag_digests = {
        "bagit.txt": _write_new(dest / "bagit.txt", (
            f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n").encode(), sync),
        "bag-info.txt": _write_new(dest / "bag-info.txt", _bag_info(
            case, archive_no, description, stamp_pages, payload_bytes, len(entries), office,
            len(packed), carrier).encode("utf-8"), sync),
        MANIFEST: _write_new(dest / MANIFEST, manifest.encode("utf-8"), sync),
    }
    tagmanifest = "".join(f"{d}  {p}\n" for p, d in sorted(tag_digests.items()))
    tag_digest = _write_new(dest / TAGMANIFEST, tagmanifest.encode("utf-8"), sync)
    if sync:
        for folder in names:
            _fsync_dir(data / folder)
        _fsync_dir(data)
        _fsync_dir(dest)
    return Package(path=dest, archive_no=str(archive_no), files=packed, pages=stamp_pages,
                   payload_bytes=payload_bytes, manifest_sha256=tag_digests[MANIFEST],
                   tagmanifest_sha256=tag_digest, metadata=metadata)


def _pdf_copies(renderer: DocxRenderer, dest: Path, docs: list[PackageFile], count: int,
                sync: bool) -> list[PackageFile]:
    """PDF renderings of the generated documents, kept beside them in data/文书PDF (optional,
    best effort: the .docx files themselves are archived whatever happens here). They are the
    renderings the page count came from."""
    ready = [(d, renderer.pdfs.get(d.sha256)) for d in docs]
    ready = [(d, pdf) for d, pdf in ready if pdf is not None and pdf.is_file()]
    if not ready:
        return []
    folder = dest / "data" / "文书PDF"
    folder.mkdir(exist_ok=True)
    taken: set[str] = set()
    out = []
    for doc, pdf in ready:
        name = _unique(taken, Path(doc.path).stem + ".pdf")
        target = folder / name
        digest, size = copy_hashing(pdf, target, sync)
        count_ = pagecount.count_pages(target, name)
        out.append(PackageFile(order=count + len(out) + 1, path=f"data/文书PDF/{name}", name=name,
                               role=FILE_DOCUMENT, kind=f"{doc.kind} PDF 副本", sha256=digest, size=size,
                               pages=count_.pages, media_type="application/pdf",
                               derived_from=doc.path, pages_method=count_.method))
    return out


def _metadata(case: Case, events: list[Event], links: list[dict[str, Any]],
              packed: list[PackageFile], archive_no: ArchiveNo, retention_reason: str,
              description: ItemDescription, pages: int, office: str,
              carrier: str = CARRIER_ELECTRONIC) -> dict[str, Any]:
    s = archive_no.series
    paper = carrier == CARRIER_PAPER
    stamp = {"fonds": s.fonds, "year": s.year, "item_no": f"{archive_no.item:04d}", "org": s.org,
             "retention": s.retention, "pages": pages}
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "archive_no": str(archive_no),
        "category_code": s.category,
        # 纸质: the 件 exists on paper only (e.g. imported from an old ledger); this package
        # holds its description, and its pages are counted on the paper (归档章 页数 blank)
        "carrier": carrier,
        "archive_stamp": stamp,
        "归档章": {"全宗号": s.fonds, "年度": s.year, "件号": f"{archive_no.item:04d}",
                 "机构(问题)": s.org, "保管期限": RETENTION_NAMES.get(s.retention, s.retention),
                 "页数": None if paper else pages},
        "retention_reason": retention_reason,
        "catalogue": description.to_json(),
        "office": office,
        "case": {"id": case.id, **case.to_json(), "archive_no": str(archive_no)},
        "events": [e.to_json() for e in events],
        "links": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in link.items()}
                  for link in links],
        "files": [p.to_json() for p in packed],
        "file_order_rule": ORDER_RULE,
        "archived_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "software": f"docgen {__version__}; bagit-python {bagit.VERSION}",
    }


def _bag_info(case: Case, archive_no: ArchiveNo, d: ItemDescription, pages: int,
              payload_bytes: int, payload_files: int, office: str, item_files: int,
              carrier: str = CARRIER_ELECTRONIC) -> str:
    s = archive_no.series
    fields = [
        ("Source-Organization", office),
        ("Bagging-Date", dt.date.today().isoformat()),
        ("Bag-Software-Agent", f"docgen {__version__} (bagit-python {bagit.VERSION})"),
        ("Payload-Oxum", f"{payload_bytes}.{payload_files}"),
        ("External-Identifier", str(archive_no)),
        ("External-Description", d.title),
        ("Internal-Sender-Identifier", case.case_no),
        ("档号", str(archive_no)),
        ("题名", d.title),
        ("责任者", d.responsible),
        ("日期", d.date),
        ("文号", d.doc_no),
        ("密级", d.secret),
        ("全宗号", s.fonds),
        ("门类代码", s.category),
        ("年度", s.year),
        ("保管期限", s.retention),
        ("机构代码", s.org),
        ("件号", f"{archive_no.item:04d}"),
        ("载体", carrier),
        ("页数", "" if carrier == CARRIER_PAPER else pages),
        ("件内文件数", item_files),
        ("登记号", case.case_no),
        ("来源渠道", case.channel),
        ("收到日期", case.received_date.isoformat()),
        ("办结日期", case.closed_date.isoformat() if case.closed_date else ""),
    ]
    return "".join(f"{k}: {_one_line(v)}\n" for k, v in fields)


@dataclass
class EntryCheck:
    """What reading one manifest entry found."""

    path: str
    expected: str
    actual: str | None
    head: bytes = b""
    error: str | None = None
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.actual == self.expected


class PackageBag(bagit.Bag):
    """``bagit.Bag`` plus a fixity pass that reads every file once and reports each one."""

    def missing_and_unexpected(self) -> tuple[list[str], list[str]]:
        """Payload files listed but absent, and files present but not listed."""
        missing, unexpected = self.compare_manifests_with_fs()
        return sorted(missing), sorted(unexpected)

    def check_entries(self) -> Iterator[EntryCheck]:
        """Recompute SHA-256 of every payload and tag file the manifests list."""
        for rel, hashes in sorted(self.entries.items()):
            expected = (hashes.get("sha256") or "").lower()
            full = os.path.join(self.path, self.normalized_filesystem_names.get(rel, rel))
            h = hashlib.sha256()
            head = b""
            size = 0
            try:
                with open(full, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        if not head:
                            head = chunk[:formats.HEAD_SIZE]
                        h.update(chunk)
                        size += len(chunk)
            except FileNotFoundError:
                yield EntryCheck(rel, expected, None, error="missing")
                continue
            except OSError as exc:
                yield EntryCheck(rel, expected, None, error=str(exc))
                continue
            yield EntryCheck(rel, expected, h.hexdigest(), head, size=size)


def read_metadata(package_dir: Path) -> dict[str, Any]:
    return json.loads((package_dir / METADATA_PATH).read_text(encoding="utf-8"))
