"""Users of the office's web app (``docgen serve``): accounts, roles, passwords, sessions.

Accounts live in the workspace registry (table ``users``; the registry runs ``SCHEMA`` when it
opens). Passwords are hashed with argon2id (argon2-cffi); the hash carries its own salt and
parameters, so a later library default is picked up by re-hashing at the next login. A login
session is a random token kept by the browser; the registry stores only its SHA-256, so a copy
of the registry does not let anyone log in. Sessions end at logout, after ``hours`` (default 8),
when the password changes and when the account is disabled.

Roles (issue 11): 登记员 registers, edits, routes, attaches, closes, archives; 科室负责人 does the
same and also writes 拟办意见; 领导 writes 批示; 只读 sees and searches. Every role sees cases.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from docgen.errors import DocgenError

ROLE_CLERK = "登记员"
ROLE_HEAD = "科室负责人"
ROLE_LEADER = "领导"
ROLE_READER = "只读"
ROLES = (ROLE_CLERK, ROLE_HEAD, ROLE_LEADER, ROLE_READER)

# What each role may do. ``view`` (see and search cases, statistics) is every role's.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "register": frozenset({ROLE_CLERK, ROLE_HEAD}),     # 登记来信、来访、台账导入
    "handle": frozenset({ROLE_CLERK, ROLE_HEAD}),       # 修改、交办/转送、答复…、附件、延期、督办、办结
    "archive": frozenset({ROLE_CLERK, ROLE_HEAD}),      # 归档、检测
    "propose": frozenset({ROLE_HEAD}),                  # 拟办意见
    "instruct": frozenset({ROLE_LEADER}),               # 领导批示
}

PERMISSION_NAMES = {
    "view": "查看", "register": "登记", "handle": "办理", "archive": "归档",
    "propose": "拟办", "instruct": "批示",
}

MIN_PASSWORD_LENGTH = 8
DEFAULT_SESSION_HOURS = 8.0
DEFAULT_LOCKOUT_ATTEMPTS = 5
DEFAULT_LOCKOUT_MINUTES = 15

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now', 'localtime')),
    password_changed_at TEXT,
    last_login_at TEXT
);
CREATE TABLE IF NOT EXISTS user_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS user_sessions_user ON user_sessions(user_id);
"""

_TIME = "%Y-%m-%d %H:%M:%S"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _fmt(t: dt.datetime) -> str:
    return t.strftime(_TIME)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@dataclass
class User:
    id: int
    name: str
    role: str
    active: bool
    failed_logins: int = 0
    locked_until: str | None = None
    created_at: str | None = None
    last_login_at: str | None = None

    def can(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS[permission]

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role, "active": self.active,
                "locked_until": self.locked_until, "created_at": self.created_at,
                "last_login_at": self.last_login_at}


class LoginRefused(DocgenError):
    """Wrong name or password, a locked or a disabled account (the message says which is
    safe to say)."""


def _row_to_user(r: sqlite3.Row) -> User:
    return User(id=r["id"], name=r["name"], role=r["role"], active=bool(r["active"]),
                failed_logins=r["failed_logins"], locked_until=r["locked_until"],
                created_at=r["created_at"], last_login_at=r["last_login_at"])


def _clean_name(name: str) -> str:
    text = (name or "").strip()
    if not text:
        raise DocgenError("用户名不能为空")
    if len(text) > 40 or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise DocgenError(f"用户名“{text[:40]}”不可用：不能含空格或控制字符，最长 40 个字")
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise DocgenError(f"角色应为 {'、'.join(ROLES)} 之一（实际为 {role}）")
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise DocgenError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    if len(password) > 512:
        raise DocgenError("密码过长（最多 512 个字符）")
    return password


def has_users(ws) -> bool:
    """Whether any active account exists (the first start without one says how to make one)."""
    return ws.registry.conn.execute("SELECT 1 FROM users WHERE active = 1 LIMIT 1").fetchone() is not None


def get_user(ws, name: str) -> User:
    row = ws.registry.conn.execute("SELECT * FROM users WHERE name = ?", ((name or "").strip(),)).fetchone()
    if row is None:
        raise DocgenError(f"没有名为“{name}”的用户")
    return _row_to_user(row)


def list_users(ws) -> list[User]:
    return [_row_to_user(r) for r in ws.registry.conn.execute("SELECT * FROM users ORDER BY id")]


def add_user(ws, name: str, role: str, password: str) -> User:
    """Create an account; the name must be new."""
    name, role = _clean_name(name), _check_role(role)
    digest = _hasher().hash(check_password(password))
    with ws.registry.transaction() as c:
        if c.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise DocgenError(f"用户“{name}”已存在（改密码用 docgen user passwd，改角色用 docgen user role）")
        c.execute("INSERT INTO users(name, role, password_hash, password_changed_at) VALUES (?,?,?,?)",
                  (name, role, digest, _fmt(_now())))
    return get_user(ws, name)


