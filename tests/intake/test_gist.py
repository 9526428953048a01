"""主要反映问题 and 摘要 of a letter: what goes into the letters sent to other bodies."""

import re

import pytest

from docgen.intake.gist import body_sentences, main_issues, summary_sentence
from docgen.privacy import contains_pii

ID = "340881198003151236"

# A text-layer PDF as pdfplumber gives it: the page's line breaks fall inside sentences, the
# phone number wrapped after its first digit.
COURT_LETTER = f"""尊敬的桐城市人大常委会领导：
    我叫汪立新，男，1980年3月15日出生，身份证号{ID}，住桐城市范岗镇樟枫村新屋组，联系电话：1
3966512345。
    2019年，我向桐城市人民法院申请执行一起运输合同纠纷案件，桐城市人民法院于2023年5月以被执行人暂无
财产可供执行为由，裁定终结本次执行程序。但据我了解，被执行人名下有货车两辆，法院没有认真查找财产
就终结执行，我家附近2025年
还有人看到他开车跑运输。
    请求人大常委会监督桐城市人民法院恢复执行，维护我的合法权益。
    以上情况属实，恳请领导在百忙之中给予关心和支持。
此致
敬礼！
                                       反映人：汪立新
                                       联系电话：13966512345
                                       2025年3月2日
"""


def test_main_issues_leave_out_salutation_introduction_signature_and_contact():
    out = main_issues(COURT_LETTER)
    assert out.startswith("2019年，我向桐城市人民法院申请执行一起运输合同纠纷案件")
    assert out.endswith("请求人大常委会监督桐城市人民法院恢复执行，维护我的合法权益。")
    for gone in ("尊敬的", "我叫", "汪立新", "樟枫村", "此致", "敬礼", "反映人", "百忙", "2025年3月2日"):
        assert gone not in out
    assert not contains_pii(out) and "3966512345" not in out and ID not in out


def test_main_issues_join_page_line_breaks_inside_a_sentence():
    out = main_issues(COURT_LETTER)
    assert "\n" not in out
    assert "暂无财产可供执行为由" in out and "我家附近2025年还有人看到他开车跑运输。" in out


@pytest.mark.parametrize("limit", [40, 80, 120, 200])
def test_main_issues_end_at_a_sentence_end_within_the_limit(limit):
    out = main_issues(COURT_LETTER, limit)
    assert 0 < len(out) <= limit
    assert out.endswith("。")
    sentences = [s.display for s in body_sentences(COURT_LETTER)]
    # every sentence printed is a whole sentence of the letter (or, when even the first does
    # not fit, its first whole clauses)
    for piece in re.findall(r"[^。]+。", out):
        assert any(piece == s or s.startswith(piece[:-1]) for s in sentences), piece


def test_main_issues_of_a_letter_with_its_particulars_in_a_header_block():
    text = """关于某某镇人民政府违法强拆我家房屋的情况反映
县人大常委会信访室：
    姓名：张三    性别：男
    身份证号：11010519491231002X
    联系电话：138 0013 8000
    住址：浙江省桐庐县某某镇某某村12号
    我是某某镇某某村村民。2013年3月5日，某某镇人民政府在未达成补偿协议的情况下强拆了
我家房屋，至今没有给予任何补偿。我多次到镇政府反映，均无结果。
    恳请县人大常委会督促某某镇人民政府依法给予补偿。
"""
    out = main_issues(text)
    assert out == ("2013年3月5日，某某镇人民政府在未达成补偿协议的情况下强拆了我家房屋，至今没有给予任何补偿。"
                   "我多次到镇政府反映，均无结果。恳请县人大常委会督促某某镇人民政府依法给予补偿。")


def test_main_issues_print_ocr_punctuation_as_a_letter_writes_it():
    text = "县人大常委会:\n我村村道于2024年被施工车辆压坏,至今无人维修,村民出行困难.\n请求督促镇政府尽快修复村道。\n"
    assert main_issues(text) == "我村村道于2024年被施工车辆压坏，至今无人维修，村民出行困难.请求督促镇政府尽快修复村道。"


def test_main_issues_of_nothing_is_empty():
    assert main_issues("") == "" and main_issues("此致\n敬礼\n张三\n2014年5月1日") == ""


def test_summary_says_who_about_whom_and_what_in_one_sentence():
    s = summary_sentence(COURT_LETTER, target="桐城市人民法院")
    assert s.startswith("反映其")
    assert "桐城市人民法院" in s and "终结本次执行程序" in s and s.endswith("恢复执行")
    assert "\n" not in s and "。" not in s and len(s) <= 80
    assert not contains_pii(s)


def test_summary_of_an_accusation_says_so():
    text = ("县人大领导：\n    我要举报某某村党支部书记王大明贪污扶贫款的问题。他利用职务之便，虚报冒领低保金十余万元，"
            "群众敢怒不敢言。希望领导查处。\n一名知情群众（匿名）\n2014年7月8日\n")
    assert summary_sentence(text).startswith("举报某某村党支部书记王大明贪污扶贫款的问题")


