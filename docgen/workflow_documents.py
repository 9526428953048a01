"""The one place where the workflow asks docgen.letters for a document of a case.

Every document a case gets — 交办函, 转送函, 催办函, 督办函 from ``transfer``/``remind``, the
告知书 of ``notify``/``reject``, the 来信登记处理单 of ``decide`` and whatever ``docgen letter``
writes — goes through ``write_case_document``: it is written under ``case_dir/documents/`` and
returned with the ``StoredFile`` to register, so the document is archived with its 件
(docs/standards.md §3). The caller registers it in the same transaction as its event and removes the
file if that transaction fails. Keeping the call here means a change in the letters API touches
only this module.

Writing the same document again (same kind, same 文号 — or, for the unnumbered forms, simply the
same kind) replaces the registered version instead of piling up copies: the new bytes go to a
fresh file, the existing file row is pointed at it with its new SHA-256 in the caller's
transaction (``register_document``), and the old file is removed only after that commit
(``drop_replaced``). A failure anywhere leaves the old row and the old bytes as they were, so the
registry never names a file whose bytes differ from its recorded digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.fileio import remove_file, safe_filename, sha256_file
from docgen.models import FILE_DOCUMENT, Case, Deadline, StoredFile
from docgen.workspace import Workspace


@dataclass
class WrittenDocument:
    kind: str
    path: Path                    # absolute
    stored: StoredFile            # to register: id None for a new file, else the row it replaces
    doc_no: str | None = None     # 发文字号, when the kind is numbered
    replaces: StoredFile | None = None   # the registered version this one replaces (old path)

    @property
    def replaced_path(self) -> str | None:
        """Workspace-relative path of the replaced version when it was a different file."""
        if self.replaces is None or self.replaces.path == self.stored.path:
            return None
        return self.replaces.path


def document_name(kind: str, doc_no: str | None) -> str:
    """The file name a document of a case carries: ``交办函-示人大信〔2026〕3号.docx``, or the
    kind alone for the unnumbered forms (a case has one 来信登记处理单, one 接待报告)."""
    return safe_filename(f"{kind}-{doc_no}.docx" if doc_no else f"{kind}.docx", f"{kind}.docx")


def write_case_document(ws: Workspace, case: Case, kind: str, *, on: dt.date,
                        context: dict[str, Any] | None = None, doc_no: str | None = None,
                        mask: bool | None = None) -> WrittenDocument | None:
    """Render document ``kind`` of ``case`` dated ``on``; None when the letters module is absent.

    ``context`` may hold ``deadline`` (a ``models.Deadline`` the letter cites); its other keys
    override what docgen.letters reads from ``case.extra`` (``route_to``, ``original_doc_no``,
    ``notice_type``...). ``doc_no`` reuses a 发文字号 (a reprint); otherwise a numbered kind
    takes the next one from the registry sequence inside the caller's transaction, so a failed
    command does not use up a number. ``mask`` as in ``build_context``.
    """
    try:
        from docgen.letters.context import build_context, doc_prefix, next_doc_number
        from docgen.letters.kinds import get_kind
        from docgen.letters.render import render_document
    except ImportError:
        return None
    context = dict(context or {})
    spec = get_kind(kind)
    overrides: dict[str, Any] = {}
    deadline: Deadline | None = context.pop("deadline", None)
    if deadline is not None:
        overrides["due_date"] = deadline.due_date
    # Checked before a number is taken: a refused document leaves the sequence alone even
    # outside a transaction.
    build_context(case, ws.config, spec.name, date=on, mask=mask,
                  template_dir=ws.templates_dir, **{**overrides, **context})
    if spec.numbered:
        if not doc_no:
            doc_no = next_doc_number(ws.registry, doc_prefix(ws.config, spec.name), spec.name,
                                     on.year)
        overrides["doc_no"] = doc_no
    else:
        doc_no = None
    values = build_context(case, ws.config, spec.name, date=on, mask=mask,
                           template_dir=ws.templates_dir, **{**overrides, **context})

    folder = ws.case_dir(case.case_no) / "documents"
    name = document_name(spec.name, doc_no)
    registered = [f for f in ws.registry.files(case.id) if f.role == FILE_DOCUMENT] if case.id else []
    replaces = next((f for f in registered if f.kind == spec.name and f.name == name), None)
    taken = {f.path for f in registered}
    path = folder / name
    n = 1
    # A fresh file, never the registered one: its bytes change only after the row does.
    while path.exists() or path.relative_to(ws.root).as_posix() in taken:
        n += 1
        path = folder / f"{Path(name).stem} ({n}).docx"
    render_document(spec.name, values, path, template_dir=ws.templates_dir)
    stored = StoredFile(case_id=case.id or 0, role=FILE_DOCUMENT, name=name,
                        path=path.relative_to(ws.root).as_posix(), sha256=sha256_file(path),
                        size=path.stat().st_size, kind=spec.name, added_date=on,
                        id=replaces.id if replaces else None)
    return WrittenDocument(kind=spec.name, path=path, stored=stored, doc_no=doc_no, replaces=replaces)


def register_document(ws: Workspace, doc: WrittenDocument) -> StoredFile:
    """Register ``doc`` inside the caller's transaction: a new file row, or the replaced row
    pointed at the new file with its new digest, size and date."""
    reg = ws.registry
    f = doc.stored
    if doc.replaces is None:
        return reg.add_file(f)
    # The row keeps its id so that whatever refers to it (events, an archive reservation)
    # still finds it.
    reg.update_file(f)
    return f


def drop_replaced(ws: Workspace, docs: list[WrittenDocument]) -> None:
    """After the commit: remove the files of the versions that were replaced."""
    for doc in docs:
        old = doc.replaced_path
        if old:
            remove_file(ws.root / old)


def pdf_copies(ws: Workspace, paths: list[Path]) -> list[Path]:
    """PDFs of documents of cases for printing, all in one LibreOffice run, into ``output/`` as
    ``<case_no>-<name>.pdf`` (two cases' 来信登记处理单 must not overwrite each other there).
    The case keeps the .docx it registered; the PDF is not a file of the case."""
    from docgen.letters.pdf import convert_to_pdf

    docs = [Path(p) for p in paths if str(p).lower().endswith(".docx")]
    if not docs:
        return []
    out = []
    for doc, pdf in zip(docs, convert_to_pdf(docs, out_dir=ws.output_dir), strict=True):
        case_no = doc.parent.parent.name if doc.parent.name == "documents" else ""
        if case_no and not pdf.name.startswith(f"{case_no}-"):
            target = pdf.with_name(f"{case_no}-{pdf.name}")
            pdf.replace(target)
            pdf = target
        out.append(pdf)
    return out
