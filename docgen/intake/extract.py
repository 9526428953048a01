"""Incoming file → plain text: PDF (text layer or OCR), images (OCR), .docx, .txt.

The type is decided by the file's first bytes, never by its name: a scan saved as ``.pdf`` that
is really a JPEG is read as the image it is (with a warning), because the clerk's aim is to read
the letter and the content leaves no doubt about what it is. Files we cannot read raise
:class:`~docgen.errors.DocgenError` with a Chinese message that says what to do.

PDF pages keep their text layer when it is usable; a page without one (a scan), or whose text is
``(cid:N)`` garbage from a font without a Unicode map, is rendered at 300 dpi and OCR'd.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image, ImageOps, ImageSequence

from docgen.errors import DocgenError
from docgen.intake.ocr import OcrLine, clean_text, ocr_image, ocr_page, page_text
from docgen.pdfium_lock import PDFIUM_LOCK

# Largest image we decode, in pixels. An A4 page at 600 dpi is 35 MP and at 1000 dpi 97 MP;
# anything larger is not a letter scan and decoding it could take gigabytes of memory. We set
# Pillow's own decompression-bomb limit to the same value on purpose: Pillow then refuses
# (DecompressionBombError) at twice this size while merely reading the header, and our check
# below refuses everything in between before any pixel is decoded.
MAX_IMAGE_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

MAX_IMAGE_FRAMES = 500          # pages of a multi-page TIFF
OCR_DPI = 300                   # rendering resolution for PDF pages without usable text
MAX_RENDER_PIXELS = 40_000_000  # a PDF page larger than A2 at 300 dpi is rendered at lower dpi
MIN_PAGE_CHARS = 20             # fewer meaningful characters than this: the page is a scan
KINDS = ("pdf", "image", "docx", "txt")

_EXTENSION_KIND = {
    ".pdf": "pdf", ".png": "image", ".jpg": "image", ".jpeg": "image", ".jpe": "image",
    ".tif": "image", ".tiff": "image", ".bmp": "image", ".gif": "image", ".webp": "image",
    ".docx": "docx", ".txt": "txt", ".text": "txt",
}
_KIND_NAMES = {"pdf": "PDF 文件", "image": "图片", "docx": "Word 文档（.docx）", "txt": "纯文本"}


@dataclass
class TextLine:
    """Where one OCR'd line of ``Extracted.text`` sits on its page image: ``text[start:end]``
    is the line; ``page`` is 0-based; ``box`` is (left, top, right, bottom) as fractions (0–1) of
    the page's width and height (the page as rendered or stored, EXIF rotation applied)."""

    page: int
    box: tuple[float, float, float, float]
    text: str
    start: int
    end: int


@dataclass
class Extracted:
    """The text of one incoming file and how it was obtained."""

    text: str
    ocr: bool                    # True when any part of the text came from OCR
    pages: int                   # PDF pages, image frames; 1 for .docx and .txt
    kind: str                    # 'pdf' | 'image' | 'docx' | 'txt'
    warnings: list[str] = field(default_factory=list)
    # the OCR'd lines of PDF pages and images with their place on the page (the text above
    # is the same with or without them); empty for text layers, .docx and .txt
    lines: list[TextLine] = field(default_factory=list)


def _join_pages(pages: list[tuple[str, list[OcrLine] | None]]) -> tuple[str, list[TextLine]]:
    """The pages' texts joined by a blank line (empty pages left out), and where each OCR'd
    line (``(text, lines)`` with ``lines`` from ``ocr_page``) ended up in that text."""
    parts: list[str] = []
    found: list[TextLine] = []
    offset = 0
    for index, (text, lines) in enumerate(pages):
        if not text:
            continue
        if parts:
            offset += 2                 # the "\n\n" between pages
        at = offset
        for line in lines or []:
            found.append(TextLine(page=index, box=tuple(line.box), text=line.text, start=at,
                                  end=at + len(line.text)))
            at += len(line.text) + 1    # the "\n" between lines
        parts.append(text)
        offset += len(text)
    return "\n\n".join(parts), found


