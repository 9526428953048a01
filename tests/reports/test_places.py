"""The township a case belongs to, from an address or from what the letter says."""

from __future__ import annotations

import pytest

from docgen.places import spell_as_listed, township_in_text, township_of, township_on_list


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


COUNTY = ["范岗镇", "鲟鱼镇", "新渡镇", "大关镇", "孔城镇", "龙腾街道", "文昌街道"]


@pytest.mark.parametrize(("read", "listed"), [
    ("鲟鱼镇", "鲟鱼镇"),        # on the list
    ("鱼镇", "鲟鱼镇"),          # OCR dropped a character
    ("范冈镇", "范岗镇"),        # OCR misread one
    ("龙腾街道", "龙腾街道"),
])
def test_a_township_read_one_character_off_takes_the_lists_spelling(read, listed):
    assert township_on_list(read, COUNTY) == listed


@pytest.mark.parametrize("read", [
    "城镇",            # a word, not a place
    "关镇",            # fits both 大关镇 and 西关镇
    "青草镇",          # not on the list, nothing near it
    "双港",            # no 镇/乡/街道 ending
])
def test_nothing_is_guessed_when_no_single_listed_name_fits(read):
    county = [*COUNTY, "西关镇"]          # 关镇 now fits two names
    assert township_on_list(read, county) is None


def test_no_list_changes_nothing():
    assert township_on_list("鱼镇", []) is None
    assert spell_as_listed("桐城市鱼镇石桥村", []) == ("桐城市鱼镇石桥村", None, None)


def test_an_address_and_a_body_are_spelt_as_listed():
    assert spell_as_listed("桐城市鱼镇石桥村", COUNTY) == ("桐城市鲟鱼镇石桥村", "鱼镇", "鲟鱼镇")
    assert spell_as_listed("桐城市鱼镇人民政府", COUNTY)[0] == "桐城市鲟鱼镇人民政府"
    assert spell_as_listed("桐城市人民法院", COUNTY) == ("桐城市人民法院", None, None)
