"""pdfium is not thread-safe; the archiver and verify read PDFs from a thread pool."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from docgen.archive.formats import pdf_info
from tests.fixtures.archive_cases import pdf_bytes


def test_pdfs_opened_from_many_threads_at_once_all_open(tmp_path):
    paths = []
    for i in range(200):
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(pdf_bytes("来信", pages=2, noise_kb=20, seed=i))
        paths.append(path)
    with ThreadPoolExecutor(4) as pool:
        infos = list(pool.map(pdf_info, paths * 10))
    assert [i.error for i in infos if i.error] == []
    assert {i.pages for i in infos} == {2}
