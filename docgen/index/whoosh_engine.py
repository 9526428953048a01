"""The Whoosh engine (Whoosh 2.7.4, pure Python): runs on any machine Python runs on.

Text fields hold each character and each overlapping bigram, the two sharing a position (see
``analyzer.ngram_tokens``). A 1- or 2-character query is one term lookup; a longer one is an
``ExactSubstring``: the non-overlapping bigrams that cover it, intersected rarest first, with
positions compared only for the candidates. Digit strings of 11–40 characters (ID numbers and
phones typed as text) are one prefix lookup in ``nums``, the suffixes of every long digit run.
Plain queries (text only, ranked) are evaluated in bulk by ``_run_plain``; everything else goes
through Whoosh's query objects. ``CharNgramPositions`` builds the postings straight from the
string instead of going through Whoosh's token objects, which roughly halves indexing time.
Figures and what each step gained: ``benchmarks/README.md``, section 检索.
"""

from __future__ import annotations

import heapq
import os
import pickle
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from whoosh import fields, index, matching, query, sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE, pack_uint

from docgen.fileio import check_no_symlink, remove_tree
from docgen.index.analyzer import FIELD_GAP, compact, ngram_tokens
from docgen.index.base import IndexDamaged, SearchEngine, SearchFilters, doc_from_json, doc_to_json
from docgen.index.document import IndexDocument
from docgen.index.query import And, FieldTerm, Not, Or, Text

INDEX_NAME = "docgen"
SUBJECT_BOOST = 4.0
# One open searcher per index folder and process, reused while the index is unchanged: opening
# the segment readers is most of the time of a first query.
_SHARED: dict[str, tuple[tuple, object]] = {}
SHARED_MAX = 4
# Whoosh's default BM25F parameters, used by the plain-query path.
BM25_K1, BM25_B = 1.2, 0.75


def _plain_tree(tree: And) -> bool:
    """Only text items (and ID/phone alternatives typed as text): the plain-query path."""
    def plain(node):
        if isinstance(node, Text):
            return True
        return isinstance(node, Or) and all(isinstance(i, Text | FieldTerm) for i in node.items)
    return all(plain(i) for i in tree.positive) and all(plain(i) for i in tree.negative)


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

    def decode_positions(self, valuestring):
        # Same result as Positions.decode_positions, the running sum in C.
        if not valuestring.endswith(b"."):
            valuestring += b"."
        return list(accumulate(pickle.loads(valuestring[_INT_SIZE:])))

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for word, poslist in _positions(value).items():
            poslist.sort()
            deltas = [poslist[0]] + [b - a for a, b in zip(poslist, poslist[1:], strict=False)]
            # Same bytes as Positions.encode, without the per-term Python loop.
            yield word, len(poslist), len(poslist) * fb, pack_uint(len(deltas)) + _dumps(deltas)


def _dumps(deltas):
    return pickle.dumps(deltas, 2)


# Digit strings (ID numbers, phones, case numbers) typed as search text: their bigrams are in
# nearly every letter (dates, amounts), so a phrase over them reads most of the index. Instead,
# every maximal run of [0-9x] of at least NUMBER_MIN characters in a field value is indexed by
# all its suffixes of at least NUMBER_MIN characters (cut to NUMBER_MAX): a query of
# NUMBER_MIN..NUMBER_MAX such characters is a substring of the text ⇔ it is a prefix of one of
# these terms — one prefix lookup, exact.
NUMBER_MIN, NUMBER_MAX = 11, 40
_NUMBER_RUN = re.compile(rf"[0-9x]{{{NUMBER_MIN},}}")
_NUMBER_QUERY = re.compile(rf"[0-9x]{{{NUMBER_MIN},{NUMBER_MAX}}}")


def number_suffixes(values) -> list[str]:
    terms = set()
    for value in values:
        for run in _NUMBER_RUN.findall(compact(value)):
            terms.update(run[i:i + NUMBER_MAX] for i in range(len(run) - NUMBER_MIN + 1))
    return sorted(terms)


def _char_field(stored: bool = False) -> fields.FieldType:
    f = fields.TEXT(analyzer=CharNgramTokenizer(), phrase=True, stored=stored)
    f.format = CharNgramPositions(field_boost=1.0)
    return f


def _schema() -> fields.Schema:
    kw = {name: fields.ID() for name in ("id_number", "id17", "phone", "name_exact", "category",
                                         "status", "channel", "closed", "archived")}
    return fields.Schema(
        case_no=fields.ID(unique=True),
        nums=fields.KEYWORD(),
        all=_char_field(), subj=_char_field(), name=_char_field(), tgt=_char_field(),
        date=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        doc=fields.STORED(),
        **kw,
    )