def set_password(ws, name: str, password: str) -> User:
    """New password; also unlocks the account and ends its sessions."""
    user = get_user(ws, name)
    digest = _hasher().hash(check_password(password))
    with ws.registry.transaction() as c:
        c.execute("UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, "
                  "locked_until = NULL WHERE id = ?", (digest, _fmt(_now()), user.id))
        c.execute("DELETE FROM user_sessions WHERE user_id = ?", (user.id,))
    return get_user(ws, name)


def set_role(ws, name: str, role: str) -> User:
    user = get_user(ws, name)
    with ws.registry.transaction() as c:
        c.execute("UPDATE users SET role = ? WHERE id = ?", (_check_role(role), user.id))
    return get_user(ws, name)


def set_active(ws, name: str, active: bool) -> User:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    user = get_user(ws, name)
    with ws.registry.transaction() as c:
        c.execute("UPDATE users SET active = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                  (int(active), user.id))
        if not active:
            c.execute("DELETE FROM user_sessions WHERE user_id = ?", (user.id,))
    return get_user(ws, name)


def authenticate(ws, name: str, password: str, *, max_failures: int = DEFAULT_LOCKOUT_ATTEMPTS,
                 lock_minutes: float = DEFAULT_LOCKOUT_MINUTES, now: dt.datetime | None = None) -> User:
    """The account if ``password`` is right; LoginRefused otherwise. ``max_failures`` wrong
    passwords in a row lock the account for ``lock_minutes`` (also against the right password)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    now = now or _now()
    name = (name or "").strip()
    row = ws.registry.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone() if name else None
    hasher = _hasher()
    if row is None:
        # the same work as for a real account, so timing does not tell which names exist
        try:
            hasher.verify(_dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            pass
        raise LoginRefused("用户名或密码不正确")
    user = _row_to_user(row)
    if user.locked_until and user.locked_until > _fmt(now):
        raise LoginRefused(f"连续登录失败次数过多，账号已锁定到 {user.locked_until[11:16]}；"
                           "请稍后再试，或请管理员用 docgen user passwd 重设密码")
    try:
        hasher.verify(row["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        failures = user.failed_logins + 1
        locked = None
        if failures >= max_failures:
            locked = _fmt(now + dt.timedelta(minutes=lock_minutes))
            failures = 0
        with ws.registry.transaction() as c:
            c.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                      (failures, locked, user.id))
        if locked:
            raise LoginRefused(f"连续 {max_failures} 次密码错误，账号已锁定 {lock_minutes:g} 分钟") from None
        raise LoginRefused("用户名或密码不正确") from None
    if not user.active:
        raise LoginRefused("该账号已停用，请与管理员联系")
    with ws.registry.transaction() as c:
        if hasher.check_needs_rehash(row["password_hash"]):
            c.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                      (hasher.hash(password), user.id))
        c.execute("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? "
                  "WHERE id = ?", (_fmt(now), user.id))
    return get_user(ws, name)


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(ws, user: User, *, hours: float = DEFAULT_SESSION_HOURS,
                  now: dt.datetime | None = None) -> str:
    """A new session token for ``user`` (give it to the browser; only its digest is stored)."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with ws.registry.transaction() as c:
        c.execute("DELETE FROM user_sessions WHERE expires_at <= ?", (_fmt(now),))
        c.execute("INSERT INTO user_sessions(token_sha256, user_id, created_at, expires_at) "
                  "VALUES (?,?,?,?)", (_token_digest(token), user.id, _fmt(now),
                                       _fmt(now + dt.timedelta(hours=hours))))
    return token


def session_user(ws, token: str | None, *, now: dt.datetime | None = None) -> User | None:
    """The active user of a live session, or None (unknown, expired, logged out, disabled)."""
    if not token or not isinstance(token, str):
        return None
    row = ws.registry.conn.execute(
        "SELECT users.* FROM user_sessions JOIN users ON users.id = user_sessions.user_id "
        "WHERE token_sha256 = ? AND expires_at > ? AND users.active = 1",
        (_token_digest(token), _fmt(now or _now()))).fetchone()
    return _row_to_user(row) if row else None


def session_key(token: str) -> str:
    """A stable, non-secret name for a session (folders of its pending uploads)."""
    return _token_digest(token)[:24]


def live_session_keys(ws, *, now: dt.datetime | None = None) -> set[str]:
    rows = ws.registry.conn.execute("SELECT token_sha256 FROM user_sessions WHERE expires_at > ?",
                                    (_fmt(now or _now()),))
    return {r[0][:24] for r in rows}


def end_session(ws, token: str | None) -> None:
    if not token:
        return
    with ws.registry.transaction() as c:
        c.execute("DELETE FROM user_sessions WHERE token_sha256 = ?", (_token_digest(token),))
