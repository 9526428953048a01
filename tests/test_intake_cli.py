"""docgen parse / intake / visit / show / list, driven as a clerk would."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from docgen.demo import sample_files, sample_visit_form
from tests.fixtures.letters import make_truth, write_txt

VALID_ID = "11010519491231002X"


def _letter(path: Path, name="张三", id_number=VALID_ID, phone="13800138000",
            body="反映某镇人民政府拖欠征地补偿款的问题，请求依法足额发放。",
            encoding="utf-8") -> Path:
    text = (f"关于征地补偿的反映\n县人大常委会：\n我叫{name}，身份证号{id_number}，联系电话{phone}，"
            f"住址某县某镇某村1组。\n{body}\n此致\n敬礼！\n反映人：{name}\n2026年10月8日\n")
    path.write_bytes(text.encode(encoding))
    return path


def test_intake_registers_a_letter_and_prints_its_number(docgen, tmp_path):
    result = docgen("intake", _letter(tmp_path / "a.txt"), "--received", "2026-10-10")
    assert result.exit_code == 0, result.output
    assert "已登记 2026-0001" in result.stdout
    case = docgen.json("show", "2026-0001")
    assert case["petitioner"]["name"] == "张三"
    assert case["petitioner"]["id_number"] == VALID_ID
    assert case["petitioner"]["phone"] == "13800138000"
    assert case["letter_date"] == "2026-10-08"
    assert case["received_date"] == "2026-10-10"
    assert case["channel"] == "来信"
    assert "due_date" in case and "deadlines" in case


def test_intake_json_lists_cases_with_prior_cases_and_errors(docgen, tmp_path):
    data = docgen.json("intake", _letter(tmp_path / "a.txt"))
    assert set(data) >= {"cases", "errors"}
    assert data["cases"][0]["case_no"].endswith("-0001")
    assert data["cases"][0]["prior_cases"] == []
    assert data["errors"] == []


def test_the_original_is_kept_byte_for_byte_with_its_sha256(docgen, ws, tmp_path):
    src = _letter(tmp_path / "来信（GBK）.txt", encoding="gb18030")
    docgen("intake", src)
    files = docgen.json("show", _only_case(docgen))["files"]
    original = next(f for f in files if f["role"] == "original")
    stored = ws.root / original["path"]
    assert stored.read_bytes() == src.read_bytes()
    assert original["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert original["name"] == "来信（GBK）.txt"


def _only_case(docgen) -> str:
    (case,) = docgen.json("list")["cases"]
    return case["case_no"]


def test_the_same_file_twice_is_not_registered_again(docgen, tmp_path):
    src = _letter(tmp_path / "a.txt")
    docgen("intake", src)
    result = docgen("intake", src)
    assert result.exit_code == 0
    assert "已登记为" in result.stdout
    assert len(docgen.json("list")["cases"]) == 1
    assert docgen("intake", src, "--force").exit_code == 0
    assert len(docgen.json("list")["cases"]) == 2


def test_a_second_letter_of_the_same_person_is_linked_not_rejected(docgen, tmp_path):
    docgen("intake", _letter(tmp_path / "a.txt"))
    data = docgen.json("intake", _letter(tmp_path / "b.txt", body="再次反映道路损毁问题，要求修复。"))
    (case,) = data["cases"]
    (prior,) = case["prior_cases"][:1]
    assert prior["case_no"] == _first_no(docgen)
    assert any("身份证号相同" in r for r in prior["reasons"])
    assert "重复信访" in docgen.json("show", case["case_no"])["flags"]


def _first_no(docgen) -> str:
    return docgen.json("list")["cases"][0]["case_no"]


def test_one_bad_file_does_not_stop_the_batch(docgen, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    good = _letter(tmp_path / "good.txt")
    result = docgen("intake", empty, broken, good, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert len(data["cases"]) == 1
    assert {Path(e["file"]).name for e in data["errors"]} == {"empty.txt", "broken.pdf"}
    assert all(e["message"] for e in data["errors"])
    assert "Traceback" not in result.output
    assert len(docgen.json("list")["cases"]) == 1


def test_a_missing_file_is_a_clear_error(docgen, tmp_path):
    result = docgen("intake", tmp_path / "nope.pdf")
    assert result.exit_code == 1
    assert "不存在" in result.stderr


def test_an_invalid_id_number_is_kept_and_flagged(docgen, tmp_path):
    docgen("intake", _letter(tmp_path / "a.txt", id_number="110105194912310021"))
    case = docgen.json("show", _only_case(docgen))
    assert case["petitioner"]["id_number"] == "110105194912310021"
    assert case["petitioner"]["id_valid"] is False


def test_a_file_name_with_dots_stays_inside_the_case_folder(docgen, ws, tmp_path):
    src = _letter(tmp_path / "..来信..txt")
    docgen("intake", src)
    original = docgen.json("show", _only_case(docgen))["files"][0]
    stored = (ws.root / original["path"]).resolve()
    assert stored.is_relative_to(ws.files_dir.resolve())
    assert original["name"] == "..来信..txt"


def test_parse_changes_nothing_and_gives_fields(docgen, ws, tmp_path):
    data = docgen.json("parse", _letter(tmp_path / "a.txt"))
    assert data["ocr"] is False and data["pages"] >= 1
    assert data["fields"]["petitioner"]["name"] == "张三"
    assert data["fields"]["letter_date"] == "2026-10-08"
    assert ws.registry.count_cases() == 0


def test_parse_of_a_scanned_letter_uses_ocr(docgen):
    scan = next(p for p in sample_files() if p.suffix == ".jpg")
    data = docgen.json("parse", scan)
    assert data["ocr"] is True
    assert data["fields"]["petitioner"]["name"] == "张桂兰"
    assert data["fields"]["petitioner"]["phone"] == "13857112345"
    assert data["fields"]["letter_date"] == "2026-10-12"


def test_visit_from_options(docgen):
    data = docgen.json("visit", "--name", "赵六", "--phone", "138-0013-8000", "--content",
                       "反映小区物业乱收费", "--received", "2026-11-16")
    case = docgen.json("show", data["cases"][0]["case_no"])
    assert case["channel"] == "来访"
    assert case["petitioner"]["phone"] == "13800138000"
    assert case["received_date"] == "2026-11-16"


def test_group_visit_from_a_form_file(docgen):
    data = docgen.json("visit", "--form", sample_visit_form())
    case = docgen.json("show", data["cases"][0]["case_no"])
    assert case["persons"] == 6
    assert "集体访" in case["flags"]
    assert case["extra"]["visit"]["receptionist"] == "黄主任"


def test_visit_without_content_is_refused(docgen, ws):
    result = docgen("visit", "--name", "赵六")
    assert result.exit_code == 1
    assert "反映内容" in result.stderr
    assert ws.registry.count_cases() == 0


def test_list_filters_by_channel_and_year(docgen, tmp_path):
    docgen("intake", _letter(tmp_path / "a.txt"), "--received", "2025-12-30")
    docgen("visit", "--content", "反映问题", "--received", "2026-01-05")
    assert [c["channel"] for c in docgen.json("list", "--year", "2026")["cases"]] == ["来访"]
    assert [c["case_no"] for c in docgen.json("list", "--channel", "来信")["cases"]] == ["2025-0001"]


def test_two_intake_processes_at_once_lose_nothing(ws, tmp_path):
    batches = []
    for b in range(2):
        folder = tmp_path / f"batch{b}"
        folder.mkdir()
        batches.append([write_txt(make_truth(b * 100 + i), folder / f"{i}.txt") for i in range(20)])
    env = dict(os.environ, DOCGEN_HOME=str(ws.root))
    procs = [subprocess.Popen([sys.executable, "-m", "docgen", "intake", "--json", *map(str, files)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for files in batches]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode() for o in outputs]
    numbers = [c["case_no"] for out, _ in outputs for c in json.loads(out)["cases"]]
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert ws.registry.count_cases() == 40


def test_intake_shows_every_field_with_where_it_was_read(docgen, tmp_path):
    """Issue 10 item 2: the clerk sees each value, the line of the letter it came from, and
    what to check; --json stays the registration record."""
    from tests.fixtures.intake_letters import make_real_letter, write_kind

    letter = make_real_letter(5)      # 联名人 separated by spaces, "我们是…村民"
    path = write_kind(letter, "txt", tmp_path)
    result = docgen("intake", path, "--received", "2026-11-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for label in ("来信人", "身份证号", "电话", "住址", "联名人", "人数", "来信日期", "被反映对象",
                  "诉求", "乡镇（街道）", "类别", "摘要"):
        assert f"  {label}" in out, label
    name_line = next(ln for ln in out.splitlines() if ln.strip().startswith("来信人"))
    assert letter.name in name_line and "← 第" in name_line and "联名人：" in name_line
    assert "、".join(letter.cosigners) in out
    assert f"人数　　　　：{letter.persons}" in out
    assert f"乡镇（街道）：{letter.township}" in out
    assert "docgen edit" in out
    case = docgen.json("show", _only_case(docgen))
    assert case["township"] == letter.township
    assert case["cosigners"] == letter.cosigners


def test_intake_says_a_letter_date_out_of_range_was_not_taken(docgen, tmp_path):
    path = _letter(tmp_path / "a.txt").read_text(encoding="utf-8").replace("2026年10月8日", "1924年10月8日")
    (tmp_path / "b.txt").write_text(path, encoding="utf-8")
    result = docgen("intake", tmp_path / "b.txt", "--received", "2026-10-10")
    assert result.exit_code == 0, result.output
    assert "来信日期 1924-10-08 早于 1949-10-01" in result.stdout
    assert "日期不合理，未采用" in result.stdout
    assert docgen.json("show", _only_case(docgen))["letter_date"] is None


def test_intake_json_is_the_registration_record(docgen, tmp_path):
    data = docgen.json("intake", _letter(tmp_path / "a.txt"), "--received", "2026-10-10")
    case = data["cases"][0]
    assert case["petitioner"]["name"] == "张三"
    assert "sources" not in case       # the text output says where; the record stays as it was
