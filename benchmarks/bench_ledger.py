"""台账导入基准 / Ledger import benchmark.

Writes a 10,000-row ledger (tests/fixtures/reports_ledger.py: title row, Chinese headers, dates
typed six ways, 70 % closed, 10 % repeat petitioners), then times in a fresh workspace:
the first import (``docgen ledger import`` through the CLI, as a clerk runs it), a second import
of the same file (everything skipped), ``docgen stats --json`` over the imported year, the
export back to .xlsx, and two ``docgen ledger import`` processes of the same file started at once
into another fresh workspace (issue 9 item 6: each row registered once).

    python3 benchmarks/bench_ledger.py [ROWS]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from docgen.cli.main import cli  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402
from tests.fixtures.reports_ledger import ledger_rows, write_ledger  # noqa: E402


def timed(label: str, args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    took = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"{label} failed: {result.output}")
    data = json.loads(result.stdout) if "--json" in args else {}
    print(f"{label:<28} {took:7.2f} s")
    return took, data


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        path = write_ledger(tmp / "台账.xlsx", ledger_rows(rows, seed=42))
        print(f"{'write ledger (' + str(rows) + ' rows)':<28} {time.perf_counter() - start:7.2f} s")
        ws, _ = Workspace.init(tmp / "ws")
        home = ["--home", str(ws.root)]
        took, first = timed("import (first)", [*home, "ledger", "import", str(path), "--json"])
        print(f"  {len(first['cases'])} registered, {len(first['errors'])} errors, "
              f"{rows / took:,.0f} rows/s")
        _, second = timed("import (same file again)", [*home, "ledger", "import", str(path), "--json"])
        print(f"  {len(second['cases'])} registered, {len(second['skipped'])} skipped")
        _, stats = timed("stats --json", [*home, "stats", "--year", "2019", "--json"])
        print(f"  total {stats['total']}, closed {stats['closed']}, repeat {stats['repeat']}")
        timed("ledger export", [*home, "ledger", "export", str(tmp / "out.xlsx"), "--json"])
        concurrent(tmp, path, rows)


def concurrent(tmp: Path, path: Path, rows: int) -> None:
    import os
    import subprocess

    ws, _ = Workspace.init(tmp / "ws2")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "docgen", "--home", str(ws.root), "ledger", "import", str(path),
           "--json"]
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
             for _ in range(2)]
    outs = [json.loads(p.communicate()[0]) for p in procs]
    took = time.perf_counter() - start
    registered = [len(o["cases"]) for o in outs]
    print(f"{'2 imports at once':<28} {took:7.2f} s")
    print(f"  registered {registered} (sum {sum(registered)} of {rows}), "
          f"cases in registry {ws.registry.count_cases()}")


if __name__ == "__main__":
    main()
