"""今日, the case list and the case page with the actions each role may take (issue 11)."""

from __future__ import annotations

import io

import pytest

from docgen import audit

from .conftest import register_letter

XSS = """尊敬的信访室：
我叫刘<script>alert(1)</script>明，电话 13900139000，住示例县东风镇。
反映东风镇 {{ 7*7 }} 号地块征收补偿 {% if 1 %}不公{% endif %} & 拖欠问题，<img src=x onerror=alert(2)>。
请求依法补偿。
刘明
2026年2月1日
"""


def test_today_lists_new_cases_and_counts(clerk, case):
    html = clerk.get("/").get_data(as_text=True)
    assert case.case_no in html and "新登记" in html and "待拟办" in html
    assert f'href="/cases/{case.case_no}"' in html


def test_case_list_filters_and_pages(clerk, ws, tmp_path, case):
    html = clerk.get("/cases").get_data(as_text=True)
    assert case.case_no in html and "共 1 件" in html
    assert case.case_no not in clerk.get("/cases?status=已办结").get_data(as_text=True)
    assert case.case_no in clerk.get("/cases?awaiting=拟办").get_data(as_text=True)
    r = clerk.get("/cases?status=乱写")
    assert r.status_code == 400 and "筛选条件有误" in r.get_data(as_text=True)
    assert clerk.get("/cases?year=abc").status_code == 400


def test_case_page_shows_facts_and_logs_the_view(clerk, ws, case):
    html = clerk.get(f"/cases/{case.case_no}").get_data(as_text=True)
    for part in ("张建国", "信访人", "期限", "办理经过", "相似案件", "交办 / 转送", "办结"):
        assert part in html, part
    assert "拟办意见</summary>" not in html          # a clerk does not write 拟办
    [entry] = audit.entries(ws, case_no=case.case_no, action=audit.VIEW_CASE)
    assert entry.user == "clerk"
    assert clerk.get("/cases/XF-1999-999999").status_code == 404


