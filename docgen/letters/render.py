"""Fill a template with docxtpl and write the .docx atomically.

Autoescaping is on, so ``<``, ``&`` and ``"`` in a letter come out as written, and template syntax
in user text (``{{ }}``, ``{% %}``) is data, never code: Jinja does not evaluate variable values.
The template itself is not trusted either: offices pass edited templates around by e-mail and USB
stick, so it is rendered in the document sandbox of :mod:`docgen.letters.sandbox` (Jinja's
immutable sandbox, no globals, no attributes but ``loop.*``, a short list of filters, checked on
the parsed template before any of it runs): ``{{ cycler.__init__.__globals__.os.popen('id') }}``
is refused, not run.
After rendering, every run gets an East Asian font (Word otherwise shows Chinese text in the
theme font when an office's edited template lost it), and a long organ name is shrunk to fit.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_bytes
from docgen.letters.sandbox import DocumentEnvironment
from docgen.letters.style import FANGSONG, ORGAN_SIZE, STYLE_ORGAN, TYPE_AREA_W
from docgen.letters.templates import find_template

_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
)

# Template bytes by (path, mtime): a batch of 1,000 letters reads each template once.
_template_cache: dict[tuple[str, float], bytes] = {}


def _template_bytes(path: Path) -> bytes:
    key = (str(path), path.stat().st_mtime)
    data = _template_cache.get(key)
    if data is None:
        data = path.read_bytes()
        _template_cache.clear() if len(_template_cache) > 64 else None
        _template_cache[key] = data
    return data


_ENV = DocumentEnvironment(autoescape=True)


def jinja_environment() -> DocumentEnvironment:
    """The Jinja environment used for rendering and for checking templates: the document
    sandbox of :mod:`docgen.letters.sandbox`, autoescaping on."""
    return _ENV


def render_bytes(template: Path | str, context: dict[str, Any]) -> bytes:
    """Render the template file ``template`` with ``context``; return the .docx bytes."""
    path = Path(template)
    try:
        tpl = DocxTemplate(io.BytesIO(_template_bytes(path)))
        tpl.render(context, jinja_env=jinja_environment(), autoescape=True)
    except SecurityError as exc:
        raise DocgenError(f"模板 {path.name} 含有不安全的内容，已拒绝使用：{exc}"
                          "（可用 docgen templates check 查看位置）") from exc
    except TemplateError as exc:
        raise DocgenError(f"模板 {path.name} 有错误：{exc}（可用 docgen templates check 检查）") from exc
    except Exception as exc:  # a .docx Word cannot have written (not a zip, no document.xml)
        if isinstance(exc, DocgenError):
            raise
        if "zip" in type(exc).__name__.lower() or isinstance(exc, KeyError | ValueError):
            raise DocgenError(f"模板 {path.name} 无法读取（不是有效的 .docx 文件）：{exc}") from exc
        raise
    fix_fonts(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def render_document(kind: str, context: dict[str, Any], out_path: Path | str,
                    template_dir: Path | str | None = None) -> Path:
    """Write the document of ``kind`` filled with ``context`` to ``out_path`` (atomically).

    ``template_dir`` is the workspace's template folder: a file there named like the kind
    (``交办函.docx``) replaces the built-in template. Returns the path written.
    """
    template = find_template(kind, template_dir)
    data = render_bytes(template, context)
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise DocgenError(f"输出文件应以 .docx 结尾：{out_path}")
    return atomic_write_bytes(out_path, data)


# --- post-processing ---------------------------------------------------------------------------
def _style_fonts(styles_element) -> tuple[dict[str, str], str]:
    """East Asian font of each paragraph style (following basedOn) and of the defaults."""
    default = FANGSONG
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rf = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        if rf is not None and rf.get(qn("w:eastAsia")):
            default = rf.get(qn("w:eastAsia"))
    own: dict[str, str | None] = {}
    based: dict[str, str | None] = {}
    for st in styles_element.findall(qn("w:style")):
        sid = st.get(qn("w:styleId"))
        rf = st.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        own[sid] = rf.get(qn("w:eastAsia")) if rf is not None else None
        b = st.find(qn("w:basedOn"))
        based[sid] = b.get(qn("w:val")) if b is not None else None

    def resolve(sid: str | None, depth: int = 0) -> str:
        if not sid or depth > 20 or sid not in own:
            return default
        return own[sid] or resolve(based[sid], depth + 1)

    return {sid: resolve(sid) for sid in own}, default


def fix_fonts(doc) -> None:
    """Give every run an explicit East Asian font; shrink a long organ name to one line."""
    fonts, default = _style_fonts(doc.styles.element)
    normal = fonts.get("Normal", default)
    for part in doc.part.package.iter_parts():
        if part.content_type not in _CONTENT_TYPES:
            continue
        root = part._element
        for p in root.iter(qn("w:p")):
            ppr = p.find(qn("w:pPr"))
            pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
            style_id = pstyle.get(qn("w:val")) if pstyle is not None else None
            para_font = fonts.get(style_id, normal) if style_id else normal
            runs = [r for r in p.iter(qn("w:r"))]
            for r in runs:
                rpr = r.find(qn("w:rPr"))
                rf = rpr.find(qn("w:rFonts")) if rpr is not None else None
                if rf is None or not rf.get(qn("w:eastAsia")):
                    # the Latin font of a run (Times New Roman, ...) has no Chinese glyphs:
                    # the paragraph style's East Asian font is the one meant for Chinese text
                    _ensure_east_asian(r, para_font)
            if style_id == STYLE_ORGAN:
                _fit_organ_name(p, runs)


def _ensure_east_asian(r, font: str) -> None:
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    rf = rpr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    rf.set(qn("w:eastAsia"), font)


def _fit_organ_name(p, runs) -> None:
    text = "".join(t.text or "" for t in p.iter(qn("w:t")))
    n = len(text.strip())
    if not n:
        return
    # CJK glyphs are one em wide: n characters at s points take n*s points
    size = min(ORGAN_SIZE, int(TYPE_AREA_W.pt / n * 2) / 2)
    if size >= ORGAN_SIZE:
        return
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            continue
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is not None:
                el.set(qn("w:val"), str(int(size * 2)))
