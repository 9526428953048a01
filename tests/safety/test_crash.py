"""Issue 9 "must show": ``intake`` of 20 letters and ``ledger import`` of 500 rows, each killed
(SIGKILL) at moments spread over a measured run; then the next command: every registered case
is found by ``search`` (no manual ``index rebuild``), nothing is registered twice, and every
stored original is byte-identical to its letter.

The unmarked test kills intake at one moment (a fast representative); the slow ones kill
each command at ten."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from docgen.cli.workspace import ensure_index
from docgen.workspace import Workspace
from tests.fixtures.reports_ledger import ledger_rows, write_ledger
from tests.fixtures.safety_runs import run, searched_case_nos, start, write_letters


def _fresh_workspace(folder: Path) -> Path:
    ws, _ = Workspace.init(folder)
    ensure_index(ws)                    # an index kept current from the first case on
    ws.registry.close()
    return ws.root


def _registry(root: Path):
    conn = sqlite3.connect(root / "registry.sqlite")
    try:
        cases = [r[0] for r in conn.execute("SELECT case_no FROM cases ORDER BY case_no")]
        originals = list(conn.execute("SELECT sha256, path FROM files WHERE role = 'original'"))
        keys = Counter(r[0] for r in conn.execute(
            "SELECT json_extract(extra, '$.ledger_key') FROM cases "
            "WHERE json_extract(extra, '$.ledger_key') IS NOT NULL"))
    finally:
        conn.close()
    return cases, originals, keys


def _killed_at(root: Path, delay: float, *args) -> None:
    proc = start(root, *args)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


def _measure(root: Path, *args) -> float:
    begin = time.perf_counter()
    run(root, *args)
    return time.perf_counter() - begin


def _check_after_kill(root: Path, letters: dict[str, bytes] | None = None) -> list[str]:
    """The next command is a search: it must list every registered case by itself."""
    cases, originals, _ = _registry(root)
    assert sorted(searched_case_nos(root)) == cases
    if letters is not None:
        for digest, rel in originals:
            data = (root / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest and data in letters.values()
    return cases


def _intake_crash(tmp_path: Path, fractions: list[float]) -> None:
    paths = write_letters(tmp_path / "in", 20)
    letters = {p.name: p.read_bytes() for p in paths}
    args = ("intake", *paths, "--received", "2026-10-10")
    took = _measure(_fresh_workspace(tmp_path / "measure"), *args)
    for i, fraction in enumerate(fractions):
        root = _fresh_workspace(tmp_path / f"kill{i}")
        _killed_at(root, took * fraction, *args)
        before = _check_after_kill(root, letters)
        run(root, *args)                                # the clerk takes the batch in again
        cases, originals, _ = _registry(root)
        per_digest = Counter(d for d, _ in originals)
        assert len(per_digest) == 20 and set(per_digest.values()) == {1}, (fraction, per_digest)
        assert len(cases) == 20 and set(before) <= set(cases)
        _check_after_kill(root, letters)
        for name, data in letters.items():             # the source letters, untouched too
            assert (tmp_path / "in" / name).read_bytes() == data


def test_intake_killed_midway_leaves_nothing_missing_or_doubled(tmp_path):
    _intake_crash(tmp_path, [0.6])


@pytest.mark.slow
def test_intake_killed_at_ten_moments(tmp_path):
    _intake_crash(tmp_path, [(k + 0.5) / 10 for k in range(10)])


@pytest.mark.slow
def test_ledger_import_killed_at_ten_moments(tmp_path):
    ledger = write_ledger(tmp_path / "台账.xlsx", ledger_rows(500, seed=7))
    args = ("ledger", "import", ledger)
    took = _measure(_fresh_workspace(tmp_path / "measure"), *args)
    for k in range(10):
        root = _fresh_workspace(tmp_path / f"kill{k}")
        _killed_at(root, took * (k + 0.5) / 10, *args)
        before = _check_after_kill(root)
        run(root, *args, check=False)                   # rows imported before are skipped
        cases, _, keys = _registry(root)
        assert len(cases) == 500 and set(before) <= set(cases), k
        assert len(keys) == 500 and set(keys.values()) == {1}
        _check_after_kill(root)
