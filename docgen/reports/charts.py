"""Charts for the analysis report, drawn with matplotlib (Agg, no display) as PNG bytes.

Chinese labels need a CJK font: the first installed one of ``PREFERRED_FONTS`` (Noto CJK comes
with the Debian package fonts-noto-cjk). Without any, the charts are still drawn and a warning
says that Chinese may show as boxes.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

PREFERRED_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP",
    "Noto Serif CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
    "PingFang SC", "Heiti SC",
)
# One colour family for every chart, printable in greyscale (office printers are often mono).
COLORS = ("#1f4e79", "#2e75b6", "#5b9bd5", "#9dc3e6", "#c00000", "#7f7f7f", "#bdd7ee", "#404040")
WIDTH_IN, HEIGHT_IN = 6.0, 3.0      # 152 × 76 mm: the type area is 156 mm wide
DPI = 200


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """The family name of an installed CJK font, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in installed:
            return name
    for name in sorted(installed):
        if "CJK" in name or "Han" in name:
            return name
    return None


def _setup() -> None:
    name = cjk_font_name()
    if name is None:
        warnings.warn("未找到中文字体（如 Noto CJK），图表中的中文可能显示为方框", stacklevel=3)
        family = ["DejaVu Sans"]
    else:
        family = [name, "DejaVu Sans"]
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": family,
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _top(counts: dict[str, int], limit: int) -> dict[str, int]:
    """The ``limit - 1`` largest entries and the rest summed as 其他 (charts stay readable)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(items) <= limit:
        return dict(items)
    head, rest = items[:limit - 1], items[limit - 1:]
    merged = dict(head)
    merged["其他"] = merged.get("其他", 0) + sum(v for _, v in rest)
    return merged


def bar_chart(counts: dict[str, int], title: str | None = None, *, unit: str = "件", limit: int = 10,
              horizontal: bool = True) -> bytes:
    """Counts as bars, largest first, each labelled with its number."""
    _setup()
    data = _top(counts, limit)
    labels, values = list(data), list(data.values())
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(HEIGHT_IN, 0.32 * len(labels) + 0.8)
                                    if horizontal else HEIGHT_IN))
    if horizontal:
        ypos = range(len(labels))[::-1]
        bars = ax.barh(list(ypos), values, color=COLORS[0], height=0.6)
        ax.set_yticks(list(ypos), labels)
        ax.set_xlabel(unit)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3)
        ax.set_xlim(0, max(values or [1]) * 1.15)
    else:
        bars = ax.bar(labels, values, color=COLORS[0], width=0.6)
        ax.set_ylabel(unit)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=2)
        ax.set_ylim(0, max(values or [1]) * 1.18)
    if title:
        ax.set_title(title)
    return _png(fig)


def pie_chart(counts: dict[str, int], title: str | None = None, *, limit: int = 7) -> bytes:
    """Shares of a whole (e.g. channels), with percentages."""
    _setup()
    data = _top({k: v for k, v in counts.items() if v}, limit)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN + 0.4))
    if data:
        total = sum(data.values())
        ax.pie(list(data.values()), labels=[f"{k} {v}件" for k, v in data.items()],
               colors=COLORS[:len(data)], startangle=90, counterclock=False,
               autopct=lambda pct: f"{pct:.1f}%" if pct * total >= 300 else "",
               pctdistance=0.72, wedgeprops={"linewidth": 1, "edgecolor": "white"},
               textprops={"fontsize": 9})
        for text in ax.texts:
            if text.get_text().endswith("%"):
                text.set_color("white")
    if title:
        ax.set_title(title)
    ax.axis("equal")
    return _png(fig)


def month_chart(by_month: dict[str, int], months: list[str], title: str | None = None) -> bytes:
    """Cases received per month; ``months`` lists every month of the period (zeros shown)."""
    _setup()
    values = [by_month.get(m, 0) for m in months]
    labels = [f"{int(m[5:])}月" if len(months) <= 12 else m for m in months]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))
    bars = ax.bar(labels, values, color=COLORS[1], width=0.6)
    ax.plot(labels, values, color=COLORS[4], marker="o", linewidth=1.2, markersize=3)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=8)
    ax.set_ylabel("件")
    ax.set_ylim(0, max(values or [1]) * 1.2)
    if len(labels) > 12:
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    if title:
        ax.set_title(title)
    return _png(fig)
