"""Official documents: GB/T 9704 letters (交办函, 转送函, 督办函, 催办函, 告知书) and the office's
forms (来访接待登记表, 接待报告, 来信登记处理单), filled from .docx templates with docxtpl, and
converted to PDF with LibreOffice.

    ctx = build_context(case, ws.config, "交办函", doc_no=next_doc_number(reg, prefix, "交办函", 2026))
    render_document("交办函", ctx, out_path, template_dir=ws.templates_dir)
    convert_to_pdf([out_path])
"""

from docgen.letters.context import (
    build_context,
    format_date,
    format_doc_number,
    next_doc_number,
    routing_warnings,
)
from docgen.letters.kinds import KINDS, Kind, get_kind
from docgen.letters.pdf import convert_to_pdf, have_libreoffice
from docgen.letters.render import render_bytes, render_document
from docgen.letters.templates import export_templates, find_template, list_templates

__all__ = [
    "KINDS", "Kind", "build_context", "convert_to_pdf", "export_templates", "find_template",
    "format_date", "format_doc_number", "get_kind", "have_libreoffice", "list_templates",
    "next_doc_number", "render_bytes", "render_document", "routing_warnings",
]
