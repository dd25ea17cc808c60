from __future__ import annotations

import io
from pathlib import Path

import pytest

from hoso.errors import StorageError
from storage.base import original_key, page_image_key, sha256_hex
from storage.local import LocalStore


def test_put_get_list_and_overwrite(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("pages/abc/1/words.json", b"{}")
    store.put("pages/abc/1/words.json", b"[]")  # a retried job overwrites
    store.put(page_image_key("abc", 2), b"png")
    assert store.get("pages/abc/1/words.json") == b"[]"
    assert list(store.list("pages/abc/")) == ["pages/abc/1/words.json", "pages/abc/2/upright.png"]
    assert store.exists(page_image_key("abc", 2)) and not store.exists("pages/abc/3/upright.png")


def test_stream_verifies_content_hash(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    data = b"x" * (3 * 1024 * 1024 + 7)
    sha = sha256_hex(data)
    store.put_stream(original_key(sha), io.BytesIO(data), len(data), sha)
    assert store.get(original_key(sha)) == data
    with pytest.raises(StorageError, match="SHA-256"):
        store.put_stream("originals/bad", io.BytesIO(b"other"), 5, sha)
    assert not store.exists("originals/bad")
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_missing_object_and_bad_keys(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    with pytest.raises(StorageError, match="missing"):
        store.get("originals/nothing")
    with pytest.raises(StorageError, match="invalid"):
        store.put("../escape", b"")
