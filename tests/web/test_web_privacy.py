"""Personal data by role, dates typed the same in every browser, and where a field was read on
the scanned page (issue 11).

只读 users see ID and phone numbers masked on every page they can open (case page with its
timeline, reasons and similar cases, the case list, 今日, search hits and highlights) and may
not download a case's files; the roles that work the case see the numbers whole."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from docgen.index.highlight import CLOSE, OPEN
from docgen.web import library

from .conftest import register_letter

ID = "11010519491231002X"
PHONE = "13912345678"
NEW_PHONE = "13987654321"
LETTER = f"""尊敬的县人大常委会信访室：
我叫王秀英，身份证号 {ID}，电话 {PHONE}，住示例县城关镇幸福路 9 号。
我反映城关镇幸福路小区物业乱收费的问题，联系电话 {PHONE}。物业公司每月多收停车费 200 元。
请求责令物业公司退还多收的费用。
此致
敬礼
王秀英
2026年3月2日
"""


@pytest.fixture
def cases(ws, tmp_path):
    """Two letters of the same person (linked, similar), the first with its phone corrected
    (the 更正 event names the old and the new number)."""
    from docgen.editing import edit_case

    first = register_letter(ws, tmp_path / "a", LETTER, "a.txt")
    second = register_letter(ws, tmp_path / "b", LETTER.replace("物业乱收费", "物业公司乱收停车费"),
                             "b.txt")
    edit_case(ws, first.case_no, {"petitioner.phone": NEW_PHONE}, reason=f"原号码 {PHONE} 已停机",
              by="clerk")
    return first, second


def _numbers(html: str) -> set[str]:
    return {n for n in (ID, PHONE, NEW_PHONE) if n in html}


def _pages(b, first, second) -> dict[str, str]:
    pages = {name: b.get(path).get_data(as_text=True) for name, path in (
        ("case", f"/cases/{first.case_no}"), ("linked case", f"/cases/{second.case_no}"),
        ("list", "/cases"), ("today", "/"), ("stats", "/stats"))}
    r = b.post("/search", {"q": "王秀英"})
    pages["search by name"] = b.get(r.headers["Location"]).get_data(as_text=True)
    # a search for the number itself: the matched number in the highlight
    r = b.post("/search", {"q": PHONE})
    html = b.get(r.headers["Location"]).get_data(as_text=True)
    pages["search by phone (hits)"] = html[html.index('<section class="panel">'):]
    return pages


def test_reader_sees_id_and_phone_masked_on_every_page(reader, cases):
    first, second = cases
    pages = _pages(reader, first, second)
    for name, html in pages.items():
        assert not _numbers(html), (name, _numbers(html))
    case = pages["case"]
    assert "110105********002X" in case and "139****4321" in case         # privacy's masking
    assert "139****5678" in case                       # in the letter, the 更正 event, the reason
    assert "王秀英" in case and "幸福路 9 号" in case      # the rest is shown
    assert "<mark>" in pages["search by phone (hits)"] and first.case_no in pages["search by phone (hits)"]
    assert "139****5678" in pages["search by phone (hits)"]


def test_the_roles_that_work_the_case_see_the_numbers_whole(clerk, head, leader, cases):
    first, second = cases
    for b in (clerk, head, leader):
        case = b.get(f"/cases/{first.case_no}").get_data(as_text=True)
        assert {ID, PHONE, NEW_PHONE} <= _numbers(case)
    pages = _pages(clerk, *cases)
    assert ID in pages["linked case"]                  # the link's reason: 身份证号相同（…）
    assert PHONE in pages["search by phone (hits)"]


def test_reader_may_not_download_or_preview_files(reader, clerk, ws, cases):
    first, _ = cases
    [original] = [f for f in ws.registry.files(first.id)]
    for suffix in ("", "/pdf", "/preview.png"):
        r = reader.get(f"/cases/{first.case_no}/files/{original.id}{suffix}")
        assert r.status_code == 403, suffix
        assert "只读用户不能下载" in r.get_data(as_text=True)
    page = reader.get(f"/cases/{first.case_no}").get_data(as_text=True)
    assert f"/files/{original.id}" not in page and "只读用户不能下载或预览" in page
    r = clerk.get(f"/cases/{first.case_no}/files/{original.id}")
    assert r.status_code == 200 and PHONE.encode() in r.data


def test_snippet_masking_keeps_the_marks():
    snippet = f"电话 {PHONE[:3]}{OPEN}{PHONE[3:7]}{CLOSE}{PHONE[7:]}，物业{OPEN}乱收费{CLOSE}"
    masked = library.shown_snippet(snippet, whole=False)
    assert masked == f"电话 139{OPEN}****{CLOSE}5678，物业{OPEN}乱收费{CLOSE}"
    assert library.shown_snippet(snippet, whole=True) == snippet
    # a number cut by the snippet's edge is hidden whole
    assert library.shown_snippet("…身份证号 1101051949123", whole=False) == "…身份证号 *************"


# --- dates ------------------------------------------------------------------------------------

def test_date_inputs_are_text_with_the_format_shown(clerk, cases):
    first, _ = cases
    for path in (f"/cases/{first.case_no}", f"/cases/{first.case_no}/edit", "/visits/new", "/search"):
        html = clerk.get(path).get_data(as_text=True)
        assert 'type="date"' not in html, path
        assert re.search(r'<input[^>]*class="date"[^>]*pattern="\\d\{4\}-\\d\{2\}-\\d\{2\}"'
                         r'[^>]*placeholder="2026-12-07"', html), path


@pytest.mark.parametrize("typed,message", [
    ("12/07/2026", "日期格式应为 YYYY-MM-DD"),
    ("20261207", "日期格式应为 YYYY-MM-DD"),
    ("2026-02-30", "日期不存在或格式应为 YYYY-MM-DD"),
])
def test_a_date_in_another_form_is_refused_with_the_command_line_message(clerk, head, ws, cases,
                                                                         typed, message):
    first, _ = cases
    r = head.post(f"/cases/{first.case_no}/proposal", {"text": "建议交城关镇调查处理", "on": typed},
                  follow_redirects=True)
    assert message in r.get_data(as_text=True)
    assert not (ws.registry.get_case(first.case_no).extra or {}).get("proposal")
    r = clerk.post("/search", {"q": "物业", "date_from": typed})
    assert message in clerk.get(r.headers["Location"]).get_data(as_text=True)
    r = clerk.post(f"/cases/{first.case_no}/edit", {"letter_date": typed, "reason": "核对原件"})
    assert r.status_code == 400 and "来信" + message in r.get_data(as_text=True)


def test_a_date_typed_right_is_taken(head, ws, cases):
    first, _ = cases
    day = dt.date.today().isoformat()
    r = head.post(f"/cases/{first.case_no}/proposal", {"text": "建议交城关镇调查处理", "on": day},
                  follow_redirects=True)
    assert "已记录拟办意见" in r.get_data(as_text=True)


# --- where a field was read on the scan --------------------------------------------------------

def test_review_page_frames_the_line_a_field_was_read_from_on_the_scan(clerk, ws, tmp_path):
    from tests.fixtures.letters import make_letter, write_image

    truth, image = make_letter(3, dpi=150)
    scan = write_image(image, tmp_path / "scan.jpg")
    r = clerk.post("/letters", {"files": [(io.BytesIO(scan.read_bytes()), "scan.jpg")]},
                   content_type="multipart/form-data")
    assert r.status_code == 303
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    boxes = {name: [float(v) for v in box.split()] for name, box in re.findall(
        r'<div class="ocr-box" data-field="([^"]+)" data-box="([^"]+)"', html)}
    assert "petitioner.name" in boxes and "petitioner.id_number" in boxes
    assert 'class="field has-src has-box" data-field="petitioner.name"' in html
    # the name's box is the box of the OCR'd line holding the name, in % of the page
    item_id = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    lines = _stored_lines(ws, item_id)
    named = [ln["box"] for ln in lines if truth.name in ln["text"]]
    left, top, width, height = boxes["petitioner.name"]
    assert any(abs(top - box[1] * 100) < 1.0 and abs(left - box[0] * 100) < 1.0 for box in named)
    assert 0 < height < 6 and 5 < width < 100 and top + height <= 100
    # the ID number's line is another line, lower on the page
    assert boxes["petitioner.id_number"][1] > top


def _stored_lines(ws, item_id: str) -> list[dict]:
    """The OCR'd lines kept with the pending upload (``Extracted.lines``)."""
    import json

    from docgen.web.pending import pending_root

    [meta] = [p for p in pending_root(ws).rglob("meta.json") if p.parent.name == item_id]
    data = json.loads(meta.read_text(encoding="utf-8"))
    return data["data"]["parse"]["extracted"]["lines"]


def test_on_a_scanned_pdf_the_frame_is_on_the_page_the_field_was_read_from(clerk, ws, tmp_path):
    from PIL import Image, ImageDraw

    from tests.fixtures.letters import make_letter, write_image_pdf

    truth, letter = make_letter(5, dpi=150)
    cover = Image.new("L", letter.size, 255)       # a blank cover sheet first: the letter is page 2
    ImageDraw.Draw(cover).rectangle((100, 100, 400, 300), outline=0, width=4)
    pdf = write_image_pdf([cover, letter], tmp_path / "scan.pdf", dpi=150)
    r = clerk.post("/letters", {"files": [(io.BytesIO(pdf.read_bytes()), "scan.pdf")]},
                   content_type="multipart/form-data")
    assert r.status_code == 303
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    chunks = re.split(r'<div class="page" data-page="(\d+)">', html)
    on_page = dict(zip(map(int, chunks[1::2]), chunks[2::2], strict=True))
    assert set(on_page) == {0, 1}
    name_box = '<div class="ocr-box" data-field="petitioner.name"'
    assert name_box not in on_page[0] and name_box in on_page[1]
