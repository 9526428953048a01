"""Text of received material: read once when attached, found by search, never OCRed on rebuild."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.models import Case, Petitioner
from tests.fixtures.letters import LetterTruth, make_truth, write_text_pdf


@pytest.fixture
def assigned(ws, docgen):
    case = ws.registry.add_case(Case(
        case_no="", channel="来信", received_date=dt.date(2024, 3, 1),
        petitioner=Petitioner(name="王小和"), summary="反映拆迁补偿标准过低", category="城乡建设",
        text="我家在3号楼，拆迁补偿至今未到位。"))
    result = docgen("transfer", case.case_no, "--to", "县住房和城乡建设局", "--mode", "交办",
                    "--date", "2024-03-05")
    assert result.exit_code == 0, result.output + result.stderr
    return case


def _report_pdf(tmp_path):
    truth = make_truth(3)
    report = LetterTruth(**{**truth.__dict__, "paragraphs": [
        "关于王小和来信反映问题的办理结果报告",
        "经核查，鹭鸶湾安置小区的过渡费已于二〇二四年四月补发到位，拆迁补偿按新标准重新核算。"]})
    return write_text_pdf(report, tmp_path / "办理结果报告.pdf")


def test_words_of_an_attached_result_report_pdf_are_found(assigned, ws, docgen, tmp_path):
    docgen("index", "rebuild")
    pdf = _report_pdf(tmp_path)
    result = docgen("attach", assigned.case_no, str(pdf), "--kind", "办理结果报告",
                    "--date", "2024-04-20")
    assert result.exit_code == 0, result.output + result.stderr
    # Kept beside the stored file, so a rebuild reads it without extracting again.
    sidecars = list(ws.case_dir(assigned.case_no).glob("text/**/*.pdf.txt"))
    assert len(sidecars) == 1 and "鹭鸶湾" in sidecars[0].read_text(encoding="utf-8")
    hits = docgen.json("search", "鹭鸶湾 过渡费")["hits"]          # kept current by the hook
    assert [h["case_no"] for h in hits] == [assigned.case_no]
    assert "鹭鸶湾" in "".join(hits[0]["highlights"])
    docgen("index", "rebuild")
    assert [h["case_no"] for h in docgen.json("search", '"过渡费已于"')["hits"]] == [assigned.case_no]


def test_rebuild_never_extracts_attachments(assigned, ws, docgen, tmp_path, monkeypatch):
    pdf = _report_pdf(tmp_path)
    assert docgen("attach", assigned.case_no, str(pdf), "--date", "2024-04-20").exit_code == 0
    import docgen.intake.extract as extract

    def refuse(*_a, **_k):
        raise AssertionError("extract_text called during a rebuild")

    monkeypatch.setattr(extract, "extract_text", refuse)
    data = docgen.json("index", "rebuild")
    assert data["count"] == 1
    assert docgen.json("search", "鹭鸶湾")["total"] == 1


def test_unreadable_attachment_is_stored_without_text(assigned, ws, docgen, tmp_path):
    odd = tmp_path / "现场.bin"
    odd.write_bytes(b"\x00\x01\x02 not a document")
    result = docgen("attach", assigned.case_no, str(odd), "--date", "2024-04-20")
    assert result.exit_code == 0, result.output + result.stderr
    assert not list(ws.case_dir(assigned.case_no).glob("text/**/*"))
