"""Builds the demo's sample letters in docgen/data/samples/ (run from the repository root).

The samples are small and committed so that ``docgen demo`` works without fonts or test code;
this script keeps them reproducible: ``python scripts/make_samples.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.letters import (  # noqa: E402
    LetterTruth,
    id_check_char,
    render_letter,
    write_docx,
    write_text_pdf,
)

OUT = ROOT / "docgen" / "data" / "samples"


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


def _truth(seed, name, id17, phone, address, date, date_text, target, category, request,
           paragraphs) -> LetterTruth:
    return LetterTruth(seed=seed, layout="header", name=name, id_number=_id(id17), phone=phone,
                       address=address, letter_date=date, date_text=date_text, target=target,
                       category=category, request=request, text="\n".join(paragraphs),
                       title=paragraphs[0], paragraphs=paragraphs)


SCAN = _truth(
    1, "张桂兰", "33012219620315402", "13857112345", "示例县青山镇溪口村5组18号",
    dt.date(2026, 10, 12), "二〇二六年十月十二日", "示例县青山镇人民政府", "自然资源",
    "请求依法足额发放征地补偿款",
    ["关于征地补偿款未足额发放的反映",
     "示例县人大常委会信访室：",
     "我叫张桂兰，身份证号码" + _id("33012219620315402") + "，家住示例县青山镇溪口村5组18号，"
     "联系电话13857112345。",
     "2024年3月，青山镇人民政府因修建工业园区道路征收我家承包地2.6亩，当时承诺每亩补偿"
     "4.8万元，年底前付清。至今只付了5万元，余款7.48万元一直拖欠，多次到镇里询问，"
     "工作人员都说等上级拨款。",
     "我今年六十多岁，全家靠这块地生活，现在地没了钱也没拿到，生活十分困难。",
     "恳请人大常委会督促示例县青山镇人民政府依法足额发放征地补偿款。",
     "此致", "敬礼！",
     "反映人：张桂兰", "二〇二六年十月十二日"])

DOCX = _truth(
    2, "李建国", "33012219780802161", "0571-64012345", "示例县城关镇人民路88号3幢2单元501室",
    dt.date(2026, 10, 20), "2026年10月20日", "示例县鸿达建筑工程有限公司", "劳动和社会保障",
    "要求支付拖欠的工资",
    ["关于鸿达建筑公司拖欠农民工工资的情况反映",
     "尊敬的县人大常委会领导：",
     "我们是在示例县鸿达建筑工程有限公司承建的城南安置小区项目干活的农民工，共23人。"
     "2025年8月至2026年1月的工资共计41.6万元至今未发，公司负责人一再推脱。",
     "我们曾向县人力资源和社会保障局投诉，至今没有结果。眼看又到年底，大家都等着这笔钱过年。",
     "要求示例县鸿达建筑工程有限公司尽快支付拖欠的工资，请人大常委会予以监督。",
     "反映人：李建国（代表23名农民工）", "联系电话：0571-64012345",
     "住址：示例县城关镇人民路88号3幢2单元501室", "2026年10月20日"])

PDF = _truth(
    3, "王秀英", "33012219550607282", "13905718866", "示例县白沙乡白沙村12号",
    dt.date(2026, 11, 2), "2026年11月2日", "示例县白沙乡人民政府", "城乡建设",
    "要求尽快修复村道",
    ["关于白沙村村道损毁多年未修的反映",
     "示例县人大常委会：",
     "白沙乡白沙村通往乡里的村道约3公里，2023年汛期被冲毁一段，至今未修复。"
     "村里学生上学、老人看病都要绕行十多里路。我们多次向白沙乡人民政府反映，答复说没有资金。",
     "要求示例县白沙乡人民政府尽快修复村道，方便群众出行。",
     "反映人：王秀英", "身份证号：" + _id("33012219550607282"), "联系电话：139-0571-8866",
     "住址：示例县白沙乡白沙村12号", "2026年11月2日"])

TXT = """关于示例县某局工作人员收受好处费的检举

县人大常委会：
我是示例县城关镇的一名个体经营户。今年以来，示例县市场监督管理局城关所一名姓赵的工作人员，
多次以检查为名向辖区商户索要好处费，每次两三百元不等，不给就说要罚款、停业整顿。
我不敢署名，怕遭到打击报复。请人大常委会依法监督，要求有关部门认真调查处理。

一名群众
2026年11月9日
"""

VISIT = """# 来访接待登记表（示例）。可用记事本填写后：docgen visit --form 本文件
"姓名" = "陈有福"
"身份证号" = "{id}"
"联系电话" = "13757100123"
"住址" = "示例县青山镇溪口村3组"
"来访人数" = 6
"同行人员" = ["陈有福", "陈有才", "周玉梅", "刘长根", "陈小兵", "何桂香"]
"来访代表" = ["陈有福", "周玉梅"]
"接谈人" = "黄主任"
"被反映对象" = "示例县青山镇人民政府"
"诉求" = "要求公开征地补偿标准并足额兑付"
"反映内容" = \"\"\"溪口村3组村民6人来访，反映2024年工业园区道路征地补偿标准不公开、补偿款未足额兑付的问题。
村民称全组被征地约40亩，镇政府只发放了部分补偿款，也未张贴公告。\"\"\"
"当场答复" = "已登记，将按程序交青山镇人民政府调查处理，并在规定期限内答复。"
""".format(id=_id("33012219700101211"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    render_letter(SCAN, dpi=200, font_style="serif", font_pt=14).convert("L").save(
        OUT / "来信-张桂兰-征地补偿（扫描件）.jpg", "JPEG", quality=80, dpi=(200, 200))
    write_docx(DOCX, OUT / "来信-李建国-拖欠工资.docx", with_table=False)
    write_text_pdf(PDF, OUT / "来信-王秀英-村道损毁.pdf")
    (OUT / "来信-匿名-检举.txt").write_bytes(TXT.encode("gb18030"))
    (OUT / "来访登记表-溪口村集体访.toml").write_text(VISIT, encoding="utf-8")
    for p in sorted(OUT.iterdir()):
        print(f"{p.stat().st_size:>8}  {p.name}")


if __name__ == "__main__":
    main()
