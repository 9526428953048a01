"""What a letter is about: its main issues (主要反映问题) and a one-sentence 摘要.

A letter sent on to another body (交办函, 转送函, 督办函, 催办函) carries the letter's issues in a
few sentences, not the letter pasted in: no salutation ("尊敬的…领导："), no self-introduction
("我叫…，身份证号…，住…"), no signature block ("此致敬礼", "反映人：…", the date), no contact
block ("联系电话…") and never an ID or phone number (docs/standards.md §4, personal data). The
registration forms and the ledger carry a 摘要: one sentence saying who complains about whom and
what is asked, as a clerk writes it ("反映桐城市人民法院对其申请执行的运输合同纠纷案件终结本次执行
程序，要求恢复执行").

Both work on text as it arrives — page line breaks in the middle of sentences (PDF text layers,
OCR), half-width punctuation, 丶 for 、 — and only ever cut at the end of a sentence or of a
clause: never at a line break, never in the middle of a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.intake.idnumber import find_id_numbers
from docgen.intake.phones import find_phones
from docgen.intake.textclean import CJK, cjk_punctuation, normalise, squeeze
from docgen.privacy import mask_text

MAIN_ISSUES_LIMIT = 300
SUMMARY_MAX = 80

# Labels of the petitioner's particulars: a line "标签：值" with one of these is data for the
# case, not part of what the letter raises.
FIELD_LABELS = (
    "姓名", "性别", "年龄", "民族", "出生年月", "出生日期", "出生", "籍贯", "文化程度", "政治面貌",
    "职业", "工作单位", "单位", "身份证号码", "身份证号", "身份证", "公民身份号码", "证件号码",
    "联系电话", "电话", "手机号码", "手机", "联系方式", "联系人", "联系人电话", "邮编", "邮政编码",
    "家庭住址", "家庭地址", "现住址", "住址", "地址", "通讯地址", "联系地址", "居住地址", "户籍地址",
    "住所地", "来信人", "反映人", "具名人", "署名", "举报人", "检举人", "申诉人", "控告人", "写信人",
    "信访人", "签名人", "投诉人", "求助人", "申请人", "来访人", "联名人", "签名", "日期", "来信日期",
    "被反映人", "被反映单位", "被反映对象", "被举报人", "被举报单位", "被投诉人", "被投诉单位",
    "被控告人", "被控告单位", "被申诉人", "被申诉单位", "反映对象", "举报对象", "投诉对象",
)
CONTENT_LABELS = ("反映内容", "信访内容", "来信内容", "来访内容", "主要内容", "反映问题", "主要问题",
                  "事由", "内容", "基本情况", "信访事项", "反映事项", "事实与理由", "事实和理由")


def _label_rx(words: tuple[str, ...]) -> str:
    return "|".join("[ \t]*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))


_FIELD_LINE = re.compile(rf"^[ \t]*(?:{_label_rx(FIELD_LABELS)})[ \t]*(?::|[ \t]|$)")
_CONTENT_LINE = re.compile(rf"^[ \t]*(?:{_label_rx(CONTENT_LABELS)})[ \t]*:[ \t]*")
_SALUTATION = re.compile(r"^(?:致|呈|报)?[ \t]*(?:尊敬的|敬爱的|亲爱的|各位)|^[^\n,。;!?]{2,36}:$")
_GREETING = re.compile(r"^(?:您们?好|你们?好|领导好|各位领导好)[ \t]*[!。,]?[ \t]*")
_CIZHI = re.compile(r"此[ \t]*致|^[ \t]*敬[ \t]*礼", re.M)
_YEAR, _MONTH = r"[\d〇零○O一二三四五六七八九十 \t]{2,4}年", r"[\d〇零○O一二三四五六七八九十 \t]{1,3}月"
_DAY = r"[\d〇零○O一二三四五六七八九十廿卅 \t]{1,3}[日号]?"
_NUMERIC_DATE = r"\d{4}[./-]\d{1,2}[./-]\d{1,2}"
_DATE_LINE = re.compile(rf"^{_YEAR}{_MONTH}{_DAY}[ \t]*$|^{_NUMERIC_DATE}[ \t]*$")
# a signature's date at the end of a line ("张三  2014年5月23日"); it runs to the line's end, so
# "2019年镇政府征收了…" is the body, not a date
_DATE_AT_END = re.compile(rf"{_YEAR}{_MONTH}(?:{_DAY})?[ \t]*$|{_NUMERIC_DATE}[ \t]*$")
_HEADING = re.compile(r"^[ \t]*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[条部]分?)"
                      r"[^。,;!?]{1,20}$")
_TITLE_WORDS = re.compile(r"(?:的信|情况反映|反映信|举报信|控告信|检举信|申诉书|申诉信|求助信|建议书|请求书|联名信|"
                          r"来信|反映材料|信访材料|反映|举报|申诉|控告|投诉信?)$|^关于")


# ------------------------------------------------------------------ sentences of the body

@dataclass(frozen=True)
class Sentence:
    """One sentence of the body: ``text[start:end]`` of the letter, ``display`` as it is
    printed (page line breaks joined, Chinese punctuation), ``kind`` what it is: ``issue``,
    ``request`` (a demand), ``intro`` (who writes), ``contact``, ``courtesy`` (thanks, 盼复,
    附件 notes, "相信党和政府") or ``formula`` ("现将有关情况反映如下")."""

    start: int
    end: int
    display: str
    kind: str


def _lines(t: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for ln in t.split("\n"):
        out.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    return out


def _is_name_line(s: str) -> bool:
    """A line of the signature: names (separated by spaces, 、, ，), 敬上, a role word."""
    s = re.sub(r"(?:敬上|谨上|叩上|拜上|呈上)[ \t]*[。.!]?$", "", s.strip())
    s = re.sub(rf"^(?:[{CJK}]{{0,4}}代表|村民|居民|业主|职工|群众|党员|退休职工)[ \t]*:?", "", s)
    s = re.sub(r"\(?(?:匿名|签名|签字|手印|盖章)\)?", "", s)
    parts = [p for p in re.split(r"[、,，;；/\s]+", s) if p]
    return bool(parts) and all(re.fullmatch(rf"[{CJK}·]{{2,5}}", p) for p in parts) and len(parts) <= 40


def _body_bounds(t: str) -> tuple[int, int, list[tuple[int, int]]]:
    """Start and end of the body and the line spans inside it that are not part of it (field
    lines such as "被申诉单位：…", content labels "反映内容：")."""
    lines = _lines(t)
    first_sentence = next((i for i, (s, e) in enumerate(lines) if re.search(r"[。!?]", t[s:e])),
                          len(lines))
    start_line = 0
    # The salutation ends the head (title, particulars): the body starts after it.
    for i, (s, e) in enumerate(lines[: min(len(lines), max(first_sentence + 1, 1), 14)]):
        st = t[s:e].strip()
        if st and (_SALUTATION.search(st.replace(" ", "")) and not _FIELD_LINE.match(st)
                   and not _CONTENT_LINE.match(st) and not re.search(r"[。,;!?]", st)):
            start_line = i + 1
            break
    else:
        # No salutation: skip a title line and the particulars at the top.
        i = 0
        while i < len(lines) and not t[lines[i][0]:lines[i][1]].strip():
            i += 1
        if i < len(lines) - 1:
            st = t[lines[i][0]:lines[i][1]].strip()
            if (len(st) <= 40 and not re.search(r"[。,;!?:]", st)) or _TITLE_WORDS.search(st):
                i += 1
        start_line = i
    skip: list[tuple[int, int]] = []
    body_start = lines[start_line][0] if start_line < len(lines) else len(t)
    # The end: 此致 (敬礼), else the signature lines at the bottom.
    m = _CIZHI.search(t, body_start)
    body_end = m.start() if m else len(t)
    if not m:
        for s, e in reversed(lines):
            if s < body_start:
                break
            st = t[s:e].strip()
            if not st or _DATE_LINE.match(st) or _FIELD_LINE.match(st) or _is_name_line(st) \
                    or re.fullmatch(r"[\d〇零一二三四五六七八九十年月日号.\-/ \t]+", st):
                body_end = s
                continue
            # "张三  2014年5月23日" on one line
            rest = _DATE_AT_END.sub("", st)
            if rest != st and (not rest.strip() or _is_name_line(rest)):
                body_end = s
                continue
            break
    for s, e in lines:
        if e <= body_start or s >= body_end:
            continue
        st = t[s:e]
        if _FIELD_LINE.match(st):
            skip.append((s, e))
        elif (cm := _CONTENT_LINE.match(st)) is not None:
            skip.append((s, s + cm.end()))
        elif (_GREETING.match(st.strip()) and len(st.strip()) <= 8) or _HEADING.match(st):
            skip.append((s, e))
    return body_start, body_end, skip


_INTRO = re.compile(
    rf"^(?:(?:我|本人)(?:叫|名叫|姓名(?:是|叫)?|的名字叫)|本人[{CJK}]{{2,3}}$|(?:我们?|本人)(?:都|均)?(?:是|系)[^,;]{{0,40}}?"
    rf"(?:村民|居民|业主|职工|员工|农民|农民工|工人|党员|教师|退休|人|户|学生|家长|代表|群众|股东|会员|户主|"
    rf"市民|老兵|军人|干部|医生|护士|司机|个体户|经营户|商户|承包户)(?:之一)?$|(?:男|女)$|(?:现年|今年)?\d{{1,3}}岁$|"
    rf"(?:现年|今年)[一二三四五六七八九十]+岁|[\d〇零一二三四五六七八九]{{2,4}}年(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?出?生|"
    rf"出生于|生于|[{CJK}]{{1,3}}族$|(?:身份证|公民身份|证件号)|(?:联系)?(?:电话|手机|方式)|(?:家住|现住|住址|住在|住|现居住|居住在|户籍|籍贯)"
    rf"|系[{CJK}]{{2,20}}(?:村民|居民|人)$)")
_FORMULA = re.compile(r"^(?:现|特|今|现在)?(?:将|把|就)[^,;。]{0,20}(?:反映|报告|汇报|说明)如下|^(?:具体|有关|基本)?情况如下|"
                      r"^(?:事情|事实)经过如下|^(?:您们?好|你们?好|领导好|各位领导好)$")
_CONTACT = re.compile(r"联系|电话|手机|拨打|致电|来电|微信|QQ|邮箱|身份证|身份号码")
_COURTESY = re.compile(r"百忙|盼复|盼回复|特此|属实|谢谢|感谢|致谢|拜托|审阅|阅示|随信|附上|附后|见附件|附件|复印件|"
                       r"相信党|相信政府|相信人大|为民做主|为我们做主|为我做主|主持公道|关心和支持|关心支持|给予重视|引起重视|"
                       r"高度重视|能够重视|重视为盼|为盼|早日有个说法|经不起")
_ACTION = re.compile(r"督促|责令|责成|查处|查明|补偿|赔偿|支付|发放|纠正|恢复|维修|执行|答复|核定|调查|撤销|退还|"
                     r"归还|停止|处理|监督|审查|追究|整改|公开|办理|落实|保护|重新|依法|交房|修复|拆除|清退|兑现")
_ASK = re.compile(r"恳请|恳求|请求|要求|诉求|特请|敬请|希望|建议|望[ \t]*(?:领导|贵|县|市|上级|有关)|"
                  r"请[ \t]*(?:领导|贵|县|市|区|上级|有关|人大|政府|相关)")


def _clauses(s: str) -> list[str]:
    """Clauses with their trailing separator."""
    return re.findall(r"[^,;:，；：]+[,;:，；：]?", s)


def _classify(plain: str, has_number: bool) -> str:
    p = plain.strip()
    if _FORMULA.search(p) and len(p) <= 24:
        return "formula"
    if has_number and _CONTACT.search(p):
        return "contact"
    if _ASK.search(p) and _ACTION.search(p):
        return "request"
    if _COURTESY.search(p):
        return "courtesy"
    if _ASK.search(p) and re.search(r"解决|帮助|帮忙|做主|过问|关注|关心", p):
        return "request"
    return "issue"


def body_sentences(text: str) -> list[Sentence]:
    """The sentences of a letter's body, in order, each classified (see ``Sentence``)."""
    t = normalise(text or "")
    start, end, skip = _body_bounds(t)
    # Blank out the lines that are not body, keeping offsets; a page line break inside a
    # paragraph is not a sentence end, a blank line or a skipped line is.
    chars = list(t[start:end])
    for s, e in skip:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = "\x00"
    region = "".join(chars)
    numbers = [(m.start, m.end) for m in find_id_numbers(text)] + \
              [(m.start, m.end) for m in find_phones(text)]
    out: list[Sentence] = []
    # Paragraphs end at a blank or skipped line; inside one, a page line break is not a
    # sentence end.
    for para in re.finditer(r"[^\x00]+", region):
        p0 = start + para.start()
        chunks = re.split(r"(\n[ \t]*\n)", para.group(0))
        pos = p0
        for chunk in chunks:
            if not chunk.startswith("\n") or chunk.strip():
                for m in re.finditer(r"[^。!?]+?(?:[。!?]+[”’\"]?|:(?=[ \t]*\n)|$)", chunk):
                    out.extend(_sentence(text, t, pos + m.start(), pos + m.end(), numbers))
            pos += len(chunk)
    return out


