"""The one place where the workflow asks docgen.letters for a document (交办函, 转送函, 催办函, 督办函).

``write_case_document`` writes the document of a case under ``case_dir/documents/`` and returns
the ``StoredFile`` to register; the caller registers it in the same transaction as its event and
removes the file if that transaction fails. Keeping the call here means a change in the letters
API touches only this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.fileio import safe_filename, sha256_file
from docgen.models import FILE_DOCUMENT, Case, Deadline, StoredFile
from docgen.workspace import Workspace


@dataclass
class WrittenDocument:
    kind: str
    path: Path                    # absolute
    stored: StoredFile            # not yet registered (id None)
    doc_no: str | None = None     # 发文字号, when the kind is numbered


def write_case_document(ws: Workspace, case: Case, kind: str, *, on: dt.date,
                        context: dict[str, Any] | None = None) -> WrittenDocument | None:
    """Render document ``kind`` of ``case`` dated ``on``; None when the letters module is absent.

    ``context`` may hold ``deadline`` (a ``models.Deadline`` the letter cites); its other keys
    override what docgen.letters reads from ``case.extra`` (``route_to``, ``original_doc_no``...). The 发文字号 is taken from the registry sequence inside the caller's
    transaction, so a failed command does not use up a number.
    """
    try:
        from docgen.letters.context import build_context, next_doc_number
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
    doc_no = None
    if spec.numbered:
        prefix = str(ws.section("office").get("doc_prefix") or "")
        doc_no = next_doc_number(ws.registry, prefix, spec.name, on.year)
        overrides["doc_no"] = doc_no
    values = build_context(case, ws.config, spec.name, date=on, **overrides, **context)
    folder = ws.case_dir(case.case_no) / "documents"
    name = safe_filename(f"{spec.name}-{doc_no}.docx" if doc_no else f"{spec.name}-{on.isoformat()}.docx",
                         f"{spec.name}.docx")
    path = folder / name
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{Path(name).stem} ({n}).docx"
    render_document(spec.name, values, path, template_dir=ws.templates_dir)
    stored = StoredFile(case_id=case.id or 0, role=FILE_DOCUMENT, name=path.name,
                        path=path.relative_to(ws.root).as_posix(), sha256=sha256_file(path),
                        size=path.stat().st_size, kind=spec.name, added_date=on)
    return WrittenDocument(kind=spec.name, path=path, stored=stored, doc_no=doc_no)
