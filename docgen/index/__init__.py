"""Full-text and field search over all cases, open and archived (PRODUCT C6).

The pipeline: ``document.from_case`` → an engine (``whoosh_engine`` or ``tantivy_engine``,
behind the ``base.SearchEngine`` interface) → ``SearchResult``. ``service`` opens, versions,
locks and rebuilds the index; ``similar`` finds prior cases of the same person or issue.
"""

from docgen.index.base import SCHEMA_VERSION, SearchFilters, SearchHit, SearchResult
from docgen.index.document import IndexDocument, from_case
from docgen.index.service import (
    IndexUnavailable,
    index_case,
    open_index,
    open_workspace_index,
    rebuild,
    rebuild_from_workspace,
    remove_case,
)

__all__ = [
    "SCHEMA_VERSION", "IndexDocument", "IndexUnavailable", "SearchFilters", "SearchHit",
    "SearchResult", "from_case", "index_case", "open_index", "open_workspace_index", "rebuild",
    "rebuild_from_workspace", "remove_case",
]
