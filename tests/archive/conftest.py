"""Fixtures for the archive tests: workspaces with closed cases, ready to archive."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixtures.archive_cases import make_batch  # noqa: E402


def _build_template(root: Path, archived: bool) -> Path:
    from docgen.archive import archive_batch
    from docgen.workspace import Workspace
    from tests.fixtures.archive_cases import make_closed_case

    ws, _ = Workspace.init(root)
    make_batch(ws, 6)
    make_closed_case(ws, 99, close=False)
    if archived:
        assert len(archive_batch(ws).archived) == 6
    ws.registry.close()     # checkpoints the WAL: the folder can now be copied as it is
    return root


@pytest.fixture(scope="session")
def _templates(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("archive-templates")
    return {"closed": _build_template(base / "closed", False),
            "archived": _build_template(base / "archived", True)}


def _fill(ws, template: Path):
    """Make ``ws`` (the workspace the ``docgen`` fixture runs in) a copy of a template."""
    if "registry" in ws.__dict__:
        ws.registry.close()
        del ws.__dict__["registry"]
    for suffix in ("", "-wal", "-shm"):
        Path(str(ws.registry_path) + suffix).unlink(missing_ok=True)
    shutil.copytree(template, ws.root, dirs_exist_ok=True)
    return ws


@pytest.fixture
def closed_ws(ws, _templates):
    """A workspace with six closed cases (plain, 交办 with a result, 转送) and one open case."""
    return _fill(ws, _templates["closed"])


@pytest.fixture
def archived_ws(ws, _templates):
    """The same, archived."""
    return _fill(ws, _templates["archived"])


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
