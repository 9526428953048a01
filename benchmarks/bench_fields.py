"""Field extraction (docgen.intake.fields): speed per letter and accuracy on generated letters.

Run from the repository root: ``python3 benchmarks/bench_fields.py [N]`` (N generated letters,
default 300). Accuracy here is on the letters' typed text, before any OCR: it measures the
extraction rules alone.

``python3 benchmarks/bench_fields.py --real [N] [--kinds txt,text_pdf,jpeg,image_pdf]`` (N default 60): the
letters of ``tests/fixtures/intake_letters.py`` (wrapped phones, 联名人 separated by spaces or
丶, "我是…村民" addresses, short and full body names, full-width digits; fonts WenQuanYi Zen Hei,
AR PL UMing, AR PL UKai) written as each kind of file and read the way ``docgen intake`` reads
them (``extract_text`` with real RapidOCR for scans, then ``extract_fields``): per field and
per kind, how many letters came out exactly right (issue 10: ≥ 97 % for name, ID, phone,
address, date and co-signers).
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


REAL_FIELDS = ("name", "id_number", "phone", "address", "letter_date", "cosigners", "persons",
               "target", "township", "category")


def got_of(f) -> dict[str, object]:
    return {"name": f.petitioner.name, "id_number": f.petitioner.id_number,
            "phone": f.petitioner.phone, "address": f.petitioner.address,
            "letter_date": f.letter_date, "cosigners": list(f.cosigners), "persons": f.persons,
            "target": f.target, "township": getattr(f, "township", None), "category": f.category}


def real(n: int, kinds: tuple[str, ...]) -> dict[str, dict[str, list]]:
    """Per kind: field → seeds that came out wrong, and the seconds each file took."""
    import tempfile

    from docgen.intake.extract import extract_text
    from tests.fixtures.intake_letters import make_real_letter, truth_of, write_kind

    out: dict[str, dict[str, list]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            wrong: dict[str, list] = {k: [] for k in REAL_FIELDS}
            seconds = []
            for seed in range(n):
                letter = make_real_letter(seed)
                path = write_kind(letter, kind, Path(tmp))
                t0 = time.perf_counter()
                f = extract_fields(extract_text(path).text)
                seconds.append(time.perf_counter() - t0)
                got, want = got_of(f), truth_of(letter)
                for k in REAL_FIELDS:
                    if got[k] != want[k]:
                        wrong[k].append((seed, got[k], want[k]))
                path.unlink()
            out[kind] = {"wrong": wrong, "seconds": seconds}
            print(f"{kind}: {n} letters, median {statistics.median(seconds):.2f} s a file", flush=True)
            for k in REAL_FIELDS:
                print(f"  {k:12s} {n - len(wrong[k])}/{n} = {(n - len(wrong[k])) / n:.1%}"
                      + (f"   wrong: {wrong[k]}" if wrong[k] else ""), flush=True)
    print_table(out, n)
    return out


def print_table(out: dict[str, dict[str, list]], n: int) -> None:
    """The figures as the markdown table of benchmarks/README.md (kind × field)."""
    kinds = list(out)
    print("\n| field | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for k in REAL_FIELDS:
        cells = []
        for kind in kinds:
            good = n - len(out[kind]["wrong"][k])
            cells.append(f"{good}/{n} ({good / n:.1%})")
        print(f"| {k} | " + " | ".join(cells) + " |")
    print("| median s a file | " + " | ".join(
        f"{statistics.median(out[kind]['seconds']):.2f}" for kind in kinds) + " |")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--real":
        count = int(args[1]) if len(args) > 1 and args[1].isdigit() else 60
        chosen = ("txt", "text_pdf", "jpeg", "image_pdf")
        if "--kinds" in args:
            chosen = tuple(args[args.index("--kinds") + 1].split(","))
        real(count, chosen)
    else:
        main(int(args[0]) if args else 300)
