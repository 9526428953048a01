"""A symlinked staging folder must not make ``docgen archive`` delete outside the workspace."""

from __future__ import annotations

import os

from tests.archive.conftest import run_docgen


def test_archive_refuses_a_staging_folder_that_is_a_symlink(closed_ws, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("重要文件", encoding="utf-8")
    (outside / "sub").mkdir()
    staging = closed_ws.archive_dir / ".staging"
    if staging.exists():
        os.rmdir(staging)
    os.symlink(outside, staging)
    result = run_docgen(closed_ws.root, "archive")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "符号链接" in result.stderr and ".staging" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt", "sub"]
