"""``docgen stats --json`` against figures computed from the script of a year (docs/cli.md
definitions), without the statistics module."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from docgen.cli.main import cli
from tests.fixtures.reports_year import YEAR


def expected(plan, *, year: int, as_of: dt.date, threshold: int = 5) -> dict:
    cases = [p for p in plan if p.received.year == year and p.received <= as_of]
    closed = [p for p in cases if p.closed_by(as_of)]
    answered = [p for p in closed if p.satisfaction in ("满意", "基本满意", "不满意")]
    satisfied = [p for p in answered if p.satisfaction in ("满意", "基本满意")]
    visits = [p for p in cases if p.channel == "来访"]

    def ratio(a, b):
        return a / b if b else None

    return {
        "total": len(cases),
        "closed": len(closed),
        "closure_rate": ratio(len(closed), len(cases)),
        "on_time_rate": ratio(sum(p.on_time for p in closed), len(closed)),
        "satisfaction_rate": ratio(len(satisfied), len(answered)),
        "by_channel": dict(Counter(p.channel for p in cases)),
        "by_category": dict(Counter(p.category for p in cases)),
        "by_target": dict(Counter(p.target for p in cases)),
        "by_township": dict(Counter(p.person.township or "未注明" for p in cases)),
        "by_month": dict(Counter(f"{p.received:%Y-%m}" for p in cases)),
        "repeat": sum(p.repeat for p in cases),
        "group_visits": sum(p.persons >= threshold for p in visits),
        "visitors": sum(p.persons for p in visits),
        "visits": len(visits),
    }


def run_stats(ws, *args):
    result = CliRunner().invoke(cli, ["--home", str(ws.root), "stats", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("as_of", [dt.date(YEAR, 12, 31), dt.date(YEAR, 6, 30)])
def test_stats_json_matches_figures_computed_from_the_script(year_ws, as_of):
    ws, plan = year_ws
    got = run_stats(ws, "--year", str(YEAR), "--as-of", as_of.isoformat())
    want = expected(plan, year=YEAR, as_of=as_of)
    for key in ("closure_rate", "on_time_rate", "satisfaction_rate"):
        assert got.pop(key) == pytest.approx(want.pop(key)), key
    assert got.pop("period") == {"year": YEAR, "from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31",
                                 "as_of": as_of.isoformat()}
    assert got == want


def test_script_exercises_every_definition(year_ws):
    # guard the fixture itself: a year without late closures or repeats would prove little
    _, plan = year_ws
    year = [p for p in plan if p.received.year == YEAR]
    assert len(year) == 200
    assert any(p.on_time is False for p in year) and any(p.on_time for p in year)
    assert sum(p.repeat for p in year) >= 10
    assert any(p.close_date and p.close_date.year > YEAR for p in year)   # open as of 12-31
    assert {p.satisfaction for p in year if p.close_date} >= {"满意", "基本满意", "不满意", "未回访", None}


def test_from_to_selects_by_received_date(year_ws):
    ws, plan = year_ws
    got = run_stats(ws, "--from", f"{YEAR}-03-01", "--to", f"{YEAR}-03-31", "--as-of", f"{YEAR + 1}-12-31")
    assert got["total"] == sum(1 for p in plan if p.received.year == YEAR and p.received.month == 3)
    assert set(got["by_month"]) == {f"{YEAR}-03"}


def test_group_threshold_is_read_from_the_config(year_ws, tmp_path):
    ws, plan = year_ws
    config = ws.config_path.read_text(encoding="utf-8")
    try:
        ws.config_path.write_text(config.replace("group_threshold = 5", "group_threshold = 8"),
                                  encoding="utf-8")
        got = run_stats(ws, "--year", str(YEAR), "--as-of", f"{YEAR}-12-31")
    finally:
        ws.config_path.write_text(config, encoding="utf-8")
    assert got["group_visits"] == sum(1 for p in plan if p.received.year == YEAR
                                      and p.channel == "来访" and p.persons >= 8)


def test_empty_period_gives_null_rates(ws):
    got = run_stats(ws, "--year", "2001")
    assert got["total"] == 0
    assert got["closure_rate"] is None and got["on_time_rate"] is None
    assert got["satisfaction_rate"] is None


def test_stats_text_output_is_chinese_summary(year_ws):
    ws, _ = year_ws
    result = CliRunner().invoke(cli, ["--home", str(ws.root), "stats", "--year", str(YEAR),
                                      "--as-of", f"{YEAR}-12-31"])
    assert result.exit_code == 0
    assert "办结率" in result.stdout and "人次" in result.stdout


def test_from_after_to_is_refused(ws):
    result = CliRunner().invoke(cli, ["--home", str(ws.root), "stats", "--from", "2025-05-01",
                                      "--to", "2025-04-01"])
    assert result.exit_code == 1
    assert "起始日" in result.stderr


def test_basic_replay_agrees_with_the_workflow(year_ws, monkeypatch):
    # the fallback used where docgen.workflow is absent must give the same figures
    from docgen.reports import stats as stats_module

    ws, _ = year_ws
    as_of = dt.date(YEAR, 12, 31)
    with_workflow = stats_module.compute_stats(ws, year=YEAR, as_of=as_of).to_json()
    monkeypatch.setattr(stats_module, "_workflow_available", lambda: False)
    assert stats_module.compute_stats(ws, year=YEAR, as_of=as_of).to_json() == with_workflow


def test_stats_xlsx_lists_the_written_file(year_ws, tmp_path):
    from openpyxl import load_workbook

    ws, _ = year_ws
    out = tmp_path / "统计.xlsx"
    got = run_stats(ws, "--year", str(YEAR), "--as-of", f"{YEAR}-12-31", "--xlsx", str(out))
    assert got["files"] == [str(out)]
    wb = load_workbook(out)
    assert wb.sheetnames == ["统计", "台账"]
    assert wb["台账"].max_row == got["total"] + 1
    figures = {r[0]: r[1] for r in wb["统计"].iter_rows(values_only=True) if r and r[0]}
    assert figures["受理（件）"] == got["total"] and figures["来访（人次）"] == got["visitors"]
