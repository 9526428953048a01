"""Per-request context: the workspace, the logged-in user, permissions, pending uploads."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from docgen import users
from docgen.web.pending import PendingArea, cleanup
from docgen.workspace import Workspace

PUBLIC_ENDPOINTS = {"auth.login", "static"}


def state():
    return current_app.extensions["docgen"]


def ws() -> Workspace:
    return state().workspace()


def settings():
    return state().settings


def current_user() -> users.User:
    return g.user


def by() -> str:
    """The name recorded as ``by`` (the event's actor) for the logged-in user."""
    return g.user.name


def load_user():
    """Every page requires login: the session token must name a live session of an active
    account; otherwise the browser goes to the login page."""
    g.user = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = session.get("sid")
    user = users.session_user(ws(), token)
    if user is None:
        session.pop("sid", None)
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.path))
        abort(401)
    g.user = user
    g.session_key = users.session_key(token)
    return None


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host): a login link cannot send people away."""
    if not target:
        return url_for("today.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("today.index")
    return target


def require(permission: str):
    """View decorator: 403 unless the user's role has ``permission`` (docgen.users)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not g.user or not g.user.can(permission):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def can(permission: str) -> bool:
    user = g.get("user")
    return bool(user and user.can(permission))


def pending_area() -> PendingArea:
    return PendingArea(ws(), g.session_key)


def cleanup_pending(workspace: Workspace | None = None, web_settings=None) -> int:
    workspace = workspace or ws()
    web_settings = web_settings or settings()
    return cleanup(workspace, users.live_session_keys(workspace), web_settings.pending_hours)


NAV = (
    ("today.index", "今日", "view"),
    ("letters.upload", "登记来信", "register"),
    ("visits.new", "登记来访", "register"),
    ("cases.index", "案件", "view"),
    ("search.index", "检索", "view"),
    ("stats.index", "统计", "view"),
    ("ledger.upload", "台账导入", "register"),
    ("archive.index", "归档", "archive"),
)


def office_name() -> str:
    office = ws().section("office") or {}
    return office.get("office_name") or office.get("name") or "信访室"


def template_globals():
    return {"can": can, "nav": [(e, label) for e, label, perm in NAV if can(perm)],
            "current_user": g.get("user"), "office": office_name()}
