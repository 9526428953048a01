"""Text of a letter → the fields of a case (docs/standards.md §4, docs/cli.md §7.3 ``parse --json``).

Every field found says where it came from (``sources``: offsets into the text as given, the
1-based line and an excerpt). A field that is not found is None: nothing is guessed. Where a
heuristic is used (a name in a signature, the body complained about), it only fires on clear
signs, and the clerk sees the excerpt to check it.

Works on OCR text: full-width forms, stray spaces between characters, ``:`` or ``：``, control
characters. All positions refer to the original string because the clean-up keeps its length.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from docgen.classify import CategoryRules, suggest
from docgen.date_limits import check_happened
from docgen.errors import DocgenError
from docgen.intake.dates import cn_number, letter_date
from docgen.intake.gist import summary_span
from docgen.intake.idnumber import IdMatch, find_id_numbers
from docgen.intake.phones import PhoneMatch, find_phones
from docgen.intake.textclean import CJK, normalise, squeeze
from docgen.models import Petitioner, iso
from docgen.places import spell_as_listed, township_in_text, township_of

REQUEST_MAX = 200
ADDRESS_MAX = 60
TARGET_MAX = 40


@dataclass(frozen=True)
class Source:
    """Where a field was read: ``text[start:end]``, on ``line`` (1-based)."""

    start: int
    end: int
    line: int
    excerpt: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "line": self.line, "excerpt": self.excerpt}


@dataclass
class ParsedFields:
    """Fields read from one letter. ``petitioner.name`` None: anonymous or not found
    (``anonymous`` tells which)."""

    petitioner: Petitioner = field(default_factory=Petitioner)
    anonymous: bool = False
    letter_date: dt.date | None = None
    lunar_date: bool = False
    target: str | None = None          # 被反映对象
    target_type: str | None = None     # 政府及部门, 法院, 乡镇, ...
    request: str | None = None         # 诉求
    category: str | None = None
    nature: str | None = None
    legal: bool = False
    summary: str | None = None
    cosigners: list[str] = field(default_factory=list)
    persons: int = 1
    phones: list[str] = field(default_factory=list)
    id_problem: str | None = None
    township: str | None = None        # 乡镇（街道）: of the address, else the one the text names
    reasons: list[str] = field(default_factory=list)    # why the category was suggested
    warnings: list[str] = field(default_factory=list)   # what the clerk should check
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def id_number(self) -> str | None:
        return self.petitioner.id_number

    @property
    def id_valid(self) -> bool | None:
        return self.petitioner.id_valid

    def to_json(self) -> dict[str, Any]:
        p = self.petitioner
        return {
            "petitioner": {"name": p.name, "id_number": p.id_number, "phone": p.phone,
                           "address": p.address},
            "letter_date": iso(self.letter_date),
            "target": self.target,
            "request": self.request,
            "category": self.category,
            "nature": self.nature,
            "legal": self.legal,
            "summary": self.summary,
            "cosigners": list(self.cosigners),
            "persons": self.persons,
            "township": self.township,
            "id_valid": p.id_valid,
            "id_problem": self.id_problem,
            "lunar_date": self.lunar_date,
            "sources": {k: s.to_json() for k, s in self.sources.items()},
        }


# ------------------------------------------------------------------ text clean-up

_CJK = CJK
_normalise = normalise
_squeeze = squeeze


def _lab(*words: str) -> str:
    """Regex alternation of labels tolerating stray spaces between their characters."""
    return "|".join("[ \t]*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))


class _Text:
    """The letter with its line index, to turn offsets into ``Source``s."""

    def __init__(self, original: str):
        self.original = original
        self.t = _normalise(original)
        self._nl = [m.start() for m in re.finditer("\n", self.t)]

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self._nl, pos) + 1

    def source(self, start: int, end: int) -> Source:
        ln = self.line(start)
        ls = self._nl[ln - 2] + 1 if ln > 1 else 0
        le = self._nl[ln - 1] if ln - 1 < len(self._nl) else len(self.t)
        a, b = max(ls, start - 30), min(max(le, min(end, ls + 120)), end + 30, len(self.t))
        excerpt = re.sub(r"\s+", " ", self.original[a:b]).strip()
        return Source(start, end, ln, excerpt)

    def value(self, start: int, end: int) -> str:
        return _squeeze(self.original[start:end])


# ------------------------------------------------------------------ labelled values

_SEP = r"[ \t]*(?::[ \t]*|[ \t]+|(?=\d))"   # "姓名：张三", "姓名 张三", "身份证号110…"
_BOUNDARY = r"(?:^|(?<=[\s,;。、|(]))"
# A value ends at the line end, at a clause break, at a wide gap or at the next "标签：".
_VALUE_END = re.compile(rf"[ \t]{{2,}}|\t|[,;。]|[ \t]*[{_CJK}]{{2,6}}[ \t]*:")

NAME_LABELS = ("姓名", "来信人", "反映人", "具名人", "具名", "署名", "举报人", "检举人", "申诉人",
               "控告人", "写信人", "信访人", "签名人", "投诉人", "求助人", "申请人", "来访人",
               "联名人", "签名")
ADDRESS_LABELS = ("家庭住址", "家庭地址", "现住址", "现住", "住址", "地址", "通讯地址", "联系地址",
                  "居住地址", "居住地", "现居住地", "户籍地址", "户籍地", "住所地", "住所")
TARGET_LABELS = ("被反映人", "被反映单位", "被反映对象", "被反映人单位", "被举报人", "被举报单位",
                 "被投诉人", "被投诉单位", "被控告人", "被控告单位", "被申诉人", "被申诉单位",
                 "反映对象", "举报对象", "投诉对象", "控告对象")
REQUEST_LABELS = ("诉求", "信访诉求", "请求事项", "诉求事项", "反映诉求", "具体诉求", "请求",
                  "要求", "主要诉求", "信访请求")


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


def _labelled(tx: _Text, labels: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
    """(label, value start, value end, label start) for each ``label: value`` in the text."""
    firsts = "".join(sorted({w[0] for w in labels}))
    # the leading class lets the engine skip most positions with one test
    rx = _compile(rf"(?=[{firsts}]){_BOUNDARY}(?P<label>{_lab(*labels)}){_SEP}(?P<v>[^\n]*)")
    out = []
    for m in rx.finditer(tx.t):
        vs, line_end = m.start("v"), m.end("v")
        end_m = _VALUE_END.search(tx.t, vs, line_end)
        ve = end_m.start() if end_m else line_end
        while ve > vs and tx.t[ve - 1] in " \t":
            ve -= 1
        out.append((re.sub(r"\s", "", m.group("label")), vs, ve, m.start()))
    return out


# ------------------------------------------------------------------ names

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁"
    "尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时"
    "穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾"
    "隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮"
    "粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬"
    "来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎"
    "勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由洪"
    # less common ones that are frequent in some counties (桐城: 疏, 操, 光, 汤, 鲍, 檀, 储, 查)
    "疏操光竺蓟昌桓訾台谯"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                      "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤")
ANONYMOUS_WORDS = ("匿名", "不愿具名", "不具名", "无名氏", "知情人", "知情者", "一群众", "一名群众",
                   "一位群众", "热心群众", "广大群众", "全体村民", "部分村民", "一村民", "一名村民",
                   "一名党员", "老党员", "一群", "保密", "不详", "无")
# Words that look like 2-4 character names but are not.
_NOT_NAMES = set(ANONYMOUS_WORDS) | {
    "本人", "群众", "村民", "居民", "此致", "敬礼", "领导", "同志", "您好", "谢谢", "签名", "附件",
    "联系", "电话", "地址", "日期", "时间", "信访", "申请", "反映", "举报", "全体", "代表", "家属",
    "业主", "职工", "党员", "市民", "农民", "上访", "来信", "特此", "妥否", "以上", "附后", "附",
    "如下", "盖章", "手印", "签字", "年月日", "万分感谢", "祝好", "顺祝", "感谢", "叩谢", "拜托",
    "谨此", "恳请", "再次感谢", "致礼", "敬上", "谨上", "盼复", "特此反映",
} | set(NAME_LABELS)


def _is_name(s: str, *, strict: bool) -> bool:
    """A personal name: 2-4 Chinese characters (or a minority name with ·). ``strict``
    (no label said it is a name) also wants a known surname and at most 3 characters."""
    if s in _NOT_NAMES or not s:
        return False
    if "·" in s or "•" in s:
        return not strict and bool(re.fullmatch(rf"[{_CJK}]{{1,6}}[·•][{_CJK}·•]{{1,12}}", s))
    if not re.fullmatch(rf"[{_CJK}]{{2,4}}", s):
        return False
    if re.search(r"[省市县区镇乡村组号楼室局院委会司厂镇路街]$|[的了是在和与我你他她们着]", s):
        return False
    if strict:
        if re.search(r"(大爷|大妈|大娘|大叔|大姐|大哥|老师|师傅|同志|先生|女士|老汉|阿姨)$", s):
            return False        # 李大爷: how one is called, not a name to register
        if s.startswith(_COMPOUND_SURNAMES):
            return len(s) <= 4
        return s[0] in _SURNAMES and len(s) <= 3
    return True


_NAME_SPLIT = re.compile(r"[、,，;；/\s]+")
@dataclass
class _Signers:
    names: list[str]
    start: int
    end: int
    anonymous_at: tuple[int, int] | None = None
    stated: int | None = None


def _split_run(run: str, listed: bool = False) -> list[str] | None:
    """Names written together: the spaces of "周凤英 何春生 方桂兰" are lost by OCR and PDF text
    layers ("周凤英何春生方桂兰"). Split where every piece is a name starting with a surname;
    three-character names preferred over two. ``listed``: the run follows a label that says it
    is names (联名人：): a three-character piece whose surname is not in the list may stand too,
    at a cost (a rare surname must not make the whole list unreadable). None when no such split
    exists."""
    if len(run) < 4 or not re.fullmatch(rf"[{_CJK}]+", run) or _is_name(run, strict=True):
        return None
    n = len(run)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for size in (2, 3, 4):
            piece = run[i:i + size]
            if len(piece) < size:
                continue
            if _is_name(piece, strict=True):
                cost = 0.0 if size == 3 or piece.startswith(_COMPOUND_SURNAMES) else 0.5
            elif listed and size == 3 and _is_name(piece, strict=False):
                cost = 2.0
            else:
                continue
            cost += best[i][0]
            if best[i + size] is None or cost < best[i + size][0]:
                best[i + size] = (cost, [*best[i][1], piece])
    return best[n][1] if best[n] and len(best[n][1]) > 1 else None


def _split_names(parts: list[str], listed: bool = False) -> list[str]:
    out = []
    for p in parts:
        out.extend(_split_run(p, listed) or [p])
    return out


def _names_in(value: str, listed: bool = False) -> list[str]:
    if re.fullmatch(rf"[ \t]*(?:[{_CJK}][ \t]+)+[{_CJK}][ \t]*", value):
        value = re.sub(r"[ \t]", "", value)      # OCR: "张 三" is one name
    value = re.split(r"等[ \t]*[\d一二两三四五六七八九十]|\(|（", value)[0]
    return _split_names([p for p in _NAME_SPLIT.split(value) if p], listed)


def _anonymous_value(value: str) -> bool:
    v = re.sub(r"\s", "", value)
    return any(v.startswith(w) for w in ANONYMOUS_WORDS if len(w) > 1) or v in ("无", "略")


_COUNT = r"(\d{1,4}|[一二两三四五六七八九十]{1,3})[ \t]*(?:人|名|户|位)"


def _stated_count(tx: _Text, joint: bool) -> int | None:
    """"张三等32人", "58户村民联名" → the number written; "共58户" only in a joint letter
    (in another letter "全村共300户" is part of the story)."""
    patterns = [rf"等[ \t]*{_COUNT}", rf"{_COUNT}[^\n。,]{{0,6}}(?:联名|签名|签字)"]
    if joint:
        patterns.append(rf"(?:共|计)[ \t]*{_COUNT}")
    best = None
    for m in re.finditer("|".join(patterns), tx.t):
        raw = next(g for g in m.groups() if g)
        n = cn_number(raw)
        if n and n > 1 and (best is None or n > best):
            best = n
    return best


def _signature_region(tx: _Text) -> int:
    """Start of the closing part: from the last 此致/敬礼, else the last eight non-empty lines."""
    marks = list(re.finditer(r"此[ \t]*致|敬[ \t]*礼", tx.t))
    last = marks[-1] if marks else None
    if last and last.start() >= len(tx.t) * 0.4:
        return last.start()
    starts = [0] + [i + 1 for i in tx._nl]
    ends = [*tx._nl, len(tx.t)]
    nonempty = [s for s, e in zip(starts, ends, strict=True) if not tx.t[s:e].isspace() and e > s]
    return nonempty[-8] if len(nonempty) >= 8 else 0


_SIG_JINGSHANG = re.compile(r"(敬上|谨上|叩上|拜上|呈上|上)[ \t]*[。.!]?[ \t]*$")
_SIG_DATE = re.compile(r"[\d〇零○O一二三四五六七八九]{2,4}[ \t]*年.*$|\d{4}[./-]\d{1,2}[./-]\d{1,2}.*$")
_SIG_CIZHI = re.compile(r"^[ \t]*(此[ \t]*致|敬[ \t]*礼)[ \t]*[!！]?")
_SIG_ROLE = re.compile(rf"^(?:[{_CJK}]{{0,4}}代表|联名人?|签名人?|具名人?|署名|退休职工|村民|居民|业主|职工|"
                       rf"农民工|党员|老党员|群众)[ \t]*:?[ \t]*")


def _find_signers(tx: _Text) -> _Signers | None:
    # 1. Labels: 姓名：张三 / 来信人：张三 / 联名人：张三、李四 / 反映人：张三等32人.
    for label, vs, ve, _ls in _labelled(tx, NAME_LABELS):
        raw = tx.t[vs:ve]
        if not raw.strip():
            # "签名：" with the names on the following lines (a joint letter's list)
            nxt = tx.t[ve:ve + 400].split("\n")
            names, pos = [], ve
            for ln in nxt[1:12]:
                parts = _split_names([p for p in _NAME_SPLIT.split(ln) if p])
                if parts and all(_is_name(p, strict=True) for p in parts):
                    names.extend(parts)
                elif ln.strip():
                    break
                pos += len(ln) + 1
            if names:
                return _Signers(names, ve + 1, pos + len(nxt[0]))
            continue
        if _anonymous_value(raw):
            return _Signers([], vs, ve, anonymous_at=(vs, ve))
        # "联名人：汪大海  陈小平，李国强丶吴春生": the value stops at the first wide gap or
        # comma, but the rest of the line is more names
        line_end = tx.t.find("\n", vs)
        line_end = len(tx.t) if line_end < 0 else line_end
        rest = tx.t[vs:line_end].rstrip()
        joint_label = label in ("联名人", "签名", "签名人", "联名")
        if len(rest) > ve - vs:
            many = _names_in(rest, joint_label)
            if len(many) > 1 and all(_is_name(n, strict=not joint_label) for n in many):
                return _Signers(many, vs, vs + len(rest))
        if label in ("姓名", "联名人", "签名") or len(_names_in(raw)) > 1:
            # a header value can be "张三  性别：男" — _VALUE_END already cut that
            names = [n for n in _names_in(raw, joint_label) if _is_name(n, strict=False)]
        else:
            names = [n for n in _names_in(raw)[:1] if _is_name(n, strict=False)]
        if names:
            return _Signers(names, vs, ve)
    # 2. The signature at the end: "张三敬上", "此致 敬礼 张三", a name alone on a line.
    region = _signature_region(tx)
    candidates: list[_Signers] = []
    pos = region
    for ln in tx.t[region:].split("\n"):
        s, e = pos, pos + len(ln)
        pos = e + 1
        if not ln.strip() or len(ln) > 80:
            continue
        body = _SIG_JINGSHANG.sub("", ln)
        body = _SIG_DATE.sub("", body)              # "张三  2014年5月23日"
        body = _SIG_CIZHI.sub("", body).strip()
        body = _SIG_ROLE.sub("", body)             # "业主代表 李四 王五", "联名人：…"
        if not body:
            continue
        if _anonymous_value(body):
            candidates.append(_Signers([], s, e, anonymous_at=(s + ln.find(body[:1]), e)))
            continue
        parts = _split_names([p for p in _NAME_SPLIT.split(body) if p])
        if parts and all(_is_name(p, strict=True) for p in parts):
            off = s + ln.find(parts[0])
            if candidates and candidates[-1].names and candidates[-1].end >= s - 1:
                candidates[-1].names.extend(parts)     # names on consecutive lines: joint letter
                candidates[-1].end = e
            else:
                candidates.append(_Signers(parts, off, e))
    for c in candidates:
        if c.names:
            return c
    if candidates:
        return candidates[-1]
    # 3. The body: "我叫张三", "本人张三，".
    m = re.search(rf"(?:我叫|我名叫|本人叫|本人名叫|本人姓名|本人)[ \t]*([{_CJK}]{{2,4}}?)(?=[,，。、(（ \t男女]|\d)", tx.t)
    if m and _is_name(m.group(1), strict=True):
        return _Signers([m.group(1)], m.start(1), m.end(1))
    return None


# ------------------------------------------------------------------ ID, phone, address

def _pick_id(ids: list[IdMatch], near: int | None) -> IdMatch | None:
    if not ids:
        return None
    labelled = [i for i in ids if i.labelled]
    pool = labelled or ids
    if near is not None and len(pool) > 1:
        return min(pool, key=lambda i: abs(i.start - near))
    return pool[0]


# Context that says a phone number belongs to someone else.
_OTHER_PHONE = re.compile(r"(公司|政府|局|法院|派出所|村委|老板|经理|开发商|物业|对方|他的|其|该)[^\n]{0,8}$")


def _pick_phone(tx: _Text, phones: list[PhoneMatch]) -> PhoneMatch | None:
    labelled = [p for p in phones if p.labelled]
    for p in labelled:
        if not _OTHER_PHONE.search(tx.t[max(0, p.start - 14):p.start]):
            return p
    for p in phones:
        if not _OTHER_PHONE.search(tx.t[max(0, p.start - 14):p.start]):
            return p
    return None


_PLACE = r"(?:省|市|县|区|镇|乡|街道|村|社区|组|庄|屯|居委会|村委会|小区|花园|苑)"
_MEMBER_OF = re.compile(
    rf"(?:我|我们|本人|[{_CJK}]{{2,4}})[ \t]*(?:是|系|为)[ \t]*(?P<v>[{_CJK}\d]{{2,40}}?{_PLACE})[ \t]*(?:的)?[ \t]*"
    rf"(?:村民|居民|农民|群众|业主|住户|村民代表)")


_ADDRESS_TAIL = re.compile(rf"[ \t]*\n[ \t]*(?P<c>[{_CJK}\d]{{0,12}}(?:组|号|室|栋|幢|单元|楼|村|社区|小区))(?=[,，。;；]|[ \t]*$)",
                           re.M)


def _address_continues(tx: _Text, end: int) -> int:
    """End of an address that the page wrapped: "家住桐城市嬉子湖镇练潭村下畈" / "组，身份证号…"
    goes on to 组 when the line ended inside it (not after its last part)."""
    if not re.match(r"[ \t]*\n", tx.t[end:end + 3]) or re.search(r"(?:组|号|室)$", tx.t[max(0, end - 1):end]):
        return end
    m = _ADDRESS_TAIL.match(tx.t, end)
    return m.end("c") if m else end


# OCR reads the full stop after an address as ·, ○, °, o or 0 ("…下畈组·现将有关情况…", "…塘埂组○"
# at the line end): right after the last unit of an address, such a mark ends it.
_STOP_MISREAD = re.compile(rf"(?<=[组号室村栋幢楼区])[·•○°oO0.．](?=[{_CJK}]|[ \t]*$)")


def _address_end(tx: _Text, start: int, end: int) -> tuple[int, int]:
    m = _STOP_MISREAD.search(tx.t, start, end)
    return start, m.start() if m else end


def _find_address(tx: _Text) -> tuple[int, int] | None:
    for _label, vs, ve, _ls in _labelled(tx, ADDRESS_LABELS):
        # "住址：浙江省 杭州市 西湖区 ……" OCR puts single spaces inside; _VALUE_END keeps them.
        if ve - vs >= 4 and not re.fullmatch(r"[\s\d]*", tx.t[vs:ve]):
            return _address_end(tx, vs, min(_address_continues(tx, ve), vs + ADDRESS_MAX))
    m = re.search(rf"(?:家住|住在|居住在|现住在|(?<=[,，、])[ \t]*现?住(?![院房宿]))[ \t]*"
                  rf"(?P<v>[^,，。;；\n]{{4,{ADDRESS_MAX}}})", tx.t)
    if m:
        v = m.group("v")
        cut = re.search(r"(的|,|，)", v)
        end = m.start("v") + (cut.start() if cut else len(v))
        return _address_end(tx, m.start("v"), _address_continues(tx, end))
    # "我是桐城市新渡镇双店村村民": the place one belongs to is the address given
    m = _MEMBER_OF.search(tx.t)
    if m:
        return m.start("v"), m.end("v")
    return None


# Characters that end the word before a township's name: a county-level unit, a verb or a
# little word ("桐城市鲟鱼镇", "通往鲟鱼镇", "举报鲟鱼镇…").
_BEFORE_TOWN = set("省市县区旗州在往到住于和与及、，,。的是从向对由为给把被让将报告诉举控反映找去回来自系")


def _town_as_spelt_elsewhere(value: str, t: str) -> str:
    """OCR drops a dense character of a place name ("桐城市鲟鱼镇" read "桐城市鱼镇") and reads it
    in another line of the same letter ("通往鲟鱼镇的村道"). A township of one character before
    镇/乡 in ``value`` that the letter elsewhere writes with one character more, always the
    same, is given that longer name (``places.spell_as_listed`` with the letter's spellings as
    the list). Nothing is guessed from outside the letter."""
    town = township_of(value)
    if not town or len(town) != 2:
        return value
    spellings = {t[at.start() - 1] + town for at in re.finditer(re.escape(town), t)
                 if at.start() and re.match(rf"[{_CJK}]", t[at.start() - 1])
                 and t[at.start() - 1] not in _BEFORE_TOWN}
    return spell_as_listed(value, sorted(spellings))[0]


# ------------------------------------------------------------------ target (被反映对象)

_ORG_SUFFIXES = (
    "中级人民法院", "人民法院", "人民检察院", "人民政府", "公安分局", "公安局", "派出所", "监察委员会",
    "纪律检查委员会", "街道办事处", "村民委员会", "居民委员会", "村委会", "居委会", "管理委员会",
    "有限责任公司", "股份有限公司", "有限公司", "分公司", "公司", "集团", "中心医院", "人民医院", "医院",
    "卫生院", "中学", "小学", "学校", "幼儿园", "镇政府", "乡政府", "县政府", "市政府", "区政府",
    "法院", "检察院", "管委会", "委员会", "办公室", "局", "厂", "银行", "信用社", "合作社", "物业",
    "党委", "党支部",
)
_ORG_RE = re.compile("|".join(map(re.escape, _ORG_SUFFIXES)))
# Words that end the name to the left: verbs and little words around a body's name.
_PREFIX_STOP = re.compile(
    r".*(?:举报|检举|控告|投诉|反映|状告|起诉|揭发|关于|对于|要求|请求|恳请|希望|督促|责令|责成|"
    r"我们|我家|他们|本人|我|他|她|是|的|了|被|对|向|到|在|给|把|将|由|从|让|找|去|、|但|而|却|并|又|还|即|附近|旁边|周边|有|"
    r"该|这|那|其|个|由于|因为|经过|通过|如|作为|位于|为)", re.S)
_DEPARTMENT_SUFFIXES = {"局", "委员会", "管理委员会", "办公室", "管委会"}
_JOIN = re.compile(r".*(?:和|与|及|以及)", re.S)
_NEG_AFTER = re.compile(r"扰民|侵害|损害|欺压|威胁|坑害|诈骗|欺诈|超标|排放|强拆|拆除|拆了|拖欠|违法|违规|侵占|克扣|不作为|拒不|拒绝|未按|至今未|至今没有|乱收费|非法|"
                        r"擅自|强行|欺骗|推诿|不予|没有|不给|霸占|截留|挪用|贪污|殴打|滥用|徇私|枉法|错误|久拖|"
                        r"不执行|不处理|不受理|不立案|不管|偷排|污染|扣押|罚款|刁难|敷衍")
_ACCUSE_BEFORE = re.compile(r"举报|检举|控告|投诉|反映|状告|起诉|揭发|督促|责令|责成|查处")
# "致某某局：" addresses the letter to a body; "向某某局反映" names the body that let them down.
_ADDRESSEE_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:致|呈|报)?[ \t]*$")
_PERSON_TARGET = re.compile(
    rf"(?:举报|检举|控告|投诉|反映|揭发)[ \t]*(?P<t>[^,，。;；:\n]{{0,24}}?(?:书记|主任|镇长|乡长|县长|局长|村长|"
    rf"院长|所长|庭长|科长|站长|经理|老板|会计|厂长|校长|组长|委员|法官|干部)(?P<n>[{_CJK}]{{2,3}}))"
)


_NAME_CHARS_TAIL = re.compile(rf"[{_CJK}XＸ×\d]*$")
# A name the page wrapped: "…桐城市自" / "然资源和规划局承诺…" (a PDF text layer or OCR keeps
# the line end inside the name).
_NAME_CHARS_WRAPPED = re.compile(rf"[{_CJK}XＸ×\d]*[ \t]*\n[ \t]*[{_CJK}XＸ×\d]*$")
# Only a full line wraps: a short line before (a title, a signature) is not the name's start.
_WRAPPED_LINE_MIN = 15


def _name_start(tx: _Text | _Flat, left: int, s: int) -> int:
    start = _NAME_CHARS_TAIL.search(tx.t, left, s).start()
    if start > left and tx.t[start - 1] == "\n":
        m = _NAME_CHARS_WRAPPED.search(tx.t, left, s)
        if m and m.start() < start:
            nl = tx.t.rfind("\n", 0, start - 1)
            line = tx.t[nl + 1:start - 1].strip()
            if len(line) >= _WRAPPED_LINE_MIN and not re.search(r"[。！？!?：:]$", line):
                return m.start()
    return start


def _org_mentions(tx: _Text | _Flat) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    last_end = 0
    for m in _ORG_RE.finditer(tx.t):
        s = m.start()
        if s < last_end:
            continue
        left = max(last_end, s - 24)
        # the name is made of Chinese characters (and 某, X placeholders), no punctuation
        window_start = _name_start(tx, left, s)
        stop = _PREFIX_STOP.match(tx.t, window_start, s)
        start = stop.end() if stop else window_start
        # "和/与/及" join two bodies ("镇政府和某某公司") except inside a department's own
        # name (人力资源和社会保障局, 住房和城乡建设委员会)
        if m.group(0) not in _DEPARTMENT_SUFFIXES:
            joined = _JOIN.match(tx.t, start, s)
            if joined:
                start = joined.end()
        name = tx.t[start:m.end()]
        prefix = name[: len(name) - len(m.group(0))]
        if len(prefix) < 2 and not re.fullmatch(r"[省市县区镇乡]", prefix):
            continue
        if re.search(r"人大|人民代表大会|信访", name) or re.match(r"[一每各](?:家|个|所|间|些)", name):
            continue
        if spans and start == spans[-1][1] and window_start == start:
            # 某某县公安局 + 城关派出所 directly after it: one body
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((start, m.end()))
        last_end = m.end()
    return spans


def _abbreviates(short: str, full: str) -> bool:
    """``short`` is a short form of ``full``: shorter, its characters in order in ``full`` and
    the same last character (市人社局 / 桐城市人力资源和社会保障局, 范岗镇政府 / 范岗镇人民政府)."""
    if len(short) >= len(full) or short[-1] != full[-1]:
        return False
    pos = 0
    for ch in short:
        pos = full.find(ch, pos) + 1
        if not pos:
            return False
    return True


class _Flat:
    """The letter with the page's line breaks inside paragraphs taken out ("…黄甲镇人" /
    "民政府承诺…" reads 黄甲镇人民政府), and where each character stood in the letter."""

    _WRAP = re.compile(r"[ \t]*\n[ \t]*(?=[\dA-Za-z\u4e00-\u9fff])")

    def __init__(self, t: str):
        keep, pos, last = [], [], 0
        for m in self._WRAP.finditer(t):
            ls = t.rfind("\n", 0, m.start()) + 1
            line = t[ls:m.start()].strip()
            if len(line) < _WRAPPED_LINE_MIN or re.search(r"[。！？!?：:]$", line):
                continue
            keep.append(t[last:m.start()])
            pos.extend(range(last, m.start()))
            last = m.end()
        keep.append(t[last:])
        pos.extend(range(last, len(t) + 1))
        self.t = "".join(keep)
        self.pos = pos          # one more than the characters: the end

    def span(self, s: int, e: int) -> tuple[int, int]:
        return self.pos[s], self.pos[e - 1] + 1 if e > s else self.pos[s]


def _find_target(tx: _Text) -> tuple[int, int] | None:
    for _label, vs, ve, _ls in _labelled(tx, TARGET_LABELS):
        if ve > vs:
            return vs, min(ve, vs + TARGET_MAX)
    flat = _Flat(tx.t)
    found = _find_target_in(flat)
    return flat.span(*found) if found else None


def _find_target_in(tx: _Text | _Flat) -> tuple[int, int] | None:
    m = _PERSON_TARGET.search(tx.t)
    if m and _is_name(m.group("n"), strict=True):
        return m.start("t"), m.end("t")
    scores: dict[str, int] = {}
    first: dict[str, tuple[int, int]] = {}
    for s, e in _org_mentions(tx):
        name = re.sub(r"\s", "", tx.t[s:e])
        before, after = tx.t[max(0, s - 10):s], tx.t[e:e + 14]
        score = 1
        if _ACCUSE_BEFORE.search(before):
            score += 3
        if _NEG_AFTER.search(after):
            score += 2
        if _ADDRESSEE_BEFORE.search(before) and tx.t[e:e + 2].lstrip(" \t")[:1] in (":", "："):
            score -= 3          # the salutation "某某局：" of a letter sent to that body
        scores[name] = scores.get(name, 0) + score
        first.setdefault(name, (s, e))
    if not scores:
        return None
    # "桐城市人力资源和社会保障局" … "市人社局": the short name is the same body; it counts for
    # the full name the letter gives, and the full name is what is registered.
    for short in sorted(scores, key=len):
        longer = [n for n in scores if n != short and _abbreviates(short, n)]
        if longer:
            full = max(longer, key=lambda n: (scores[n], len(n)))
            scores[full] += scores.pop(short)
    best = max(scores, key=lambda n: (scores[n], -first[n][0]))
    # A single bare mention among other bodies is not enough to name a target; the only body
    # a letter names is.
    return first[best] if scores[best] >= 2 or (len(scores) == 1 and scores[best] > 0) else None


# ------------------------------------------------------------------ request, summary

def _sentences(t: str) -> list[tuple[int, int]]:
    """Sentence spans; a long line without final punctuation continues on the next line
    (wrapped paragraph), short lines (headers, signatures) stand alone."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^。！？!?\n]+(?:[。！？!?]+|\n|$)", t):
        s, e = m.start(), m.end()
        piece = t[s:e].strip()
        if not piece:
            continue
        if out and t[out[-1][1] - 1] == "\n" and len(t[out[-1][0]:out[-1][1]].strip()) >= 18 \
                and re.match(rf"[ \t]*[{_CJK}]", t[s:e]) and not re.search(r"[:：]", t[out[-1][0]:out[-1][1]]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return [(s + (len(t[s:e]) - len(t[s:e].lstrip())), e - (len(t[s:e]) - len(t[s:e].rstrip())))
            for s, e in out]


_REQUEST_STRONG = re.compile(r"恳请|建议|请求|恳求|诉求|特请|敬请|望[ \t]*(?:领导|贵|县|市|上级|有关)|请[ \t]*(?:领导|贵|县|市|上级|有关|人大|政府)")
# What a concrete demand asks for; a courtesy closing (恳请领导给予关心和支持) asks for none.
_REQUEST_ACTION = re.compile(r"督促|责令|责成|查处|查明|补偿|赔偿|支付|发放|纠正|恢复|维修|执行|答复|核定|调查|撤销|"
                             r"退还|归还|停止|处理|监督|审查|追究|整改|公开|办理|落实|保护|重新|依法")
_REQUEST_COURTESY = re.compile(r"关心|支持|重视|百忙|盼复|特此|为民做主|为我们做主|主持公道|审阅|阅示|附上|随信|附后")
_REQUEST_WEAK = re.compile(r"(?:^|我们?|本人|特|强烈|现|故|为此|因此|所以|并)要求|希望[ \t]*(?:县|市|区|领导|政府|人大|有关|上级|相关|贵|能|尽快|早日)")


def _find_request(tx: _Text, sentences: list[tuple[int, int]]) -> tuple[int, int] | None:
    for _label, vs, _ve, _ls in _labelled(tx, REQUEST_LABELS):
        line_end = tx.t.find("\n", vs)
        line_end = len(tx.t) if line_end < 0 else line_end
        if tx.t[vs:line_end].strip() and not re.match(r"[ \t]*(?:1|一|\(1\)|（1）)[.、．]", tx.t[vs:line_end]):
            end = tx.t.find("。", vs, line_end)
            return vs, (end + 1 if end >= 0 else line_end)
        # "请求事项：" followed by numbered lines
        end, pos = line_end, line_end + 1
        for ln in tx.t[line_end + 1:].split("\n")[:8]:
            if re.match(r"[ \t]*(?:\d+|[一二三四五六七八九十]+|\(\d+\)|（\d+）)[.、．:]", ln):
                end = pos + len(ln.rstrip())
                pos += len(ln) + 1
            else:
                break
        start = vs if tx.t[vs:line_end].strip() else line_end + 1
        if end > start:
            return start, end
    best, best_score = None, 0
    n = len(tx.t) or 1
    for s, e in sentences:
        sent = tx.t[s:e]
        if re.search(r"此[ \t]*致|敬[ \t]*礼", sent) or len(sent) < 6:
            continue
        score = 3 if _REQUEST_STRONG.search(sent) else 2 if _REQUEST_WEAK.search(sent) else 0
        if not score:
            continue
        score += 1 if s > n * 0.5 else 0
        score += 2 if _REQUEST_ACTION.search(sent) else 0
        score -= 2 if _REQUEST_COURTESY.search(sent) else 0
        if re.match(r"[ \t]*(?:请求|恳请|要求|特请|恳求|诉求|建议)", sent):
            score += 1
        if score >= best_score:      # later sentences win ties: demands come at the end
            best, best_score = (s, e), score
    return best


# ------------------------------------------------------------------ the whole letter

def extract_fields(text: str, rules: CategoryRules | None = None) -> ParsedFields:
    """All fields of one letter's text. ``rules``: the office's category rules (None → the
    built-in list)."""
    tx = _Text(text or "")
    out = ParsedFields()
    sources = out.sources

    signers = _find_signers(tx)
    if signers and signers.names:
        out.petitioner.name = signers.names[0]
        out.cosigners = signers.names[1:]
        sources["petitioner.name"] = tx.source(signers.start, signers.end)
        if out.cosigners:
            sources["cosigners"] = tx.source(signers.start, signers.end)
    elif signers and signers.anonymous_at:
        out.anonymous = True
        sources["petitioner.anonymous"] = tx.source(*signers.anonymous_at)
    else:
        m = re.search(r"匿[ \t]*名", tx.t)
        if m:
            out.anonymous = True
            sources["petitioner.anonymous"] = tx.source(m.start(), m.end())
    joint = bool(out.cosigners) or bool(re.search(r"联[ \t]*名", tx.t))
    stated = _stated_count(tx, joint)
    out.persons = max(1, len(signers.names) if signers else 1, stated or 0)

    ids = find_id_numbers(text)
    chosen_id = _pick_id(ids, signers.start if signers and signers.names else None)
    if chosen_id:
        out.petitioner.id_number = chosen_id.check.number
        out.petitioner.id_valid = chosen_id.check.valid
        out.id_problem = chosen_id.check.reason
        sources["petitioner.id_number"] = tx.source(chosen_id.start, chosen_id.end)

    phones = find_phones(text, ids)
    out.phones = list(dict.fromkeys(p.number for p in phones))
    chosen_phone = _pick_phone(tx, phones)
    if chosen_phone:
        out.petitioner.phone = chosen_phone.number
        sources["petitioner.phone"] = tx.source(chosen_phone.start, chosen_phone.end)

    addr = _find_address(tx)
    if addr:
        out.petitioner.address = _town_as_spelt_elsewhere(tx.value(*addr), tx.t)
        sources["petitioner.address"] = tx.source(*addr)

    d = letter_date(text)
    if d and d.date is None:          # lunar: flagged, left for the clerk
        out.lunar_date = d.lunar
        sources["letter_date"] = tx.source(d.start, d.end)
    elif d:
        try:
            # a misread year (OCR "2O24" → 2004? "2924") must not become the stored 来信日期:
            # the same range every date that has happened is held to (docs/standards.md)
            check_happened(d.date, "来信日期")
        except DocgenError as exc:
            out.warnings.append(f"{exc}；未采用，请核对原件后用 docgen edit --letter-date 填写")
            sources["letter_date.dropped"] = tx.source(d.start, d.end)
        else:
            out.letter_date = d.date
            out.lunar_date = d.lunar
            sources["letter_date"] = tx.source(d.start, d.end)

    target = _find_target(tx)
    if target:
        out.target = _town_as_spelt_elsewhere(tx.value(*target), tx.t)
        sources["target"] = tx.source(*target)

    sentences = _sentences(tx.t)
    req = _find_request(tx, sentences)
    if req:
        value = tx.value(*req)
        out.request = value if len(value) <= REQUEST_MAX else value[: REQUEST_MAX - 1] + "…"
        sources["request"] = tx.source(*req)

    summ = summary_span(text or "", target=out.target)
    if summ:
        out.summary = summ[0]
        sources["summary"] = tx.source(summ[1], summ[2])

    # 乡镇（街道）for statistics: the address's, else the one the letter names as its place
    town = township_of(out.petitioner.address)
    if town:
        out.township = town
        sources["township"] = sources["petitioner.address"]
    else:
        town = township_in_text(tx.t)
        if town:
            out.township = town
            at = tx.t.find(town)
            if at >= 0:
                sources["township"] = tx.source(at, at + len(town))

    if not out.petitioner.name and not out.anonymous:
        out.warnings.append("未识别出来信人姓名")

    sug = suggest(tx.t, rules, target=out.target, request=out.request)
    out.category, out.nature, out.legal = sug.category, sug.nature, sug.legal
    out.target_type, out.reasons = sug.target_type, sug.reasons
    return out
