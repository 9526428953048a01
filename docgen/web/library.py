"""What the web app needs beyond the library functions the command line uses.

Every action of the app calls the same function as the command line (``casefile.query_cases``,
``dashboard.today``, ``intake.pipeline.register_parsed``, ``editing.edit_case``, the workflow
steps): no business logic is written twice. This module only adds what a form or a page needs:
the bodies used before, a typed date checked like ``--date``, which users see ID and phone
numbers whole (and the masking for the others, with ``docgen.privacy``'s functions), and where a
field read by OCR sits on the page image.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter

from docgen import users
from docgen.errors import DocgenError
from docgen.index.highlight import CLOSE, OPEN
from docgen.privacy import mask_id_number, mask_phone, mask_text
from docgen.workspace import Workspace

LIST_PAGE = 50       # cases per page of the case list


# --- bodies used before -----------------------------------------------------------------------

_BODIES: dict[str, tuple[int, Counter]] = {}
_BODIES_LOCK = threading.Lock()


def known_bodies(ws: Workspace, limit: int = 200) -> list[str]:
    """The bodies cases were assigned or forwarded to before, most used first (the 交办/转送
    form offers them).

    Counted once per process and then only over the events added since (events are only ever
    appended): reading every event's JSON took 0.36 s per case page at 100,000 cases."""
    key = str(ws.registry_path)
    conn = ws.registry.conn
    newest = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    with _BODIES_LOCK:
        last, counts = _BODIES.get(key, (0, Counter()))
    if newest < last:                 # a registry restored from an older copy: count again
        last, counts = 0, Counter()
    if newest > last:
        counts = Counter(counts)
        for (body,) in conn.execute(
                "SELECT json_extract(data, '$.to') FROM events WHERE id > ? AND id <= ? "
                "AND kind IN ('交办', '转送')", (last, newest)):
            if isinstance(body, str) and body.strip():
                counts[body.strip()] += 1
        with _BODIES_LOCK:
            _BODIES[key] = (newest, counts)
    return [b for b, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


DATE_PLACEHOLDER = "2026-12-07"


def parse_day(text: str | None, what: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` typed in a form (the inputs are plain text, so that every browser shows
    年-月-日 whatever its language), parsed as on the command line
    (``date_limits.parse_iso_day``). None when empty; DocgenError saying what is wrong
    otherwise."""
    from docgen import date_limits

    value = (text or "").strip()
    if not value:
        return None
    try:
        return date_limits.parse_iso_day(value)
    except date_limits.NotIsoDay:
        raise DocgenError(f"{what}格式应为 YYYY-MM-DD，如 {DATE_PLACEHOLDER}（实际为 {value}）") from None
    except ValueError:
        raise DocgenError(f"{what}不存在或格式应为 YYYY-MM-DD（实际为 {value}）") from None


def check_date(text: str | None, what: str, *, default: dt.date | None = None) -> dt.date | None:
    """A ``YYYY-MM-DD`` typed in a form: the same range checks as ``--date`` on the command line."""
    from docgen import date_limits

    day = parse_day(text, what)
    if day is None:
        return default
    return date_limits.check_happened(day, what)


def check_view_date(text: str | None, what: str) -> dt.date | None:
    """A day to look at (search from/to): the range of ``--from``/``--to``."""
    from docgen import date_limits

    day = parse_day(text, what)
    return None if day is None else date_limits.check_view(day, what)


# --- personal data ----------------------------------------------------------------------------

# The roles that work cases see ID and phone numbers whole; 只读 sees them masked on every page
# (docs/cli.md §11) and may not download a case's files (originals and documents carry them).
WHOLE_NUMBER_ROLES = frozenset({users.ROLE_CLERK, users.ROLE_HEAD, users.ROLE_LEADER})


def sees_whole_numbers(user) -> bool:
    return bool(user) and user.active and user.role in WHOLE_NUMBER_ROLES


def shown_id(value: str | None, whole: bool) -> str:
    return (value if whole else mask_id_number(value)) if value else "—"


def shown_phone(value: str | None, whole: bool) -> str:
    return (value if whole else mask_phone(value)) if value else "—"


def shown_text(value, whole: bool):
    """Free text (a letter, a summary, an event, a reason) with the numbers in it masked unless
    ``whole``."""
    if whole or not value:
        return value
    return mask_text(str(value))


_LONG_DIGITS_AT_EDGE = re.compile(r"^[\s….]*[\dXx]{7,}|[\dXx]{7,}[\s….]*$")


def shown_snippet(snippet: str | None, whole: bool) -> str:
    """A search snippet (matches marked 【…】) masked like ``shown_text``; the marks stay where
    they were (a match inside a number does not hide the number from the masking: it is looked
    for in the text without the marks). A long run of digits cut by the snippet's edge, too
    short to be recognised as a number, is hidden whole."""
    if whole or not snippet:
        return snippet or ""
    plain = "".join(ch for ch in snippet if ch not in (OPEN, CLOSE))
    masked = mask_text(plain)
    masked = _LONG_DIGITS_AT_EDGE.sub(lambda m: re.sub(r"[\dXx]", "*", m.group()), masked)
    if len(masked) != len(plain):     # masking keeps lengths; if it ever did not, drop the marks
        return masked
    out, i = [], 0
    for ch in snippet:
        if ch in (OPEN, CLOSE):
            out.append(ch)
        else:
            out.append(masked[i])
            i += 1
    return "".join(out)


# --- where a field sits on the scanned page ---------------------------------------------------

def _get(item, name):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


BOX_PAD = 0.006        # of the page width/height, around a line's box


def field_boxes(text: str, lines: list, sources: dict) -> dict[str, list[dict]]:
    """For each field read from OCR'd text, the boxes of the page lines its source covers:
    ``{field: [{"page": 0, "left": %, "top": %, "width": %, "height": %}, ...]}`` in percent of
    the page image's size (from ``extract.TextLine``; a line whose offsets no longer match the
    text is left out rather than drawn in the wrong place)."""
    usable = []
    for line in lines or []:
        start, end, box = _get(line, "start"), _get(line, "end"), _get(line, "box")
        if not isinstance(start, int) or not isinstance(end, int) or not box or len(box) != 4:
            continue
        if text[start:end] != _get(line, "text"):
            continue
        left, top, right, bottom = (float(v) for v in box)
        # a little room around the letters, so that the frame does not cover them
        usable.append((start, end, int(_get(line, "page") or 0),
                       (max(0.0, left - BOX_PAD), max(0.0, top - BOX_PAD / 2),
                        min(1.0, right + BOX_PAD), min(1.0, bottom + BOX_PAD / 2))))
    found: dict[str, list[dict]] = {}
    for name, src in (sources or {}).items():
        start, end = _get(src, "start"), _get(src, "end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        for a, b, page, (left, top, right, bottom) in usable:
            if a < max(end, start + 1) and start < b:
                found.setdefault(name, []).append({
                    "page": page, "left": round(left * 100, 2), "top": round(top * 100, 2),
                    "width": round((right - left) * 100, 2),
                    "height": round((bottom - top) * 100, 2)})
    return found
