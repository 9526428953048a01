"""The Whoosh engine (Whoosh 2.7.4, pure Python): runs on any machine Python runs on.

Text fields hold each character and each overlapping bigram, the two sharing a position (see
``analyzer.ngram_tokens``). A 1- or 2-character query is one term lookup; a longer one is a
phrase of overlapping bigrams — exact, and with half as many position lists to intersect as a
phrase of single characters. ``CharNgramPositions`` builds the postings straight from the
string instead of going through Whoosh's token objects, which roughly halves indexing time.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from whoosh import fields, index, query, sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions
from whoosh.system import pack_uint

from docgen.index.analyzer import FIELD_GAP, compact, ngram_tokens
from docgen.index.base import IndexDamaged, SearchEngine, SearchFilters, doc_from_json, doc_to_json
from docgen.index.document import IndexDocument
from docgen.index.query import And, FieldTerm, Not, Or, Text

INDEX_NAME = "docgen"
SUBJECT_BOOST = 4.0


class CharNgramTokenizer(Tokenizer):
    """Whoosh tokenizer for the same tokens (used by Whoosh utilities, not by indexing)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in ngram_tokens(value, start_pos):
            t.text, t.boost, t.stopped = text, 1.0, False
            if positions:
                t.pos = pos
            yield t


def _positions(values) -> dict[str, list[int]]:
    """term → positions for one field value or a list of values (with a gap between them)."""
    if isinstance(values, str):
        values = [values]
    poses: dict[str, list[int]] = defaultdict(list)
    base = 0
    for value in values:
        chars = compact(value)
        n = len(chars)
        for i in range(n):
            poses[chars[i]].append(base + i)
        for i in range(n - 1):
            poses[chars[i:i + 2]].append(base + i)
        base += n + FIELD_GAP
    return poses


