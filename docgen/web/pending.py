"""Uploads waiting for the clerk's 确认 (letters to review, ledgers to import, attachments).

Nothing is registered before the clerk confirms, so an upload is first kept here, inside the
workspace (``.web/pending/<session>/<item>/``), with what parsing it found. A session sees only
its own items; items of sessions that ended, and items older than ``pending_hours``, are
removed by ``cleanup`` (at start-up and on every upload).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_bytes, atomic_write_text, make_dirs, remove_tree, safe_filename

WEB_DIR = ".web"
META = "meta.json"


def web_dir(ws) -> Path:
    return ws.root / WEB_DIR


def pending_root(ws) -> Path:
    return web_dir(ws) / "pending"


@dataclass
class PendingItem:
    id: str
    kind: str                 # letter | ledger | attachment
    folder: Path
    name: str                 # the file name as uploaded (made safe)
    uploaded_at: float
    user: str
    data: dict[str, Any]

    @property
    def path(self) -> Path:
        return self.folder / self.name

    def save(self) -> None:
        atomic_write_text(self.folder / META, json.dumps(
            {"id": self.id, "kind": self.kind, "name": self.name, "uploaded_at": self.uploaded_at,
             "user": self.user, "data": self.data}, ensure_ascii=False))


class PendingArea:
    """The pending uploads of one session."""

    def __init__(self, ws, session: str):
        self.ws = ws
        self.folder = pending_root(ws) / session

    def add(self, kind: str, filename: str, content: bytes, *, user: str,
            data: dict[str, Any] | None = None) -> PendingItem:
        item_id = secrets.token_hex(12)
        folder = make_dirs(self.folder / item_id)
        name = safe_filename(Path(filename or "").name or "上传文件", "上传文件")
        if name == META:
            name = "_" + name
        atomic_write_bytes(folder / name, content)
        item = PendingItem(id=item_id, kind=kind, folder=folder, name=name,
                           uploaded_at=time.time(), user=user, data=data or {})
        item.save()
        return item

    def get(self, item_id: str, kind: str | None = None) -> PendingItem:
        if not item_id or not item_id.isalnum():
            raise DocgenError("待确认的文件不存在（可能已确认、已放弃或已过期）")
        meta = self.folder / item_id / META
        try:
            d = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise DocgenError("待确认的文件不存在（可能已确认、已放弃或已过期）") from None
        if kind and d.get("kind") != kind:
            raise DocgenError("待确认的文件不存在（可能已确认、已放弃或已过期）")
        return PendingItem(id=d["id"], kind=d["kind"], folder=meta.parent, name=d["name"],
                           uploaded_at=d["uploaded_at"], user=d["user"], data=d.get("data") or {})

    def items(self, kind: str | None = None) -> list[PendingItem]:
        if not self.folder.is_dir():
            return []
        found = []
        for sub in sorted(self.folder.iterdir()):
            try:
                item = self.get(sub.name)
            except DocgenError:
                continue
            if kind is None or item.kind == kind:
                found.append(item)
        return sorted(found, key=lambda i: i.uploaded_at)

    def remove(self, item_id: str) -> None:
        if item_id and item_id.isalnum():
            remove_tree(self.folder / item_id, ignore_errors=True)


def cleanup(ws, live_sessions: set[str], max_age_hours: float, now: float | None = None) -> int:
    """Remove the pending folders of ended sessions and items older than ``max_age_hours``;
    returns how many items were removed."""
    root = pending_root(ws)
    if not root.is_dir():
        return 0
    now = now or time.time()
    removed = 0
    for session in list(root.iterdir()):
        if not session.is_dir() or session.is_symlink():
            continue
        if session.name not in live_sessions:
            removed += sum(1 for _ in session.iterdir())
            remove_tree(session, ignore_errors=True)
            continue
        for item in list(session.iterdir()):
            try:
                uploaded = json.loads((item / META).read_text(encoding="utf-8"))["uploaded_at"]
            except (OSError, ValueError, KeyError, TypeError):
                uploaded = item.stat().st_mtime
            if now - uploaded > max_age_hours * 3600:
                remove_tree(item, ignore_errors=True)
                removed += 1
    return removed


# --- a parse result kept as JSON -----------------------------------------------------------------

def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__type__": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _classes() -> dict[str, type]:
    from docgen.intake.extract import Extracted
    from docgen.intake.fields import ParsedFields, Source
    from docgen.intake.pipeline import ParseResult
    from docgen.models import Petitioner

    return {c.__name__: c for c in (Extracted, ParsedFields, Source, ParseResult, Petitioner)}


def _decode(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, dict):
        if "__date__" in value:
            return dt.date.fromisoformat(value["__date__"])
        kind = value.get("__type__")
        decoded = {k: _decode(v, classes) for k, v in value.items() if k != "__type__"}
        if kind in classes:
            cls = classes[kind]
            known = {f.name for f in dataclasses.fields(cls)}
            # a field added to the class since the upload keeps its default
            return cls(**{k: v for k, v in decoded.items() if k in known})
        return decoded
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    return value


def parse_to_json(result) -> dict[str, Any]:
    return _encode(result)


def parse_from_json(data: dict[str, Any], path: Path):
    """The ParseResult kept at upload, pointing at the pending copy of the file."""
    result = _decode(data, _classes())
    result.path = Path(path)
    return result
