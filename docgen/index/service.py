"""Opening, locking, versioning and rebuilding the index; the hooks the rest of docgen calls.

Layout of ``index_dir``::

    <engine>/             the engine's files (tantivy/ or whoosh/)
    <engine>.meta.json    {"schema_version": 3, "engine": ..., "count": ..., "built": ...}
    <engine>.stale        present when a change could not be written (a rebuild is due)
    .write.lock           file lock: one writer at a time, across processes

The index is derived data. A missing, outdated or damaged index is never searched: the caller
gets ``IndexUnavailable`` with a Chinese reason and rebuilds (``docgen search`` does so by
itself). A rebuild writes a fresh folder and swaps it in, so searches meanwhile see the old one.

What the index has not caught up with is in the registry's index journal
(``docgen.index.journal``, marked by the registry in the transaction of every change).
``sync`` applies it: the hooks (``index_case``, ``index_cases``) that every writing command
calls at its end, ``docgen search``/``similar`` before searching and ``docgen index status``
all sync, so a command killed after its commit leaves nothing that the next one does not repair.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from docgen.errors import DocgenError
from docgen.fileio import make_dirs, remove_file, remove_tree, rename
from docgen.index import journal
from docgen.index.base import SCHEMA_VERSION, IndexDamaged, SearchEngine, SearchFilters, SearchResult
from docgen.index.document import IndexDocument, from_case

ENGINES = ("tantivy", "whoosh")
WRITE_LOCK_TIMEOUT = 120.0       # a hook waits this long for another writer before giving up
REBUILD_LOCK_TIMEOUT = 3600.0


class IndexUnavailable(DocgenError):
    """The index is missing, built by another version, or damaged: rebuild it."""


def resolve_engine(engine: str | None = "auto") -> str:
    """``auto`` takes tantivy when it can be imported, else Whoosh."""
    engine = (engine or "auto").strip().lower()
    if engine == "auto":
        return "tantivy" if importlib.util.find_spec("tantivy") is not None else "whoosh"
    if engine not in ENGINES:
        raise DocgenError(f"未知的检索引擎：{engine}（可选 auto、whoosh、tantivy）")
    if engine == "tantivy" and importlib.util.find_spec("tantivy") is None:
        raise DocgenError("未安装 tantivy，请改用 whoosh 引擎（search.engine = \"whoosh\"）")
    return engine


def _engine_class(name: str) -> type[SearchEngine]:
    if name == "tantivy":
        from docgen.index.tantivy_engine import TantivyEngine
        return TantivyEngine
    from docgen.index.whoosh_engine import WhooshEngine
    return WhooshEngine


def _atomic_write(path: Path, text: str) -> None:
    from docgen.fileio import atomic_write_text
    atomic_write_text(path, text)


class SearchIndex:
    """An open index: searching without a lock, writing under the cross-process file lock."""

    def __init__(self, index_dir: Path, engine_name: str, engine: SearchEngine):
        self.index_dir = Path(index_dir)
        self.engine_name = engine_name
        self.engine = engine

    @property
    def lock(self) -> FileLock:
        return FileLock(str(self.index_dir / ".write.lock"))

    # -- reading -------------------------------------------------------------------------
    def search(self, query=None, filters: SearchFilters | None = None, limit: int = 20,
               sort: str = "relevance") -> SearchResult:
        start = time.perf_counter()
        try:
            result = self.engine.search(query, filters, limit, sort)
        except (IndexDamaged, OSError, EOFError, ValueError) as exc:
            # tantivy reports missing or corrupt segment files as ValueError/OSError.
            raise IndexUnavailable(f"检索索引已损坏（{exc}），需要重建") from exc
        result.took_ms = (time.perf_counter() - start) * 1000
        return result

    def get(self, case_no: str) -> IndexDocument | None:
        return self.engine.get(case_no)

    def count(self) -> int:
        return self.engine.count()

    def close(self) -> None:
        self.engine.close()

    # -- writing -------------------------------------------------------------------------
    def _locked(self, fn, timeout: float = WRITE_LOCK_TIMEOUT):
        try:
            with self.lock.acquire(timeout=timeout, poll_interval=0.05):
                result = fn()
                _write_meta(self.index_dir, self.engine_name, self.engine.count())
                return result
        except Timeout as exc:
            raise DocgenError("检索索引正被另一个程序写入，请稍后再试") from exc

    def add(self, docs: Iterable[IndexDocument], bulk: bool = False) -> int:
        return self._locked(lambda: self.engine.add(docs, bulk=bulk))

    def replace(self, doc: IndexDocument) -> None:
        self._locked(lambda: self.engine.replace(doc))

    def delete(self, case_no: str) -> None:
        self._locked(lambda: self.engine.delete(case_no))


def _meta_path(index_dir: Path, engine: str) -> Path:
    return Path(index_dir) / f"{engine}.meta.json"


def _write_meta(index_dir: Path, engine: str, count: int) -> None:
    meta = {"schema_version": SCHEMA_VERSION, "engine": engine, "count": count,
            "built": dt.datetime.now().isoformat(timespec="seconds")}
    _atomic_write(_meta_path(index_dir, engine), json.dumps(meta, ensure_ascii=False, indent=1))


def read_meta(index_dir: Path, engine: str) -> dict | None:
    try:
        return json.loads(_meta_path(index_dir, engine).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_status(index_dir: Path, engine: str = "auto") -> str | None:
    """None when the index can be searched, else the Chinese reason it cannot."""
    name = resolve_engine(engine)
    index_dir = Path(index_dir)
    meta = read_meta(index_dir, name)
    if meta is None or not (index_dir / name).is_dir():
        return "检索索引尚未建立"
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("engine") != name:
        return (f"检索索引的版本（{meta.get('schema_version')}）与本程序（{SCHEMA_VERSION}）不符，"
                "需要重建")
    if (index_dir / f"{name}.stale").exists():
        return STALE
    return None


STALE = "检索索引有未写入的更改，需要重建"


def open_index(index_dir: Path, engine: str = "auto", create: bool = False) -> SearchIndex:
    """Open the index for searching and small updates.

    ``create=True`` makes an empty index when there is none (or an unusable one); otherwise a
    missing, outdated or damaged index raises ``IndexUnavailable``.
    """
    name = resolve_engine(engine)
    index_dir = Path(index_dir)
    reason = index_status(index_dir, name)
    if reason is not None:
        if not create:
            raise IndexUnavailable(reason + "，请运行 docgen index rebuild")
        return rebuild(index_dir, [], name)
    try:
        return SearchIndex(index_dir, name, _engine_class(name)(index_dir / name))
    except IndexDamaged as exc:
        if create:
            return rebuild(index_dir, [], name)
        raise IndexUnavailable(f"检索索引已损坏（{exc}），请运行 docgen index rebuild") from exc


def _counted(docs: Iterable[IndexDocument], progress: Callable[[int], None] | None,
             every: int = 500):
    """Pass documents through, calling ``progress(n)`` every ``every`` documents."""
    n = 0
    for doc in docs:
        yield doc
        n += 1
        if progress and n % every == 0:
            progress(every)
    if progress and n % every:
        progress(n % every)


def rebuild(index_dir: Path, docs: Iterable[IndexDocument], engine: str = "auto",
            progress: Callable[[int], None] | None = None) -> SearchIndex:
    """Build a fresh index from ``docs`` and swap it in; ``progress(n)`` as documents go in."""
    name = resolve_engine(engine)
    index_dir = make_dirs(Path(index_dir))
    started = time.time()
    with FileLock(str(index_dir / ".write.lock")).acquire(timeout=REBUILD_LOCK_TIMEOUT,
                                                          poll_interval=0.1):
        fresh = index_dir / f"{name}.new"
        cls = _engine_class(name)
        engine = cls(fresh, create=True)
        engine.add(_counted(docs, progress), bulk=True)
        count = engine.count()
        engine.close()
        final, old = index_dir / name, index_dir / f"{name}.old"
        remove_tree(old, ignore_errors=True)
        if final.exists():
            rename(final, old)
        rename(fresh, final)
        remove_tree(old, ignore_errors=True)
        _write_meta(index_dir, name, count)
        stale = index_dir / f"{name}.stale"
        # A change marked stale after this rebuild began may be missing from it: keep the mark.
        if stale.exists() and stale.stat().st_mtime < started:
            remove_file(stale)
    return SearchIndex(index_dir, name, cls(final))


# -- the workspace side: registry → documents, and the hooks -------------------------------

def configured_engine(ws) -> str:
    try:
        return str(ws.section("search").get("engine", "auto"))
    except Exception:   # a workspace without a [search] section uses the default
        return "auto"


def _file_text(path: Path) -> str:
    """Text of a stored .txt or .docx (results, replies, generated letters); others: nothing."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            data = path.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    return data.decode(enc)
                except UnicodeDecodeError:
                    continue
        elif suffix == ".docx":
            import docx
            d = docx.Document(str(path))
            parts = [p.text for p in d.paragraphs]
            parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
            return "\n".join(parts)
    except Exception:   # an unreadable file must not stop indexing the case itself
        return ""
    return ""


