"""Masking ID and phone numbers in fields and inside free text (docgen.privacy)."""

import pytest

from docgen.privacy import contains_pii, mask_id_number, mask_phone, mask_text


@pytest.mark.parametrize("text, expected", [
    ("身份证号340823198001011234，", "身份证号340823********1234，"),
    ("证号11010519491231002X。", "证号110105********002X。"),
    ("旧证号340823800101123", "旧证号340823*****1123"),                   # 15 digits
    ("电话13966512345。", "电话139****2345。"),
    ("手机 138 0013 8000 ", "手机 138 **** 8000 "),
    ("+86-138-0013-8000", "+86-138-****-8000"),
    ("+86 13800138000", "+86 138****8000"),
    ("0556-5123456", "0556-***3456"),
    ("(0556)5123456", "(0556)***3456"),
    ("电话：5123456", "电话：***3456"),
    ("１３９６６５１２３４５", "１３９****２３４５"),                         # full-width digits
    ("联系电话1\n3966512345", "联系电话1\n39****2345"),                  # wrapped across lines
    ("13800138000 2026年", "138****8000 2026年"),
])
def test_numbers_inside_text_are_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", [
    "2026年11月20日，2026-11-20", "补偿款50000元", "登记号2026-0001", "桐人大信〔2014〕12号",
    "Z001-WS·2026-D30-XF-0001", "138****8000", "序号\n1\n2\n3", "",
])
def test_other_numbers_are_left_alone(text):
    assert mask_text(text) == text
    assert not contains_pii(text)


def test_masking_twice_changes_nothing_more():
    once = mask_text("身份证340823198001011234 电话13966512345")
    assert mask_text(once) == once
    assert contains_pii("电话13966512345") and not contains_pii(once)


def test_field_masks():
    assert mask_id_number("340823198001011234") == "340823********1234"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0556-5123456") == "0556-***3456"
    assert mask_id_number(None) == "" and mask_phone("") == ""
