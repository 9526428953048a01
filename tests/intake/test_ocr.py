"""OCR of scanned letters: accuracy on generated A4 pages, reading order, Chinese clean-up."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from docgen.intake import ocr
from docgen.intake.ocr import clean_text, ocr_image, ocr_lines
from tests.fixtures.letters import _font, cer, make_letter


@pytest.fixture(scope="module")
def clean_page():
    return make_letter(11, layout="header")


@pytest.fixture(scope="module")
def degraded_page():
    return make_letter(12, layout="signature", degraded=True)


def test_clean_letter_is_read_with_at_most_2_percent_errors(clean_page):
    truth, image = clean_page
    text = ocr_image(image)
    assert cer(truth.text, text) <= 0.02, text
    assert truth.id_number in text and truth.phone in text


def test_degraded_letter_is_read_with_at_most_5_percent_errors(degraded_page):
    truth, image = degraded_page
    text = ocr_image(image)
    assert cer(truth.text, text) <= 0.05, text


def test_engine_is_loaded_once_and_reused_across_pages(clean_page, degraded_page):
    engine = ocr.get_engine()
    ocr_image(clean_page[1].crop((0, 300, 2480, 700)))
    ocr_image(degraded_page[1].crop((0, 300, 2480, 700)))
    assert ocr.get_engine() is engine
    assert ocr._engine is engine


def _two_column_page() -> Image.Image:
    """A small form: two fields on one row far apart, a Latin line, a Chinese line below."""
    page = Image.new("L", (1800, 420), 255)
    draw = ImageDraw.Draw(page)
    font = _font("sans", 48)
    draw.text((60, 40), "姓名：王建国", font=font, fill=0)
    draw.text((1000, 46), "电话：13905718888", font=font, fill=0)   # a little lower: not aligned
    draw.text((60, 170), "Email wang jianguo at example com", font=font, fill=0)
    draw.text((60, 300), "请求依法处理。", font=font, fill=0)
    return page


def test_lines_are_in_reading_order_with_columns_kept_apart():
    lines = [line.text for line in ocr_lines(_two_column_page())]
    assert len(lines) == 3, lines
    assert lines[0].replace(" ", "") == "姓名：王建国电话：13905718888"
    assert lines[0].startswith("姓名：王建国 ")          # a form column gap stays one space
    assert lines[1].startswith("Email ") and lines[1].endswith(" example com")   # Latin spaces kept
    assert lines[2] == "请求依法处理。"


def test_skewed_page_keeps_lines_in_order():
    page = _two_column_page().rotate(-2, expand=True, fillcolor=255)
    text = ocr_image(page)
    assert text.index("王建国") < text.index("13905718888") < text.index("wang") < text.index("请求")


def test_page_scanned_upside_down_reads_top_to_bottom():
    page = _two_column_page().rotate(180)
    lines = [line.text for line in ocr_lines(page)]
    assert lines[0].startswith("姓名") and lines[-1] == "请求依法处理。", lines


def test_blank_page_gives_no_text():
    assert ocr_image(Image.new("L", (620, 877), 255)) == ""


def test_clean_text_removes_spaces_between_chinese_characters():
    assert clean_text("反映 人： 张 三") == "反映人：张三"
    assert clean_text("2024 年 3 月") == "2024年3月"


def test_clean_text_keeps_spaces_between_latin_words():
    assert clean_text("Room 1702  Block B") == "Room 1702 Block B"


def test_clean_text_makes_punctuation_after_chinese_full_width():
    assert clean_text("住址:杭州市,西湖区") == "住址：杭州市，西湖区"
    assert clean_text("2024.3.5, 10:30") == "2024.3.5, 10:30"


def test_huge_image_is_scaled_down_before_ocr():
    prepared = ocr.prepare_image(Image.new("RGB", (9000, 6000), "white"))
    assert max(prepared.size) == ocr.MAX_OCR_SIDE and prepared.mode == "L"


def test_transparent_background_is_treated_as_paper():
    img = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    assert ocr.prepare_image(img).getpixel((50, 50)) == 255