# "我的电话13912345678", "联系电话：1 3966512345", "（手机：139…）", "身份证号340881…": the
# contact words and the number they give (a wrapped number keeps a space between its digits).
_CONTACT_NUMBER = re.compile(
    r"[（(]?[ \t]*(?:(?:我们?|本人|其)的?)?[ \t]*"
    r"(?:联系电话|联系手机|联系方式|电话号码|手机号码|手机号|电话|手机|微信号?|QQ号?|身份证号码|身份证号|身份证|"
    r"公民身份号码|身份号码)[ \t]*(?:号码|号)?[ \t]*(?:是|为)?[ \t]*[:：]?[ \t]*"
    r"(?:\+?86[ \t\-]?)?\d[\dXx \t\-]{4,}[）)]?")


def _without_contact(display: str) -> str | None:
    """``display`` without its contact numbers: the words giving a number and the number go,
    then any clause still holding a long digit run with a contact word, or left without
    substance ("有事请拨打", "我的"); the rest of the sentence stays ("…拖欠工资5万余元，我的电话
    139…" keeps the wages). None when nothing of substance is left."""
    end = display[-1] if display[-1] in "。！？!?" else "。"
    s = _CONTACT_NUMBER.sub("", display.rstrip("。！？!?"))
    kept = []
    for c in _clauses(s):
        core = c.strip("，,；;：: \t")
        if re.search(r"\d{5}", re.sub(r"[ \t\-]", "", core)) and _CONTACT.search(core):
            continue
        if len(re.sub(rf"[^{CJK}\d]", "", re.sub(r"请|拨打|致电|来电|联系|我们?的?|本人", "", core))) < 2:
            continue
        kept.append(c)
    body = "".join(kept).rstrip("，,；;：:、 ")
    if len(re.sub(rf"[^{CJK}\d]", "", body)) < 5:
        return None
    return body + end


