"""公民身份号码: GB 11643 check, 15 → 18 digits, finding numbers in letters."""

import datetime as dt

from docgen.intake.idnumber import check_char, check_id, find_id_numbers

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(first17: str) -> str:
    """A valid number, computed here independently of the code under test."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def test_the_standards_examples_are_valid():
    for number in ("11010519491231002X", "440524188001010014"):
        chk = check_id(number)
        assert chk.valid and chk.reason is None and chk.number == number


def test_birth_date_and_sex_are_read_from_the_number():
    chk = check_id("11010519491231002X")
    assert chk.birth_date == dt.date(1949, 12, 31)
    assert chk.sex == "女"          # 17th digit 2 is even
    assert check_id("440524188001010014").sex == "男"


def test_check_char_agrees_with_an_independent_computation():
    for first17 in ("33012219800101123", "51010719991231000", "65010220000229876"):
        assert first17 + check_char(first17) == make_id(first17)


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    assert check_id("11010519491231002x").number == "11010519491231002X"
    assert check_id("１１０１０５１９４９１２３１００２Ｘ").valid
    assert check_id("110105 19491231 002X").number == "11010519491231002X"


def test_fifteen_digit_number_becomes_eighteen_digits_born_in_19xx():
    old = "110105491231002"                    # 1949-12-31, sequence 002
    chk = check_id(old)
    assert chk.valid and chk.converted
    assert chk.number == make_id("11010519491231002")
    assert chk.birth_date == dt.date(1949, 12, 31)


def test_wrong_check_digit_is_kept_as_written_and_flagged():
    chk = check_id("110105194912310021")
    assert not chk.valid
    assert chk.number == "110105194912310021"     # not "corrected" to …002X
    assert "校验码" in chk.reason


def test_impossible_birth_date_is_flagged():
    chk = check_id(make_id("11010519490230002"))   # 2月30日
    assert not chk.valid and "出生日期" in chk.reason


def test_future_birth_date_is_flagged():
    chk = check_id(make_id("11010520990101002"), today=dt.date(2024, 1, 1))
    assert not chk.valid and "晚于今天" in chk.reason


def test_unknown_province_is_flagged():
    chk = check_id(make_id("99010519491231002"))
    assert not chk.valid and "地区码" in chk.reason


def test_wrong_length_says_how_many_digits_there_are():
    chk = check_id("1101051949123100")
    assert not chk.valid and "16位" in chk.reason


def test_find_id_numbers_gives_positions_in_the_original_text():
    text = "身份证号：11010519491231002X，电话13800138000"
    (m,) = find_id_numbers(text)
    assert text[m.start:m.end] == "11010519491231002X"
    assert m.labelled and m.check.valid


def test_find_id_numbers_with_full_width_digits_keeps_positions():
    text = "证件号 ４４０５２４１８８００１０１００１４ 完"
    (m,) = find_id_numbers(text)
    assert m.check.number == "440524188001010014"
    assert text[m.start:m.end] == "４４０５２４１８８００１０１００１４"


def test_number_broken_by_ocr_spaces_is_found_when_it_checks_out():
    text = "身份证 4405 2418 8001 0100 14 住址某村"
    (m,) = find_id_numbers(text)
    assert m.check.number == "440524188001010014"


def test_invalid_eighteen_digit_number_is_reported_flagged():
    (m,) = find_id_numbers("身份证号码：110105194912310021")
    assert not m.check.valid


def test_longer_digit_runs_are_not_id_numbers():
    assert find_id_numbers("银行卡号6222021001122334455667") == []


def test_fifteen_digit_run_needs_a_valid_date_or_a_label():
    assert find_id_numbers("订单号 123456789012345") == []
    assert len(find_id_numbers("身份证：110105491231002")) == 1


def test_labelled_number_of_the_wrong_length_is_kept_and_flagged():
    (m,) = find_id_numbers("身份证号：1101051949123  电话13800138000")
    assert m.check.number == "1101051949123"
    assert not m.check.valid and "13位" in m.check.reason


def test_common_misspelling_of_the_label():
    assert find_id_numbers("身分证：110105491231002")[0].check.valid


def test_ocr_multiplication_sign_for_the_check_character():
    from docgen.intake.idnumber import check_id, find_id_numbers

    assert check_id("34088119680505029×").number == "34088119680505029X"
    (m,) = find_id_numbers("身份证号：34088119680505029×，电话")
    assert m.check.valid and m.raw == "34088119680505029×"
    assert find_id_numbers("面积5×8米") == []