def extract_text(path: Path) -> Extracted:
    """Read ``path`` and return its text; raises DocgenError for files that cannot be read."""
    path = Path(path)
    data = _read_bytes(path)
    kind, detail = sniff(data)
    warnings: list[str] = []
    expected = _EXTENSION_KIND.get(path.suffix.lower())
    if path.suffix and expected != kind:
        said = _KIND_NAMES.get(expected, f"“{path.suffix}”")
        warnings.append(f"文件扩展名为 {path.suffix}（{said}），但内容是 {detail}，已按{_KIND_NAMES[kind]}读取。")
    reader = {"pdf": _extract_pdf, "image": _extract_image, "docx": _extract_docx,
              "txt": _extract_txt}[kind]
    result = reader(data, path.name)
    result.warnings[:0] = warnings
    if not result.text.strip():
        result.warnings.append("未识别到任何文字，请检查文件内容（例如扫描件是否为空白页）。")
    return result


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocgenError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise DocgenError(f"{path} 是文件夹，不是文件。") from None
    except PermissionError:
        raise DocgenError(f"没有权限读取文件：{path}") from None
    except OSError as exc:
        raise DocgenError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    if not data:
        raise DocgenError(f"文件 {path.name} 是空文件（0 字节），没有可读取的内容。")
    return data


# ---------------------------------------------------------------------------------------------
# Type detection
# ---------------------------------------------------------------------------------------------

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"BM", "BMP 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
)


def sniff(data: bytes) -> tuple[str, str]:
    """(kind, description in Chinese) from the first bytes; DocgenError when unsupported."""
    # The PDF header may legally follow some junk bytes (within the first 1 KB).
    if b"%PDF-" in data[:1024]:
        return "pdf", "PDF 文件"
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic):
            if magic == b"BM" and len(data) < 26:
                break  # a text file that happens to start with "BM"
            return "image", name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image", "WebP 图片"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise DocgenError("这是旧版 Office 文件（.doc/.xls/.wps 等），暂不支持；"
                          "请在 Word 或 WPS 中“另存为” .docx 或 PDF 后再导入。")
    if data.startswith(b"{\\rtf"):
        raise DocgenError("这是 RTF 文件，暂不支持；请在 Word 或 WPS 中“另存为” .docx 后再导入。")
    if _looks_like_text(data):
        return "txt", "纯文本"
    raise DocgenError("无法识别的文件类型：支持 PDF、图片（PNG/JPEG/TIFF/BMP）、Word 文档（.docx）"
                      "和纯文本（.txt）。")


def _sniff_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise DocgenError("文件是损坏的压缩包（.docx 也属于此类），无法打开；请重新保存或重新获取原件。") from exc
    if "word/document.xml" in names:
        return "docx", "Word 文档"
    if any(n.startswith("xl/") for n in names):
        raise DocgenError("这是 Excel 表格，不是来信文件；台账请用 `docgen ledger import` 导入。")
    if "OFD.xml" in names:
        raise DocgenError("这是 OFD 版式文件，暂不支持；请用阅读器导出为 PDF 后再导入。")
    if "content.xml" in names:
        raise DocgenError("这是 OpenDocument（.odt 等）文件，暂不支持；请另存为 .docx 后再导入。")
    if any(n.startswith("ppt/") for n in names):
        raise DocgenError("这是 PowerPoint 演示文稿，暂不支持；请导出为 PDF 后再导入。")
    if "[Content_Types].xml" in names:
        raise DocgenError("Word 文档已损坏：缺少正文部分（word/document.xml），无法读取。")
    raise DocgenError("这是 ZIP 压缩包，不是来信文件；请解压后逐个导入其中的文件。")


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True   # UTF-16 with byte-order mark
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls <= len(head) * 0.02 + 4   # a few stray control bytes do occur in real text


# ---------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------

# Characters a Chinese letter is made of; a decoding full of anything else is the wrong one.
_PLAUSIBLE = re.compile(r"[\u0009\u000a\u000d\u0020-\u007e\u00b7\u00d7\u2014-\u2026\u2030\u2103"
                        r"\u2160-\u216b\u2460-\u2473\u25a0-\u25cf\u3000-\u303f\u3400-\u4dbf"
                        r"\u4e00-\u9fff\uff01-\uff5e\uffe0-\uffe5]")


def _implausible(text: str) -> int:
    return len(text) - len(_PLAUSIBLE.findall(text))


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030
    (a superset of GBK and GB2312). DocgenError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        # UTF-8 first: GBK text almost never forms valid UTF-8 by accident, while UTF-8 bytes
        # do decode as (nonsense) GB18030. The short exceptions (“联通”) are caught by the
        # plausibility comparison below.
        candidates = ["utf-8", "gb18030"]
    decoded = []
    for enc in candidates:
        try:
            decoded.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    if len(decoded) == 2 and _implausible(decoded[1][0]) < _implausible(decoded[0][0]):
        decoded.reverse()
    if decoded:
        return decoded[0]
    raise DocgenError("无法识别文本文件的编码：支持 UTF-8 和 GBK/GB18030；"
                      "请用记事本或 WPS 以 UTF-8 编码另存后再导入。")


