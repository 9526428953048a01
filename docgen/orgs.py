"""Organisation names: find them in a letter, normalise them, and tell whether two are related.

docs/cli.md §8: the material of a 检举控告 case is never sent to the body it accuses without a
warning. Comparing strings does not do that: "孔城镇桐梓村党总支" is not a substring of
"桐梓村党总支书记汪某某", and "示例县青山镇人民政府" is the same body as "青山镇政府". So a name is
read into its parts (``parse_org``):

- the places it is qualified by, each with its level (``示例县`` 县, ``青山镇`` 镇, ``桐梓村`` 村; a
  bare level at the start, as in "县人社局", stands for the office's own county/city);
- the body itself, split where one body sits inside another (``公安局`` / ``城关派出所``), with
  the usual long and short forms made one (人民政府 = 政府, 人民法院 = 法院, 村民委员会 = 村委会,
  人力资源和社会保障局 = 人社局, a village's 党总支/党支部 = its 党组织, ...);
- a person and title after it (``书记汪某某``), which is not part of the body.

Two names then relate (``relation``) as the same body (places agree where both give them, the
body is the same), the routing body inside the accused one (青山镇政府 → 青山镇政府办公室), or
the routing body containing the accused one (桐梓村 contains 桐梓村党组织; 县公安局 contains its
派出所). A township government is not taken to contain a village's bodies: it is the authority
a complaint about a village cadre normally goes to, not the body accused.

``accused_orgs`` finds the accused bodies of a case (its 被反映对象, and the objects of 检举/举报/
控告/揭发/反映 in its text) and ``routing_conflict`` answers for ``transfer`` and ``remind``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen.models import Case

NATURE_ACCUSATION = "检举控告"

SAME = "same"            # the routing body is the accused body
INSIDE = "inside"        # the routing body is part of the accused body
CONTAINS = "contains"    # the routing body contains the accused body
VILLAGE = "village"      # another body of the accused village (its 党组织, 村委会 are its 两委)
RELATION_WORDS = {
    SAME: "就是被反映的单位",
    VILLAGE: "与被反映的单位同属一个村（社区）的“两委”",
    INSIDE: "是被反映单位的下属或内设机构",
    CONTAINS: "包含被反映的单位",
}

# Long forms → the short form used for comparing (longest first where one contains another).
_ALIASES = (
    ("人民代表大会常务委员会", "人大常委会"),
    ("人大常务委员会", "人大常委会"),
    ("常务委员会", "常委会"),
    ("人民政府", "政府"),
    ("人民法院", "法院"),
    ("人民检察院", "检察院"),
    ("村民委员会", "村委会"),
    ("居民委员会", "居委会"),
    ("党总支部委员会", "党总支"),
    ("党支部委员会", "党支部"),
    ("党总支部", "党总支"),
    ("纪律检查委员会", "纪委"),
    ("监察委员会", "监委"),
    ("人力资源和社会保障局", "人社局"),
    ("人力资源社会保障局", "人社局"),
    ("住房和城乡建设局", "住建局"),
    ("住房城乡建设局", "住建局"),
    ("自然资源和规划局", "自然资源局"),
    ("市场监督管理局", "市场监管局"),
    ("生态环境分局", "环境分局"),
    ("街道办事处", "街道办"),
)

# Levels of the places a name is qualified by. 组 is a 村民小组 (新屋组).
_LEVELS = ("自治区", "自治州", "自治县", "街道", "社区", "省", "市", "州", "盟", "县", "区", "旗",
           "镇", "乡", "村", "组")
_LEVEL_RE = "|".join(_LEVELS)
_LEVEL_CHARS = set("".join(_LEVELS))
# Two characters ending in a level character that are a word, not a place: 农村 in 农业农村局,
# 乡村 in 乡村振兴局, 城市 in 城市管理局 ...
_NOT_PLACE_ENDS = ("农村", "小区", "园区", "景区", "校区", "辖区", "山区", "矿区", "林区", "牧区",
                   "灾区", "片区", "小组", "工作组", "专班组", "调查组", "巡察组", "督查组", "村组")
# A level character followed by these is the start of a word (市场, 区域, 村民, 组织 ...).
_NOT_PLACE_NEXT = ("场", "级", "域", "民", "织", "长", "直", "属")
# Characters no place name contains: they mark a body (局, 院, 所 ...), a person or a verb.
_NOT_IN_PLACE = set("局院所站委办厅处司部党团队庭府政校厂")

# Words a body's name ends with; also where one body inside another is split off.
_UNIT_WORDS = ("人大常委会", "两委", "人大主席团", "主席团", "党工委", "党委", "党组织", "党总支", "党支部",
               "纪委", "监委", "人大", "政府", "法院", "检察院", "村委会", "居委会", "委员会",
               "常委会", "办事处", "街道办", "派出所", "分局", "局", "大队", "中队", "支队", "中心",
               "公司", "办公室", "所", "站", "学校", "医院", "银行", "院", "厂")
_UNIT_END = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))

_VILLAGE_BODIES = ("党组织", "村委会", "居委会", "两委", "村务监督委员会", "监委会")

# Titles of a person named after the body (党总支书记汪某某, 县人社局局长张某).
_TITLES = ("副书记", "书记", "副主任", "主任", "委员", "副镇长", "镇长", "副乡长", "乡长", "副县长",
           "县长", "副市长", "市长", "副区长", "区长", "副局长", "局长", "副院长", "院长", "庭长",
           "审判长", "审判员", "法官", "检察官", "副所长", "所长", "站长", "队长", "村长", "组长",
           "会计", "出纳", "文书", "干部", "工作人员", "民警", "警察", "辅警", "经理", "董事长",
           "校长", "老师", "医生", "副主席", "主席", "支书", "科长", "股长", "执法人员", "负责人",
           "领导", "班子", "成员")
_TITLE_RE = "|".join(sorted(_TITLES, key=len, reverse=True))
# A title after places alone names the body it heads.
_TITLE_BODY = {"镇长": "政府", "乡长": "政府", "县长": "政府", "市长": "政府", "区长": "政府",
               "书记": "党委", "支书": "党委", "村长": "村委会"}


def _title_body(title: str, level: str) -> str | None:
    title = title.removeprefix("副")
    if title == "主任":
        return {"村": "村委会", "社区": "居委会"}.get(level)
    return _TITLE_BODY.get(title)
_PERSON = re.compile(rf"^(?P<org>.+?(?:{_UNIT_END}))(?P<person>(?:{_TITLE_RE})(?!团).*|[\u4e00-\u9fff]{{0,3}}某{{1,2}}.*)$")

# Where a name ends in running text, and what can stand right before one.
_CLAUSE_SPLIT = re.compile(r"[\s，,。.；;：:！!？?、（）()《》“”\"'‘’\[\]【】和与及或]+")
_BEFORE_ORG = re.compile(r"(?:举报|检举|控告|揭发|状告|投诉|反映|关于|对于|要求|请求|希望|经过|通过|"
                         r"我们|我|他们|他|她|向|给|对|是|在|到|被|把|将|由|从|的|了|让|找|去|经|请)")
_ACCUSE = re.compile(r"(?:举报|检举|控告|揭发|状告|投诉|反映)")
_PLACE_AT = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,10}}?)(?P<level>{_LEVEL_RE})")
_BARE_LEVEL = re.compile(r"(?P<level>县|市|区|镇|乡)(?!场|级|域|民|长|直|属)")
_SPLIT_NAMES = re.compile(r"[、，,；;]|(?<=[\u4e00-\u9fff])(?:和|及|与)(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Place:
    name: str            # "" for a bare level ("县人社局": the office's own county)
    level: str

    def matches(self, other: Place) -> bool:
        return self.level == other.level and (not self.name or not other.name or self.name == other.name)

    def __str__(self) -> str:
        return self.name + self.level


@dataclass(frozen=True)
class Org:
    """A body's name read into places, body (with the bodies it sits in) and a person."""

    raw: str
    places: tuple[Place, ...] = ()
    units: tuple[str, ...] = ()
    person: str | None = None

    @property
    def name(self) -> str:
        """The normalised name: ``桐梓村党组织``, ``示例县青山镇政府``."""
        return "".join(map(str, self.places)) + "".join(self.units)

    @property
    def display(self) -> str:
        """The name as written, without the person after it (``桐梓村党总支``)."""
        text = _fold(self.raw)
        if self.person and text.endswith(self.person):
            text = text[:-len(self.person)]
        return text or self.name

    @property
    def kind(self) -> str | None:
        """The kind of body (the last unit word: 政府, 法院, 村委会, 党组织, 局 ...)."""
        if not self.units:
            return self.places[-1].level if self.places else None
        last = self.units[-1]
        m = re.search(rf"(?:{_UNIT_END})$", last)
        return m.group() if m else last

    def __str__(self) -> str:
        return self.name


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split())


