"""What a file in a package really is: magic bytes, the allowed-format list, PDF page count and
encryption. Used by ``verify`` (可用性 checks), by ``attach`` and by the page counts
(docgen.archive.pages).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen.pdfium_lock import PDFIUM_LOCK

# Formats DA/T 70 accepts for long-term keeping, plus the plain text/JSON docgen itself writes
# (metadata, letters received as .txt).
ALLOWED = ("pdf", "ofd", "docx", "jpeg", "tiff", "png", "xml", "json", "text")

# The content each file extension promises.
EXTENSION_KIND = {
    ".pdf": "pdf", ".ofd": "ofd", ".docx": "docx", ".xlsx": "xlsx", ".jpg": "jpeg", ".jpeg": "jpeg",
    ".png": "png", ".tif": "tiff", ".tiff": "tiff", ".txt": "text", ".xml": "xml", ".json": "json",
    ".bmp": "bmp", ".gif": "gif", ".doc": "ole", ".wps": "ole", ".xls": "ole", ".webp": "webp",
}

KIND_LABEL = {
    "pdf": "PDF", "ofd": "OFD", "docx": "Word 文档（DOCX）", "xlsx": "Excel（XLSX）", "jpeg": "JPEG 图像",
    "png": "PNG 图像", "tiff": "TIFF 图像", "text": "文本", "xml": "XML", "json": "JSON", "bmp": "BMP 图像",
    "gif": "GIF 图像", "ole": "旧版 Office 文档", "webp": "WebP 图像", "zip": "ZIP 压缩包",
}

MEDIA_TYPE = {
    "pdf": "application/pdf", "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "text": "text/plain",
    "xml": "application/xml", "json": "application/json", "bmp": "image/bmp", "gif": "image/gif",
    "ole": "application/x-ole-storage", "webp": "image/webp",
}

HEAD_SIZE = 4096


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        # the sample may end in the middle of a multi-byte character
        return exc.start >= len(head) - 3 and len(head) >= HEAD_SIZE


def sniff(head: bytes) -> str | None:
    """The family a file's first bytes belong to: pdf, zip, jpeg, png, tiff, ... or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"\x00" not in head and (_decodes(head, "utf-8") or _decodes(head, "gb18030")):
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
            return "xml"
        if stripped[:1] in (b"{", b"["):
            return "json"
        return "text"
    return None


def expected_kind(name: str) -> str | None:
    return EXTENSION_KIND.get(Path(name).suffix.lower())


def _zip_member(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


def type_problem(path: Path, name: str, head: bytes) -> str | None:
    """A Chinese message when the content does not match what the name promises, else None."""
    want = expected_kind(name)
    got = sniff(head)
    if want is None:
        return None
    if want in ("docx", "xlsx", "ofd"):
        if got != "zip":
            return f"扩展名为 {Path(name).suffix}，内容却不是 {KIND_LABEL[want]}（{_got_label(got)}）"
        members = _zip_member(path)
        needed = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}[want]
        if needed not in members:
            return f"{KIND_LABEL[want]} 无法打开（压缩包中缺少 {needed}）"
        return None
    if want in ("text", "xml", "json"):
        return None if got in ("text", "xml", "json") else \
            f"扩展名为 {Path(name).suffix}，内容却不是文本（{_got_label(got)}）"
    if got != want:
        return f"扩展名为 {Path(name).suffix}，内容却不是 {KIND_LABEL[want]}（{_got_label(got)}）"
    return None


def _got_label(kind: str | None) -> str:
    return f"实际为{KIND_LABEL.get(kind, kind)}" if kind else "无法识别的二进制内容"


def is_allowed(name: str) -> bool:
    return expected_kind(name) in ALLOWED


def media_type(name: str) -> str:
    return MEDIA_TYPE.get(expected_kind(name) or "", "application/octet-stream")


@dataclass
class PdfInfo:
    pages: int | None
    encrypted: bool
    error: str | None = None


def pdf_info(path: Path) -> PdfInfo:
    """Page count and encryption of a PDF, through pdfium (the same engine that renders it)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            msg = str(exc)
            if "password" in msg.lower():
                return PdfInfo(None, True, "需要密码")
            return PdfInfo(None, False, msg)
        try:
            encrypted = raw.FPDF_GetSecurityHandlerRevision(doc.raw) != -1
            return PdfInfo(len(doc), encrypted)
        finally:
            doc.close()


def material_problem(path: Path, name: str | None = None) -> str | None:
    """What ``verify`` will say about a received file once archived (content not what its name
    says, a PDF that does not open or is encrypted), else None. Said when material is attached,
    while the sender can still be asked for a proper copy."""
    name = name or path.name
    with open(path, "rb") as fh:
        head = fh.read(HEAD_SIZE)
    problem = type_problem(path, name, head)
    if problem:
        return f"文件 {name} 类型与内容不符：{problem}"
    if expected_kind(name) == "pdf":
        info = pdf_info(path)
        if info.encrypted:
            return f"文件 {name} 是加密的 PDF（归档文件不得加密），最好取得未加密的文本"
        if info.error:
            return f"文件 {name} 是损坏的 PDF，无法打开：{info.error}"
    return None