def covering_bigrams(text: str) -> list[tuple[int, str]]:
    """(offset, bigram) pairs that cover every character of ``text`` (len ≥ 2) with as few
    bigrams as possible: 0, 2, 4, … and, for an odd length, the last one. All of them at their
    offsets ⇔ the exact string (each character is pinned by a bigram that starts on it or on
    the one before)."""
    offsets = list(range(0, len(text) - 1, 2))
    if len(text) % 2:
        offsets.append(len(text) - 2)
    return [(o, text[o:o + 2]) for o in offsets]


class ExactSubstring(query.Query):
    """A substring of three or more characters, exactly: the documents having all covering
    bigrams (posting lists intersected, rarest first, without positions), then positions
    compared only for those candidates.

    Whoosh's own ``Phrase`` (``SpanNear2``) decodes and aligns the positions of all n−1
    overlapping bigrams in every document that has them; for long phrases and ID numbers typed
    as text that took seconds at 10,000 cases.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0):
        self.fieldname, self.text, self.boost = fieldname, text, boost

    def __repr__(self):
        return f"ExactSubstring({self.fieldname!r}, {self.text!r}, boost={self.boost})"

    def __eq__(self, other):
        return (type(other) is type(self) and other.fieldname == self.fieldname
                and other.text == self.text and other.boost == self.boost)

    def __hash__(self):
        return hash((type(self).__name__, self.fieldname, self.text, self.boost))

    def is_leaf(self):
        return True

    def field(self):
        return self.fieldname

    def estimate_size(self, ixreader):
        return min((ixreader.doc_frequency(self.fieldname, g) for _, g in covering_bigrams(self.text)),
                   default=0)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        grams = covering_bigrams(self.text)
        unique = list(dict.fromkeys(g for _, g in grams))
        if any((self.fieldname, g) not in reader for g in unique):
            return matching.NullMatcher()
        # Rarest first: its documents are the candidates the others are checked against.
        unique.sort(key=lambda g: reader.doc_frequency(self.fieldname, g))
        weighting = context.weighting if context is not None else searcher.weighting
        ms = [searcher.postings(self.fieldname, g, weighting=weighting) for g in unique]
        values: list[dict[int, bytes]] = []
        wanted = None
        for m in ms:
            found = _postings(m, wanted)
            wanted = sorted(found) if wanted is None else [d for d in wanted if d in found]
            if not wanted:
                return matching.NullMatcher()
            values.append(found)
        decode = searcher.schema[self.fieldname].format.decode_positions
        slot = {g: i for i, g in enumerate(unique)}
        base_off, base_gram = grams[0]
        checks = [(o - base_off, slot[g]) for o, g in grams[1:]]
        base_i = slot[base_gram]
        # A phrase is scored like one term occurring as often as the phrase does: BM25 with the
        # rarest bigram's statistics and the phrase's frequency in the document.
        top = searcher.get_parent()
        idf = top.idf(self.fieldname, unique[0])
        avgfl = top.avg_field_length(self.fieldname) or 1.0
        lengths = segment_lengths(reader, self.fieldname)
        scale, base, per_char = idf * (BM25_K1 + 1) * self.boost, BM25_K1 * (1 - BM25_B), BM25_K1 * BM25_B / avgfl
        ids, scores = [], []
        for d in wanted:
            tf = _occurrences([v[d] for v in values], decode, base_i, checks)
            if tf:
                ids.append(d)
                scores.append(scale * tf / (tf + base + per_char * lengths[d]))
        return self._result(ids, scores)

    @staticmethod
    def _result(ids, scores):
        return _ScoredList(ids, weights=scores) if ids else matching.NullMatcher()


def _unwrap(m):
    """(block matcher, deleted docnums): a segment with deletions wraps its postings in a
    FilterMatcher; the deleted documents are then dropped here instead."""
    if isinstance(m, FilterMatcher) and m._exclude and m.boost == 1.0:
        return m.child, m._ids
    return m, None


def _postings(m, wanted: list[int] | None) -> dict[int, bytes]:
    """docnum → raw posting value of a term, for all its documents or only those in ``wanted``
    (sorted). Whoosh 2.7's block matcher is read a block at a time — ids and values in C — and
    a block whose id range holds no wanted document is not even decompressed; other matchers
    go posting by posting."""
    out: dict[int, bytes] = {}
    wrapped = m
    m, deleted = _unwrap(m)
    wanted_set = set(wanted) if wanted is not None else None
    if not all(hasattr(m, a) for a in ("_atend", "_maxid", "_read_ids", "_read_values", "_next_block")):
        for d, v in wrapped.all_items():
            if wanted_set is None or d in wanted_set:
                out[d] = v
        return out
    lo = 0
    while not m._atend:
        if wanted is not None:
            hi = bisect_right(wanted, m._maxid, lo)
            if hi == lo:          # no wanted document in this block
                m._next_block()
                continue
            lo = hi
        m._read_ids()
        m._read_values()
        if wanted_set is None:
            out.update(zip(m._ids, m._values, strict=True))
        else:
            out.update((d, v) for d, v in zip(m._ids, m._values, strict=True) if d in wanted_set)
        m._next_block()
    if deleted:
        for d in deleted:
            out.pop(d, None)
    return out


def _weights(m) -> dict[int, float] | None:
    """docnum → term frequency (posting weight) of every document of a term, read a block at a
    time; None when the matcher is not Whoosh 2.7's block matcher."""
    m, deleted = _unwrap(m)
    if not all(hasattr(m, a) for a in ("_atend", "_read_ids", "_read_weights", "_next_block")):
        return None
    out: dict[int, float] = {}
    while not m._atend:
        m._read_ids()
        m._read_weights()
        out.update(zip(m._ids, m._weights, strict=True))
        m._next_block()
    if deleted:
        for d in deleted:
            out.pop(d, None)
    return out


