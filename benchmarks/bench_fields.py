"""Field extraction (docgen.intake.fields): speed per letter and accuracy on generated letters.

Run from the repository root: ``python3 benchmarks/bench_fields.py [N]`` (N generated letters,
default 300). Accuracy here is on the letters' typed text, before any OCR: it measures the
extraction rules alone.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.intake.fields import extract_fields  # noqa: E402
from tests.fixtures.letters import make_truth  # noqa: E402

FIELDS = ("name", "id_number", "phone", "address", "letter_date", "target", "request", "category")


def timed(text: str, repeat: int) -> list[float]:
    extract_fields(text)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_fields(text)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(n: int = 300) -> None:
    truths = [make_truth(seed) for seed in range(n)]
    hits = dict.fromkeys(FIELDS, 0)
    per_letter = []
    for t in truths:
        t0 = time.perf_counter()
        f = extract_fields(t.text)
        per_letter.append((time.perf_counter() - t0) * 1000)
        got = {"name": f.petitioner.name, "id_number": f.petitioner.id_number,
               "phone": f.petitioner.phone, "address": f.petitioner.address,
               "letter_date": f.letter_date, "target": f.target, "request": f.request,
               "category": f.category}
        want = {"name": t.name, "id_number": t.id_number, "phone": t.phone, "address": t.address,
                "letter_date": t.letter_date, "target": t.target, "request": t.request,
                "category": t.category}
        for k in FIELDS:
            hits[k] += got[k] == want[k]
    long_text = truths[0].text.split("此致")[0] * 40
    long_text = long_text[:20000] + "\n此致\n敬礼\n张三\n2014年5月23日\n"
    big = timed(long_text, 20)
    print(f"generated letters: {n} (avg {statistics.mean(len(t.text) for t in truths):.0f} chars)")
    print(f"per letter: median {statistics.median(per_letter):.2f} ms, "
          f"p95 {sorted(per_letter)[int(0.95 * n) - 1]:.2f} ms")
    print(f"20,000-char letter: median {statistics.median(big):.1f} ms, max {max(big):.1f} ms")
    for k in FIELDS:
        print(f"  {k:12s} {hits[k]}/{n} = {hits[k] / n:.1%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
