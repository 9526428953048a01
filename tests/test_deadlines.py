"""Deadline arithmetic against hand-worked cases, rule profiles and extensions."""

import datetime as dt

import pytest

from docgen.deadlines import (
    Step,
    deadline_for,
    due_date,
    due_for,
    extend,
    load_profiles,
    select_profile,
)
from docgen.errors import DocgenError
from docgen.holidays import HolidayCalendar
from docgen.models import Deadline

D = dt.date


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    return HolidayCalendar.load()


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


# -- calendar-day periods --------------------------------------------------------------------

def test_sixty_days_across_national_day_ending_in_the_holiday(cal):
    # By hand: received Tue 2024-08-06. Day 1 is 08-07; 08-07..08-31 is 25 days, September 30
    # more (55), so day 60 is 10-05 — a Saturday inside 国庆 10-01..10-07. The next day that is
    # not a rest day is Tue 10-08 (10-06 Sun and 10-07 Mon are holiday too).
    due = due_date(D(2024, 8, 6), 60, "calendar", cal)
    assert due.date == D(2024, 10, 8)
    assert due.explanation == ("受理日 2024年8月6日，期限 60 日（首日不计），"
                               "届满 2024年10月5日 为国庆节假日，顺延至 2024年10月8日")
    assert due.warnings == []


def test_sixty_days_ending_on_a_makeup_working_saturday_is_not_moved(cal):
    # By hand: received Tue 2024-08-13: 08-14..08-31 is 18 days, September 30 (48), October 12
    # more makes 60: Sat 2024-10-12, a 调休 working day of the 国庆 notice, so it stays.
    due = due_date(D(2024, 8, 13), 60, "calendar", cal)
    assert due.date == D(2024, 10, 12)
    assert due.explanation.endswith("届满 2024年10月12日（星期六，调休上班日），不顺延")


def test_fifteen_days_example_from_the_spec(cal):
    due = due_date(D(2024, 9, 20), 15, "calendar", cal)
    assert due.date == D(2024, 10, 8)
    assert due.explanation == ("受理日 2024年9月20日，期限 15 日（首日不计），"
                               "届满 2024年10月5日 为国庆节假日，顺延至 2024年10月8日")


def test_last_day_on_a_sunday_moves_to_monday(cal):
    # Sat 2024-11-02 + 15 = Sun 2024-11-17 → Mon 11-18.
    due = due_date(D(2024, 11, 2), 15, "calendar", cal)
    assert due.date == D(2024, 11, 18)
    assert "届满 2024年11月17日 为星期日，顺延至 2024年11月18日" in due.explanation


def test_last_day_on_an_ordinary_working_day_stays(cal):
    due = due_date(D(2024, 9, 20), 60, "calendar", cal)
    assert due.date == D(2024, 11, 19)
    assert due.explanation.endswith("届满 2024年11月19日（星期二）")


def test_holidays_inside_a_calendar_period_are_counted(cal):
    # Calendar days run through 春节: Fri 2025-01-24 + 15 = Sat 02-08, a 调休 working day.
    assert due_date(D(2025, 1, 24), 15, "calendar", cal).date == D(2025, 2, 8)


# -- working-day periods ---------------------------------------------------------------------

def test_five_working_days_across_a_weekend(cal):
    # Thu 2024-11-14: Fri 15 (1), weekend skipped, Mon 18 (2), Tue 19 (3), Wed 20 (4), Thu 21 (5).
    due = due_date(D(2024, 11, 14), 5, "working", cal)
    assert due.date == D(2024, 11, 21)
    assert "期限 5 个工作日（首日不计" in due.explanation


def test_five_working_days_across_spring_festival(cal):
    # Fri 2025-01-24: Sat 25 rest; Sun 26 调休上班 (1); Mon 27 (2); 1-28..2-4 春节; Wed 2-5 (3),
    # Thu 2-6 (4), Fri 2-7 (5).
    due = due_date(D(2025, 1, 24), 5, "working", cal)
    assert due.date == D(2025, 2, 7)
    assert "春节假日 2025年1月28日至2月4日不计" in due.explanation
    assert "调休上班日 2025年1月26日计入" in due.explanation


def test_working_days_starting_in_a_holiday_count_the_makeup_saturday(cal):
    # 交办 on 2024-10-01: 10-08, 09, 10, 11 are days 1–4, Sat 10-12 (调休上班) is day 5.
    assert due_date(D(2024, 10, 1), 5, "working", cal).date == D(2024, 10, 12)


