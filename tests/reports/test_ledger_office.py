"""An office's own ledger imports with no --map (issue 12 "Ledger"): merged title rows, blank
rows, the headers offices write, mixed dates, a bad date, a 9999 date, a 合计 row; every row's
fields, result, note and routing checked; ignored columns listed in text and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from docgen.cli.main import cli
from docgen.reports.ledger_fields import DEFAULT_HEADERS, FIELDS
from tests.fixtures.reports_office import IGNORED, VARIANTS, write_office_ledger


def invoke(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), *map(str, args)])


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "/".join(v.values()) or "issue")
def test_office_ledger_imports_without_map(ws, tmp_path, variant):
    path, expected = write_office_ledger(tmp_path / "台账.xlsx", variant)
    result = invoke(ws.root, "ledger", "import", path, "--json")
    assert result.exit_code == 1, result.output     # two rows left out: a problem with the data
    out = json.loads(result.stdout)
    assert out["header_row"] == 4
    assert out["ignored_columns"] == list(IGNORED)
    assert out["total_rows"] == [max(e.row for e in expected) + 1]     # the 合计 row
    assert out["signature_rows"] == [max(e.row for e in expected) + 2]  # 填表人 under it
    errors = {e["row"]: e["message"] for e in out["errors"]}
    bad = {e.row: e.error for e in expected if e.error}
    assert set(errors) == set(bad)
    for row, piece in bad.items():
        assert piece in errors[row], errors[row]
    by_row = {c["row"]: c["case_no"] for c in out["cases"]}
    good = [e for e in expected if not e.error]
    assert sorted(by_row) == [e.row for e in good]
    for want in good:
        shown = json.loads(invoke(ws.root, "show", by_row[want.row], "--json").stdout)
        got = {"name": shown["petitioner"]["name"], "received": shown["received_date"],
               "status": shown["status"], "closed": shown["closed_date"],
               "satisfaction": shown["satisfaction"], "township": shown["township"]}
        assert got == {"name": want.name, "received": want.received.isoformat(),
                       "status": want.status,
                       "closed": want.closed.isoformat() if want.closed else None,
                       "satisfaction": want.satisfaction, "township": want.township}, want.row
        if want.summary:
            assert shown["summary"] == want.summary
        if want.phone:
            assert shown["petitioner"]["phone"] == want.phone
        events = shown["events"]
        registered = next(e for e in events if e["kind"] == "登记")
        if want.note:
            assert registered["data"]["note"] == want.note
            assert f"备注：{want.note}" in registered["detail"]
        else:
            assert "note" not in registered["data"]
        if want.closed:
            closing = next(e for e in events if e["kind"] == "办结")
            assert closing["data"]["result"] == want.result
            assert shown["result"] == want.result          # not "台账记载已办结"
        elif want.result:
            assert f"处理情况：{want.result}" in registered["detail"]
        routes = [e for e in events if e["kind"] in ("交办", "转送")]
        if want.route_to:
            assert [(e["kind"], e["data"]["to"], e["date"]) for e in routes] == \
                [("交办", want.route_to, want.route_date.isoformat())]
        else:
            assert routes == []


def test_text_output_lists_ignored_columns_total_row_and_bad_rows(ws, tmp_path):
    path, expected = write_office_ledger(tmp_path / "台账.xlsx")
    result = invoke(ws.root, "ledger", "import", path)
    assert result.exit_code == 1
    assert "未导入的列：序号、经办人" in result.stderr
    total = max(e.row for e in expected) + 1
    assert f"第 {total} 行是合计行，已跳过" in result.stderr
    assert "日期不存在" in result.stderr and "9999-12-31" in result.stderr
    assert "--allow-future" not in result.stderr       # no such option for a ledger
    assert "跳过合计行 1 行" in result.stderr
    assert f"第 {total + 1} 行是表尾署名" in result.stderr
    # a second run: nothing new, the 合计 row still skipped and not an error
    again = json.loads(invoke(ws.root, "ledger", "import", path, "--json").stdout)
    assert again["cases"] == [] and len(again["skipped"]) == 7 and again["total_rows"] == [total]


def test_imported_open_cases_say_where_their_deadline_comes_from(ws, tmp_path):
    path, _ = write_office_ledger(tmp_path / "台账.xlsx")
    invoke(ws.root, "ledger", "import", path)
    listing = invoke(ws.root, "list", "--as-of", "2026-01-31").stdout
    line = next(x for x in listing.splitlines() if "王建国" in x)
    assert "超期，期限按台账导入日期计" in line
    shown = invoke(ws.root, "show", "2025-0003", "--as-of", "2026-01-31").stdout
    assert "台账导入：按台账所载日期计算" in shown


def test_a_ledger_without_a_received_date_column_is_refused_once(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["序号", "来信人", "反映问题", "处理情况"])
    for i in range(5):
        wb.active.append([i + 1, f"张{i}", "反映问题", "已答复"])
    wb.save(tmp_path / "无日期.xlsx")
    result = invoke(ws.root, "ledger", "import", tmp_path / "无日期.xlsx")
    assert result.exit_code == 1
    message = result.stderr
    assert message.count("收到日期") >= 1 and "received_date" in message
    assert "来信时间" in message                                   # what would have served
    assert "台账的表头为：序号、来信人、反映问题、处理情况" in message
    assert "缺少收到日期" not in message                             # not once per row
    assert ws.registry.count_cases() == 0


def test_import_help_lists_the_fields():
    result = CliRunner().invoke(cli, ["ledger", "import", "--help"])
    assert result.exit_code == 0
    for name in FIELDS:
        if name != "case_no":
            assert name in result.output, name
    for header in ("来信时间", "处理情况", "承办单位", "备注"):
        assert header in result.output


def test_forward_headers_make_a_forward(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["来信人", "收信日期", "反映内容", "转送单位", "转送日期"])
    wb.active.append(["钱某", "2025-03-01", "反映噪声", "市生态环境局", "2025-03-04"])
    wb.save(tmp_path / "转送.xlsx")
    out = json.loads(invoke(ws.root, "ledger", "import", tmp_path / "转送.xlsx", "--json").stdout)
    shown = json.loads(invoke(ws.root, "show", out["cases"][0]["case_no"], "--json").stdout)
    assert shown["status"] == "已转送"
    assert [(e["kind"], e["data"]["to"]) for e in shown["events"] if e["kind"] == "转送"] == \
        [("转送", "市生态环境局")]


def test_every_recognised_header_is_unique_to_one_field_order():
    # a header listed for two fields goes to the first; that must be a deliberate pair
    seen: dict[str, str] = {}
    shared = set()
    for target, names in DEFAULT_HEADERS.items():
        for name in names:
            if name in seen:
                shared.add((seen[name], target, name))
            seen.setdefault(name, target)
    assert shared == {("received_date", "letter_date", "来信日期"), ("summary", "text", "反映内容"),
                      ("summary", "text", "反映问题")}


def test_imported_dates_stay_dates(ws, tmp_path):
    path, expected = write_office_ledger(tmp_path / "台账.xlsx")
    invoke(ws.root, "ledger", "import", path)
    assert max(c.received_date for c in ws.registry.list_cases()) <= dt.date.today()
