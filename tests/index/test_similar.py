"""Similar prior cases on both engines: the reasons a clerk sees."""

from __future__ import annotations

from docgen.index.document import IndexDocument
from docgen.index.similar import address_similar, similar_cases


def test_near_duplicate_letter_is_found_with_its_reason(small_index):
    idx, docs = small_index
    source = docs[12]
    copy = IndexDocument(case_no="NEW", summary=source.summary, text=source.text + "此信另抄送县政府。")
    matches = similar_cases(idx, copy)
    assert matches[0].case_no == source.case_no
    assert any("内容几乎相同" in r for r in matches[0].reasons)


def test_same_id_number_and_check_digit_typo(small_index):
    idx, _ = small_index
    same = similar_cases(idx, IndexDocument(case_no="NEW", id_number="11010519491231002X"))
    typo = similar_cases(idx, IndexDocument(case_no="NEW", id_number="110105194912310025"))
    assert same[0].case_no == "T-01" and same[0].score == 1.0
    assert typo[0].case_no == "T-01" and "校验位" in typo[0].reasons[0]


def test_same_name_and_similar_address(small_index):
    idx, _ = small_index
    doc = IndexDocument(case_no="NEW", petitioner_name="王小和", address="石碣镇鹿鸣坳村3组5号")
    assert [m.case_no for m in similar_cases(idx, doc)] == ["T-01"]


def test_address_similarity_rules():
    assert address_similar("石碣镇鹿鸣坳村3组", "石碣镇鹿鸣坳村3组5号")
    assert not address_similar("石碣镇鹿鸣坳村3组", "城关镇槐岗村8组")