def test_zhejiang_routes_within_five_working_days(cal, profiles):
    # 除夕 2024-02-09 was a working day in 2024; 2-10..2-17 off; Sun 2-18 was worked.
    # Wed 2-7: Thu 8 (1), Fri 9 (2), Sun 18 (3), Mon 19 (4), Tue 20 (5).
    deadline = deadline_for("route", D(2024, 2, 7), profiles["zhejiang"], cal)
    assert deadline.due_date == D(2024, 2, 20)
    assert deadline.kind == "转送交办期限"


# -- missing years ---------------------------------------------------------------------------

def test_period_into_a_missing_year_warns(cal):
    due = due_date(D(2026, 12, 20), 15, "calendar", cal)
    assert due.date == D(2027, 1, 4)
    assert due.warnings == ["2027 年节假日未收录，按周末计算，请更新节假日文件"]


def test_dates_out_of_range_use_weekends_and_warn(cal):
    due = due_date(D(2010, 4, 16), 15, "calendar", cal)   # Sat 2010-05-01 → Mon 05-03
    assert due.date == D(2010, 5, 3)
    assert due.warnings == ["2010 年节假日未收录，按周末计算，请更新节假日文件"]
    working = due_date(D(2010, 4, 30), 5, "working", cal)  # Fri → next Fri
    assert working.date == D(2010, 5, 7)


def test_deadline_carries_the_warning_in_its_explanation(cal, profiles):
    deadline = deadline_for("handle", D(2027, 3, 1), profiles["national"], cal)
    assert "2027 年节假日未收录" in deadline.explanation


def test_adding_the_missing_year_removes_the_warning_and_recomputes(tmp_path):
    override = tmp_path / "holidays.toml"
    override.write_text('[2027]\noff = [ { name = "元旦", start = 2027-01-01, end = 2027-01-04 } ]\n',
                        encoding="utf-8")
    due = due_date(D(2026, 12, 20), 15, "calendar", HolidayCalendar.load([override]))
    assert due.date == D(2027, 1, 5)
    assert due.warnings == []
    assert "为元旦假日" in due.explanation


# -- extensions ------------------------------------------------------------------------------

def test_extension_within_the_cap(cal, profiles):
    step = profiles["national"].step("handle")
    due = due_for("handle", D(2024, 9, 20), profiles["national"], cal)
    longer = extend(due, 30, step, already_extended=0)
    assert longer.date == D(2024, 12, 19)
    assert longer.explanation.startswith(due.explanation + "；延期 30 日")
    assert "累计延期 30 日，上限 30 日" in longer.explanation


def test_extension_beyond_the_cap_is_refused(cal, profiles):
    step = profiles["national"].step("handle")
    due = due_for("handle", D(2024, 9, 20), profiles["national"], cal)
    with pytest.raises(DocgenError, match="最多延期 30 日，已延期 0 日，还可延期 30 日"):
        extend(due, 31, step, already_extended=0)
    with pytest.raises(DocgenError, match="已延期 20 日，还可延期 10 日"):
        extend(due, 15, step, already_extended=20)
    with pytest.raises(DocgenError, match="已不能再延期"):
        extend(due, 1, step, already_extended=30)


def test_province_caps_differ(cal, profiles):
    henan = profiles["henan"].step("handle")        # 30 days, at most 90 in all
    due = due_for("handle", D(2024, 3, 1), profiles["henan"], cal)
    # 3-01 + 30 = Sun 3-31 → Mon 4-01; 4-01 + 60 = Fri 5-31.
    assert due.date == D(2024, 4, 1)
    assert extend(due, 60, henan, 0).date == D(2024, 5, 31)
    with pytest.raises(DocgenError, match="最多延期 60 日"):
        extend(due, 61, henan, 0)


def test_step_without_extension_cannot_be_extended(cal, profiles):
    due = due_for("route", D(2024, 9, 20), profiles["national"], cal)
    with pytest.raises(DocgenError, match="转送交办期限按规则不能延期"):
        extend(due, 5, profiles["national"].step("route"), 0)


