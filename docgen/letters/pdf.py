"""PDF output through LibreOffice: many documents in one headless ``soffice`` run.

Starting LibreOffice costs seconds, converting a letter a fraction of one, so a batch is converted
by a single process. It runs with a private profile (``-env:UserInstallation``), so it neither
collides with an office's open LibreOffice nor with another conversion, and with a fontconfig file
that maps the fonts of Chinese official templates (仿宋_GB2312, 方正小标宋简体, 黑体, ...) to the
installed Noto CJK fonts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from docgen.errors import DocgenError
from docgen.fileio import atomic_copy

FONTCONFIG_FILE = Path(__file__).resolve().parent.parent / "data" / "fontconfig" / "fonts.conf"

_CANDIDATES = (
    "soffice", "libreoffice",
    "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def find_soffice() -> str | None:
    """The LibreOffice executable (``DOCGEN_SOFFICE`` first), or None."""
    env = os.environ.get("DOCGEN_SOFFICE")
    if env:
        return env if (shutil.which(env) or Path(env).is_file()) else None
    for candidate in _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
        if os.sep in candidate and Path(candidate).is_file():
            return candidate
    return None


def have_libreoffice() -> bool:
    return find_soffice() is not None


def convert_to_pdf(paths: Iterable[Path | str], out_dir: Path | str | None = None, *,
                   timeout: float | None = None) -> list[Path]:
    """Convert .docx files to PDF in one LibreOffice run; return the PDF paths in input order.

    Each PDF is written next to its .docx (or into ``out_dir``) with the same stem, atomically.
    Raises DocgenError when LibreOffice is missing or a file could not be converted.
    """
    sources = [Path(p) for p in paths]
    if not sources:
        return []
    for src in sources:
        if not src.is_file():
            raise DocgenError(f"找不到要转换的文件：{src}")
    soffice = find_soffice()
    if soffice is None:
        raise DocgenError("未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice "
                          "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk），"
                          "或设置环境变量 DOCGEN_SOFFICE 指向 soffice；.docx 文件已正常生成。")
    if timeout is None:
        timeout = 120 + 10 * len(sources)

    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as tmp:
        tmp_path = Path(tmp)
        in_dir, pdf_dir, profile = tmp_path / "in", tmp_path / "out", tmp_path / "profile"
        in_dir.mkdir()
        pdf_dir.mkdir()
        # numbered links: two inputs with the same name in different folders cannot collide,
        # and any file name (spaces, Chinese, a leading dash) is safe on the command line
        staged = []
        for i, src in enumerate(sources):
            link = in_dir / f"{i:06d}{src.suffix.lower() or '.docx'}"
            try:
                link.symlink_to(src.resolve())
            except OSError:
                shutil.copyfile(src, link)
            staged.append(link)
        env = dict(os.environ)
        if FONTCONFIG_FILE.is_file():
            env["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
        env.setdefault("HOME", tmp)
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(pdf_dir), *map(str, staged)]
        try:
            proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise DocgenError(f"LibreOffice 转换超时（{timeout:.0f} 秒，{len(sources)} 个文件）") from None
        except OSError as exc:
            raise DocgenError(f"无法启动 LibreOffice（{soffice}）：{exc}") from exc

        results = []
        failed = []
        for i, src in enumerate(sources):
            produced = pdf_dir / f"{i:06d}.pdf"
            if not produced.is_file() or produced.stat().st_size == 0:
                failed.append(src.name)
                continue
            target_dir = Path(out_dir) if out_dir else src.parent
            results.append(atomic_copy(produced, target_dir / f"{src.stem}.pdf"))
        if failed:
            detail = proc.stderr.decode("utf-8", "replace").strip()[-500:]
            raise DocgenError(f"LibreOffice 未能转换：{'、'.join(failed)}"
                              f"{'（' + detail + '）' if detail else ''}")
    return results
