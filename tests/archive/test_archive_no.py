"""档号 format (DA/T 22) and the retention rules."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.archive.archive_no import ArchiveCodes, ArchiveNo, RetentionRules, format_archive_no
from docgen.errors import DocgenError
from docgen.models import Case, Event


def test_archive_no_has_middle_dot_and_four_digit_item():
    text = format_archive_no("Z109", "WS", 2014, "D30", "XF", 1)
    assert text == "Z109-WS\u00b72014-D30-XF-0001"


def test_archive_no_parses_back_to_its_parts():
    no = ArchiveNo.parse("Z109-WS·2014-D30-XF-0012")
    assert (no.series.fonds, no.series.category, no.year, no.series.retention, no.series.org,
            no.item) == ("Z109", "WS", 2014, "D30", "XF", 12)
    assert str(no) == "Z109-WS·2014-D30-XF-0012"


@pytest.mark.parametrize("bad", ["Z109-WS-2014-D30-XF-0001",   # hyphen instead of ·
                                 "Z109-WS·2014-D30-XF-12",      # item not 4 digits
                                 "Z109-WS·14-D30-XF-0001",      # 2-digit year
                                 "Z109-WS·2014-X5-XF-0001",     # unknown retention
                                 "Z109-WS·2014-D30-XF-0000", ""])
def test_malformed_archive_no_is_refused(bad):
    with pytest.raises(DocgenError):
        ArchiveNo.parse(bad)


def test_archive_numbers_sort_by_series_then_item():
    nos = [ArchiveNo.parse(t) for t in ("Z1-WS·2014-D30-XF-0010", "Z1-WS·2014-D30-XF-0002")]
    assert [n.item for n in sorted(nos)] == [2, 10]


def test_codes_come_from_config_and_must_be_plain():
    codes = ArchiveCodes.from_config({"archive": {"fonds": "Z109", "category_code": "WS", "org_code": "XF"}})
    assert str(codes.series(2014, "Y").item(3)) == "Z109-WS·2014-Y-XF-0003"
    with pytest.raises(DocgenError):
        ArchiveCodes.from_config({"archive": {"fonds": "Z-1"}})


def _case(**kw) -> Case:
    return Case(case_no="2025-0001", channel=kw.pop("channel", "来信"),
                received_date=dt.date(2025, 1, 2), **kw)


def _ev(kind: str) -> Event:
    return Event(case_id=1, kind=kind, date=dt.date(2025, 1, 5))


def test_group_visit_is_kept_permanently():
    assert RetentionRules().retention_for(_case(flags=["集体访"]), [])[0] == "Y"


def test_leader_forwarded_channel_is_kept_permanently():
    assert RetentionRules().retention_for(_case(channel="领导批转"), [])[0] == "Y"


def test_assigned_case_with_result_is_kept_30_years():
    assert RetentionRules().retention_for(_case(result="已办结"), [_ev("交办")])[0] == "D30"


def test_simple_case_is_kept_10_years():
    assert RetentionRules().retention_for(_case(result="已答复"), [_ev("答复")])[0] == "D10"


def test_retention_rules_are_configurable():
    rules = RetentionRules.from_config({"archive": {"retention_default": "D30", "major_flags": ["积案"]}})
    assert rules.retention_for(_case(), [])[0] == "D30"
    assert rules.retention_for(_case(flags=["积案"]), [])[0] == "Y"
    with pytest.raises(DocgenError):
        RetentionRules.from_config({"archive": {"retention_major": "forever"}})