def test_extension_in_working_days_uses_the_steps_unit(cal):
    step = Step(kind="route", days=5, unit="working", extension_max=5)
    due = due_date(D(2024, 9, 27), 1, "working", cal)          # Sun 9-29 is 调休上班
    assert due.date == D(2024, 9, 29)
    assert extend(due, 2, step, 0, cal).date == D(2024, 10, 8)


# -- profiles --------------------------------------------------------------------------------

def test_shipped_profiles(profiles):
    national = profiles["national"]
    assert (national.step("route").days, national.step("route").unit) == (15, "calendar")
    assert national.step("notify").days == 15
    assert (national.step("handle").days, national.step("handle").extension_max) == (60, 30)
    assert national.step("assign").days == 60
    assert national.step("review").days == 30
    assert (profiles["zhejiang"].step("route").days, profiles["zhejiang"].step("route").unit) == (5, "working")
    assert (profiles["zhejiang"].step("handle").days, profiles["zhejiang"].step("handle").extension_max) == (30, 60)
    assert (profiles["henan"].step("route").days, profiles["henan"].step("route").unit) == (5, "calendar")
    assert profiles["henan"].step("handle").days + profiles["henan"].step("handle").extension_max == 90
    assert (profiles["shanghai"].step("assign").days, profiles["shanghai"].step("assign").extension_max) == (60, 30)
    assert profiles["shanghai"].step("notify") == national.step("notify")   # inherited from base


def test_deadline_for_each_kind(cal, profiles):
    start = D(2024, 9, 20)
    kinds = {"route": "转送交办期限", "assign": "交办办理期限", "notify": "告知期限",
             "handle": "办理期限", "review": "复查复核期限"}
    for kind, label in kinds.items():
        deadline = deadline_for(kind, start, profiles["national"], cal)
        assert isinstance(deadline, Deadline)
        assert deadline.kind == label
        assert deadline.explanation.startswith(("受理日", "交办日", "申请日"))
    assign = deadline_for("assign", start, profiles["national"], cal)
    assert assign.explanation.startswith("交办日 2024年9月20日")
    assert assign.to_json()["due_date"] == "2024-11-19"


def test_unknown_kind_and_profile_are_refused(profiles, cal):
    with pytest.raises(DocgenError, match="未知的期限类型"):
        deadline_for("finish", D(2024, 1, 1), profiles["national"], cal)
    with pytest.raises(DocgenError, match="没有名为 beijing 的期限规则"):
        select_profile(profiles, "beijing")
    assert select_profile(profiles, None).name == "national"


def test_workspace_profiles_override_single_steps(tmp_path, cal):
    path = tmp_path / "deadline_profiles.toml"
    path.write_text('[national.route]\ndays = 10\nunit = "working"\n\n'
                    '[county]\ntitle = "本县"\nbase = "zhejiang"\n[county.assign]\ndays = 30\n',
                    encoding="utf-8")
    profiles = load_profiles([path])
    assert profiles["national"].step("route") == Step("route", 10, "working", None)
    assert profiles["national"].step("handle").days == 60          # untouched
    county = profiles["county"]
    assert county.title == "本县"
    assert county.step("assign").days == 30 and county.step("assign").unit == "calendar"
    assert county.step("route").unit == "working"                   # from zhejiang
    assert deadline_for("assign", D(2024, 9, 20), county, cal).due_date == D(2024, 10, 21)


@pytest.mark.parametrize("text, message", [
    ('[x.route]\ndays = 0\n', "days 应为正整数"),
    ('[x.route]\ndays = 5\nunit = "weeks"\n', "unit 应为 calendar"),
    ('[x.route]\ndays = 5\nextension_max = -1\n', "extension_max"),
    ('[x.finish]\ndays = 5\n', "不认识的项 finish"),
    ('[x]\nbase = "nowhere"\n', "base nowhere 不存在"),
    ('[x]\nbase = "y"\n[y]\nbase = "x"\n', "循环引用"),
    ('[x.route\n', "格式错误"),
])
def test_malformed_profile_file_is_refused(tmp_path, text, message):
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocgenError, match=message):
        load_profiles([path])


def test_bad_period_arguments_are_refused(cal):
    with pytest.raises(DocgenError, match="期限天数应为正整数"):
        due_date(D(2024, 1, 1), 0, "calendar", cal)
    with pytest.raises(DocgenError, match="期限单位"):
        due_date(D(2024, 1, 1), 5, "months", cal)
