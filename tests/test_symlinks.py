"""No command follows a symlink out of the workspace when it writes, moves or deletes."""

from __future__ import annotations

import os

import pytest

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_bytes, check_no_symlink, remove_tree

LETTER = ("县人大常委会：\n我叫张三，联系电话13800138000，住址某县某镇某村1组。\n"
          "反映某镇人民政府拖欠征地补偿款的问题。\n反映人：张三\n2026年10月8日\n")


@pytest.fixture
def outside(tmp_path):
    """A folder outside the workspace holding a file that must survive."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "keep.txt").write_text("重要文件", encoding="utf-8")
    return folder


def _untouched(folder):
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "重要文件"


def test_intake_refuses_a_files_folder_that_is_a_symlink(docgen, ws, tmp_path, outside):
    os.rmdir(ws.files_dir)
    os.symlink(outside, ws.files_dir)
    letter = tmp_path / "来信.txt"
    letter.write_text(LETTER, encoding="utf-8")
    result = docgen("intake", letter, "--received", "2026-10-10")
    assert result.exit_code == 1
    assert "符号链接" in result.stderr and str(ws.files_dir) in result.stderr
    _untouched(outside)
    assert ws.registry.count_cases() == 0       # nothing half-registered


def test_index_rebuild_refuses_an_index_folder_that_is_a_symlink(docgen, ws, outside):
    for child in ws.index_dir.iterdir():
        remove_tree(child) if child.is_dir() else child.unlink()
    os.rmdir(ws.index_dir)
    os.symlink(outside, ws.index_dir)
    result = docgen("index", "rebuild")
    assert result.exit_code == 1
    assert "符号链接" in result.stderr
    _untouched(outside)


def test_writes_and_deletes_below_a_link_are_refused(ws, outside):
    os.rmdir(ws.output_dir)
    os.symlink(outside, ws.output_dir)
    with pytest.raises(DocgenError, match="符号链接"):
        atomic_write_bytes(ws.output_dir / "交办函.docx", b"x")
    with pytest.raises(DocgenError, match="符号链接"):
        remove_tree(ws.output_dir)
    _untouched(outside)


def test_paths_outside_every_workspace_are_not_checked(ws, tmp_path, outside):
    link = tmp_path / "link"
    os.symlink(outside, link)
    check_no_symlink(link / "new.txt")          # a -o target the user chose: allowed
    atomic_write_bytes(link / "new.txt", b"x")
    assert (outside / "new.txt").read_bytes() == b"x"
