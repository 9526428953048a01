"""Page counts (页数) of archived files, for the 归档章, the catalogue and ``verify``.

DA/T 22 counts the pages of a 件, not its files. Each file's count says how it was found
(``method``), because not every format knows its own pages:

- ``pdf``: the page tree, through pdfium; ``ofd``: the pages the OFD document lists;
- ``tiff``: the frames of the image; ``image``: any other image is one page;
- ``rendered``: a .docx laid out by LibreOffice (the same fonts and engine as the letters' PDFs);
- ``estimate``: a .docx where LibreOffice is not installed (or failed), laid out from its page
  size, margins, font sizes, spacing, tables, pictures and page breaks — marked as an estimate
  in the metadata and the catalogue;
- ``lines``: a text file printed on the 公文 grid of 22 lines × 28 characters (docs/standards.md
  §1), a form feed starting a new page.

Everything but ``rendered`` is recomputed by ``verify``; a rendered count is checked against the
PDF copy when the package holds one.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen.archive.formats import expected_kind, pdf_info

PDF, OFD, TIFF, IMAGE, RENDERED, ESTIMATE, LINES = "pdf", "ofd", "tiff", "image", "rendered", "estimate", "lines"
METHOD_LABEL = {PDF: "PDF 页数", OFD: "OFD 页数", TIFF: "TIFF 帧数", IMAGE: "图像按 1 页",
                RENDERED: "LibreOffice 排版", ESTIMATE: "按版面估算", LINES: "按每页 22 行 × 28 字计"}
# Methods ``verify`` can recompute and must find equal.
RECOMPUTABLE = (PDF, OFD, TIFF, IMAGE, ESTIMATE, LINES)

GRID_LINES, GRID_CHARS = 22, 28            # one GB/T 9704 page
_IMAGE_KINDS = ("jpeg", "png", "bmp", "gif", "webp")


@dataclass(frozen=True)
class PageCount:
    pages: int
    method: str

    @property
    def estimated(self) -> bool:
        return self.method == ESTIMATE


def count_pages(path: Path, name: str | None = None, *, rendered: int | None = None) -> PageCount:
    """The pages of one file. ``rendered``: a .docx's count from a LibreOffice rendering."""
    kind = expected_kind(name or path.name)
    try:
        if kind == "pdf":
            return PageCount(max(1, pdf_info(path).pages or 1), PDF)
        if kind == "tiff":
            from PIL import Image

            with Image.open(path) as im:
                return PageCount(max(1, getattr(im, "n_frames", 1)), TIFF)
        if kind in _IMAGE_KINDS:
            return PageCount(1, IMAGE)
        if kind == "docx":
            if rendered:
                return PageCount(rendered, RENDERED)
            return PageCount(estimate_docx_pages(path), ESTIMATE)
        if kind == "ofd":
            return PageCount(ofd_pages(path), OFD)
        if kind in ("text", "xml", "json"):
            return PageCount(text_pages(path.read_bytes()), LINES)
    except Exception:  # noqa: BLE001 - a file that cannot be read still counts as one page
        return PageCount(1, ESTIMATE)
    return PageCount(1, ESTIMATE)


# --- text ------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def display_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width forms 1, the rest ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.5 for c in text)


def text_pages(data: bytes) -> int:
    """Pages of a text printed 22 lines × 28 characters a page; ``\\f`` starts a new page."""
    pages = 0
    for page in _decode(data).replace("\r\n", "\n").split("\f"):
        lines = sum(max(1, math.ceil(display_width(line.rstrip()) / GRID_CHARS))
                    for line in page.rstrip("\n").split("\n"))
        pages += max(1, math.ceil(lines / GRID_LINES))
    return max(1, pages)


# --- OFD -------------------------------------------------------------------------------------

