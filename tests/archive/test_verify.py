"""``docgen verify``: every damaged or missing file is named, grouped by 四性, exit 3."""

from __future__ import annotations

import json
import shutil

from docgen.archive import archive_batch, verify_archive
from docgen.models import FILE_ATTACHMENT, FILE_ORIGINAL
from tests.fixtures.archive_cases import jpeg_bytes, make_closed_case, package_paths, pdf_bytes


def _packages(ws):
    cases = ws.registry.list_cases(where="archive_no IS NOT NULL")
    return [(c, ws.root / c.extra["archive_path"]) for c in cases]


def _problems(docgen):
    result = docgen("verify", "--json")
    return result.exit_code, json.loads(result.stdout)


def test_intact_archive_passes_all_four_checks(archived_ws, docgen):
    code, report = _problems(docgen)
    assert code == 0, report
    assert report["ok"] and report["packages"] == 6 and report["problems"] == []
    assert set(report["categories"]) == {"真实性", "完整性", "可用性", "安全性"}
    assert all(c["ok"] for c in report["categories"].values())


def test_verify_text_report_shows_the_four_categories(archived_ws, docgen):
    result = docgen("verify")
    assert result.exit_code == 0
    for cat in ("真实性", "完整性", "可用性", "安全性"):
        assert f"{cat}：通过" in result.stdout


def test_flipped_byte_deleted_file_and_edited_manifest_are_each_named(archived_ws, docgen):
    (c1, p1), (c2, p2), (c3, p3) = _packages(archived_ws)[:3]
    flipped = next((p1 / "data" / "原件").iterdir())
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    deleted = next((p2 / "data" / "文书").iterdir())
    deleted.unlink()
    manifest = p3 / "manifest-sha256.txt"
    lines = manifest.read_text("utf-8").splitlines()
    lines[0] = ("0" * 64) + lines[0][64:]
    manifest.write_text("\n".join(lines) + "\n", "utf-8")

    code, report = _problems(docgen)
    assert code == 3
    assert not report["ok"]
    found = {(p["package"], p["file"], p["category"]) for p in report["problems"]}
    assert (c1.archive_no, f"data/原件/{flipped.name}", "真实性") in found
    assert (c2.archive_no, f"data/文书/{deleted.name}", "完整性") in found
    assert (c3.archive_no, "manifest-sha256.txt", "真实性") in found   # tagmanifest catches it
    assert (c3.archive_no, "manifest-sha256.txt", "安全性") in found   # differs from the registry
    assert not report["categories"]["真实性"]["ok"] and not report["categories"]["完整性"]["ok"]


def test_damage_fails_verify_in_text_mode_too(archived_ws, docgen):
    _, pkg = _packages(archived_ws)[0]
    victim = next((pkg / "data" / "原件").iterdir())
    victim.write_bytes(victim.read_bytes() + b"x")
    result = docgen("verify")
    assert result.exit_code == 3
    assert victim.name in result.stdout and "SHA-256" in result.stdout


def test_file_whose_content_is_not_its_type_is_reported(ws, docgen):
    make_closed_case(ws, 0, files=[(FILE_ORIGINAL, "来信.pdf", jpeg_bytes(2), "来信原件"),
                                   (FILE_ATTACHMENT, "照片.png", jpeg_bytes(2, 1), "其他")])
    archive_batch(ws)
    code, report = _problems(docgen)
    assert code == 3
    usability = {p["file"]: p["message"] for p in report["problems"] if p["category"] == "可用性"}
    assert "data/原件/来信.pdf" in usability and "JPEG" in usability["data/原件/来信.pdf"]
    assert "data/附件/照片.png" in usability


def test_encrypted_pdf_is_reported(ws, docgen):
    make_closed_case(ws, 0, files=[(FILE_ORIGINAL, "加密来信.pdf", pdf_bytes("secret", encrypt="pw"), "来信原件")])
    archive_batch(ws)
    code, report = _problems(docgen)
    assert code == 3
    assert any(p["file"] == "data/原件/加密来信.pdf" and "加密" in p["message"] for p in report["problems"])


def test_missing_and_unknown_packages_are_reported(archived_ws, docgen):
    (case, pkg), (_, other) = _packages(archived_ws)[:2]
    shutil.rmtree(pkg)
    stray = other.parent / "Z001-WS·2025-D10-XF-0099"
    shutil.copytree(other, stray)
    code, report = _problems(docgen)
    assert code == 3
    msgs = {(p["package"], p["category"]): p["message"] for p in report["problems"]}
    assert "缺失" in msgs[(case.archive_no, "完整性")]
    assert (stray.name, "安全性") in msgs


def test_gap_in_item_numbers_is_reported(archived_ws, docgen):
    reg = archived_ws.registry
    case = [c for c in reg.list_cases(where="archive_no IS NOT NULL") if c.archive_no.endswith("D30-XF-0002")][0]
    shutil.rmtree(archived_ws.root / case.extra["archive_path"])
    case.archive_no = None
    reg.update_case(case)
    code, report = _problems(docgen)
    assert code == 3
    assert any(p["package"] == "Z001-WS·2025-D30-XF" and "0002" in p["message"] for p in report["problems"])


def test_each_verify_run_is_logged(archived_ws):
    log = archived_ws.archive_dir / "access.log"
    before = log.read_text("utf-8").splitlines() if log.exists() else []
    report = verify_archive(archived_ws)
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == len(before) + 1
    entry = json.loads(lines[-1])
    assert entry["action"] == "verify" and entry["packages"] == report.packages and entry["user"]


def test_verify_by_year_only_checks_that_year(archived_ws):
    assert verify_archive(archived_ws, year=2025).packages == 6
    assert verify_archive(archived_ws, year=2024).packages == 0
    assert len(package_paths(archived_ws)) == 6
