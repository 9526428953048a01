"""Writing .xlsx sheets that never run anything: every text is a text cell.

openpyxl turns a string that starts with ``=`` into a formula, and Excel or WPS evaluate it when
the file is opened: a petitioner's letter reading ``=HYPERLINK("http://…","点此")`` or
``=cmd|' /C calc'!A0`` would become a live link or a DDE call in the office's ledger
(issue 9 item 9). Every string written here is therefore stored as an inline string (openpyxl
``data_type = "s"``, no ``<f>`` element in the sheet XML), and one that starts with ``=``, ``+``,
``-`` or ``@`` also gets Excel's quote prefix, so that editing the cell later keeps it text.
Reading the file back gives the same text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docgen.fileio import atomic_write_bytes, make_dirs

FORMULA_LEAD = ("=", "+", "-", "@")
MAX_CELL = 32000            # Excel keeps at most 32,767 characters in a cell
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: str) -> str:
    """openpyxl refuses control characters; Excel cells hold at most 32,767 characters."""
    value = _ILLEGAL_XML.sub("", value)
    return value[:MAX_CELL] + "…" if len(value) > MAX_CELL else value


def set_text(cell, value: str) -> None:
    """Put ``value`` into ``cell`` as text, whatever it starts with."""
    cell.value = clean_text(value)
    cell.data_type = "s"
    if cell.value.lstrip().startswith(FORMULA_LEAD):
        cell.quotePrefix = True


def append_row(sheet, values: list[Any]) -> None:
    """``sheet.append`` with every string stored as a text cell (see the module docstring)."""
    if not values:
        sheet.append([])
        return
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    # the row just appended: ``sheet.max_row`` would scan every cell of the sheet (a 10,000-row
    # export became quadratic), the worksheet's own row counter does not
    row = sheet._current_row
    for col, value in enumerate(values, 1):
        if isinstance(value, str):
            set_text(sheet.cell(row=row, column=col), value)


def save_workbook(wb, path: Path) -> Path:
    """Save atomically (a half-written ledger never replaces a good one)."""
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    make_dirs(path.parent)
    atomic_write_bytes(path, buf.getvalue())
    return path
