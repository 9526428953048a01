"""The workspace: a folder with ``docgen.toml``, the registry, case files, archive/ and index/.

``--home DIR`` (env ``DOCGEN_HOME``, default: the current directory) selects it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fileio import atomic_write_text, make_dirs, register_workspace_root

CONFIG_NAME = "docgen.toml"
REGISTRY_NAME = "registry.sqlite"

DEFAULT_CONFIG = """\
# docgen 工作区配置（可用记事本编辑，保存为 UTF-8）

[office]
name = "示例县人大常委会"              # 发文机关（公函抬头）
short_name = "示例县人大"
office_name = "示例县人大常委会信访室"    # 承办部门
doc_prefix = "示人大信"                # 发文字号前缀：示人大信〔2026〕1号
contact = "信访室"                      # 联系人
phone = "0000-0000000"                  # 联系电话
address = ""                            # 通信地址
# 各类公函默认共用上面的前缀和一个年度流水号（号不会重复）；某类要单独编号时可另设前缀：
# [office.doc_prefixes]
# 催办函 = "示人大信催"

[deadlines]
profile = "national"        # national / zhejiang / henan / shanghai，或 rules/deadline_profiles.toml 中自定义
track_notice = false        # 15 日书面告知期限也计入“到期/超期”（默认只显示，不计入）
# 工作区内的 rules/holidays.toml、rules/deadline_profiles.toml 若存在，覆盖内置数据

[visits]
group_threshold = 5         # 集体访人数（≥ 该值）

[places]
# 本县（市、区）乡镇（街道）的全称，如 ["范岗镇", "鲟鱼镇", "龙腾街道"]。填写后，扫描件把名称
# 认错或漏认一个字（“鲟鱼镇”认成“鱼镇”）时，登记按名单更正住址、被反映对象和乡镇，并提示核对。
townships = []

[archive]
fonds = "Z001"              # 全宗号
category_code = "WS"        # 门类代码
org_code = "XF"             # 机构（问题）代码
# 保管期限：重大（集体访、领导批办、重点督办）永久；交办/转办有结果 D30；其余 D10
retention_major = "Y"
retention_assigned = "D30"
retention_default = "D10"
arranger = ""               # 整理人
checker = ""                # 检查人
pdf_copies = false          # 归档时为生成的文书另存 PDF 副本（需安装 LibreOffice）

[search]
engine = "auto"             # auto / whoosh / tantivy

[privacy]
mask_exports = true         # 台账导出、报表中遮蔽身份证号和电话
phone_in_letters = false    # 交办函、转送函、督办函、催办函中印信访人电话（身份证号从不印）
"""


@dataclass
class Workspace:
    root: Path
    config: dict[str, Any] = field(default_factory=dict)

    # --- finding and creating -------------------------------------------------
    @staticmethod
    def resolve_home(home: str | os.PathLike | None) -> Path:
        if home is None:
            home = os.environ.get("DOCGEN_HOME") or os.getcwd()
        return Path(home).expanduser().resolve()

    @classmethod
    def open(cls, home: str | os.PathLike | None = None) -> Workspace:
        root = cls.resolve_home(home)
        cfg = root / CONFIG_NAME
        if not cfg.is_file():
            raise DocgenError(f"{root} 不是 docgen 工作区（缺少 {CONFIG_NAME}），请先运行 docgen init")
        try:
            config = tomllib.loads(cfg.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DocgenError(f"配置文件 {cfg} 格式有误：{exc}") from None
        defaults = tomllib.loads(DEFAULT_CONFIG)
        for section, values in defaults.items():
            config.setdefault(section, {})
            for key, value in values.items():
                config[section].setdefault(key, value)
        register_workspace_root(root)
        return cls(root=root, config=config)

    @classmethod
    def init(cls, home: str | os.PathLike | None = None) -> tuple[Workspace, bool]:
        """Create the workspace (idempotent). Returns (workspace, created)."""
        root = cls.resolve_home(home)
        if root.exists() and not root.is_dir():
            raise DocgenError(f"{root} 已存在且不是文件夹")
        root.mkdir(parents=True, exist_ok=True)
        cfg = root / CONFIG_NAME
        created = not cfg.exists()
        if created:
            atomic_write_text(cfg, DEFAULT_CONFIG)
        ws = cls.open(root)
        for d in (ws.archive_dir, ws.index_dir, ws.files_dir, ws.output_dir):
            make_dirs(d)
        _ = ws.registry  # opening it creates the schema
        return ws, created

    # --- paths ---------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY_NAME

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def files_dir(self) -> Path:
        """Working files of cases (originals, attachments, generated documents)."""
        return self.root / "files"

    @property
    def output_dir(self) -> Path:
        """Default place for documents written without ``-o``."""
        return self.root / "output"

    @property
    def templates_dir(self) -> Path:
        """Office overrides of the built-in templates (same file names)."""
        return self.root / "templates"

    @property
    def rules_dir(self) -> Path:
        """Office overrides of holidays, deadline profiles and categories."""
        return self.root / "rules"

    def case_dir(self, case_no: str) -> Path:
        year = case_no.split("-", 1)[0]
        return self.files_dir / year / case_no

    def rule_file(self, name: str) -> Path | None:
        path = self.rules_dir / name
        return path if path.is_file() else None

    def section(self, name: str) -> dict[str, Any]:
        return self.config.get(name, {})

    @cached_property
    def registry(self):
        from docgen.registry import Registry

        return Registry(self.registry_path, case_folder=self.case_dir,
                        numbers_on_disk=self.numbers_on_disk)

    def numbers_on_disk(self) -> dict[str, int]:
        """The highest registration number (``case:YEAR``) and 发文字号 (``doc:PREFIX:YEAR``)
        that the files of the workspace show: case folders holding files, and the documents
        named ``<文书>-<前缀>〔YEAR〕N号.docx`` in them. Read once, when the registry's number
        mirror is first made (``docgen.registry``), so that numbers already on disk are never
        handed out again even by a registry that is behind them."""
        from docgen.fileio import folder_holds_files

        found: dict[str, int] = {}

        def note(name: str, value: int) -> None:
            found[name] = max(found.get(name, 0), value)

        try:
            years = [d for d in os.scandir(self.files_dir) if d.is_dir(follow_symlinks=False)]
        except OSError:
            return found
        for year in years:
            if not _YEAR.fullmatch(year.name):
                continue
            for case in os.scandir(year.path):
                m = _CASE_FOLDER.fullmatch(case.name)
                if not m or not case.is_dir(follow_symlinks=False):
                    continue
                if folder_holds_files(Path(case.path)):
                    note(f"case:{m.group(1)}", int(m.group(2)))
                documents = Path(case.path) / "documents"
                if documents.is_dir() and not documents.is_symlink():
                    for doc in os.scandir(documents):
                        d = _DOC_NAME.fullmatch(doc.name)
                        if d:
                            note(f"doc:{d.group('prefix')}:{d.group('year')}", int(d.group('n')))
        return found


_YEAR = re.compile(r"\d{4}")
_CASE_FOLDER = re.compile(r"(\d{4})-(\d{1,6})")
# document_name() in docgen.workflow_documents: 交办函-示人大信〔2026〕3号.docx, "… (2).docx"
_DOC_NAME = re.compile(r"[^-]+-(?P<prefix>.+?)〔(?P<year>\d{4})〕(?P<n>\d+)号(?: \(\d+\))?\.\w+")
