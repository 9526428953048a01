"""Opening, versioning, damage, locking and the registry hooks — for both engines."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import shutil

import pytest

from docgen.index.base import SearchFilters
from docgen.index.document import IndexDocument, from_case
from docgen.index.service import (
    IndexUnavailable,
    index_case,
    open_index,
    open_workspace_index,
    rebuild,
    remove_case,
    resolve_engine,
)
from docgen.models import Case, Petitioner


def _doc(no: str, text: str = "拆迁补偿") -> IndexDocument:
    return IndexDocument(case_no=no, received_date=dt.date(2024, 1, 1), summary=text, text=text)


def test_auto_engine_prefers_tantivy():
    assert resolve_engine("auto") == "tantivy"


def test_missing_index_is_reported_not_searched(engine_name, tmp_path):
    with pytest.raises(IndexUnavailable, match="尚未建立"):
        open_index(tmp_path, engine_name)


def test_schema_version_mismatch_asks_for_a_rebuild(engine_name, tmp_path):
    rebuild(tmp_path, [_doc("A")], engine_name).close()
    meta_path = tmp_path / f"{engine_name}.meta.json"
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IndexUnavailable, match="版本"):
        open_index(tmp_path, engine_name)
    idx = open_index(tmp_path, engine_name, create=True)   # rebuilds (empty here)
    assert idx.count() == 0


def test_damaged_index_is_reported_and_rebuilt(engine_name, tmp_path):
    rebuild(tmp_path, [_doc("A")], engine_name).close()
    engine_dir = tmp_path / engine_name
    # Damage as another process would leave it: new files under the old names. (Rewriting a
    # file in place that this process still has memory-mapped would kill it with SIGBUS.)
    for f in engine_dir.iterdir():
        if f.is_file() and not f.name.startswith("."):
            damaged = f.with_name(f.name + ".damaged")
            damaged.write_bytes(b"\x00garbage")
            damaged.replace(f)
    with pytest.raises(IndexUnavailable):
        idx = open_index(tmp_path, engine_name)
        idx.search("拆迁")
    shutil.rmtree(engine_dir)
    with pytest.raises(IndexUnavailable):
        open_index(tmp_path, engine_name)


def test_rebuild_replaces_the_old_index(engine_name, tmp_path):
    rebuild(tmp_path, [_doc("A"), _doc("B")], engine_name).close()
    idx = rebuild(tmp_path, [_doc("C")], engine_name)
    assert {h.case_no for h in idx.search("拆迁").hits} == {"C"}
    assert not (tmp_path / f"{engine_name}.new").exists()


def _writer(args):
    index_dir, engine, prefix = args
    idx = open_index(index_dir, engine)
    for i in range(5):
        idx.replace(_doc(f"{prefix}-{i}"))
    idx.close()
    return True


def test_two_processes_writing_at_once_both_succeed(engine_name, tmp_path):
    rebuild(tmp_path, [], engine_name).close()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(_writer, [(tmp_path, engine_name, "P"), (tmp_path, engine_name, "Q")]) == [True, True]
    idx = open_index(tmp_path, engine_name)
    assert idx.count() == 10
    assert len(idx.search("拆迁", limit=50).hits) == 10


# -- workspace integration --------------------------------------------------------------

def _case(**kw) -> Case:
    kw.setdefault("petitioner", Petitioner(name="王小和", id_number="11010519491231002X",
                                           phone="13812345678", address="石碣镇鹿鸣坳村3组"))
    return Case(case_no="", channel="来信", received_date=dt.date(2024, 3, 1), **kw)


def test_from_case_collects_every_text(ws):
    case = _case(summary="拆迁补偿", text="来信正文", request="要求补偿", result="已答复")
    doc = from_case(case, ["办理结果报告：已兑现"])
    for part in ("来信正文", "要求补偿", "已答复", "办理结果报告"):
        assert part in doc.text
    assert doc.phone == "13812345678" and doc.id17 == "11010519491231002"


def test_hooks_do_nothing_without_an_index(ws):
    case = ws.registry.add_case(_case(summary="噪声扰民"))
    index_case(ws, case)
    assert not any(ws.index_dir.glob("*.meta.json"))


def test_hooks_keep_an_existing_index_current(ws):
    reg = ws.registry
    first = reg.add_case(_case(summary="噪声扰民"))
    open_workspace_index(ws).close()           # builds it from the registry
    second = reg.add_case(_case(summary="拆迁补偿"))
    index_case(ws, second)
    idx = open_workspace_index(ws)
    assert {h.case_no for h in idx.search("拆迁补偿").hits} == {second.case_no}
    assert idx.count() == 2
    idx.close()
    remove_case(ws, first.case_no)
    idx = open_workspace_index(ws)
    assert idx.count() == 1
    assert idx.search(None, SearchFilters(id_number="11010519491231002x")).total == 1
    idx.close()