def _sentence(text: str, t: str, s: int, e: int,
              numbers: list[tuple[int, int]]) -> list[Sentence]:
    while s < e and t[s].isspace():
        s += 1
    while e > s and t[e - 1].isspace():
        e -= 1
    if e - s < 2:
        return []
    plain = squeeze(t[s:e])
    has_number = any(a < e and s < b for a, b in numbers)
    display = cjk_punctuation(squeeze(text[s:e]))
    if not re.search(r"[。！？!?…”]$", display):
        display = display.rstrip("，,；;：:、") + "。"
    if has_number and _CONTACT.search(plain):
        # the contact clause goes, not the sentence that also says what happened
        rest = _without_contact(display)
        if rest is None:
            return [Sentence(s, e, display, "contact")]
        display = rest
        plain = rest
        has_number = bool(re.search(r"\d{5}", re.sub(r"[ \t\-]", "", rest)))
    kind = _classify(plain, has_number)
    return [Sentence(s, e, display, kind)]


def _drop_intro(sentence: Sentence, numbers_in: bool) -> str | None:
    """The sentence without its leading self-introduction clauses and without clauses that
    carry a contact number; None when nothing of substance is left."""
    clauses = _clauses(sentence.display.rstrip("。！？!?"))
    k = 0
    while k < len(clauses) and _INTRO.search(clauses[k].strip("，,；;：: ")):
        k += 1
    rest = clauses[k:]
    if numbers_in:
        rest = [c for c in rest if not (_CONTACT.search(c) and re.search(r"\d{5}", c))]
    rest = [c for c in rest if not _FORMULA.search(c.strip("，,；;：: "))]
    if not rest:
        return None
    body = "".join(rest).rstrip("，,；;：:、")
    if len(re.sub(rf"[^{CJK}\d]", "", body)) < 5:
        return None
    end = sentence.display[-1] if sentence.display[-1] in "。！？" else "。"
    return body + end


