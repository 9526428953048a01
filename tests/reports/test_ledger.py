"""``docgen ledger export`` / ``import``: masking, round trip, no duplicates, bad rows by number."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from docgen.cli.main import cli
from docgen.privacy import mask_phone
from docgen.reports.ledger import parse_date
from docgen.workspace import Workspace
from tests.fixtures.reports_ledger import HEADERS, ledger_rows, write_ledger
from tests.fixtures.reports_year import YEAR


def invoke(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), *map(str, args)])


def invoke_json(home, *args):
    result = invoke(home, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_masks_id_and_phone_unless_asked(year_ws, tmp_path):
    ws, plan = year_ws
    out = invoke_json(ws.root, "ledger", "export", tmp_path / "masked.xlsx", "--year", YEAR)
    assert out["count"] == sum(1 for p in plan if p.received.year == YEAR)
    assert out["files"] == [str(tmp_path / "masked.xlsx")]
    sheet = load_workbook(tmp_path / "masked.xlsx").active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    first = next(p for p in plan if p.received.year == YEAR)
    row = next(r for r in rows if r["登记号"] == first.case_no)
    assert row["身份证号"] == first.person.id_number[:6] + "********" + first.person.id_number[-4:]
    assert row["联系电话"] == mask_phone(first.person.phone) != first.person.phone
    assert isinstance(row["收到日期"], dt.datetime)          # a real Excel date
    invoke_json(ws.root, "ledger", "export", tmp_path / "plain.xlsx", "--unmasked")
    text = " ".join(str(c.value) for row in load_workbook(tmp_path / "plain.xlsx").active.iter_rows()
                    for c in row)
    assert first.person.id_number in text and first.person.phone in text


def test_round_trip_export_import_keeps_the_cases_and_figures(year_ws, tmp_path):
    ws, _ = year_ws
    invoke_json(ws.root, "ledger", "export", tmp_path / "all.xlsx", "--unmasked")
    fresh, _ = Workspace.init(tmp_path / "fresh")
    out = invoke_json(fresh.root, "ledger", "import", tmp_path / "all.xlsx")
    assert out["errors"] == []
    originals = {c.case_no: c for c in ws.registry.list_cases()}
    assert len(out["cases"]) == len(originals)
    for item in out["cases"]:
        mine = fresh.registry.get_case(item["case_no"])
        theirs = originals[mine.external_no]
        assert (mine.received_date, mine.channel, mine.petitioner, mine.target, mine.category,
                mine.summary, mine.persons, mine.closed_date, mine.satisfaction) == \
               (theirs.received_date, theirs.channel, theirs.petitioner, theirs.target,
                theirs.category, theirs.summary, theirs.persons, theirs.closed_date,
                theirs.satisfaction)
    before = invoke_json(ws.root, "stats", "--year", YEAR)
    after = invoke_json(fresh.root, "stats", "--year", YEAR)
    # the ledger keeps dates and outcomes, not the routing history, so on-time can differ
    for key in ("total", "closed", "closure_rate", "satisfaction_rate", "by_channel", "by_category",
                "by_target", "by_township", "by_month", "repeat", "group_visits", "visitors"):
        assert after[key] == before[key], key


def test_importing_the_same_file_twice_creates_no_duplicates(ws, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", ledger_rows(60))
    first = invoke_json(ws.root, "ledger", "import", path)
    assert len(first["cases"]) == 60 and first["errors"] == []
    second = invoke_json(ws.root, "ledger", "import", path)
    assert second["cases"] == [] and len(second["skipped"]) == 60
    assert ws.registry.count_cases() == 60


def test_our_own_export_read_back_creates_no_duplicates(ws, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", ledger_rows(15))
    invoke_json(ws.root, "ledger", "import", path)
    invoke_json(ws.root, "ledger", "export", tmp_path / "导出.xlsx")
    again = invoke_json(ws.root, "ledger", "import", tmp_path / "导出.xlsx")
    assert again["cases"] == [] and len(again["skipped"]) == 15
    assert ws.registry.count_cases() == 15


def test_rows_without_a_number_are_keyed_by_their_content(ws, tmp_path):
    rows = [r[1:] for r in ledger_rows(20)]
    path = write_ledger(tmp_path / "无编号.xlsx", rows, headers=HEADERS[1:])
    assert len(invoke_json(ws.root, "ledger", "import", path)["cases"]) == 20
    assert invoke_json(ws.root, "ledger", "import", path)["cases"] == []
    rows[3][5] = "内容改过了"        # a changed row is a different row
    write_ledger(path, rows, headers=HEADERS[1:])
    assert len(invoke_json(ws.root, "ledger", "import", path)["cases"]) == 1


def test_closed_rows_are_closed_with_satisfaction_and_open_rows_stay_open(ws, tmp_path):
    rows = ledger_rows(30)
    path = write_ledger(tmp_path / "台账.xlsx", rows)
    out = invoke_json(ws.root, "ledger", "import", path)
    for item, row in zip(sorted(out["cases"], key=lambda c: c["row"]), rows, strict=True):
        shown = invoke_json(ws.root, "show", item["case_no"])
        if row[12] is None:
            assert shown["status"] == "已登记" and shown["closed_date"] is None
        else:
            assert shown["status"] == "已办结"
            assert shown["closed_date"] == parse_date(row[12]).isoformat()
            assert shown["satisfaction"] == row[13]
            assert any(e["kind"] == "办结" for e in shown["events"])


def test_bad_rows_are_reported_by_row_number_and_the_rest_imported(ws, tmp_path):
    rows = ledger_rows(8)
    rows[1][5] = "2019-02-30"            # sheet row 4: no such day
    rows[3][5] = None                    # row 6: no received date
    rows[4][12] = None                   # row 7: says closed (result) — fine, open
    rows[5][9] = "飞鸽传书"               # row 8: unknown channel
    rows[6][13] = "还行吧"                # row 9: unknown satisfaction
    rows[7][0] = rows[0][0]              # row 10: number used twice
    path = write_ledger(tmp_path / "坏行.xlsx", rows)     # title row 1, header row 2
    result = invoke(ws.root, "ledger", "import", path, "--json")
    assert result.exit_code == 1          # rows were left out; the others are in
    out = json.loads(result.stdout)
    errors = {e["row"]: e["message"] for e in out["errors"]}
    assert set(errors) == {4, 6, 8, 9, 10}
    assert "日期不存在" in errors[4]
    assert "缺少收到日期" in errors[6]
    assert "来源渠道" in errors[8]
    assert "满意度" in errors[9]
    assert "第 3 行重复" in errors[10]
    assert sorted(c["row"] for c in out["cases"]) == [3, 5, 7]


def test_map_and_sheet_options(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本台账来自网上信访平台"])
    sheet = wb.create_sheet("留言")
    sheet.append(["留言用户", "留言时间", "留言详情", "一级标签"])
    sheet.append(["李四", "2020/3/5 14:22:01", "小区门口道路破损，请求维修", "城乡建设"])
    sheet.append(["王五", "2020年3月6日", "工资被拖欠三个月", "劳动和社会保障"])
    wb.save(tmp_path / "网上.xlsx")
    out = invoke_json(ws.root, "ledger", "import", tmp_path / "网上.xlsx", "--sheet", "留言",
                      "--map", "留言用户=petitioner.name", "--map", "留言详情=text",
                      "--map", "一级标签=category", "--map", "留言时间=received_date")
    assert out["errors"] == [] and len(out["cases"]) == 2
    case = ws.registry.get_case(out["cases"][0]["case_no"])
    assert (case.petitioner.name, case.received_date, case.category) == \
        ("李四", dt.date(2020, 3, 5), "城乡建设")
    assert "道路破损" in case.text


def test_map_to_an_unknown_field_or_column_is_refused(ws, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", ledger_rows(2))
    result = invoke(ws.root, "ledger", "import", path, "--map", "编号=serial")
    assert result.exit_code == 1 and "没有字段 serial" in result.stderr
    result = invoke(ws.root, "ledger", "import", path, "--map", "不存在的列=text")
    assert result.exit_code == 1 and "没有名为“不存在的列”的列" in result.stderr
    result = invoke(ws.root, "ledger", "import", path, "--sheet", "Sheet9")
    assert result.exit_code == 1 and "Sheet9" in result.stderr
    assert ws.registry.count_cases() == 0


def test_a_file_that_is_not_xlsx_is_refused(ws, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a zip")
    result = invoke(ws.root, "ledger", "import", bad)
    assert result.exit_code == 1 and "不是有效的 .xlsx" in result.stderr


def test_repeat_petitioners_in_a_ledger_are_linked(ws, tmp_path):
    rows = ledger_rows(3)
    rows[2][1:5] = rows[0][1:5]          # the same person writes again
    path = write_ledger(tmp_path / "台账.xlsx", rows)
    out = invoke_json(ws.root, "ledger", "import", path)
    later = max(out["cases"], key=lambda c: c["received_date"] if c["row"] in (3, 5) else "")
    assert later["prior_cases"] and "身份证号相同" in later["prior_cases"][0]["reasons"][0]


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2014, 5, 23, 10, 30), dt.date(2014, 5, 23)),
    (dt.date(2014, 5, 23), dt.date(2014, 5, 23)),
    (41782, dt.date(2014, 5, 23)),
    ("2014-05-23", dt.date(2014, 5, 23)),
    ("2014/5/23", dt.date(2014, 5, 23)),
    ("2014.5.23", dt.date(2014, 5, 23)),
    ("2014年5月23日", dt.date(2014, 5, 23)),
    ("2014年5月23日 14:05", dt.date(2014, 5, 23)),
    ("2014/5/23 8:05:10", dt.date(2014, 5, 23)),
    ("２０１４－０５－２３", dt.date(2014, 5, 23)),
    ("20140523", dt.date(2014, 5, 23)),
    ("2014.5.23上午", dt.date(2014, 5, 23)),
    ("2014年5月23日下午3时30分", dt.date(2014, 5, 23)),
    (None, None),
    ("", None),
])
def test_parse_date_accepts_the_ledger_date_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2014-13-01", "五月", "2014/5", "2014-02-30"])
def test_parse_date_refuses_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        parse_date(value)
