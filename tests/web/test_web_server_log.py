"""The server log of ``docgen serve``: each request one line (Flask's handler and the root
handler used to print every line twice), and no personal data in it — no query string, ID and
phone numbers masked in whatever reaches the handler (waitress's messages too)."""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from docgen.web.app import configure_logging, create_app

ID = "110101195003071232"
PHONE = "13800138000"
NAME = "张建国"
QUERY = f"?name={NAME}&id={ID}&phone={PHONE}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def root_logging():
    """Leaves the root logger as the test found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_request_is_logged_once_without_personal_data(ws, root_logging):
    app = create_app(ws.root, testing=True)
    out = io.StringIO()
    configure_logging(app, out)
    configure_logging(app, out)            # configuring again replaces, never adds, the handler
    app.test_client().get("/login" + QUERY)
    lines = [line for line in out.getvalue().splitlines() if "GET /login" in line]
    assert len(lines) == 1, out.getvalue()
    assert lines[0].endswith("ms") and " 200 " in lines[0]
    logged = out.getvalue()
    assert NAME not in logged and ID not in logged and PHONE not in logged and "?" not in logged
    # a message of another logger (waitress quotes paths) is masked by the handler as well
    logging.getLogger("waitress").warning("Exception while serving /cases/%s/%s", ID, PHONE)
    assert ID not in out.getvalue() and PHONE not in out.getvalue()


def test_docgen_serve_logs_each_request_once(ws):
    """The real command: a waitress server in a child process, two requests over HTTP."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "docgen", "--home", str(ws.root), "serve",
                             "--port", str(port), "--threads", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1].decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        from urllib.parse import quote

        with urllib.request.urlopen(base + "/login" + quote(QUERY, safe="?&=")) as r:
            assert r.status == 200
        req = urllib.request.Request(base + "/cases" + quote(QUERY, safe="?&="))
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as caught:
            opener.open(req)
        assert caught.value.code == 302           # not logged in: sent to the login page
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    log = err.decode("utf-8", "replace") + out.decode("utf-8", "replace")
    assert len([line for line in log.splitlines() if "GET /login " in line]) == 1, log
    assert len([line for line in log.splitlines() if "GET /cases " in line]) == 1, log
    assert NAME not in log and ID not in log and PHONE not in log, log
    assert len([line for line in log.splitlines() if "Serving on" in line]) == 1, log


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
