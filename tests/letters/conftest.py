"""Documents rendered once per test session: every kind for the sample case, plus the hostile
and the long letter; their PDFs come from one LibreOffice run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docgen.letters import KINDS, build_context, convert_to_pdf, have_libreoffice, render_document
from docgen.letters.context import format_doc_number
from tests.fixtures.letters_cases import OFFICE_CONFIG, hostile_case, long_case, sample_case

ISSUE_DATE = dt.date(2014, 5, 23)


def doc_no_for(kind: str) -> str:
    return format_doc_number("桐人大信", 2014, 12 + list(KINDS).index(kind))


def render_kind(kind: str, case, out_dir: Path, name: str | None = None, **extra) -> Path:
    ctx = build_context(case, OFFICE_CONFIG, kind, date=ISSUE_DATE, doc_no=doc_no_for(kind), **extra)
    return render_document(kind, ctx, out_dir / f"{name or kind}.docx")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """kind → .docx of the sample case; plus 'hostile' (交办函) and 'long' (交办函).

    The hostile and the long 交办函 print the letter's text as given (``facts=``, as a clerk may
    pass it), not its main issues: they test what a template does with any text, and a whole
    letter running over several pages."""
    out = tmp_path_factory.mktemp("letters")
    docs = {kind: render_kind(kind, sample_case(), out) for kind in KINDS}
    hostile = hostile_case()
    docs["hostile"] = render_kind("交办函", hostile, out, "hostile", facts=hostile.text)
    long = long_case()
    docs["long"] = render_kind("交办函", long, out, "long", facts=long.text)
    return docs


@pytest.fixture(scope="session")
def pdfs(rendered) -> dict[str, Path]:
    if not have_libreoffice():
        pytest.skip("LibreOffice (soffice) not installed")
    names = list(rendered)
    converted = convert_to_pdf([rendered[n] for n in names])
    return dict(zip(names, converted, strict=True))


def pytest_collection_modifyitems(config, items):
    if have_libreoffice():
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) not installed")
    for item in items:
        if "libreoffice" in item.keywords and not have_libreoffice():
            item.add_marker(skip)
