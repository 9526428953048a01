"""Issue 10 item 4: fields of letters as they really arrive (tests/fixtures/intake_letters.py),
each miss the clerk met on text drawn the way it arrived. The full 60-letter × 4-kind run is
``benchmarks/bench_fields.py --real`` (figures in benchmarks/README.md); here a handful of
letters fast, and issue 10's 97 % bar on 40 letters of each kind (``slow``). The OCR misreads
the corpus showed are unit-tested on the text as the OCR gave it in tests/intake/test_fields.py."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.intake.extract import extract_text
from docgen.intake.fields import extract_fields
from tests.fixtures.intake_letters import KINDS, make_real_letter, truth_of, write_kind

FIELDS = ("name", "id_number", "phone", "address", "letter_date", "cosigners", "persons",
          "target", "township")


def _got(f) -> dict[str, object]:
    return {"name": f.petitioner.name, "id_number": f.petitioner.id_number,
            "phone": f.petitioner.phone, "address": f.petitioner.address,
            "letter_date": f.letter_date, "cosigners": list(f.cosigners), "persons": f.persons,
            "target": f.target, "township": f.township, "category": f.category}


def _check(f, letter) -> dict[str, tuple]:
    got, want = _got(f), truth_of(letter)
    return {k: (got[k], want[k]) for k in FIELDS if got[k] != want[k]}


def test_phone_wrapped_after_its_first_digit_in_plain_text():
    f = extract_fields("反映人：张三\n联系电话：1\n3966512345\n2025年3月1日\n")
    assert f.petitioner.phone == "13966512345"
    # and in a sentence the editor wrapped
    f = extract_fields("    我叫李四，住桐城市范岗镇樟枫村新屋组，联系电话：1\n3966512345。现反映如下：\n")
    assert f.petitioner.phone == "13966512345"
    assert f.petitioner.address == "桐城市范岗镇樟枫村新屋组"


def test_two_numbers_on_consecutive_lines_are_not_joined_into_a_phone():
    f = extract_fields("案号：(2023)皖0881执12345\n2025年3月1日\n")
    assert f.petitioner.phone is None


@pytest.mark.parametrize("sep", [" ", "  ", "丶", "、", "，", ","])
def test_cosigners_separated_by_spaces_or_ocr_punctuation(sep):
    names = ["周凤英", "何春生", "方桂兰", "欧阳春花", "程素梅"]
    f = extract_fields("县人大常委会：\n    我们是桐城市新渡镇双店村村民，反映征地补偿款未发放的问题。\n此致\n敬礼！\n"
                       f"联名人：{sep.join(names)}\n2025年5月6日\n")
    assert f.petitioner.name == "周凤英"
    assert f.cosigners == names[1:]
    assert f.persons == 5


def test_cosigners_written_together_by_ocr():
    f = extract_fields("此致\n敬礼！\n联名人：周凤英何春生方桂兰\n2025年5月6日\n")
    assert [f.petitioner.name, *f.cosigners] == ["周凤英", "何春生", "方桂兰"]


def test_address_from_wo_shi_cunmin_and_township_set():
    f = extract_fields("市人大常委会信访室：\n    我是桐城市新渡镇双店村村民，现反映村里征地补偿的问题。\n反映人：汪立新\n"
                       "2025年4月2日\n")
    assert f.petitioner.address == "桐城市新渡镇双店村"
    assert f.township == "新渡镇"
    assert "我是桐城市新渡镇双店村村民" in f.sources["township"].excerpt


def test_township_named_in_the_text_without_an_address():
    f = extract_fields("县人大：\n孔城镇桐梓村的垃圾站臭气熏天，请求处理。\n张三\n2025年4月2日\n")
    assert f.petitioner.address is None
    assert f.township == "孔城镇"


def test_target_kept_as_the_full_name_the_letter_gives():
    f = extract_fields("县人大：\n    我于2019年务工被拖欠工资，多次到桐城市人力资源和社会保障局投诉，市人社局只是让我们等。"
                       "\n    请求督促市人社局依法处理。\n反映人：张三\n2025年4月2日\n")
    assert f.target == "桐城市人力资源和社会保障局"


def test_full_width_digits():
    f = extract_fields("反映人：张三\n身份证号：３４０８８１１９８８０７０８２０４０\n联系电话：１８４３２７１８６６７\n"
                       "２０２５年４月１３日\n")
    assert f.petitioner.id_number == "340881198807082040"
    assert f.petitioner.phone == "18432718667"
    assert f.letter_date == dt.date(2025, 4, 13)


def test_a_letter_date_outside_the_sane_range_is_dropped_with_a_warning():
    f = extract_fields("县人大：\n反映问题。\n张三\n1924年5月1日\n")
    assert f.letter_date is None
    assert any("1924-05-01" in w and "早于" in w for w in f.warnings)
    assert "letter_date.dropped" in f.sources


@pytest.mark.parametrize("kind", ["txt", "text_pdf"])
def test_real_letters_as_typed_and_as_text_pdf(kind, tmp_path):
    """Every feature of the corpus among seeds 0..13 (12 and 13 wrap the body name in the PDF): wrapped phones, space/丶/、 co-signers,
    我是…村民, short-only and full+short names, full-width digits, three fonts."""
    misses = {}
    for seed in range(14):
        letter = make_real_letter(seed)
        f = extract_fields(extract_text(write_kind(letter, kind, tmp_path)).text)
        if _check(f, letter):
            misses[seed] = _check(f, letter)
    assert not misses, misses


def test_a_real_letter_scanned_to_jpeg_reads_right(tmp_path):
    """One OCR letter (real RapidOCR): joint, phone wrapped after its first digit."""
    letter = make_real_letter(13)
    assert "电话折行" in letter.features and letter.cosigners
    f = extract_fields(extract_text(write_kind(letter, "jpeg", tmp_path)).text)
    assert not _check(f, letter)


@pytest.mark.parametrize("kind, seed, what", [
    # the engine's own page resize lost 鲟 of 鲟鱼镇 (WenQuanYi Zen Hei): the page is now scaled
    # down smoothly before the engine sees it
    ("jpeg", 6, "桐城市鲟鱼镇清水村"),
    # the per-line direction classifier turned the line "3408…，联系电话：155…。" by 180° and it
    # read as nothing: the page's direction is settled once, lines are not turned
    ("image_pdf", 50, "15505414021"),
])
def test_what_the_ocr_lost_before_is_read(kind, seed, what, tmp_path):
    letter = make_real_letter(seed)
    text = extract_text(write_kind(letter, kind, tmp_path)).text
    assert what in text
    assert not _check(extract_fields(text), letter)


# Issue 10's bar: each field exactly right in at least 97 % of the letters of each kind.
BAR = 0.97
SLOW_LETTERS = 40


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_real_letters_every_kind(kind, tmp_path):
    """40 letters of each kind (the figures for 60 are in benchmarks/README.md, field
    extraction): every field at the bar, i.e. at most one letter of 40 wrong in any field."""
    wrong: dict[str, list[int]] = {k: [] for k in FIELDS}
    for seed in range(SLOW_LETTERS):
        letter = make_real_letter(seed)
        f = extract_fields(extract_text(write_kind(letter, kind, tmp_path)).text)
        for k in _check(f, letter):
            wrong[k].append(seed)
    below = {k: seeds for k, seeds in wrong.items()
             if (SLOW_LETTERS - len(seeds)) / SLOW_LETTERS < BAR}
    assert not below, below


@pytest.mark.slow
def test_a_township_the_ocr_cut_short_is_spelt_as_on_the_offices_list(docgen, ws, tmp_path):
    # letter 29 in WenQuanYi Zen Hei: the OCR reads 桐城市鲟鱼镇石桥村 as 桐城市鱼镇石桥村, and the
    # letter names its town nowhere else (benchmarks/README.md, field extraction)
    letter = make_real_letter(29)
    path = write_kind(letter, "jpeg", tmp_path)
    config = ws.root / "docgen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "townships = []", 'townships = ["范岗镇", "鲟鱼镇", "龙腾街道"]'), encoding="utf-8")
    result = docgen("intake", path, "--received", "2025-06-01")
    assert result.exit_code == 0, result.output + result.stderr
    case = docgen.json("show", "2025-0001")
    assert case["petitioner"]["address"] == letter.address == "桐城市鲟鱼镇石桥村"
    assert case["township"] == "鲟鱼镇"


def test_a_townships_setting_that_is_no_list_is_refused_in_chinese(docgen, ws, tmp_path):
    config = ws.root / "docgen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "townships = []", 'townships = "范岗镇"'), encoding="utf-8")
    path = tmp_path / "信.txt"
    path.write_text("县人大常委会：\n    我是范岗镇樟枫村村民，村道坏了。请求修复。\n张三\n", encoding="utf-8")
    result = docgen("intake", path)
    assert result.exit_code == 1
    assert "[places] townships 应为乡镇（街道）名称的列表" in result.stderr
    assert docgen.json("list")["cases"] == []