TEXT_FOLDER = "text"


def text_sidecar(ws, case_no: str, stored: Path) -> Path | None:
    """Where the extracted text of a stored file of the case is kept:
    ``<case>/text/<path inside the case>.txt`` (None for a file outside the case folder)."""
    case_dir = Path(ws.case_dir(case_no))
    try:
        inside = Path(stored).relative_to(case_dir)
    except ValueError:
        return None
    return case_dir / TEXT_FOLDER / inside.parent / (inside.name + ".txt")


def extract_attachment_text(path: Path) -> str:
    """The text of received material (PDF text layer or OCR, scans and photos by OCR, .docx,
    .txt) — read once, when it is attached; '' when nothing can be read (a photo of a site,
    an unknown format): attaching never fails because of it."""
    from docgen.intake.extract import extract_text
    try:
        return extract_text(Path(path)).text or ""
    except Exception:   # DocgenError for unreadable input, anything from a broken PDF
        return ""


def write_text_sidecar(ws, case_no: str, stored: Path, text: str) -> Path | None:
    """Keep ``text`` beside the stored file for the index; returns the path written, if any."""
    sidecar = text_sidecar(ws, case_no, stored)
    if sidecar is None or not text.strip():
        return None
    from docgen.fileio import atomic_write_text
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(sidecar, text)
    return sidecar