def ofd_pages(path: Path) -> int:
    """The pages the first document of an OFD package lists (``<ofd:Page>`` in Document.xml)."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        root = zf.read("OFD.xml").decode("utf-8", "replace")
        m = re.search(r"<(?:\w+:)?DocRoot>\s*/?([^<\s]+)\s*<", root)
        doc = m.group(1) if m and m.group(1) in names else next(
            (n for n in names if n.endswith("Document.xml")), None)
        if doc is None:
            return 1
        xml = zf.read(doc).decode("utf-8", "replace")
    return max(1, len(re.findall(r"<(?:\w+:)?Page\b[^>]*\bBaseLoc=", xml)))


# --- DOCX estimate ---------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU_PER_PT = 12700


def _twips(el, attr: str, default: float) -> float:
    if el is None:
        return default
    value = el.get(_W + attr)
    try:
        return float(value) / 20.0 if value is not None else default
    except ValueError:
        return default


@dataclass
class _Layout:
    width: float = 451.3          # pt: A4 minus 1 inch margins, python-docx's default page
    height: float = 697.9
    size: float = 10.5            # default font size, pt
    spacing: dict[str, str] | None = None   # default w:spacing attributes (docDefaults, Normal)


def _spacing_defaults(styles_root) -> tuple[float | None, dict[str, str]]:
    """Font size and paragraph spacing of the document defaults, then the Normal style."""
    size: float | None = None
    spacing: dict[str, str] = {}
    if styles_root is None:
        return size, spacing
    places = [styles_root.find(f"{_W}docDefaults")]
    places += [st for st in styles_root.iterchildren(_W + "style")
               if st.get(_W + "type") == "paragraph" and st.get(_W + "default") == "1"]
    for place in places:
        if place is None:
            continue
        for sz in place.iter(_W + "sz"):
            if (sz.get(_W + "val") or "").isdigit():
                size = int(sz.get(_W + "val")) / 2
        for sp in place.iter(_W + "spacing"):
            if sp.getparent() is not None and sp.getparent().tag == _W + "pPr":
                spacing.update({k.removeprefix(_W): v for k, v in sp.attrib.items()})
    return size, spacing


def _layout(root, styles_root) -> _Layout:
    lay = _Layout()
    sect = root.find(f"{_W}body/{_W}sectPr")
    if sect is not None:
        size, margin = sect.find(_W + "pgSz"), sect.find(_W + "pgMar")
        page_w, page_h = _twips(size, "w", 595.3), _twips(size, "h", 841.9)
        lay.width = max(72.0, page_w - _twips(margin, "left", 72) - _twips(margin, "right", 72))
        lay.height = max(72.0, page_h - _twips(margin, "top", 72) - _twips(margin, "bottom", 72))
    size, lay.spacing = _spacing_defaults(styles_root)
    if size:
        lay.size = size
    return lay


def _run_size(p, default: float) -> float:
    sizes = [int(s.get(_W + "val")) / 2 for s in p.iter(_W + "sz") if (s.get(_W + "val") or "").isdigit()]
    return max(sizes) if sizes else default


def _num(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _paragraph_height(p, width: float, lay: _Layout) -> tuple[float, list[float]]:
    """(height of the part before the first page break, heights after each break)."""
    size = _run_size(p, lay.size)
    spacing = dict(lay.spacing or {})
    own = p.find(f"{_W}pPr/{_W}spacing")
    if own is not None:
        spacing.update({k.removeprefix(_W): v for k, v in own.attrib.items()})
    text = "".join(t.text or "" for t in p.iter(_W + "t"))
    # a CJK font's single line is taller than a Latin one's (ascent + descent of Noto CJK, SimSun)
    single = size * (1.2 if any(display_width(c) == 1.0 for c in text[:200]) else 1.17)
    rule = spacing.get("lineRule") or "auto"
    line = spacing.get("line")
    if line is not None and rule in ("exact", "atLeast"):
        pitch = _num(line, 240) / 20.0
        if rule == "atLeast":
            pitch = max(pitch, single)
    else:
        pitch = single * _num(line, 240) / 240.0
    extra = (_num(spacing.get("before"), 0) + _num(spacing.get("after"), 0)) / 20.0
    chars_per_line = max(1.0, width / size)
    parts: list[float] = []
    text = ""
    pictures = 0.0
    for el in p.iter(_W + "t", _W + "br", _W + "tab", _WP + "extent"):
        if el.tag == _W + "t":
            text += el.text or ""
        elif el.tag == _W + "tab":
            text += "\u3000\u3000"
        elif el.tag == _WP + "extent":
            pictures += _num(el.get("cy"), 0) / _EMU_PER_PT
        elif el.get(_W + "type") == "page":
            parts.append(max(1, math.ceil(display_width(text) / chars_per_line)) * pitch + pictures)
            text, pictures = "", 0.0
        else:
            text += "\u3000" * int(chars_per_line - display_width(text) % chars_per_line)
    parts.append(max(1, math.ceil(display_width(text) / chars_per_line)) * pitch + pictures)
    parts[0] += extra
    return parts[0], parts[1:]


def _table_height(tbl, width: float, lay: _Layout) -> float:
    total = 0.0
    for tr in tbl.iterchildren(_W + "tr"):
        cells = list(tr.iterchildren(_W + "tc"))
        row = 0.0
        for tc in cells:
            w = tc.find(f"{_W}tcPr/{_W}tcW")
            cw = _twips(w, "w", width / max(1, len(cells))) if w is not None and w.get(_W + "type") == "dxa" \
                else width / max(1, len(cells))
            row = max(row, sum(_paragraph_height(p, max(lay.size, cw - 10), lay)[0]
                               for p in tc.iterchildren(_W + "p")))
        total += row
    return total


def estimate_docx_pages(path: Path) -> int:
    """Pages of a .docx laid out from its own page size, margins, fonts and breaks."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
        styles = etree.fromstring(zf.read("word/styles.xml")) if "word/styles.xml" in zf.namelist() else None
    lay = _layout(root, styles)
    body = root.find(_W + "body")
    if body is None:
        return 1
    pages = 0
    used = 0.0

    def add(height: float) -> None:
        nonlocal used
        used += height

    def close_page() -> None:
        nonlocal pages, used
        pages += max(1, math.ceil(used / lay.height - 1e-9))
        used = 0.0

    for el in body:
        if el.tag == _W + "p":
            if el.find(f"{_W}pPr/{_W}pageBreakBefore") is not None and used > 0:
                close_page()
            first, rest = _paragraph_height(el, lay.width, lay)
            add(first)
            for part in rest:
                close_page()
                add(part)
            sect = el.find(f"{_W}pPr/{_W}sectPr")
            if sect is not None:
                kind = sect.find(_W + "type")
                if kind is None or kind.get(_W + "val") != "continuous":
                    close_page()
        elif el.tag == _W + "tbl":
            add(_table_height(el, lay.width, lay))
    if used > 0 or pages == 0:
        close_page()
    return max(1, pages)


