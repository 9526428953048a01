"""Phone numbers: mobile and landline, normalised; never a piece of an ID number."""

from docgen.intake.phones import find_phones, normalize_phone


def test_mobile_numbers_lose_country_code_spaces_and_hyphens():
    for written in ("13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "138-0013-8000",
                    "8613800138000", "１３８００１３８０００"):
        assert normalize_phone(written) == "13800138000", written


def test_landline_gets_a_hyphen_after_the_area_code():
    assert normalize_phone("057188001234") == "0571-88001234"
    assert normalize_phone("(0571) 8800 1234") == "0571-88001234"
    assert normalize_phone("010-12345678") is None        # local numbers do not start with 1
    assert normalize_phone("01062345678") == "010-62345678"
    assert normalize_phone("020 8765 4321") == "020-87654321"


def test_things_that_are_not_phones():
    for s in ("12345678901", "1380013800", "2014-05-23", "+1 415 555 0100", "电话"):
        assert normalize_phone(s) is None, s


def test_find_phones_in_a_sentence_with_positions():
    text = "我的电话是139 1234 5678，家里座机0571-88001234。"
    found = find_phones(text)
    assert [p.number for p in found] == ["13912345678", "0571-88001234"]
    assert text[found[0].start:found[0].end] == "139 1234 5678"
    assert all(p.labelled for p in found)


def test_no_phone_is_taken_out_of_an_id_number():
    # 18 digits containing 13800138000 and a spaced ID containing "1388 0101 001"
    assert find_phones("身份证号：441381380013800012") == []
    assert find_phones("身份证 4405 1388 0101 0014 X") == []
    assert find_phones("身份证号11010519491231002X") == []


def test_no_phone_in_dates_amounts_or_account_numbers():
    text = "2014-05-23收到13800000元，账号6222021001122334455"
    assert find_phones(text) == []


def test_two_phones_separated_by_a_space_are_both_found():
    assert [p.number for p in find_phones("电话13800138000 15912345678")] == [
        "13800138000", "15912345678"]


def test_a_labelled_mobile_whose_full_stop_ocr_read_as_zero():
    from docgen.intake.phones import find_phones

    assert [p.number for p in find_phones("联系电话：139526548440\n现将")] == ["13952654844"]
    assert find_phones("账号：139526548440\n") == []
    assert find_phones("电话：1395265484401\n") == []
