"""Deterministic identifiers: a retry or a re-run addresses the same document."""

from __future__ import annotations


def document_id(sha256: str, page_start: int, page_end: int) -> str:
    """The id of the document spanning ``page_start..page_end`` of the file ``sha256``."""
    return f"{sha256[:24]}-p{page_start}-{page_end}"


def file_record_id(sha256: str) -> str:
    """The id of the one record that stands for a whole file that was rejected or failed."""
    return f"{sha256[:24]}-file"
