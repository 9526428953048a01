"""Where templates come from: the built-in ones, or an office's edited copy in the workspace.

A workspace template with the kind's file name (``<workspace>/templates/交办函.docx``) replaces
the built-in one; that is how an office changes its letterhead and wording in Word/WPS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docgen import __version__
from docgen.errors import DocgenError
from docgen.fileio import atomic_copy, atomic_write_bytes
from docgen.letters.kinds import KINDS, Kind, get_kind

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "official"


@dataclass
class TemplateInfo:
    kind: Kind
    path: Path
    source: str          # builtin / workspace

    def to_json(self) -> dict:
        return {**self.kind.to_json(), "path": str(self.path), "source": self.source}


def builtin_dir() -> Path:
    """The folder of the built-in templates.

    In a checkout that is ``templates/official``; an installed package without it builds them
    once into a per-user cache (same bytes, see build.py).
    """
    if all((REPO_TEMPLATES / k.filename).is_file() for k in KINDS.values()):
        return REPO_TEMPLATES
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen" / \
        f"templates-{__version__}"
    from docgen.letters.build import build_template

    for kind in KINDS.values():
        path = cache / kind.filename
        if not path.is_file():
            atomic_write_bytes(path, build_template(kind.name))
    return cache


def builtin_template(kind: str) -> Path:
    return builtin_dir() / get_kind(kind).filename


def find_template(kind: str, template_dir: Path | str | None = None) -> Path:
    """The template used for ``kind``: the workspace's copy if there is one, else the built-in."""
    spec = get_kind(kind)
    if template_dir:
        override = Path(template_dir) / spec.filename
        if override.is_file():
            return override
    return builtin_dir() / spec.filename


def list_templates(template_dir: Path | str | None = None) -> list[TemplateInfo]:
    """Every kind with the template that would be used for it."""
    out = []
    for spec in KINDS.values():
        path = find_template(spec.name, template_dir)
        source = "workspace" if template_dir and path.parent == Path(template_dir) else "builtin"
        out.append(TemplateInfo(spec, path, source))
    return out


def export_templates(dest: Path | str, kinds: list[str] | None = None, *,
                     overwrite: bool = False) -> list[Path]:
    """Copy built-in templates to ``dest`` for editing. Existing files are kept unless
    ``overwrite``: an office's edited letterhead is never silently replaced."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise DocgenError(f"导出位置不是文件夹：{dest}")
    specs = [get_kind(k) for k in kinds] if kinds else list(KINDS.values())
    existing = [dest / s.filename for s in specs if (dest / s.filename).exists()]
    if existing and not overwrite:
        names = "、".join(p.name for p in existing)
        raise DocgenError(f"目标文件夹中已有模板：{names}（如需覆盖请加 --overwrite）")
    written = []
    for spec in specs:
        written.append(atomic_copy(builtin_dir() / spec.filename, dest / spec.filename))
    return written
