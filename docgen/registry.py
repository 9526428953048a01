"""The registry: one SQLite file holding cases, their events, files, links and number sequences.

Every change runs inside ``transaction()`` (BEGIN IMMEDIATE), so two ``docgen`` processes
registering at the same moment queue for the write lock and never share a number.

Numbers are never handed out twice, even when ``registry.sqlite`` is restored from an older
copy while the case folders stay on disk:

- the value of every sequence is mirrored in ``registry.numbers.json`` beside the registry,
  written inside the write transaction just before it commits; a registry whose sequence is
  behind its mirror continues after the mirrored value (and says so). The first time a
  registry gets a mirror, the mirror starts from the numbers found on disk (case folders,
  发文字号 in the names of the documents), so an older workspace is protected too;
- a registration number whose case folder already holds files is skipped (and said), so an
  original on disk is never mistaken for a free number.

Every change to what the search index holds (a case, its events, its files) is marked in the
index journal (``docgen.index.journal``) in the same transaction, so the index can always catch
up with the registry, whatever happened between the commit and the index update.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.index import journal
from docgen.models import Case, Event, Petitioner, StoredFile, iso, parse_iso

SCHEMA_VERSION = 2

# Tables of other concerns live with their code: each of these modules, when present, has a
# ``SCHEMA`` string (CREATE TABLE IF NOT EXISTS ...) that opening the registry runs.
SCHEMA_MODULES = ("docgen.case_state", "docgen.index.journal", "docgen.users", "docgen.audit")

# Columns added after the first release: (table, column, declaration). Opening an older
# registry adds them, so a restored backup or an old workspace keeps working.
ADDED_COLUMNS = (
    ("cases", "township", "TEXT"),
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    received_date TEXT NOT NULL,
    letter_date TEXT,
    name TEXT,
    id_number TEXT,
    id_valid INTEGER,
    phone TEXT,
    address TEXT,
    target TEXT,
    township TEXT,
    request TEXT,
    category TEXT,
    nature TEXT,
    legal INTEGER NOT NULL DEFAULT 0,
    summary TEXT,
    text TEXT NOT NULL DEFAULT '',
    persons INTEGER NOT NULL DEFAULT 1,
    cosigners TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '[]',
    external_no TEXT,
    archive_no TEXT UNIQUE,
    closed_date TEXT,
    result TEXT,
    satisfaction TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (datetime('now', 'localtime')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now', 'localtime'))
);
CREATE INDEX IF NOT EXISTS cases_year ON cases(year);
CREATE INDEX IF NOT EXISTS cases_status ON cases(status);
CREATE INDEX IF NOT EXISTS cases_id_number ON cases(id_number);
CREATE INDEX IF NOT EXISTS cases_name ON cases(name);
CREATE INDEX IF NOT EXISTS cases_external ON cases(external_no);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    actor TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    recorded_at TEXT NOT NULL DEFAULT (datetime('now', 'localtime'))
);
CREATE INDEX IF NOT EXISTS events_case ON events(case_id, date, id);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    role TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    added_date TEXT
);
CREATE INDEX IF NOT EXISTS files_case ON files(case_id);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE TABLE IF NOT EXISTS links (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    other_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, other_id, kind)
);
"""

_CASE_COLUMNS = (
    "case_no", "year", "channel", "status", "received_date", "letter_date", "name", "id_number",
    "id_valid", "phone", "address", "target", "township", "request", "category", "nature", "legal", "summary",
    "text", "persons", "cosigners", "flags", "external_no", "archive_no", "closed_date", "result",
    "satisfaction", "extra",
)

_CASE_NO = re.compile(r"^\s*(\d{4})\s*[-－—_/]\s*(\d{1,6})\s*$")


def normalize_case_no(text: str) -> str:
    """``2026-7``, ``2026－0007`` → ``2026-0007``; anything else is returned stripped."""
    m = _CASE_NO.match(text or "")
    if not m:
        return (text or "").strip()
    return f"{m.group(1)}-{int(m.group(2)):04d}"


def _bool(v: Any) -> bool | None:
    return None if v is None else bool(v)


# No sequence ever gets near this; a larger value in the mirror is damage (and SQLite could not
# store it), not a number handed out.
MAX_NUMBER = 10**9


def mirror_path(registry_path: Path) -> Path:
    """``registry.sqlite`` → ``registry.numbers.json``: the highest number of every sequence."""
    registry_path = Path(registry_path)
    return registry_path.with_name(registry_path.stem + ".numbers.json")


