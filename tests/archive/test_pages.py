"""页数 is the pages of each file, not the count of files (issue 12)."""

from __future__ import annotations

import io

import pytest

from docgen.archive import pages
from tests.fixtures.archive_cases import jpeg_bytes, pdf_bytes
from tests.fixtures.archive_year import docx_pages_bytes, text_bytes, tiff_bytes


def _file(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data", "count", "method"), [
    ("来信.pdf", pdf_bytes("x", pages=5), 5, pages.PDF),
    ("扫描.tif", tiff_bytes(3), 3, pages.TIFF),
    ("照片.jpg", jpeg_bytes(2), 1, pages.IMAGE),
    ("来信.txt", text_bytes(22), 1, pages.LINES),
    ("来信.txt", text_bytes(23), 2, pages.LINES),
    ("来信.txt", text_bytes(50), 3, pages.LINES),
    ("两页.txt", "第一页\f第二页".encode(), 2, pages.LINES),
    ("交办函.docx", docx_pages_bytes(3), 3, pages.ESTIMATE),
])
def test_each_format_counts_its_pages(tmp_path, name, data, count, method):
    assert pages.count_pages(_file(tmp_path, name, data)) == pages.PageCount(count, method)


def test_a_long_line_of_text_wraps_at_28_characters():
    assert pages.text_pages(("字" * 28 * 23).encode()) == 2       # 23 printed lines
    assert pages.text_pages(("a" * 56 * 22).encode()) == 1        # half-width: 56 a line


def test_docx_estimate_follows_the_text_not_only_breaks(tmp_path):
    from docx import Document

    doc = Document()
    for i in range(120):   # 120 paragraphs of 10.5 pt body text: several pages, no breaks
        doc.add_paragraph(f"第{i}段。" + "信访事项办理情况说明。" * 6)
    buf = io.BytesIO()
    doc.save(buf)
    estimated = pages.estimate_docx_pages(_file(tmp_path, "长文.docx", buf.getvalue()))
    assert 4 <= estimated <= 12


def test_a_rendered_count_is_used_when_given(tmp_path):
    path = _file(tmp_path, "交办函.docx", docx_pages_bytes(1))
    assert pages.count_pages(path, rendered=4) == pages.PageCount(4, pages.RENDERED)


def test_an_unreadable_file_counts_as_one_estimated_page(tmp_path):
    assert pages.count_pages(_file(tmp_path, "坏.docx", b"not a zip")) == pages.PageCount(1, pages.ESTIMATE)


@pytest.mark.libreoffice
def test_libreoffice_renders_docx_pages_and_remembers_them_by_digest(tmp_path):
    if not pages.DocxRenderer.available():
        pytest.skip("LibreOffice 未安装")
    three = _file(tmp_path, "a.docx", docx_pages_bytes(3))
    two = _file(tmp_path, "b.docx", docx_pages_bytes(2))
    renderer = pages.DocxRenderer(tmp_path / "cache.json")
    try:
        assert renderer.render([("sha-a", three), ("sha-b", two)]) == {"sha-a": 3, "sha-b": 2}
    finally:
        renderer.close()
    # another run (another process) finds the counts in the cache without LibreOffice
    again = pages.DocxRenderer(tmp_path / "cache.json")
    pages.DocxRenderer._memory.clear()
    assert again.known("sha-a") == 3 and again.known("sha-b") == 2