def _field_lengths(reader, field: str) -> list[int]:
    """Length of ``field`` in every document of a segment (BM25's ``fl``), read once."""
    n = reader.doc_count_all()
    try:   # Whoosh 2.7: one byte per document, log-scaled; decoded with Whoosh's own table
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return [0] * n
        raw = column._dbfile.get(column._basepos, column._count)
        table = [byte_to_length(b) if b else 0 for b in range(256)]
        lengths = [table[b] for b in raw]
        return lengths + [0] * (n - len(lengths))
    except Exception:   # noqa: BLE001 - another codec: ask document by document
        return [reader.doc_field_length(d, field) for d in range(n)]


def segment_lengths(reader, field: str) -> list[int]:
    """``_field_lengths``, kept on the segment reader: computed once per process and index
    state (the searcher, and with it the reader, is cached per process)."""
    cache = getattr(reader, "_docgen_lengths", None)
    if cache is None:
        cache = reader._docgen_lengths = {}
    if field not in cache:
        cache[field] = _field_lengths(reader, field)
    return cache[field]


def _occurrences(poses: list[bytes], decode, base_i: int, checks) -> int:
    """How often the covering bigrams stand at their offsets: the phrase's frequency."""
    firsts = decode(poses[base_i])
    if not checks:
        return len(firsts)
    # Lists, not sets: a bigram occurs a handful of times in a letter.
    others: dict[int, list[int]] = {}
    n = 0
    for p in firsts:
        for off, i in checks:
            found = others.get(i)
            if found is None:
                found = others[i] = decode(poses[i])
            if p + off not in found:
                break
        else:
            n += 1
    return n


class _ScoredList(matching.ListMatcher):
    """A ListMatcher whose best weight is computed once: Whoosh's ``Or``/``AndMaybe`` ask for
    it at every step, and ``max`` over thousands of weights each time cost more than the
    phrase search itself."""

    def __init__(self, ids, weights=None, **kw):
        super().__init__(ids, weights=weights, **kw)
        self._best = max(weights) if weights else 1.0

    def copy(self):
        return _ScoredList(self._ids, weights=self._weights, position=self._i)

    def block_max_weight(self):
        return self._best


def _boosted(q, boost: float):
    q.boost = boost
    return q


TEXT_FIELDS = {"all": "all", "subject": "subj", "name": "name", "target": "tgt"}


