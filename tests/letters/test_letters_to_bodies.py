"""Letters sent to another body, from real letters through the real commands (issue 9 item 8,
issue 10 item 3): no ID number ever, the phone only where ``[privacy] phone_in_letters`` allows
it, every number in the text masked, the main issues instead of the letter pasted in (no
salutation, no signature block), one page with the signature; the forms carry the 摘要.

The letters are tests/fixtures/letters_review.py: a long one, a 联名 letter with a wrapped
phone, an anonymous 检举, one with 15- and 18-digit IDs, a landline, +86 and spaced mobiles in
its sentences, one with a header block of fields.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from docgen.letters import convert_to_pdf, have_libreoffice
from docgen.letters.pdf import FONTCONFIG_FILE
from docgen.privacy import contains_pii
from tests.fixtures.letters_review import REVIEW_LETTERS, ReviewLetter

ROUTING_KINDS = ("交办函", "转送函")
DIGITS = re.compile(r"\D")


def every_text(path: Path) -> list[str]:
    """Every run, paragraph, table cell, header and footer of a .docx."""
    doc = Document(path)
    out: list[str] = []

    def paragraphs(paras) -> None:
        for p in paras:
            out.append(p.text)
            out.extend(r.text for r in p.runs)

    def tables(ts) -> None:
        for t in ts:
            for row in t.rows:
                for cell in row.cells:
                    paragraphs(cell.paragraphs)
                    tables(cell.tables)

    paragraphs(doc.paragraphs)
    tables(doc.tables)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header, section.even_page_footer):
            paragraphs(part.paragraphs)
            tables(part.tables)
    return out


def register(docgen, tmp_path: Path, letter: ReviewLetter) -> str:
    path = tmp_path / letter.name
    path.write_text(letter.text, encoding="utf-8")
    data = docgen.json("intake", path, "--received", "2025-06-23")
    case_no = data["registered"][0]["case_no"] if "registered" in data else data["cases"][0]["case_no"]
    result = docgen("transfer", case_no, "--to", letter.route_to, "--date", "2025-06-24", "--confirm")
    assert result.exit_code == 0, result.output + result.stderr
    return case_no


def write(docgen, kind: str, case_no: str, out: Path) -> Path:
    result = docgen("letter", kind, case_no, "-o", out, "--date", "2025-06-24")
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture
def letters(docgen, tmp_path) -> dict[str, dict[str, Path]]:
    """letter name → kind → .docx written by ``docgen letter``."""
    out: dict[str, dict[str, Path]] = {}
    for i, letter in enumerate(REVIEW_LETTERS, start=1):
        case_no = register(docgen, tmp_path, letter)
        out[letter.name] = {kind: write(docgen, kind, case_no, tmp_path / f"{i}-{kind}.docx")
                            for kind in (*ROUTING_KINDS, "来信登记处理单")}
    return out


def check_no_id_and_no_phone(letters, ws):
    office_phone = ws.config["office"]["phone"]        # the office's own number is printed
    for letter in REVIEW_LETTERS:
        for kind in ROUTING_KINDS:
            texts = [t.replace(office_phone, "") for t in every_text(letters[letter.name][kind])]
            joined = "\n".join(texts)
            for text in texts:
                assert not contains_pii(text), (letter.name, kind, text)
            digits = DIGITS.sub("", joined)
            for number in letter.pii:
                assert DIGITS.sub("", number) not in digits, (letter.name, kind, number)
                assert number[-8:] not in joined, (letter.name, kind, number)


def check_main_issues_not_the_letter(letters):
    for letter in REVIEW_LETTERS:
        for kind in ROUTING_KINDS:
            joined = "\n".join(p.text for p in Document(letters[letter.name][kind]).paragraphs)
            assert letter.salutation.rstrip("：:") not in joined, (letter.name, kind)
            for line in letter.signature:
                assert line not in joined, (letter.name, kind, line)
            for courtesy in ("此致", "敬礼", "您好", "冒昧", "盼复"):
                assert courtesy not in joined, (letter.name, kind, courtesy)
            assert "附件：1.来信复印件" in joined
            assert "，反映：" in joined                    # what the letter raises, quoted
    long = "\n".join(p.text for p in Document(letters[REVIEW_LETTERS[0].name]["交办函"]).paragraphs)
    assert "补偿款" in long and "身份证" not in long
    accusation = "\n".join(p.text for p in Document(letters[REVIEW_LETTERS[2].name]["交办函"]).paragraphs)
    assert "汪某某利用职务之便" in accusation and "一群知情群众" not in accusation


def check_slip_carries_the_summary(letters):
    long = REVIEW_LETTERS[0]
    texts = every_text(letters[long.name]["来信登记处理单"])
    joined = "\n".join(texts)
    assert long.salutation not in joined and "此致" not in joined
    assert "反映范岗镇" in joined                              # intake's one-sentence 摘要


def test_five_letters_through_the_commands(letters, ws):
    """One workspace, fifteen documents: every check on them (registering and writing is the
    slow part)."""
    check_no_id_and_no_phone(letters, ws)
    check_main_issues_not_the_letter(letters)
    check_slip_carries_the_summary(letters)


def test_phone_only_where_the_office_allows_it(docgen, ws, tmp_path):
    config = ws.root / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    assert "phone_in_letters = false" in text                  # documented, off by default
    config.write_text(text.replace("phone_in_letters = false", "phone_in_letters = true"),
                      encoding="utf-8")
    letter = REVIEW_LETTERS[0]
    case_no = register(docgen, tmp_path, letter)
    joined = "\n".join(every_text(write(docgen, "交办函", case_no, tmp_path / "jb.docx")))
    assert "信访人联系电话：13966512345" in joined
    assert "340881195803126617" not in joined and "身份证" not in joined


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice(), reason="LibreOffice (soffice) not installed")
def test_every_assign_letter_and_slip_fits_one_page(letters, tmp_path):
    import pdfplumber

    docs = [letters[letter.name][kind] for letter in REVIEW_LETTERS
            for kind in ("交办函", "转送函", "来信登记处理单")]
    for docx, pdf in zip(docs, convert_to_pdf(docs, out_dir=tmp_path / "pdf"), strict=True):
        with pdfplumber.open(pdf) as opened:
            assert len(opened.pages) == 1, docx.name
            text = re.sub(r"\s+", "", opened.pages[0].extract_text() or "")
        if "来信登记处理单" not in docx.name:
            assert "示例县人大常委会" in text and "2025年6月24日" in text   # the signature is there


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig tools not installed")
def test_kai_names_map_to_a_real_kai_face():
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG_FILE)}
    have_ukai = "AR PL UKai CN" in subprocess.run(["fc-list"], env=env, capture_output=True,
                                                   text=True).stdout
    for name in ("楷体", "楷体_GB2312", "KaiTi"):
        found = subprocess.run(["fc-match", "-f", "%{family}", name], env=env, capture_output=True,
                               text=True, check=True).stdout
        assert ("AR PL UKai CN" if have_ukai else "Noto Serif CJK SC") in found, (name, found)
    found = subprocess.run(["fc-match", "-f", "%{family}", "仿宋_GB2312"], env=env,
                           capture_output=True, text=True, check=True).stdout
    assert "Noto Serif CJK SC" in found
