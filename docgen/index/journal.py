"""The index journal: which cases the search index has not caught up with yet.

The registry is the source of truth and the index is derived from it, but the two are written
one after the other: a process killed between the registry's commit and the index update (or
an index update that failed) would leave a registered case that ``search`` never finds. So the
registry itself marks, in the same transaction as the change, every case whose indexed content
changed (``Registry.add_case``, ``update_case``, ``add_event``, ``add_file``, ...: no caller can
forget it); ``docgen.index.service.sync`` applies the marked cases to the index and clears the
marks it applied. Every command that uses the index, and every command that writes, ends with
a ``sync``, so after any kill the next command repairs the gap by itself.

One row per case (``case_id``), with the ``seq`` of the last transaction that marked it: a
sync clears a row only if no later transaction marked it again while the sync was writing the
index (``clear``). ``case_id`` 0 asks for the whole index to be rebuilt (e.g. after the
registry was restored from an older copy, the index holds cases the registry no longer has).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS index_journal (
    case_id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL
);
"""

# The journal's own counter in the registry's ``sequences`` table; never reused, so a clear
# by an old ``seq`` can never remove a newer mark.
COUNTER = "index:journal"
EVERYTHING = 0     # case_id of the "rebuild the whole index" mark


@dataclass(frozen=True)
class Entry:
    case_id: int
    case_no: str
    seq: int

    @property
    def everything(self) -> bool:
        return self.case_id == EVERYTHING


def take_seq(conn: sqlite3.Connection) -> int:
    """The next journal ``seq``; call inside the write transaction that marks."""
    return conn.execute(
        "INSERT INTO sequences(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE "
        "SET value = value + 1 RETURNING value", (COUNTER,)).fetchone()[0]


def mark(conn: sqlite3.Connection, case_id: int, seq: int, case_no: str | None = None) -> None:
    """Note that the index must (re)read case ``case_id``; inside the caller's transaction.
    ``case_no`` is remembered so that a case gone from the registry can be dropped from the
    index by its number."""
    conn.execute(
        "INSERT INTO index_journal(case_id, case_no, seq) VALUES (?, "
        "coalesce(?, (SELECT case_no FROM cases WHERE id = ?), ''), ?) "
        "ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq, "
        "case_no = CASE WHEN excluded.case_no != '' THEN excluded.case_no ELSE case_no END",
        (case_id, case_no, case_id, seq))


def mark_everything(conn: sqlite3.Connection, seq: int) -> None:
    """The whole index must be rebuilt (the next sync does it)."""
    mark(conn, EVERYTHING, seq, "*")


def pending(conn: sqlite3.Connection, limit: int | None = None) -> list[Entry]:
    sql = "SELECT case_id, case_no, seq FROM index_journal ORDER BY seq, case_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [Entry(r[0], r[1], r[2]) for r in conn.execute(sql)]


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM index_journal").fetchone()[0]


def counter(conn: sqlite3.Connection) -> int:
    """The last ``seq`` handed out: every mark up to it is committed (marks are taken inside
    write transactions, which follow one another)."""
    row = conn.execute("SELECT value FROM sequences WHERE name = ?", (COUNTER,)).fetchone()
    return row[0] if row else 0


def clear(registry, entries: list[Entry]) -> None:
    """Forget the marks the index now has (unless marked again since)."""
    if not entries:
        return
    with registry.transaction() as c:
        c.executemany("DELETE FROM index_journal WHERE case_id = ? AND seq <= ?",
                      [(e.case_id, e.seq) for e in entries])


def clear_upto(registry, seq: int) -> None:
    """After a rebuild that read the registry once every mark up to ``seq`` was committed."""
    with registry.transaction() as c:
        c.execute("DELETE FROM index_journal WHERE seq <= ?", (seq,))
