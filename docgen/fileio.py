"""Crash-safe file writes: write to a temporary file beside the target, fsync, rename.

A reader never sees a half-written file; after a crash only a ``.tmp-*`` file may be left over,
which the next write of the same target ignores.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError

_CHUNK = 1 << 20


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_replace(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return _atomic_replace(path, lambda fh: fh.write(data))


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_copy(src: Path, dst: Path) -> Path:
    """Copy ``src`` to ``dst`` byte-for-byte, atomically."""
    with open(src, "rb") as fin:
        return _atomic_replace(dst, lambda fh: shutil.copyfileobj(fin, fh, _CHUNK))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


def safe_filename(name: str, fallback: str = "file") -> str:
    """A file name safe on Linux and Windows that keeps Chinese characters.

    ``/``, ``\\``, ``..`` and control characters cannot escape the target folder.
    """
    base = name.replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base).strip().strip(".")
    if not base or base in {".", ".."}:
        base = fallback
    # keep the extension, shorten the stem: file systems limit names to 255 bytes
    while len(base.encode("utf-8")) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:-1] + dot + ext) if dot and len(ext) < 10 and stem else base[:-1]
    return base


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file an office edits (holidays, deadline rules), or a DocgenError that names the
    file (``what`` says which kind, e.g. 节假日文件) and what is wrong with it."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DocgenError(f"{what} {path} 不是 UTF-8 编码：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DocgenError(f"{what} {path} 格式错误：{exc}") from exc
    except OSError as exc:
        raise DocgenError(f"无法读取{what} {path}：{exc}") from exc
