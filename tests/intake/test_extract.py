"""extract_text: every incoming format gives the letter's text; bad files give Chinese errors."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from docgen.errors import DocgenError
from docgen.intake.extract import MAX_IMAGE_PIXELS, decode_text, extract_text, usable_text
from tests.fixtures.letters import (
    cer,
    make_letter,
    make_truth,
    write_cid_garbage_pdf,
    write_docx,
    write_encrypted_pdf,
    write_huge_png,
    write_image,
    write_image_pdf,
    write_text_pdf,
    write_tiff,
    write_txt,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def letter():
    """A header-layout letter and the top of its scan (title + the petitioner's details):
    small enough to OCR in about a second, with the fields that matter on it."""
    truth, image = make_letter(3, layout="header")
    return truth, image.crop((0, image.height // 10, image.width, image.height * 28 // 100))


def assert_details(text: str, truth) -> None:
    for value in (truth.name, truth.id_number, truth.phone):
        assert value in text, (value, text)


def chinese_error(path: Path) -> str:
    with pytest.raises(DocgenError) as err:
        extract_text(path)
    message = str(err.value)
    assert CJK.search(message), message
    return message


# --- text formats --------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_txt_in_every_chinese_encoding_reads_the_same(tmp_path, encoding):
    truth = make_truth(5)
    result = extract_text(write_txt(truth, tmp_path / "letter.txt", encoding=encoding))
    assert result.text == truth.text
    assert (result.kind, result.ocr, result.pages) == ("txt", False, 1)


def test_short_gbk_text_that_is_also_valid_utf8_is_read_as_gbk():
    # “联通” in GBK (C1 AA CD A8) is valid UTF-8 too, decoding to two unrelated letters.
    assert decode_text("联通".encode("gbk")) == ("联通", "gb18030")


def test_control_characters_in_txt_are_removed_with_a_warning(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("反映人：张三\x07\x1b\r\n<请求> & 处理".encode())
    result = extract_text(path)
    assert result.text == "反映人：张三\n<请求> & 处理"
    assert any("控制字符" in w for w in result.warnings)


def test_txt_in_no_known_encoding_is_refused(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc \x80\x80\xff\xfe\xfd def" * 10)
    assert "编码" in chinese_error(path)


# --- docx ------------------------------------------------------------------------------------

def test_docx_paragraphs_and_table_come_in_document_order(tmp_path):
    truth = make_truth(9, layout="header")
    result = extract_text(write_docx(truth, tmp_path / "letter.docx"))
    assert (result.kind, result.ocr, result.pages) == ("docx", False, 1)
    assert f"反映人：\t{truth.name}" in result.text          # a table row: cells joined by a tab
    assert cer(truth.text, result.text) == 0
    assert result.text.index(truth.id_number) < result.text.index(truth.request)


def test_docx_text_box_is_read_once(tmp_path):
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    doc.add_paragraph("正文第一段")
    p = doc.add_paragraph()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = ('<w:p><w:r><w:t>文本框里的联系电话13905718888</w:t></w:r></w:p>')
    p._p.append(parse_xml(
        f'<w:r {w} {mc}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        f'{box}</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>'
        f'{box}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    doc.save(tmp_path / "box.docx")
    text = extract_text(tmp_path / "box.docx").text
    assert text.count("13905718888") == 1 and text.startswith("正文第一段")


def test_docx_with_only_a_scanned_picture_is_ocred(tmp_path, letter):
    from docx import Document

    truth, image = letter
    png = io.BytesIO()
    image.save(png, "PNG")
    doc = Document()
    doc.add_picture(png)
    doc.save(tmp_path / "scan.docx")
    result = extract_text(tmp_path / "scan.docx")
    assert result.ocr and result.kind == "docx"
    assert_details(result.text, truth)


# --- PDF -------------------------------------------------------------------------------------

def test_pdf_text_layer_is_read_without_ocr(tmp_path):
    truths = [make_truth(21), make_truth(22)]
    result = extract_text(write_text_pdf(truths, tmp_path / "typed.pdf"))
    assert (result.kind, result.ocr, result.pages) == ("pdf", False, 2)
    first, second = result.text.split("\n\n")
    assert cer(truths[0].text, first) == 0 and cer(truths[1].text, second) == 0


def test_scanned_pdf_is_ocred(tmp_path, letter):
    truth, image = letter
    result = extract_text(write_image_pdf([image], tmp_path / "scan.pdf"))
    assert (result.kind, result.ocr, result.pages) == ("pdf", True, 1)
    assert_details(result.text, truth)


def test_pdf_with_cid_garbage_text_layer_is_ocred(tmp_path, letter):
    truth, image = letter
    result = extract_text(write_cid_garbage_pdf(image, tmp_path / "cid.pdf"))
    assert result.ocr and "(cid:" not in result.text
    assert_details(result.text, truth)


def test_usable_text_rejects_cid_placeholders_and_near_empty_pages():
    assert not usable_text("(cid:12)(cid:99)" * 30)
    assert not usable_text("第 1 页")
    assert usable_text("反映人：张三，身份证号码110105194912310021，请求依法处理。")


# --- images ----------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".png", pytest.param(".jpg", marks=pytest.mark.slow),
                                    pytest.param(".bmp", marks=pytest.mark.slow)])
def test_image_formats_are_ocred(tmp_path, letter, suffix):
    truth, image = letter
    result = extract_text(write_image(image, tmp_path / f"scan{suffix}"))
    assert (result.kind, result.ocr, result.pages) == ("image", True, 1)
    assert_details(result.text, truth)


def test_multipage_tiff_reads_every_page_in_order(tmp_path, letter):
    truth, image = letter
    other, other_image = make_letter(4, layout="header")
    other_image = other_image.crop((0, other_image.height // 10, other_image.width,
                                     other_image.height * 28 // 100))
    result = extract_text(write_tiff([image, other_image], tmp_path / "scan.tif"))
    assert result.pages == 2 and result.ocr
    assert result.text.index(truth.id_number) < result.text.index(other.id_number)


def test_pdf_that_is_really_a_jpeg_is_read_as_an_image_with_a_warning(tmp_path, letter):
    truth, image = letter
    path = write_image(image, tmp_path / "scan.pdf", fmt="JPEG")
    result = extract_text(path)
    assert result.kind == "image"
    assert any(".pdf" in w and "JPEG" in w for w in result.warnings)
    assert_details(result.text, truth)


def test_200_megapixel_image_is_refused_before_decoding(tmp_path):
    path = write_huge_png(tmp_path / "huge.png", 20000, 10000)
    assert "过大" in chinese_error(path)


def test_image_just_over_the_limit_is_refused_too(tmp_path):
    side = int(MAX_IMAGE_PIXELS ** 0.5) + 100
    assert "过大" in chinese_error(write_huge_png(tmp_path / "big.png", side, side))


def test_truncated_image_is_refused(tmp_path, letter):
    data = write_image(letter[1], tmp_path / "a.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    assert "损坏" in chinese_error(tmp_path / "cut.png")


# --- bad input ------------------------------------------------------------------------------

def test_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert "空文件" in chinese_error(tmp_path / "empty.pdf")


def test_missing_file_is_refused(tmp_path):
    assert "找不到" in chinese_error(tmp_path / "nope.pdf")


def test_truncated_pdf_is_refused(tmp_path):
    data = write_text_pdf(make_truth(1), tmp_path / "a.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    assert "损坏" in chinese_error(tmp_path / "cut.pdf")


def test_pdf_header_followed_by_garbage_is_refused(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(1).randbytes(4000))
    assert "损坏" in chinese_error(tmp_path / "bad.pdf")


def test_encrypted_pdf_is_refused_saying_it_is_encrypted(tmp_path):
    path = write_encrypted_pdf(make_truth(1), tmp_path / "locked.pdf")
    assert "加密" in chinese_error(path)


def test_binary_file_of_unknown_type_is_refused(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"\x7fELF" + random.Random(2).randbytes(2000))
    assert "无法识别的文件类型" in chinese_error(tmp_path / "x.pdf")


def test_old_word_doc_is_refused_with_advice(tmp_path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    assert ".docx" in chinese_error(tmp_path / "old.doc")


def test_excel_file_is_refused(tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "ledger.xlsx")
    assert "Excel" in chinese_error(tmp_path / "ledger.xlsx")


def test_truncated_docx_is_refused(tmp_path):
    data = write_docx(make_truth(2), tmp_path / "a.docx").read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert "损坏" in chinese_error(tmp_path / "cut.docx")


def test_docx_with_broken_xml_is_refused(tmp_path):
    src = write_docx(make_truth(2), tmp_path / "a.docx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp_path / "bad.docx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    assert "损坏" in chinese_error(tmp_path / "bad.docx")


def test_blank_scan_gives_empty_text_and_a_warning(tmp_path):
    result = extract_text(write_image(Image.new("L", (620, 877), 255), tmp_path / "blank.png"))
    assert result.text == "" and any("未识别到" in w for w in result.warnings)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_pdf_exported_by_libreoffice_reads_its_embedded_font_text(tmp_path):
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    from tests.fixtures.letters import write_pdf_libreoffice

    truth = make_truth(31)
    result = extract_text(write_pdf_libreoffice(truth, tmp_path / "word.pdf"))
    assert result.kind == "pdf" and not result.ocr
    assert cer(truth.text, result.text) <= 0.01, result.text