def sequence_label(name: str) -> str:
    """How a clerk knows a sequence: ``case:2026`` → 2026 年登记号."""
    kind, _, rest = name.partition(":")
    if kind == "case":
        return f"{rest} 年登记号"
    if kind == "doc":
        prefix, _, year = rest.rpartition(":")
        return f"发文字号 {prefix}〔{year}〕"
    if kind == "archive":
        return f"档号 {rest}"
    return name


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Registry:
    """``case_folder(case_no)``: where a case keeps its files (a number whose folder holds
    files is skipped); ``numbers_on_disk()``: the highest numbers the files on disk show, to
    start the number mirror from; ``notify``: where messages for people go (stderr)."""

    def __init__(self, path: Path, *, case_folder: Callable[[str], Path] | None = None,
                 numbers_on_disk: Callable[[], dict[str, int]] | None = None,
                 notify: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.case_folder = case_folder
        self.numbers_on_disk = numbers_on_disk
        self.notify = notify or _stderr
        self.notices: list[str] = []      # everything said through notify, in order
        self._told: set[str] = set()
        self._reset_transaction_state()
        try:
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                        check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=60000")
            with self.transaction():
                self._create_schema()
        except sqlite3.DatabaseError as exc:
            raise DocgenError(f"登记库 {self.path} 无法打开或已损坏：{exc}") from None

    def _create_schema(self) -> None:
        def run(script: str) -> None:
            for stmt in script.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)

        # Old registries first get the columns that the indexes below may refer to.
        for table, column, decl in ADDED_COLUMNS:
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 (table,)).fetchone():
                have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
        run(SCHEMA)
        for name in SCHEMA_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            run(module.SCHEMA)
        self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE "
                          "SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                          (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.conn.close()

    def say(self, message: str) -> None:
        """Tell people something they should know (once per registry and message)."""
        if message in self._told:
            return
        self._told.add(message)
        self.notices.append(message)
        self.notify(message)

    # --- transactions and sequences -------------------------------------------
    def _reset_transaction_state(self) -> None:
        self._depth = 0
        self._journal_seq: int | None = None      # one journal seq per transaction
        self._journal_marked: set[int] = set()
        self._mirror: dict[str, int] | None = None  # the mirror as read in this transaction
        self._mirror_dirty = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
            # Still holding the write lock: no other process can take a number between the
            # mirror write and the commit. A kill in between costs a number, never reuses one.
            self._flush_mirror()
        except BaseException:
            self._reset_transaction_state()
            self.conn.execute("ROLLBACK")
            raise
        self._reset_transaction_state()
        self.conn.execute("COMMIT")

    # The mirror: sequences as they stand on disk outside the registry file.
    @property
    def mirror_path(self) -> Path:
        return mirror_path(self.path)

    def _read_mirror(self) -> dict[str, int] | None:
        try:
            data = json.loads(self.mirror_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self.say(f"编号记录 {self.mirror_path.name} 无法读取，已按登记库和磁盘上的文件重新建立")
            return None
        if not isinstance(data, dict):
            return None
        mirror = {str(k): v for k, v in data.items()
                  if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_NUMBER}
        if len(mirror) != len(data):
            self.say(f"编号记录 {self.mirror_path.name} 中有不合常理的编号，已忽略这些编号")
        return mirror

    def _mirror_now(self) -> dict[str, int]:
        """The mirror, read once per transaction; started from the disk when there is none."""
        if self._mirror is None:
            mirror = self._read_mirror()
            if mirror is None:
                mirror = dict(self.numbers_on_disk() if self.numbers_on_disk else {})
                for name, value in self.conn.execute(
                        "SELECT name, value FROM sequences WHERE name NOT LIKE 'index:%'"):
                    mirror[name] = max(mirror.get(name, 0), value)
                self._mirror_dirty = True
            self._mirror = mirror
        return self._mirror

    def _flush_mirror(self) -> None:
        if self._mirror is None or not self._mirror_dirty:
            return
        from docgen.fileio import atomic_write_text

        # merge with the file once more: the mirror only ever grows
        on_disk = self._read_mirror() or {}
        merged = {k: max(v, on_disk.get(k, 0)) for k, v in self._mirror.items()}
        merged.update({k: v for k, v in on_disk.items() if k not in merged})
        atomic_write_text(self.mirror_path,
                          json.dumps(dict(sorted(merged.items())), ensure_ascii=False, indent=0))
        self._mirror_dirty = False

    def _behind(self, name: str, stored: int, issued: int) -> None:
        """The registry's sequence is behind the numbers already issued: say it once; for case
        numbers the index may hold cases this registry does not know, so rebuild it."""
        self.say(f"登记库中的{sequence_label(name)}（{stored}）落后于已发出的编号（{issued}），"
                 "登记库可能是从较早的备份恢复的：继续从 "
                 f"{issued + 1} 起编号，已发出的编号不再使用，已有文件不会被覆盖。")
        if name.startswith("case:"):
            journal.mark_everything(self.conn, self._journal_seq_now())

    def next_sequence(self, name: str) -> int:
        """The next number of a named sequence (``case:2026``, ``doc:示人大信:2026``, ...),
        never one handed out before (see the module docstring)."""
        with self.transaction() as c:
            mirror = self._mirror_now()     # first: a new mirror starts from the values before
            value = c.execute("INSERT INTO sequences(name, value) VALUES (?, 1) "
                              "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                              (name,)).fetchone()[0]
            issued = mirror.get(name, 0)
            if value <= issued:
                self._behind(name, value - 1, issued)
                value = issued + 1
                c.execute("UPDATE sequences SET value = ? WHERE name = ?", (value, name))
            mirror[name] = value
            self._mirror_dirty = True
            return value

    def peek_sequence(self, name: str) -> int:
        """The last number given out (the mirror's, when the registry is behind it)."""
        row = self.conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
        stored = row[0] if row else 0
        mirror = self._mirror if self._mirror is not None else (self._read_mirror() or {})
        return max(stored, mirror.get(name, 0))

    def set_sequence_at_least(self, name: str, value: int) -> None:
        with self.transaction() as c:
            mirror = self._mirror_now()
            c.execute("INSERT INTO sequences(name, value) VALUES (?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
                      (name, value))
            if mirror.get(name, 0) < value:
                mirror[name] = value
                self._mirror_dirty = True

    # --- the index journal ------------------------------------------------------
    def _journal_seq_now(self) -> int:
        if self._journal_seq is None:
            self._journal_seq = journal.take_seq(self.conn)
        return self._journal_seq

    def _mark_index(self, case_id: int | None, case_no: str | None = None) -> None:
        """Inside a transaction: the index must re-read this case (``docgen.index.journal``)."""
        if case_id is None or case_id in self._journal_marked:
            return
        journal.mark(self.conn, case_id, self._journal_seq_now(), case_no)
        self._journal_marked.add(case_id)

    def _folder_taken(self, case_no: str) -> bool:
        if self.case_folder is None:
            return False
        from docgen.fileio import folder_holds_files

        return folder_holds_files(self.case_folder(case_no))

    # --- cases ----------------------------------------------------------------
    @staticmethod
    def _case_values(case: Case) -> tuple:
        p = case.petitioner
        return (
            case.case_no, case.received_date.year, case.channel, case.status,
            iso(case.received_date), iso(case.letter_date), p.name, p.id_number,
            None if p.id_valid is None else int(p.id_valid), p.phone, p.address, case.target,
            case.township, case.request, case.category, case.nature, int(case.legal), case.summary, case.text,
            case.persons, json.dumps(case.cosigners, ensure_ascii=False),
            json.dumps(case.flags, ensure_ascii=False), case.external_no, case.archive_no,
            iso(case.closed_date), case.result, case.satisfaction,
            json.dumps(case.extra, ensure_ascii=False),
        )

    @staticmethod
    def _row_to_case(row: sqlite3.Row) -> Case:
        return Case(
            id=row["id"], case_no=row["case_no"], channel=row["channel"], status=row["status"],
            received_date=parse_iso(row["received_date"]), letter_date=parse_iso(row["letter_date"]),
            petitioner=Petitioner(name=row["name"], id_number=row["id_number"],
                                  id_valid=_bool(row["id_valid"]), phone=row["phone"],
                                  address=row["address"]),
            target=row["target"], township=row["township"], request=row["request"], category=row["category"],
            nature=row["nature"], legal=bool(row["legal"]), summary=row["summary"],
            text=row["text"], persons=row["persons"], cosigners=json.loads(row["cosigners"]),
            flags=json.loads(row["flags"]), external_no=row["external_no"],
            archive_no=row["archive_no"], closed_date=parse_iso(row["closed_date"]),
            result=row["result"], satisfaction=row["satisfaction"], extra=json.loads(row["extra"]),
        )

    def add_case(self, case: Case) -> Case:
        """Insert a new case, giving it the next registration number of its received year
        unless ``case.case_no`` is already set."""
        with self.transaction() as c:
            if not case.case_no:
                year = case.received_date.year
                skipped = []
                while True:
                    seq = self.next_sequence(f"case:{year}")
                    case.case_no = f"{year}-{seq:04d}"
                    if c.execute("SELECT 1 FROM cases WHERE case_no = ?",
                                 (case.case_no,)).fetchone():
                        continue
                    if self._folder_taken(case.case_no):
                        skipped.append(case.case_no)
                        continue
                    break
                if skipped:
                    folder = self.case_folder(skipped[0]).parent
                    self.say(f"登记号 {'、'.join(skipped)} 在 {folder} 中已有文件夹和文件，登记库中却没有"
                             "该案件（登记库可能是从较早的备份恢复的，或上次登记中途被中断）："
                             f"已跳过，改用 {case.case_no}，原有文件未动。")
                    case.extra = {**case.extra, "skipped_numbers": skipped}
                    # the index may hold cases this registry does not know: rebuild it
                    journal.mark_everything(c, self._journal_seq_now())
            placeholders = ",".join("?" * len(_CASE_COLUMNS))
            try:
                cur = c.execute(f"INSERT INTO cases({','.join(_CASE_COLUMNS)}) VALUES ({placeholders})",
                                self._case_values(case))
            except sqlite3.IntegrityError:
                raise DocgenError(f"案件编号 {case.case_no} 已存在") from None
            case.id = cur.lastrowid
            self._mark_index(case.id, case.case_no)
        return case

    def update_case(self, case: Case) -> None:
        sets = ",".join(f"{col} = ?" for col in _CASE_COLUMNS)
        with self.transaction() as c:
            c.execute(f"UPDATE cases SET {sets}, updated_at = datetime('now', 'localtime') "
                      "WHERE id = ?", (*self._case_values(case), case.id))
            self._mark_index(case.id, case.case_no)

    def get_case(self, case_no: str) -> Case:
        key = normalize_case_no(case_no)
        row = self.conn.execute("SELECT * FROM cases WHERE case_no = ?", (key,)).fetchone()
        if row is None and key:
            row = self.conn.execute("SELECT * FROM cases WHERE external_no = ? OR archive_no = ?",
                                    (key, key)).fetchone()
        if row is None:
            raise DocgenError(f"未找到案件：{case_no}")
        return self._row_to_case(row)

    def get_case_by_id(self, case_id: int) -> Case:
        row = self.conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise DocgenError(f"未找到案件（内部编号 {case_id}）")
        return self._row_to_case(row)

    def list_cases(self, *, status: str | None = None, year: int | None = None,
                   channel: str | None = None, limit: int | None = None,
                   where: str = "", params: tuple = ()) -> list[Case]:
        clauses, args = [], []
        if status:
            clauses.append("status = ?")
            args.append(status)
        if year:
            clauses.append("year = ?")
            args.append(int(year))
        if channel:
            clauses.append("channel = ?")
            args.append(channel)
        if where:
            clauses.append(where)
            args.extend(params)
        sql = "SELECT * FROM cases"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY received_date, case_no"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._row_to_case(r) for r in self.conn.execute(sql, args)]

    def iter_cases(self, batch: int = 1000) -> Iterator[Case]:
        last = 0
        while True:
            rows = self.conn.execute("SELECT * FROM cases WHERE id > ? ORDER BY id LIMIT ?",
                                     (last, batch)).fetchall()
            if not rows:
                return
            for r in rows:
                yield self._row_to_case(r)
            last = rows[-1]["id"]

    def count_cases(self) -> int:
        return self.conn.execute("SELECT count(*) FROM cases").fetchone()[0]

    def find_by_external_no(self, external_no: str) -> Case | None:
        row = self.conn.execute("SELECT * FROM cases WHERE external_no = ?", (external_no,)).fetchone()
        return self._row_to_case(row) if row else None

    def same_person_candidates(self, *, id_number: str | None, name: str | None) -> list[Case]:
        """Cases sharing the ID number (or its first 17 characters) or the name."""
        clauses, args = [], []
        if id_number:
            clauses.append("id_number = ? OR (length(id_number) = 18 AND substr(id_number, 1, 17) = ?)")
            args += [id_number, id_number[:17]]
        if name:
            clauses.append("name = ?")
            args.append(name)
        if not clauses:
            return []
        sql = "SELECT * FROM cases WHERE " + " OR ".join(f"({c})" for c in clauses)
        return [self._row_to_case(r) for r in self.conn.execute(sql + " ORDER BY received_date", args)]

    # --- events ---------------------------------------------------------------
    def add_event(self, event: Event) -> Event:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO events(case_id, kind, date, detail, actor, data) VALUES (?,?,?,?,?,?)",
                (event.case_id, event.kind, iso(event.date), event.detail, event.actor,
                 json.dumps(event.data, ensure_ascii=False)))
            event.id = cur.lastrowid
            event.recorded_at = c.execute("SELECT recorded_at FROM events WHERE id = ?",
                                          (event.id,)).fetchone()[0]
            self._mark_index(event.case_id)
        return event

    def events(self, case_id: int, as_of: dt.date | None = None) -> list[Event]:
        sql = "SELECT * FROM events WHERE case_id = ?"
        args: list[Any] = [case_id]
        if as_of:
            sql += " AND date <= ?"
            args.append(iso(as_of))
        sql += " ORDER BY date, id"
        return [Event(id=r["id"], case_id=r["case_id"], kind=r["kind"], date=parse_iso(r["date"]),
                      detail=r["detail"], actor=r["actor"], data=json.loads(r["data"]),
                      recorded_at=r["recorded_at"])
                for r in self.conn.execute(sql, args)]

    # --- files ----------------------------------------------------------------
    def add_file(self, f: StoredFile) -> StoredFile:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO files(case_id, role, kind, name, path, sha256, size, added_date) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (f.case_id, f.role, f.kind, f.name, f.path, f.sha256, f.size, iso(f.added_date)))
            f.id = cur.lastrowid
            self._mark_index(f.case_id)
        return f

    def update_file_path(self, file_id: int, path: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE files SET path = ? WHERE id = ?", (path, file_id))
            row = c.execute("SELECT case_id FROM files WHERE id = ?", (file_id,)).fetchone()
            self._mark_index(row[0] if row else None)

    def update_file(self, f: StoredFile) -> None:
        """Point an existing file row (same id) at a new version: name, path, digest, size, date."""
        with self.transaction() as c:
            c.execute("UPDATE files SET name = ?, path = ?, sha256 = ?, size = ?, added_date = ? "
                      "WHERE id = ?", (f.name, f.path, f.sha256, f.size, iso(f.added_date), f.id))
            row = c.execute("SELECT case_id FROM files WHERE id = ?", (f.id,)).fetchone()
            self._mark_index(row[0] if row else None)

    @staticmethod
    def _row_to_file(r: sqlite3.Row) -> StoredFile:
        return StoredFile(id=r["id"], case_id=r["case_id"], role=r["role"], kind=r["kind"],
                          name=r["name"], path=r["path"], sha256=r["sha256"], size=r["size"],
                          added_date=parse_iso(r["added_date"]))

    def files(self, case_id: int) -> list[StoredFile]:
        rows = self.conn.execute("SELECT * FROM files WHERE case_id = ? ORDER BY id", (case_id,))
        return [self._row_to_file(r) for r in rows]

    def find_original_by_sha(self, sha256: str) -> tuple[StoredFile, str] | None:
        """An incoming original with this digest, and the number of its case."""
        row = self.conn.execute(
            "SELECT files.*, cases.case_no FROM files JOIN cases ON cases.id = files.case_id "
            "WHERE files.sha256 = ? AND files.role = 'original' LIMIT 1", (sha256,)).fetchone()
        return (self._row_to_file(row), row["case_no"]) if row else None

    # --- links between cases --------------------------------------------------
    def link(self, case_id: int, other_id: int, reason: str, kind: str = "related") -> None:
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO links(case_id, other_id, kind, reason) VALUES (?,?,?,?)",
                      (case_id, other_id, kind, reason))

    def links(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT links.kind, links.reason, links.other_id, cases.case_no, cases.received_date, "
            "cases.status, cases.summary FROM links JOIN cases ON cases.id = links.other_id "
            "WHERE links.case_id = ? ORDER BY cases.received_date", (case_id,))
        return [dict(r) for r in rows]

    def linked_case_ids(self, kind: str) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT DISTINCT case_id FROM links WHERE kind = ?",
                                                 (kind,))}
