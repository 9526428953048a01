"""The analysis report says only what the numbers say, in the 公文 fonts, with tables that keep
their 合计 row on the same page (issue 12 "Report")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from docgen.cli.main import cli
from docgen.letters.style import FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG
from docgen.reports.analysis_report import commentary, satisfaction_order, suggestions_for
from docgen.reports.stats import compute_stats
from tests.fixtures.reports_year import YEAR

OFFICIAL_FONTS = {FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG}


def invoke(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), *map(str, args)])


@pytest.fixture(scope="module")
def year_report(year_ws, tmp_path_factory):
    ws, _ = year_ws
    out = tmp_path_factory.mktemp("content") / "分析.docx"
    result = invoke(ws.root, "stats", "--year", YEAR, "--as-of", f"{YEAR}-12-31", "--docx", out,
                    "--json")
    assert result.exit_code == 0, result.output
    return Document(str(out)), json.loads(result.stdout)


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_captions_are_not_doubled_and_name_the_figure(year_report):
    doc, _ = year_report
    captions = [t for t in _texts(doc) if t.startswith(("图", "表"))]
    assert not any("分布分布" in c for c in captions)
    assert "图4\u3000各乡镇（街道）受理件数" in captions


def test_satisfaction_rows_follow_the_scale(year_report):
    doc, _ = year_report
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "满意度")
    labels = [r.cells[0].text for r in table.rows[1:]]
    assert labels == ["满意", "基本满意", "不满意", "未回访", "未填写", "合计"]
    assert list(satisfaction_order({"不满意": 1, "满意": 2, "未回访": 3, "基本满意": 4})) == \
        ["满意", "基本满意", "不满意", "未回访"]


def test_tables_stay_on_one_page_with_their_totals(year_report):
    doc, _ = year_report
    assert doc.tables
    for table in doc.tables:
        rows = table.rows
        for i, row in enumerate(rows):
            tr_pr = row._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None
            keeps = {p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs}
            assert keeps == ({True} if i < len(rows) - 1 else {None})
    # the caption above each table is kept with it
    captions = [p for p in doc.paragraphs if p.text.startswith("表")]
    assert all(p.style.paragraph_format.keep_with_next for p in captions)


def test_every_run_is_in_an_official_font(year_report):
    doc, _ = year_report
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
             for r in p.runs if r.text.strip()]
    fonts = {}
    for run in runs:
        rfonts = run._r.rPr.rFonts
        east = rfonts.get(qn("w:eastAsia"))
        assert east in OFFICIAL_FONTS, (run.text, east)
        assert rfonts.get(qn("w:ascii")) == east      # digits and Latin in the same face
        fonts.setdefault(east, run.text)
    assert {FANGSONG, HEITI, KAITI, XIAOBIAOSONG} <= set(fonts)
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == HEITI
    title = doc.paragraphs[0]
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == XIAOBIAOSONG


def test_suggestions_follow_the_figures(year_report):
    doc, data = year_report
    text = "\n".join(_texts(doc))
    assert "几点建议" in text
    # each suggestion made quotes the figure that calls for it
    if "重复信访" in text.split("几点建议")[1]:
        assert f"重复信访{data['repeat']}件" in text.split("几点建议")[1]
    assert f"按期办结率{data['on_time_rate'] * 100:.1f}%" in text.split("几点建议")[1]


def _small_ws(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["来信人", "身份证号", "来信时间", "反映问题", "处理情况", "办结时间", "满意度"])
    wb.active.append(["孙某", "340881198705121234", "2026-11-03", "我是桐城市新渡镇双店村村民，反映道路",
                      "已答复", "2026-11-20", "满意"])
    wb.active.append(["孙某", "340881198705121234", "2026-11-10", "我家住新渡镇，再次反映道路", None, None, None])
    wb.save(tmp_path / "小.xlsx")
    assert invoke(ws.root, "ledger", "import", tmp_path / "小.xlsx").exit_code == 0


def test_a_small_office_gets_no_canned_commentary(ws, tmp_path):
    _small_ws(ws, tmp_path)
    out = tmp_path / "小.docx"
    result = invoke(ws.root, "stats", "--year", "2026", "--as-of", "2026-11-30", "--docx", out)
    assert result.exit_code == 0, result.output
    text = "\n".join(_texts(Document(str(out))))
    assert "占比较高" not in text and "反映集中" not in text
    assert "几点建议" not in text                        # nothing in two cases calls for one
    assert "2026年11月最多" not in text and "最少" not in text
    assert "均在2026年11月" in text
    assert "新渡镇最多，2件" in text and "未能确定所属乡镇" not in text   # named in the letters


def test_months_ties_and_equal_months_are_said_as_such(year_ws):
    ws, _ = year_ws
    stats = compute_stats(ws, year=YEAR, as_of=dt.date(YEAR, 12, 31))
    even = dataclasses.replace(stats, by_month={f"{YEAR}-{m:02d}": 5 for m in range(1, 13)})
    assert commentary(even, None).months == "从时间分布看，各月受理件数相同，均为5件。"
    tie = dataclasses.replace(stats, by_month={f"{YEAR}-01": 8, f"{YEAR}-02": 8, f"{YEAR}-03": 2})
    months = commentary(tie, None).months
    assert f"{YEAR}年1月、{YEAR}年2月最多（各8件）" in months
    assert f"{YEAR}年4月" in months and "最少（各0件）" in months   # months without cases count
    early = compute_stats(ws, year=YEAR, as_of=dt.date(YEAR, 3, 31))
    assert f"{YEAR}年12月" not in commentary(early, None).months   # months not yet begun


def test_suggestions_need_enough_cases(year_ws):
    ws, _ = year_ws
    stats = compute_stats(ws, year=YEAR, as_of=dt.date(YEAR, 12, 31))
    few = dataclasses.replace(stats, total=3, repeat=2, with_due=3, on_time=1, on_time_rate=1 / 3,
                              answered=2, satisfied=0, satisfaction_rate=0.0, group_visits=1,
                              by_category={"城乡建设": 2, "政法": 1})
    assert suggestions_for(few) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice / poppler not installed")
def test_stats_pdf_writes_the_report_as_pdf(ws, tmp_path):
    import pdfplumber

    _small_ws(ws, tmp_path)
    out = tmp_path / "报告" / "分析.pdf"
    result = invoke(ws.root, "stats", "--year", "2026", "--as-of", "2026-11-30", "--pdf", out, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == [str(out)]
    with pdfplumber.open(out) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace(" ", "")
    assert "2026年信访情况分析" in text and "共受理信访事项2件" in text
    assert not list(out.parent.glob("*.docx"))            # only the PDF asked for