class CharNgramPositions(Positions):
    """Positions format whose postings come directly from ``_positions``."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for word, poslist in _positions(value).items():
            poslist.sort()
            deltas = [poslist[0]] + [b - a for a, b in zip(poslist, poslist[1:], strict=False)]
            # Same bytes as Positions.encode, without the per-term Python loop.
            yield word, len(poslist), len(poslist) * fb, pack_uint(len(deltas)) + _dumps(deltas)


def _dumps(deltas):
    import pickle
    return pickle.dumps(deltas, 2)


def _char_field(stored: bool = False) -> fields.FieldType:
    f = fields.TEXT(analyzer=CharNgramTokenizer(), phrase=True, stored=stored)
    f.format = CharNgramPositions(field_boost=1.0)
    return f


def _schema() -> fields.Schema:
    kw = {name: fields.ID() for name in ("id_number", "id17", "phone", "name_exact", "category",
                                         "status", "channel", "closed", "archived")}
    return fields.Schema(
        case_no=fields.ID(unique=True),
        all=_char_field(), subj=_char_field(), name=_char_field(), tgt=_char_field(),
        date=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        doc=fields.STORED(),
        **kw,
    )


def _boosted(q, boost: float):
    q.boost = boost
    return q


TEXT_FIELDS = {"all": "all", "subject": "subj", "name": "name", "target": "tgt"}


class WhooshEngine(SearchEngine):
    name = "whoosh"

    def __init__(self, path: Path, create: bool = False):
        super().__init__(path)
        try:
            if create:
                if self.path.exists():
                    shutil.rmtree(self.path)
                self.path.mkdir(parents=True)
                self.ix = index.create_in(str(self.path), _schema(), indexname=INDEX_NAME)
            else:
                self.ix = index.open_dir(str(self.path), indexname=INDEX_NAME)
        except Exception as exc:  # noqa: BLE001 - Whoosh signals damaged files in many ways
            raise IndexDamaged(str(exc) or type(exc).__name__) from exc
        self._searcher = None

    # -- writing -------------------------------------------------------------------------
    def _fields(self, doc: IndexDocument) -> dict:
        f = {"case_no": doc.case_no, "all": doc.fields_text, "subj": doc.subject,
             "date": doc.date_key, "doc": doc_to_json(doc),
             "closed": "1" if doc.closed else "0", "archived": "1" if doc.archived else "0"}
        for name, value in (("id_number", doc.id_number), ("id17", doc.id17), ("phone", doc.phone),
                            ("name_exact", compact(doc.petitioner_name or "")),
                            ("category", doc.category), ("status", doc.status),
                            ("channel", doc.channel), ("name", doc.petitioner_name),
                            ("tgt", doc.target)):
            if value:
                f[name] = value
        return f

    def _writer(self, bulk: bool = False):
        procs = max(1, min(2, os.cpu_count() or 1)) if bulk else 1
        if procs > 1:
            return self.ix.writer(procs=procs, multisegment=True, limitmb=256)
        return self.ix.writer(limitmb=128)

    def add(self, docs: Iterable[IndexDocument], bulk: bool = False) -> int:
        self._close_searcher()
        # The multiprocess writer only pays off for a rebuild.
        writer = self._writer(bulk=bulk)
        n = 0
        try:
            for doc in docs:
                writer.add_document(**self._fields(doc))
                n += 1
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return n

    def replace(self, doc: IndexDocument) -> None:
        self._close_searcher()
        writer = self._writer()
        try:
            writer.update_document(**self._fields(doc))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def delete(self, case_no: str) -> None:
        self._close_searcher()
        writer = self._writer()
        try:
            writer.delete_by_term("case_no", case_no)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def clear(self) -> None:
        self._close_searcher()
        self.ix = index.create_in(str(self.path), _schema(), indexname=INDEX_NAME)

    def optimize(self) -> None:
        """Merge all segments into one: fewer files to search after a bulk build."""
        self._close_searcher()
        self.ix.optimize()

    # -- reading -------------------------------------------------------------------------
    def _close_searcher(self):
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def close(self) -> None:
        self._close_searcher()

    @property
    def searcher(self):
        if self._searcher is None:
            try:
                self._searcher = self.ix.searcher()
            except Exception as exc:  # noqa: BLE001 - see __init__
                raise IndexDamaged(str(exc) or type(exc).__name__) from exc
        return self._searcher

    def count(self) -> int:
        return self.searcher.doc_count()

    def get(self, case_no: str) -> IndexDocument | None:
        stored = self.searcher.document(case_no=case_no)
        return doc_from_json(stored["doc"]) if stored else None

    @staticmethod
    def _text(field: str, text: str):
        if len(text) <= 2:
            return query.Term(field, text)
        return query.Phrase(field, [text[i:i + 2] for i in range(len(text) - 1)])

    def _node(self, node, field: str = "all"):
        if isinstance(node, Text):
            return self._text(field, node.text)
        if isinstance(node, FieldTerm):
            return query.Term(node.field, node.value)
        if isinstance(node, Or):
            return query.Or([self._node(i, field) for i in node.items])
        if isinstance(node, Not):
            return self._node(node.item, field)
        raise TypeError(node)

    def _filter_parts(self, filters: SearchFilters) -> tuple[list, list]:
        must, must_not = [], []
        for name, value in filters.keyword_terms():
            must.append(query.Term(name, value))
        for name, value in filters.text_terms():
            must.append(self._text(TEXT_FIELDS[name], value))
        lo, hi = filters.date_range()
        if lo is not None or hi is not None:
            must.append(query.NumericRange("date", lo, hi))
        if filters.exclude_case_no:
            must_not.append(query.Term("case_no", filters.exclude_case_no))
        return [query.ConstantScoreQuery(q, 0.0) for q in must], must_not

    def _combine(self, must: list, must_not: list, should: list | None = None):
        # And([..., Not(x)]) rather than AndNot: Whoosh 2.7.4's AndNot matcher lets excluded
        # documents through when the index has several segments.
        parts = list(must) or [query.Every()]
        parts += [query.Not(q) for q in must_not]
        q = parts[0] if len(parts) == 1 else query.And(parts)
        if should:
            q = query.AndMaybe(q, query.Or(should))
        return q

    def _run(self, tree: And, filters: SearchFilters, limit: int, sort: str):
        must = [self._node(i) for i in tree.positive]
        must_not = [self._node(i) for i in tree.negative]
        should = [_boosted(self._node(i, "subj"), SUBJECT_BOOST) for i in tree.positive
                  if isinstance(i, Text | Or)]
        fmust, fnot = self._filter_parts(filters)
        q = self._combine(must + fmust, must_not + fnot, should)
        s = self.searcher
        if sort == "date":
            results = s.search(q, limit=max(limit, 1),
                               sortedby=sorting.FieldFacet("date", reverse=True))
        else:
            results = s.search(q, limit=max(limit, 1))
        rows = [(doc_from_json(hit["doc"]), 0.0 if sort == "date" else hit.score)
                for hit in results[:limit]]
        return len(results), rows

    def _doc_freq(self, bigram: str) -> int:
        return self.searcher.doc_frequency("all", bigram)

    def _weighted_or(self, terms, filters, limit):
        fmust, fnot = self._filter_parts(filters)
        should = query.Or([query.Term("all", t, boost=w) for t, w in terms.items()])
        q = self._combine([should] + fmust, fnot)
        results = self.searcher.search(q, limit=max(limit, 1))
        return [(doc_from_json(hit["doc"]), hit.score) for hit in results[:limit]]
