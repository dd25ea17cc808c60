"""Local-folder object store: the embedded default."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hoso.errors import StorageError

_CHUNK = 1024 * 1024


class LocalStore:
    """Objects as files under ``root``; writes go through a temp file and an atomic rename."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise StorageError(f"invalid object key {key!r}")
        return self.root / key

    def _write(self, key: str, chunks: Iterator[bytes]) -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    digest.update(chunk)
                    fh.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest.hexdigest()

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._write(key, iter([data]))

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        sha256: str,
        content_type: str = "application/octet-stream",
    ) -> None:
        def chunks() -> Iterator[bytes]:
            while chunk := stream.read(_CHUNK):
                yield chunk

        got = self._write(key, chunks())
        if got != sha256:
            self._path(key).unlink(missing_ok=True)
            raise StorageError(f"content of {key} has SHA-256 {got}, expected {sha256}")

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"object {key} is missing from {self.root}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        base = self.root
        keys = sorted(
            p.relative_to(base).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")
        )
        return (k for k in keys if k.startswith(prefix))

    def url(self, key: str, expires_s: int = 3600) -> str:
        return self._path(key).resolve().as_uri()
