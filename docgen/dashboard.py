"""今日: what a clerk looks at first each morning, from the derived case state (no replay).

``today(ws, day)`` gives the new cases, those due within a week, the overdue ones by kind (the
routing decision, the 交办 result, 复查复核, and the written notice when the office tracks it)
and those waiting for the office head's 拟办 or the leader's 批示 — each list newest first, cut
at ``rows``, with the full count beside it. Every list is one ``casefile.query_cases`` call, so
the page and ``docgen list`` can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from docgen import deadlines as dl
from docgen.case_state import AWAIT_INSTRUCTION, AWAIT_PROPOSAL, untracked_kinds
from docgen.casefile import CaseView, query_cases
from docgen.models import iso
from docgen.workspace import Workspace

NEW_DAYS = 7        # "new": received within the last week, the day itself included
DUE_DAYS = 7        # "due soon": the nearest tracked deadline within a week (not yet overdue)
ROWS = 20           # rows shown per list; the counts are complete

# The lists in the order the page shows them, with their Chinese titles.
SECTIONS = (
    ("new", f"近 {NEW_DAYS} 日新收"),
    ("due_soon", f"{DUE_DAYS} 日内到期"),
    ("overdue", "已超期"),
    ("overdue_routing", "超期未交办（转送交办期限）"),
    ("overdue_results", "交办超期未报结果"),
    ("overdue_review", "复查复核超期"),
    ("overdue_notice", "超期未书面告知"),
    ("awaiting_proposal", "待拟办"),
    ("awaiting_instruction", "待批示"),
)


@dataclass
class Dashboard:
    day: dt.date
    new: list[CaseView] = field(default_factory=list)
    due_soon: list[CaseView] = field(default_factory=list)
    overdue: list[CaseView] = field(default_factory=list)
    overdue_routing: list[CaseView] = field(default_factory=list)
    overdue_results: list[CaseView] = field(default_factory=list)
    overdue_review: list[CaseView] = field(default_factory=list)
    overdue_notice: list[CaseView] = field(default_factory=list)
    awaiting_proposal: list[CaseView] = field(default_factory=list)
    awaiting_instruction: list[CaseView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"day": iso(self.day), "counts": dict(self.counts),
                **{name: [v.to_json(brief=True) for v in getattr(self, name)]
                   for name, _ in SECTIONS}}

    def to_text(self) -> str:
        lines = [f"今日 {self.day}"]
        lines.append("  ".join(f"{title} {self.counts.get(name, 0)}" for name, title in SECTIONS
                               if name in ("new", "due_soon", "overdue", "awaiting_proposal",
                                           "awaiting_instruction")))
        for name, title in SECTIONS:
            views = getattr(self, name)
            if not views:
                continue
            more = self.counts[name] - len(views)
            lines += ["", f"{title}（{self.counts[name]} 件" + (f"，列出 {len(views)} 件" if more else "") + "）："]
            lines += ["  " + v.to_line() for v in views]
        return "\n".join(lines)


def today(ws: Workspace, day: dt.date | None = None, *, rows: int = ROWS) -> Dashboard:
    """The 今日 lists as of ``day`` (default today); each holds at most ``rows`` cases."""
    day = day or dt.date.today()
    board = Dashboard(day=day)
    queries: dict[str, dict[str, Any]] = {
        "new": {"received_since": day - dt.timedelta(days=NEW_DAYS - 1)},
        "due_soon": {"due_within": DUE_DAYS, "due_from": day},
        "overdue": {"overdue": True},
        "overdue_routing": {"overdue_kind": dl.STEP_KINDS["route"]},
        "overdue_results": {"overdue_kind": dl.STEP_KINDS["assign"]},
        "overdue_review": {"overdue_kind": dl.STEP_KINDS["review"]},
        "awaiting_proposal": {"awaiting": AWAIT_PROPOSAL},
        "awaiting_instruction": {"awaiting": AWAIT_INSTRUCTION},
    }
    if dl.STEP_KINDS["notify"] not in untracked_kinds(ws):
        queries["overdue_notice"] = {"overdue_kind": dl.STEP_KINDS["notify"]}
    for name, filters in queries.items():
        total, views = query_cases(ws, limit=rows, as_of=day, **filters)
        setattr(board, name, views)
        board.counts[name] = total
    for name, _ in SECTIONS:
        board.counts.setdefault(name, 0)
    return board
