"""Fixtures of the web tests: a workspace with one account per role, a Flask test client that
logs in and reads the CSRF token from the page like a browser does, and cases to look at."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from docgen import users
from docgen.web.app import create_app
from docgen.workspace import Workspace

PASSWORD = "correct-horse-8"
ACCOUNTS = {"clerk": users.ROLE_CLERK, "head": users.ROLE_HEAD, "leader": users.ROLE_LEADER,
            "reader": users.ROLE_READER}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_accounts(ws: Workspace) -> None:
    for name, role in ACCOUNTS.items():
        users.add_user(ws, name, role, PASSWORD)


class Browser:
    """A test client that keeps the last page's CSRF token and posts it with every form."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token: str | None = None

    def get(self, path: str, **kw):
        response = self.client.get(path, **kw)
        self._remember(response)
        return response

    def _remember(self, response) -> None:
        if response.mimetype == "text/html":
            m = _CSRF.search(response.get_data(as_text=True))
            if m:
                self.token = m.group(1)

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        response = self.client.post(path, data=data, **kw)
        self._remember(response)
        return response

    def login(self, name: str, password: str = PASSWORD):
        self.get("/login")
        response = self.post("/login", {"name": name, "password": password})
        self.get("/")
        return response


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """argon2 with its smallest work factors: the tests hash and check dozens of passwords on
    a shared 2-core machine; the hashing itself is the real argon2id."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(users, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                 parallelism=1))


@pytest.fixture
def app(ws: Workspace):
    add_accounts(ws)
    return create_app(ws.root, testing=True)


@pytest.fixture
def anon(app) -> Browser:
    return Browser(app)


def _logged_in(app, name: str) -> Browser:
    b = Browser(app)
    r = b.login(name)
    assert r.status_code == 303, r.get_data(as_text=True)
    return b


@pytest.fixture
def clerk(app) -> Browser:
    return _logged_in(app, "clerk")


@pytest.fixture
def head(app) -> Browser:
    return _logged_in(app, "head")


@pytest.fixture
def leader(app) -> Browser:
    return _logged_in(app, "leader")


@pytest.fixture
def reader(app) -> Browser:
    return _logged_in(app, "reader")


LETTER = """尊敬的县人大常委会信访室：
我叫张建国，身份证号 110101195003071232，电话 13800138000，住示例县城关镇幸福路 8 号。
我反映城关镇幸福路小区物业乱收费的问题。物业公司 2025 年起每月多收停车费 200 元，
业主多次反映无人处理。请求责令物业公司退还多收的费用。
此致
敬礼
张建国
2026年3月2日
"""


def letter_file(folder: Path, name: str = "来信.txt", text: str = LETTER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def register_letter(ws: Workspace, tmp_path: Path, text: str = LETTER, name: str = "来信.txt",
                    received: dt.date | None = None):
    """A case registered the way ``docgen intake`` does."""
    from docgen.intake.pipeline import intake_file

    path = letter_file(tmp_path / "in", name, text)
    return intake_file(ws, path, received=received or dt.date.today() - dt.timedelta(days=1)).case


@pytest.fixture
def case(ws: Workspace, tmp_path: Path):
    return register_letter(ws, tmp_path)