# --- DOCX rendering --------------------------------------------------------------------------

class DocxRenderer:
    """Counts .docx pages by laying them out with LibreOffice, many files per ``soffice`` run
    (starting it costs seconds). Counts are kept by SHA-256 — in this process and in
    ``cache_path`` — so an identical document is rendered once; ``pdfs`` keeps the PDFs of the
    last run when the archive also stores PDF copies."""

    _memory: dict[str, int] = {}
    _memory_lock = threading.Lock()

    def __init__(self, cache_path: Path | None = None, *, keep_pdfs: bool = False):
        self.cache_path = cache_path
        self.keep_pdfs = keep_pdfs
        self.pdfs: dict[str, Path] = {}
        self.failed: str | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._lock = threading.Lock()
        self._disk = self._read_cache()

    @staticmethod
    def available() -> bool:
        try:
            from docgen.letters.pdf import have_libreoffice
        except ImportError:
            return False
        return have_libreoffice()

    def _read_cache(self) -> dict[str, int]:
        if self.cache_path is None:
            return {}
        try:
            data = json.loads(self.cache_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: int(v) for k, v in data.items() if isinstance(v, int) and v > 0} \
            if isinstance(data, dict) else {}

    def _write_cache(self) -> None:
        if self.cache_path is None:
            return
        from docgen.fileio import atomic_write_text

        try:
            atomic_write_text(self.cache_path, json.dumps(self._disk, sort_keys=True))
        except OSError:
            pass    # a cache: losing it only costs another rendering

    def known(self, sha256: str) -> int | None:
        if self.keep_pdfs and sha256 not in self.pdfs:
            return None
        with self._memory_lock:
            hit = self._memory.get(sha256)
        return hit or self._disk.get(sha256)

    def render(self, files: list[tuple[str, Path]]) -> dict[str, int]:
        """Page counts of ``(sha256, path)`` files not known yet, in one LibreOffice run.
        A failed run leaves them unknown (the caller estimates) and says why in ``failed``."""
        todo: dict[str, Path] = {}
        for sha, path in files:
            if self.known(sha) is None and sha not in todo:
                todo[sha] = path
        if not todo:
            return {}
        from docgen.errors import DocgenError
        from docgen.letters.pdf import convert_to_pdf

        with self._lock:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="docgen-pages-")
            base = Path(self._tmp.name) / f"run{len(list(Path(self._tmp.name).iterdir()))}"
            src_dir, out_dir = base / "in", base / "out"
            src_dir.mkdir(parents=True)
            # numbered names: every case has a 来信登记处理单.docx, their PDFs must not collide
            staged = []
            for i, (sha, path) in enumerate(todo.items()):
                link = src_dir / f"{i:06d}.docx"
                link.symlink_to(Path(path).resolve())
                staged.append((sha, link))
            try:
                pdfs = convert_to_pdf([link for _, link in staged], out_dir)
            except (DocgenError, OSError) as exc:
                self.failed = str(exc)
                return {}
            counts: dict[str, int] = {}
            for (sha, _), pdf in zip(staged, pdfs, strict=True):
                pages = pdf_info(pdf).pages
                if pages:
                    counts[sha] = pages
                    if self.keep_pdfs:
                        self.pdfs[sha] = pdf
            with self._memory_lock:
                self._memory.update(counts)
            self._disk.update(counts)
            self._write_cache()
            return counts

    def pages(self, sha256: str, path: Path) -> int | None:
        """The rendered count of one file, rendering it now when unknown."""
        hit = self.known(sha256)
        if hit is None:
            hit = self.render([(sha256, path)]).get(sha256)
        return hit

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self.pdfs.clear()
