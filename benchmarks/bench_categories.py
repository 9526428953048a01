"""Category suggestions (docgen.classify, issue 10 item 6): agreement with the category a clerk
files each letter under, and whether the same issue always gets the same category.

Run from the repository root: ``python3 benchmarks/bench_categories.py``. Sets:

- the 300 generated letters of ``tests/fixtures/letters.py`` (the category the generator files
  each issue under);
- the 48 letters of ``tests/fixtures/intake_letters.py`` (wrapped phones, 联名, short names);
- the five review letters of ``tests/fixtures/letters_review.py`` and the clerk's seven of
  ``tests/fixtures/clerk_letters.py`` (three 征地补偿 worded differently, 法院执行, 拖欠工资,
  检举村干部, 噪声), with the category a clerk would choose;
- the same-issue set of ``tests/test_classify.py``: 13 issues × 4 wordings × 4 letter frames.

Each letter goes through ``extract_fields`` as ``docgen intake`` does (text, not OCR).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.intake.fields import extract_fields  # noqa: E402

REVIEW_CATEGORY = {"01-长信-征地补偿.txt": "自然资源", "02-联名-村道.txt": "交通运输",
                   "03-匿名-检举.txt": "纪检监察", "04-号码-工资.txt": "劳动和社会保障",
                   "05-表头-社保.txt": "劳动和社会保障"}


def agreement(name: str, items: list[tuple[str, str, str]], show: bool = True) -> None:
    """items: (label, text, the clerk's category)."""
    hits, wrong, decided = 0, [], Counter()
    for label, text, want in items:
        f = extract_fields(text)
        hits += f.category == want
        decided["问题表" if f.reasons and "反映" in f.reasons[0] else "关键词计分"] += 1
        if f.category != want:
            wrong.append((label, want, f.category, f.reasons[:1]))
    n = len(items)
    print(f"{name}: {hits}/{n} = {hits / n:.1%}   decided by {dict(decided)}")
    for w in wrong[:8] if show else ():
        print("   wrong:", w)


def main() -> None:
    from tests.fixtures.clerk_letters import CLERK_LETTERS
    from tests.fixtures.intake_letters import make_real_letter
    from tests.fixtures.letters import make_truth
    from tests.fixtures.letters_review import REVIEW_LETTERS
    from tests.test_classify import SAME_ISSUE, _letter

    truths = [make_truth(seed) for seed in range(300)]
    agreement("generated letters", [(f"seed {t.seed}", t.text, t.category) for t in truths])
    reals = [make_real_letter(seed) for seed in range(48)]
    agreement("intake letters", [(f"seed {r.seed}", r.text, r.category) for r in reals])
    agreement("review letters", [(r.name, r.text, REVIEW_CATEGORY[r.name]) for r in REVIEW_LETTERS])
    agreement("clerk's seven", [(c.name, c.text, c.category) for c in CLERK_LETTERS])
    for c in CLERK_LETTERS:
        f = extract_fields(c.text)
        print(f"   {c.name}: {f.category}  ← {f.reasons[0] if f.reasons else '—'}")
    same = [(f"{issue} #{i} frame {fr}", _letter(i + fr, body), category)
            for (issue, category), bodies in SAME_ISSUE.items()
            for i, body in enumerate(bodies) for fr in range(4)]
    agreement("same-issue set", same)
    per_issue = {}
    for (issue, _category), bodies in SAME_ISSUE.items():
        per_issue[issue] = {extract_fields(_letter(i + fr, b)).category
                            for i, b in enumerate(bodies) for fr in range(4)}
    split = {k: v for k, v in per_issue.items() if len(v) > 1}
    print(f"   issues with more than one category: {len(split)} of {len(per_issue)} {split or ''}")

    from docgen.classify import suggest
    ms = []
    for t in truths:
        t0 = time.perf_counter()
        suggest(t.text)
        ms.append((time.perf_counter() - t0) * 1000)
    print(f"suggest() per generated letter: median {statistics.median(ms):.2f} ms, max {max(ms):.1f} ms")


if __name__ == "__main__":
    main()
