"""登记来信 (upload → review → 确认), 登记来访, 检索, 统计, 台账导入, 归档 (issue 11)."""

from __future__ import annotations

import datetime as dt
import io
import re

from docgen.web.app import create_app
from docgen.web.pending import pending_root
from docgen.web.settings import WebSettings

from .conftest import LETTER, PASSWORD, Browser, register_letter


def _upload(b: Browser, *files: tuple[bytes, str]):
    return b.post("/letters", {"files": [(io.BytesIO(data), name) for data, name in files]},
                  content_type="multipart/form-data")


def _item_id(location: str) -> str:
    return location.rstrip("/").split("/")[-1]


def test_upload_review_correct_confirm(clerk, ws):
    r = _upload(clerk, (LETTER.encode("utf-8"), "张建国来信.txt"))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    item = _item_id(r.headers["Location"])
    assert ws.registry.count_cases() == 0            # nothing registered before 确认
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "核对来信" in html and "确认登记" in html
    assert 'value="张建国"' in html
    # the words each field was read from are marked in the text
    assert re.search(r'<span class="src" data-fields="[^"]*petitioner\.name[^"]*">张建国', html)
    assert "同一信访人的在先案件" in html
    r = clerk.post(f"/letters/{item}/confirm", {"received": dt.date.today().isoformat(),
                                                "channel": "来信", "petitioner.name": "张建民"})
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    case_no = r.headers["Location"].rsplit("/", 1)[-1]
    case = ws.registry.get_case(case_no)
    assert case.petitioner.name == "张建民"
    assert case.petitioner.id_number == "110101195003071232"
    events = ws.registry.events(case.id)
    assert events[0].actor in ("clerk", None)
    # the pending copy is gone once confirmed
    assert not any(p.is_file() and p.name.endswith(".txt") for p in pending_root(ws).rglob("*"))
    page = clerk.get(f"/cases/{case_no}").get_data(as_text=True)
    assert "已登记" in page and "张建民" in page


def test_same_file_again_is_flagged_and_needs_force(clerk, ws, tmp_path):
    register_letter(ws, tmp_path)
    r = _upload(clerk, (LETTER.encode("utf-8"), "again.txt"))
    item = _item_id(r.headers["Location"])
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "已登记为" in html and "仍然登记" in html
    assert "同一信访人" in html                       # the prior case of the same person
    r = clerk.post(f"/letters/{item}/confirm", {"received": dt.date.today().isoformat()})
    assert r.status_code == 409 and "已登记" in r.get_data(as_text=True)
    assert ws.registry.count_cases() == 1
    r = clerk.post(f"/letters/{item}/confirm", {"received": dt.date.today().isoformat(), "force": "1"})
    assert r.status_code == 303
    assert ws.registry.count_cases() == 2


def test_bad_uploads_are_refused_with_the_intake_messages(clerk, ws):
    r = _upload(clerk, (b"", "empty.pdf"))
    assert r.status_code == 400 and "空文件" in r.get_data(as_text=True)
    r = _upload(clerk, (b"MZ\x90\x00\x03 not a letter at all", "virus.exe"))
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "virus.exe" in html
    r = _upload(clerk, (b"%PDF-1.4 broken", "broken.pdf"))
    assert r.status_code == 400
    r = clerk.post("/letters", {}, content_type="multipart/form-data")
    assert r.status_code == 303
    assert "请选择要上传的来信文件" in clerk.get("/letters").get_data(as_text=True)
    assert ws.registry.count_cases() == 0
    assert not any(p.is_file() and p.name != "meta.json" for p in pending_root(ws).rglob("*"))


def test_upload_over_the_size_limit_is_413(ws):
    from docgen import users

    users.add_user(ws, "clerk", users.ROLE_CLERK, PASSWORD)
    app = create_app(ws.root, testing=True, settings=WebSettings(max_upload_mb=0.01))
    b = Browser(app)
    b.login("clerk")
    r = _upload(b, (b"x" * 20000, "big.txt"))
    assert r.status_code == 413 and "超过 0.01 MB" in r.get_data(as_text=True)


def test_pending_item_of_another_session_is_not_found(app, clerk, ws):
    r = _upload(clerk, (LETTER.encode("utf-8"), "a.txt"))
    other = Browser(app)
    other.login("clerk")
    assert other.get(r.headers["Location"]).status_code == 404
    r2 = other.post(r.headers["Location"] + "/confirm", {"received": dt.date.today().isoformat()})
    assert r2.status_code == 303 and ws.registry.count_cases() == 0


def test_discard_registers_nothing(clerk, ws):
    r = _upload(clerk, (LETTER.encode("utf-8"), "a.txt"))
    item = _item_id(r.headers["Location"])
    assert clerk.post(f"/letters/{item}/discard").status_code == 303
    assert clerk.get(f"/letters/{item}").status_code == 404
    assert ws.registry.count_cases() == 0


def test_review_page_shows_payloads_as_text(clerk):
    text = LETTER.replace("物业乱收费", "物业<script>alert(1)</script>{{ 7*7 }} & 乱收费")
    r = _upload(clerk, (text.encode("utf-8"), "x.txt"))
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "{{ 7*7 }}" in html


def test_visit_form_registers_a_group_visit(clerk, ws):
    r = clerk.get("/visits/new")
    assert r.status_code == 200 and "来访接待登记表" in r.get_data(as_text=True)
    r = clerk.post("/visits/new", {
        "received": dt.date.today().isoformat(), "name": "李秀英", "phone": "13700137000",
        "persons": "6", "representatives": "李秀英、王大山", "visitors": "赵四、钱五",
        "content": "反映河口镇砂石场噪音扰民，要求停产整顿。", "target": "河口镇砂石场",
        "receptionist": "clerk"})
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    case = ws.registry.get_case(r.headers["Location"].rsplit("/", 1)[-1])
    assert case.channel == "来访" and case.persons == 6
    r = clerk.post("/visits/new", {"received": dt.date.today().isoformat(), "persons": "0",
                                   "content": "x"})
    assert r.status_code == 400 and "来访人数应为正整数" in r.get_data(as_text=True)


