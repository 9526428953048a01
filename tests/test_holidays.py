"""The holiday calendar: shipped data for 2013–2026, rest/working days, workspace overrides."""

import datetime as dt

import pytest

from docgen.errors import DocgenError
from docgen.holidays import BUILTIN_HOLIDAYS, HolidayCalendar, parse_holiday_file

D = dt.date


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    return HolidayCalendar.load()


def test_shipped_calendar_covers_2013_to_2026(cal):
    assert cal.years == tuple(range(2013, 2027))
    assert cal.missing_years(2013, 2026) == []
    assert cal.missing_years(D(2010, 5, 1), D(2028, 1, 1)) == [2010, 2011, 2012, 2027, 2028]


def test_every_makeup_working_day_is_a_weekend_day():
    for year, notice in parse_holiday_file(BUILTIN_HOLIDAYS).items():
        for d in notice.work:
            assert d.weekday() >= 5, f"{year}: {d} is not a Saturday or Sunday"


def test_each_year_takes_off_the_statutory_number_of_weekdays():
    # Weekdays off minus weekend days worked = statutory days that did not fall on a weekend:
    # 11 under the 2013 rules, 13 from 2025 (除夕 and 5-2 added). 2015 had one more (the 70th
    # anniversary on 9-3); 2020 two more (春节 extended to 2-2, the 2-1 working Saturday dropped).
    expected = {y: 11 for y in range(2013, 2025)} | {2015: 12, 2020: 13, 2025: 13, 2026: 13}
    for year, notice in parse_holiday_file(BUILTIN_HOLIDAYS).items():
        weekdays_off = {d for rng in notice.off for d in rng.days() if d.weekday() < 5}
        assert len(weekdays_off) - len(notice.work) == expected[year], year


def test_national_day_2024_with_makeup_working_days(cal):
    assert all(cal.is_rest_day(D(2024, 10, day)) for day in range(1, 8))
    assert cal.holiday_name(D(2024, 10, 5)) == "国庆节"
    assert cal.is_working_day(D(2024, 9, 29))      # Sunday, 调休上班
    assert cal.is_working_day(D(2024, 10, 12))     # Saturday, 调休上班
    assert cal.is_rest_day(D(2024, 10, 13))        # an ordinary Sunday
    assert cal.is_working_day(D(2024, 10, 8))


def test_spring_festival_2025_under_the_new_rules(cal):
    assert all(cal.is_rest_day(D(2025, 1, 28) + dt.timedelta(days=i)) for i in range(8))
    assert cal.is_working_day(D(2025, 1, 26)) and cal.is_working_day(D(2025, 2, 8))
    assert cal.is_rest_day(D(2025, 5, 5)) and cal.is_working_day(D(2025, 4, 27))


def test_2026_notice(cal):
    for start, end in [(D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 2, 15), D(2026, 2, 23)),
                       (D(2026, 4, 4), D(2026, 4, 6)), (D(2026, 5, 1), D(2026, 5, 5)),
                       (D(2026, 6, 19), D(2026, 6, 21)), (D(2026, 9, 25), D(2026, 9, 27)),
                       (D(2026, 10, 1), D(2026, 10, 7))]:
        d = start
        while d <= end:
            assert cal.is_rest_day(d), d
            d += dt.timedelta(days=1)
    for d in (D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
              D(2026, 10, 10)):
        assert cal.is_working_day(d), d


def test_makeup_day_announced_in_the_next_years_notice(cal):
    # The 2019 notice made Saturday 2018-12-29 a working day for the 元旦 break.
    assert cal.is_working_day(D(2018, 12, 29))
    assert cal.holiday_name(D(2018, 12, 31)) == "元旦"


def test_year_without_notice_has_weekends_only(cal):
    assert cal.is_rest_day(D(2010, 5, 1))          # Saturday
    assert cal.is_working_day(D(2010, 10, 1))      # a holiday in reality, unknown here
    assert cal.holiday_name(D(2010, 10, 1)) is None


def test_describe_day_names_the_reason(cal):
    assert cal.describe_day(D(2024, 10, 3)) == "国庆节假日"
    assert cal.describe_day(D(2024, 10, 13)) == "星期日"
    assert cal.describe_day(D(2024, 10, 12)) == "星期六，调休上班日"


def test_override_file_replaces_a_whole_year(tmp_path):
    override = tmp_path / "holidays.toml"
    override.write_text(
        '[2024]\nsource = "本地更正"\n'
        'off = [ { name = "国庆节", start = 2024-10-01, end = 2024-10-03 } ]\n'
        "work = []\n", encoding="utf-8")
    cal = HolidayCalendar.load([override])
    assert cal.is_working_day(D(2024, 10, 7))      # no longer a holiday
    assert cal.is_rest_day(D(2024, 10, 12))        # no longer a 调休 working Saturday
    assert cal.is_working_day(D(2024, 2, 16))      # the 2024 春节 is gone with the old year
    assert cal.is_rest_day(D(2025, 1, 29))         # other years untouched
    assert cal.sources[-1] == override


def test_override_file_adds_a_missing_year(tmp_path):
    override = tmp_path / "holidays.toml"
    override.write_text('[2027]\noff = [ { name = "元旦", start = 2027-01-01 } ]\nwork = ["2027-01-09"]\n',
                        encoding="utf-8")
    cal = HolidayCalendar.load([override])
    assert 2027 in cal.years and cal.missing_years(2026, 2027) == []
    assert cal.is_rest_day(D(2027, 1, 1)) and cal.is_working_day(D(2027, 1, 9))


def test_missing_override_file_is_skipped(tmp_path):
    cal = HolidayCalendar.load([tmp_path / "none.toml"])
    assert cal.years == tuple(range(2013, 2027))


@pytest.mark.parametrize("text, message", [
    ("[2027\n", "格式错误"),
    ('[abc]\noff = []\n', "四位年份"),
    ('[2027]\noff = [ { name = "春节", start = 2027-02-10, end = 2027-02-01 } ]\n', "早于开始日"),
    ('[2027]\noff = [ { name = "春节", start = 2027-02-01, end = 2027-05-01 } ]\n', "请检查日期"),
    ('[2027]\noff = [ { start = 2027-02-01 } ]\n', "缺少节日名称"),
    ('[2027]\nwork = ["2027-13-01"]\n', "应为日期"),
    ('[2027]\nwork = [2025-01-01]\n', "不属于 2027 年"),
    ('[2027]\noff = [ { name = "元旦", start = 2027-01-01 } ]\nwork = [2027-01-01]\n', "同时列为"),
    ('[2027]\nholidays = []\n', "不认识的项"),
])
def test_malformed_holiday_file_is_refused_with_its_name(tmp_path, text, message):
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocgenError, match=message) as err:
        HolidayCalendar.load([path])
    assert str(path) in str(err.value)
