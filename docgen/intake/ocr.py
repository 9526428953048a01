"""OCR of page images: rapidocr (PP-OCRv4 models shipped in the wheel, run by onnxruntime).

The engine is created lazily, once per process, and shared (:func:`get_engine`): loading the
three ONNX models costs far more than a page, so a batch of letters must not reload them.

:func:`ocr_image` returns the page as plain text the way a clerk would type it: text lines in
reading order (boxes grouped into lines by vertical overlap after undoing the page skew, then
left to right), lines joined by ``\\n``, no spaces between Chinese characters, spaces kept
between Latin words. :func:`ocr_lines` gives the same lines with their boxes and confidence;
:func:`ocr_page` gives them with boxes as fractions of the page as it was handed in (so that a
viewer can draw a line's box over the page image at any size).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from statistics import median

import numpy as np
from PIL import Image

# Engine settings, chosen by measurement on generated A4 letters (benchmarks/bench_ocr.py; the
# comparison is in benchmarks/README.md). Every variant tried read the 12–16 pt test letters
# equally well, so the choice is about speed and small print:
# - the page goes to the engine at most 1600 px on the long side (default 2000): about 30 %
#   less CPU per page, and 10.5 pt (五号) text scanned at 200 dpi and degraded is still read as
#   well as at 2000 px; at 1280 px it starts to lose characters. The page is scaled down to
#   that size here (_recognise), smoothed, not by the engine: its plain linear resize drops the
#   detail of dense characters (鲟 of 鲟鱼镇 in WenQuanYi Zen Hei, 14 pt at 300 dpi, lost in
#   every such letter; benchmarks/README.md, field extraction);
# - the detector sees the page at most 1280 px on the long side ("max" limit) instead of the
#   default "min side >= 736", which ran detection on the full 1131×1600 image.
ENGINE_PARAMS: dict[str, object] = {
    "max_side_len": 1600,
    "det_limit_type": "max",
    "det_limit_side_len": 1280,
}

# Pages larger than this (long side, px) are scaled down before they are handed to the engine;
# it would scale them to 1600 px anyway, and a smaller array saves memory on huge scans.
MAX_OCR_SIDE = 4000

_engine = None
_engine_lock = threading.Lock()


def get_engine():
    """The process-wide rapidocr engine, created on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR  # heavy import: only when OCR is needed

                _engine = RapidOCR(**ENGINE_PARAMS)
    return _engine


@dataclass
class OcrLine:
    """One line of text on the page; ``box`` is (left, top, right, bottom) in image pixels."""

    text: str
    box: tuple[float, float, float, float]
    score: float


@dataclass
class _Fragment:
    text: str
    quad: np.ndarray        # 4×2 corner points, clockwise from top-left
    score: float
    cx: float = 0.0         # centre and height in the de-skewed frame
    cy: float = 0.0
    height: float = 0.0
    left: float = 0.0
    right: float = 0.0


def prepare_image(img: Image.Image) -> Image.Image:
    """Greyscale, at most ``MAX_OCR_SIDE`` px on the long side (the engine needs no colour)."""
    if img.mode not in ("L", "RGB"):
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            # transparent areas are paper, not black
            background = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(background, img.convert("RGBA"))
        img = img.convert("RGB")
    img = img.convert("L")
    longest = max(img.size)
    if longest > MAX_OCR_SIDE:
        scale = MAX_OCR_SIDE / longest
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.LANCZOS)
    return img


def ocr_lines(img: Image.Image) -> list[OcrLine]:
    """The text lines of ``img`` in reading order, each with its box and mean confidence."""
    return _read_page(img)[0]


def ocr_page(img: Image.Image) -> list[OcrLine]:
    """The lines of :func:`ocr_lines` (same texts, same order), each ``box`` given as fractions
    (0–1) of the width and height of ``img`` as handed in: (left, top, right, bottom). A page
    read upside down has its boxes turned back, so they sit on the page as a viewer shows it."""
    lines, (width, height), flipped = _read_page(img)
    out = []
    for line in lines:
        left, top, right, bottom = line.box
        if flipped:
            left, top, right, bottom = width - right, height - bottom, width - left, height - top
        box = (_fraction(left, width), _fraction(top, height),
               _fraction(right, width), _fraction(bottom, height))
        out.append(OcrLine(text=line.text, box=box, score=line.score))
    return out


def _fraction(value: float, whole: int) -> float:
    return round(min(1.0, max(0.0, value / whole)), 5) if whole else 0.0


def _read_page(img: Image.Image) -> tuple[list[OcrLine], tuple[int, int], bool]:
    """(lines with boxes in pixels of the prepared page, that page's size, whether the page
    was read turned by 180°)."""
    page = prepare_image(img)
    if min(page.size) < 8:
        return [], page.size, False
    fragments = _recognise(page)
    flipped = _upside_down(page, fragments)
    if flipped:
        # The engine turns each line the right way up, but the lines would come out bottom to
        # top: read the page again the right way up.
        fragments = _recognise(page.rotate(180))
    return [_merge_line(line) for line in _group_lines(fragments)], page.size, flipped