def test_summary_takes_an_informative_title():
    text = ("关于某某房地产开发有限公司逾期不交房的联名信\n县人大常委会：\n    我们是某某花园小区的业主，共58户。"
            "某某房地产开发有限公司承诺2013年12月交房，至今已逾期一年多，多次协商无果。我们强烈要求开发商尽快交房"
            "并按合同赔偿损失。\n")
    assert summary_sentence(text) == "反映某某房地产开发有限公司逾期不交房，要求开发商尽快交房并按合同赔偿损失"


def test_summary_is_never_cut_at_a_line_break_or_inside_a_clause():
    text = ("尊敬的人大代表：\n昆山市住房和城乡建设局在丽景新村旁边施工，每天晚上十点以后仍\n在打桩作业，噪声很大，"
            "附近5百多户居民无法正常休息，老人和孩子身\n体都受到了影响。\n")
    s = summary_sentence(text)
    assert s.startswith("反映昆山市住房和城乡建设局在丽景新村旁边施工，每天晚上十点以后仍在打桩作业")
    clauses = re.split("，", s[2:])
    letter = text.replace("\n", "")
    assert all(c in letter for c in clauses)
    assert len(s) <= 80


# A wages letter whose key sentence also gives the phone (at its end, wrapped by the page, in
# brackets): the number and its words go, the sentence stays.
WAGES_LETTER = """尊敬的市人大常委会领导：
    我于2019年在本市一处建筑工地务工，包工头至今拖欠我和工友的工资共计5万余元，我的电话13912345678。
    我们多次到市人社局投诉，包工头（手机：１３８ ００１３ ８０００）至今不予理睬。
    恳请人大常委会督促市人社局依法处理，帮我们讨回拖欠的工资，联系电话：1
3912345678。
此致
敬礼！
反映人：张三
2025年3月2日
"""


def test_a_sentence_giving_a_phone_keeps_what_it_says_without_the_number():
    out = main_issues(WAGES_LETTER)
    assert out == ("我于2019年在本市一处建筑工地务工，包工头至今拖欠我和工友的工资共计5万余元。"
                   "我们多次到市人社局投诉，包工头至今不予理睬。"
                   "恳请人大常委会督促市人社局依法处理，帮我们讨回拖欠的工资。")
    s = summary_sentence(WAGES_LETTER)
    assert "拖欠" in s and "工资" in s and "电话" not in s
    for text in (out, s):
        assert not contains_pii(text) and not re.search(r"\d{5}|\d \d{4}", text)


@pytest.mark.parametrize("sentence", ["联系电话：13912345678。", "有事请拨打13912345678。",
                                      "13912345678是我的电话。", "我的身份证号340881198003151236，电话1\n3912345678。"])
def test_a_sentence_that_only_gives_a_number_is_still_left_out(sentence):
    text = f"县人大常委会：\n    包工头拖欠我的工资五万元，至今未付。\n    {sentence}\n"
    assert main_issues(text) == "包工头拖欠我的工资五万元，至今未付。"


def test_a_joint_letters_introduction_and_closing_wish_are_not_issues():
    text = ("市人大常委会信访室：\n    我们是桐城市龙腾街道北大社区的村民。现将有关情况反映如下：\n"
            "    我们多次到市人社局投诉，至今不予处理。\n    望领导重视为盼。\n此致\n敬礼！\n")
    assert main_issues(text) == "我们多次到市人社局投诉，至今不予处理。"


def test_summary_says_its_pension_not_its_own_pension():
    text = ("县人大：\n    市人社局核定的养老金明显偏低。\n    请求重新核定我的养老金待遇，并给予书面答复。\n")
    assert summary_sentence(text).endswith("要求重新核定其养老金待遇，并给予书面答复")


def test_a_body_line_starting_with_a_year_above_the_signature_stays_in_the_body():
    # no 此致: the signature is found from the bottom; "2019年镇政府…" is a sentence, not a date
    text = ("县人大常委会：\n    我叫方志强，现住城关镇。\n"
            "    2019年镇政府征收了我们组的集体土地，补偿款至今只发了一半。请求督促足额发放。\n"
            "联名人：方志强、陈立新\n2025年4月2日\n")
    assert main_issues(text) == "2019年镇政府征收了我们组的集体土地，补偿款至今只发了一半。请求督促足额发放。"


def test_a_name_and_date_line_without_此致_is_still_the_signature():
    text = "县人大常委会：\n    村里的路坏了三年没人修。请求尽快修复。\n张三  2025年4月2日\n"
    assert main_issues(text) == "村里的路坏了三年没人修。请求尽快修复。"


def test_a_demand_of_two_clauses_says_要求_once():
    text = ("县人大常委会：\n    示例县市场监督管理局城关所一名工作人员多次向商户索要好处费。\n"
            "    请人大常委会依法监督，要求有关部门认真调查处理。\n")
    summary = summary_sentence(text)
    assert summary.count("要求") == 1 and summary.endswith("要求依法监督，并请有关部门认真调查处理"), summary
