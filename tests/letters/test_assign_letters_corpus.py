"""Every 交办函 of the real-letter corpus reads as a clerk would write it (issue 10, must show).

Forty letters of tests/fixtures/intake_letters.py (joint letters, wrapped phones, "我是…村民",
short and full body names, full-width digits, 检举 letters) are taken in as typed text and
assigned (交办) with the command line; each 交办函 then carries no ID number and no phone, none
of the petitioner's salutation, courtesies or signature block, names the petitioner (or 联名人),
and fits on one page with the office's signature and date (through LibreOffice where installed).
"""

from __future__ import annotations

import json
import re

import pytest
from docx import Document

from docgen.letters import convert_to_pdf, have_libreoffice
from docgen.privacy import contains_pii
from docgen.workspace import Workspace
from tests.conftest import Cli
from tests.fixtures.intake_letters import make_real_letter

LETTERS = 40
ROUTE_DATE = "2025-09-01"
OFFICE_PHONE = "0000-0000000"       # docgen.toml [office] phone of a new workspace


@pytest.fixture(scope="module")
def assign_letters(tmp_path_factory):
    """[(letter, 交办函 .docx)] for the corpus, from one workspace."""
    root = tmp_path_factory.mktemp("corpus")
    ws, _ = Workspace.init(root / "ws")
    docgen = Cli(ws.root)
    out = []
    for seed in range(LETTERS):
        letter = make_real_letter(seed)
        path = root / f"{seed:02d}.txt"
        path.write_text("\n".join(letter.lines) + "\n", encoding="utf-8")
        case_no = docgen.json("intake", path, "--received", "2025-08-28")["cases"][0]["case_no"]
        # --confirm: the 检举 letters accuse someone in the body they are routed to
        result = docgen("transfer", case_no, "--to", letter.target.removesuffix("书记汪某某"),
                        "--mode", "交办", "--date", ROUTE_DATE, "--confirm", "--json")
        assert result.exit_code == 0, result.output + result.stderr
        written = [p for p in json.loads(result.stdout)["files"] if p.endswith(".docx")]
        assert len(written) == 1, written
        out.append((letter, written[0]))
    return out


def _body(docx: str) -> str:
    return "\n".join(p.text for p in Document(docx).paragraphs)


def test_no_id_no_phone_in_any_assign_letter(assign_letters):
    for letter, docx in assign_letters:
        body = _body(docx)
        digits = re.sub(r"\D", "", body.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        assert letter.id_number not in digits and letter.id_number[-8:] not in body, letter.seed
        assert letter.phone not in digits and letter.phone[-8:] not in digits, letter.seed
        for paragraph in body.split("\n"):
            paragraph = paragraph.replace(OFFICE_PHONE, "")     # the office's own number
            assert not contains_pii(paragraph), (letter.seed, paragraph)


def test_no_salutation_courtesy_or_signature_block(assign_letters):
    for letter, docx in assign_letters:
        body = _body(docx)
        salutation = next(line for line in letter.lines if line.endswith("："))
        assert salutation.rstrip("：") not in body, (letter.seed, salutation)
        for line in letter.lines[letter.lines.index("此致"):]:
            if line.strip():
                assert line.strip() not in body, (letter.seed, line)
        for courtesy in ("此致", "敬礼", "盼复", "百忙之中", "重视为盼", "现将有关情况反映如下", "身份证"):
            assert courtesy not in body, (letter.seed, courtesy)
        # the writer's self-introduction ("我是/我们是…村民", "我叫…") is not a matter raised
        assert not re.search(r"反映：(?:我是|我们是|我叫)", body), letter.seed


def test_assign_letter_names_the_writer_and_the_matter(assign_letters):
    for letter, docx in assign_letters:
        body = _body(docx)
        assert letter.name in body, letter.seed
        assert "，反映：" in body and "附件：1.来信复印件" in body, letter.seed


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice(), reason="LibreOffice (soffice) not installed")
def test_every_assign_letter_fits_one_page_with_its_signature(assign_letters, tmp_path):
    import pdfplumber

    pdfs = convert_to_pdf([docx for _, docx in assign_letters], out_dir=tmp_path / "pdf")
    for (letter, docx), pdf in zip(assign_letters, pdfs, strict=True):
        with pdfplumber.open(pdf) as opened:
            assert len(opened.pages) == 1, (letter.seed, docx)
            text = re.sub(r"\s+", "", opened.pages[0].extract_text() or "")
        assert "示例县人大常委会" in text and "2025年9月1日" in text, letter.seed
