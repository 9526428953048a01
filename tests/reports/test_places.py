"""The township a case belongs to, from an address or from what the letter says."""

from __future__ import annotations

import pytest

from docgen.places import township_in_text, township_of


@pytest.mark.parametrize(("text", "township"), [
    ("我是桐城市新渡镇双店村村民，现反映如下问题：", "新渡镇"),
    ("尊敬的人大常委会：\n我家住新渡镇，今年六十八岁。", "新渡镇"),
    ("反映范岗镇樟枫村道路损毁问题", "范岗镇"),
    ("我们是浙江省杭州市西湖区转塘街道象山社区居民", "转塘街道"),
    ("我是城关镇人，老家在河口镇", "城关镇"),
    ("我们是东乡镇新村村民", "东乡镇"),
    ("老家在河口镇，去年回来", "河口镇"),
])
def test_township_named_in_a_letter_is_found(text, township):
    assert township_in_text(text) == township


@pytest.mark.parametrize("text", [
    "我们全镇的城乡建设搞得不好",
    "我在乡镇企业上班",
    "该镇领导不作为，希望县里督办",
    "村民反映，镇里不管，请镇政府过问",
    "回到家乡后才知道",
    "",
    None,
])
def test_words_that_are_no_township_are_not_taken_for_one(text):
    assert township_in_text(text) is None


@pytest.mark.parametrize(("address", "township"), [
    ("示例县河口镇第3村12号", "河口镇"),
    ("浙江省杭州市西湖区转塘街道象山社区", "转塘街道"),
    ("示例县东乡镇新村", "东乡镇"),
    ("某某县桥头乡上村", "桥头乡"),
    ("示例县人民路8号", None),
    (None, None),
])
def test_township_of_an_address(address, township):
    assert township_of(address) == township
