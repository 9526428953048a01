"""The engine interface every search engine implements, and what a search returns.

An engine stores, per case, an ``IndexDocument`` (as JSON, for hits, highlighting and
similar-case checks) and indexes its text with the character analyzer of ``analyzer``. Engines
translate the engine-neutral query tree of ``query`` into their own queries; everything the
user sees (hits, highlights, more-like-this terms) is computed here so both engines agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.index import highlight
from docgen.index.analyzer import bigrams, compact, normalize_id, normalize_phone
from docgen.index.document import IndexDocument
from docgen.index.query import And, parse_query, text_terms

# Bump when the schema, the analyzer or the stored JSON changes: old indexes are then rebuilt.
SCHEMA_VERSION = 5

SORTS = ("relevance", "date")


@dataclass
class SearchFilters:
    """Field conditions ANDed with the query. Text filters (``person``, ``target``) match by
    substring like the query; the others are exact."""

    person: str | None = None          # petitioner name contains
    id_number: str | None = None
    phone: str | None = None
    target: str | None = None          # 被反映对象 contains
    category: str | None = None
    status: str | None = None
    channel: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    closed: bool | None = None
    archived: bool | None = None
    name_exact: str | None = None      # for similar cases
    id17: str | None = None            # ID without check character, for similar cases
    exclude_case_no: str | None = None

    def __post_init__(self):
        if self.id_number:
            self.id_number = normalize_id(self.id_number)
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.name_exact:
            self.name_exact = compact(self.name_exact)

    @property
    def is_empty(self) -> bool:
        return all(v is None or v == "" for v in dataclasses.astuple(self))

    def keyword_terms(self) -> list[tuple[str, str]]:
        """(field, value) pairs of exact keyword fields."""
        pairs = [("id_number", self.id_number), ("phone", self.phone), ("category", self.category),
                 ("status", self.status), ("channel", self.channel), ("name_exact", self.name_exact),
                 ("id17", self.id17)]
        if self.closed is not None:
            pairs.append(("closed", "1" if self.closed else "0"))
        if self.archived is not None:
            pairs.append(("archived", "1" if self.archived else "0"))
        return [(f, v) for f, v in pairs if v]

    def text_terms(self) -> list[tuple[str, str]]:
        """(field, compact substring) pairs: ``name`` and ``target`` fields."""
        pairs = [("name", compact(self.person or "")), ("target", compact(self.target or ""))]
        return [(f, v) for f, v in pairs if v]

    def date_range(self) -> tuple[int | None, int | None]:
        def key(d):
            return d.year * 10000 + d.month * 100 + d.day if d else None
        return key(self.date_from), key(self.date_to)


@dataclass
class SearchHit:
    case_no: str
    external_no: str | None
    received_date: dt.date | None
    petitioner: str | None
    summary: str | None
    status: str | None
    category: str | None
    score: float
    highlights: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["received_date"] = self.received_date.isoformat() if self.received_date else None
        d["score"] = round(self.score, 4)
        return d


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    took_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "took_ms": round(self.took_ms, 2),
                "hits": [h.to_json() for h in self.hits]}


def doc_to_json(doc: IndexDocument) -> str:
    # Not dataclasses.asdict: its deep copy costs more than the rest of indexing a case.
    d = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc)}
    d["received_date"] = doc.received_date.isoformat() if doc.received_date else None
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def doc_from_json(data: str | bytes) -> IndexDocument:
    d = json.loads(data)
    d["received_date"] = dt.date.fromisoformat(d["received_date"]) if d.get("received_date") else None
    return IndexDocument(**d)


class IndexDamaged(Exception):
    """The engine's files cannot be read; the service rebuilds the index."""