def _stored_text(ws, case_no: str, path: Path) -> str:
    """The text kept when the file was attached, else what can be read cheaply (.txt, .docx).
    Never OCR here: a rebuild reads thousands of cases."""
    sidecar = text_sidecar(ws, case_no, path)
    if sidecar is not None and sidecar.is_file():
        try:
            return sidecar.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    return _file_text(path)


def case_texts(ws, case) -> list[str]:
    """Texts of a case kept outside the case row: event details, stored text documents and the
    text extracted from attachments when they were attached."""
    reg = ws.registry
    texts = []
    if case.id is not None:
        texts += [e.detail for e in reg.events(case.id) if e.detail]
        for f in reg.files(case.id):
            if f.role != "original":   # the original's text is already case.text
                texts.append(_stored_text(ws, case.case_no, ws.root / f.path))
    return [t for t in texts if t and t.strip()]


def document_for(ws, case) -> IndexDocument:
    return from_case(case, case_texts(ws, case))


def rebuild_from_workspace(ws, engine: str | None = None,
                           progress: Callable[[int], None] | None = None) -> SearchIndex:
    """``docgen index rebuild``: every case of the registry, open and archived. The journal
    marks committed before the registry was read are cleared; later ones stay for ``sync``."""
    name = resolve_engine(engine or configured_engine(ws))
    upto = journal.counter(ws.registry.conn)
    docs = (document_for(ws, case) for case in ws.registry.iter_cases())
    idx = rebuild(ws.index_dir, docs, name, progress)
    if name == resolve_engine(configured_engine(ws)):
        journal.clear_upto(ws.registry, upto)
    return idx


