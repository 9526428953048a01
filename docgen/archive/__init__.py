"""Archiving closed cases (归档): 档号, BagIt packages, catalogues, 四性 verification.

    archive_batch(ws, year=None, dry_run=False) -> ArchiveResult
    verify_archive(ws, year=None) -> VerifyReport
"""

from docgen.archive.archive_no import ArchiveCodes, ArchiveNo, RetentionRules, Series, parse_archive_no
from docgen.archive.archiver import ArchiveResult, archive_batch
from docgen.archive.verify import CATEGORIES, Problem, VerifyReport, verify_archive

__all__ = [
    "CATEGORIES", "ArchiveCodes", "ArchiveNo", "ArchiveResult", "Problem", "RetentionRules", "Series",
    "VerifyReport", "archive_batch", "parse_archive_no", "verify_archive",
]