def _clean_plain_text(text: str) -> tuple[str, list[str]]:
    """Line ends to ``\\n``; control characters (other than tab, newline) removed, with a warning."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    cleaned = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    warnings = []
    if len(cleaned) != len(text):
        warnings.append(f"已删除 {len(text) - len(cleaned)} 个不可见的控制字符。")
    return cleaned, warnings


def _extract_txt(data: bytes, name: str) -> Extracted:
    text, encoding = decode_text(data)
    text, warnings = _clean_plain_text(text)
    if encoding == "gb18030":
        warnings.append("文本编码为 GBK/GB18030，已自动转换。")
    return Extracted(text=text.strip("\n"), ocr=False, pages=1, kind="txt", warnings=warnings)


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # over MAX_IMAGE_PIXELS Pillow only warns; load_pages refuses such images itself
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise DocgenError(_too_big_message(None)) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise DocgenError("图片文件已损坏或格式不受支持，无法打开。") from exc
    return img


def _too_big_message(pixels: int | None) -> str:
    size = f"约 {pixels / 1e6:.0f} 百万像素，" if pixels else ""
    return (f"图片过大（{size}上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素），不像是信件扫描件；"
            "请以 300 dpi 重新扫描或缩小后再导入。")


def load_pages(data: bytes) -> list[Image.Image]:
    """The frames of an image file as decoded pages (EXIF rotation applied); DocgenError for
    corrupt, truncated or oversized images."""
    img = _open_image(data)
    frames = getattr(img, "n_frames", 1)
    if frames > MAX_IMAGE_FRAMES:
        raise DocgenError(f"图片有 {frames} 页，超过上限 {MAX_IMAGE_FRAMES} 页；请拆分后再导入。")
    pages = []
    try:
        for frame in ImageSequence.Iterator(img):
            pixels = frame.width * frame.height
            if pixels > MAX_IMAGE_PIXELS:   # checked from the header, before decoding
                raise DocgenError(_too_big_message(pixels))
            page = ImageOps.exif_transpose(frame.copy())   # .copy() decodes this frame only
            pages.append(page)
    except Image.DecompressionBombError:
        raise DocgenError(_too_big_message(None)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DocgenError("图片文件不完整或已损坏（可能在传输中被截断），无法读取；请重新扫描或重新获取原件。") from exc
    return pages


def _extract_image(data: bytes, name: str) -> Extracted:
    pages = load_pages(data)
    read = [ocr_page(page) for page in pages]
    text, lines = _join_pages([(page_text(page_lines), page_lines) for page_lines in read])
    return Extracted(text=text, ocr=True, pages=len(pages), kind="image", warnings=[],
                     lines=lines)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

_CID = re.compile(r"\(cid:\d+\)")


def usable_text(text: str) -> bool:
    """Whether a PDF page's text layer is real text: enough letters or digits, and not mostly
    ``(cid:N)`` placeholders or replacement characters."""
    cids = len(_CID.findall(text))
    rest = _CID.sub("", text)
    meaningful = sum(1 for ch in rest if ch.isalnum())
    broken = cids + rest.count("\ufffd") + sum(1 for ch in rest if "\ue000" <= ch <= "\uf8ff")
    return meaningful >= MIN_PAGE_CHARS and broken <= 0.05 * (meaningful + broken)


def _clean_pdf_text(text: str) -> str:
    lines = (clean_text(line) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _open_pdfium(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocgenError("PDF 文件已加密（需要密码才能打开），无法读取；"
                              "请向来信人索取未加密的文件，或打开后另存为未加密的 PDF。") from None
        raise DocgenError("PDF 文件已损坏或不完整（可能在下载或复制时被截断），无法打开；"
                          "请重新获取原件。") from None


def _render(page, dpi: int) -> Image.Image:
    width_pt, height_pt = page.get_size()
    scale = dpi / 72
    if width_pt * height_pt * scale * scale > MAX_RENDER_PIXELS:
        scale = (MAX_RENDER_PIXELS / (width_pt * height_pt)) ** 0.5
    return page.render(scale=scale, grayscale=True).to_pil()


def _extract_pdf(data: bytes, name: str) -> Extracted:
    with PDFIUM_LOCK:   # pdfium is not thread-safe (see docgen.pdfium_lock)
        return _extract_pdf_locked(data, name)


def _extract_pdf_locked(data: bytes, name: str) -> Extracted:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    doc = _open_pdfium(data)
    warnings: list[str] = []
    try:
        try:
            plumber = pdfplumber.open(io.BytesIO(data))
            layers = [page.extract_text() or "" for page in plumber.pages]
            plumber.close()
        except (PdfminerException, ValueError, KeyError, TypeError, AssertionError):
            # pdfium opened it, pdfminer could not parse it: every page goes to OCR
            warnings.append("PDF 文字层无法解析，已全部按扫描件识别。")
            layers = [""] * len(doc)
        if len(layers) != len(doc):
            layers = (layers + [""] * len(doc))[:len(doc)]
        if len(doc) == 0:
            raise DocgenError("PDF 文件没有任何页面。")
        texts, ocr_pages = [], []
        for index, layer in enumerate(layers):
            if usable_text(layer):
                texts.append((_clean_pdf_text(layer), None))
                continue
            try:
                image = _render(doc[index], OCR_DPI)
            except Exception as exc:   # pdfium raises bare PdfiumError for broken page data
                raise DocgenError(f"PDF 第 {index + 1} 页已损坏，无法显示。") from exc
            page_lines = ocr_page(image)
            texts.append((page_text(page_lines), page_lines))
            ocr_pages.append(index + 1)
        if ocr_pages and len(ocr_pages) < len(layers):
            warnings.append("第 " + "、".join(map(str, ocr_pages)) + " 页没有可用的文字层，已用 OCR 识别。")
        text, lines = _join_pages(texts)
        return Extracted(text=text, ocr=bool(ocr_pages), pages=len(layers), kind="pdf",
                         warnings=warnings, lines=lines)
    finally:
        doc.close()


# ---------------------------------------------------------------------------------------------
# Word (.docx)
# ---------------------------------------------------------------------------------------------

def _extract_docx(data: bytes, name: str) -> Extracted:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
        blocks = list(_docx_blocks(doc.element.body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError,
            EOFError) as exc:
        raise DocgenError("Word 文档（.docx）已损坏，无法读取；请在 Word 或 WPS 中打开后重新保存。") from exc
    text = "\n".join(b for b in blocks if b.strip())
    warnings: list[str] = []
    ocr = False
    if sum(ch.isalnum() for ch in text) < MIN_PAGE_CHARS:
        # A letter scanned and pasted into Word as a picture: read the pictures.
        images = _docx_images(doc)
        if images:
            texts = [ocr_image(img) for img in images]
            text = "\n".join(filter(None, [text, *texts]))
            ocr = True
            warnings.append(f"文档正文几乎没有文字，已识别其中的 {len(images)} 张图片。")
    return Extracted(text=text, ocr=ocr, pages=1, kind="docx", warnings=warnings)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXTBOXES = etree.XPath(
    ".//w:txbxContent[not(ancestor::mc:Fallback)]",
    namespaces={"w": _W[1:-1], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"})


def _docx_blocks(container):
    """Texts of paragraphs and table rows in document order (tables inside cells included).
    A table row is its cells joined by a tab; merged cells count once."""
    for child in container.iterchildren():
        if child.tag == _W + "p":
            yield _paragraph_text(child)
            # text boxes anchored in this paragraph (the VML fallback copy is skipped)
            for box in _TEXTBOXES(child):
                yield from _docx_blocks(box)
        elif child.tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                # at XML level a merged cell is one w:tc (gridSpan) or an empty continuation
                # (vMerge), so nothing is repeated as python-docx's row.cells would
                cells = ["\n".join(b for b in _docx_blocks(tc) if b.strip())
                         for tc in row.iterchildren(_W + "tc")]
                if any(cells):
                    yield "\t".join(cells)
        elif child.tag == _W + "sdt":   # content controls (forms) hold paragraphs and tables
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _docx_blocks(content)


def _paragraph_text(p) -> str:
    parts = []
    for run in p.iter(_W + "r"):
        if _inside_textbox_or_fallback(run, p):
            continue   # text boxes are read as their own blocks; the fallback is a duplicate
        for el in run:
            if el.tag == _W + "t":
                parts.append(el.text or "")
            elif el.tag == _W + "tab":
                parts.append("\t")
            elif el.tag in (_W + "br", _W + "cr"):
                parts.append("\n")
    return "".join(parts)


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _inside_textbox_or_fallback(el, stop) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in (_W + "txbxContent", _MC_FALLBACK):
            return True
    return False


def _docx_images(doc) -> list[Image.Image]:
    images = []
    for rel in doc.part.rels.values():
        if "image" not in rel.reltype or rel.is_external:
            continue
        try:
            images.extend(load_pages(rel.target_part.blob))
        except DocgenError:
            continue   # an EMF/WMF logo or a broken picture: not the letter
    return images
