"""PDF copies and PNG previews of a case's files, for the browser.

The registry keeps the .docx (what offices edit); a PDF is made with LibreOffice on first
request and kept in ``.web/cache/`` under the file's SHA-256, so a rewritten document gets a new
PDF and an unchanged one is converted once. Page 1 as a PNG comes from the PDF (pdfium), or
from the image itself for scans.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from docgen.errors import DocgenError
from docgen.fileio import atomic_copy, atomic_write_bytes
from docgen.pdfium_lock import PDFIUM_LOCK

PREVIEW_WIDTH = 900           # px: a page readable beside the form on a 1366-px screen
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".bmp", ".gif", ".webp"}


def cache_dir(ws) -> Path:
    from docgen.web.pending import web_dir

    return web_dir(ws) / "cache"


def kind_of(path: Path) -> str:
    """pdf | image | docx | other, by the file's first bytes (the name may be wrong)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return "other"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK") and path.suffix.lower() == ".docx":
        return "docx"
    if head[:3] == b"\xff\xd8\xff" or head.startswith(b"\x89PNG") or head[:4] in (b"II*\x00", b"MM\x00*") \
            or head[:2] == b"BM" or head[:4] == b"GIF8" or head[8:12] == b"WEBP":
        return "image"
    return "other"


def can_convert() -> bool:
    from docgen.letters.pdf import have_libreoffice

    return have_libreoffice()


def pdf_for(ws, path: Path, sha256: str) -> Path:
    """A PDF of the file at ``path`` (itself when it is one); DocgenError without LibreOffice."""
    kind = kind_of(path)
    if kind == "pdf":
        return path
    if kind != "docx":
        raise DocgenError("只有 Word 文档（.docx）可以转换为 PDF")
    target = cache_dir(ws) / f"{sha256}.pdf"
    if target.is_file():
        return target
    from docgen.letters.pdf import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="docgen-web-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(path.read_bytes())
        made = convert_to_pdf([src], out_dir=Path(tmp) / "out")
        atomic_copy(made[0], target)
    return target


def _png(image) -> bytes:
    image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    if image.width > PREVIEW_WIDTH:
        ratio = PREVIEW_WIDTH / image.width
        image = image.resize((PREVIEW_WIDTH, max(1, round(image.height * ratio))))
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def page_count(path: Path) -> int:
    kind = kind_of(path)
    if kind == "pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(path))
            try:
                return len(doc)
            finally:
                doc.close()
    if kind == "image":
        from docgen.intake.extract import load_pages

        return len(load_pages(path.read_bytes()))
    return 0


def page_png(path: Path, page: int = 0) -> bytes:
    """Page ``page`` (0-based) of a PDF or an image file as PNG bytes."""
    kind = kind_of(path)
    if kind == "pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(path))
            try:
                if not 0 <= page < len(doc):
                    raise DocgenError("没有这一页")
                p = doc[page]
                width_pt = p.get_width() or 595
                image = p.render(scale=PREVIEW_WIDTH / width_pt).to_pil()
            finally:
                doc.close()
        return _png(image)
    if kind == "image":
        from docgen.intake.extract import load_pages

        pages = load_pages(path.read_bytes())
        if not 0 <= page < len(pages):
            raise DocgenError("没有这一页")
        return _png(pages[page])
    raise DocgenError("该文件没有页面图像")


def preview_png(ws, path: Path, sha256: str) -> Path:
    """Page 1 of the file as PNG, cached by digest (a .docx goes through LibreOffice)."""
    target = cache_dir(ws) / f"{sha256}.png"
    if target.is_file():
        return target
    kind = kind_of(path)
    source = pdf_for(ws, path, sha256) if kind == "docx" else path
    atomic_write_bytes(target, page_png(source, 0))
    return target
