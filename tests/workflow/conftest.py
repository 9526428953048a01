"""Fixtures for the workflow tests: cases registered through the registry API (no OCR needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from docgen.models import Case, Petitioner
from docgen.registration import register_case
from docgen.workspace import Workspace


@pytest.fixture
def new_case(ws: Workspace) -> Callable[..., Case]:
    """Register a letter received on ``received`` (a ``YYYY-MM-DD`` string) and return it."""

    def make(received: str = "2024-09-20", *, name: str = "张三", nature: str | None = None,
             target: str | None = None, summary: str = "反映某镇征地拆迁补偿款未发放问题") -> Case:
        case = Case(case_no="", channel="来信", received_date=dt.date.fromisoformat(received),
                    petitioner=Petitioner(name=name, address="示例县城关镇"), summary=summary,
                    text=summary, nature=nature, target=target)
        return register_case(ws, case).case

    return make


@pytest.fixture
def snapshot(ws: Workspace) -> Callable[[str], dict]:
    """A function giving everything a refused command must leave untouched: the case row, events, files, sequences,
    and the files in the case's folder."""

    def take(case_no: str) -> dict:
        reg = ws.registry
        case = reg.get_case(case_no)
        folder = ws.case_dir(case_no)
        return {
            "case": case.to_json(),
            "events": [e.to_json() for e in reg.events(case.id)],
            "files": [f.to_json() for f in reg.files(case.id)],
            "sequences": [tuple(r) for r in
                          reg.conn.execute("SELECT name, value FROM sequences ORDER BY name")],
            "disk": sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
            if folder.exists() else [],
        }

    return take
