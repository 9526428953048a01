"""Web app benchmark (issue 11): 今日, the case list and search pages at 10,000 and 100,000
cases, and five clerks at once registering and routing letters.

Pages: the workspace is filled like ``bench_state.py`` does, up to today (rows written with SQL in one
transaction, then the derived state refreshed once, then the search index built once); the
pages are requested through Flask's test client, in-process, logged in as a clerk, so the time
is the server's alone (routing, login check, query, template), no network. Median and p95 of
``RUNS`` requests each, in milliseconds; the app's own Server-Timing figure is reported too.

Load: a waitress server on a free localhost port (4 threads), five clerks (threads, each with
its own session cookie and CSRF token, over real HTTP) each uploading ``LETTERS`` text letters,
confirming each on its review page and routing it with a 交办函. Then: no request failed,
every case number and every 交办函 number is unique, every letter is a case with its 交办.

    python3 benchmarks/bench_web.py [N ...]          # default 10000 100000
    python3 benchmarks/bench_web.py --load-only
    python3 benchmarks/bench_web.py --pages-only --keep /tmp/bench-web 100000

``--keep DIR`` fills ``DIR/web-N`` once and reuses it on later runs (filled up to the day it was
made: refill by deleting the folder when the day has changed, or the dates drift from today).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from docgen import users  # noqa: E402
from docgen.web.app import create_app  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402

RUNS = 30
PASSWORD = "bench-password-1"
CLERKS = 5
LETTERS = 12
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _stats(took: list[float]) -> tuple[float, float]:
    took = sorted(took)
    return statistics.median(took), took[min(len(took) - 1, int(round(0.95 * (len(took) - 1))))]


def _login(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    r = client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.status_code
    return _CSRF.search(client.get("/").get_data(as_text=True)).group(1)


def timed(client, label: str, path: str, runs: int = RUNS, rows: list | None = None):
    took, server = [], []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(path)
        took.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:500])
        m = re.search(r"dur=([\d.]+)", r.headers.get("Server-Timing", ""))
        server.append(float(m.group(1)) if m else 0.0)
    med, p95 = _stats(took)
    smed, sp95 = _stats(server)
    print(f"  {label:<34} median {med:7.1f} ms   p95 {p95:7.1f} ms   (Server-Timing {smed:.1f} / {sp95:.1f})",
          flush=True)
    if rows is not None:
        rows.append((label, med, p95))
    return med, p95


def filled_workspace(root: Path, n: int) -> Workspace:
    """A workspace under ``root`` with ``n`` cases up to today, its derived state and search
    index built, and the user ``clerk``; made once, then reused (``root/filled.json``)."""
    import json

    import bench_state
    from bench_state import fill

    from docgen import case_state
    from docgen.index.service import rebuild_from_workspace

    marker = root / "filled.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        print(f"{n:,} cases: reusing {root} (filled {info['day']})", flush=True)
        return Workspace.open(root / "ws")
    # the pages read "today": the office's cases run up to today, as in real use (with the
    # fixed day of bench_state.py every case would lie months in the past)
    bench_state.DAY = dt.date.today()
    ws, _ = Workspace.init(root / "ws")
    t = time.perf_counter()
    fill(ws, n)
    print(f"{n:,} cases: filled in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    case_state.refresh_stale(ws)
    print(f"  derived state refreshed in {time.perf_counter() - t:.1f} s (once)", flush=True)
    t = time.perf_counter()
    rebuild_from_workspace(ws).close()
    print(f"  search index built in {time.perf_counter() - t:.1f} s (once)", flush=True)
    users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    marker.write_text(json.dumps({"n": n, "day": bench_state.DAY.isoformat()}))
    return ws


# 今日 on a day when no deadline falls within the week (every open one is overdue by then): the
# list that used to walk the whole list index (0.4 s at 100,000 cases)
EMPTY_WEEK = 200


class _page_day:
    """The 今日 view's clock moved to ``day`` (the benchmark's only way to show a later day)."""

    def __init__(self, day: dt.date):
        self.day = day

    def __enter__(self):
        import types

        from docgen.web.views import today as view

        fixed = self.day

        class _Date(dt.date):
            @classmethod
            def today(cls):
                return fixed

        self.view, self.real = view, view.dt
        view.dt = types.SimpleNamespace(date=_Date, timedelta=dt.timedelta, datetime=dt.datetime)
        return self

    def __exit__(self, *exc):
        self.view.dt = self.real


def bench_pages(n: int, keep: Path | None = None) -> list:
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        root = (keep / f"web-{n}") if keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        ws = filled_workspace(root, n)
        app = create_app(ws.root)
        client = app.test_client()
        token = _login(client)
        one = ws.registry.conn.execute("SELECT case_no FROM cases ORDER BY id DESC LIMIT 1").fetchone()[0]
        timed(client, "今日", "/", rows=rows)
        with _page_day(dt.date.today() + dt.timedelta(days=EMPTY_WEEK)):
            timed(client, f"今日, day +{EMPTY_WEEK} (nothing due)", "/", rows=rows)
        timed(client, "案件 list page 1", "/cases", rows=rows)
        timed(client, "案件 list page 100", "/cases?page=100", rows=rows)
        timed(client, "案件 list overdue", "/cases?overdue=1", rows=rows)
        timed(client, "案件 list 待拟办", "/cases?awaiting=拟办", rows=rows)
        timed(client, "case page", f"/cases/{one}", rows=rows)
        for label, form in (("检索 一词 征地", {"q": "征地"}), ("检索 两词 拖欠 工资", {"q": "拖欠 工资"}),
                            ("检索 姓名 王某一", {"person": "王某一"}),
                            ("检索 征地 + 状态 已交办", {"q": "征地", "status": "已交办"})):
            r = client.post("/search", data={**form, "csrf_token": token})
            assert r.status_code == 303
            key_path = r.headers["Location"]
            timed(client, label + " page 1", key_path, rows=rows)
        r = client.post("/search", data={"q": "征地", "csrf_token": token})
        timed(client, "检索 征地 page 5", r.headers["Location"] + "&page=5", rows=rows)
    return rows


# --- five clerks at once --------------------------------------------------------------------

LETTER = """尊敬的县人大常委会信访室：
我叫{name}，电话 {phone}，住示例县城关镇幸福路 {n} 号。
我反映城关镇幸福路第 {n} 号地块道路破损多年无人修的问题，{clerk} 号窗口第 {i} 封。
请求尽快修复。
{name}
2026年3月2日
"""


def _clerk(base: str, clerk: int, results: dict, errors: list) -> None:
    import requests

    s = requests.Session()
    try:
        token = _CSRF.search(s.get(base + "/login").text).group(1)
        r = s.post(base + "/login", data={"name": f"clerk{clerk}", "password": PASSWORD,
                                          "csrf_token": token})
        r.raise_for_status()
        for i in range(LETTERS):
            n = clerk * 100 + i
            text = LETTER.format(name=f"测试{clerk}号{i}", phone=f"1380000{n:04d}", n=n, clerk=clerk, i=i)
            page = s.get(base + "/letters")
            token = _CSRF.search(page.text).group(1)
            t = time.perf_counter()
            r = s.post(base + "/letters", data={"csrf_token": token},
                       files={"files": (f"c{clerk}-{i}.txt", text.encode("utf-8"), "text/plain")})
            if r.status_code != 200 or "/letters/" not in r.url:
                errors.append(f"clerk{clerk} upload {i}: {r.status_code} {r.url}")
                continue
            token = _CSRF.search(r.text).group(1)
            r = s.post(r.url + "/confirm", data={"csrf_token": token, "channel": "来信",
                                                 "received": dt.date.today().isoformat()})
            m = re.search(r"/cases/([^/?#]+)", r.url)
            if r.status_code != 200 or not m:
                errors.append(f"clerk{clerk} confirm {i}: {r.status_code} {r.url}")
                continue
            case_no = m.group(1)
            token = _CSRF.search(r.text).group(1)
            r = s.post(f"{base}/cases/{case_no}/route", data={
                "csrf_token": token, "mode": "交办", "to": f"示例县城关镇人民政府{clerk}所", "days": "30"})
            if r.status_code != 200 or "已交办" not in r.text:
                errors.append(f"clerk{clerk} route {case_no}: {r.status_code}")
                continue
            results.setdefault(clerk, []).append((case_no, (time.perf_counter() - t) * 1000))
    except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure
        errors.append(f"clerk{clerk}: {exc!r}")


def bench_load() -> dict:
    import logging

    from bench_state import fill
    from waitress.server import create_server

    from docgen import case_state

    # waitress says "Task queue depth is N" whenever all threads are busy: expected here
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        ws, _ = Workspace.init(Path(tmp) / "ws")
        fill(ws, 1000, seed=11)
        case_state.refresh_stale(ws)
        before = ws.registry.count_cases()
        for c in range(CLERKS):
            users.add_user(ws, f"clerk{c}", users.ROLE_CLERK, PASSWORD)
        app = create_app(ws.root)
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        results: dict = {}
        errors: list = []
        t = time.perf_counter()
        clerks = [threading.Thread(target=_clerk, args=(base, c, results, errors)) for c in range(CLERKS)]
        for c in clerks:
            c.start()
        for c in clerks:
            c.join()
        wall = time.perf_counter() - t
        server.close()
        thread.join(timeout=5)
        done = [no for v in results.values() for no, _ in v]
        took = [ms for v in results.values() for _, ms in v]
        reg = ws.registry
        new = reg.count_cases() - before
        routed = reg.conn.execute(
            "SELECT count(DISTINCT case_id) FROM events WHERE kind = '交办' AND actor LIKE 'clerk%'").fetchone()[0]
        letters = [r[0] for r in reg.conn.execute(
            "SELECT json_extract(data, '$.doc_no') FROM events WHERE kind = '交办' AND actor LIKE 'clerk%'")]
        out = {"clerks": CLERKS, "letters": CLERKS * LETTERS, "registered": len(done),
               "unique_numbers": len(set(done)), "cases_in_registry": new, "routed": routed,
               "letter_numbers": len([x for x in letters if x]),
               "unique_letter_numbers": len({x for x in letters if x}), "errors": errors,
               "wall_s": wall}
        if took:
            med, p95 = _stats(took)
            out.update(median_ms=med, p95_ms=p95)
        print(f"load: {CLERKS} clerks x {LETTERS} letters (upload → 确认 → 交办 with 交办函) in {wall:.1f} s; "
              f"registered {len(done)}, unique numbers {len(set(done))}, new cases in registry {new}, "
              f"routed {routed}, 交办函 numbers {out['letter_numbers']} (unique {out['unique_letter_numbers']}), "
              f"errors {len(errors)}", flush=True)
        if took:
            print(f"  per letter (upload + confirm + route) median {out['median_ms']:.0f} ms, p95 {out['p95_ms']:.0f} ms")
        for e in errors[:10]:
            print("  ERROR", e)
        return out


def main() -> None:
    from bench_state import keep_option

    args = sys.argv[1:]
    keep = keep_option(args)
    if "--load-only" not in args:
        for n in [int(a) for a in args if a.isdigit()] or [10_000, 100_000]:
            bench_pages(n, keep)
    if "--pages-only" not in args:
        bench_load()


if __name__ == "__main__":
    main()
