"""Accounts, login, sessions, lock-out, CSRF, and the user/audit commands (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen import audit, users
from docgen.errors import DocgenError
from docgen.web.app import create_app
from docgen.web.settings import WebSettings

from .conftest import PASSWORD, Browser

PAGES = ["/", "/cases", "/search", "/stats", "/letters", "/visits/new", "/ledger", "/archive"]


def test_password_is_hashed_with_argon2_and_checked(ws):
    users.add_user(ws, "王芳", users.ROLE_CLERK, "abcdefgh1")
    stored = ws.registry.conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "abcdefgh1" not in stored
    assert users.authenticate(ws, "王芳", "abcdefgh1").role == users.ROLE_CLERK
    with pytest.raises(users.LoginRefused, match="用户名或密码不正确"):
        users.authenticate(ws, "王芳", "wrong-password")
    with pytest.raises(users.LoginRefused, match="用户名或密码不正确"):
        users.authenticate(ws, "没有这人", "abcdefgh1")
    with pytest.raises(DocgenError, match="至少 8"):
        users.add_user(ws, "李四", users.ROLE_CLERK, "short")
    with pytest.raises(DocgenError, match="已存在"):
        users.add_user(ws, "王芳", users.ROLE_HEAD, "abcdefgh2")
    with pytest.raises(DocgenError, match="角色"):
        users.add_user(ws, "赵六", "管理员", "abcdefgh2")


def test_lockout_after_repeated_failures_then_passwd_unlocks(ws):
    users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    now = dt.datetime(2026, 3, 2, 9, 0)
    for _ in range(4):
        with pytest.raises(users.LoginRefused, match="不正确"):
            users.authenticate(ws, "clerk", "nope-nope", max_failures=5, now=now)
    with pytest.raises(users.LoginRefused, match="已锁定 15 分钟"):
        users.authenticate(ws, "clerk", "nope-nope", max_failures=5, now=now)
    # locked: even the right password is refused until the time is up
    with pytest.raises(users.LoginRefused, match="锁定"):
        users.authenticate(ws, "clerk", PASSWORD, now=now + dt.timedelta(minutes=5))
    assert users.authenticate(ws, "clerk", PASSWORD, now=now + dt.timedelta(minutes=16))
    for _ in range(5):
        with pytest.raises(users.LoginRefused):
            users.authenticate(ws, "clerk", "nope-nope", now=now + dt.timedelta(minutes=20))
    users.set_password(ws, "clerk", "another-pass-9")
    assert users.authenticate(ws, "clerk", "another-pass-9", now=now + dt.timedelta(minutes=21))


def test_sessions_expire_end_at_logout_and_when_disabled(ws):
    user = users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    start = dt.datetime(2026, 3, 2, 9, 0)
    token = users.start_session(ws, user, hours=8, now=start)
    assert users.session_user(ws, token, now=start + dt.timedelta(hours=7, minutes=59)).name == "clerk"
    assert users.session_user(ws, token, now=start + dt.timedelta(hours=8)) is None
    token = users.start_session(ws, user)
    assert users.session_user(ws, token) is not None
    stored = [r[0] for r in ws.registry.conn.execute("SELECT token_sha256 FROM user_sessions")]
    assert token not in stored            # only the digest is kept
    users.set_active(ws, "clerk", False)
    assert users.session_user(ws, token) is None
    users.set_active(ws, "clerk", True)
    token = users.start_session(ws, user)
    users.end_session(ws, token)
    assert users.session_user(ws, token) is None


@pytest.mark.parametrize("path", PAGES)
def test_every_page_requires_login(anon, path):
    r = anon.get(path)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_posting_without_login_is_refused(anon, case):
    r = anon.post(f"/cases/{case.case_no}/close", {"result": "x"})
    assert r.status_code == 401
    assert "已办结" not in [e.kind for e in []]


def test_login_page_says_how_to_create_the_first_user(ws):
    app = create_app(ws.root, testing=True)
    r = Browser(app).get("/login")
    html = r.get_data(as_text=True)
    assert "尚未创建任何用户" in html and "docgen user add" in html


def test_login_logout_and_audit(app, ws):
    b = Browser(app)
    r = b.login("clerk", "wrong-password")
    assert r.status_code == 401 and "用户名或密码不正确" in r.get_data(as_text=True)
    r = b.login("clerk")
    assert r.status_code == 303
    page = b.get("/").get_data(as_text=True)
    assert "clerk" in page and "今日" in page
    r = b.post("/logout")
    assert r.status_code == 303
    assert b.get("/").status_code == 302
    actions = [e.action for e in audit.entries(ws, user="clerk")]
    assert actions == [audit.LOGOUT, audit.LOGIN, audit.LOGIN_FAILED]


def test_login_locks_after_repeated_failures_over_the_web(ws):
    users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    app = create_app(ws.root, testing=True, settings=WebSettings(lockout_attempts=3))
    b = Browser(app)
    for _ in range(2):
        assert "不正确" in b.login("clerk", "bad-bad-bad").get_data(as_text=True)
    assert "已锁定" in b.login("clerk", "bad-bad-bad").get_data(as_text=True)
    assert "锁定" in b.login("clerk").get_data(as_text=True)


def test_login_next_only_goes_to_this_site(app):
    b = Browser(app)
    b.get("/login?next=https://evil.example/")
    r = b.post("/login", {"name": "clerk", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.headers["Location"] == "/"
    b2 = Browser(app)
    b2.get("/login")
    r = b2.post("/login", {"name": "clerk", "password": PASSWORD, "next": "/cases"})
    assert r.headers["Location"] == "/cases"


def test_session_cookie_stops_working_when_the_account_is_disabled(app, ws, clerk):
    assert clerk.get("/").status_code == 200
    users.set_active(ws, "clerk", False)
    assert clerk.get("/").status_code == 302


def test_expired_session_goes_back_to_login(ws):
    users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    app = create_app(ws.root, testing=True, settings=WebSettings(session_hours=0.0001))
    b = Browser(app)
    b.login("clerk")
    import time

    time.sleep(1.2)
    assert b.get("/").status_code == 302


def test_csrf_token_required_on_every_form(app, clerk, case):
    for path, data in [("/logout", {}), (f"/cases/{case.case_no}/close", {"result": "结"}),
                       ("/search", {"q": "物业"}), ("/login", {"name": "clerk", "password": PASSWORD})]:
        r = clerk.post(path, data, csrf=False)
        assert r.status_code == 400, path
        assert "CSRF" in r.get_data(as_text=True)
    r = clerk.post(f"/cases/{case.case_no}/close", {"result": "结", "csrf_token": "forged"})
    assert r.status_code == 400
    assert app.extensions["docgen"].workspace().registry.get_case(case.case_no).status != "已办结"


def test_security_headers_and_no_caching(clerk):
    r = clerk.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Frame-Options"] == "DENY"
    cookie = r.request.environ  # the session cookie is HttpOnly
    assert cookie is not None


def test_user_commands(docgen, ws):
    r = docgen("user", "add", "王芳", "--role", "登记员", "--password-stdin", input="abcdefgh9\n")
    assert r.exit_code == 0, r.output
    r = docgen("user", "add", "王芳", "--role", "登记员", "--password-stdin", input="abcdefgh9\n")
    assert r.exit_code == 1 and "已存在" in r.stderr
    r = docgen("user", "add", "李明", "--role", "管理员", "--password-stdin", input="abcdefgh9\n")
    assert r.exit_code == 2
    r = docgen("user", "add", "李明", "--role", "领导", "--password-stdin", input="short\n")
    assert r.exit_code == 1 and "至少 8" in r.stderr
    listed = docgen.json("user", "list")["users"]
    assert [(u["name"], u["role"], u["active"]) for u in listed] == [("王芳", "登记员", True)]
    assert docgen("user", "passwd", "王芳", "--password-stdin", input="newpassword1\n").exit_code == 0
    assert users.authenticate(ws, "王芳", "newpassword1")
    assert docgen("user", "disable", "王芳").exit_code == 0
    with pytest.raises(users.LoginRefused, match="停用"):
        users.authenticate(ws, "王芳", "newpassword1")
    assert "停用" in docgen("user", "list").stdout
    r = docgen("user", "passwd", "没有此人", "--password-stdin", input="newpassword1\n")
    assert r.exit_code == 1 and "没有名为" in r.stderr


def test_audit_lists_who_viewed_which_case(docgen, clerk, reader, case, ws):
    clerk.get(f"/cases/{case.case_no}")
    reader.get(f"/cases/{case.case_no}")
    entries = docgen.json("audit", "--case", case.case_no)["entries"]
    assert [(e["user"], e["action"]) for e in entries] == [("reader", "查看案件"), ("clerk", "查看案件")]
    text = docgen("audit", "--user", "reader").stdout
    assert case.case_no in text and "查看案件" in text and "clerk" not in text


def test_serve_refuses_nothing_but_warns_on_lan(monkeypatch, docgen):
    import waitress

    calls = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.update(kw))
    r = docgen("serve", "--host", "0.0.0.0", "--port", "8123")
    assert r.exit_code == 0, r.output
    assert "警告" in r.stderr and "docgen user add" in r.stderr
    assert calls["host"] == "0.0.0.0" and calls["port"] == 8123
    r = docgen("serve")
    assert "警告" not in r.stderr and calls["host"] == "127.0.0.1" and calls["port"] == 8000


def test_web_settings_come_from_docgen_toml(ws):
    from docgen.workspace import Workspace

    config = ws.root / "docgen.toml"
    config.write_text(config.read_text(encoding="utf-8") +
                      "\n[web]\nsession_hours = 2\nmax_upload_mb = 5\nlockout_attempts = 3\n",
                      encoding="utf-8")
    s = WebSettings.from_workspace(Workspace.open(ws.root))
    assert (s.session_hours, s.max_upload_bytes, s.lockout_attempts) == (2.0, 5 * 1024 * 1024, 3)
    assert s.lockout_minutes == 15.0
    app = create_app(ws.root, testing=True)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(hours=2)
    config.write_text(config.read_text(encoding="utf-8").replace("session_hours = 2",
                                                                 "session_hours = -1"), encoding="utf-8")
    with pytest.raises(DocgenError, match="session_hours 应为正数"):
        WebSettings.from_workspace(Workspace.open(ws.root))
