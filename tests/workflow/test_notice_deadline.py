"""The 告知期限 (written notice to the petitioner, 15 days from receipt, docs/standards.md §2): shown with
the deadlines, met by the steps a clerk counts as notice, and kept out of due_date/--overdue
unless the workspace sets ``[deadlines] track_notice = true``."""

from __future__ import annotations


def notice(view: dict) -> dict | None:
    return next((d for d in view["deadlines"] if d["kind"] == "告知期限"), None)


def track_notice(ws) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace("track_notice = false", "track_notice = true"),
                              encoding="utf-8")


def test_notice_deadline_is_shown_but_not_counted_by_default(docgen, new_case):
    no = new_case("2024-03-01").case_no
    view = docgen.json("show", no, "--as-of", "2024-03-02")
    d = notice(view)
    assert d["due_date"] == "2024-03-18"          # 16 March is a Saturday: moved to Monday
    assert d["met"] is False and d["tracked"] is False
    assert "受理日 2024年3月1日" in d["explanation"] and "track_notice" in d["explanation"]
    assert view["due_date"] == "2024-03-18"       # the routing deadline, same 15 days


def test_forward_without_notice_is_not_overdue_on_the_office_side(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县法院", "--mode", "转送", "--date", "2024-03-04")
    view = docgen.json("show", no, "--as-of", "2024-04-30")
    assert notice(view)["met"] is False             # still visible to the clerk
    assert view["due_date"] is None and view["overdue"] is False
    assert docgen.json("list", "--overdue", "--as-of", "2024-04-30")["cases"] == []


def test_assignment_due_date_is_not_hidden_by_the_notice(docgen, new_case):
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "某镇人民政府", "--date", "2024-03-04")
    view = docgen.json("show", no, "--as-of", "2024-03-20")
    assert view["due_date"] == "2024-05-06" and view["overdue"] is False


def test_tracked_notice_counts_when_configured(docgen, ws, new_case):
    track_notice(ws)
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "县法院", "--mode", "转送", "--date", "2024-03-04")
    view = docgen.json("show", no, "--as-of", "2024-03-20")
    assert notice(view)["tracked"] is True
    assert view["due_date"] == "2024-03-18" and view["overdue"] is True
    listed = docgen.json("list", "--overdue", "--as-of", "2024-03-20")["cases"]
    assert [c["case_no"] for c in listed] == [no]


def test_steps_that_give_the_notice(docgen, ws, new_case):
    track_notice(ws)
    notified = new_case("2024-03-01").case_no
    docgen.json("notify", notified, "--date", "2024-03-05")
    rejected = new_case("2024-03-01").case_no
    docgen.json("reject", rejected, "--reason", "不属于受理范围", "--date", "2024-03-05")
    forwarded = new_case("2024-03-01").case_no
    docgen.json("transfer", forwarded, "--to", "县法院", "--mode", "转送", "--notify",
                "--date", "2024-03-05")
    written = new_case("2024-03-01").case_no
    docgen.json("transfer", written, "--to", "某镇人民政府", "--date", "2024-03-04")
    docgen.json("letter", "告知书", written, "--date", "2024-03-06")
    for no in (notified, rejected, forwarded, written):
        view = docgen.json("show", no, "--as-of", "2024-03-31")
        assert notice(view)["met"] is True, no
        assert view["overdue"] is False, no
    # as it stood before the notice went out
    before = docgen.json("show", written, "--as-of", "2024-03-05")
    assert notice(before)["met"] is False


def test_assignment_without_notice_leaves_it_open(docgen, ws, new_case):
    track_notice(ws)
    no = new_case("2024-03-01").case_no
    docgen.json("transfer", no, "--to", "某镇人民政府", "--date", "2024-03-04")
    view = docgen.json("show", no, "--as-of", "2024-03-20")
    assert notice(view)["met"] is False and view["overdue"] is True


def test_no_notice_deadline_for_anonymous_or_addressless(docgen, ws, new_case):
    anonymous = new_case("2024-03-01", name=None).case_no
    assert notice(docgen.json("show", anonymous)) is None
    case = ws.registry.get_case(new_case("2024-03-01").case_no)
    case.petitioner.address = ""
    ws.registry.update_case(case)
    assert notice(docgen.json("show", case.case_no)) is None


def test_visit_answered_on_the_spot_needs_no_further_notice(docgen):
    out = docgen.json("visit", "--name", "赵六", "--address", "示例县城关镇", "--content", "反映噪音",
                      "--answer", "已告知向县生态环境局反映", "--received", "2024-03-15")
    d = notice(docgen.json("show", out["cases"][0]["case_no"]))
    assert d["met"] is True and "当场答复" in d["explanation"]