def _issues(text: str) -> list[tuple[Sentence, str]]:
    """(sentence, printable text) of the sentences that say what the letter raises."""
    out = []
    digits = re.compile(r"\d{5}")
    for sent in body_sentences(text):
        if sent.kind in ("formula", "courtesy", "contact"):
            continue
        shown = _drop_intro(sent, bool(digits.search(sent.display)))
        if shown:
            out.append((sent, shown))
    return out


def _fit_clauses(s: str, limit: int) -> str:
    """A sentence longer than ``limit``: its first clauses that fit, ended as a sentence."""
    out = ""
    for c in _clauses(s.rstrip("。！？")):
        if len(out) + len(c) + 1 > limit:
            break
        out += c
    out = out.rstrip("，,；;：:、")
    return out + "。" if out else ""


def main_issues(text: str, limit: int = MAIN_ISSUES_LIMIT) -> str:
    """The letter's body in a few sentences for a letter to another body (主要反映问题):
    without salutation, self-introduction, signature and contact block; whole sentences in
    the letter's order, at most ``limit`` characters; ID and phone numbers masked. The
    demand (诉求) is kept when it fits. "" when the letter says nothing that can be quoted."""
    items = _issues(text)
    if not items or limit <= 0:
        return ""
    shown = [mask_text(s) for _, s in items]
    chosen: set[int] = set()
    total = 0

    def take(i: int) -> bool:
        nonlocal total
        if i in chosen or total + len(shown[i]) > limit:
            return False
        chosen.add(i)
        total += len(shown[i])
        return True

    if not take(0):
        return _fit_clauses(shown[0], limit)
    requests = [i for i, (sent, _) in enumerate(items) if sent.kind == "request"]
    if requests:
        take(requests[-1])          # the demand, usually last, before the background
    for i in range(1, len(items)):
        take(i)
    return "".join(shown[i] for i in sorted(chosen))