class WhooshEngine(SearchEngine):
    name = "whoosh"

    def __init__(self, path: Path, create: bool = False):
        super().__init__(path)
        check_no_symlink(self.path, "写入检索索引")
        try:
            if create:
                remove_tree(self.path)
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
        numbers = number_suffixes(doc.fields_text)
        if numbers:
            f["nums"] = " ".join(numbers)
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
        # compound=False: Whoosh reads a compound segment through BytesIO, which copies each
        # file of it into memory when the index is opened (a quarter of a second at 10,000
        # cases, and growing with the index); separate files are read where they lie.
        if procs > 1:
            return self.ix.writer(procs=procs, multisegment=True, limitmb=256, compound=False)
        return self.ix.writer(limitmb=128, compound=False)

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
        """Before writing: this process's searcher of the index is out of date."""
        self._searcher = None
        _SHARED.pop(str(self.path), None)

    def close(self) -> None:
        # The searcher stays in the per-process cache for the next SearchIndex on this folder;
        # its files close when it is replaced and collected.
        self._searcher = None

    def _toc_key(self) -> tuple:
        """Identifies the index's current state: generation and its TOC file (a rebuild swaps
        in a new folder whose generation may be the same number)."""
        gen = self.ix.latest_generation()
        st = os.stat(self.path / f"_{INDEX_NAME}_{gen}.toc")
        return gen, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size

    @property
    def searcher(self):
        if self._searcher is None:
            try:
                key = self._toc_key()
                cached = _SHARED.get(str(self.path))
                if cached is not None and cached[0] == key:
                    self._searcher = cached[1]
                else:
                    self._searcher = self.ix.searcher()
                    _SHARED.pop(str(self.path), None)
                    while len(_SHARED) >= SHARED_MAX:   # a few folders at most (tests, tools)
                        _SHARED.pop(next(iter(_SHARED)))
                    _SHARED[str(self.path)] = (key, self._searcher)
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
        if field == "all" and _NUMBER_QUERY.fullmatch(text):
            return query.Prefix("nums", text)
        return ExactSubstring(field, text)

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
        if sort == "relevance" and filters.is_empty and tree.positive and _plain_tree(tree):
            fast = self._run_plain(tree, limit)
            if fast is not None:
                return fast
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

    # -- the plain query: text terms only, ranked, no filters ------------------------------
    # What clerks type most. Whoosh's matcher tree spends tens of microseconds per matching
    # document in Python calls; a common word matches most of the index. Here posting lists
    # are read a block at a time into dicts, intersected, and BM25 is computed in one pass —
    # the same ranking rule (text BM25 + SUBJECT_BOOST × subject BM25) in a third of the time.

    def _run_plain(self, tree: And, limit: int):
        s = self.searcher
        subs = s.subsearchers or [(s, 0)]
        total, best = 0, []
        for sub, offset in subs:
            scored = None
            for item in tree.positive:
                found = self._plain_scores(sub, item, "all")
                if found is None:
                    return None
                if scored is None:
                    scored = found
                else:
                    scored = {d: v + found[d] for d, v in scored.items() if d in found}
                if not scored:
                    break
            for item in tree.negative:
                if not scored:
                    break
                found = self._plain_scores(sub, item, "all")
                if found is None:
                    return None
                scored = {d: v for d, v in scored.items() if d not in found}
            if not scored:
                continue
            for item in tree.positive:
                subject = self._plain_scores(sub, item, "subj")
                if subject is None:
                    return None
                for d, v in subject.items():
                    if d in scored:
                        scored[d] += SUBJECT_BOOST * v
            total += len(scored)
            # Ties: lower document number first (nlargest is stable), as Whoosh orders them.
            best.extend((-v, offset + d) for d, v in heapq.nlargest(
                limit, scored.items(), key=itemgetter(1)))
        best.sort()
        rows = [(doc_from_json(s.stored_fields(docnum)["doc"]), -neg) for neg, docnum in best[:limit]]
        return total, rows

    def _plain_scores(self, sub, node, field: str) -> dict[int, float] | None:
        """docnum → score of one query item in one segment (None: not answerable here)."""
        if isinstance(node, Or):
            merged: dict[int, float] = {}
            for item in node.items:
                if isinstance(item, FieldTerm) and field != "all":
                    continue
                found = self._plain_scores(sub, item, field)
                if found is None:
                    return None
                for d, v in found.items():
                    merged[d] = merged.get(d, 0.0) + v
            return merged
        if isinstance(node, FieldTerm):
            return self._plain_term(sub, node.field, node.value, constant=1.0)
        text = node.text
        if len(text) <= 2:
            return self._plain_term(sub, field, text)
        if field == "all" and _NUMBER_QUERY.fullmatch(text):
            merged = {}
            for term in sub.reader().expand_prefix("nums", text):
                found = self._plain_term(sub, "nums", term, constant=1.0)
                if found is None:
                    return None
                merged.update(found)
            return merged
        m = ExactSubstring(field, text).matcher(sub)
        if not m.is_active():
            return {}
        return dict(zip(m._ids, m._weights, strict=True))

    def _plain_term(self, sub, field: str, text: str, constant: float | None = None
                    ) -> dict[int, float] | None:
        reader = sub.reader()
        if (field, text) not in reader:
            return {}
        tf = _weights(reader.postings(field, text))
        if tf is None:
            return None
        if constant is not None:
            return dict.fromkeys(tf, constant)
        top = self.searcher
        idf = top.idf(field, text)
        avgfl = top.avg_field_length(field) or 1.0
        k1, b = BM25_K1, BM25_B
        base, per_char = k1 * (1 - b), k1 * b / avgfl
        lengths = segment_lengths(reader, field)
        scale = idf * (k1 + 1)
        return {d: scale * w / (w + base + per_char * lengths[d]) for d, w in tf.items()}


    def _doc_freq(self, bigram: str) -> int:
        return self.searcher.doc_frequency("all", bigram)

    def _weighted_or(self, terms, filters, limit):
        fmust, fnot = self._filter_parts(filters)
        should = query.Or([query.Term("all", t, boost=w) for t, w in terms.items()])
        q = self._combine([should] + fmust, fnot)
        results = self.searcher.search(q, limit=max(limit, 1))
        return [(doc_from_json(hit["doc"]), hit.score) for hit in results[:limit]]
