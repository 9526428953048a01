"""OCR (docgen.intake.ocr / extract): accuracy and speed on generated A4 letters.

Run from the repository root: ``python3 benchmarks/bench_ocr.py [--letters N] [--pdf-pages M]``.

For N letters of ``tests/fixtures/letters.py`` (three layouts, serif and sans fonts, 12–16 pt,
300 dpi A4), each OCR'd as a clean scan and as a degraded one (skew ±2°, blur, noise, JPEG 50):

- character error rate (CER: edit distance / reference length, after NFKC and removing
  whitespace, since OCR line breaks fall where the page wrapped) per set, mean and worst;
- seconds per A4 page (wall clock and process CPU time) for ``ocr_image``, and for the whole
  path of a scanned PDF through ``extract_text`` (render at 300 dpi + OCR) on M pages;
- when ``docgen.intake.fields.extract_fields`` exists: the share of letters whose ID number,
  phone, name and date are read exactly right from the OCR text.

The machine's load average is printed: on a shared machine the wall-clock times are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.intake import ocr  # noqa: E402
from docgen.intake.extract import extract_text  # noqa: E402
from tests.fixtures.letters import cer, make_letter, write_image_pdf  # noqa: E402

try:
    from docgen.intake.fields import extract_fields
except ImportError:   # the fields helper has not landed: accuracy of fields is skipped
    extract_fields = None

FIELD_NAMES = ("id_number", "phone", "name", "letter_date")


def field_hits(text: str, truth) -> dict[str, bool]:
    f = extract_fields(text)
    got = {"id_number": f.petitioner.id_number, "phone": f.petitioner.phone,
           "name": f.petitioner.name, "letter_date": f.letter_date}
    return {k: got[k] == getattr(truth, k) for k in FIELD_NAMES}


def run_set(n: int, degraded: bool) -> dict:
    cers, walls, cpus, hits, worst = [], [], [], [], (0.0, -1)
    for seed in range(n):
        truth, image = make_letter(seed, degraded=degraded)
        t0, c0 = time.perf_counter(), time.process_time()
        text = ocr.ocr_image(image)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        rate = cer(truth.text, text)
        cers.append(rate)
        worst = max(worst, (rate, seed))
        if extract_fields is not None:
            hits.append(field_hits(text, truth))
        print(f"  {'degraded' if degraded else 'clean'} seed {seed:3d}: CER {rate:.4f}, "
              f"{walls[-1]:.2f} s", file=sys.stderr, flush=True)
    return {"cers": cers, "walls": walls, "cpus": cpus, "hits": hits, "worst": worst}


def pdf_pages(m: int) -> list[float]:
    """Seconds per page of a scanned (image-only) PDF through extract_text."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1000, 1000 + m):
            _, image = make_letter(seed)
            path = write_image_pdf([image], Path(tmp) / f"{seed}.pdf")
            t0 = time.perf_counter()
            result = extract_text(path)
            out.append(time.perf_counter() - t0)
            assert result.ocr and result.pages == 1
    return out


def pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.0f} %)" if n else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=30)
    parser.add_argument("--pdf-pages", type=int, default=5)
    args = parser.parse_args()

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    engine = ocr.get_engine()
    load_s = time.perf_counter() - t0
    sets = {"clean": run_set(args.letters, False), "degraded": run_set(args.letters, True)}
    assert ocr.get_engine() is engine, "the engine must be created once per process"
    pdf = pdf_pages(args.pdf_pages)
    load_after = os.getloadavg()

    n = args.letters
    print(f"\nload average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} "
          f"on {os.cpu_count()} cores; engine created once, in {load_s:.2f} s\n")
    print("| set | letters | CER mean | CER worst (seed) | s/page wall, median (max) | CPU s/page, median |")
    print("|---|---|---|---|---|---|")
    for name, r in sets.items():
        print(f"| {name} | {n} | {100 * statistics.mean(r['cers']):.2f} % | "
              f"{100 * r['worst'][0]:.2f} % ({r['worst'][1]}) | {statistics.median(r['walls']):.2f} "
              f"({max(r['walls']):.2f}) | {statistics.median(r['cpus']):.2f} |")
    print(f"\nscanned PDF through extract_text (render 300 dpi + OCR), {len(pdf)} pages: "
          f"median {statistics.median(pdf):.2f} s/page, max {max(pdf):.2f} s")
    if extract_fields is None:
        print("\n(docgen.intake.fields.extract_fields not available: field accuracy skipped)")
        return
    print("\n| set | ID number | phone | name | date | all four |")
    print("|---|---|---|---|---|---|")
    for name, r in sets.items():
        cols = [pct(sum(h[k] for h in r["hits"]), n) for k in FIELD_NAMES]
        cols.append(pct(sum(all(h.values()) for h in r["hits"]), n))
        print(f"| {name} | " + " | ".join(cols) + " |")
    for name, r in sets.items():
        misses = [(seed, [k for k, ok in h.items() if not ok]) for seed, h in enumerate(r["hits"])
                  if not all(h.values())]
        if misses:
            print(f"{name} misses: {misses}")


if __name__ == "__main__":
    main()