# ------------------------------------------------------------------ the one-sentence 摘要

_TITLE_CORE = re.compile(r"^关于(?P<core>.+?)(?:的|之)?(?:有关|相关)?(?:情况|问题|事项)?(?:的)?"
                         r"(?:情况反映|反映信|反映材料|反映|举报信|举报|控告信|控告|检举信|检举|申诉书|申诉信|申诉|"
                         r"求助信|求助|建议书|建议|请求书|请求|联名信|投诉信|投诉|的信|来信)?$")
_GENERIC = re.compile(r"^(?:.{0,30}?(?:有关|相关|若干|一些)问题|问题|情况|有关情况|相关情况|来信|信访事项)$")
_ACCUSE_LEAD = re.compile(r"^(?:我们?|本人|特|现)*(?:要|特|现|实名|郑重)*(?P<verb>举报|检举|控告|揭发|投诉|反映)")
_ASK_LEAD = re.compile(r"^(?:(?:因此|为此|所以|故|现|特|我们?|本人|再次|强烈|特此)[,，]?)*"
                       r"(?P<verb>恳请|恳求|请求|要求|希望|建议|特请|敬请|望|请)"
                       r"(?:[^,，。]{0,14}?(?:人大常委会|人大|常委会|领导|上级|有关部门|相关部门|贵委|贵会|政府|信访室|代表)"
                       r"(?:能够|能|尽快|早日|给予|帮助|帮忙)?)?[ \t]*")
