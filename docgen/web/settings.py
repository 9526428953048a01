"""The ``[web]`` section of docgen.toml: session length, upload limit, lock-out, threads.

    [web]
    session_hours = 8        # a login lasts this long
    max_upload_mb = 20       # largest upload (one request)
    lockout_attempts = 5     # wrong passwords in a row before the account is locked
    lockout_minutes = 15     # for this long
    pending_hours = 24       # uploads not confirmed are removed after this long
    threads = 4              # requests served at once
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from docgen.errors import DocgenError


@dataclass(frozen=True)
class WebSettings:
    session_hours: float = 8.0
    max_upload_mb: float = 20.0
    lockout_attempts: int = 5
    lockout_minutes: float = 15.0
    pending_hours: float = 24.0
    threads: int = 4

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @classmethod
    def from_workspace(cls, ws) -> WebSettings:
        section = ws.section("web") or {}
        values = {}
        for f in fields(cls):
            if f.name not in section:
                continue
            value = section[f.name]
            kind = int if f.type in ("int", int) else float
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise DocgenError(f"docgen.toml 中 [web] {f.name} 应为正数（实际为 {value!r}）")
            values[f.name] = kind(value)
        return cls(**values)
