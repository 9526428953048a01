"""归档文件目录 (.xlsx and landscape A4 .docx) and 备考表 (.docx) for each series
(全宗/门类/年度/期限/机构), as DA/T 22-2015 lays them out.

The rows come from the registry (what the archiver recorded for each 件), so a catalogue can be
rewritten at any time; every file is written atomically into ``archive/catalogues/<年度>/``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.archive.archive_no import RETENTION_NAMES, ArchiveNo, Series, finished_on
from docgen.archive.bag import CARRIER_PAPER, PAPER_REMARK, ItemDescription
from docgen.archive.title import responsible_of, title_of
from docgen.fileio import atomic_write_bytes, atomic_write_text
from docgen.models import FILE_ATTACHMENT, FILE_ORIGINAL, STATUS_FILED, Case, Event, StoredFile

COLUMNS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
# column widths in mm on landscape A4: they fill the type area (297 - 2 × 20 = 257 mm) exactly;
# 档号 (24 characters) and 日期 fit on one line, two-character headers too, 题名 gets the rest
_DOCX_WIDTHS_MM = (12, 56, 30, 20, 70, 22, 12, 12, 23)
_NOTES_WIDTHS_MM = (46, 124)
_XLSX_WIDTHS = (6, 28, 18, 14, 60, 11, 6, 6, 20)
STATE_NAME = ".catalogue-state.json"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"

def describe_item(case: Case, events: list[Event], files: list[StoredFile] | None = None) -> ItemDescription:
    """题名, 责任者, 日期, 文号 and 备注 of one 件 (题名 as DA/T 22 writes it: docgen.archive.title).

    日期 is the day the case was finished (办结, or the 存档备查 decision): inside the 件 the result
    comes first (docs/standards.md, archive), so it is the 主件 whose date the 件 carries. 文号 is
    the first 发文字号 docgen issued for the case. 备注 notes 纸质 (set when packing), 存档备查
    and what an archivist should know.
    """
    responsible = responsible_of(case)
    title = title_of(case)
    doc_no = ""
    for e in events:
        value = e.data.get("doc_no") if isinstance(e.data, dict) else None
        if value:
            doc_no = str(value)
            break
    day = finished_on(case, events) or case.closed_date or case.received_date
    remarks = []
    if case.status == STATUS_FILED:
        remarks.append("存档备查")
    if files and not any(f.role == FILE_ORIGINAL for f in files) and case.extra.get("ledger_file"):
        remarks.append("来信原件为纸质")
    remarks.extend(f for f in case.flags if f in ("集体访", "重复信访", "越级", "积案", "重点督办"))
    if case.legal:
        remarks.append("涉法涉诉")
    got_report = any(e.kind == "收到结果" for e in events) or any(
        f.role == FILE_ATTACHMENT and "结果" in (f.kind or "") for f in files or [])
    if any(e.kind == "交办" for e in events) and not got_report:
        remarks.append("交办未收到书面结果报告")
    return ItemDescription(title=title, responsible=responsible, date=day.strftime("%Y%m%d"),
                           doc_no=doc_no, secret=str(case.extra.get("secret_level", "") or ""),
                           remarks="；".join(dict.fromkeys(remarks)))


@dataclass
class CatalogueRow:
    seq: int
    archive_no: str
    doc_no: str
    responsible: str
    title: str
    date: str
    secret: str
    pages: int | None         # None: a 纸质 item, counted on the paper
    remarks: str

    @property
    def paper(self) -> bool:
        return self.pages is None

    def cells(self) -> list[Any]:
        return [self.seq, self.archive_no, self.doc_no, self.responsible, self.title, self.date,
                self.secret, "" if self.pages is None else self.pages, self.remarks]


def _rows_for(cases: list[Case]) -> list[CatalogueRow]:
    keyed = sorted(((ArchiveNo.parse(c.archive_no), c) for c in cases if c.archive_no),
                   key=lambda t: t[0])
    rows = []
    for i, (no, c) in enumerate(keyed, 1):
        info = c.extra.get("archive", {})
        d = info.get("catalogue", {})
        paper = info.get("carrier") == CARRIER_PAPER
        rows.append(CatalogueRow(i, str(no), d.get("doc_no", ""), d.get("responsible", ""),
                                 d.get("title", ""), d.get("date", ""), d.get("secret", ""),
                                 None if paper else int(info.get("pages", 0)), d.get("remarks", "")))
    return rows


def catalogue_dir(archive_dir: Path, year: int) -> Path:
    return archive_dir / "catalogues" / str(year)


def catalogue_paths(archive_dir: Path, series: Series) -> dict[str, Path]:
    base = catalogue_dir(archive_dir, series.year)
    return {"xlsx": base / f"归档文件目录_{series}.xlsx",
            "docx": base / f"归档文件目录_{series}.docx",
            "notes": base / f"备考表_{series}.docx"}


def _fingerprint(rows: list[CatalogueRow], people: dict[str, str]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r.cells(), ensure_ascii=False).encode())
    h.update(json.dumps(people, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _read_state(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_catalogues(archive_dir: Path, cases_by_series: dict[Series, list[Case]],
                     config: dict[str, Any], *, today: dt.date | None = None,
                     force: bool = False) -> list[Path]:
    """Write the catalogue and 备考表 of each series whose contents changed (or whose files
    are missing). Returns the paths written."""
    today = today or dt.date.today()
    sec = config.get("archive", {})
    office = config.get("office", {}).get("name", "")
    people = {"arranger": str(sec.get("arranger", "") or ""), "checker": str(sec.get("checker", "") or ""),
              "check_date": str(sec.get("check_date", "") or "")}
    written: list[Path] = []
    for series in sorted(cases_by_series):
        rows = _rows_for(cases_by_series[series])
        if not rows:
            continue
        paths = catalogue_paths(archive_dir, series)
        state_path = paths["xlsx"].parent / STATE_NAME
        state = _read_state(state_path)
        fp = _fingerprint(rows, people)
        if not force and state.get(str(series)) == fp and all(p.exists() for p in paths.values()):
            continue
        atomic_write_bytes(paths["xlsx"], catalogue_xlsx(series, rows, office))
        atomic_write_bytes(paths["docx"], catalogue_docx(series, rows, office))
        atomic_write_bytes(paths["notes"], notes_docx(series, rows, people, today))
        written.extend(paths.values())
        # the state is written last: a crash before it makes the next run write them again
        state = _read_state(state_path)
        state[str(series)] = fp
        atomic_write_text(state_path, json.dumps(state, ensure_ascii=False, indent=1))
    return written


def _title(series: Series) -> str:
    return (f"归档文件目录（{series.year}年度 · 保管期限{RETENTION_NAMES.get(series.retention, series.retention)}"
            f" · 机构 {series.org}）")


def force_text_cells(sheet) -> None:
    """Every text cell is written as a string (``data_type = 's'``): a 题名, name or 文号 that
    starts with = + - @ (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``) is text in Excel and WPS,
    never a formula (issue 9, item 9). openpyxl would otherwise store such text as a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def catalogue_xlsx(series: Series, rows: list[CatalogueRow], office: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "归档文件目录"
    ws.append([_title(series)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"{office}　全宗号 {series.fonds}　门类 {series.category}"])
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    for i, _ in enumerate(COLUMNS, 1):
        cell = ws.cell(row=3, column=i)
        cell.font = Font(name=BODY_FONT, bold=True)
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(i)].width = _XLSX_WIDTHS[i - 1]
    for r in rows:
        ws.append(r.cells())
    # dates stay text: 20140523 is a code, not a number to be summed or reformatted
    for row in ws.iter_rows(min_row=4, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "@"
    force_text_cells(ws)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _new_document(landscape: bool):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
    else:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(20)
    sec.top_margin = sec.bottom_margin = Mm(20)
    return doc


def _heading(doc, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(text), TITLE_FONT, 18)


def _fill_cell(cell, text: str, bold: bool = False, size: float = 10.5) -> None:
    p = cell.paragraphs[0]
    for r in list(p.runs):
        r._element.getparent().remove(r._element)
    _set_font(p.add_run(text), BODY_FONT, size, bold)


def _fix_widths(table, widths_mm: tuple[float, ...]) -> None:
    """Column widths that Word, WPS and LibreOffice all keep: the table grid (which LibreOffice
    lays out by; python-docx leaves it equal), the table width and a fixed layout."""
    from docx.oxml.ns import qn

    twips = [round(w * 1440 / 25.4) for w in widths_mm]
    tbl = table._tbl
    for col, w in zip(tbl.tblGrid.iterchildren(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(w))
    tblpr = tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:     # python-docx writes one; keep the schema order when it did not
        width = tblpr.makeelement(qn("w:tblW"), {})
        style = tblpr.find(qn("w:tblStyle"))
        tblpr.insert(0 if style is None else list(tblpr).index(style) + 1, width)
    width.set(qn("w:w"), str(sum(twips)))
    width.set(qn("w:type"), "dxa")
    tblpr.get_or_add_tblLayout().set(qn("w:type"), "fixed")


def catalogue_docx(series: Series, rows: list[CatalogueRow], office: str) -> bytes:
    """Landscape A4, one row per 件, header row repeated on every page."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    doc = _new_document(landscape=True)
    _heading(doc, _title(series))
    info = doc.add_paragraph()
    _set_font(info.add_run(f"{office}　全宗号：{series.fonds}　门类代码：{series.category}"), BODY_FONT, 12)
    table = doc.add_table(rows=2, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for i, (name, width) in enumerate(zip(COLUMNS, _DOCX_WIDTHS_MM, strict=True)):
        for row in table.rows:
            row.cells[i].width = Mm(width)
        _fill_cell(table.rows[0].cells[i], name, bold=True)
    _fix_widths(table, _DOCX_WIDTHS_MM)
    header_tr = table.rows[0]._tr
    trpr = header_tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    # a 件's row is never split over two pages (the proto row carries it to every row)
    for tr in (header_tr, table.rows[1]._tr):
        rpr = tr.get_or_add_trPr()
        rpr.insert(0, rpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    # Building rows by cloning one prototype is linear; python-docx's add_row is not.
    proto = table.rows[1]._tr
    proto.getparent().remove(proto)
    tbl = table._tbl
    for r in rows:
        tr = copy.deepcopy(proto)
        for tc, value in zip(tr.iterchildren(qn("w:tc")), r.cells(), strict=True):
            p = tc.find(qn("w:p"))
            run = p.makeelement(qn("w:r"), {})
            rpr = run.makeelement(qn("w:rPr"), {})
            fonts = rpr.makeelement(qn("w:rFonts"), {qn("w:ascii"): BODY_FONT, qn("w:hAnsi"): BODY_FONT,
                                                     qn("w:eastAsia"): BODY_FONT})
            size = rpr.makeelement(qn("w:sz"), {qn("w:val"): "21"})
            rpr.extend([fonts, size])
            t = run.makeelement(qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            t.text = str(value)
            run.extend([rpr, t])
            p.append(run)
        tbl.append(tr)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notes_docx(series: Series, rows: list[CatalogueRow], people: dict[str, str],
               today: dt.date) -> bytes:
    """备考表: what the box (series) holds, who arranged and who checked it, and when."""
    from docx.shared import Mm

    doc = _new_document(landscape=False)
    _heading(doc, "备　考　表")
    paper = [r for r in rows if r.paper]
    pages = sum(r.pages or 0 for r in rows)
    first, last = rows[0].archive_no, rows[-1].archive_no
    remarks = [r for r in rows if r.remarks and r.remarks != PAPER_REMARK]
    count = f"共 {len(rows)} 件"
    if paper:
        count += f"（电子 {len(rows) - len(paper)} 件 {pages} 页，纸质 {len(paper)} 件）"
    else:
        count += f"、{pages} 页"
    notes = (f"本组文件为 {series.year} 年度、保管期限{RETENTION_NAMES.get(series.retention, series.retention)}、"
             f"机构（问题）{series.org} 的信访文件，{count}，档号 {first} 至 {last}，件号连续。")
    if len(paper) < len(rows):
        notes += "每件电子文件以 BagIt 包保存，SHA-256 校验值见各件 manifest-sha256.txt。"
    if paper:
        shown = "、".join(r.archive_no for r in paper[:20]) + (f"等 {len(paper)} 件" if len(paper) > 20 else "")
        notes += (f"纸质件 {shown} 的原件为纸质，另行装盒保管，页数以纸质原件为准；"
                  "档案包中只有其元数据。")
    if remarks:
        notes += "需说明的情况：" + "；".join(f"{r.archive_no}{r.remarks}" for r in remarks[:50])
        if len(remarks) > 50:
            notes += f"等 {len(remarks)} 件"
        notes += "。"
    table = doc.add_table(rows=5, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    # labels narrow, the notes wide (portrait type area 210 - 2 × 20 = 170 mm)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(_NOTES_WIDTHS_MM[0]), Mm(_NOTES_WIDTHS_MM[1])
    _fix_widths(table, _NOTES_WIDTHS_MM)
    values = [("盒内文件情况说明", notes),
              ("整理人", people.get("arranger", "")),
              ("整理日期", today.strftime("%Y年%-m月%-d日")),
              ("检查人", people.get("checker", "")),
              ("检查日期", people.get("check_date", ""))]
    for row, (label, value) in zip(table.rows, values, strict=True):
        _fill_cell(row.cells[0], label, bold=True, size=14)
        _fill_cell(row.cells[1], value, size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
