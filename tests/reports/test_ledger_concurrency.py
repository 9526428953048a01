"""Two ``ledger import`` processes of the same ledger at once register each row once (issue 9
item 6): the already-imported check is made inside the write transaction that inserts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.fixtures.reports_ledger import HEADERS, ledger_rows, write_ledger

ROOT = Path(__file__).resolve().parents[2]


def _start(ws, path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-m", "docgen", "--home", str(ws.root), "ledger",
                             "import", str(path), "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=str(ROOT))


def _run_two(ws, path, rows: int) -> list[dict]:
    procs = [_start(ws, path) for _ in range(2)]
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr.decode()
        outs.append(json.loads(stdout))
    registered = sum(len(o["cases"]) for o in outs)
    skipped = sum(len(o["skipped"]) for o in outs)
    assert registered == rows and skipped == rows, (registered, skipped)
    return outs


def test_two_imports_of_the_same_numbered_ledger_register_each_row_once(ws, tmp_path):
    rows = 400
    path = write_ledger(tmp_path / "台账.xlsx", ledger_rows(rows, seed=7))
    _run_two(ws, path, rows)
    assert ws.registry.count_cases() == rows
    numbers = Counter(c.external_no for c in ws.registry.list_cases())
    assert max(numbers.values()) == 1


def test_two_imports_of_the_same_unnumbered_ledger_register_each_row_once(ws, tmp_path):
    rows = 400
    path = write_ledger(tmp_path / "无编号.xlsx", [r[1:] for r in ledger_rows(rows, seed=8)],
                        headers=HEADERS[1:])
    _run_two(ws, path, rows)
    assert ws.registry.count_cases() == rows
    keys = Counter(c.extra["ledger_key"] for c in ws.registry.list_cases())
    assert max(keys.values()) == 1
