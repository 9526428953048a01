"""What a document says about the letter: its main issues, the 摘要 and the 诉求, never the letter
pasted in (issue 10 item 3).

- The 函 sent to another body (交办函, 转送函, 督办函, 催办函) print a concise 主要反映问题 from
  ``docgen.intake.gist.main_issues`` — the letter's body without salutation, self-introduction,
  signature and contact block, cut at a sentence end — within the kind's limit; the letter
  itself goes with them as 附件 (来信复印件).
- The registration forms (来信登记处理单, 来访接待登记表) print the 摘要.
- What a clerk corrected (``docgen edit``, recorded in ``case.extra["edited"]`` by
  docgen.editing) wins over anything derived from the text: an edited 摘要 is printed as the
  main issues, an edited 诉求 as the 诉求.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from docgen.intake.gist import main_issues
from docgen.models import Case

REQUEST_LIMIT = 80         # 诉求 is one line of a letter, a row of the 处理单

_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = "，,；;、"


def edited_fields(case: Case) -> set[str]:
    """The fields a clerk corrected (``case.extra["edited"]``: a list of ``Case.to_json`` field
    names, or a dict keyed by them)."""
    value = (case.extra or {}).get("edited") or []
    if isinstance(value, dict):
        return {str(k) for k in value}
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut after a sentence end, else after a clause (ended
    as a sentence), never in the middle of a clause unless one clause alone is too long."""
    text = text.strip()
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for ends in (_SENTENCE_END, _CLAUSE_END):
        pos = max(head.rfind(ch) for ch in ends)
        if pos >= limit // 3:
            kept = head[:pos + 1] if ends is _SENTENCE_END else head[:pos]
            return kept.rstrip(_CLAUSE_END) + ("" if kept[-1] in _SENTENCE_END else "。")
    return head[:limit - 1].rstrip(_CLAUSE_END) + "…"


# --- what the documents print ---------------------------------------------------------------
def issues_paragraphs(case: Case, info: dict[str, Any], limit: int | None) -> list[str]:
    """The paragraphs a 函 prints as 主要反映问题 (``limit`` characters in all; None: the
    whole text, for the reception report)."""
    if info.get("facts"):
        return _paragraphs(info["facts"])
    summary = (case.summary or "").strip()
    if "summary" in edited_fields(case) and summary:
        return [summary]
    if limit is None:
        return _paragraphs(case.text or summary)
    issues = select_issues(case.text or "", limit) if (case.text or "").strip() else ""
    if not issues and summary:
        issues = cut(summary, limit)
    return [issues] if issues else []


# --- choosing the sentences a 函 has room for -----------------------------------------------
# A 函 has room for a few lines of the letter (it must end on its first page), fewer than
# gist.main_issues gives, which keeps sentences in the letter's order until the limit. The
# ones a clerk would keep are the letter's problem and its demand, with the facts that make
# them concrete; not the courtesies and feelings around them ("今天冒昧给您写信", "群众敢怒不
# 敢言"), nor a name left over from the signature.
_ALL_ISSUES = 5000
_PROBLEM = re.compile(r"拖欠|欠|未|没有|无人|不予|拒不|拒绝|违法|违规|违纪|侵占|克扣|截留|挪用|贪污|受贿|"
                      r"污染|噪声|噪音|扰民|推诿|损毁|损坏|压坏|塌陷|占用|霸占|强拆|不作为|乱收费|逾期|至今|"
                      r"一直|不公|偏低|高出|远低于|不搞|私自|擅自|直接交给|少了|少发|终结|错误|困难|问题")
_NOISE = re.compile(r"冒昧|写信|打扰|给您|您好|敢怒不敢言|意见很大|想不通|属实|承担.{0,4}责任|感谢|谢谢|"
                    r"盼复|相信|万分|不胜")
_SENTENCES = re.compile(r"[^。！？]+[。！？]?")


@lru_cache(maxsize=64)
def _issue_sentences(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in _SENTENCES.findall(main_issues(text, _ALL_ISSUES)) if x.strip())


def select_issues(text: str, limit: int) -> str:
    """At most ``limit`` characters of the letter's main issues (gist.main_issues: no
    salutation, self-introduction, signature, contact block or numbers), chosen as a clerk
    would: the demand, the sentences naming the problem, concrete facts, then the rest, in
    the letter's order; courtesies and feelings left out while anything else is there."""
    if limit <= 0:
        return ""
    every = list(_issue_sentences(text))
    if not every:
        return ""
    if sum(map(len, every)) <= limit and not any(_NOISE.search(x) for x in every):
        return "".join(every)

    def score(i: int, x: str) -> float:
        if _NOISE.search(x) or (len(x) < 12 and not _PROBLEM.search(x)):
            return -1.0
        value = 2.0 * bool(_PROBLEM.search(x)) + bool(re.search(r"\d", x)) + (i == 0)
        return value + (4.0 if i == demand else 0.0)

    asks = [i for i, x in enumerate(every) if _DEMAND.search(x[:12])]
    demand = asks[-1] if asks else -1
    if demand >= 0 and len(every[demand]) > limit // 2:
        # a long demand gives up its later clauses to the problem it is about
        every[demand] = cut(every[demand], max(limit // 2, 24))
    ranked = sorted(range(len(every)), key=lambda i: (-score(i, every[i]), i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        if score(i, every[i]) < 0 and chosen:
            break
        if used + len(every[i]) <= limit:
            chosen.append(i)
            used += len(every[i])
    if not chosen:
        return cut(every[ranked[0]], limit)
    picked = [every[i] for i in sorted(chosen)]
    # the sentence before it may be left out: "但是到现在…" opens the paragraph as "到现在…"
    picked[0] = _LEADING_LINK.sub("", picked[0]) or picked[0]
    return "".join(picked)


_LEADING_LINK = re.compile(r"^(?:但是|但|可是|然而|而且|并且|同时|另外|此外|于是)[，,]?")


def summary_paragraphs(case: Case, info: dict[str, Any], limit: int) -> list[str]:
    """The 摘要 a registration form prints: the summary (a clerk's or intake's), else the main
    issues of the text within ``limit``."""
    if info.get("facts"):
        return _paragraphs(info["facts"])
    summary = (case.summary or "").strip()
    if summary:
        return [cut(summary, limit)]
    issues = main_issues(case.text or "", limit) if (case.text or "").strip() else ""
    return [issues] if issues else []


_DEMAND = re.compile(r"请求|要求|恳请|恳求|希望|建议|敬请|盼|请(?:你|您|上级|有关|相关|领导|贵)")


def request_text(case: Case, printed: list[str], *, stated_once: bool = False) -> str:
    """The 诉求 line: the clerk's as typed; intake's within ``REQUEST_LIMIT``, left out when the
    text printed already states it — word for word, or (``stated_once``: a 函, whose main
    issues keep the letter's demand, see gist.main_issues) as any sentence asking for
    something."""
    request = re.sub(r"\s*\n\s*", " ", case.request or "").strip()
    if not request:
        return ""
    if "request" in edited_fields(case):
        return request
    core = request.rstrip("。.！!；;")
    if any(core and core in p for p in printed):
        return ""
    if stated_once and any(_DEMAND.search(p) for p in printed):
        return ""
    return cut(request, REQUEST_LIMIT)


def _paragraphs(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value).split("\n")
    return [str(p).strip(" \t\u3000") for p in items if str(p).strip(" \t\u3000")]
