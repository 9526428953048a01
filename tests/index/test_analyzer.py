"""The analyzer and the query parser on their own."""

from __future__ import annotations

import random
import unicodedata

from docgen.index.analyzer import compact, nfkc, normalize_phone
from docgen.index.query import And, FieldTerm, Not, Or, Text, parse_query


def test_fast_nfkc_equals_unicodedata():
    chars = "拆迁补偿，。：；！？（）ＡＢＣａｂｃ１２３\u3000 abcXYZ—“”·…①㈱ｶﾞ゙é\u0301ﬁ〇"
    rng = random.Random(1)
    for _ in range(5000):
        s = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        assert nfkc(s) == unicodedata.normalize("NFKC", s), s


def test_compact_folds_width_case_and_whitespace():
    assert compact("Ａ区 １２\n栋") == "a区12栋"


def test_phone_keys():
    for written in ("138-1234-5678", "+86 138 1234 5678", "0086 13812345678", "8613812345678"):
        assert normalize_phone(written) == "13812345678"
    assert normalize_phone("0571-88886666") == "057188886666"


def test_query_syntax():
    assert parse_query('拆迁 "补偿 标准" OR 安置 -物业') == And((
        Text("拆迁"), Or((Text("补偿标准"), Text("安置"))), Not(Text("物业"))))
    assert parse_query("").is_empty and parse_query('  "" ').is_empty
    assert parse_query("138-1234-5678").items == (
        Or((Text("138-1234-5678"), FieldTerm("phone", "13812345678"))),)
