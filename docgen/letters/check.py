"""Template linter: what goes wrong when an office edits a template in Word or WPS.

Reports, each with its place (``正文第12段``, ``表格1 第3行第2列``, ``首页页眉第1段``):
- variables the kind does not declare (a typo renders as nothing, silently);
- Jinja syntax errors and unclosed or mismatched ``{% if %}`` / ``{% for %}`` blocks;
- tags Word split across runs (docxtpl repairs most, but the result takes the first run's format)
  and tags left incomplete (``{{ name }`` or a lone ``}}``);
- unknown filters and tests, and globals the sandbox does not provide (``cycler``, ``lipsum``…);
- access to private or special attributes (``x.__class__``, ``x._y``, ``x['__globals__']``) and
  method calls: a template shared between offices must not be able to reach Python objects;
- ``{%p %}`` paragraphs holding other text, which docxtpl would delete with the tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from jinja2 import TemplateSyntaxError, nodes

from docgen.letters.kinds import ALL_VARIABLES, KINDS, get_kind
from docgen.letters.render import jinja_environment
from docgen.letters.sandbox import JINJA_GLOBALS, unsafe_nodes

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_DOCXTPL_PREFIX = re.compile(r"^(p|tr|tc|r)\s+")
_BLOCK_OPEN = {"if", "for", "macro", "call", "filter", "with", "raw", "autoescape"}
_BLOCK_END = {f"end{k}": k for k in _BLOCK_OPEN}
_MIDDLE = {"elif": {"if"}, "else": {"if", "for"}}
_DOCXTPL_SPECIAL = {"colspan", "cellbg", "vm", "hm"}
_HEADER_LABELS = {"first": "首页页眉", "default": "页眉", "even": "偶数页页眉"}
_FOOTER_LABELS = {"first": "首页页脚", "default": "页脚", "even": "偶数页页脚"}


@dataclass
class Problem:
    severity: str        # error / warning
    code: str            # undeclared, syntax, unclosed, split, broken, unknown_filter, ...
    message: str
    location: str
    text: str = ""

    def to_json(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "location": self.location, "text": self.text}

    def __str__(self) -> str:
        mark = "错误" if self.severity == "error" else "提示"
        snippet = f"：{self.text}" if self.text else ""
        return f"[{mark}] {self.location}：{self.message}{snippet}"


@dataclass
class CheckReport:
    path: Path
    kind: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "ok": self.ok,
                "errors": len(self.errors), "warnings": len(self.problems) - len(self.errors),
                "problems": [p.to_json() for p in self.problems]}


@dataclass
class _Para:
    location: str
    runs: list[str]

    @property
    def text(self) -> str:
        return "".join(self.runs)


def _paragraph(p_el, location: str) -> _Para:
    runs = []
    for r in p_el.iter(qn("w:r")):
        runs.append("".join(t.text or "" for t in r.iter(qn("w:t"))))
    return _Para(location, runs)


def _walk_container(el, prefix: str, counter: list[int]) -> Iterator[_Para]:
    """Paragraphs of a body, header or cell in document order, tables included."""
    for child in el:
        if child.tag == qn("w:p"):
            counter[0] += 1
            yield _paragraph(child, f"{prefix}第{counter[0]}段")
        elif child.tag == qn("w:tbl"):
            counter[1] += 1
            yield from _walk_table(child, f"{prefix}表格{counter[1]} ")
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _walk_container(content, prefix, counter)


def _walk_table(tbl, prefix: str) -> Iterator[_Para]:
    for r_idx, tr in enumerate(tbl.findall(qn("w:tr")), start=1):
        for c_idx, tc in enumerate(tr.findall(qn("w:tc")), start=1):
            yield from _walk_container(tc, f"{prefix}第{r_idx}行第{c_idx}列 ", [0, 0])


def iter_paragraphs(doc) -> Iterator[_Para]:
    """Every paragraph of the document with a human-readable place."""
    yield from _walk_container(doc.element.body, "正文", [0, 0])
    seen = set()
    for s_idx, section in enumerate(doc.sections, start=1):
        sect = section._sectPr
        for ref_tag, labels in ((qn("w:headerReference"), _HEADER_LABELS),
                                (qn("w:footerReference"), _FOOTER_LABELS)):
            for ref in sect.findall(ref_tag):
                rid = ref.get(qn("r:id"))
                if rid in seen:
                    continue
                seen.add(rid)
                part = doc.part.related_parts.get(rid)
                if part is None:
                    continue
                label = labels.get(ref.get(qn("w:type")), "页眉页脚")
                if len(doc.sections) > 1:
                    label = f"第{s_idx}节{label}"
                yield from _walk_container(part.element, label, [0, 0])
    # docxtpl renders footnotes and these document properties too
    for part in doc.part.package.iter_parts():
        if part.content_type == _FOOTNOTES:
            counter = [0, 0]
            for note in part.element.findall(qn("w:footnote")):
                yield from _walk_container(note, "脚注", counter)
    props = doc.core_properties
    for attr, label in _PROPERTIES.items():
        value = getattr(props, attr) or ""
        if value:
            yield _Para(f"文档属性（{label}）", [value])


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = {"title": "标题", "subject": "主题", "author": "作者", "comments": "备注",
               "identifier": "标识", "language": "语言"}
_RENDERED_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "正文",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml": "页眉",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml": "页脚",
    _FOOTNOTES: "脚注",
}
_TEXT_ELEMENT = re.compile(r"<w:t(?:\s[^>]*)?>.*?</w:t>|<w:t\s*/>", re.S)
_HIDDEN_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\{%|\{#", re.S)


def _hidden_tags(doc) -> Iterator[tuple[str, str]]:
    """(part label, tag) of template tags outside the text Word shows: in field codes,
    attributes, deleted text or other markup. docxtpl hands Jinja the whole XML of a part, so
    such a tag runs although the clerk checking the template in Word never sees it."""
    from lxml import etree

    for part in doc.part.package.iter_parts():
        label = _RENDERED_PARTS.get(part.content_type)
        if label is None:
            continue
        xml = etree.tostring(part._element, encoding="unicode")
        for m in _HIDDEN_TAG.finditer(_TEXT_ELEMENT.sub("", xml)):
            yield label, m.group(0)


# Word's AutoFormat turns typed quotes into curly ones; docxtpl turns them back inside tags.
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _inner(tag: str) -> str:
    body = tag[2:-2]
    if body.startswith("-"):
        body = body[1:]
    if body.endswith("-"):
        body = body[:-1]
    return _DOCXTPL_PREFIX.sub("", body.strip()).strip().translate(_QUOTES)


def check_template(path: Path | str, kind: str | None = None) -> CheckReport:
    """Check one .docx template. ``kind`` defaults to the kind named by the file name; a file
    that names no kind is checked against the variables of all kinds together."""
    path = Path(path)
    spec = None
    if kind:
        spec = get_kind(kind)
    elif path.stem in KINDS:
        spec = KINDS[path.stem]
    report = CheckReport(path, spec.name if spec else None)
    declared = spec.variables if spec else ALL_VARIABLES
    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises several types for a non-docx file
        report.problems.append(Problem("error", "unreadable", f"无法作为 .docx 打开（{exc}）", "整个文件"))
        return report

    env = jinja_environment()
    known_globals = {"loop", "true", "false", "none", "True", "False", "None"}
    stack: list[tuple[str, str, str]] = []      # (keyword, location, tag text)
    local_names: set[str] = set()
    uses: list[tuple[str, str, str]] = []       # (name, location, tag text)

    for para in iter_paragraphs(doc):
        text = para.text
        if "{" not in text and "}" not in text:
            continue
        # where each run starts, to tell whether a tag spans runs
        bounds, pos = [], 0
        for run_text in para.runs:
            bounds.append((pos, pos + len(run_text)))
            pos += len(run_text)
        for m in _TAG.finditer(text):
            tag = m.group(0)
            spanned = [i for i, (a, b) in enumerate(bounds) if a < m.end() and b > m.start() and b > a]
            if len(spanned) > 1:
                report.problems.append(Problem(
                    "warning", "split", "标签被 Word 拆分在多个文字段中（通常仍可使用；如格式异常，"
                    "请删除后一次性重新输入该标签）", para.location, tag))
            if tag.startswith("{#"):
                continue
            if tag.startswith("{%"):
                _check_statement(tag, para, text, stack, local_names, uses, report, env)
            else:
                _check_expression(tag, para.location, uses, report, env)
        leftover = _TAG.sub("", text)
        for broken in ("{{", "}}", "{%", "%}", "{#", "#}"):
            if broken in leftover:
                report.problems.append(Problem(
                    "error", "broken", f"标签不完整（有“{broken}”但缺少与之配对的另一半）",
                    para.location, text.strip()[:60]))
                break

    for label, tag in _hidden_tags(doc):
        report.problems.append(Problem(
            "error", "hidden", "模板标签不在可见文字中（位于域代码、属性或隐藏的标记里），"
            "在 Word 中看不到，生成文书时却会执行；请删除", f"{label}（不可见位置）", tag[:80]))
        if tag.startswith("{{") and tag.endswith("}}"):
            _check_expression(tag, f"{label}（不可见位置）", [], report, env)

    for keyword, location, tag in stack:
        report.problems.append(Problem("error", "unclosed", f"{{% {keyword} %}} 块没有结束标签"
                                       f"（缺少 {{% end{keyword} %}}）", location, tag))
    for name, location, tag in uses:
        if name in local_names or name in known_globals or name in declared:
            continue
        what = f"“{spec.name}”" if spec else "任何文书类型"
        report.problems.append(Problem("error", "undeclared", f"变量 {name} 不是{what}提供的变量"
                                       "（可用变量见 docgen templates list --json）", location, tag))
    return report


def _collect(ast, location: str, tag: str, uses, local_names, report, env) -> None:
    for unsafe in unsafe_nodes(ast, frozenset(env.filters)):
        report.problems.append(Problem("error", unsafe.code, unsafe.message, location, tag))
    for node in ast.find_all((nodes.Name, nodes.Test)):
        if isinstance(node, nodes.Name):
            if node.ctx != "load":
                local_names.add(node.name)
            elif node.name not in JINJA_GLOBALS:      # reported above as unknown_global
                uses.append((node.name, location, tag))
        elif node.name not in env.tests:
            report.problems.append(Problem("error", "unknown_test", f"未知的判断 {node.name}",
                                           location, tag))


def _parse(env, source: str, location: str, tag: str, report) -> object | None:
    try:
        return env.parse_unchecked(source)
    except TemplateSyntaxError as exc:
        report.problems.append(Problem("error", "syntax", f"语法错误：{exc.message}", location, tag))
        return None


def _check_expression(tag, location, uses, report, env) -> None:
    inner = _inner(tag)
    if not inner:
        report.problems.append(Problem("error", "syntax", "空标签", location, tag))
        return
    ast = _parse(env, "{{ " + inner + " }}", location, tag, report)
    if ast is not None:
        _collect(ast, location, tag, uses, set(), report, env)


def _check_statement(tag, para, text, stack, local_names, uses, report, env) -> None:
    location = para.location
    inner = _inner(tag)
    keyword = inner.split(None, 1)[0] if inner else ""
    if re.match(r"^\{%-?\s*(p|tr|tc)\s", tag) and text.strip() != tag.strip():
        report.problems.append(Problem(
            "warning", "paragraph_tag", "{%p %}/{%tr %}/{%tc %} 标签所在的段落（行、格）整体会被删除，"
            "其中的其他文字不会出现在文书中", location, text.strip()[:60]))
    if keyword in _DOCXTPL_SPECIAL:
        return
    if keyword in _BLOCK_OPEN:
        stack.append((keyword, location, tag))
        ast = _parse(env, "{% " + inner + " %}{% end" + keyword + " %}", location, tag, report)
    elif keyword in _BLOCK_END:
        opener = _BLOCK_END[keyword]
        if not stack or stack[-1][0] != opener:
            expected = f"（当前未结束的是 {{% {stack[-1][0]} %}}，位于{stack[-1][1]}）" if stack else ""
            report.problems.append(Problem("error", "unbalanced", f"多余或次序错误的 {{% {keyword} %}}"
                                           f"{expected}", location, tag))
        else:
            stack.pop()
        return
    elif keyword in _MIDDLE:
        if not stack or stack[-1][0] not in _MIDDLE[keyword]:
            report.problems.append(Problem("error", "unbalanced", f"{{% {keyword} %}} 不在 if/for 块中",
                                           location, tag))
        if keyword == "elif":
            ast = _parse(env, "{% if " + inner[4:] + " %}{% endif %}", location, tag, report)
        else:
            return
    elif keyword == "set":
        ast = _parse(env, "{% " + inner + " %}", location, tag, report)
    elif keyword in ("include", "import", "from", "extends", "block", "endblock", "endset"):
        report.problems.append(Problem("error", "unsupported", f"文书模板不支持 {keyword} 标签",
                                       location, tag))
        return
    else:
        report.problems.append(Problem("error", "syntax", f"未知的标签 {keyword or '（空）'}",
                                       location, tag))
        return
    if ast is not None:
        _collect(ast, location, tag, uses, local_names, report, env)


def check_templates(paths: list[Path]) -> list[CheckReport]:
    return [check_template(p) for p in paths]
