"""Snippets: each place shown once, Chinese text joined across OCR line breaks."""

from __future__ import annotations

import datetime as dt

from docgen.index.document import IndexDocument
from docgen.index.highlight import snippets
from docgen.index.service import rebuild

FILLER = "群众来信反映的其他情况说明。" * 6


def test_line_breaks_inside_chinese_text_are_joined_latin_words_keep_a_space():
    marked = snippets("我家在石碣镇鹿鸣坳村3号\n楼，今年村里的拆迁补\n偿至今未到位，ABC\nCo. 称 将 处理", ["拆迁补偿"])
    assert marked == ["我家在石碣镇鹿鸣坳村3号楼，今年村里的【拆迁补偿】至今未到位，ABC Co. 称将处理"]


def test_a_title_or_salutation_line_stays_apart_from_the_next():
    text = ("关于拆迁补偿的反映\n县人大常委会信访室：\n我家在石碣镇鹿鸣坳村3号楼，今年村里的拆迁补\n"
            "偿至今未到位，多次找镇政府都没有结果，恳请督促\n落实。")
    marked = snippets(text, ["拆迁补偿"], context=60)
    assert marked[0].startswith("关于【拆迁补偿】的反映 县人大常委会信访室： 我家在")
    assert "村里的【拆迁补偿】至今未到位" in marked[0] and "恳请督促落实。" in marked[0]


def test_the_same_words_are_not_shown_twice():
    text = f"反映拆迁补偿标准过低\n{FILLER}\n反映拆迁补偿标准过低\n{FILLER}拆迁补偿款"
    marked = snippets(text, ["拆迁补偿"])
    plain = [s.replace("【", "").replace("】", "").strip("…") for s in marked]
    assert len(marked) == 2 and len(set(plain)) == 2
    assert "拆迁补偿款" in plain[-1]


def test_a_summary_that_is_the_title_line_of_the_letter_gives_one_snippet(engine_name, tmp_path):
    title = "关于鹿鸣坳村拆迁补偿标准过低的反映"
    doc = IndexDocument(case_no="A", received_date=dt.date(2024, 1, 1), summary=title,
                        text=f"{title}\n尊敬的领导：\n{FILLER}我村的拆迁补\n偿标准至今没有公布。")
    idx = rebuild(tmp_path, [doc], engine_name)
    hit = idx.search("拆迁补偿").hits[0]
    idx.close()
    assert len(hit.highlights) == 2
    assert hit.highlights[0].count("【拆迁补偿】") == 1 and title.replace("拆迁补偿", "【拆迁补偿】") in hit.highlights[0]
    assert "我村的【拆迁补偿】标准" in hit.highlights[1]
