"""Issue 9 item 10: bad input found while trying the safety items — each once gave a traceback
or could break later documents; now a Chinese message (exit 1) or a clean value."""

from __future__ import annotations

import json

import pytest

LETTER = "县人大常委会：\n我叫张三，反映某镇人民政府拖欠征地补偿款的问题。\n反映人：张三\n2026年10月8日\n"


def test_a_visit_of_too_many_people_is_refused(docgen, ws):
    result = docgen("visit", "--name", "张三", "--content", "反映噪声扰民",
                    "--persons", "99999999999999999999", "--received", "2026-10-10")
    assert result.exit_code == 1, result.output
    assert "来访人数 99999999999999999999 不合常理" in result.stderr
    assert "Traceback" not in result.output and ws.registry.count_cases() == 0


def test_control_characters_never_reach_the_registry(docgen, ws):
    result = docgen("visit", "--name", "张\x00三\x07", "--content", "反映\x0b噪声扰民",
                    "--received", "2026-10-10")
    assert result.exit_code == 0, result.output
    case = ws.registry.get_case("2026-0001")
    assert case.petitioner.name == "张三" and case.text == "反映噪声扰民"


@pytest.mark.parametrize("mirror, message", [
    ("{garbage", "无法读取"),
    ('{"case:2026": 99999999999999999999999}', "不合常理的编号"),
    ('{"case:2026": "x", "doc": 1e400}', "不合常理的编号"),
    ("[1, 2]", None),
])
def test_a_damaged_number_record_is_said_and_rebuilt(docgen, ws, tmp_path, mirror, message):
    letter = tmp_path / "来信.txt"
    letter.write_text(LETTER, encoding="utf-8")
    (ws.root / "registry.numbers.json").write_text(mirror, encoding="utf-8")
    result = docgen("intake", letter, "--received", "2026-10-10", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout)["cases"][0]["case_no"] == "2026-0001"
    if message:
        assert message in result.stderr
    assert json.loads((ws.root / "registry.numbers.json").read_text())["case:2026"] == 1


@pytest.mark.parametrize("name, data, message", [
    ("空.txt", b"", "是空文件"),
    ("乱码.txt", bytes(range(256)) * 8, "无法识别的文件类型"),
    ("假.pdf", b"%PDF-1.4 not really", "PDF 文件已损坏"),
])
def test_unreadable_letters_are_refused_without_a_case(docgen, ws, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = docgen("intake", path, "--received", "2026-10-10")
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert ws.registry.count_cases() == 0 and not any(ws.files_dir.rglob("*.*"))


def test_a_fifo_is_not_read(docgen, ws, tmp_path):
    import os
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    result = docgen("intake", fifo, "--received", "2026-10-10")
    assert result.exit_code == 1 and "不是文件" in result.stderr
