"""Fixtures for the search tests: the same suite runs against every engine."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

import index_corpus  # noqa: E402

from docgen.index.document import IndexDocument  # noqa: E402
from docgen.index.service import rebuild  # noqa: E402

ENGINES = ["whoosh", "tantivy"]


def corpus_documents(n: int, seed: int = 6, max_chars: int = 700) -> list[IndexDocument]:
    return [IndexDocument(
        case_no=c.case_no, received_date=c.received_date, petitioner_name=c.name,
        id_number=c.id_number, phone=c.phone, address=c.address, target=c.target,
        category=c.category, status=c.status, channel=c.channel, summary=c.summary,
        text="\n".join([c.text] + c.extra_texts))
        for c in index_corpus.generate(n, seed=seed, max_chars=max_chars)]


def tricky_documents() -> list[IndexDocument]:
    """Hand-written cases for the regression queries of issue 6."""
    d = dt.date
    return [
        IndexDocument(case_no="T-01", received_date=d(2014, 5, 23), petitioner_name="王小和",
                      id_number="11010519491231002x", phone="138-1234-5678",
                      address="石碣镇鹿鸣坳村3组", target="县住房和城乡建设局", category="城乡建设",
                      status="已交办", channel="来信", summary="反映拆迁补偿标准过低",
                      text="我家在3号楼，拆迁补偿至今未到位。"),
        IndexDocument(case_no="T-02", received_date=d(2016, 1, 2), petitioner_name="李四",
                      phone="+86 13912345678", category="城乡建设", status="已办结", channel="来访",
                      summary="物业管理问题",
                      text="小区１３号楼和Ａ区１２栋的住户反映，拆迁补\n偿协议没有兑现。"),
        IndexDocument(case_no="T-03", received_date=d(2020, 7, 8), petitioner_name="张三丰",
                      id_number="440524188001010014", category="自然资源", status="已登记",
                      channel="网上", summary="土地征收", target="县自然资源局",
                      text="南京市长江大桥附近的土地被征收，a区12栋、16栋居民有意见。"),
        IndexDocument(case_no="T-04", received_date=d(2021, 3, 1), petitioner_name="赵钱孙",
                      category="其他", status="已转送", channel="来信", summary="信息公开",
                      text="申请公开文件，多次提到拆迁补偿、拆迁补偿和拆迁补偿的依据。"),
    ]


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="module", params=ENGINES)
def small_index(request, tmp_path_factory):
    """A built index over the tricky cases plus 40 generated letters, one per engine."""
    docs = tricky_documents() + corpus_documents(40)
    idx = rebuild(tmp_path_factory.mktemp(f"idx-{request.param}"), docs, request.param)
    yield idx, docs
    idx.close()
