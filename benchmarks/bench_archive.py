"""Archive and verify throughput: N closed cases with three ~200 KB files each (PDF letter,
JPEG result report, DOCX processing slip), registered straight through the registry.

    python benchmarks/bench_archive.py                 # 10,000 cases (about 6 GB, twice)
    python benchmarks/bench_archive.py --cases 2000 --dir /tmp/bench-archive
    python benchmarks/bench_archive.py --cases 200 --distinct-docx --docx-pages render

Every case's DOCX is the same file unless ``--distinct-docx`` (then LibreOffice lays out each
one for its page count, as with real 登记处理单 that differ per case); ``--docx-pages estimate``
counts .docx pages from their layout without LibreOffice (``[archive] docx_pages``).

Prints MB/s for ``archive_batch`` and ``verify_archive`` (payload bytes / wall time), with
progress bars on stderr. Results are recorded in benchmarks/README.md (归档 / archive).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.archive import archive_batch, verify_archive  # noqa: E402
from docgen.models import (  # noqa: E402
    FILE_ATTACHMENT,
    FILE_DOCUMENT,
    FILE_ORIGINAL,
    STATUS_CLOSED,
    Case,
    Event,
    Petitioner,
    StoredFile,
)
from docgen.workspace import Workspace  # noqa: E402
from tests.fixtures.archive_cases import NAMES, TOPICS, jpeg_bytes, pdf_bytes  # noqa: E402

KB = 1024


def _docx_with_image(kb: int) -> bytes:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    doc.add_paragraph("来信登记处理单")
    doc.add_picture(io.BytesIO(jpeg_bytes(kb, 7)), width=Mm(80))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _files() -> list[tuple[str, str, str, bytes]]:
    return [(FILE_ORIGINAL, "来信原件", "{name}的来信.pdf", pdf_bytes("letter", pages=2, noise_kb=190, seed=1)),
            (FILE_ATTACHMENT, "办理结果报告", "办理结果报告.jpg", jpeg_bytes(200, 2)),
            (FILE_DOCUMENT, "来信登记处理单", "来信登记处理单.docx", _docx_with_image(195))]


def _distinct_docx(i: int, image: bytes) -> bytes:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    doc.add_paragraph(f"来信登记处理单 第{i}件")
    doc.add_paragraph("拟办意见：" + "请有关单位依法处理并报告结果。" * (1 + i % 40))
    doc.add_picture(io.BytesIO(image), width=Mm(80))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def populate(ws: Workspace, n: int, distinct_docx: bool = False) -> int:
    """n closed cases; every PDF and JPEG gets 16 unique bytes at its end so no two are
    identical; DOCX files are one file for all unless ``distinct_docx``."""
    reg = ws.registry
    base = _files()
    image = jpeg_bytes(195, 7)
    rnd = random.Random(1)
    total = 0
    with click.progressbar(range(n), label="登记样例案件", file=sys.stderr, show_pos=True) as bar:
        for start in range(0, n, 500):
            with reg.transaction():
                for i in range(start, min(n, start + 500)):
                    name = NAMES[i % len(NAMES)]
                    received = dt.date(2025, 1, 1) + dt.timedelta(days=i % 300)
                    case = reg.add_case(Case(
                        case_no="", channel="来信", received_date=received,
                        petitioner=Petitioner(name=name), summary=TOPICS[i % len(TOPICS)],
                        flags=["集体访"] if i % 10 == 0 else []))
                    reg.add_event(Event(case_id=case.id, kind="登记", date=received))
                    if i % 3:
                        reg.add_event(Event(case_id=case.id, kind="交办", date=received + dt.timedelta(days=2),
                                            data={"doc_no": f"示人大信〔2025〕{i}号"}))
                    folder = ws.case_dir(case.case_no)
                    folder.mkdir(parents=True, exist_ok=True)
                    for role, kind, fname, data in base:
                        # PDF, JPEG and DOCX all tolerate bytes after their end marker
                        data = data + rnd.randbytes(16) if role != FILE_DOCUMENT else data
                        if role == FILE_DOCUMENT and distinct_docx:
                            data = _distinct_docx(i, image)
                        fname = fname.format(name=name)
                        path = folder / fname
                        path.write_bytes(data)
                        total += len(data)
                        reg.add_file(StoredFile(case_id=case.id, role=role, name=fname,
                                                path=path.relative_to(ws.root).as_posix(),
                                                sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                                kind=kind, added_date=received))
                    closed = received + dt.timedelta(days=40)
                    case.status, case.closed_date, case.result = STATUS_CLOSED, closed, "已办结"
                    reg.update_case(case)
                    reg.add_event(Event(case_id=case.id, kind="办结", date=closed))
            bar.update(min(n, start + 500) - start)
    return total


class Bar:
    def __init__(self, label: str):
        self.label, self.bar, self.done = label, None, 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and total:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True,
                                         show_eta=True)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _drop_caches() -> bool:
    """Cold-cache verify when allowed (root on a real kernel); otherwise it reads from RAM."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=None, help="workspace parent (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the workspace afterwards")
    ap.add_argument("--distinct-docx", action="store_true", help="a different DOCX for every case")
    ap.add_argument("--docx-pages", choices=("render", "estimate"), default="render")
    args = ap.parse_args()
    parent = args.dir or Path(tempfile.mkdtemp(prefix="bench-archive-"))
    home = parent / "ws"
    if home.exists():
        shutil.rmtree(home)
    ws, _ = Workspace.init(home)
    cfg = ws.config_path.read_text("utf-8")
    ws.config_path.write_text(cfg.replace("[archive]\n", f'[archive]\ndocx_pages = "{args.docx_pages}"\n', 1),
                              "utf-8")
    ws = Workspace.open(home)
    t = time.perf_counter()
    input_bytes = populate(ws, args.cases, args.distinct_docx)
    os.sync()   # the working files are on disk before archiving starts, as in real life
    setup_s = time.perf_counter() - t

    bar = Bar("归档")
    result = archive_batch(ws, progress=bar)
    bar.close()
    assert len(result.archived) == args.cases, result.skipped[:3]
    cold = _drop_caches()
    bar = Bar("检测")
    report = verify_archive(ws, progress=bar)
    bar.close()
    assert report.ok, [str(p) for p in report.errors[:5]]

    out = {
        "cases": args.cases, "files": args.cases * 3, "input_mb": round(input_bytes / 1e6, 1),
        "setup_s": round(setup_s, 1),
        "archive_s": round(result.seconds, 1), "archive_mb": round(result.bytes / 1e6, 1),
        "archive_mb_per_s": round(result.bytes / 1e6 / result.seconds, 1),
        "archive_cases_per_s": round(args.cases / result.seconds, 1),
        "verify_s": round(report.seconds, 1), "verify_mb": round(report.bytes / 1e6, 1),
        "verify_mb_per_s": round(report.mb_per_s, 1),
        "verify_cases_per_s": round(report.packages / report.seconds, 1),
        "verify_cold_cache": cold, "cpus": os.cpu_count(),
        "docx_pages": args.docx_pages, "distinct_docx": args.distinct_docx,
        "pages": report.pages, "notes": result.notes,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if not args.keep:
        shutil.rmtree(parent if args.dir is None else home, ignore_errors=True)


if __name__ == "__main__":
    main()
