"""Date poison pills: 9999-12-31 or 0001-01-01 are refused where they enter (exit 1), future
dates of things that happened need --allow-future, and --as-of may look ahead without crashing."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.date_limits import check_happened, check_stored
from docgen.errors import DocgenError

LETTER = "县人大常委会：\n我叫张三，反映某镇人民政府拖欠征地补偿款的问题。\n反映人：张三\n2026年10月8日\n"


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "来信.txt"
    path.write_text(LETTER, encoding="utf-8")
    return path


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1949-09-30"])
def test_intake_refuses_an_impossible_received_date(docgen, ws, letter, day):
    result = docgen("intake", letter, "--received", day)
    assert result.exit_code == 1, result.output
    assert "--received" in result.stderr and "Traceback" not in result.output
    assert ws.registry.count_cases() == 0


def test_a_future_received_date_needs_allow_future(docgen, ws, letter):
    ahead = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    refused = docgen("intake", letter, "--received", ahead)
    assert refused.exit_code == 1 and "--allow-future" in refused.stderr
    assert ws.registry.count_cases() == 0
    accepted = docgen("intake", letter, "--received", ahead, "--allow-future")
    assert accepted.exit_code == 0, accepted.output
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert docgen("visit", "--name", "李四", "--content", "反映噪声扰民",
                  "--received", tomorrow).exit_code == 0          # past midnight: tolerated


def test_workflow_dates_are_checked_too(docgen, letter):
    assert docgen("intake", letter, "--received", "2026-10-10").exit_code == 0
    result = docgen("close", "2026-0001", "--result", "已答复", "--date", "9999-12-31")
    assert result.exit_code == 1 and "--date" in result.stderr
    assert docgen.json("show", "2026-0001")["status"] == "已登记"


@pytest.mark.parametrize("args", [("list", "--as-of", "9999-12-31"), ("show", "2026-0001", "--as-of", "0001-01-01"),
                                  ("stats", "--as-of", "9999-12-31")])
def test_view_dates_out_of_range_are_refused_not_crashing(docgen, letter, args):
    assert docgen("intake", letter, "--received", "2026-10-10").exit_code == 0
    result = docgen(*args)
    assert result.exit_code == 1, result.output
    assert "超出可用范围" in result.stderr and "Traceback" not in result.output


def test_as_of_may_look_years_ahead(docgen, letter):
    assert docgen("intake", letter, "--received", "2026-10-10").exit_code == 0
    ahead = docgen.json("list", "--as-of", "2060-01-01", "--overdue")
    assert [c["case_no"] for c in ahead["cases"]] == ["2026-0001"]


def test_a_visit_form_date_in_the_future_is_refused(docgen, ws, tmp_path):
    form = tmp_path / "登记表.toml"
    form.write_text('"姓名" = "王五"\n"反映内容" = "反映道路损毁"\n"来访日期" = 9999-12-31\n',
                    encoding="utf-8")
    result = docgen("visit", "--form", form)
    assert result.exit_code == 1 and "来访日期" in result.stderr
    assert ws.registry.count_cases() == 0


def test_the_library_never_stores_an_overflowing_date():
    with pytest.raises(DocgenError):
        check_stored(dt.date(9999, 12, 31))
    with pytest.raises(DocgenError, match="--allow-future"):
        check_happened(dt.date.today() + dt.timedelta(days=3))
    assert check_happened(dt.date(1949, 10, 1)) == dt.date(1949, 10, 1)
