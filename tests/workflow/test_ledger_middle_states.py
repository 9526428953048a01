"""A ledger row in a middle state (已交办, 已转送, 已答复, ...) is imported with the routing event
behind it, so show/replay report the status the ledger says."""

from __future__ import annotations

import json

from openpyxl import Workbook

HEADERS = ["编号", "收到日期", "姓名", "住址", "反映内容", "状态", "交办日期", "承办单位", "办理结果"]
ROWS = [
    ["L-1", "2024-03-01", "张三", "示例县城关镇", "征地补偿款未发放", "已交办", "2024-03-05", "某镇人民政府", None],
    ["L-2", "2024-03-01", "李四", "示例县城关镇", "欠薪", "已转送", "2024/3/6", "县人力资源和社会保障局", None],
    ["L-3", "2024-03-01", "王五", "示例县城关镇", "路灯不亮", "已答复", None, None, "已答复：路灯已修复"],
    ["L-4", "2024-03-01", "赵六", "示例县城关镇", "判决不公", "不予受理", "2024-03-04", None, "属于诉讼事项"],
    ["L-5", "2024-03-01", "钱七", "示例县城关镇", "噪音", "已报结果", "2024-03-05", "县生态环境局", None],
    ["L-6", "2024-03-01", "孙八", "示例县城关镇", "道路", "已交办", None, None, None],
    ["L-7", "2024-03-01", "周九", "示例县城关镇", "低保", "在办", None, None, None],
]


def write(path, rows=ROWS, headers=HEADERS):
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


def imported(docgen, tmp_path, rows=ROWS, headers=HEADERS) -> dict[str, str]:
    out = docgen.json("ledger", "import", write(tmp_path / "台账.xlsx", rows, headers))
    assert out["errors"] == []
    return {c["external_no"]: c["case_no"] for c in out["cases"]}


def test_middle_states_replay_as_the_ledger_says(docgen, tmp_path):
    numbers = imported(docgen, tmp_path)
    expected = {"L-1": "已交办", "L-2": "已转送", "L-3": "已答复", "L-4": "不予受理",
                "L-5": "已报结果", "L-6": "已交办", "L-7": "已登记"}
    for ext, status in expected.items():
        view = docgen.json("show", numbers[ext], "--as-of", "2024-12-31")
        assert view["status"] == status, ext
    listed = {c["case_no"]: c["status"] for c in docgen.json("list", "--as-of", "2024-12-31")["cases"]}
    assert listed[numbers["L-2"]] == "已转送"


def test_imported_assignment_runs_its_deadline_from_the_assignment_date(docgen, tmp_path):
    numbers = imported(docgen, tmp_path)
    view = docgen.json("show", numbers["L-1"], "--as-of", "2024-03-10")
    routed = [e for e in view["events"] if e["kind"] == "交办"]
    assert routed[0]["date"] == "2024-03-05" and routed[0]["data"]["to"] == "某镇人民政府"
    assert view["due_date"] == "2024-05-06"        # 60 days end on 4 May (劳动节), moved on
    assert view["extra"]["route_to"] == "某镇人民政府"
    assert "ledger_steps" not in view["extra"]
    # overdue as the ledger leaves it: the assignment is still open after its date
    overdue = {c["case_no"] for c in docgen.json("list", "--overdue", "--as-of", "2024-06-01")["cases"]}
    assert numbers["L-1"] in overdue and numbers["L-2"] not in overdue


def test_undated_step_is_dated_on_receipt_and_says_so(docgen, tmp_path):
    numbers = imported(docgen, tmp_path)
    view = docgen.json("show", numbers["L-6"])
    [routed] = [e for e in view["events"] if e["kind"] == "交办"]
    assert routed["date"] == "2024-03-01" and "未载日期" in routed["detail"]
    assert "未载明" in routed["data"]["to"]


def test_forward_unit_header_and_reimport(docgen, tmp_path):
    headers = ["编号", "收到日期", "姓名", "反映内容", "状态", "转送日期", "转送单位"]
    rows = [["F-1", "2024-03-01", "张三", "欠薪", "已转送", "2024-03-06", "县人社局"]]
    numbers = imported(docgen, tmp_path, rows, headers)
    view = docgen.json("show", numbers["F-1"])
    assert view["status"] == "已转送"
    assert [e["data"].get("to") for e in view["events"] if e["kind"] == "转送"] == ["县人社局"]
    again = docgen.json("ledger", "import", tmp_path / "台账.xlsx")
    assert again["cases"] == [] and len(again["skipped"]) == 1


def test_route_date_before_receipt_is_a_row_error(docgen, tmp_path):
    rows = [["E-1", "2024-03-01", "张三", "示例县", "x", "已交办", "2024-02-01", "某镇", None]]
    result = docgen("ledger", "import", write(tmp_path / "bad.xlsx", rows), "--json")
    assert result.exit_code == 1       # a row left out is a problem with the data
    out = json.loads(result.stdout)
    assert out["cases"] == [] and out["errors"][0]["row"] == 2
    assert "早于收到日期" in out["errors"][0]["message"]
