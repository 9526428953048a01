"""Suggest a case's category, nature, 涉法涉诉 flag and type of body complained about.

The lists and keywords live in an editable TOML file (``docgen/data/categories.toml``; an
office copies it to ``<workspace>/rules/categories.toml`` and edits it). A suggestion is only
a suggestion: it comes with the reasons a clerk can check, and nothing is suggested when no
keyword matched.

The content category follows the matter complained about, not the words around it
(docs/standards.md §2): first the ordered table of issues (``[[issue]]``: 征地补偿 → 自然资源,
拖欠工资 → 劳动和社会保障 …) is looked up in the letter's main issues and request — the body
without salutation, self-introduction, address, contact block and signature — and the first
issue of the table one of whose phrases occurs decides; only when none does are the
categories' keywords counted (without the target's name). So three letters about the same
征地补偿 get the same category however they are worded, whoever they are written to.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import DocgenError

BUILTIN_RULES = Path(__file__).parent / "data" / "categories.toml"
_MAX_COUNT = 3          # one word repeated many times should not drown every other word
_STRONG_WEIGHT = 3
_GAP = r"[^。！？；!?;\n]{0,20}?"     # "…" in a phrase: up to 20 characters of the same sentence
# Who the writer is and where he lives is not what the letter raises: a clause "现住城关镇医院路
# 8号" or "是桐城市第二中学的退休教师" left in a sentence by the self-introduction, or a street
# address anywhere.
_SELF = re.compile(r"(?:^|(?<=[，,；;。！？\n]))[ \t]*(?:(?:家住|现住|住在|住址|居住在|现居住|户籍)"
                   r"|(?:我们|我|本人)?(?:是|系)(?![不否因由])[^，,；;。！？\n]{0,30}?"
                   r"(?:村民|居民|业主|职工|员工|教师|老师|医生|护士|司机|工人|农民|干部|党员|学生|家长|户|人)"
                   r"(?=[，,；;。！？\n]))[^，,；;。！？\n]*"
                   r"|[\u4e00-\u9fff]{1,8}(?:路|街|巷|大道)\d+号")


@dataclass(frozen=True)
class Rule:
    """One category with its keywords."""

    name: str
    keywords: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()

    def hits(self, text: str) -> tuple[int, list[str]]:
        """Score of ``text`` and the words that gave it, like ``拆迁×2``."""
        score, words = 0, []
        for weight, group in ((_STRONG_WEIGHT, self.strong), (1, self.keywords)):
            for word in group:
                n = min(text.count(word), _MAX_COUNT)
                if n:
                    score += weight * n
                    words.append(f"{word}×{n}" if n > 1 else word)
        return score, words


def _phrase_rx(phrase: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"…+|\.{3}", phrase)]
    return re.compile(_GAP.join(parts))


@dataclass(frozen=True)
class IssueRule:
    """One matter complained about (征地补偿) with the category it belongs to and the ways
    letters say it ("土地…被征收": ``…`` is up to 20 characters inside one sentence)."""

    name: str
    category: str
    phrases: tuple[str, ...]

    def find(self, text: str) -> re.Match[str] | None:
        """The earliest place in ``text`` where one of the phrases occurs."""
        best = None
        for rx in _compiled(self.phrases):
            m = rx.search(text)
            if m and (best is None or m.start() < best.start()):
                best = m
        return best


_RX_CACHE: dict[tuple[str, ...], tuple[re.Pattern[str], ...]] = {}


def _compiled(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    got = _RX_CACHE.get(phrases)
    if got is None:
        got = _RX_CACHE[phrases] = tuple(_phrase_rx(p) for p in phrases)
    return got


@dataclass(frozen=True)
class CategoryRules:
    """The editable lists of docs/standards.md §2 with their keyword rules."""

    nature: tuple[Rule, ...]
    category: tuple[Rule, ...]
    target_type: tuple[Rule, ...]
    legal_keywords: tuple[str, ...] = ()
    legal_threshold: int = 2
    legal_target_types: tuple[str, ...] = ()
    source: Path | None = None
    issues: tuple[IssueRule, ...] = ()        # ordered: the first that occurs decides

    @property
    def categories(self) -> list[str]:
        return [r.name for r in self.category]

    @property
    def natures(self) -> list[str]:
        return [r.name for r in self.nature]

    @property
    def target_types(self) -> list[str]:
        return [r.name for r in self.target_type]


@dataclass
class Suggestion:
    category: str | None
    nature: str | None
    legal: bool
    target_type: str | None
    reasons: list[str] = field(default_factory=list)
    issue: str | None = None        # the matter of the issue table that decided the category


def _words(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DocgenError(f"分类规则文件中 {where} 应为非空字符串的列表")
    return tuple(value)


def _rules(data: dict, key: str, path: Path) -> tuple[Rule, ...]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not entries:
        raise DocgenError(f"分类规则文件 {path} 缺少 [[{key}]] 类别列表")
    rules, seen = [], set()
    for i, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise DocgenError(f"分类规则文件 {path} 中第 {i} 个 [[{key}]] 没有 name")
        if name in seen:
            raise DocgenError(f"分类规则文件 {path} 中 [[{key}]] 类别“{name}”重复")
        seen.add(name)
        rules.append(Rule(name.strip(), _words(entry.get("keywords"), f"{key}“{name}”.keywords"),
                          _words(entry.get("strong"), f"{key}“{name}”.strong")))
    return tuple(rules)


def _issue_rules(data: dict, categories: list[str], path: Path) -> tuple[IssueRule, ...]:
    entries = data.get("issue", [])
    if not isinstance(entries, list):
        raise DocgenError(f"分类规则文件 {path} 中 [[issue]] 应为问题列表")
    out = []
    for i, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise DocgenError(f"分类规则文件 {path} 中第 {i} 个 [[issue]] 没有 name")
        category = entry.get("category")
        if category not in categories:
            raise DocgenError(f"分类规则文件 {path} 中问题“{name}”的 category“{category}”"
                              f"不是 [[category]] 列出的类别之一")
        phrases = _words(entry.get("phrases"), f"issue“{name}”.phrases")
        if not phrases:
            raise DocgenError(f"分类规则文件 {path} 中问题“{name}”没有 phrases")
        out.append(IssueRule(name.strip(), category, phrases))
    return tuple(out)


def load_category_rules(path: Path | None = None) -> CategoryRules:
    """Rules from ``path`` (a workspace's edited copy) or, when None, the built-in file."""
    path = Path(path) if path is not None else BUILTIN_RULES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DocgenError(f"找不到分类规则文件：{path}") from None
    except UnicodeDecodeError:
        raise DocgenError(f"分类规则文件 {path} 不是 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as err:
        raise DocgenError(f"分类规则文件 {path} 格式有误：{err}") from None
    legal = data.get("legal", {})
    threshold = legal.get("threshold", 2)
    if not isinstance(threshold, int) or threshold < 1:
        raise DocgenError(f"分类规则文件 {path} 中 legal.threshold 应为正整数")
    category = _rules(data, "category", path)
    return CategoryRules(
        nature=_rules(data, "nature", path),
        category=category,
        target_type=_rules(data, "target_type", path),
        legal_keywords=_words(legal.get("keywords"), "legal.keywords"),
        legal_threshold=threshold,
        legal_target_types=_words(legal.get("target_types"), "legal.target_types"),
        source=path,
        issues=_issue_rules(data, [r.name for r in category], path),
    )


def _best(rules: tuple[Rule, ...], text: str, label: str,
          reasons: list[str]) -> str | None:
    best_name, best_score, best_words = None, 0, []
    for rule in rules:
        score, words = rule.hits(text)
        if score > best_score:     # strict: ties keep the earlier entry of the list
            best_name, best_score, best_words = rule.name, score, words
    if best_name:
        reasons.append(f"{label}“{best_name}”：{'、'.join(best_words)}")
    return best_name


def classify_target(target: str, rules: CategoryRules) -> str | None:
    """Type of a named body (某某镇人民政府 → 乡镇): the first type whose keyword it contains."""
    for rule in rules.target_type:
        if any(w in target for w in rule.strong + rule.keywords):
            return rule.name
    return None


def issue_text(text: str, request: str | None = None) -> str:
    """What the letter raises: its main issues (the body without salutation, self-introduction,
    address, contact block and signature; see ``intake.gist.main_issues``) and its request;
    the whole text, squeezed, when no body can be told apart."""
    from docgen.intake.gist import main_issues
    from docgen.intake.textclean import normalise, squeeze

    body = main_issues(text or "", limit=len(text or "") + 1000)
    if not body.strip():
        body = squeeze(normalise(text or ""))
    if request and squeeze(request) not in body:
        body += "\n" + squeeze(normalise(request))
    return _SELF.sub("　", body)


def find_issue(text: str, rules: CategoryRules) -> tuple[IssueRule, str] | None:
    """The first issue of the table (in its order) that ``text`` raises, with the words that
    said it."""
    for rule in rules.issues:
        m = rule.find(text)
        if m:
            return rule, m.group(0)
    return None


def suggest_category(text: str, rules: CategoryRules | None = None, *,
                     target: str | None = None, request: str | None = None,
                     reasons: list[str] | None = None) -> tuple[str | None, str | None]:
    """(category, issue) for a letter's text: the issue table on what the letter raises, else
    the keyword counts on it without the target's name. ``reasons`` gets why."""
    rules = rules or default_rules()
    reasons = reasons if reasons is not None else []
    raised = issue_text(text, request)
    found = find_issue(raised, rules)
    if found:
        rule, said = found
        reasons.append(f"内容分类“{rule.category}”：反映{rule.name}问题（信中“{said}”）")
        return rule.category, rule.name
    counted = raised.replace(target, "　") if target and len(target) >= 2 else raised
    return _best(rules.category, counted, "内容分类", reasons), None


def suggest(text: str, rules: CategoryRules | None = None, *,
            target: str | None = None, request: str | None = None) -> Suggestion:
    """Suggested category, nature, 涉法涉诉 flag and target type for a letter's text.

    ``target`` is the body complained about when it is known (see ``intake.fields``); the
    target type is only suggested from it, never from words elsewhere in the letter.
    ``request`` is the 诉求 when it is known; the category follows what the letter raises
    (``suggest_category``).
    """
    rules = rules or default_rules()
    reasons: list[str] = []
    category, issue = suggest_category(text, rules, target=target, request=request,
                                       reasons=reasons)
    nature = _best(rules.nature, text, "性质", reasons)
    target_type = classify_target(target, rules) if target else None
    if target_type:
        reasons.append(f"被反映对象类型“{target_type}”：{target}")
    legal_words = [w for w in rules.legal_keywords if w in text]
    legal = len(legal_words) >= rules.legal_threshold or target_type in rules.legal_target_types
    if legal:
        why = "、".join(legal_words) if legal_words else f"被反映对象为{target_type}"
        reasons.append(f"涉法涉诉：{why}")
    if not category and not nature:
        reasons.append("未命中任何分类关键词，请人工分类")
    return Suggestion(category, nature, legal, target_type, reasons, issue)


_DEFAULT: CategoryRules | None = None


def default_rules() -> CategoryRules:
    """The built-in rules, read once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_category_rules(None)
    return _DEFAULT
