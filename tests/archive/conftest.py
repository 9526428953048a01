"""Fixtures for the archive tests: workspaces with closed cases, ready to archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixtures.archive_cases import make_batch  # noqa: E402


@pytest.fixture
def closed_ws(ws):
    """A workspace with six closed cases (plain, 交办 with a result, 转送) and one open case."""
    make_batch(ws, 6)
    from tests.fixtures.archive_cases import make_closed_case

    make_closed_case(ws, 99, close=False)
    return ws


@pytest.fixture
def archived_ws(closed_ws):
    from docgen.archive import archive_batch

    result = archive_batch(closed_ws)
    assert len(result.archived) == 6
    return closed_ws


def run_docgen(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``docgen --home HOME ...`` in a separate process, as a clerk would run it."""
    return subprocess.run(docgen_argv(home, *args), capture_output=True, text=True, timeout=timeout,
                          env=docgen_env())


def docgen_argv(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from docgen.cli.main import main; main()", "--home", str(home), *args]


def docgen_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def verify_json(home: Path) -> tuple[int, dict]:
    proc = run_docgen(home, "verify", "--json")
    return proc.returncode, json.loads(proc.stdout)
