"""Full-text and field search over all cases, open and archived (docs/design.md §1).

The pipeline: ``document.from_case`` → an engine (``whoosh_engine`` or ``tantivy_engine``,
behind the ``base.SearchEngine`` interface) → ``SearchResult``. ``service`` opens, versions,
locks, rebuilds and syncs the index; ``journal`` (a registry table) remembers what the index
has not caught up with yet; ``similar`` finds prior cases of the same person or issue.

The names below are loaded on first use: the registry imports ``docgen.index.journal`` on
every open, and a ``docgen show`` should not pay for loading the search engines.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "SCHEMA_VERSION": "base", "SearchFilters": "base", "SearchHit": "base", "SearchResult": "base",
    "IndexDocument": "document", "from_case": "document",
    "IndexUnavailable": "service", "index_case": "service", "open_index": "service",
    "open_workspace_index": "service", "rebuild": "service", "rebuild_from_workspace": "service",
    "remove_case": "service", "sync": "service",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docgen.index' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"docgen.index.{module}"), name)
    globals()[name] = value
    return value
