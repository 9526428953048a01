"""The Flask application: login on every page, CSRF on every form, one workspace per thread.

Pages are rendered on the server (Jinja2, autoescaped); the little JavaScript and CSS ship in
``docgen/web/static`` (nothing from the network: offices run offline). Every action calls the
library function the command line calls, with the logged-in user as ``by``.

No personal data goes into URLs (searches are posted and kept on the server under a random
key; pending uploads and files are named by random ids or case numbers) or into the server's
log (paths only, no query strings, and ID/phone numbers masked in any message).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from docgen.errors import DocgenError
from docgen.privacy import mask_text
from docgen.web.settings import WebSettings
from docgen.workspace import Workspace

log = logging.getLogger("docgen.web")


class MaskFilter(logging.Filter):
    """Masks ID and phone numbers in every log message (a traceback may quote a value)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            return True
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def configure_logging(app: Flask, stream: Any = None) -> logging.Handler:
    """Send the server's log (the app's request lines, waitress's messages) to ``stream``
    (default stderr) through one handler on the root logger, each record once.

    Flask gives ``app.logger`` (the logger ``docgen.web``) a handler of its own when no other
    handler is configured; with a root handler beside it every line was printed twice, so
    Flask's is removed. The handler masks ID and phone numbers in whatever reaches it (a
    waitress message quotes a path; a traceback may quote a value), not only in the app's."""
    import sys

    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "docgen_serve", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.docgen_serve = True
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(MaskFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


class SearchStore:
    """Posted searches kept in memory under a random key, so that a search by name or ID
    number can be paged with ``?s=KEY&page=N`` without the name or number in the URL."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._items: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, user_id: int, form: dict[str, Any]) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._items[key] = (user_id, form)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, user_id: int, key: str | None) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(key or "")
        return dict(item[1]) if item and item[0] == user_id else None


class WebState:
    """What the app keeps between requests: the workspace root, settings, one open Workspace
    per thread (each with its own SQLite connection: a connection's transactions must not be
    shared between threads), and posted searches."""

    def __init__(self, root: Path, settings: WebSettings):
        self.root = root
        self.settings = settings
        self.searches = SearchStore()
        self._local = threading.local()

    def workspace(self) -> Workspace:
        ws = getattr(self._local, "ws", None)
        if ws is None:
            ws = self._local.ws = Workspace.open(self.root)
        return ws


def _secret_key(ws: Workspace) -> bytes:
    """The key signing session cookies, made once per workspace and kept in it (so logins
    survive a restart, and two workspaces never accept each other's cookies)."""
    import os

    from docgen.fileio import atomic_write_bytes
    from docgen.web.pending import web_dir

    path = web_dir(ws) / "secret_key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    atomic_write_bytes(path, key)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return key


def create_app(home: str | Path | None = None, *, settings: WebSettings | None = None,
               testing: bool = False) -> Flask:
    """The web app for the workspace at ``home`` (``--home``, ``DOCGEN_HOME`` or the current
    folder)."""
    ws = Workspace.open(home)
    settings = settings or WebSettings.from_workspace(ws)
    app = Flask("docgen.web", template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=_secret_key(ws),
        SESSION_COOKIE_NAME="docgen_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        WTF_CSRF_TIME_LIMIT=int(settings.session_hours * 3600),
        WTF_CSRF_SSL_STRICT=False,
        TESTING=testing,
        TEMPLATES_AUTO_RELOAD=False,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.jinja_env.autoescape = True
    state = WebState(ws.root, settings)
    app.extensions["docgen"] = state
    CSRFProtect(app)
    app.logger.addFilter(MaskFilter())

    from docgen.web import views

    views.register(app)
    _hooks(app)
    from docgen.web.context import template_globals

    app.context_processor(template_globals)
    from docgen.web import filters

    filters.register(app)
    from docgen.web.context import cleanup_pending

    cleanup_pending(ws, settings)
    return app


def _hooks(app: Flask) -> None:
    from docgen.web.context import load_user

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        return load_user()

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint != "static":
            # pages and files carry personal data: never kept by the browser or a proxy
            h["Cache-Control"] = "no-store"
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        h["Server-Timing"] = f"app;dur={took:.1f}"
        if request.endpoint != "static":
            user = g.get("user")
            # the path only: query strings may hold filters, and paths never hold personal data
            log.info("%s %s %s %s %.0fms", user.name if user else "-", request.method,
                     request.path, response.status_code, took)
        return response

    def page(status: int, title: str, message: str):
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(403)
    def _forbidden(exc):
        from werkzeug.exceptions import Forbidden

        user = g.get("user")
        if exc.description and exc.description != Forbidden.description:
            return page(403, "无权操作", exc.description)
        role = f"（{user.role}）" if user else ""
        return page(403, "无权操作", f"您的角色{role}不能进行此操作。")

    @app.errorhandler(404)
    def _not_found(exc):
        return page(404, "页面不存在", "要找的页面或文件不存在。")

    @app.errorhandler(405)
    def _method(exc):
        return page(405, "操作方式不对", "请从页面上的按钮进行此操作。")

    @app.errorhandler(413)
    def _too_large(exc):
        mb = app.extensions["docgen"].settings.max_upload_mb
        return page(413, "文件太大", f"上传的文件超过 {mb:g} MB 的上限，未保存。"
                    "请拆分后分批上传（上限可在 docgen.toml 的 [web] max_upload_mb 中修改）。")

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return page(400, "表单已失效", "表单已过期或不是从本系统的页面提交的（CSRF 校验未通过），"
                    "未做任何改动。请返回、刷新页面后重试。")

    @app.errorhandler(DocgenError)
    def _docgen_error(exc):
        status = 404 if str(exc).startswith("未找到案件") else 400
        return page(status, "无法完成", str(exc))

    @app.errorhandler(500)
    def _server_error(exc):
        return page(500, "服务器内部错误", "处理时发生意外错误，已记入服务器日志；数据未被改动一半"
                    "（每项操作都在一个事务中完成）。请稍后重试或联系管理员。")
