"""Similar prior cases: the same person, or the same issue — each with a score and the reasons.

Same person (strongest first): the same ID number; an ID differing only in its check character
(a typo or an old record); the same name with the same phone, or with a similar address; the
same phone alone (often a relative). Same issue: more-like-this over the distinctive bigrams of
the text, confirmed and graded by shingle overlap (near-duplicate letters are sent to several
offices, or again every year).

Scores are 0–1 and comparable across both engines: they come from these rules, not from BM25.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from docgen.index.analyzer import bigrams, compact
from docgen.index.base import SearchFilters
from docgen.index.document import IndexDocument

SHINGLE = 4
NEAR_DUPLICATE = 0.5     # Jaccard of 4-character shingles from which a text counts as a copy
PERSON_SCAN = 200
# "The same issue" needs shared wording that says what the issue is: at least two phrases of
# the source's key bigrams found in the other case, together this many characters, one of
# them at least MIN_LONG_PHRASE long (征地补偿, 溪口村 — not 城关 + 依法).
MIN_SHARED_CHARS = 7
MIN_LONG_PHRASE = 3

# Words every letter, visit record and generated letter has (addresses, requests, the letters'
# boilerplate): sharing them says nothing about the issue. Their bigrams are never key terms.
GENERIC_WORDS = (
    "人民政府 人大常委会 常委会 信访室 信访工作条例 工作人员 有关部门 有关规定 反映人 反映 要求 "
    "恳请 请求 希望 督促 依法依规 认真 调查 核实 处理 妥善 解决 问题 情况 领导 群众 此致 敬礼 "
    "尊敬的 联系电话 联系人 身份证号码 家住 住址 监督 落实 答复 至今 多次 没有 一直 我们 他们 "
    "我家 今年 以来 规定 程序 期限 办理 报告 来信 来访 登记 交办 转送 特此函告 附件 复印件 "
    "主要内容如下 根据 尽快 予以 关于 单位 我委 收到 书面 意见 表示 已经 如果 但是 因为 所以 "
    "上级 相关 部门 具体 目前 现在 当时 一名 代表 代理 签名 日期 时间 地址 电话 村民 居民 镇政府"
).split()
GENERIC_BIGRAMS = frozenset(w[i:i + 2] for w in GENERIC_WORDS for i in range(len(w) - 1))


@dataclass
class SimilarMatch:
    case_no: str
    score: float
    reasons: list[str] = field(default_factory=list)
    received_date: dt.date | None = None
    petitioner: str | None = None
    summary: str | None = None
    status: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["received_date"] = self.received_date.isoformat() if self.received_date else None
        d["score"] = round(self.score, 3)
        return d


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    chars = compact(text)
    return {chars[i:i + k] for i in range(max(0, len(chars) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def address_similar(a: str | None, b: str | None) -> bool:
    """Same address as written differently: equal, one inside the other, or most bigrams shared."""
    ca, cb = compact(a or ""), compact(b or "")
    if len(ca) < 4 or len(cb) < 4:
        return False
    if ca in cb or cb in ca:
        return True
    ba, bb = set(bigrams(ca)), set(bigrams(cb))
    return jaccard(ba, bb) >= 0.6


def _overlap(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    ba, bb = set(bigrams(a)), set(bigrams(b))
    return len(ba & bb) >= 0.5 * min(len(ba), len(bb))


def _cut(chars: str, spans: list[tuple[int, int]], known: str) -> list[tuple[int, int]]:
    """``spans`` of ``chars`` with every occurrence of ``known`` cut out."""
    if not known:
        return spans
    out = []
    for s, e in spans:
        i = chars.find(known, s, e)
        while i >= 0 and i + len(known) <= e:
            out.append((s, i))
            s = i + len(known)
            i = chars.find(known, s, e)
        out.append((s, e))
    return [(s, e) for s, e in out if e - s >= 2]


def _telling(phrases: list[str], same_target: bool = False) -> bool:
    """Whether shared phrases name an issue rather than a coincidence of two words (the same
    body complained about counts as one such phrase)."""
    count = len(phrases) + (1 if same_target else 0)
    total = sum(len(p) for p in phrases) + (MIN_LONG_PHRASE if same_target else 0)
    return bool(phrases) and count >= 2 and total >= MIN_SHARED_CHARS and max(
        len(p) for p in phrases) >= MIN_LONG_PHRASE


def shared_phrases(source_text: str, terms, other_text: str, n: int = 3,
                   known: str = "") -> list[str]:
    """See ``_shared``: the phrases to show."""
    return [shown for shown, _ in _shared(source_text, terms, other_text, n, known)]


def _shared(source_text: str, terms, other_text: str, n: int = 3,
            known: str = "") -> list[tuple[str, str]]:
    """Phrases of ``source_text`` that ``other_text`` also has, most telling first: runs of key
    bigrams (``terms``: a set, or a dict of weights), widened to the whole stretch both texts
    share, ranked by the weight of their key bigrams. Phrases inside ``known`` (the body
    complained about, already given as a reason of its own) and phrases inside a better one
    are left out. Each comes with its core, the run of key bigrams alone."""
    weights = terms if isinstance(terms, dict) else dict.fromkeys(terms, 1.0)
    chars = compact(source_text)
    other = compact(other_text)
    shared = {t for t in weights if t in other}
    spans, start = [], None
    for i in range(len(chars) - 1):
        if chars[i:i + 2] in shared:
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i + 1))
            start = None
    if start is not None:
        spans.append((start, len(chars)))
    known = compact(known)
    pieces = []
    for s, e in _cut(chars, spans, known):
        # A run the other text has only in parts (征地补偿款 / 征地补偿标准): its longest parts.
        while e - s >= 2:
            j = e
            while j - s >= 2 and chars[s:j] not in other:
                j -= 1
            if j - s < 2:
                s += 1
                continue
            pieces.append((s, j))
            s = j
    scored: dict[str, tuple[float, str]] = {}
    for s, e in pieces:
        core = chars[s:e]
        # Finish the last word when the other text has it too (判决执行难问题, not …难问); only
        # the core decides whether the match is telling.
        for _ in range(2):
            if e < len(chars) and chars[e].isalnum() and chars[s:e + 1] in other:
                e += 1
        weight = sum(weights.get(b, 0.0) for b in set(bigrams(core)))
        if chars[s:e] not in scored or scored[chars[s:e]][0] < weight:
            scored[chars[s:e]] = (weight, core)
    chosen: list[tuple[str, str]] = []
    for run in sorted(scored, key=lambda r: (-scored[r][0], -len(r), r)):
        if (known and run in known) or any(_overlap(run, c) for c, _ in chosen):
            continue   # the same words again (理判决执行难问题 after 判决执行难问题反)
        chosen.append((run, scored[run][1]))
        if len(chosen) == n:
            break
    return chosen


class _Collector:
    def __init__(self):
        self.matches: dict[str, tuple[IndexDocument, list[tuple[float, str]]]] = {}

    def add(self, doc: IndexDocument, score: float, reason: str) -> None:
        entry = self.matches.setdefault(doc.case_no, (doc, []))
        if reason not in [r for _, r in entry[1]]:
            entry[1].append((score, reason))

    def result(self, limit: int) -> list[SimilarMatch]:
        out = []
        for doc, reasons in self.matches.values():
            reasons.sort(key=lambda x: -x[0])
            # The best reason decides; each further independent reason adds a little.
            score = min(1.0, reasons[0][0] + 0.05 * (len(reasons) - 1))
            out.append(SimilarMatch(case_no=doc.case_no, score=score, reasons=[r for _, r in reasons],
                                    received_date=doc.received_date, petitioner=doc.petitioner_name,
                                    summary=doc.summary, status=doc.status))
        out.sort(key=lambda m: (-m.score, -(m.received_date or dt.date.min).toordinal(), m.case_no))
        return out[:limit] if limit else out


def _same_person(idx, doc: IndexDocument, found: _Collector) -> None:
    def lookup(**kw):
        return idx.engine.find(SearchFilters(exclude_case_no=doc.case_no, **kw), PERSON_SCAN)

    if doc.id_number:
        for other in lookup(id_number=doc.id_number):
            found.add(other, 1.0, f"身份证号相同（{doc.id_number}）")
        if doc.id17:
            for other in lookup(id17=doc.id17):
                if other.id_number != doc.id_number:
                    found.add(other, 0.9, f"身份证号仅校验位不同（{other.id_number}）")
    if doc.phone:
        for other in lookup(phone=doc.phone):
            if doc.petitioner_name and compact(other.petitioner_name or "") == compact(doc.petitioner_name):
                found.add(other, 0.9, f"姓名和电话相同（{doc.petitioner_name}，{doc.phone}）")
            else:
                found.add(other, 0.5, f"电话相同（{doc.phone}）")
    if doc.petitioner_name and doc.address:
        for other in lookup(name_exact=doc.petitioner_name):
            if address_similar(doc.address, other.address):
                found.add(other, 0.8, f"姓名相同且地址相近（{other.petitioner_name}，{other.address}）")


def _same_issue(idx, doc: IndexDocument, found: _Collector, limit: int) -> None:
    engine = idx.engine
    # The body complained about is a reason of its own (below); its name repeated through the
    # letter would otherwise outweigh the words of the issue itself.
    own_target = frozenset(bigrams(doc.target or ""))
    terms = engine.key_terms(doc, exclude=GENERIC_BIGRAMS | own_target)
    if not terms:
        return
    source_text = "\n".join(p for p in (doc.summary, doc.text) if p)
    source_shingles = shingles(source_text)
    candidates = engine.more_like_this(doc, max(limit * 3, 30), terms=terms)
    if not candidates:
        return
    best = candidates[0][1] or 1.0
    for other, mlt_score in candidates:
        other_text = "\n".join(p for p in (other.summary, other.text) if p)
        sim = jaccard(source_shingles, shingles(other_text))
        if sim >= NEAR_DUPLICATE:
            found.add(other, 0.5 + 0.5 * sim, f"内容几乎相同（文字重合 {sim:.0%}）")
            continue
        relative = mlt_score / best
        same_target = bool(doc.target) and compact(doc.target) == compact(other.target or "")
        pairs = _shared(source_text, terms, other_text, known=doc.target if same_target else "")
        phrases = [shown for shown, _ in pairs]
        if relative < 0.3 or not _telling([core for _, core in pairs], same_target):
            continue   # a few common words are not "the same issue"
        reason = "反映问题相近（共同词语：" + "、".join(phrases) + "）"
        if same_target:
            reason += f"，被反映对象相同（{doc.target}）"
        found.add(other, round(0.6 * relative, 3), reason)


def similar_cases(idx, doc: IndexDocument, limit: int = 20) -> list[SimilarMatch]:
    """Other cases of the same person or on the same issue as ``doc``, best first."""
    found = _Collector()
    _same_person(idx, doc, found)
    _same_issue(idx, doc, found, limit)
    return found.result(limit)


def similar_for_case(ws, case, limit: int = 20) -> list[SimilarMatch]:
    """For intake and ``docgen similar``: uses the index; without one, the registry's
    same-person candidates (ID, ID without check character, name) so intake never waits."""
    from docgen.index.service import (
        IndexUnavailable,
        configured_engine,
        document_for,
        open_index,
        resolve_engine,
    )
    doc = document_for(ws, case)
    try:
        idx = open_index(ws.index_dir, resolve_engine(configured_engine(ws)))
    except IndexUnavailable:
        return _registry_person_matches(ws, doc, limit)
    try:
        return similar_cases(idx, doc, limit)
    finally:
        idx.close()


def _registry_person_matches(ws, doc: IndexDocument, limit: int) -> list[SimilarMatch]:
    from docgen.index.document import from_case
    found = _Collector()
    for other_case in ws.registry.same_person_candidates(id_number=doc.id_number,
                                                         name=doc.petitioner_name):
        other = from_case(other_case)
        if other.case_no == doc.case_no:
            continue
        if doc.id_number and other.id_number == doc.id_number:
            found.add(other, 1.0, f"身份证号相同（{doc.id_number}）")
        elif doc.id17 and other.id17 == doc.id17:
            found.add(other, 0.9, f"身份证号仅校验位不同（{other.id_number}）")
        elif doc.phone and other.phone == doc.phone:
            found.add(other, 0.9, f"姓名和电话相同（{doc.petitioner_name}，{doc.phone}）")
        elif address_similar(doc.address, other.address):
            found.add(other, 0.8, f"姓名相同且地址相近（{other.petitioner_name}，{other.address}）")
    return found.result(limit)
