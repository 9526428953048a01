"""PDF through LibreOffice, read back with pdfplumber: the text is exact, the letterhead sits where
GB/T 9704 puts it, and long letters are numbered from page 2."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from docgen.errors import DocgenError
from docgen.letters import KINDS, convert_to_pdf
from tests.fixtures.letters_cases import HOSTILE_TEXT
from tests.letters.conftest import doc_no_for

pytestmark = pytest.mark.libreoffice
MM = 72 / 25.4


def page_text(page) -> str:
    return re.sub(r"\s+", "", page.extract_text() or "")


def all_text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(page_text(p) for p in pdf.pages)


def test_every_kind_converts_in_one_run(pdfs):
    assert set(KINDS) <= set(pdfs)
    for path in pdfs.values():
        assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("kind", list(KINDS))
def test_name_facts_and_number_appear_exactly(pdfs, kind):
    text = all_text(pdfs[kind])
    assert "张三" in text
    if kind in ("交办函", "来信登记处理单", "来访接待登记表", "接待报告"):
        assert "2013年起小区地下车库长期渗水，多次向物业和住建局反映未果。" in text
    elif kind == "转送函":                  # its closing is longer: the main issues are cut
        assert "反映：2013年起小区地下车库长期渗水" in text
    if KINDS[kind].numbered:
        assert doc_no_for(kind) in text
        assert "2014年5月23日" in text


def test_letterhead_positions_match_gbt9704(pdfs):
    with pdfplumber.open(pdfs["交办函"]) as pdf:
        page = pdf.pages[0]
        organ = [w for w in page.extract_words() if w["text"] == "桐庐县人大常委会"][0]
        # glyph boxes include the font's ascent, so allow 1.5 mm
        assert abs(organ["top"] / MM - 30) <= 1.5
        red = [e for e in page.lines + page.rects
               if e.get("stroking_color") in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))
               or e.get("non_stroking_color") in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))]
        rows = sorted({round(e["top"] / MM) for e in red})
        lengths = {round((e["x1"] - e["x0"]) / MM) for e in red}
        assert lengths == {170}
        upper = [r for r in rows if r < 100]
        lower = [r for r in rows if r > 200]
        assert upper and lower
        # 4 mm under the organ name (±1.5), 20 mm above the bottom edge (±1.5)
        assert abs(min(upper) - organ["bottom"] / MM - 4) <= 2
        assert abs(297 - max(lower) - 20) <= 1.5


def test_page_one_has_no_number_and_later_pages_are_numbered(pdfs):
    with pdfplumber.open(pdfs["long"]) as pdf:
        assert len(pdf.pages) >= 3
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert not re.search(r"—\s*1\s*—", texts[0])
    for number, text in enumerate(texts[1:], start=2):
        assert re.search(rf"—\s*{number}\s*—", text), number


def test_long_letter_loses_no_text(pdfs):
    from tests.fixtures.letters_cases import long_text

    assert re.sub(r"\s+", "", long_text()) in re.sub(r"—\d+—", "", all_text(pdfs["long"]))


def test_hostile_text_prints_literally(pdfs):
    text = all_text(pdfs["hostile"])
    for piece in ('反映<小区>渗水&物业称"无能为力"', "{{office_name}}", "{%iftrue%}执行{%endif%}",
                  "{#注释#}", "制表符后文字", '<b>赔偿</b>&"道歉"'):
        assert piece in text
    assert HOSTILE_TEXT.split("\t")[0].replace(" ", "")[:10] in text


def test_missing_libreoffice_is_a_clear_error(tmp_path, monkeypatch, rendered):
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(DocgenError, match="LibreOffice"):
        convert_to_pdf([rendered["交办函"]])


def test_full_pages_hold_22_lines(pdfs):
    with pdfplumber.open(pdfs["long"]) as pdf:
        # the last page but one may end early: the closing block (附件 to 抄送) is kept together
        middle = pdf.pages[1:-2]
        assert middle
        counts = {len({round(c["top"]) for c in page.chars if c["top"] < 262 * MM}) for page in middle}
    assert counts == {22}
