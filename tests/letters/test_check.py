"""The template linter finds what a Word edit breaks, and says where."""

from __future__ import annotations

import pytest
from docx import Document

from docgen.letters import KINDS
from docgen.letters.check import check_template
from docgen.letters.templates import builtin_template


def edited(tmp_path, *paragraphs, name="交办函.docx"):
    """The built-in 交办函 with paragraphs appended; a list item is one paragraph of several runs."""
    doc = Document(builtin_template("交办函"))
    for para in paragraphs:
        p = doc.add_paragraph()
        for run_text in ([para] if isinstance(para, str) else para):
            p.add_run(run_text)
    path = tmp_path / name
    doc.save(path)
    return path, len(Document(builtin_template("交办函")).paragraphs)


def codes(report):
    return [(p.code, p.location) for p in report.problems]


@pytest.mark.parametrize("kind", list(KINDS))
def test_builtin_templates_are_clean(kind):
    report = check_template(builtin_template(kind))
    assert report.ok and report.problems == []


def test_undeclared_variable_is_reported_with_its_paragraph(tmp_path):
    path, n = edited(tmp_path, "信访人：{{ petitoner_name }}")
    report = check_template(path)
    assert not report.ok
    assert codes(report) == [("undeclared", f"正文第{n + 1}段")]
    assert "petitoner_name" in report.problems[0].message


def test_variable_of_another_kind_is_undeclared_for_this_kind(tmp_path):
    path, _ = edited(tmp_path, "{{ instruction }}")       # 领导批示 belongs to the forms
    assert [p.code for p in check_template(path).problems] == ["undeclared"]
    as_slip = check_template(path, kind="来信登记处理单")
    assert not any("instruction" in p.message for p in as_slip.problems)


def test_syntax_error_is_reported(tmp_path):
    path, n = edited(tmp_path, "{{ office_name | }}")
    assert codes(check_template(path)) == [("syntax", f"正文第{n + 1}段")]


def test_unknown_filter_is_reported(tmp_path):
    path, _ = edited(tmp_path, "{{ date | chinese_date }}")
    report = check_template(path)
    assert [p.code for p in report.problems] == ["unknown_filter"]
    assert "chinese_date" in report.problems[0].message


def test_tag_split_across_runs_is_a_warning(tmp_path):
    path, n = edited(tmp_path, ["{{ office_", "name }}"])
    report = check_template(path)
    assert report.ok
    assert codes(report) == [("split", f"正文第{n + 1}段")]


def test_incomplete_tag_is_an_error(tmp_path):
    path, n = edited(tmp_path, "登记号：{{ case_no }")
    report = check_template(path)
    assert ("broken", f"正文第{n + 1}段") in codes(report)


def test_unclosed_block_points_at_its_opening_tag(tmp_path):
    path, n = edited(tmp_path, "{%p if cc %}", "抄送：{{ cc }}")
    report = check_template(path)
    assert codes(report) == [("unclosed", f"正文第{n + 1}段")]


def test_stray_end_tag_is_reported(tmp_path):
    path, n = edited(tmp_path, "{%p endfor %}")
    assert codes(check_template(path)) == [("unbalanced", f"正文第{n + 1}段")]


def test_text_beside_a_paragraph_tag_is_a_warning(tmp_path):
    path, n = edited(tmp_path, "{%p if cc %}抄送：{{ cc }}", "{%p endif %}")
    assert ("paragraph_tag", f"正文第{n + 1}段") in codes(check_template(path))


def test_problems_in_tables_and_headers_name_the_cell_and_header(tmp_path):
    doc = Document(builtin_template("来信登记处理单"))
    doc.tables[0].cell(1, 1).paragraphs[0].runs[0].text = "{{ petitioner_nam }}"
    doc.sections[0].first_page_header.is_linked_to_previous = False
    doc.sections[0].header.paragraphs[0].add_run("{{ oficce_name }}")
    path = tmp_path / "来信登记处理单.docx"
    doc.save(path)
    locations = [p.location for p in check_template(path).problems]
    assert "正文表格1 第2行第2列 第1段" in locations
    assert "页眉第1段" in locations


def test_not_a_docx_is_reported_not_raised(tmp_path):
    path = tmp_path / "交办函.docx"
    path.write_text("hello")
    report = check_template(path)
    assert [p.code for p in report.problems] == ["unreadable"]