_PROBLEM = re.compile(r"拖欠|强拆|未|没有|不予|拒不|拒绝|违法|违规|侵占|克扣|污染|噪声|噪音|扰民|推诿|损毁|占用|"
                      r"欠|终结|错误|不公|偏低|撤销|拆除|堵塞|积水|贪污|受贿|挪用|截留|虚报|冒领|霸占|殴打|逾期|"
                      r"至今|不作为|乱收费|排放|发臭|不方便|困难")


def third_person(s: str) -> str:
    """The petitioner's 我 in a clerk's words: 我/本人 → 其, 我家 → 其家, 我村 → 其所在村."""
    s = re.sub(r"(?:我们|我|本人)(?=村|组|社区|小区|镇|乡|街道|单位|公司|厂|学校)", "其所在", s)
    s = re.sub(r"(?:我们|本人|我)的(?=[\u4e00-\u9fff])", "其", s)     # 我的养老金 → 其养老金
    s = re.sub(r"我们|本人|我", "其", s)
    return re.sub(r"其其", "其", s)


def _title_core(text: str) -> str | None:
    t = normalise(text or "")
    for ln in t.split("\n")[:4]:
        st = squeeze(ln)
        if not st:
            continue
        m = _TITLE_CORE.match(st)
        if not m or re.search(r"[,;。:]", st) or len(st) > 50:
            return None
        core = m.group("core").strip()
        if len(core) < 6 or _GENERIC.match(core) or re.search(r"(?:有关|相关|若干|一些)(?:问题|情况|事项)", st):
            return None
        return cjk_punctuation(core)
    return None


def _request_core(sentence: str, budget: int) -> str | None:
    s = sentence.rstrip("。！？!?")
    m = _ASK_LEAD.match(s)
    if not m:
        return None
    verb = "建议" if m.group("verb") == "建议" else "要求"
    rest = third_person(s[m.end():].lstrip("，,"))
    # "请人大监督，要求有关部门调查" → "要求监督，并请有关部门调查": one 要求 leads the demand
    rest = re.sub(r"([,，;；])[ \t]*(?:要求|请求|恳请|恳求)", r"\1并请", rest)
    if rest.startswith(("能够", "能")):
        rest = re.sub(r"^(?:能够|能)", "", rest)
    # "维护其合法权益", "还其公道": what every demand says, not what this one asks
    rest = "".join(c for c in _clauses(rest) if not re.search(r"合法权益|公道|做主|清白", c)) or rest
    if len(re.sub(rf"[^{CJK}]", "", rest)) < 2:
        return None
    out = ""
    for c in _clauses(rest):
        if out and len(out) + len(c) > budget - len(verb):
            break
        out += c
    out = out.rstrip("，,；;：:、")
    return verb + out if 2 <= len(out) <= 2 * budget else None


_TIME_CLAUSE = re.compile(r"(?:(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:以来|左右|底|初|年底|年初)?|去年|今年|前年|近年来|"
                          r"近期|最近|近日|日前)[,，]")


def _time_after_subject(what: str, target: str | None) -> str:
    """"2019年，其向法院申请…" → "其于2019年向法院申请…": a clerk puts the time after the subject."""
    m = _TIME_CLAUSE.match(what)
    if not m:
        return what
    when, rest = m.group(0)[:-1], what[m.end():]
    if rest.startswith("其") and not rest.startswith("其他"):
        return f"其于{when}{rest[1:]}"
    if target and rest.startswith(target) and not rest[len(target):].startswith(("于", "在")):
        return f"{target}于{when}{rest[len(target):]}"
    return what


def _first_clauses(s: str, budget: int) -> str:
    """Whole clauses from the start of ``s`` within ``budget`` (at least the first)."""
    out = ""
    for c in _clauses(s):
        if out and len(out) + len(c) > budget:
            break
        out += c
    return out.rstrip("，,；;：:、")


_BACKGROUND_CLAUSE = re.compile(r"为由$|^(?:据|经|听说|据了解|据我了解|据悉)|以来$|^(?:但|而且|并且|同时)?(?:多次|先后|曾)")


