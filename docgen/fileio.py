"""Crash-safe file writes: write to a temporary file beside the target, fsync, rename.

A reader never sees a half-written file; after a crash only a ``.tmp-*`` file may be left over,
which the next write of the same target ignores.

Two kinds of writes: derived files (documents, the index, exports) are replaced atomically
(``atomic_write_bytes/_text``, ``atomic_copy``); kept files — an incoming original, received
material — are only ever created (``copy_new``, ``copy_to_free_name``, ``write_new_bytes``):
an existing file is never replaced, whatever the registry believes.

Every write, move and delete here first checks the path with ``check_no_symlink``: inside a
workspace (each one opened registers its root) no command follows a symbolic link, so a link
planted in ``archive/``, ``files/``, ``index/`` or ``output/`` can never make docgen write or
delete outside the workspace. Code that deletes or moves inside a workspace uses
``remove_tree``, ``remove_file`` and ``rename`` from here, never ``shutil``/``os`` directly.
"""

from __future__ import annotations

import errno
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

# Workspace roots opened in this process (absolute, symlinks of the root itself resolved).
_workspace_roots: set[str] = set()


def register_workspace_root(root: Path) -> None:
    """Paths below ``root`` are checked for symlinks before any write, move or delete."""
    _workspace_roots.add(os.path.abspath(root))


def _is_link(path: str) -> bool:
    isjunction = getattr(os.path, "isjunction", None)   # Windows junctions (Python ≥ 3.12)
    return os.path.islink(path) or bool(isjunction and isjunction(path))


def check_no_symlink(path: Path | str, action: str = "写入") -> None:
    """Refuse (DocgenError naming the link) a path inside a workspace that passes through a
    symbolic link or junction below the workspace root. Paths outside every workspace (a
    ``-o`` target the user chose, temporary folders) are not checked."""
    target = os.path.abspath(path)
    for root in _workspace_roots:
        if not target.startswith(root + os.sep):
            continue
        current = root
        for part in Path(os.path.relpath(target, root)).parts:
            current = os.path.join(current, part)
            if _is_link(current):
                try:
                    where = os.readlink(current)
                except OSError:
                    where = "?"
                raise DocgenError(
                    f"{current} 是符号链接（指向 {where}）。为防止写到或删到工作区以外，docgen 拒绝"
                    f"{action}；请删除该链接（需要放到别处的数据请改在 docgen.toml 中配置）后重试。")


def make_dirs(path: Path) -> Path:
    """``mkdir -p`` inside the workspace, refusing to pass through a symlink."""
    check_no_symlink(path, "创建文件夹")
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def remove_file(path: Path) -> None:
    """Delete one file (missing is fine); never through a symlink."""
    check_no_symlink(path, "删除文件")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_tree(path: Path, *, ignore_errors: bool = False) -> None:
    """Delete a folder and everything in it; refuses when the folder or anything on the way to
    it is a symlink (shutil.rmtree alone would delete a linked folder's contents)."""
    check_no_symlink(path, "删除文件夹")
    if not os.path.lexists(path):
        return
    shutil.rmtree(path, ignore_errors=ignore_errors)


def rename(src: Path, dst: Path) -> None:
    """``os.rename`` with both ends checked."""
    check_no_symlink(src, "移动")
    check_no_symlink(dst, "移动")
    os.rename(src, dst)


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


def _fsynced_temp(folder: Path, write) -> str:
    """A ``.tmp-*`` file in ``folder`` holding what ``write(fh)`` wrote, flushed to disk (removed
    again if writing fails); the caller moves or links it into place and removes it."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _atomic_replace(path: Path, write) -> Path:
    path = Path(path)
    check_no_symlink(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _fsynced_temp(path.parent, write)
    try:
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


# --- files that are never replaced --------------------------------------------------------
#
# An original letter or received material is kept for decades: no command may replace it,
# whatever the registry says (a registry restored from an older copy "forgets" files that are
# still on disk). ``_atomic_replace`` above is right for derived files; kept files go through
# ``_write_new`` instead, which can only create.

def _link_supported(exc: OSError) -> bool:
    """False when ``os.link`` failed because the file system has no hard links (FAT, exFAT,
    some network shares), not because the target exists."""
    return exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV,
                             errno.EMLINK, errno.ENOSYS, errno.EACCES, errno.EINVAL)


def _write_new(path: Path, write) -> Path:
    """Create ``path`` with the bytes ``write(fh)`` produces; FileExistsError if it exists.

    Written to a temporary file, fsynced, then hard-linked to ``path``: the link fails when
    the name is taken (no check-then-write race, even between processes), and a reader never
    sees half a file. Where the file system has no hard links, the file is created with
    O_EXCL instead (never replaces either; after a crash a partial file may remain, which is
    never a registered one because the registry commits after the copy)."""
    path = Path(path)
    check_no_symlink(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "文件已存在", str(path))
    tmp = _fsynced_temp(path.parent, write)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if _link_supported(exc):
                raise
            _copy_exclusive(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    _fsync_dir(path.parent)
    return path


def _copy_exclusive(src: str, path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as fin:
            shutil.copyfileobj(fin, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(path)
        raise


def write_new_bytes(path: Path, data: bytes) -> Path:
    """Create ``path`` holding ``data``; FileExistsError if the name is taken (never replaces)."""
    return _write_new(path, lambda fh: fh.write(data))


def copy_new(src: Path, dst: Path) -> Path:
    """Copy ``src`` byte-for-byte to ``dst``, which must not exist (FileExistsError): the
    write primitive for originals and attachments."""
    with open(src, "rb") as fin:
        return _write_new(dst, lambda fh: shutil.copyfileobj(fin, fh, _CHUNK))


def numbered_name(name: str, n: int) -> str:
    """``来信.pdf`` → ``来信 (2).pdf`` for n = 2 (n = 1: the name itself)."""
    if n <= 1:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({n})"
    return f"{stem} ({n}).{ext}"


def copy_to_free_name(src: Path, folder: Path, name: str, taken: set[str] | None = None,
                      root: Path | None = None) -> Path:
    """Copy ``src`` into ``folder`` as ``name``, or ``name (2)``, ``name (3)``… when that name
    is on disk or in ``taken`` (paths relative to ``root`` that the registry already names).
    Returns the path written; an existing file is never replaced."""
    taken = taken or set()
    for n in range(1, 10_000):
        candidate = Path(folder) / numbered_name(name, n)
        if root is not None and candidate.relative_to(root).as_posix() in taken:
            continue
        try:
            return copy_new(src, candidate)
        except FileExistsError:
            continue
    raise DocgenError(f"{folder} 中同名文件过多，无法保存 {name}")


def folder_holds_files(folder: Path) -> bool:
    """True when ``folder`` (or any folder inside it) holds a file or a link: such a folder
    belongs to something, even if the registry does not know it."""
    for _dirpath, dirnames, filenames in os.walk(folder):
        # a ``.tmp-*`` file is a write killed before it finished: never a kept file
        if any(not f.startswith(".tmp-") for f in filenames):
            return True
        # a link to a folder is listed among dirnames and not walked into: it counts as content
        if any(os.path.islink(os.path.join(_dirpath, d)) for d in dirnames):
            return True
    return False


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
