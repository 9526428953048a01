"""A workspace holding the scripted year (built once per session: registering 240 cases takes a
few seconds) and the script it was built from."""

from __future__ import annotations

import pytest

from docgen.workspace import Workspace
from tests.fixtures.reports_year import build, plan_year


@pytest.fixture(scope="session")
def year_ws(tmp_path_factory):
    ws, _ = Workspace.init(tmp_path_factory.mktemp("year") / "ws")
    plan = plan_year()
    build(ws, plan)
    return ws, plan