def normalise(name: str) -> str:
    """A body's name in the form names are compared in (``示例县青山镇人民政府`` →
    ``示例县青山镇政府``, ``桐梓村党总支书记汪某某`` → ``桐梓村党组织``); "" when it names none."""
    org = parse_org(name)
    return org.name if org else ""


def _apply_aliases(text: str) -> str:
    for long, short in _ALIASES:
        text = text.replace(long, short)
    # 县委 / 镇委 (the party committee of that level); not 委员, 委会
    text = re.sub(r"(?<=[县市区镇乡])委(?![员会办])", "党委", text)
    text = re.sub(r"村委(?!会)", "村委会", text)
    return text


def _split_person(text: str) -> tuple[str, str | None]:
    m = _PERSON.match(text)
    if m:
        return m.group("org"), m.group("person")
    return text, None


def _places(text: str) -> tuple[list[Place], str]:
    """The places at the start of ``text`` and what follows them."""
    places: list[Place] = []
    rest = text
    m = _BARE_LEVEL.match(rest)
    # "县人社局", "县青山镇政府", "县城市管理局": a bare level first; a named place whose name
    # starts with a level character (市中区) is rarer than the office's own county left out
    if m:
        places.append(Place("", m.group("level")))
        rest = rest[m.end():]
    while rest:
        found = _next_place(rest)
        if found is None:
            break
        place, end = found
        places.append(place)
        rest = rest[end:]
    return places, rest


