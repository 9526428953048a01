"""A template from another office can never run code: rendering is sandboxed, and the linter
names every way a template reaches for Python objects."""

from __future__ import annotations

import pytest
from docx import Document

from docgen.letters.check import check_template
from docgen.letters.templates import builtin_template

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{{ petitioner_name.__class__.__mro__[1].__subclasses__() }}",
    "{{ petitioner_name['__class__'] }}",
    "{{ petitioner_name.format(1) }}",
    "{{ joiner() }}",
]


def hostile(tmp_path, payload, name="交办函.docx"):
    doc = Document(builtin_template("交办函"))
    doc.add_paragraph(payload)
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    path = folder / name
    doc.save(path)
    return path


@pytest.mark.parametrize("payload", PAYLOADS)
def test_check_reports_a_hostile_template_as_an_error(tmp_path, payload):
    report = check_template(hostile(tmp_path, payload))
    assert not report.ok, payload
    assert any(p.code in {"unsafe_attribute", "unsafe_call", "undeclared"} for p in report.errors)
    assert all(p.location.startswith("正文第") for p in report.errors)


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_writing_a_letter_with_a_hostile_override_runs_nothing(docgen, ws, tmp_path, payload, monkeypatch):
    monkeypatch.chdir(tmp_path)
    letter = tmp_path / "来信.txt"
    letter.write_text("县人大常委会：\n我叫张三，反映某镇人民政府拖欠征地补偿款。\n反映人：张三\n2026年10月8日\n",
                      encoding="utf-8")
    assert docgen("intake", letter, "--received", "2026-10-10").exit_code == 0
    ws.templates_dir.mkdir(exist_ok=True)
    hostile(ws.root, payload)
    result = docgen("letter", "交办函", "2026-0001", "--to", "某镇人民政府")
    assert result.exit_code == 1, result.output
    assert "模板" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "PWNED").exists() and not (ws.root / "PWNED").exists()
