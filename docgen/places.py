"""Places: the 乡镇（街道）a case belongs to, read from an address or from a letter's text.

Statistics by township (docs/statistics.md) count a case under ``Case.township`` when the clerk
or intake set it, else under the township of the petitioner's address, else under the one the
letter names ("我是桐城市新渡镇双店村村民"). A township is a name ending in 镇, 乡 or 街道; in an
address it is the first such unit, named from just after the last county-level (or higher) unit
before it: 示例县河口镇新村 → 河口镇, 杭州市西湖区转塘街道 → 转塘街道. 乡 directly followed by 镇
belongs to the name (东乡镇).
"""

from __future__ import annotations

import re

_TOWNSHIP_END = re.compile(r"街道|镇|乡(?!镇)")
_ADMIN_UNITS = re.compile(r"(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗)")

# Words ending in 镇/乡/街道 that name no place (城乡, 乡镇, 全镇 …), and first characters that
# make a phrase rather than a name (该镇, 本乡, 各街道).
_NOT_NAMES = {
    "城", "乡", "村", "集", "小", "重", "古", "市", "城市", "特色小", "家", "故", "老家", "老", "本", "该",
    "我", "全", "各", "此", "那", "这", "其", "每", "多", "某", "原", "外", "他", "邻", "下", "回", "返",
    "到", "异", "思", "望", "梦", "水", "名", "村镇", "集镇", "城镇", "坐",
}
_BAD_START = set("该本我全各此那这其每某原到在去回住是和与及从向对由为把被让给将的了也都")
_CJK = re.compile(r"[\u4e00-\u9fff]+$")
# What may stand just before a township named in free text and is not part of its name.
_LEAD = re.compile(r"(?:家住|住在|居住在|居住于|现住|住|来自|户籍在|户籍地|我是|系|是|位于|地处|在|"
                   r"反映|关于|对|向|到|从|于|的|和|与|及|、|，)")
_VILLAGE_AFTER = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:村|社区|居委会|居民区|组)")
_RESIDENCE_LEAD = re.compile(r"(?:家在|家住|住在|居住在|居住于|现住|住|来自|户籍在|户籍地|我是|系)$")


def _valid_name(name: str) -> bool:
    return (0 < len(name) <= 8 and _CJK.fullmatch(name) is not None
            and name not in _NOT_NAMES and name[0] not in _BAD_START)


def township_of(address: str | None) -> str | None:
    """The 镇/乡/街道 an address lies in, or None."""
    if not address:
        return None
    text = re.sub(r"\s+", "", address)
    m = _TOWNSHIP_END.search(text)
    if not m:
        return None
    head = text[:m.start()]
    start = 0
    for unit in _ADMIN_UNITS.finditer(head):
        start = unit.end()
    name = head[start:]
    if not name or len(name) > 8 or re.search(r"[\d\W]", name):
        return None
    return name + m.group(0)


def township_in_text(text: str | None) -> str | None:
    """The 镇/乡/街道 a letter's text names as where the writer lives or the matter lies
    ("我是桐城市新渡镇双店村村民" → 新渡镇), or None.

    A mention counts when it reads as a place: right after a county-level unit (桐城市新渡镇),
    after 住/家住/来自/我是 (家住新渡镇), or followed by a village or community (新渡镇双店村).
    The first such mention wins; 城乡、乡镇、全镇、该镇 and the like never count."""
    if not text:
        return None
    flat = re.sub(r"\s+", "", text)
    for m in _TOWNSHIP_END.finditer(flat):
        window = flat[max(0, m.start() - 20):m.start()]
        cjk = _CJK.search(window)
        window = cjk.group(0) if cjk else ""
        if not window:
            continue
        units = list(_ADMIN_UNITS.finditer(window))
        village = _VILLAGE_AFTER.match(flat, m.end()) is not None
        if units and units[-1].end() < len(window):
            name = window[units[-1].end():]
            placed = True
        else:
            leads = list(_LEAD.finditer(window))
            name = window[leads[-1].end():] if leads else window
            placed = bool(leads) and _RESIDENCE_LEAD.search(window[:leads[-1].end()]) is not None
            if len(name) > 4:          # no boundary found: the name's start is a guess
                continue
        if (placed or village) and _valid_name(name):
            return name + m.group(0)
    return None


# ------------------------------------------------------------------ the office's own list

def township_on_list(name: str | None, townships: list[str] | tuple[str, ...]) -> str | None:
    """The township of the office's list (``[places] townships`` of docgen.toml) that ``name``
    stands for: itself when listed, else the one listed name with the same ending (镇/乡/街道)
    that differs from it by one character dropped or misread — what OCR does to a dense
    character ("鲟鱼镇" read "鱼镇"). None when no name, or more than one, fits."""
    if not name or not townships:
        return None
    if name in townships:
        return name
    end = _TOWNSHIP_END.search(name)
    if not end:
        return None
    suffix = name[end.start():]
    if not _valid_name(name[:end.start()]):       # 城镇, 该镇, 全乡: no place to correct
        return None
    fits = set()
    for known in townships:
        if not known.endswith(suffix) or known == name:
            continue
        if len(known) == len(name) + 1:
            if any(known[:i] + known[i + 1:] == name for i in range(len(known) - len(suffix))):
                fits.add(known)
        elif len(known) == len(name):
            if sum(a != b for a, b in zip(known, name, strict=True)) == 1:
                fits.add(known)
    return fits.pop() if len(fits) == 1 else None


def spell_as_listed(value: str | None, townships: list[str] | tuple[str, ...]
                    ) -> tuple[str | None, str | None, str | None]:
    """(``value`` with its township spelt as on the office's list, the name as read, the name
    as listed); the last two are None when nothing was changed. ``value`` is an address or a
    body's name ("桐城市鱼镇石桥村", "桐城市鱼镇人民政府")."""
    read = township_of(value)
    listed = township_on_list(read, townships)
    if not value or not read or not listed or listed == read:
        return value, None, None
    at = value.find(read)
    return value[:at] + listed + value[at + len(read):], read, listed
