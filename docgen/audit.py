"""Access log of personal data (issue 11): who looked at which case, downloaded which file,
exported which figures, and who logged in — kept in the registry (table ``audit_log``).

Changes to a case are not logged here: every change is an event of the case with the user as
its ``actor``. This log is for reading, which leaves no event. ``docgen audit`` lists it.
The ``detail`` column never holds an ID or phone number (``privacy.mask_text``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from docgen.privacy import mask_text

# Actions as they are shown.
VIEW_CASE = "查看案件"
DOWNLOAD = "下载文件"
EXPORT = "导出"
SEARCH = "检索"
LOGIN = "登录"
LOGIN_FAILED = "登录失败"
LOGOUT = "退出"

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT,
    action TEXT NOT NULL,
    case_no TEXT,
    detail TEXT NOT NULL DEFAULT '',
    address TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_case ON audit_log(case_no, at);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user, at);
"""


@dataclass
class AuditEntry:
    at: str
    user: str | None
    action: str
    case_no: str | None
    detail: str
    address: str | None
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "user": self.user, "action": self.action, "case_no": self.case_no,
                "detail": self.detail, "address": self.address}

    def to_line(self) -> str:
        parts = [self.at, self.user or "—", self.action]
        if self.case_no:
            parts.append(self.case_no)
        if self.detail:
            parts.append(self.detail)
        if self.address:
            parts.append(f"（{self.address}）")
        return "  ".join(parts)


def record(ws, action: str, *, user: str | None, case_no: str | None = None, detail: str = "",
           address: str | None = None, at: dt.datetime | None = None) -> None:
    """Append one entry (its own small transaction: a view is logged even if nothing else is
    written)."""
    when = (at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    with ws.registry.transaction() as c:
        c.execute("INSERT INTO audit_log(at, user, action, case_no, detail, address) "
                  "VALUES (?,?,?,?,?,?)", (when, user, action, case_no, mask_text(detail or ""),
                                           address))


def entries(ws, *, case_no: str | None = None, user: str | None = None,
            action: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Entries, newest first, filtered by case, user, action and day range (inclusive)."""
    from docgen.registry import normalize_case_no

    clauses, args = [], []
    if case_no:
        clauses.append("case_no = ?")
        args.append(normalize_case_no(case_no))
    if user:
        clauses.append("user = ?")
        args.append(user.strip())
    if action:
        clauses.append("action = ?")
        args.append(action)
    if since:
        clauses.append("at >= ?")
        args.append(since.isoformat())
    if until:
        clauses.append("at < ?")
        args.append((until + dt.timedelta(days=1)).isoformat())
    sql = "SELECT * FROM audit_log"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY at DESC, id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [AuditEntry(id=r["id"], at=r["at"], user=r["user"], action=r["action"],
                       case_no=r["case_no"], detail=r["detail"], address=r["address"])
            for r in ws.registry.conn.execute(sql, args)]