def open_workspace_index(ws, engine: str | None = None, rebuild_if_needed: bool = True,
                         say: Callable[[str], None] | None = None) -> SearchIndex:
    """The workspace's index, rebuilt first (with a message) when missing/outdated/damaged,
    and caught up with the registry (``sync``)."""
    name = resolve_engine(engine or configured_engine(ws))
    sync(ws, name)
    try:
        return open_index(ws.index_dir, name)
    except IndexUnavailable as exc:
        if not rebuild_if_needed:
            raise
        if say:
            say(f"{str(exc).split('，请运行')[0]}，正在从登记库重建……")
        return rebuild_from_workspace(ws, name)


def pending_changes(ws) -> int:
    """How many cases the index has not caught up with (journal entries)."""
    return journal.count(ws.registry.conn)


BULK = 1000   # from this many new cases on, the engines' bulk writer pays off


def sync(ws, engine: str | None = None) -> int:
    """Apply the index journal to the workspace's index: every case changed in the registry
    since the index last had it is written again (added, replaced, or dropped when the registry
    no longer has it); a "rebuild" mark rebuilds. Returns how many cases were applied.

    Nothing to do without a usable index (the next search rebuilds it, which clears the
    journal). When another process holds the index lock for longer than a hook waits, the
    entries stay for the next command; a damaged index is marked for a rebuild."""
    name = resolve_engine(engine or configured_engine(ws))
    index_dir = Path(ws.index_dir)
    reg = ws.registry
    if index_status(index_dir, name) is not None:
        return 0
    entries = journal.pending(reg.conn)
    if not entries:
        return 0
    if any(e.everything for e in entries):
        rebuild_from_workspace(ws, name).close()
        return len(entries)
    try:
        with FileLock(str(index_dir / ".write.lock")).acquire(timeout=WRITE_LOCK_TIMEOUT,
                                                              poll_interval=0.05):
            # Read again under the lock: another process may have applied them meanwhile.
            entries = journal.pending(reg.conn)
            if entries and not any(e.everything for e in entries):
                _apply(ws, index_dir, name, entries)
    except Timeout:
        return 0
    except (DocgenError, IndexDamaged, OSError, ValueError, EOFError):
        # The registry change has happened; the index must not silently miss it.
        (index_dir / f"{name}.stale").touch()
        return 0
    if any(e.everything for e in entries):
        rebuild_from_workspace(ws, name).close()
    else:
        journal.clear(reg, entries)
    return len(entries)


def _apply(ws, index_dir: Path, name: str, entries: list[journal.Entry]) -> None:
    """Write the journal's cases to the index; the caller holds the write lock. A fresh engine
    sees every commit made before the lock was taken, so "already in the index" is exact and
    a case is never added twice."""
    engine = _engine_class(name)(index_dir / name)
    try:
        new, changed, gone = [], [], []
        for e in entries:
            try:
                case = ws.registry.get_case_by_id(e.case_id)
            except DocgenError:
                if e.case_no and engine.get(e.case_no) is not None:
                    gone.append(e.case_no)
                continue
            doc = document_for(ws, case)
            (changed if engine.get(case.case_no) is not None else new).append(doc)
        if new:
            engine.add(new, bulk=len(new) >= BULK)
        for doc in changed:
            engine.replace(doc)
        for case_no in gone:
            engine.delete(case_no)
        _write_meta(index_dir, name, engine.count())
    finally:
        engine.close()


def index_case(ws, case) -> None:
    """Call after intake, routing, closing or archiving a case (cheap; no index, no work). The
    registry has marked the case in the index journal; this applies the journal — the case and
    whatever an earlier, interrupted command left."""
    sync(ws)


def index_cases(ws, cases) -> None:
    """After registering many cases at once (ledger import); the same as ``index_case``."""
    sync(ws)