def test_search_posts_filters_pages_and_highlights(clerk, ws, tmp_path):
    for i in range(25):
        register_letter(ws, tmp_path / str(i), LETTER.replace("张建国", f"张建国{i}").replace(
            "110101195003071232", "").replace("13800138000", f"1380013{i:04d}"), f"l{i}.txt")
    r = clerk.post("/search", {"q": "物业"})
    assert r.status_code == 303 and "物业" not in r.headers["Location"]
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "共 25 件" in html and "<mark>物业</mark>" in html and "第 1 / 2 页" in html
    html2 = clerk.get(r.headers["Location"] + "&page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in html2
    r = clerk.post("/search", {"q": "", "status": "不存在"})
    assert "状态或渠道有误" in clerk.get(r.headers["Location"]).get_data(as_text=True)
    r = clerk.post("/search", {"q": ""})
    assert "请输入检索词" in clerk.get(r.headers["Location"]).get_data(as_text=True)
    # another user cannot open this user's search key
    assert clerk.get("/search?s=unknown").status_code == 200


def test_stats_page_matches_stats_json_and_downloads(clerk, docgen, ws, tmp_path):
    register_letter(ws, tmp_path)
    year = dt.date.today().year
    data = docgen.json("stats", "--year", str(year))
    html = clerk.get(f"/stats?year={year}").get_data(as_text=True)
    assert f"<b>{data['total']}</b><span>收到（件）</span>" in html
    r = clerk.get(f"/stats/report.docx?year={year}")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    r = clerk.get(f"/stats/workbook.xlsx?year={year}")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert clerk.get("/stats?year=abc").status_code == 400


def test_ledger_preview_mapping_and_import(clerk, ws, tmp_path):
    from tests.fixtures.reports_ledger import ledger_rows, write_ledger

    rows = ledger_rows(6, seed=3)
    rows[2][5] = "去年某天"                       # a date nobody can read
    path = write_ledger(tmp_path / "台账.xlsx", rows)
    r = clerk.post("/ledger", {"file": (io.BytesIO(path.read_bytes()), "台账.xlsx")},
                   content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "第 2 行是表头" in html and "不能导入 1 行" in html and "可导入 5 行" in html
    assert ws.registry.count_cases() == 0
    item = _item_id(r.headers["Location"])
    r = clerk.post(f"/ledger/{item}/mapping", {"map:反映内容": "summary"})
    assert r.status_code == 303
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert 'value="summary" selected' in html
    r = clerk.post(f"/ledger/{item}/import")
    assert r.status_code == 200 and "已导入 5 件" in r.get_data(as_text=True)
    assert ws.registry.count_cases() == 5
    r = clerk.post("/ledger", {"file": (io.BytesIO(b"not excel"), "x.xlsx")},
                   content_type="multipart/form-data")
    assert r.status_code == 400


def test_archive_dry_run_run_and_verify(clerk, ws, tmp_path):
    case = register_letter(ws, tmp_path, received=dt.date.today() - dt.timedelta(days=3))
    html = clerk.get("/archive").get_data(as_text=True)
    assert "没有待归档的案件" in html
    r = clerk.post(f"/cases/{case.case_no}/close", {"result": "已答复信访人"})
    assert r.status_code == 303
    html = clerk.get("/archive").get_data(as_text=True)
    assert "将归档 1 件" in html and case.case_no in html
    archive_no = re.search(r"<td>([^<]*·[^<]*)</td>", html).group(1)
    assert ws.registry.get_case(case.case_no).archive_no is None      # dry run only
    html = clerk.post("/archive/run", {"year": ""}).get_data(as_text=True)
    assert "已归档 1 件" in html and archive_no in html
    assert ws.registry.get_case(case.case_no).archive_no == archive_no
    html = clerk.post("/archive/verify", {"year": ""}).get_data(as_text=True)
    assert "四性检测" in html and "通过" in html and "真实性" in html


def test_search_key_is_not_shared_between_users(app, clerk, reader):
    r = clerk.post("/search", {"q": "物业"})
    html = reader.get(r.headers["Location"]).get_data(as_text=True)
    assert "这次检索已过期" in html and "物业" not in html.split("</form>")[-1]


def test_pending_uploads_of_ended_sessions_are_cleaned_up(app, clerk, ws):
    from docgen import users
    from docgen.web.context import cleanup_pending
    from docgen.web.settings import WebSettings

    r = _upload(clerk, (LETTER.encode("utf-8"), "a.txt"))
    assert r.status_code == 303
    assert any(pending_root(ws).rglob("a.txt"))
    assert cleanup_pending(ws, WebSettings()) == 0          # the session is live: kept
    clerk.post("/logout")
    assert cleanup_pending(ws, WebSettings()) == 1          # logged out: removed
    assert not any(pending_root(ws).rglob("a.txt"))
    assert users.live_session_keys(ws) == set()


def test_scan_page_image_on_the_review_page(clerk, tmp_path):
    from tests.fixtures.letters import make_letter, write_image

    _truth, image = make_letter(5, dpi=100)
    scan = write_image(image, tmp_path / "scan.png")
    r = _upload(clerk, (scan.read_bytes(), "scan.png"))
    assert r.status_code == 303
    html = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "原件图像" in html and "/page/0" in html
    png = clerk.get(r.headers["Location"] + "/page/0")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert clerk.get(r.headers["Location"] + "/page/7").status_code == 404