def _shorten(what: str, budget: int, target: str | None) -> str:
    """``what`` within ``budget`` by dropping whole clauses: first those that only give
    background (a reason "以…为由", "据了解"), then from the end; the first clause (who did
    what) and the clauses saying what went wrong are dropped last. "" when even the most
    important clause does not fit."""
    clauses = [c for c in _clauses(what.rstrip("。！？"))]
    if not clauses:
        return ""

    def value(i: int) -> int:
        c = clauses[i]
        v = 0
        if i == 0:
            v += 4
        if _PROBLEM.search(c):
            v += 3
        if target and target in c:
            v += 1
        if _BACKGROUND_CLAUSE.search(c.rstrip("，,；;：: ")):
            v -= 2
        return v

    keep = list(range(len(clauses)))
    while keep and sum(len(clauses[i]) for i in keep) > budget:
        # the least valuable clause goes; among equals, the later one
        worst = min(keep, key=lambda i: (value(i), -i))
        keep.remove(worst)
    return "".join(clauses[i] for i in keep).rstrip("，,；;：:、")


def summary_sentence(text: str, *, target: str | None = None,
                     limit: int = SUMMARY_MAX) -> str | None:
    """One sentence: who (其, the petitioner) complains about whom and what, and what is asked —
    "反映某某县人民法院对其申请执行的案件终结本次执行程序，要求恢复执行". Made of whole clauses of the
    letter (never cut at a page line break or inside a clause), at most ``limit`` characters,
    no ID or phone number. ``target``: the body complained about when known (the sentence
    naming it is preferred). None when the letter says nothing that can be summed up."""
    found = summary_span(text, target=target, limit=limit)
    return found[0] if found else None


def summary_span(text: str, *, target: str | None = None,
                 limit: int = SUMMARY_MAX) -> tuple[str, int, int] | None:
    """``summary_sentence`` with the span of the letter it was mostly taken from."""
    items = _issues(text)
    complaints = [(s, d) for s, d in items if s.kind == "issue"]
    requests = [(s, d) for s, d in items if s.kind == "request"]
    title = _title_core(text)
    # The first sentence saying what went wrong is the complaint; the one naming the body
    # complained about when no sentence says so.
    pick = next(((s, d) for s, d in complaints[:3] if _PROBLEM.search(d)), None)
    if pick is None and target:
        pick = next(((s, d) for s, d in complaints[:4] if target in squeeze(normalise(d))), None)
    if pick is None and complaints:
        pick = complaints[0]
    if pick is None and requests:
        pick = requests[0]
    if pick is None and title is None:
        return None
    ask = None
    if requests:
        ask = _request_core(requests[-1][1], max(16, limit * 2 // 5))
    if title:
        what, verb = third_person(title), "反映"
        m = _ACCUSE_LEAD.match(title)
        if m:
            verb, what = m.group("verb"), third_person(title[m.end():])
        span = (0, len(text.split("\n", 1)[0]))
        if pick is not None:
            span = (pick[0].start, pick[0].end)
    else:
        sent, shown = pick
        span = (sent.start, sent.end)
        shown = shown.rstrip("。！？")
        m = _ACCUSE_LEAD.match(shown)
        verb = "反映"
        if m:
            verb, shown = m.group("verb"), shown[m.end():]
            if verb == "反映":
                shown = shown.lstrip("，,")
        if sent.kind == "request":
            core = _request_core(sent.display, limit)
            if core:
                return mask_text(core), *span
        what = _time_after_subject(third_person(shown), target)
    if ask and len(verb) + len(what) + 1 + len(ask) > limit:
        ask = _first_clauses(ask, max(12, limit - len(verb) - len(what) - 1))
    budget = limit - len(verb) - (len(ask) + 1 if ask else 0)
    if len(what) > budget:
        what = _shorten(what, budget, target)
        if not what:
            ask = None
            what = _shorten(third_person(pick[1] if pick else title or ""), limit - len(verb), target)
    if not what:
        return None
    out = verb + what + ("，" + ask if ask else "")
    return mask_text(out), *span
