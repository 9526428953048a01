"""案件状态基准 / Derived case state benchmark: the case list, list --overdue and 今日.

Fills a fresh workspace with N cases (default 10,000 and 100,000) over three years: 10 % only
registered (some with a 拟办, some with a 批示 too), 40 % 交办 (a third of them with a result
report, some extended), 15 % 转送, 35 % closed after a 交办. The rows go in with SQL in one
transaction (registering 100,000 letters through ``docgen intake`` would take hours and time
the intake, not the lists); the triggers of ``docgen.case_state`` mark every case stale, as any
writer outside the workflow does.

Then it times:
- the first refresh (every case replayed into ``case_state``: what a rule-file edit costs once);
- ``query_cases`` page 1 newest first (the web's 案件 list), a deep page, ``overdue=True``
  (``docgen list --overdue``), ``due_within=7``, ``awaiting='拟办'``, a text filter;
- ``dashboard.today`` (nine lists with their counts);
- one workflow step (transfer) with its state row rewritten, then the list again;
- an ``--as-of`` list of a past day (replays the cases with later events), once.
Median and p95 of ``RUNS`` runs each, in milliseconds.

    python3 benchmarks/bench_state.py [N ...]
    python3 benchmarks/bench_state.py --keep /tmp/bench-state 100000

``--keep DIR`` fills ``DIR/state-N`` once and reuses it (the first refresh is then not timed
again; the timed ``transfer`` routes one more open case on every run).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen import case_state, workflow  # noqa: E402
from docgen.casefile import query_cases  # noqa: E402
from docgen.dashboard import today  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402

RUNS = 30
DAY = dt.date(2026, 6, 15)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
BODIES = ("县住建局", "县自然资源局", "县人社局", "县教育局", "青山镇人民政府", "城关镇人民政府", "县公安局")


def fill(ws: Workspace, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    reg = ws.registry
    start = DAY - dt.timedelta(days=3 * 365)
    cases, events = [], []
    for i in range(n):
        received = start + dt.timedelta(days=int(rnd.random() ** 0.7 * 3 * 365))
        received = min(received, DAY)
        name = rnd.choice(SURNAMES) + rnd.choice("某甲乙丙丁") + rnd.choice("某一二三四")
        r = rnd.random()
        cid = i + 1
        no = f"{received.year}-{i + 1:04d}"
        status, closed, result = "已登记", None, None
        evs = [("登记", received, "来信登记", {})]
        routed = received + dt.timedelta(days=rnd.randint(1, 20))
        if r < 0.10 or routed > DAY:
            if rnd.random() < 0.4:
                evs.append(("拟办", received + dt.timedelta(days=1), "拟交办", {"proposal": "拟交办"}))
                if rnd.random() < 0.5:
                    evs.append(("批示", received + dt.timedelta(days=2), "同意", {"instruction": "同意"}))
        elif r < 0.50:
            status = "已交办"
            evs.append(("交办", routed, "交办", {"to": rnd.choice(BODIES), "mode": "交办"}))
            after = routed + dt.timedelta(days=rnd.randint(10, 70))
            if rnd.random() < 0.33 and after <= DAY:
                status = "已报结果"
                evs.append(("收到结果", after, "办理结果报告", {"kind": "办理结果报告"}))
            elif rnd.random() < 0.2 and routed + dt.timedelta(days=40) <= DAY:
                evs.append(("延期", routed + dt.timedelta(days=40), "延期 30 日", {"days": 30, "reason": "复杂"}))
        elif r < 0.65:
            status = "已转送"
            evs.append(("转送", routed, "转送", {"to": rnd.choice(BODIES), "mode": "转送"}))
        else:
            evs.append(("交办", routed, "交办", {"to": rnd.choice(BODIES), "mode": "交办"}))
            done = routed + dt.timedelta(days=rnd.randint(10, 55))
            if done <= DAY:
                evs.append(("收到结果", done, "办理结果报告", {"kind": "办理结果报告"}))
                status, closed, result = "已办结", done, "已解决"
                evs.append(("办结", done, "已解决", {"result": "已解决", "satisfaction": "满意"}))
            else:
                status = "已交办"
        summary = f"反映{rnd.choice(('征地补偿', '拖欠工资', '物业管理', '低保评定', '道路修建'))}问题"
        cases.append((cid, no, received.year, "来信", status, received.isoformat(), name,
                      "示例县城关镇幸福路1号", summary, summary, closed and closed.isoformat(), result))
        for kind, day, detail, data in evs:
            day = min(day, DAY)         # nothing after the day the lists are read
            events.append((cid, kind, day.isoformat(), detail, json.dumps(data, ensure_ascii=False)))
    with reg.transaction() as c:
        c.executemany("INSERT INTO cases(id, case_no, year, channel, status, received_date, name, "
                      "address, summary, text, closed_date, result) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      cases)
        c.executemany("INSERT INTO events(case_id, kind, date, detail, data) VALUES (?,?,?,?,?)", events)
    # Statistics taken now describe case_state rows not yet derived (every column alike):
    # misleading ones, kept as the planner's worst case (docgen never runs ANALYZE, so an
    # office's registry has none). They made SQLite skip-scan the whole list index for an
    # empty "due within 7 days" until query_cases chose the walk itself.
    reg.conn.execute("ANALYZE")


def timed(label: str, fn, runs: int = RUNS) -> tuple[float, float]:
    took = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        took.append((time.perf_counter() - t) * 1000)
    took.sort()
    med = statistics.median(took)
    p95 = took[min(len(took) - 1, int(round(0.95 * (len(took) - 1))))]
    print(f"  {label:<34} median {med:8.1f} ms   p95 {p95:8.1f} ms")
    return med, p95


def bench(n: int, keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = keep / f"state-{n}" if keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        if (root / "filled").exists():
            ws = Workspace.open(root / "ws")
            print(f"{n:,} cases: reusing {root}")
        else:
            ws, _ = Workspace.init(root / "ws")
            t = time.perf_counter()
            fill(ws, n)
            print(f"{n:,} cases: filled in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            done = case_state.refresh_stale(ws)
            took = time.perf_counter() - t
            print(f"  first refresh (replay all)         {took:8.1f} s  ({done / took:,.0f} cases/s)")
            (root / "filled").write_text(str(n))
        total = query_cases(ws, as_of=DAY)[0]
        over = query_cases(ws, as_of=DAY, overdue=True)[0]
        print(f"  {total:,} listed, {over:,} overdue on {DAY}")
        timed("list page 1 (newest first)", lambda: query_cases(ws, as_of=DAY))
        timed("list page 200", lambda: query_cases(ws, as_of=DAY, offset=50 * 199))
        timed("list --overdue (first 50)", lambda: query_cases(ws, as_of=DAY, overdue=True))
        timed("list --overdue (all, CLI order)",
              lambda: query_cases(ws, as_of=DAY, overdue=True, limit=None, newest_first=False),
              runs=5)
        timed("due within 7 days", lambda: query_cases(ws, as_of=DAY, due_within=7))
        timed("due within 7 days, not overdue", lambda: query_cases(ws, as_of=DAY, due_within=7,
                                                                    due_from=DAY))
        later = DAY + dt.timedelta(days=200)      # nothing falls due that week: the empty list
        timed(f"due within 7 days from {later}", lambda: query_cases(ws, as_of=later, due_within=7,
                                                                      due_from=later))
        timed("awaiting 拟办", lambda: query_cases(ws, as_of=DAY, awaiting="拟办"))
        timed("text filter 征地", lambda: query_cases(ws, as_of=DAY, text="征地"))
        timed("今日 (dashboard.today)", lambda: today(ws, DAY))
        open_case = query_cases(ws, as_of=DAY, status="已登记", limit=1)[1][0].case.case_no

        def step_and_list():
            workflow.transfer(ws, open_case, mode="转送", to="县住建局", on=DAY, letter=False)
            query_cases(ws, as_of=DAY)
        timed("transfer + list page 1", step_and_list, runs=1)
        past = DAY - dt.timedelta(days=365)
        timed(f"--as-of {past} (replays)", lambda: query_cases(ws, as_of=past), runs=1)


def keep_option(args: list[str]) -> Path | None:
    """``--keep DIR`` taken out of ``args``: the folder whose filled workspaces are reused."""
    if "--keep" not in args:
        return None
    at = args.index("--keep")
    keep = Path(args[at + 1])
    del args[at:at + 2]
    return keep


def main() -> None:
    args = sys.argv[1:]
    keep = keep_option(args)
    sizes = [int(a) for a in args] or [10_000, 100_000]
    for n in sizes:
        bench(n, keep)


if __name__ == "__main__":
    main()
