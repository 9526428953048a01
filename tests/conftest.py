"""Fixtures shared by all tests: a fresh workspace and a way to run the CLI in it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.fixtures.* importable however pytest is started
    sys.path.insert(0, str(ROOT))

from docgen.cli.main import cli  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """An initialised, empty workspace."""
    workspace, _ = Workspace.init(tmp_path / "ws")
    return workspace


class Cli:
    """Runs ``docgen --home WS ...`` in-process, like a clerk at the terminal."""

    def __init__(self, home: Path):
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(cli, ["--home", str(self.home), *map(str, args)], input=input)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def docgen(ws: Workspace) -> Cli:
    return Cli(ws.root)