def _recognise(page: Image.Image) -> list[_Fragment]:
    # No per-line direction classifier: the page's direction is settled once (_upside_down),
    # and on an upright page the classifier now and then turns a line of digits and text by
    # 180°, which then reads as nothing (a whole line "3408…，联系电话：155…。" lost).
    limit = int(ENGINE_PARAMS["max_side_len"])      # type: ignore[call-overload]
    scale = np.array([1.0, 1.0])
    if max(page.size) > limit:
        k = limit / max(page.size)
        small = page.resize((max(1, round(page.width * k)), max(1, round(page.height * k))),
                            Image.Resampling.LANCZOS)
        # boxes back in the pixels of ``page``
        scale = np.array([small.width / page.width, small.height / page.height])
        page = small
    result, _ = get_engine()(np.asarray(page), use_cls=False)
    return [_Fragment(text=text, quad=np.asarray(box, dtype=np.float64) / scale, score=float(score))
            for box, text, score in (result or []) if text and text.strip()]


def _upside_down(page: Image.Image, fragments: list[_Fragment], sample: int = 12) -> bool:
    """Whether most text lines are upside down, by the engine's direction classifier on the
    longest lines (a few milliseconds)."""
    lines = []
    for f in fragments:
        x0, y0 = f.quad.min(axis=0)
        x1, y1 = f.quad.max(axis=0)
        if x1 - x0 > 3 * (y1 - y0) > 0:
            lines.append((x1 - x0, (int(x0), int(y0), int(x1) + 1, int(y1) + 1)))
    if not lines:
        return False
    lines.sort(reverse=True)
    crops = [np.asarray(page.crop(box).convert("RGB")) for _, box in lines[:sample]]
    _, labels, _ = get_engine().text_cls(crops)
    flipped = sum(1 for label, score in labels if "180" in label and score > 0.9)
    return flipped > len(crops) / 2


def ocr_image(img: Image.Image) -> str:
    """The text of one page image: lines in reading order joined by newlines, cleaned up."""
    return page_text(ocr_lines(img))


def page_text(lines: list[OcrLine]) -> str:
    """A page's text from its lines (those of ``ocr_lines`` or ``ocr_page``)."""
    return "\n".join(line.text for line in lines)


def _skew_angle(fragments: list[_Fragment]) -> float:
    """The page's skew (radians) from the top edges of wide boxes; 0 when there are none."""
    angles = []
    for f in fragments:
        (x0, y0), (x1, y1) = f.quad[0], f.quad[1]
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(*(f.quad[3] - f.quad[0]))
        if width > 2 * height and width > 0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return median(angles) if angles else 0.0


def _group_lines(fragments: list[_Fragment]) -> list[list[_Fragment]]:
    """Boxes → lines: undo the skew, then a box joins a line when their vertical extents
    overlap by at least half of the smaller height; lines top to bottom, boxes left to right."""
    angle = _skew_angle(fragments)
    cos_a, sin_a = math.cos(-angle), math.sin(-angle)
    for f in fragments:
        pts = f.quad @ np.array([[cos_a, sin_a], [-sin_a, cos_a]])   # rotate by -angle
        f.left, f.right = float(pts[:, 0].min()), float(pts[:, 0].max())
        top, bottom = float(pts[:, 1].min()), float(pts[:, 1].max())
        f.cx, f.cy, f.height = (f.left + f.right) / 2, (top + bottom) / 2, max(1.0, bottom - top)

    lines: list[list[_Fragment]] = []
    for f in sorted(fragments, key=lambda f: f.cy):
        best, best_overlap = None, 0.0
        for line in lines[-3:]:   # only the last few lines can still be on the same row
            top = min(g.cy - g.height / 2 for g in line)
            bottom = max(g.cy + g.height / 2 for g in line)
            height = min(bottom - top, f.height)
            overlap = min(bottom, f.cy + f.height / 2) - max(top, f.cy - f.height / 2)
            if overlap / height >= 0.5 and overlap / height > best_overlap:
                best, best_overlap = line, overlap / height
        if best is None:
            lines.append([f])
        else:
            best.append(f)
    for line in lines:
        line.sort(key=lambda f: f.left)
    lines.sort(key=lambda line: min(f.cy for f in line))
    return lines


def _merge_line(line: list[_Fragment]) -> OcrLine:
    text = clean_text(line[0].text)
    for prev, f in zip(line, line[1:], strict=False):
        gap = f.left - prev.right
        piece = clean_text(f.text)
        # A gap wider than two characters separates columns of a form ("姓名：张三    电话：…"):
        # keep one space so the fields do not run together. Otherwise join as Chinese is typed.
        if gap > 2 * min(prev.height, f.height) or (_is_latin(text[-1:]) and _is_latin(piece[:1])):
            text += " " + piece
        else:
            text += piece
    quads = np.concatenate([f.quad for f in line])
    box = (float(quads[:, 0].min()), float(quads[:, 1].min()),
           float(quads[:, 0].max()), float(quads[:, 1].max()))
    score = sum(f.score * len(f.text) for f in line) / max(1, sum(len(f.text) for f in line))
    return OcrLine(text=text, box=box, score=score)


# CJK ideographs, CJK punctuation, full-width forms: no spaces next to these.
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{_CJK}])")
_ASCII_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])([,:;?!])")
_FULLWIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _is_latin(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()


def clean_text(text: str) -> str:
    """Chinese clean-up of recognised text: no spaces touching Chinese characters or
    punctuation; ASCII ``, : ; ? !`` right after a Chinese character become full-width (the
    recogniser mixes both; Chinese typists use the full-width forms); other spaces collapse."""
    text = _SPACE_NEXT_TO_CJK.sub("", text.strip())
    text = _ASCII_PUNCT_AFTER_CJK.sub(lambda m: _FULLWIDTH[m.group(1)], text)
    return re.sub(r"[ \t]{2,}", " ", text)
