"""Issue 9 item 3: a registry restored from an older copy never overwrites an original.

The case folders stay on disk when ``registry.sqlite`` is put back; the next intake must not
hand out a number whose folder holds a letter, and must never replace a stored file."""

from __future__ import annotations

import gc
import json
import sqlite3

import pytest

from docgen.fileio import copy_new, copy_to_free_name, write_new_bytes
from docgen.workspace import Workspace

LETTER = "县人大常委会：\n我叫{name}，反映{issue}的问题，请求依法处理。\n反映人：{name}\n2026年10月8日\n"


def _letter(tmp_path, n: int, name: str, issue: str):
    path = tmp_path / f"来信{n}.txt"
    path.write_text(LETTER.format(name=name, issue=issue), encoding="utf-8")
    return path


def _backup(ws_root, target):
    """A consistent copy of the registry, as an office's backup would make it."""
    src = sqlite3.connect(ws_root / "registry.sqlite")
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def _restore(ws_root, copy):
    for extra in ("registry.sqlite-wal", "registry.sqlite-shm"):
        (ws_root / extra).unlink(missing_ok=True)
    (ws_root / "registry.sqlite").write_bytes(copy.read_bytes())


def _originals(ws: Workspace, case_no: str) -> dict[str, bytes]:
    folder = ws.case_dir(case_no) / "original"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("lose_mirror", [False, True], ids=["mirror-kept", "mirror-lost-too"])
def test_restored_registry_never_overwrites_an_original(docgen, ws, tmp_path, lose_mirror):
    first = _letter(tmp_path, 1, "张三", "某镇人民政府拖欠征地补偿款")
    assert docgen("intake", first, "--received", "2026-10-10").exit_code == 0
    backup = tmp_path / "backup.sqlite"
    _backup(ws.root, backup)                                  # the office's backup: one case
    second = _letter(tmp_path, 2, "李四", "某村委会侵占集体土地")
    assert docgen.json("intake", second, "--received", "2026-10-11")["cases"][0]["case_no"] == "2026-0002"
    kept = _originals(ws, "2026-0002")

    ws.registry.close()                                       # the office stops work to restore
    gc.collect()                                              # (connections of the in-process runs)
    _restore(ws.root, backup)                                 # registry back to one case
    if lose_mirror:
        (ws.root / "registry.numbers.json").unlink(missing_ok=True)     # restored from a backup without it
    third = _letter(tmp_path, 3, "王五", "某厂噪声扰民")
    result = docgen("intake", third, "--received", "2026-10-12", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    new_no = json.loads(result.stdout)["cases"][0]["case_no"]
    assert new_no not in ("2026-0001", "2026-0002")
    assert "原有文件未动" in result.stderr or "落后于已发出的编号" in result.stderr  # said
    assert _originals(ws, "2026-0002") == kept                # the second letter, byte for byte
    assert _originals(ws, new_no) == {third.name: third.read_bytes()}
    fresh = Workspace.open(ws.root)
    assert fresh.registry.get_case(new_no).petitioner.name == "王五"


def test_skipped_number_is_said_and_folder_left_alone(docgen, ws, tmp_path):
    """A folder with files but no case (e.g. copied in by hand) is skipped, not reused."""
    stray = ws.case_dir("2026-0001") / "original" / "来信1.txt"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"old letter")
    (ws.root / "registry.numbers.json").unlink(missing_ok=True)
    fresh = Workspace.open(ws.root)
    reg = fresh.registry
    with reg.transaction():
        pass
    result = docgen("intake", _letter(tmp_path, 1, "张三", "拖欠工资"), "--received", "2026-10-10",
                    "--json")
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout)["cases"][0]["case_no"] == "2026-0002"
    assert stray.read_bytes() == b"old letter"


def test_document_numbers_continue_after_those_on_disk(ws):
    """发文字号 shown by documents already on disk are not handed out again."""
    docs = ws.case_dir("2026-0007") / "documents"
    docs.mkdir(parents=True)
    (docs / "交办函-示人大信〔2026〕12号.docx").write_bytes(b"doc")
    (ws.root / "registry.numbers.json").unlink(missing_ok=True)
    reg = Workspace.open(ws.root).registry
    assert reg.next_sequence("doc:示人大信:2026") == 13
    assert reg.next_sequence("case:2026") == 8


def test_kept_files_are_only_ever_created(tmp_path):
    target = tmp_path / "original" / "来信.txt"
    src = tmp_path / "src.txt"
    src.write_bytes(b"new")
    write_new_bytes(target, b"first")
    with pytest.raises(FileExistsError):
        write_new_bytes(target, b"second")
    with pytest.raises(FileExistsError):
        copy_new(src, target)
    other = copy_to_free_name(src, target.parent, "来信.txt")
    assert other != target and other.read_bytes() == b"new"
    assert target.read_bytes() == b"first"


def test_attached_material_never_replaces_a_file_on_disk(docgen, ws, tmp_path):
    """Received material with the name of a file already in the case folder (also one the
    registry does not know, e.g. left by a restored registry) gets a free name."""
    first = _letter(tmp_path, 1, "张三", "拖欠征地补偿款")
    assert docgen("intake", first, "--received", "2026-10-10").exit_code == 0
    stray = ws.case_dir("2026-0001") / "attachments" / "报告.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"kept")
    report = tmp_path / "报告.txt"
    report.write_bytes(b"new report")
    for _ in range(2):
        result = docgen("attach", "2026-0001", report, "--date", "2026-10-12")
        assert result.exit_code == 0, result.output + result.stderr
    stored = sorted(p.name for p in stray.parent.iterdir())
    assert stored == ["报告 (2).txt", "报告 (3).txt", "报告.txt"], stored
    assert stray.read_bytes() == b"kept"
    assert _originals(ws, "2026-0001") == {first.name: first.read_bytes()}