def remove_case(ws, case_no: str) -> None:
    """Call after a case is deleted from the registry (the journal cannot know a deletion done
    outside the registry's methods)."""
    name = resolve_engine(configured_engine(ws))
    if index_status(ws.index_dir, name) is not None:
        return
    idx = open_index(ws.index_dir, name)
    try:
        idx.delete(case_no)
    except (DocgenError, IndexDamaged, OSError, ValueError):
        (Path(ws.index_dir) / f"{name}.stale").touch()
    finally:
        idx.close()
    sync(ws)


# -- docgen index status ---------------------------------------------------------------------

@dataclass
class IndexReport:
    """What ``docgen index status`` found and did. ``ok``: the index can be searched and holds
    every case of the registry as it stands (after the repair, when one was made)."""

    engine: str
    count: int | None              # cases in the index
    registry_count: int            # cases in the registry
    pending: int                   # journal entries found (changes the index had not yet)
    schema_version: int | None
    expected_schema_version: int
    built: str | None
    problem: str | None            # what was wrong when looked at (None: nothing)
    repaired: str | None = None    # what was done about it
    ok: bool = False

    def to_json(self) -> dict:
        return {"engine": self.engine, "count": self.count, "registry_count": self.registry_count,
                "pending": self.pending, "schema_version": self.schema_version,
                "expected_schema_version": self.expected_schema_version, "built": self.built,
                "ok": self.ok, "problem": self.problem, "repaired": self.repaired}

    def to_text(self) -> str:
        head = f"引擎 {self.engine}，{self.count or 0} 件（登记库 {self.registry_count} 件），"
        if self.problem is None:
            return head + "可用"
        lines = [head + self.problem]
        if self.repaired:
            lines.append(f"已修复：{self.repaired}" + ("，现在可用" if self.ok else ""))
        elif not self.ok:
            lines.append("可运行 docgen index rebuild 重建（检索时也会自动重建）")
        return "\n".join(lines)


def _index_count(index_dir: Path, name: str) -> int | None:
    try:
        idx = open_index(index_dir, name)
    except IndexUnavailable:
        return None
    try:
        return idx.count()
    except (IndexDamaged, OSError, ValueError, EOFError):
        return None
    finally:
        idx.close()


def check_index(ws, repair: bool = True) -> IndexReport:
    """Compare the index with the registry: usable, every journal entry applied, as many cases
    as the registry. With ``repair``, apply the journal and rebuild when the counts still
    differ (a case the journal cannot know, e.g. from before the journal existed) or when a
    change could not be written (``.stale``). A missing or outdated index is reported only: the
    next search, or ``docgen index rebuild``, builds it."""
    name = resolve_engine(configured_engine(ws))
    index_dir = Path(ws.index_dir)
    reg = ws.registry
    pending = journal.count(reg.conn)
    unusable = index_status(index_dir, name)
    problems, repairs = [], []
    stale = unusable == STALE
    if unusable is not None and not stale:
        problems.append(unusable)
    else:
        if stale:
            problems.append(unusable)
        if pending:
            problems.append(f"检索索引缺少 {pending} 件案件的最近更改（上次写入可能被中断）")
        if repair and stale:
            rebuild_from_workspace(ws, name).close()
            repairs.append("已从登记库重建")
        elif repair and pending:
            applied = sync(ws, name)
            repairs.append(f"已补写 {applied} 件")
        count, registered = _index_count(index_dir, name), reg.count_cases()
        if count is not None and count != registered and not stale:
            problems.append(f"检索索引有 {count} 件，登记库有 {registered} 件，不一致")
            if repair:
                rebuild_from_workspace(ws, name).close()
                repairs.append("已从登记库重建")
    meta = read_meta(index_dir, name) or {}
    count, registered = _index_count(index_dir, name), reg.count_cases()
    ok = (index_status(index_dir, name) is None and journal.count(reg.conn) == 0
          and count == registered)
    return IndexReport(engine=name, count=count if count is not None else meta.get("count"),
                       registry_count=registered, pending=pending,
                       schema_version=meta.get("schema_version"),
                       expected_schema_version=SCHEMA_VERSION, built=meta.get("built"),
                       problem="；".join(problems) or None, repaired="；".join(repairs) or None,
                       ok=ok)