def _next_place(text: str) -> tuple[Place, int] | None:
    """The named place ``text`` starts with, and where it ends: the shortest name before a
    level word that is not part of a word (农业农村局, 城市管理局, 市场, 村民 ...). A name never holds
    a body's word (局, 院, 党 ...), is not made of level characters alone (县乡村振兴局), and has
    two characters or more except a county's (萧县)."""
    for i in range(1, min(len(text), 11)):
        if text[i - 1] in _NOT_IN_PLACE:
            return None
        level = next((lv for lv in _LEVELS if text.startswith(lv, i)), None)
        if level is None:
            continue
        name, end = text[:i], i + len(level)
        if (name + level).endswith(_NOT_PLACE_ENDS) or text[end:].startswith(_NOT_PLACE_NEXT):
            continue
        if all(ch in _LEVEL_CHARS for ch in name) or (len(name) < 2 and level != "县"):
            continue
        return Place(name, level), end
    return None


def _units(text: str) -> tuple[str, ...]:
    """``公安局城关派出所`` → (公安局, 城关派出所): split after every body word."""
    parts, start = [], 0
    for m in re.finditer(_UNIT_END, text):
        parts.append(text[start:m.end()])
        start = m.end()
    parts.append(text[start:])
    return tuple(p for p in parts if p)


def parse_org(name: str | None) -> Org | None:
    """Read a body's name (as a clerk types it after ``--to``, or a 被反映对象); None when it
    names no body or place (a person alone, "有关部门", "村民")."""
    text = _apply_aliases(_fold(name or ""))
    text = text.strip("：:，,。.；;")
    if not text:
        return None
    body, person = _split_person(text)
    places, rest = _places(body)
    if person is None and places and rest:
        # 青山镇镇长李某, 桐梓村村主任: places and a title name the body the title heads
        level = places[-1].level
        for tail in (rest, rest[len(level):] if rest.startswith(level) else None):
            m = re.match(rf"(?:{_TITLE_RE})", tail or "")
            unit = _title_body(m.group(), level) if m else None
            if unit:
                person, rest = tail, unit
                break
    units = list(_units(rest))
    if units and places:
        last = places[-1].level
        # 桐梓村委会 / 桐梓村村委会 / 青山镇镇政府: the level word repeated or shared
        if units[0].startswith("委会") and last in ("村", "社区"):
            units[0] = ("村" if last == "村" else "居") + units[0]
        elif units[0].startswith(last) and units[0][len(last):] in _UNIT_WORDS:
            units[0] = units[0][len(last):]
        if last in ("村", "社区") and units[0] in ("党总支", "党支部", "党委"):
            units[0] = "党组织"      # a village has one party organisation, named either way
    if units and not re.search(rf"(?:{_UNIT_END})$", units[-1]):
        return None             # words after the places that are no body: a person, a phrase
    if not places and not units:
        return None
    return Org(raw=(name or "").strip(), places=tuple(places), units=tuple(units), person=person)


# --- relations --------------------------------------------------------------------------------

