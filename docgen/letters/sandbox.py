"""The Jinja environment templates are rendered in: a sandbox stricter than Jinja's own.

Templates travel between offices by e-mail and USB stick, and a ``.docx`` in
``<workspace>/templates/`` is rendered by every ``docgen letter``: a template is untrusted input.
Jinja's ``ImmutableSandboxedEnvironment`` already refuses private and dunder attributes
(``cycler.__init__.__globals__``) and mutation of the context; on top of it a document template
may only

- print and test the variables of its kind, their items and slices (``request[-1:]``) and
  ``loop.*`` — no other attribute, no method call (``x.format(...)``, ``x.__class__``);
- use the filters in :data:`ALLOWED_FILTERS` (no ``safe``: it would let a letter's text write raw
  WordprocessingML; no ``attr``, ``random``, ``tojson``...);
- no Jinja globals at all (``cycler``, ``joiner``, ``lipsum``, ``namespace``, ``range``, ``dict``);
- never switch autoescaping off (``{% autoescape false %}``), never ``include``/``import``/
  ``extends`` other templates;
- not build huge strings or numbers (``'x' * 10**9``).

The same rules are checked on the parsed template before it is compiled (:func:`unsafe_nodes`,
so nothing of an unsafe template runs, not even its harmless parts) and by
``docgen templates check`` (:mod:`docgen.letters.check`), which reports each with its place.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

# Filters a document template may use: text and list shaping, nothing that reaches attributes
# by name, marks text as markup, or depends on chance.
ALLOWED_FILTERS = frozenset({
    "abs", "batch", "capitalize", "center", "count", "d", "default", "e", "escape", "first",
    "float", "int", "join", "last", "length", "list", "lower", "max", "min", "replace",
    "reverse", "round", "slice", "string", "sum", "title", "trim", "truncate", "unique", "upper",
    "wordcount", "indent",
})

# Public attributes of ``loop`` inside ``{% for %}``.
LOOP_ATTRIBUTES = frozenset({
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
    "previtem", "nextitem", "cycle", "changed",
})

# Jinja's default globals: none is available in a document template.
# (``self`` is the template object Jinja puts in every template's namespace.)
JINJA_GLOBALS = frozenset({"cycler", "joiner", "lipsum", "namespace", "range", "dict", "self"})

# Larger results of ``*`` and ``**`` are refused: a template cannot exhaust memory.
MAX_SEQUENCE = 100_000
MAX_EXPONENT = 64


class TemplateSecurityError(SecurityError):
    """A template uses something the document sandbox does not allow."""


@dataclass(frozen=True)
class Unsafe:
    code: str          # unsafe_attribute, unknown_filter, unknown_global, autoescape, ...
    message: str       # Chinese, for the clerk
    lineno: int


def _attribute_message(name: str) -> str:
    if name.startswith("__"):
        return f"访问内部属性 {name} 可被用来执行程序，文书模板中不允许"
    if name.startswith("_"):
        return f"访问私有属性 {name} 在文书模板中不允许"
    return f"属性或方法 {name}：文书模板中只能使用变量、过滤器、判断和 loop.index 等循环变量"


def _is_loop_attribute(node: nodes.Getattr) -> bool:
    return isinstance(node.node, nodes.Name) and node.node.name == "loop" and \
        node.attr in LOOP_ATTRIBUTES


def unsafe_nodes(ast: nodes.Node, filters: frozenset[str] | None = None) -> Iterator[Unsafe]:
    """Every construct of ``ast`` the document sandbox refuses, in source order."""
    filters = ALLOWED_FILTERS if filters is None else filters
    called = {id(n.node) for n in ast.find_all(nodes.Call) if isinstance(n.node, nodes.Getattr)}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Name,
                              nodes.EvalContextModifier, nodes.Include, nodes.Import,
                              nodes.FromImport, nodes.Extends)):
        line = getattr(node, "lineno", 0) or 0
        if isinstance(node, nodes.Getattr):
            if _is_loop_attribute(node):
                continue
            if id(node) in called and not node.attr.startswith("_"):
                yield Unsafe("unsafe_call", f"调用方法 {node.attr}()：文书模板中只能使用变量、过滤器"
                                            "和判断", line)
            else:
                yield Unsafe("unsafe_attribute", _attribute_message(node.attr), line)
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                # x['name'] reaches attributes like x.name does
                yield Unsafe("unsafe_attribute", _attribute_message(arg.value), line)
        elif isinstance(node, nodes.Filter):
            if node.name not in filters:
                yield Unsafe("unknown_filter", f"未知的过滤器 {node.name}（文书模板可用的过滤器："
                                               f"{'、'.join(sorted(filters))}）", line)
            for kw in node.kwargs:
                if kw.key == "attribute":          # sum(attribute='x'): an attribute by name
                    value = kw.value.value if isinstance(kw.value, nodes.Const) else "…"
                    yield Unsafe("unsafe_attribute", _attribute_message(str(value)), line)
        elif isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name in JINJA_GLOBALS:
                yield Unsafe("unknown_global", f"{node.name} 是 Jinja 的全局对象，文书模板中不可用",
                             line)
        elif isinstance(node, nodes.EvalContextModifier):
            # {% autoescape false %}: user text would be written into the document as raw XML
            if not all(isinstance(kw.value, nodes.Const) and kw.value.value is True
                       for kw in node.options):
                yield Unsafe("autoescape", "文书模板不允许关闭自动转义（autoescape）", line)
        else:
            yield Unsafe("unsupported", "文书模板不允许引用其他模板（include/import/extends）", line)


def _safe_mul(a: Any, b: Any) -> Any:
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_SEQUENCE:
            raise TemplateSecurityError("模板中的乘法结果过长")
    return operator.mul(a, b)


def _safe_pow(a: Any, b: Any) -> Any:
    if isinstance(b, int | float) and abs(b) > MAX_EXPONENT:
        raise TemplateSecurityError("模板中的乘方指数过大")
    return operator.pow(a, b)


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every template is rendered in (see the module docstring).

    It also compiles each distinct template source once: docxtpl hands Jinja the whole XML of
    every part (body, headers, footers, properties) on every render; for a batch of letters
    from the same template the sources repeat, and compiling them was a third of the
    rendering time.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.globals.clear()
        self.filters = {k: v for k, v in self.filters.items() if k in ALLOWED_FILTERS}
        self._compiled: dict[str, Any] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return isinstance(obj, LoopContext) and attr in LOOP_ATTRIBUTES

    def unsafe_undefined(self, obj: Any, attribute: str):
        # Jinja returns an Undefined that prints as "": a refused attribute must stop the
        # rendering instead of leaving a silent gap in a letter.
        raise TemplateSecurityError(_attribute_message(attribute))

    def call_binop(self, context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            return _safe_mul(left, right)
        if operator_ == "**":
            return _safe_pow(left, right)
        return super().call_binop(context, operator_, left, right)

    def parse_unchecked(self, source: str) -> nodes.Template:
        """The template's syntax tree without the sandbox's checks (for the linter, which
        reports every problem with its place instead of stopping at the first)."""
        return super()._parse(source, None, None)

    def _parse(self, source, name, filename):
        ast = super()._parse(source, name, filename)
        for problem in unsafe_nodes(ast, frozenset(self.filters)):
            raise TemplateSecurityError(problem.message)
        return ast

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) > 256:
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template
