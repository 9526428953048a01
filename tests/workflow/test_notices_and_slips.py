"""告知 and 不予受理 write the 告知书; routing can notify; 拟办/批示 refresh the slip; a visit
gets its register and reception report with the visit details."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from docgen.letters import have_libreoffice


def text_of(path: Path | str) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def documents(ws, case_no: str) -> list:
    return [f for f in ws.registry.files(ws.registry.get_case(case_no).id) if f.role == "document"]


def test_notify_writes_the_acceptance_notice(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("notify", no, "--date", "2024-03-05")
    assert out["status"] == "已告知"
    [path] = out["files"]
    text = text_of(path)
    assert "信访事项受理告知书" in text and "张三：" in text and "予以受理" in text
    assert out["event"]["data"]["notice_type"] == "受理"
    assert [f.kind for f in documents(ws, no)] == ["告知书"]


def test_reject_writes_the_rejection_notice_with_the_reason(docgen, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("reject", no, "--reason", "该事项已经人民法院生效判决处理",
                      "--to", "县人民法院", "--date", "2024-03-05")
    assert out["status"] == "不予受理"
    text = text_of(out["files"][0])
    assert "信访事项不予受理告知书" in text
    assert "该事项已经人民法院生效判决处理" in text and "请你向县人民法院反映" in text


def test_anonymous_or_addressless_petitioner_gets_no_notice_but_the_event(docgen, ws, new_case):
    anonymous = new_case("2024-03-01", name=None).case_no
    result = docgen("reject", anonymous, "--reason", "不属于受理范围", "--date", "2024-03-05")
    assert result.exit_code == 0 and "匿名" in result.stderr and "未写告知书" in result.stderr
    view = docgen.json("show", anonymous)
    assert view["status"] == "不予受理" and view["events"][-1]["data"]["notice_skipped"] == "信访人匿名"
    assert documents(ws, anonymous) == []

    case = ws.registry.get_case(new_case("2024-03-01").case_no)
    case.petitioner.address = None
    ws.registry.update_case(case)
    result = docgen("notify", case.case_no, "--date", "2024-03-05", "--json")
    assert result.exit_code == 0 and "住址不详" in result.stderr
    assert documents(ws, case.case_no) == []


def test_no_notice_records_only(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("notify", no, "--no-notice", "--date", "2024-03-05")
    assert out["files"] == [] and out["status"] == "已告知"


def test_forward_with_notify_writes_the_forwarding_notice(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("transfer", no, "--to", "县人力资源和社会保障局", "--mode", "转送", "--notify",
                      "--date", "2024-03-04")
    assert len(out["files"]) == 2
    letter, notice = out["files"]
    assert "转送函" in Path(letter).name
    text = text_of(notice)
    assert "信访事项转送告知书" in text and "县人力资源和社会保障局" in text and "2024年3月4日" in text
    assert sorted(f.kind for f in documents(ws, no)) == ["告知书", "转送函"]
    assert out["event"]["data"]["notice_type"] == "转送告知"
    # a reprint of the notice keeps its 文号 and replaces it
    again = docgen.json("letter", "告知书", no, "--date", "2024-03-06")
    assert again["doc_no"] == out["event"]["data"]["notice_doc_no"] and again["replaced"] is True


def test_decide_refreshes_an_existing_slip(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    first = docgen.json("decide", no, "--proposal", "建议交某镇人民政府办理", "--date", "2024-03-02")
    assert first["files"] == []                         # no slip yet, none asked for
    slip = docgen.json("decide", no, "--instruction", "同意", "--leader", "王副主任", "--slip",
                       "--date", "2024-03-03")
    [path] = slip["files"]
    text = text_of(path)
    assert "建议交某镇人民政府办理" in text and "同意" in text
    [before] = documents(ws, no)

    again = docgen.json("decide", no, "--instruction", "同意，请抓紧办理", "--date", "2024-03-04")
    [after] = documents(ws, no)
    assert after.id == before.id and after.sha256 != before.sha256
    assert "同意，请抓紧办理" in text_of(again["files"][0])


def visit(docgen, *extra: str) -> str:
    out = docgen.json("visit", "--name", "赵六", "--address", "示例县城关镇幸福路1号",
                      "--content", "反映幸福小区车库渗水。\n物业多次推诿，无人处理。",
                      "--received", "2024-03-15", *extra)
    return out["cases"][0]["case_no"]


def test_visit_register_and_report_carry_the_visit_details(docgen):
    no = visit(docgen, "--persons", "6", "--visitor", "李四", "--visitor", "王五",
               "--representative", "李四", "--representative", "王五",
               "--receptionist", "陈主任", "--answer", "已联系住建局到现场查看")
    register = text_of(docgen.json("letter", "来访接待登记表", no, "--date", "2024-03-15")["files"][0])
    report = text_of(docgen.json("letter", "接待报告", no, "--date", "2024-03-15")["files"][0])
    for text in (register, report):
        assert "None" not in text
        assert "幸福小区车库渗水" in text          # the 摘要 (forms carry the summary, docs/cli.md §8)
    assert "6人" in register and "李四，王五" in register
    assert "来访代表" in register and "李四、王五" in register
    assert "陈主任" in register and "已联系住建局到现场查看" in register
    assert "赵六等6人" in report and "推选李四、王五为代表" in report
    assert "陈主任当场答复：已联系住建局到现场查看。" in report


def test_bare_visit_leaves_no_dangling_values(docgen):
    no = docgen.json("visit", "--content", "反映噪音扰民", "--received", "2024-03-15")["cases"][0]["case_no"]
    texts = {kind: text_of(docgen.json("letter", kind, no)["files"][0])
             for kind in ("来访接待登记表", "接待报告")}
    for text in texts.values():                 # a form keeps its empty boxes; no value is None
        assert "None" not in text and "匿名" in text
    report = texts["接待报告"]                    # the report's sentences leave out what is unknown
    assert "推选" not in report and "当场答复" not in report and "接待了来访人" not in report


def test_decide_on_a_visit_refreshes_its_register(docgen, ws):
    no = visit(docgen, "--receptionist", "陈主任")
    docgen.json("letter", "来访接待登记表", no, "--date", "2024-03-15")
    out = docgen.json("decide", no, "--proposal", "转县住建局处理", "--date", "2024-03-16")
    assert "转县住建局处理" in text_of(out["files"][0])
    assert [f.kind for f in documents(ws, no)] == ["来访接待登记表"]


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice(), reason="LibreOffice (soffice) not installed")
def test_forward_with_notice_and_pdf_prints_both_from_one_run(docgen, ws, new_case):
    no = new_case("2024-03-01").case_no
    out = docgen.json("transfer", no, "--to", "县法院", "--mode", "转送", "--notify", "--pdf",
                      "--date", "2024-03-04")
    pdfs = [Path(p) for p in out["files"] if p.endswith(".pdf")]
    assert [p.parent for p in pdfs] == [ws.output_dir] * 2
    assert all(p.name.startswith(f"{no}-") and p.read_bytes()[:5] == b"%PDF-" for p in pdfs)
    assert sorted(f.kind for f in documents(ws, no)) == ["告知书", "转送函"]   # PDFs not registered