def _places_agree(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    """One chain is the other with higher levels left out (青山镇 ~ 示例县青山镇)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    tail = long[len(long) - len(short):]
    return all(x.matches(y) for x, y in zip(short, tail, strict=True))


def _place_prefix(outer: tuple[Place, ...], inner: tuple[Place, ...]) -> bool:
    """``outer`` is a place ``inner`` lies in (孔城镇 for 孔城镇桐梓村)."""
    if len(outer) >= len(inner):
        return False
    return any(_places_agree(outer, inner[:k]) and outer[-1].matches(inner[k - 1])
               for k in range(1, len(inner)))


def relation(accused: Org, body: Org) -> str | None:
    """How routing body ``body`` relates to ``accused``: SAME, INSIDE (a part of it), CONTAINS
    (it contains the accused), VILLAGE (the same village's other body: in a village the party
    secretary usually also heads the committee, 一肩挑), or None."""
    if _places_agree(accused.places, body.places):
        a, b = accused.units, body.units
        if a == b:
            return SAME
        if accused.places and body.places and accused.places[-1].level in ("村", "社区") \
                and a[:1] and b[:1] and a[0] in _VILLAGE_BODIES and b[0] in _VILLAGE_BODIES:
            return VILLAGE
        if len(b) > len(a) and b[:len(a)] == a:
            return INSIDE
        if len(a) > len(b) and a[:len(b)] == b:
            return CONTAINS
    if not body.units and _place_prefix(body.places, accused.places):
        return CONTAINS          # a bare place (孔城镇) the accused body lies in
    if not accused.units and _place_prefix(accused.places, body.places):
        return INSIDE
    return None


# --- finding bodies in text -----------------------------------------------------------------

def _candidates(clause: str) -> list[str]:
    """Pieces of a clause that may be a body's name: from after the last word that can stand
    before a name (a verb, a preposition) to the end of a body word or of a title (桐梓村村主任)."""
    out = []
    ends = [m for m in re.finditer(_UNIT_END, clause)] + [m for m in re.finditer(_TITLE_RE, clause)]
    for m in sorted(ends, key=lambda m: m.end()):
        head = clause[:m.end()]
        cut = 0
        for b in _BEFORE_ORG.finditer(head):
            if b.end() <= m.start():
                cut = b.end()
        piece = head[cut:]
        if piece and piece not in out:
            out.append(piece)
    return out


def _specific(org: Org | None) -> bool:
    """Not just a kind of body (局, 法院 alone name no particular body)."""
    return org is not None and (bool(org.places) or len(org.units) > 1 or org.units[0] not in _UNIT_WORDS)


def find_orgs(text: str) -> list[Org]:
    """Bodies named in ``text`` (村党总支, 村委会, 镇政府, …局, 法院 …), first mention first,
    each once (by normalised name); a body qualified by places wins over its bare mention."""
    found: dict[str, Org] = {}
    for clause in _CLAUSE_SPLIT.split(_apply_aliases(unicodedata.normalize("NFKC", text or ""))):
        for piece in _candidates(clause):
            org = parse_org(piece)
            if _specific(org):
                found.setdefault(org.name, org)
    return list(found.values())


def accused_orgs(case: Case) -> list[Org]:
    """The bodies a case complains about: each one its 被反映对象 names (several may be listed,
    "桐梓村党总支书记汪某某、村主任李某"), and the object of every 检举/举报/控告/揭发/状告/投诉/
    反映 in its text."""
    out: dict[str, Org] = {}
    target = _apply_aliases(_fold(case.target or ""))
    previous: Org | None = None
    for part in _SPLIT_NAMES.split(target):
        org = parse_org(part)
        if org is None and previous is not None and part:
            # "村主任李某" after "桐梓村党总支书记汪某某": the same village's committee
            org = parse_org(str(previous.places[-1]) + part) if previous.places else None
        if org is not None:
            out.setdefault(org.name, org)
            previous = org
    folded = _apply_aliases(unicodedata.normalize("NFKC", case.text or ""))
    for m in _ACCUSE.finditer(folded):
        clause = re.split(r"[，,。.；;！!？?\n]", folded[m.end():m.end() + 60], maxsplit=1)[0]
        # the first body named after the verb is its object ("举报孔城镇桐梓村党总支书记…")
        for piece in _candidates(clause):
            org = parse_org(piece)
            if _specific(org):
                out.setdefault(org.name, org)
                break
    return list(out.values())


@dataclass(frozen=True)
class Conflict:
    """A routing body related to a body a 检举控告 case accuses."""

    accused: Org
    body: Org
    relation: str

    def message(self, case: Case, mode: str) -> str:
        target = f"（被反映对象：{case.target.strip()}）" \
            if case.target and case.target.strip() != self.accused.display else ""
        deed = f"向其发{mode}函" if mode in ("催办", "督办") else f"将检举控告材料{mode}给它"
        return (f"警告：案件 {case.case_no} 为检举控告件，被反映的单位是“{self.accused.display}”{target}，"
                f"“{self.body.display}”{RELATION_WORDS[self.relation]}，不应{deed}")


def routing_conflict(case: Case, to: str) -> Conflict | None:
    """For a 检举控告 case: the first accused body that routing body ``to`` is, lies in, or
    contains (docs/cli.md §8); None for other cases or an unrelated body."""
    if case.nature != NATURE_ACCUSATION:
        return None
    body = parse_org(to)
    if body is None:
        return None
    for accused in accused_orgs(case):
        rel = relation(accused, body)
        if rel is not None:
            return Conflict(accused=accused, body=body, relation=rel)
    return None
