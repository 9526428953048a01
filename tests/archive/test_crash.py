"""Archiving survives being killed at any moment: run again, it finishes the batch with every
case archived exactly once, no duplicate package and continuous 件号."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time

import pytest

from docgen.archive import ArchiveNo, archive_batch
from docgen.archive.archiver import RESERVED_KEY
from docgen.models import FILE_ATTACHMENT, FILE_ORIGINAL
from docgen.workspace import Workspace
from tests.archive.conftest import docgen_argv, docgen_env, run_docgen
from tests.fixtures.archive_cases import jpeg_bytes, make_closed_case, package_paths, pdf_bytes


def _batch(ws: Workspace, n: int) -> None:
    """Cases with a few hundred KB each, so that a run lasts long enough to be cut mid-way, made
    durable in small groups so that kills land between groups as well as inside them."""
    cfg = ws.config_path.read_text("utf-8").replace("[archive]\n", "[archive]\nsync_every = 4\n")
    ws.config_path.write_text(cfg, "utf-8")
    routes = (None, "交办", "转送")
    for i in range(n):
        files = [(FILE_ORIGINAL, f"来信{i}.pdf", pdf_bytes(f"letter {i}", noise_kb=300, seed=i), "来信原件"),
                 (FILE_ATTACHMENT, "办理结果报告.jpg", jpeg_bytes(200, i), "办理结果报告")]
        make_closed_case(ws, i, routed=routes[i % 3], files=files)


def _archived_count(ws: Workspace) -> int:
    return ws.registry.conn.execute("SELECT count(*) FROM cases WHERE archive_no IS NOT NULL").fetchone()[0]


def _kill_runs(ws: Workspace, rnd: random.Random, kills: int) -> tuple[list[int], list[int]]:
    """SIGKILL ``docgen archive`` again and again; exit codes and cases archived after each.

    Every other run is killed a random few milliseconds after the registry shows progress, the
    others at a random moment after start, so that some kills surely land in the
    middle of the batch whatever the machine's speed.
    """
    codes, progress = [], []
    for k in range(kills):
        before = _archived_count(ws)
        proc = subprocess.Popen(docgen_argv(ws.root, "archive"), env=docgen_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if k % 2 == 1:
            time.sleep(rnd.uniform(0.3, 1.0))
        else:
            deadline = time.monotonic() + 30
            while proc.poll() is None and _archived_count(ws) == before and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rnd.uniform(0, 0.08))
        proc.send_signal(signal.SIGKILL)
        codes.append(proc.wait())
        progress.append(_archived_count(ws))
    return codes, progress


def _assert_archived_exactly_once(ws: Workspace, n: int) -> None:
    ws = Workspace.open(ws.root)
    cases = ws.registry.list_cases(status="已办结")
    assert len(cases) == n
    assert all(c.archive_no for c in cases), [c.case_no for c in cases if not c.archive_no]
    assert all(RESERVED_KEY not in c.extra for c in cases)
    packages = package_paths(ws)
    assert sorted(p.name for p in packages) == sorted(c.archive_no for c in cases)
    owners = [json.loads((p / "data" / "metadata.json").read_text("utf-8"))["case"]["case_no"]
              for p in packages]
    assert sorted(owners) == sorted(c.case_no for c in cases)   # no duplicate package
    series: dict = {}
    for c in cases:
        no = ArchiveNo.parse(c.archive_no)
        series.setdefault(no.series, []).append(no.item)
        assert [e.kind for e in ws.registry.events(c.id)].count("归档") == 1
    for items in series.values():
        assert sorted(items) == list(range(1, len(items) + 1))
    staging = ws.archive_dir / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []


def _crash_test(ws: Workspace, n: int, kills: int, seed: int) -> None:
    _batch(ws, n)
    rnd = random.Random(seed)
    codes, progress = _kill_runs(ws, rnd, kills)
    assert -signal.SIGKILL in codes, codes                 # runs were really cut short
    assert any(0 < p < n for p in progress), progress      # some left the batch half done
    final = run_docgen(ws.root, "archive", "--json")
    assert final.returncode == 0, final.stderr
    verify = run_docgen(ws.root, "verify", "--json")
    assert verify.returncode == 0, verify.stdout
    _assert_archived_exactly_once(ws, n)
    again = run_docgen(ws.root, "archive", "--json")
    assert json.loads(again.stdout)["archived"] == []


def test_archiver_killed_at_random_moments_finishes_on_rerun(ws):
    _crash_test(ws, 15, kills=6, seed=20250523)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_archiver_killed_many_times_over_a_larger_batch(ws, seed):
    _crash_test(ws, 40, kills=25, seed=seed)


def test_package_renamed_but_not_recorded_is_verified_and_recorded(ws):
    """The window between the rename and the registry transaction."""
    make_closed_case(ws, 0)
    archive_batch(ws)
    case = ws.registry.list_cases()[0]
    no = case.archive_no
    case.extra = {k: v for k, v in case.extra.items() if not k.startswith("archive")}
    case.extra[RESERVED_KEY] = {"archive_no": no, "reason": "一般事项"}
    case.archive_no = None
    ws.registry.update_case(case)

    result = archive_batch(ws)
    assert [(a.archive_no, a.recovered) for a in result.archived] == [(no, True)]
    assert ws.registry.get_case(case.case_no).archive_no == no


def test_damaged_unrecorded_package_is_set_aside_and_rebuilt(ws):
    make_closed_case(ws, 0)
    archive_batch(ws)
    case = ws.registry.list_cases()[0]
    no = case.archive_no
    pkg = ws.root / case.extra["archive_path"]
    (pkg / "data" / "metadata.json").write_text("{}", "utf-8")
    case.extra = {RESERVED_KEY: {"archive_no": no, "reason": "一般事项"}}
    case.archive_no = None
    ws.registry.update_case(case)

    result = archive_batch(ws)
    assert [(a.archive_no, a.recovered) for a in result.archived] == [(no, False)]
    assert list((ws.archive_dir / ".staging-damaged").iterdir())   # kept, never deleted
    assert run_docgen(ws.root, "verify").returncode == 0


def test_staging_leftovers_are_removed_and_the_case_redone(ws):
    make_closed_case(ws, 0)
    half = ws.archive_dir / ".staging" / "Z001-WS·2025-D10-XF-0001" / "data"
    half.mkdir(parents=True)
    (half / "partial.pdf").write_bytes(b"%PDF-1.4 trunc")
    result = archive_batch(ws)
    assert len(result.archived) == 1
    assert list((ws.archive_dir / ".staging").iterdir()) == []


def test_number_reserved_for_a_reopened_case_goes_to_the_next_case(ws):
    first = make_closed_case(ws, 0)
    # a run reserved 0001 for the first case and was killed; then the case was reopened
    fresh = ws.registry.get_case(first.case_no)
    fresh.extra[RESERVED_KEY] = {"archive_no": "Z001-WS·2025-D10-XF-0001", "reason": "一般事项"}
    fresh.status = "已登记"
    ws.registry.update_case(fresh)
    ws.registry.set_sequence_at_least("archive:Z001-WS·2025-D10-XF", 1)
    make_closed_case(ws, 1)
    result = archive_batch(ws)
    assert [a.archive_no for a in result.archived] == ["Z001-WS·2025-D10-XF-0001"]