def test_personal_data_stays_out_of_urls_and_the_server_log(clerk, case, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="docgen.web")
    clerk.post("/search", {"q": "110101195003071232"})
    clerk.get(f"/cases/{case.case_no}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "110101195003071232" not in logged and "13800138000" not in logged
    assert "张建国" not in logged
    r = clerk.post("/search", {"person": "张建国"})
    assert "张建国" not in r.headers["Location"]


def test_xss_and_template_payloads_show_as_text(clerk, ws, tmp_path):
    case = register_letter(ws, tmp_path, XSS, "xss.txt")
    html = clerk.get(f"/cases/{case.case_no}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "{{ 7*7 }}" in html and "{% if 1 %}" in html and "&amp; 拖欠" in html
    assert ">49<" not in html
    listing = clerk.get("/cases").get_data(as_text=True)
    assert "<script>alert(1)" not in listing
    today = clerk.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in today


@pytest.mark.parametrize("who,path,data", [
    ("reader", "proposal", {"text": "建议交办"}),
    ("clerk", "proposal", {"text": "建议交办"}),
    ("leader", "proposal", {"text": "建议交办"}),
    ("reader", "instruction", {"text": "同意"}),
    ("clerk", "instruction", {"text": "同意"}),
    ("head", "instruction", {"text": "同意"}),
    ("reader", "route", {"to": "示例县住房和城乡建设局"}),
    ("leader", "route", {"to": "示例县住房和城乡建设局"}),
    ("reader", "close", {"result": "已答复"}),
    ("leader", "close", {"result": "已答复"}),
    ("reader", "extend", {"days": "10", "reason": "情况复杂"}),
    ("reader", "supervise", {"leader": "王主任", "responsible": "李科长"}),
    ("reader", "decision", {"kind": "答复", "text": "已答复"}),
    ("reader", "document", {"kind": "来信登记处理单"}),
])
def test_roles_are_refused_403(request, case, who, path, data):
    b = request.getfixturevalue(who)
    r = b.post(f"/cases/{case.case_no}/{path}", data)
    assert r.status_code == 403, (who, path)
    assert "无权操作" in r.get_data(as_text=True)


@pytest.mark.parametrize("who,path", [("reader", "/letters"), ("leader", "/letters"),
                                      ("reader", "/visits/new"), ("leader", "/ledger"),
                                      ("reader", "/archive"), ("leader", "/archive")])
def test_pages_a_role_may_not_use_are_403(request, who, path):
    assert request.getfixturevalue(who).get(path).status_code == 403


def test_reader_sees_but_has_no_actions(reader, case):
    html = reader.get(f"/cases/{case.case_no}").get_data(as_text=True)
    assert "张建国" in html and "交办 / 转送" not in html and "办结</summary>" not in html
    assert reader.get(f"/cases/{case.case_no}/edit").status_code == 403


def test_the_whole_handling_by_role(clerk, head, leader, ws, case):
    no = case.case_no
    r = head.post(f"/cases/{no}/proposal", {"text": "建议交城关镇人民政府调查处理。"})
    assert r.status_code == 303
    r = leader.post(f"/cases/{no}/instruction", {"text": "同意拟办意见。"})
    assert r.status_code == 303
    html = leader.get(f"/cases/{no}").get_data(as_text=True)
    assert "已记录领导批示" in html and "同意拟办意见。" in html
    r = clerk.post(f"/cases/{no}/route", {"mode": "交办", "to": "示例县城关镇人民政府", "days": "30"})
    assert r.status_code == 303
    html = clerk.get(f"/cases/{no}").get_data(as_text=True)
    assert "已交办示例县城关镇人民政府" in html, html[html.find("flash"):][:800]
    assert "交办函" in html
    # the body used before is offered next time
    assert '<option value="示例县城关镇人民政府">' in html
    r = clerk.post(f"/cases/{no}/extend", {"days": "15", "reason": "需要现场核实"})
    assert r.status_code == 303
    r = clerk.post(f"/cases/{no}/attach", {"kind": "办理结果报告", "note": "镇政府报告",
                                            "files": (io.BytesIO(b"%PDF-1.4 result"), "结果报告.pdf")},
                   content_type="multipart/form-data")
    assert r.status_code == 303
    r = clerk.post(f"/cases/{no}/close", {"result": "物业公司已退还多收费用", "satisfaction": "满意"})
    assert r.status_code == 303
    events = ws.registry.events(ws.registry.get_case(no).id)
    by_kind = {e.kind: e.actor for e in events}
    assert by_kind.get("办结") == "clerk"
    assert any(e.actor == "head" for e in events) and any(e.actor == "leader" for e in events)
    assert any(e.actor == "clerk" and e.kind == "交办" for e in events)
    html = clerk.get(f"/cases/{no}").get_data(as_text=True)
    assert "已办结" in html and "结果报告.pdf" in html
    # the stored file downloads, and the download is logged
    file_id = next(f.id for f in ws.registry.files(ws.registry.get_case(no).id) if f.name == "结果报告.pdf")
    r = clerk.get(f"/cases/{no}/files/{file_id}")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert audit.entries(ws, case_no=no, action=audit.DOWNLOAD)


def test_an_error_of_the_library_is_shown_in_chinese(clerk, case):
    r = clerk.post(f"/cases/{case.case_no}/extend", {"days": "x", "reason": "r"})
    assert r.status_code == 303
    html = clerk.get(f"/cases/{case.case_no}").get_data(as_text=True)
    assert "延期天数应为正整数" in html


def test_edit_uses_the_edit_function_with_the_user(clerk, ws, case):
    r = clerk.get(f"/cases/{case.case_no}/edit")
    assert r.status_code == 200
    r = clerk.post(f"/cases/{case.case_no}/edit", {"petitioner.name": "张建民", "reason": "核对原件"})
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    assert ws.registry.get_case(case.case_no).petitioner.name == "张建民"
    events = ws.registry.events(ws.registry.get_case(case.case_no).id)
    assert events[-1].kind == "更正" and events[-1].actor == "clerk"
    r = clerk.post(f"/cases/{case.case_no}/edit", {"reason": "无"})
    assert r.status_code == 400 and "没有修改任何内容" in r.get_data(as_text=True)


def test_today_shows_overdue_routing(clerk, ws, tmp_path):
    import datetime as dt

    old = register_letter(ws, tmp_path, received=dt.date.today() - dt.timedelta(days=40))
    html = clerk.get("/").get_data(as_text=True)
    overdue = html[html.find('id="overdue"'):]
    assert old.case_no in overdue and ("超期未交办" in html or "已超期" in html)
    assert 'class="count alarm"' in html


@pytest.mark.libreoffice
def test_documents_download_as_docx_and_pdf_with_a_png_preview(clerk, ws, case):
    from docgen.letters.pdf import have_libreoffice

    if not have_libreoffice():
        pytest.skip("LibreOffice not installed")
    clerk.post(f"/cases/{case.case_no}/route", {"mode": "交办", "to": "示例县城关镇人民政府"})
    files = ws.registry.files(ws.registry.get_case(case.case_no).id)
    letter = next(f for f in files if f.name.endswith(".docx"))
    base = f"/cases/{case.case_no}/files/{letter.id}"
    assert clerk.get(base).data[:2] == b"PK"
    pdf = clerk.get(base + "/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    png = clerk.get(base + "/preview.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    html = clerk.get(f"/cases/{case.case_no}").get_data(as_text=True)
    assert "预览第 1 页" in html and base + "/pdf" in html


def test_decisions_reply_notify_reject_file_away(clerk, ws, tmp_path):
    made = [register_letter(ws, tmp_path / str(i), LETTER_FOR(i), f"d{i}.txt") for i in range(3)]
    for c, (kind, extra) in zip(made, (("答复", {}), ("告知", {"to": "示例县人民法院"}),
                                       ("存档备查", {})), strict=True):
        r = clerk.post(f"/cases/{c.case_no}/decision", {"kind": kind, "text": "依法处理", **extra})
        assert r.status_code == 303
        assert f"已记录：{kind}" in clerk.get(f"/cases/{c.case_no}").get_data(as_text=True)
        events = ws.registry.events(ws.registry.get_case(c.case_no).id)
        assert any(e.kind == kind and e.actor == "clerk" for e in events), [e.kind for e in events]
    r = clerk.post(f"/cases/{made[0].case_no}/decision", {"kind": "乱写"})
    assert "请选择办理方式" in clerk.get(f"/cases/{made[0].case_no}").get_data(as_text=True)


def LETTER_FOR(i: int) -> str:  # noqa: N802 - reads like the constant it varies
    from .conftest import LETTER

    return LETTER.replace("张建国", f"张建{'一二三'[i]}").replace("110101195003071232", "")
