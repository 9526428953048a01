"""The tantivy engine (tantivy-py 0.27): the fast one.

Text fields use a custom analyzer registered under ``docgen_char``: one token per
non-whitespace character (Rust regex ``\\S``) at consecutive positions. Python only
NFKC-normalises and lower-cases; tokenising runs in Rust, on both cores. A query substring of
two or more characters is a phrase of its characters, which tantivy resolves from the positions
— exact, and at 100,000 letters still a few milliseconds.

``bi`` holds the bigrams of each field's compact text without positions (tantivy's n-gram
tokenizer): a two-character query is one term lookup there, and it answers document frequencies
and more-like-this cheaply.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import tantivy

from docgen.fileio import check_no_symlink, remove_tree
from docgen.index.analyzer import compact, normalize
from docgen.index.base import IndexDamaged, SearchEngine, SearchFilters, doc_from_json, doc_to_json
from docgen.index.document import IndexDocument
from docgen.index.query import And, FieldTerm, Not, Or, Text

CHAR_TOKENIZER = "docgen_char"
BIGRAM_TOKENIZER = "docgen_bigram"
KEYWORD_FIELDS = ("case_no", "id_number", "id17", "phone", "name_exact", "category", "status",
                  "channel", "closed", "archived")
TEXT_FIELDS = {"all": "all", "subject": "subj", "name": "name", "target": "tgt"}
SUBJECT_BOOST = 4.0


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS.values():
        sb.add_text_field(name, tokenizer_name=CHAR_TOKENIZER, index_option="position")
    sb.add_text_field("bi", tokenizer_name=BIGRAM_TOKENIZER, index_option="freq")
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_bytes_field("doc", stored=True)
    return sb.build()


def _register(index: tantivy.Index) -> None:
    index.register_tokenizer(CHAR_TOKENIZER, tantivy.TextAnalyzerBuilder(
        tantivy.Tokenizer.regex(r"\S")).build())
    index.register_tokenizer(BIGRAM_TOKENIZER, tantivy.TextAnalyzerBuilder(
        tantivy.Tokenizer.ngram(2, 2)).build())


class TantivyEngine(SearchEngine):
    name = "tantivy"

    def __init__(self, path: Path, create: bool = False):
        super().__init__(path)
        check_no_symlink(self.path, "写入检索索引")
        self.schema = _schema()
        try:
            if create:
                remove_tree(self.path)
                self.path.mkdir(parents=True)
            elif not (self.path / "meta.json").exists():
                raise IndexDamaged("meta.json missing")
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=not create)
            _register(self.index)
        except (OSError, ValueError) as exc:
            raise IndexDamaged(str(exc)) from exc
        self._searcher = None

    # -- writing -------------------------------------------------------------------------
    def _writer(self, bulk: bool = False):
        # A rebuild uses two threads: both cores of an office PC tokenise in Rust while Python
        # feeds them. One case at a time needs neither the threads nor the memory.
        if not bulk:
            return self.index.writer(heap_size=32_000_000, num_threads=1)
        threads = max(1, min(2, os.cpu_count() or 1))
        return self.index.writer(heap_size=64_000_000 * threads, num_threads=threads)

    def _document(self, doc: IndexDocument) -> tantivy.Document:
        d = tantivy.Document()
        d.add_text("case_no", doc.case_no)
        for name, value in (("id_number", doc.id_number), ("id17", doc.id17), ("phone", doc.phone),
                            ("name_exact", compact(doc.petitioner_name or "")),
                            ("category", doc.category), ("status", doc.status),
                            ("channel", doc.channel)):
            if value:
                d.add_text(name, value)
        d.add_text("closed", "1" if doc.closed else "0")
        d.add_text("archived", "1" if doc.archived else "0")
        normalized = {id(v): normalize(v) for v in doc.fields_text}
        for value in doc.fields_text:
            d.add_text("all", normalized[id(value)])
        d.add_text("subj", normalize(doc.subject))
        if doc.petitioner_name:
            d.add_text("name", normalize(doc.petitioner_name))
        if doc.target:
            d.add_text("tgt", normalize(doc.target))
        # One value per field, so that no bigram spans two fields.
        for value in doc.fields_text:
            d.add_text("bi", "".join(normalized[id(value)].split()))
        d.add_integer("date", doc.date_key)
        d.add_bytes("doc", doc_to_json(doc).encode("utf-8"))
        return d

    def add(self, docs: Iterable[IndexDocument], bulk: bool = False) -> int:
        n = 0
        with self._writer(bulk) as writer:
            for doc in docs:
                writer.add_document(self._document(doc))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
        self._reload()
        return n

    def replace(self, doc: IndexDocument) -> None:
        with self._writer() as writer:
            writer.delete_documents_by_term("case_no", doc.case_no)
            writer.add_document(self._document(doc))
            writer.commit()
            writer.wait_merging_threads()
        self._reload()

    def delete(self, case_no: str) -> None:
        with self._writer() as writer:
            writer.delete_documents_by_term("case_no", case_no)
            writer.commit()
            writer.wait_merging_threads()
        self._reload()

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()
            writer.commit()
            writer.wait_merging_threads()
        self._reload()

    def _reload(self) -> None:
        self._searcher = None

    # -- reading -------------------------------------------------------------------------
    @property
    def searcher(self) -> tantivy.Searcher:
        if self._searcher is None:
            try:
                self.index.reload()
                self._searcher = self.index.searcher()
            except (OSError, ValueError) as exc:
                raise IndexDamaged(str(exc)) from exc
        return self._searcher

    def count(self) -> int:
        return self.searcher.num_docs

    def get(self, case_no: str) -> IndexDocument | None:
        res = self.searcher.search(tantivy.Query.term_query(self.schema, "case_no", case_no), 1)
        if not res.hits:
            return None
        return self._load(res.hits[0][1])

    def _load(self, address) -> IndexDocument:
        return doc_from_json(bytes(self.searcher.doc(address).get_first("doc")))

    def _text(self, field: str, text: str) -> tantivy.Query:
        if len(text) == 1:
            return tantivy.Query.term_query(self.schema, field, text)
        if len(text) == 2 and field == "all":
            # The commonest query: one posting list of ``bi`` instead of a phrase over two
            # very common characters (p95 of two-term queries at 100,000 cases: 136 → see README).
            return tantivy.Query.term_query(self.schema, "bi", text)
        return tantivy.Query.phrase_query(self.schema, field, list(text))

    def _node(self, node, field: str = "all") -> tantivy.Query:
        if isinstance(node, Text):
            return self._text(field, node.text)
        if isinstance(node, FieldTerm):
            return tantivy.Query.term_query(self.schema, node.field, node.value)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._node(i, field))
                                                for i in node.items])
        if isinstance(node, Not):
            return self._node(node.item, field)
        raise TypeError(node)

    def _filter_clauses(self, filters: SearchFilters) -> list:
        Q, Occ = tantivy.Query, tantivy.Occur
        clauses = []
        for name, value in filters.keyword_terms():
            clauses.append((Occ.Must, Q.const_score_query(Q.term_query(self.schema, name, value), 0.0)))
        for name, value in filters.text_terms():
            clauses.append((Occ.Must, Q.const_score_query(self._text(TEXT_FIELDS[name], value), 0.0)))
        lo, hi = filters.date_range()
        if lo is not None or hi is not None:
            rng = Q.range_query(self.schema, "date", tantivy.FieldType.Integer,
                                lo if lo is not None else 0, hi if hi is not None else 99991231)
            clauses.append((Occ.Must, Q.const_score_query(rng, 0.0)))
        if filters.exclude_case_no:
            clauses.append((Occ.MustNot, Q.term_query(self.schema, "case_no", filters.exclude_case_no)))
        return clauses

    def _run(self, query: And, filters: SearchFilters, limit: int, sort: str):
        Q, Occ = tantivy.Query, tantivy.Occur
        clauses = [(Occ.Must, self._node(item)) for item in query.positive]
        clauses += [(Occ.MustNot, self._node(item)) for item in query.negative]
        # A match in the summary / body complained about ranks the case first.
        clauses += [(Occ.Should, Q.boost_query(self._node(item, "subj"), SUBJECT_BOOST))
                    for item in query.positive if isinstance(item, Text | Or)]
        clauses += self._filter_clauses(filters)
        if not any(occ == Occ.Must for occ, _ in clauses):
            clauses.append((Occ.Must, Q.all_query()))
        q = Q.boolean_query(clauses)
        searcher = self.searcher
        if sort == "date":
            res = searcher.search(q, limit=max(limit, 1), count=True, order_by_field="date",
                                  order=tantivy.Order.Desc)
            rows = [(self._load(addr), 0.0) for _, addr in res.hits]
        else:
            res = searcher.search(q, limit=max(limit, 1), count=True)
            rows = [(self._load(addr), score) for score, addr in res.hits]
        return res.count, rows[:limit]

    def _doc_freq(self, bigram: str) -> int:
        return self.searcher.doc_freq("bi", bigram)

    def _weighted_or(self, terms, filters, limit):
        Q, Occ = tantivy.Query, tantivy.Occur
        should = Q.boolean_query([(Occ.Should, Q.boost_query(Q.term_query(self.schema, "bi", t), w))
                                  for t, w in terms.items()])
        q = Q.boolean_query([(Occ.Must, should)] + self._filter_clauses(filters))
        res = self.searcher.search(q, limit=max(limit, 1), count=False)
        return [(self._load(addr), score) for score, addr in res.hits][:limit]
