"""The 信访情况分析 for the standing committee: a .docx with tables, charts and short generated
commentary, in the official style of the other documents (GB/T 9704: A4, margins 37/35/28/26 mm,
三号仿宋 body with the East Asian font slot set, 二号小标宋 title, headings 一、 in 黑体 and
（一） in 楷体, page numbers ``— N —``).

Every number comes from the same ``Stats`` that ``docgen stats --json`` prints. Personal data is
masked: names appear as 王某某, ID and phone numbers never appear.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.fileio import atomic_write_bytes, make_dirs
from docgen.letters.style import (
    FANGSONG,
    HEITI,
    KAITI,
    LINE_PITCH,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SONGTI,
    STYLE_BODY,
    STYLE_CELL,
    STYLE_H1,
    STYLE_H2,
    STYLE_PAGE_NO,
    STYLE_SIGNATURE,
    STYLE_TITLE,
    XIAOBIAOSONG,
    set_official_defaults,
    set_run_fonts,
)
from docgen.privacy import mask_text
from docgen.reports import charts
from docgen.reports.stats import UNKNOWN, Stats, compute_stats
from docgen.workspace import Workspace

# The report follows the same GB/T 9704 facts as the official letters (docgen.letters.style).
SIZE_5 = 10.5
TABLE_PITCH = Pt(20)
CHART_WIDTH = Mm(150)

STYLE_SUBTITLE = "DocSubtitle"
STYLE_CAPTION = "Caption2"

CN_NUMBERS = "一二三四五六七八九十"


# --- numbers in words --------------------------------------------------------------------------
def pct(value: float | None) -> str:
    """A rate as people read it: ``61.5%``; ``—`` when there is none."""
    return "—" if value is None else f"{value * 100:.1f}%"


def share(part: int, whole: int) -> str:
    return pct(part / whole) if whole else "—"


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def mask_name(name: str | None) -> str:
    """王小明 → 王某某, 李娜 → 李某; anonymous stays 匿名."""
    if not name:
        return "匿名"
    return name[0] + "某" * min(max(len(name) - 1, 1), 2)


def period_label(stats: Stats) -> str:
    p = stats.period
    if p.get("year"):
        return f"{p['year']}年"
    lo = dt.date.fromisoformat(p["from"]) if p.get("from") else None
    hi = dt.date.fromisoformat(p["to"]) if p.get("to") else None
    if lo and hi:
        return f"{cn_date(lo)}至{cn_date(hi)}"
    if lo:
        return f"{cn_date(lo)}以来"
    return f"截至{cn_date(dt.date.fromisoformat(p['as_of']))}"


def previous_period(stats: Stats, ws: Workspace) -> Stats | None:
    """The same period one year earlier (同比), as known on the same day; None when the period
    is open-ended."""
    p = stats.period
    if not (p.get("from") and p.get("to")):
        return None

    def back(iso_date: str) -> dt.date:
        d = dt.date.fromisoformat(iso_date)
        try:
            return d.replace(year=d.year - 1)
        except ValueError:          # 29 February
            return d.replace(year=d.year - 1, day=28)

    year = p["year"] - 1 if p.get("year") else None
    return compute_stats(ws, year=year, date_from=back(p["from"]), date_to=back(p["to"]),
                         as_of=dt.date.fromisoformat(p["as_of"]))


# Below this many cases in a denominator a rate or a share says nothing about the office's work
# (one repeat petition of three cases is "33%"): the commentary gives the count and no judgement.
MIN_CASES = 5
# A suggestion is made only where a figure stands out (docs/statistics.md, analysis report).
TOP_SHARE = 0.25          # a category is "concentrated" from a quarter of all cases
ON_TIME_TARGET = 0.9
SATISFACTION_TARGET = 0.8
REPEAT_SHARE = 0.1
GROUP_VISITS = 3


def change_words(now: int, before: int | None) -> str:
    """``同比增长12.5%`` / ``同比下降3.0%`` / ``与上年同期持平``; against a handful of cases a
    percentage misleads, so then the earlier count is given."""
    if before is None:
        return ""
    if before == 0:
        return "上年同期无登记" if now else "与上年同期持平"
    if before < MIN_CASES:
        return f"上年同期{before}件"
    diff = (now - before) / before
    if abs(diff) < 0.0005:
        return "与上年同期持平"
    return f"同比{'增长' if diff > 0 else '下降'}{abs(diff) * 100:.1f}%"


# --- the commentary ----------------------------------------------------------------------------
def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(k, v) for k, v in counts.items() if k != UNKNOWN]


def _names(keys: list[str], limit: int = 3, unit: str = "项") -> str:
    shown = "、".join(keys[:limit])
    return shown + (f"等{len(keys)}{unit}" if len(keys) > limit else "")


def _leaders(counts: dict[str, int], total: int, suffix: str = "") -> str:
    """The largest group(s) and the next two; ties are named together, never ranked."""
    ranked = _ranked(counts)
    if not ranked:
        return ""
    top = ranked[0][1]
    first = [k for k, v in ranked if v == top]
    if len(first) == len(ranked) and len(ranked) > 1:
        return f"{_names([k + suffix for k in first])}各{top}件，分布均衡。"
    if len(first) > 1:
        text = f"{_names([k + suffix for k in first])}最多，各{top}件，各占{share(top, total)}"
    else:
        text = f"{first[0]}{suffix}最多，{top}件，占{share(top, total)}"
    rest = ranked[len(first):len(first) + 2]
    if rest:
        text += "；其次是" + "、".join(f"{k}{suffix}{v}件（{share(v, total)}）" for k, v in rest)
    return text + "。"


@dataclass
class Commentary:
    """The generated sentences of the report, one per section."""

    overview: str
    channels: str
    categories: str
    targets: str
    townships: str
    months: str
    handling: str
    focus: str
    suggestions: list[str]


def _overview(s: Stats, previous: Stats | None) -> str:
    label = period_label(s)
    if s.total == 0:
        return f"{label}，未受理信访事项。"
    change = change_words(s.total, previous.total if previous else None)
    parts = [f"{label}，共受理信访事项{s.total}件" + (f"，{change}" if change else "") + "。"]
    visits = f"其中来访{s.visits}件{s.visitors}人次" if s.visits else "本期无来访"
    if s.group_visits:
        visits += f"，集体访{s.group_visits}批（{s.group_threshold}人及以上）"
    rates = [f"已办结{s.closed}件，办结率{pct(s.closure_rate)}"]
    if s.on_time_rate is not None:
        rates.append(f"按期办结率{pct(s.on_time_rate)}")
    if s.satisfaction_rate is not None:
        rates.append(f"满意率{pct(s.satisfaction_rate)}")
    parts.append(visits + "；" + "，".join(rates) + "。")
    return "".join(parts)


def _months(s: Stats) -> str:
    """Highest and lowest month over the months of the period that had begun by ``as_of``
    (a month with no case counts as 0); one month, or every month alike, is said as such."""
    as_of = s.period["as_of"][:7]
    months = [m for m in period_months(s) if m <= as_of] or sorted(s.by_month)
    if not s.total or not months:
        return ""
    counts = {m: s.by_month.get(m, 0) for m in months}
    filled = [m for m, v in counts.items() if v]
    if len(filled) == 1:
        return f"从时间分布看，本期受理件均在{_month_cn(filled[0])}。"
    hi, lo = max(counts.values()), min(counts.values())
    if hi == lo:
        return f"从时间分布看，各月受理件数相同，均为{hi}件。"
    high = [_month_cn(m) for m, v in counts.items() if v == hi]
    low = [_month_cn(m) for m, v in counts.items() if v == lo]
    each = "各" if len(high) > 1 else ""
    return (f"从时间分布看，{_names(high, unit='个月')}最多（{each}{hi}件），"
            f"{_names(low, unit='个月')}最少（{'各' if len(low) > 1 else ''}{lo}件）。")


def _handling(s: Stats) -> str:
    if s.total == 0:
        return ""
    if s.closed == 0:
        return "本期受理件均未办结。"
    text = f"已办结{s.closed}件，办结率{pct(s.closure_rate)}"
    if s.with_due:
        text += (f"；有办理期限的{s.with_due}件中，按期办结{s.on_time}件，"
                 f"按期办结率{pct(s.on_time_rate)}")
    text += "。"
    if s.answered:
        text += (f"已回访并表态的{s.answered}件中，满意和基本满意{s.satisfied}件，"
                 f"满意率{pct(s.satisfaction_rate)}。")
    else:
        text += "办结件尚无回访表态，满意率无从计算。"
    return text


def _focus(s: Stats) -> str:
    if s.total == 0:
        return ""
    repeat = (f"重复信访{s.repeat}件，占受理总数的{share(s.repeat, s.total)}" if s.repeat
              else "本期无重复信访")
    group = f"集体访{s.group_visits}批" if s.group_visits else "无集体访"
    visitors = f"，来访总人次{s.visitors}" if s.visits else ""
    return f"{repeat}；{group}{visitors}。"


def suggestions_for(s: Stats) -> list[str]:
    """Only what a figure calls for: a category holding a quarter of enough cases, on-time or
    satisfaction rates under target over enough cases, repeats and group visits in number."""
    out = []
    ranked = _ranked(s.by_category)
    if ranked and s.total >= MIN_CASES:
        name, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if n >= MIN_CASES and n / s.total >= TOP_SHARE and n > second:
            out.append(f"{name}类问题{n}件，占{share(n, s.total)}，反映集中，建议提请有关专门委员会"
                       "结合监督工作开展专题调研，推动从源头上解决。")
    if s.with_due >= MIN_CASES and s.on_time_rate is not None and s.on_time_rate < ON_TIME_TARGET:
        late = s.with_due - s.on_time
        out.append(f"有{late}件未能在期限内办结（按期办结率{pct(s.on_time_rate)}），"
                   "建议加强催办督办，对超期件逐件跟踪。")
    if s.repeat >= MIN_CASES and s.repeat / s.total >= REPEAT_SHARE:
        out.append(f"重复信访{s.repeat}件，占{share(s.repeat, s.total)}，建议对多次来信来访人员"
                   "逐人梳理，落实包案化解。")
    if s.group_visits >= GROUP_VISITS:
        out.append(f"集体访{s.group_visits}批，建议对涉及人数较多的问题提前研判，"
                   "督促有关方面及早化解。")
    if s.answered >= MIN_CASES and s.satisfaction_rate is not None \
            and s.satisfaction_rate < SATISFACTION_TARGET:
        out.append(f"已回访的{s.answered}件中不满意{s.answered - s.satisfied}件（满意率"
                   f"{pct(s.satisfaction_rate)}），建议加强办理结果回访，对不满意件督促承办单位再研究。")
    return out


def commentary(stats: Stats, previous: Stats | None) -> Commentary:
    s, total = stats, stats.total
    channels = ("从来源渠道看，" + "，".join(f"{k}{v}件（{share(v, total)}）"
                                        for k, v in s.by_channel.items()) + "。") if total else ""
    categories = f"从反映问题看，{_leaders(s.by_category, total, '类')}" if _ranked(s.by_category) else ""
    targets = f"从被反映对象看，{_leaders(s.by_target, total)}" if _ranked(s.by_target) else ""
    townships = f"从地域分布看，{_leaders(s.by_township, total)}" if _ranked(s.by_township) else ""
    if s.by_township.get(UNKNOWN):
        townships += f"另有{s.by_township[UNKNOWN]}件未能确定所属乡镇（街道）。"
    return Commentary(_overview(s, previous), channels, categories, targets, townships, _months(s),
                      _handling(s), _focus(s), suggestions_for(s))


def _month_cn(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def period_months(stats: Stats) -> list[str]:
    """Every month of the period (for the chart), ``YYYY-MM``."""
    p = stats.period
    keys = sorted(stats.by_month)
    lo = p.get("from")[:7] if p.get("from") else (keys[0] if keys else None)
    hi = p.get("to")[:7] if p.get("to") else (keys[-1] if keys else None)
    if not lo or not hi:
        return keys
    y, m = int(lo[:4]), int(lo[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= hi and len(out) < 240:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- document building -------------------------------------------------------------------------
_STYLE_FONTS = {STYLE_TITLE: (XIAOBIAOSONG, SIZE_2), STYLE_H1: (HEITI, SIZE_3),
                STYLE_H2: (KAITI, SIZE_3), STYLE_CAPTION: (HEITI, SIZE_4),
                STYLE_CELL: (FANGSONG, SIZE_4), STYLE_SUBTITLE: (KAITI, SIZE_3)}


class _Report:
    def __init__(self):
        self.doc = Document()
        self._defaults()
        self._page()
        body = self.doc.element.body
        if len(body) and body[0].tag == qn("w:p"):
            body.remove(body[0])
        self.tables = 0
        self.figures = 0

    def _defaults(self) -> None:
        doc = self.doc
        set_official_defaults(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        two = 2 * SIZE_3
        self._style(STYLE_TITLE, XIAOBIAOSONG, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36))
        self._style(STYLE_SUBTITLE, KAITI, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER)
        self._style(STYLE_BODY, FANGSONG, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=two)
        self._style(STYLE_H1, HEITI, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=two, keep=True)
        self._style(STYLE_H2, KAITI, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=two, keep=True)
        self._style(STYLE_CAPTION, HEITI, SIZE_4, WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(24), keep=True)
        self.doc.styles[STYLE_CAPTION].paragraph_format.space_before = Pt(6)
        self._style(STYLE_CELL, FANGSONG, SIZE_4, WD_ALIGN_PARAGRAPH.CENTER, pitch=TABLE_PITCH)
        self._style(STYLE_SIGNATURE, FANGSONG, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT, right=4 * SIZE_3)
        self._style(STYLE_PAGE_NO, SONGTI, SIZE_4, WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(SIZE_4 * 1.2))

    def _style(self, name, font, size, align, *, first_line=None, right=None, pitch=LINE_PITCH,
               keep=False):
        st = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = self.doc.styles["Normal"]
        set_run_fonts(st.element, font)
        st.font.size = Pt(size)
        pf = st.paragraph_format
        pf.alignment = align
        if first_line is not None:
            pf.first_line_indent = Pt(first_line)
        if right is not None:
            pf.right_indent = Pt(right)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = pitch
        pf.keep_with_next = keep
        pf.widow_control = True

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(20)
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.style = self.doc.styles[STYLE_PAGE_NO]
            p.alignment = align
            setattr(p.paragraph_format, f"{side}_indent", Pt(SIZE_4))  # one character in
            self._page_field(p)

    @staticmethod
    def _page_field(paragraph) -> None:
        def run(text=None):
            r = paragraph.add_run(text)
            set_run_fonts(r._r, SONGTI)
            r.font.size = Pt(SIZE_4)
            return r

        run("— ")
        for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None)):
            r = run()
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                r._r.append(fld)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = instr
                r._r.append(el)
        run("1")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), "end")
        run()._r.append(fld)
        run(" —")

    # -- content -----------------------------------------------------------------------------
    def p(self, style: str, text: str = "", container=None):
        container = container if container is not None else self.doc
        para = container.add_paragraph(style=self.doc.styles[style])
        if text:
            font, size = _STYLE_FONTS.get(style, (FANGSONG, SIZE_3))
            run = para.add_run(mask_text(text))
            set_run_fonts(run._r, font)
            run.font.size = Pt(size)
        return para

    def table(self, title: str, header: list[str], rows: list[list[str]],
              widths_mm: list[float]) -> None:
        self.tables += 1
        self.p(STYLE_CAPTION, f"表{self.tables}　{title}")
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for r, values in enumerate([header, *rows]):
            cells = table.rows[r].cells
            for c, value in enumerate(values):
                cells[c].width = Mm(widths_mm[c])
                para = cells[c].paragraphs[0]
                para.style = self.doc.styles[STYLE_CELL]
                run = para.add_run(mask_text(str(value)))
                set_run_fonts(run._r, HEITI if r == 0 else FANGSONG)
                run.font.size = Pt(SIZE_4)
            trpr = table.rows[r]._tr.get_or_add_trPr()
            # no row broken over a page, and every row kept with the next, so a table stays
            # on one page with its 合计 row (Word and LibreOffice both honour keep-with-next
            # on the paragraphs of all rows but the last)
            trpr.append(_on("w:cantSplit"))
            if r == 0:   # repeat the header should a long table still run over
                trpr.append(_on("w:tblHeader"))
            if r < len(rows):
                for cell in cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
        for gc, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
            gc.set(qn("w:w"), str(Mm(width).twips))
        self.p(STYLE_CELL, "")       # breathing space after the table

    def figure(self, title: str, png: bytes) -> None:
        self.figures += 1
        para = self.p(STYLE_CELL)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.paragraph_format.keep_with_next = True
        para.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        self.p(STYLE_CAPTION, f"图{self.figures}　{title}")
        self.p(STYLE_CELL, "")


def _on(tag: str):
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    return el


def _masked(counts: dict[str, int]) -> dict[str, int]:
    """Labels as the charts print them: a 被反映对象 or 类别 is text from a letter and may hold
    an ID or phone number (the tables and paragraphs mask theirs in ``_Report``)."""
    out: dict[str, int] = {}
    for k, v in counts.items():
        out[mask_text(k)] = out.get(mask_text(k), 0) + v
    return out


def _count_rows(counts: dict[str, int], total: int) -> list[list[str]]:
    rows = [[k, str(v), share(v, total)] for k, v in counts.items()]
    rows.append(["合计", str(total), share(total, total) if total else "—"])
    return rows


SATISFACTION_ORDER = ("满意", "基本满意", "不满意", "未回访", "未填写")


def satisfaction_order(counts: dict[str, int]) -> dict[str, int]:
    """满意, 基本满意, 不满意, 未回访, 未填写 — the scale's order, not the counts'."""
    ordered = {k: counts[k] for k in SATISFACTION_ORDER if counts.get(k)}
    ordered.update({k: v for k, v in counts.items() if k not in ordered})
    return ordered


def repeat_petitioners(stats: Stats, limit: int = 10) -> list[list[str]]:
    """Petitioners with more than one case in the period, masked: 姓名, 乡镇, 件数, 最近收到."""
    groups: dict[str, list] = defaultdict(list)
    for f in stats.cases:
        p = f.case.petitioner
        key = p.id_number or (f"{p.name}|{p.phone or p.address}" if p.name else None)
        if key:
            groups[key].append(f)
    rows = []
    for items in groups.values():
        if len(items) < 2:
            continue
        items.sort(key=lambda f: f.case.received_date)
        last = items[-1]
        rows.append((len(items), last.case.received_date,
                     [mask_name(last.case.petitioner.name), last.township or UNKNOWN,
                      str(len(items)), cn_date(last.case.received_date)]))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [r[2] for r in rows[:limit]]


def build_analysis_report(ws: Workspace, stats: Stats, previous: Stats | None = None) -> Document:
    """The report as a python-docx Document."""
    office = ws.section("office")
    notes = commentary(stats, previous)
    label = period_label(stats)
    r = _Report()
    title = r.p(STYLE_TITLE, f"{label}信访情况分析")
    title.paragraph_format.space_after = Pt(6)
    as_of = dt.date.fromisoformat(stats.period["as_of"])
    r.p(STYLE_SUBTITLE, f"（{office.get('office_name', '信访室')}　数据截至{cn_date(as_of)}）")
    r.p(STYLE_BODY, "")
    total = stats.total

    r.p(STYLE_H1, "一、总体情况")
    r.p(STYLE_BODY, notes.overview)
    rows = [["受理信访事项（件）", str(total), str(previous.total) if previous else "—"],
            ["其中：来访（件/人次）", f"{stats.visits}/{stats.visitors}",
             f"{previous.visits}/{previous.visitors}" if previous else "—"],
            ["集体访（批）", str(stats.group_visits), str(previous.group_visits) if previous else "—"],
            ["重复信访（件）", str(stats.repeat), str(previous.repeat) if previous else "—"],
            ["已办结（件）", str(stats.closed), str(previous.closed) if previous else "—"],
            ["办结率", pct(stats.closure_rate), pct(previous.closure_rate) if previous else "—"],
            ["按期办结率", pct(stats.on_time_rate), pct(previous.on_time_rate) if previous else "—"],
            ["满意率", pct(stats.satisfaction_rate), pct(previous.satisfaction_rate) if previous else "—"]]
    r.table("主要指标", ["指标", "本期", "上年同期"], rows, [66, 45, 45])

    # heading, table caption, figure caption (地域分布 is already a 分布: no 地域分布分布)
    sections = [
        ("来源渠道", "来源渠道统计", "来源渠道分布", notes.channels, stats.by_channel, "渠道", "pie"),
        ("反映问题类别", "反映问题类别统计", "反映问题类别分布", notes.categories, stats.by_category,
         "类别", "bar"),
        ("被反映对象", "被反映对象统计", "被反映对象分布", notes.targets, stats.by_target, "被反映对象",
         "bar"),
        ("地域分布", "地域分布统计", "各乡镇（街道）受理件数", notes.townships, stats.by_township,
         "乡镇（街道）", "bar"),
    ]
    n = 1
    for heading, table_caption, figure_caption, text, counts, column, kind in sections:
        n += 1
        r.p(STYLE_H1, f"{CN_NUMBERS[n - 1]}、{heading}")
        if total == 0:
            r.p(STYLE_BODY, "本期无数据。")
            continue
        r.p(STYLE_BODY, text)
        r.table(table_caption, [column, "件数", "占比"], _count_rows(counts, total), [76, 40, 40])
        # the caption under the figure names it; no title inside the chart
        labels = _masked(counts)
        png = charts.pie_chart(labels) if kind == "pie" else charts.bar_chart(labels)
        r.figure(figure_caption, png)

    n += 1
    r.p(STYLE_H1, f"{CN_NUMBERS[n - 1]}、时间分布")
    if stats.by_month:
        r.p(STYLE_BODY, notes.months)
        r.figure("各月受理件数", charts.month_chart(stats.by_month, period_months(stats)))

    n += 1
    r.p(STYLE_H1, f"{CN_NUMBERS[n - 1]}、办理情况")
    r.p(STYLE_BODY, notes.handling or "本期无数据。")
    if stats.by_status:
        r.table("办理状态", ["状态", "件数", "占比"], _count_rows(stats.by_status, total), [76, 40, 40])
    if stats.by_satisfaction:
        r.table("回访满意度（已办结件）", ["满意度", "件数", "占比"],
                _count_rows(satisfaction_order(stats.by_satisfaction), stats.closed), [76, 40, 40])

    n += 1
    r.p(STYLE_H1, f"{CN_NUMBERS[n - 1]}、需要关注的情况")
    r.p(STYLE_BODY, notes.focus or "本期无数据。")
    repeaters = repeat_petitioners(stats)
    if repeaters:
        r.p(STYLE_BODY, "本期多次信访的人员如下（姓名已作遮蔽处理）：")
        r.table("多次信访人员", ["信访人", "乡镇（街道）", "件数", "最近一次"], repeaters,
                [30, 46, 24, 56])

    if notes.suggestions:      # only where a figure calls for one (suggestions_for)
        n += 1
        r.p(STYLE_H1, f"{CN_NUMBERS[n - 1]}、几点建议")
        for i, text in enumerate(notes.suggestions, 1):
            r.p(STYLE_BODY, f"{i}.{text}" if len(notes.suggestions) > 1 else text)

    r.p(STYLE_BODY, "")
    r.p(STYLE_SIGNATURE, office.get("office_name", "信访室"))
    r.p(STYLE_SIGNATURE, cn_date(as_of))
    props = r.doc.core_properties
    props.title = f"{label}信访情况分析"
    props.author = props.last_modified_by = "docgen"
    return r.doc


def write_analysis_report(ws: Workspace, stats: Stats, path: Path,
                          previous: Stats | None | bool = True) -> Path:
    """Write the report to ``path`` (atomically). ``previous``: the 同比 figures, True to compute
    them, None to leave them out."""
    if previous is True:
        previous = previous_period(stats, ws)
    doc = build_analysis_report(ws, stats, previous or None)
    buf = io.BytesIO()
    doc.save(buf)
    path = Path(path)
    make_dirs(path.parent)
    atomic_write_bytes(path, buf.getvalue())
    return path


def write_analysis_pdf(ws: Workspace, stats: Stats, path: Path,
                       previous: Stats | None | bool = True) -> Path:
    """``stats --pdf``: the report converted by LibreOffice (docgen.letters.pdf, with the
    fontconfig that maps the 公文 fonts), written atomically to ``path``."""
    import tempfile

    from docgen.letters.pdf import convert_to_pdf

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="docgen-report-") as tmp:
        docx = write_analysis_report(ws, stats, Path(tmp) / f"{path.stem}.docx", previous)
        pdf = convert_to_pdf([docx], Path(tmp))[0]
        make_dirs(path.parent)
        atomic_write_bytes(path, pdf.read_bytes())
    return path
