"""登录 and 退出."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from docgen import audit, users
from docgen.web.context import safe_next, settings, ws

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    workspace = ws()
    no_users = not users.has_users(workspace)
    error = None
    name = ""
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        password = request.form.get("password") or ""
        s = settings()
        try:
            user = users.authenticate(workspace, name, password, max_failures=s.lockout_attempts,
                                      lock_minutes=s.lockout_minutes)
        except users.LoginRefused as exc:
            audit.record(workspace, audit.LOGIN_FAILED, user=name[:40] or None,
                         address=request.remote_addr)
            error = str(exc)
        else:
            token = users.start_session(workspace, user, hours=s.session_hours)
            session.clear()               # a fresh session (and CSRF token) for every login
            session.permanent = True
            session["sid"] = token
            audit.record(workspace, audit.LOGIN, user=user.name, address=request.remote_addr)
            return redirect(safe_next(request.form.get("next")), code=303)
    status = 401 if error else 200
    return render_template("login.html", error=error, name=name, no_users=no_users,
                           next=safe_next(request.values.get("next"))), status


@bp.post("/logout")
def logout():
    workspace = ws()
    token = session.get("sid")
    user = users.session_user(workspace, token)
    users.end_session(workspace, token)
    session.clear()
    if user:
        audit.record(workspace, audit.LOGOUT, user=user.name, address=request.remote_addr)
    flash("已退出登录。", "ok")
    return redirect(url_for("auth.login"), code=303)
