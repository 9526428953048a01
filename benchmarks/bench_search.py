"""Search benchmark: both engines side by side on a generated petition corpus.

    python benchmarks/bench_search.py                      # 10,000 and 100,000 cases
    python benchmarks/bench_search.py --sizes 2000 --queries 10   # quick look
    python benchmarks/bench_search.py --skip-100k          # 10,000 only (Whoosh and tantivy)

Measures build rate (cases/s, rebuild through ``docgen.index.service.rebuild`` with both
cores), index size, and query latency (median and p95, warm index, query + highlighting) by
query kind. Whoosh is pure Python and builds at tens of cases per second, so by default it is
built only up to ``--whoosh-max`` cases (10,000); its 100,000 figures are then extrapolated
and marked as such. Results are printed as a Markdown table (paste into README.md).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import index_corpus  # noqa: E402

from docgen.index.base import SearchFilters  # noqa: E402
from docgen.index.document import IndexDocument  # noqa: E402
from docgen.index.service import rebuild  # noqa: E402

KINDS = ("one term", "two terms", "phrase", "name", "ID")


def documents(n: int) -> list[IndexDocument]:
    return [IndexDocument(
        case_no=c.case_no, received_date=c.received_date, petitioner_name=c.name,
        id_number=c.id_number, phone=c.phone, address=c.address, target=c.target,
        category=c.category, status=c.status, channel=c.channel, summary=c.summary,
        text="\n".join([c.text] + c.extra_texts)) for c in index_corpus.generate(n, seed=2026)]


def queries(docs: list[IndexDocument], per_kind: int, rng: random.Random) -> dict[str, list]:
    words = [w for ws in index_corpus.ISSUES.values() for w in ws]
    two = [w[:2] for w in words] + ["问题", "答复", "群众", "房屋", "补偿", "村民", "领导", "标准"]
    phrases = words + ["至今没有答复", "县人民法院", "维护群众的合法权益", "递交书面材料"]
    sample = [rng.choice(docs) for _ in range(per_kind)]
    return {
        "one term": [(rng.choice(two), None) for _ in range(per_kind)],
        "two terms": [(f"{rng.choice(two)} {rng.choice(two)}", None) for _ in range(per_kind)],
        "phrase": [(f'"{rng.choice(phrases)}"', None) for _ in range(per_kind)],
        "name": [(None, SearchFilters(person=d.petitioner_name)) for d in sample],
        "ID": [(d.id_number, None) for d in sample],
    }


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def run(engine: str, docs: list[IndexDocument], qs: dict[str, list], workdir: Path) -> dict:
    index_dir = workdir / f"{engine}-{len(docs)}"
    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    idx = rebuild(index_dir, docs, engine)
    build = time.perf_counter() - start
    idx.close()
    start = time.perf_counter()
    from docgen.index.service import open_index
    idx = open_index(index_dir, engine)
    idx.search("问题", limit=1)
    opened = (time.perf_counter() - start) * 1000
    out = {"engine": engine, "n": len(docs), "build_s": build, "rate": len(docs) / build,
           "size_mb": dir_size(index_dir / engine) / 1e6, "open_ms": opened, "lat": {}}
    for kind, items in qs.items():
        lat = []
        for q, flt in items:
            t = time.perf_counter()
            idx.search(q, flt, limit=20)
            lat.append((time.perf_counter() - t) * 1000)
        out["lat"][kind] = (statistics.median(lat), percentile(lat, 95))
    idx.close()
    out["load"] = (load_start, os.getloadavg()[0])
    return out


def table(rows: list[dict]) -> str:
    head = ("| engine | cases | build cases/s | index MB | first query ms | "
            + " | ".join(f"{k} median / p95 ms" for k in KINDS) + " | load avg start → end |")
    lines = [head, "|" + "---|" * (6 + len(KINDS))]
    for r in rows:
        mark = " (extrapolated)" if r.get("extrapolated") else ""
        lat = " | ".join(f"{r['lat'][k][0]:.1f} / {r['lat'][k][1]:.1f}" if r["lat"].get(k) else "—"
                         for k in KINDS)
        load = "{:.1f} → {:.1f}".format(*r["load"]) if r.get("load") and not mark else "—"
        lines.append(f"| {r['engine']}{mark} | {r['n']:,} | {r['rate']:.0f} | {r['size_mb']:.0f} | "
                     f"{r['open_ms']:.0f} | {lat} | {load} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--engines", nargs="+", default=["tantivy", "whoosh"])
    ap.add_argument("--whoosh-max", type=int, default=10_000,
                    help="largest corpus Whoosh is built for; bigger sizes are extrapolated")
    ap.add_argument("--queries", type=int, default=40, help="queries per kind")
    ap.add_argument("--skip-100k", action="store_true",
                    help="only sizes up to 10,000 (the 100,000 corpus alone takes minutes to generate)")
    args = ap.parse_args()
    if args.skip_100k:
        args.sizes = [n for n in args.sizes if n <= 10_000] or [10_000]

    t = time.perf_counter()
    all_docs = documents(max(args.sizes))
    chars = sum(len(d.text) for d in all_docs) / len(all_docs)
    print(f"corpus: {len(all_docs):,} cases, mean {chars:.0f} characters "
          f"(generated in {time.perf_counter() - t:.0f} s)", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for n in sorted(args.sizes):
            docs = all_docs[:n]
            qs = queries(docs, args.queries, random.Random(n))
            for engine in args.engines:
                if engine == "whoosh" and n > args.whoosh_max:
                    base = next((r for r in rows if r["engine"] == "whoosh"), None)
                    if base:
                        f = n / base["n"]
                        rows.append({**base, "n": n, "size_mb": base["size_mb"] * f,
                                     "build_s": base["build_s"] * f, "extrapolated": True,
                                     "lat": {k: (m * f, p * f) for k, (m, p) in base["lat"].items()}})
                    continue
                print(f"{engine} {n:,} ...", file=sys.stderr, flush=True)
                r = run(engine, docs, qs, Path(tmp))
                rows.append(r)
                print(table([r]).splitlines()[-1], file=sys.stderr, flush=True)
                if engine == "whoosh":   # release the disk before the next size
                    import shutil
                    shutil.rmtree(Path(tmp) / f"whoosh-{n}", ignore_errors=True)
    print(table(rows))


if __name__ == "__main__":
    main()
