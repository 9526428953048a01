"""Documents (docgen.letters): .docx rendered per second, PDF conversion time per letter.

Run from the repository root: ``python3 benchmarks/bench_letters.py [N_DOCX] [N_PDF]``
(defaults 1,000 and 100). The .docx batch cycles through all eight kinds for generated cases
(build_context + render_document, written atomically to a temporary folder); the PDF batch is
N_PDF 交办函 converted in ONE LibreOffice run (start-up included, then divided by N_PDF).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.letters import KINDS, build_context, convert_to_pdf, have_libreoffice, render_document  # noqa: E402
from docgen.letters.context import format_doc_number  # noqa: E402
from docgen.models import Petitioner  # noqa: E402
from tests.fixtures.letters_cases import OFFICE_CONFIG, sample_case  # noqa: E402

SURNAMES = "张王李赵刘陈杨黄周吴"


def make_case(i: int):
    case = sample_case(case_no=f"2014-{i + 1:04d}")
    case.petitioner = Petitioner(name=SURNAMES[i % 10] + "某" + str(i), phone="13812345678",
                                 id_number="11010519491231002X", address=f"桐庐县城南街道{i}号")
    case.text = case.text + f"\n补充说明第{i}条：" + "车库渗水导致车辆受损。" * (1 + i % 20)
    return case


def bench_docx(n: int, out: Path) -> tuple[float, list[float]]:
    kinds = list(KINDS)
    per_doc = []
    t_all = time.perf_counter()
    for i in range(n):
        kind = kinds[i % len(kinds)]
        t0 = time.perf_counter()
        ctx = build_context(make_case(i), OFFICE_CONFIG, kind, date=dt.date(2014, 5, 23),
                            doc_no=format_doc_number("桐人大信", 2014, i + 1))
        render_document(kind, ctx, out / f"{i:05d}-{kind}.docx")
        per_doc.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - t_all, per_doc


def main(n_docx: int = 1000, n_pdf: int = 100) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        total, per_doc = bench_docx(n_docx, out / "docx")
        per_doc.sort()
        print(f"docx: {n_docx} documents in {total:.1f} s = {n_docx / total:.1f} per second; "
              f"median {statistics.median(per_doc):.1f} ms, p95 {per_doc[int(len(per_doc) * 0.95)]:.1f} ms")
        if not have_libreoffice():
            print("pdf: LibreOffice not installed, skipped")
            return
        pdf_dir = out / "pdf"
        pdf_dir.mkdir()
        sources = []
        for i in range(n_pdf):
            ctx = build_context(make_case(i), OFFICE_CONFIG, "交办函", date=dt.date(2014, 5, 23),
                                doc_no=format_doc_number("桐人大信", 2014, i + 1))
            sources.append(render_document("交办函", ctx, pdf_dir / f"{i:04d}.docx"))
        t0 = time.perf_counter()
        pdfs = convert_to_pdf(sources)
        elapsed = time.perf_counter() - t0
        assert len(pdfs) == n_pdf
        t0 = time.perf_counter()
        convert_to_pdf(sources[:1])
        single = time.perf_counter() - t0
        print(f"pdf: {n_pdf} 交办函 in one LibreOffice run: {elapsed:.1f} s = "
              f"{elapsed / n_pdf * 1000:.0f} ms per letter; a single letter alone: {single:.1f} s")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