class SearchEngine(ABC):
    """One engine's index in one folder. Not thread-safe for writing; the service locks."""

    name = ""

    def __init__(self, path: Path):
        self.path = Path(path)

    # -- writing -------------------------------------------------------------------------
    @abstractmethod
    def add(self, docs: Iterable[IndexDocument], bulk: bool = False) -> int:
        """Add documents in one commit (no check for duplicates: use ``replace`` for a case
        already there); ``bulk`` uses every core the engine can."""

    @abstractmethod
    def replace(self, doc: IndexDocument) -> None:
        """Add or update one case."""

    @abstractmethod
    def delete(self, case_no: str) -> None: ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    # -- reading -------------------------------------------------------------------------
    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def get(self, case_no: str) -> IndexDocument | None: ...

    @abstractmethod
    def _run(self, query: And, filters: SearchFilters, limit: int, sort: str
             ) -> tuple[int, list[tuple[IndexDocument, float]]]:
        """Execute; return the total and the top ``limit`` (document, score) pairs."""

    @abstractmethod
    def _doc_freq(self, bigram: str) -> int:
        """Number of documents whose text contains the bigram."""

    @abstractmethod
    def _weighted_or(self, terms: dict[str, float], filters: SearchFilters, limit: int
                     ) -> list[tuple[IndexDocument, float]]:
        """Documents containing any of the bigrams, scored by the sum of matched weights×BM25."""

    def close(self) -> None:  # noqa: B027 - optional hook, engines without handles keep it
        """Release files (optional)."""

    # -- shared --------------------------------------------------------------------------
    def search(self, query: str | And | None = None, filters: SearchFilters | None = None,
               limit: int = 20, sort: str = "relevance") -> SearchResult:
        """Search; ``query`` may be a string (parsed here) or a parsed tree."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        tree = query if isinstance(query, And) else parse_query(query)
        filters = filters or SearchFilters()
        if tree.is_empty:
            sort = "date"
        total, rows = self._run(tree, filters, max(0, limit), sort)
        terms = text_terms(tree) + [v for f, v in filters.text_terms() if f == "name"]
        hits = [self._hit(doc, score, terms) for doc, score in rows]
        return SearchResult(total=total, hits=hits)

    def find(self, filters: SearchFilters, limit: int = 200) -> list[IndexDocument]:
        """Documents matching the filters alone, newest first."""
        return [d for d, _ in self._run(And(), filters, limit, "date")[1]]

    def more_like_this(self, doc: IndexDocument, limit: int = 20, max_terms: int = 30,
                       filters: SearchFilters | None = None, terms: dict[str, float] | None = None
                       ) -> list[tuple[IndexDocument, float]]:
        """Cases whose text shares the most distinctive bigrams of ``doc``'s text (``terms``:
        precomputed ``key_terms``)."""
        weights = terms if terms is not None else self.key_terms(doc, max_terms)
        if not weights:
            return []
        filters = filters or SearchFilters()
        filters = dataclasses.replace(filters, exclude_case_no=doc.case_no)
        return self._weighted_or(weights, filters, limit)

    def key_terms(self, doc: IndexDocument, max_terms: int = 30,
                  exclude: frozenset[str] = frozenset()) -> dict[str, float]:
        """The bigrams that best characterise a text: frequent in it, rare in the index.
        Bigrams with a digit (dates, amounts, numbers) and those in ``exclude`` never count."""
        n = max(1, self.count())
        tf = Counter(b for b in bigrams(" ".join(p for p in (doc.summary, doc.text) if p))
                     if all(ch.isalnum() and not ch.isdigit() for ch in b) and b not in exclude)
        scored = []
        # Only the most frequent candidates are looked up: doc_freq is a disk read each.
        for term, freq in tf.most_common(max_terms * 6):
            df = self._doc_freq(term)
            if df == 0 or df > 0.5 * n:
                continue
            idf = math.log(1 + n / df)
            scored.append((term, (1 + math.log(freq)) * idf))
        scored.sort(key=lambda x: -x[1])
        return dict(scored[:max_terms])

    def _hit(self, doc: IndexDocument, score: float, terms: list[str]) -> SearchHit:
        marked = []
        if terms:
            # A blank line keeps the summary apart from the letter in the snippet; a summary
            # that is the letter's own title or first line is not shown a second time.
            summary = doc.summary
            if summary and doc.text and compact(summary) in compact(doc.text[:len(summary) * 2 + 40]):
                summary = None
            body = "\n\n".join(p for p in (summary, doc.text) if p)
            marked = highlight.snippets(body, terms)
        if not marked and doc.summary:
            marked = [doc.summary]
        return SearchHit(case_no=doc.case_no, external_no=doc.external_no,
                         received_date=doc.received_date, petitioner=doc.petitioner_name,
                         summary=doc.summary, status=doc.status, category=doc.category,
                         score=float(score or 0.0), highlights=marked)
