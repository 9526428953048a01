"""档号 (archive number, DA/T 22-2015) and the retention period (保管期限) of a closed case.

A 档号 reads ``全宗号-门类代码·年度-保管期限-机构(问题)代码-件号``, e.g. ``Z109-WS·2014-D30-XF-0001``:
hyphens between levels, U+00B7 MIDDLE DOT between 门类代码 and 年度, 件号 zero-padded to four
digits and continuous within one 年度/期限/机构 (a *series* here).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from docgen.errors import DocgenError
from docgen.models import STATUS_CLOSED, STATUS_FILED, Case, Event

MIDDLE_DOT = "\u00b7"
_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
_RETENTION = re.compile(r"^(Y|D\d{1,3})$")
_ARCHIVE_NO = re.compile(
    r"^(?P<fonds>[A-Za-z0-9]{1,16})-(?P<category>[A-Za-z0-9]{1,16})\u00b7(?P<year>\d{4})"
    r"-(?P<retention>Y|D\d{1,3})-(?P<org>[A-Za-z0-9]{1,16})-(?P<item>\d{4,})$")

RETENTION_NAMES = {"Y": "永久", "D30": "30年", "D10": "10年"}

# A case is finished — and archived in the year it was finished — when it is closed (办结) or
# filed for reference (存档备查: the decision ends the matter, nothing is routed or answered).
ARCHIVABLE_STATUSES = (STATUS_CLOSED, STATUS_FILED)
EV_CLOSE, EV_FILE = "办结", "存档备查"


def finished_on(case: Case, events: list[Event]) -> dt.date | None:
    """The day a case was finished: its closing date, or for a 存档备查 case the day of that
    decision (the workflow leaves ``closed_date`` empty for it). None when it is not finished."""
    if case.status not in ARCHIVABLE_STATUSES:
        return None
    if case.closed_date:
        return case.closed_date
    kind = EV_CLOSE if case.status == STATUS_CLOSED else EV_FILE
    dates = [e.date for e in events if e.kind == kind]
    return max(dates) if dates else None


@dataclass(frozen=True, order=True)
class Series:
    """The scope inside which 件号 run 1, 2, 3 ... without gaps: 全宗/门类/年度/期限/机构."""

    fonds: str
    category: str
    year: int
    retention: str
    org: str

    def __str__(self) -> str:
        return f"{self.fonds}-{self.category}{MIDDLE_DOT}{self.year}-{self.retention}-{self.org}"

    @property
    def sequence_name(self) -> str:
        """The registry sequence that hands out this series' 件号."""
        return f"archive:{self}"

    def item(self, number: int) -> ArchiveNo:
        return ArchiveNo(self, number)


@dataclass(frozen=True, order=True)
class ArchiveNo:
    series: Series
    item: int

    def __str__(self) -> str:
        return f"{self.series}-{self.item:04d}"

    @property
    def year(self) -> int:
        return self.series.year

    @classmethod
    def parse(cls, text: str) -> ArchiveNo:
        """``Z109-WS·2014-D30-XF-0001`` → ArchiveNo; DocgenError when malformed."""
        m = _ARCHIVE_NO.match((text or "").strip())
        if not m or int(m["item"]) < 1:
            raise DocgenError(f"档号格式不正确：{text!r}（应为 全宗号-门类代码·年度-保管期限-机构代码-件号，"
                              f"如 Z109-WS·2014-D30-XF-0001）")
        series = Series(m["fonds"], m["category"], int(m["year"]), m["retention"], m["org"])
        return cls(series, int(m["item"]))


def format_archive_no(fonds: str, category: str, year: int, retention: str, org: str,
                      item: int) -> str:
    return str(ArchiveNo(Series(fonds, category, year, retention, org), item))


def parse_archive_no(text: str) -> ArchiveNo:
    return ArchiveNo.parse(text)


@dataclass(frozen=True)
class ArchiveCodes:
    """全宗号, 门类代码 and 机构(问题)代码 from ``[archive]`` in docgen.toml."""

    fonds: str = "Z001"
    category: str = "WS"
    org: str = "XF"

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ArchiveCodes:
        sec = config.get("archive", {})
        codes = cls(str(sec.get("fonds", "Z001")).strip(), str(sec.get("category_code", "WS")).strip(),
                    str(sec.get("org_code", "XF")).strip())
        for label, value in (("全宗号 fonds", codes.fonds), ("门类代码 category_code", codes.category),
                             ("机构代码 org_code", codes.org)):
            if not _CODE.match(value):
                raise DocgenError(f"配置 [archive] 中的{label} 不正确：{value!r}（只能用字母和数字）")
        return codes

    def series(self, year: int, retention: str) -> Series:
        return Series(self.fonds, self.category, year, retention, self.org)


# Events that mean the matter was routed to another body (交办 = assign, 转送 = forward).
ROUTING_EVENTS = ("交办", "转送", "转办")
MAJOR_FLAGS = ("集体访", "领导批转", "上级交办", "重点督办")
MAJOR_CHANNELS = ("领导批转", "上级交办")


@dataclass(frozen=True)
class RetentionRules:
    """保管期限 rules (docs/standards.md §3): major cases permanent, routed with a result D30, else D10."""

    major: str = "Y"
    assigned: str = "D30"
    default: str = "D10"
    major_flags: tuple[str, ...] = MAJOR_FLAGS
    major_channels: tuple[str, ...] = MAJOR_CHANNELS
    routing_events: tuple[str, ...] = ROUTING_EVENTS

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RetentionRules:
        sec = config.get("archive", {})
        rules = cls(
            major=str(sec.get("retention_major", "Y")).strip(),
            assigned=str(sec.get("retention_assigned", "D30")).strip(),
            default=str(sec.get("retention_default", "D10")).strip(),
            major_flags=tuple(sec.get("major_flags", MAJOR_FLAGS)),
            major_channels=tuple(sec.get("major_channels", MAJOR_CHANNELS)),
            routing_events=tuple(sec.get("routing_events", ROUTING_EVENTS)),
        )
        for key, value in (("retention_major", rules.major), ("retention_assigned", rules.assigned),
                           ("retention_default", rules.default)):
            if not _RETENTION.match(value):
                raise DocgenError(f"配置 [archive] {key} 不正确：{value!r}（应为 Y、D30、D10 等）")
        return rules

    def retention_for(self, case: Case, events: list[Event]) -> tuple[str, str]:
        """(保管期限, why) for a closed case."""
        major = [f for f in case.flags if f in self.major_flags]
        if case.channel in self.major_channels:
            major.insert(0, case.channel)
        if major:
            return self.major, f"重大事项（{'、'.join(dict.fromkeys(major))}）"
        routed = [e.kind for e in events if e.kind in self.routing_events]
        has_result = bool((case.result or "").strip()) or any(e.kind == "收到结果" for e in events)
        if routed and has_result:
            return self.assigned, f"{'、'.join(dict.fromkeys(routed))}且有办理结果"
        return self.default, "一般事项"
