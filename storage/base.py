"""The object-store interface and its deterministic keys.

Originals are immutable and keyed by their SHA-256; derived objects are keyed by the
original's SHA-256 and page number, so a retried job overwrites instead of duplicating.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO, Protocol


def original_key(sha256: str) -> str:
    return f"originals/{sha256}"


def page_image_key(sha256: str, page: int) -> str:
    return f"pages/{sha256}/{page}/upright.png"


def page_words_key(sha256: str, page: int) -> str:
    return f"pages/{sha256}/{page}/words.json"


def page_reading_key(sha256: str, page: int, lang: str) -> str:
    """Another model's reading of the page, beside the page's words."""
    return f"pages/{sha256}/{page}/words.{lang}.json"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ObjectStore(Protocol):
    """What hoso needs from an object store (local folder, S3, MinIO)."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store ``data`` under ``key``, replacing what was there (atomically)."""

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        sha256: str,
        content_type: str = "application/octet-stream",
    ) -> None:
        """Store a large object from a stream; raise StorageError if its SHA-256 differs."""

    def get(self, key: str) -> bytes:
        """The object's bytes; StorageError when it is missing."""

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix``, sorted."""

    def url(self, key: str, expires_s: int = 3600) -> str:
        """A URL a browser can fetch the object from (presigned on S3)."""
