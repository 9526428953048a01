"""Dates as letters write them, and the date a letter was written."""

import datetime as dt

from docgen.intake.dates import find_dates, letter_date, parse_date

D = dt.date(2014, 5, 23)


def test_every_written_form_of_the_same_date():
    for s in ("二〇一四年五月二十三日", "二零一四年五月二十三日", "二○一四年五月二十三日",
              "二O一四年五月二十三日", "2014年5月23日", "2014年05月23日", "2014 年 5 月 23 日",
              "2014.5.23", "2014-05-23", "2014/5/23", "14年5月23日", "2014年5月23号",
              "２０１４年５月２３日"):
        assert parse_date(s) == D, s


def test_chinese_numerals_for_tens():
    assert parse_date("二〇一三年十二月三十一日") == dt.date(2013, 12, 31)
    assert parse_date("二〇一三年十月十日") == dt.date(2013, 10, 10)
    assert parse_date("一九九八年元月二日") == dt.date(1998, 1, 2)


def test_two_digit_years_are_never_in_the_future():
    assert parse_date("98年3月1日", today=dt.date(2024, 1, 1)) == dt.date(1998, 3, 1)
    assert parse_date("14年3月1日", today=dt.date(2024, 1, 1)) == dt.date(2014, 3, 1)


def test_impossible_dates_are_rejected():
    assert parse_date("2014年2月30日") is None
    assert parse_date("2014-13-01") is None
    assert find_dates("于2014年2月30日到镇政府") == []


def test_lunar_dates_are_flagged_not_converted():
    for s in ("农历二〇一四年五月初八", "阴历五月初八", "二〇一四年正月十五", "腊月廿三"):
        (d,) = find_dates(s)
        assert d.lunar and d.date is None, s
    assert parse_date("农历2014年5月8日") is None


def test_a_month_and_day_without_year_is_not_a_date():
    assert find_dates("5月23日那天") == []


def test_find_dates_positions_point_into_the_text():
    text = "我于２０１３年３月５日上访，2014.6.1再次反映。"
    found = find_dates(text)
    assert [d.date for d in found] == [dt.date(2013, 3, 5), dt.date(2014, 6, 1)]
    assert text[found[0].start:found[0].end] == "２０１３年３月５日"


def test_numeric_dates_are_not_taken_from_version_numbers_or_phones():
    assert find_dates("版本1.2.3，电话0571-8800-1234") == []


def test_letter_date_is_the_signature_date_not_a_date_in_the_story():
    text = ("领导：\n2013年3月5日，镇政府强拆了我家房屋。2013年4月1日我去反映。\n"
            "此致\n敬礼\n张三\n二〇一四年五月二十三日\n")
    d = letter_date(text)
    assert d.date == D
    assert text[d.start:d.end] == "二〇一四年五月二十三日"


def test_letter_date_after_a_label_wins():
    text = "来信日期：2014-05-23\n2014年6月1日我又去了一次镇政府，没人管。\n"
    assert letter_date(text).date == D


def test_event_time_label_is_not_the_letter_date():
    assert letter_date("事发时间：2013年3月5日\n") is None


def test_letter_with_only_story_dates_has_no_letter_date():
    assert letter_date("2013年3月5日，镇政府强拆了我家房屋，至今未补偿。") is None


def test_signature_line_with_name_and_date():
    assert letter_date("……请领导关心。\n来信人：张三  2014年5月23日\n").date == D


def test_lunar_signature_date_is_reported_as_lunar():
    d = letter_date("此致\n敬礼\n李四\n农历二〇一四年四月廿五\n")
    assert d.lunar and d.date is None
