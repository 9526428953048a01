"""The SQLite registry: numbers, transactions, events, files."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.errors import DocgenError
from docgen.models import Case, Event, Petitioner
from docgen.registry import Registry, normalize_case_no


def _case(received=dt.date(2026, 3, 1), **kw) -> Case:
    return Case(case_no="", channel="来信", received_date=received, **kw)


def test_registration_numbers_are_per_year_and_continuous(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    numbers = [reg.add_case(_case(dt.date(y, 5, 1))).case_no for y in (2025, 2026, 2026, 2025)]
    assert numbers == ["2025-0001", "2026-0001", "2026-0002", "2025-0002"]


def test_case_round_trips_with_all_fields(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    case = reg.add_case(_case(petitioner=Petitioner("张三", "11010519491231002X", True,
                                                    "13800138000", "某镇某村"),
                              target="某镇人民政府", cosigners=["李四"], flags=["集体访"],
                              extra={"visit": {"receptionist": "黄主任"}}, text="<&>\x07"))
    again = reg.get_case(case.case_no)
    assert again == case


def test_case_numbers_are_found_however_typed(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    reg.add_case(_case())
    assert reg.get_case("2026-1").case_no == "2026-0001"
    assert normalize_case_no(" 2026－0001 ") == "2026-0001"


def test_unknown_case_is_a_user_error(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    with pytest.raises(DocgenError, match="未找到案件"):
        reg.get_case("2026-0099")


def test_a_failed_transaction_leaves_nothing(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    with pytest.raises(RuntimeError), reg.transaction():
        case = reg.add_case(_case())
        reg.add_event(Event(case_id=case.id, kind="登记", date=case.received_date))
        raise RuntimeError("crash in the middle")
    assert reg.count_cases() == 0
    assert reg.add_case(_case()).case_no == "2026-0001"   # the number was not used up


def test_events_as_of_a_day_ignore_later_ones(tmp_path):
    reg = Registry(tmp_path / "r.sqlite")
    case = reg.add_case(_case())
    for day in (1, 10, 20):
        reg.add_event(Event(case_id=case.id, kind="测试", date=dt.date(2026, 3, day)))
    assert len(reg.events(case.id, as_of=dt.date(2026, 3, 10))) == 2


def test_an_older_registry_gets_the_added_columns(tmp_path):
    import sqlite3

    from docgen.registry import Registry

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, case_no TEXT NOT NULL UNIQUE, "
                 "year INTEGER NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, "
                 "received_date TEXT NOT NULL, letter_date TEXT, name TEXT, id_number TEXT, "
                 "id_valid INTEGER, phone TEXT, address TEXT, target TEXT, request TEXT, category TEXT, "
                 "nature TEXT, legal INTEGER NOT NULL DEFAULT 0, summary TEXT, text TEXT NOT NULL "
                 "DEFAULT '', persons INTEGER NOT NULL DEFAULT 1, cosigners TEXT NOT NULL DEFAULT '[]', "
                 "flags TEXT NOT NULL DEFAULT '[]', external_no TEXT, archive_no TEXT UNIQUE, "
                 "closed_date TEXT, result TEXT, satisfaction TEXT, extra TEXT NOT NULL DEFAULT '{}', "
                 "created_at TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '')")
    conn.execute("INSERT INTO cases(case_no, year, channel, status, received_date) "
                 "VALUES ('2020-0001', 2020, '来信', '已登记', '2020-01-02')")
    conn.commit()
    conn.close()
    reg = Registry(path)
    case = reg.get_case("2020-0001")
    assert case.township is None
    case.township = "青山镇"
    reg.update_case(case)
    assert reg.get_case("2020-0001").township == "青山镇"
    assert reg.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"
