"""The S3 store against a real S3 endpoint (moto's server) over HTTP on loopback."""

from __future__ import annotations

import hashlib
import io
import threading
import time
import urllib.request
import uuid

import pytest

from hoso.errors import ConfigError, StorageError
from hoso.settings import Settings
from storage import open_store
from storage.base import original_key, page_image_key, page_words_key, sha256_hex
from storage.s3 import PART_SIZE, S3Store, make_client
from tests.s3server import free_port


@pytest.fixture
def bucket() -> str:
    """A bucket name no other test uses (the server lives for the whole session)."""
    return f"hoso-{uuid.uuid4().hex[:12]}"


def _store(endpoint: str, bucket: str, *, sse: bool = False, region: str = "us-east-1") -> S3Store:
    client = make_client(
        endpoint, access_key="testing", secret_key="testing", region=region, secure=False
    )
    return S3Store(client, bucket, sse=sse)


def _big(size: int) -> bytes:
    """Deterministic bytes that do not repeat at part boundaries."""
    block = hashlib.sha256(b"seed").digest() * 4096  # 128 KiB
    return (block * (size // len(block) + 1))[:size]


def test_put_get_overwrite_exists_list(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    store.put(page_words_key("abc", 1), b"{}", "application/json")
    store.put(page_words_key("abc", 1), b"[]", "application/json")  # a retried job overwrites
    store.put(page_image_key("abc", 2), b"png", "image/png")
    store.put(page_image_key("abd", 1), b"other")
    assert store.get(page_words_key("abc", 1)) == b"[]"
    assert list(store.list("pages/abc/")) == ["pages/abc/1/words.json", "pages/abc/2/upright.png"]
    assert list(store.list("")) == [
        "pages/abc/1/words.json",
        "pages/abc/2/upright.png",
        "pages/abd/1/upright.png",
    ]
    assert list(store.list("originals/")) == []
    assert store.exists(page_image_key("abc", 2))
    assert not store.exists("pages/abc/3/upright.png")
    stat = store.client.stat_object(bucket, page_image_key("abc", 2))
    assert stat.content_type == "image/png"


def test_stream_multipart_round_trip_keeps_sha256(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    data = _big(20 * 1024 * 1024 + 123)
    assert len(data) > PART_SIZE  # two parts
    sha = sha256_hex(data)
    store.put_stream(original_key(sha), io.BytesIO(data), len(data), sha, "application/pdf")
    got = store.get(original_key(sha))
    assert len(got) == len(data) and sha256_hex(got) == sha
    meta = store.client.stat_object(bucket, original_key(sha)).metadata
    assert meta is not None and meta["x-amz-meta-sha256"] == sha
    etag = store.client.stat_object(bucket, original_key(sha)).etag
    assert etag is not None and etag.endswith("-2")  # S3 marks multipart ETags "<md5>-<parts>"


def test_stream_of_unknown_length(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    for size in (0, 1000, PART_SIZE + 5):
        data = _big(size)
        sha = sha256_hex(data)
        store.put_stream(original_key(sha), io.BytesIO(data), -1, sha)
        assert store.get(original_key(sha)) == data


def test_wrong_sha256_leaves_no_object(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    wrong = sha256_hex(b"something else")
    for key, data, length in [
        ("originals/small", b"other", 5),
        ("originals/big", _big(PART_SIZE + 1000), PART_SIZE + 1000),
        ("originals/unsized", _big(PART_SIZE + 1000), -1),
        ("originals/empty", b"", 0),
    ]:
        with pytest.raises(StorageError, match="SHA-256"):
            store.put_stream(key, io.BytesIO(data), length, wrong)
        assert not store.exists(key), key
    assert list(store.list("originals/")) == []
    # No half-finished multipart upload is left behind either.
    assert not list(store.client._list_multipart_uploads(bucket).uploads)


def test_wrong_sha256_keeps_the_previous_object(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    good = _big(3000)
    store.put_stream("originals/x", io.BytesIO(good), len(good), sha256_hex(good))
    with pytest.raises(StorageError, match="SHA-256"):
        store.put_stream("originals/x", io.BytesIO(b"bad"), 3, sha256_hex(good))
    assert store.get("originals/x") == good


def test_missing_object_and_bad_keys(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    with pytest.raises(StorageError, match="missing"):
        store.get("originals/nothing")
    for bad in ("../escape", "/abs", ""):
        with pytest.raises(StorageError, match="invalid"):
            store.put(bad, b"")


def test_presigned_url_is_fetchable(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    store.put("pages/abc/1/upright.png", b"\x89PNG bytes", "image/png")
    url = store.url("pages/abc/1/upright.png", expires_s=60)
    assert url.startswith(f"http://{s3_endpoint}/{bucket}/pages/abc/1/upright.png?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == b"\x89PNG bytes"


def test_server_side_encryption(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket, sse=True)
    store.put("pages/a/1/words.json", b"{}")
    data = _big(PART_SIZE + 10)
    store.put_stream("originals/big", io.BytesIO(data), len(data), sha256_hex(data))
    for key in ("pages/a/1/words.json", "originals/big"):
        meta = store.client.stat_object(bucket, key).metadata
        assert meta is not None and meta["x-amz-server-side-encryption"] == "AES256", key
    assert store.get("originals/big") == data
    plain = _store(s3_endpoint, bucket)
    plain.put("pages/a/2/words.json", b"{}")
    meta = plain.client.stat_object(bucket, "pages/a/2/words.json").metadata
    assert meta is not None and "x-amz-server-side-encryption" not in meta


def test_bucket_is_created_on_first_use(s3_endpoint: str, bucket: str) -> None:
    store = _store(s3_endpoint, bucket)
    assert not store.client.bucket_exists(bucket)
    assert not store.exists("originals/x")
    assert store.client.bucket_exists(bucket)
    again = _store(s3_endpoint, bucket)  # an existing bucket is used as is
    again.put("originals/x", b"x")
    assert store.get("originals/x") == b"x"


def test_concurrent_bucket_creation_is_safe(s3_endpoint: str, bucket: str) -> None:
    # Outside us-east-1 a second CreateBucket fails with BucketAlreadyOwnedByYou.
    stores = [_store(s3_endpoint, bucket, region="eu-west-1") for _ in range(8)]
    start = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def first_put(i: int) -> None:
        start.wait()
        try:
            stores[i].put(f"pages/s/{i}/words.json", b"{}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_put, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(list(stores[0].list("pages/s/"))) == len(stores)


def test_open_store_with_s3_url_and_prefix(s3_endpoint: str, bucket: str) -> None:
    settings = Settings(
        storage_url=f"s3://{bucket}/tenant-a/",
        s3_endpoint=s3_endpoint,
        s3_access_key="testing",
        s3_secret_key="testing",
        s3_region="us-east-1",
        s3_secure=False,
    )
    store = open_store(settings)
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == (bucket, "tenant-a")
    store.put("pages/abc/1/words.json", b"{}")
    store.put_stream("originals/abc", io.BytesIO(b"abc"), 3, sha256_hex(b"abc"))
    assert list(store.list("")) == ["originals/abc", "pages/abc/1/words.json"]
    assert list(store.list("pages/")) == ["pages/abc/1/words.json"]
    assert store.get("originals/abc") == b"abc" and store.exists("originals/abc")
    raw = sorted(o.object_name or "" for o in store.client.list_objects(bucket, recursive=True))
    assert raw == ["tenant-a/originals/abc", "tenant-a/pages/abc/1/words.json"]
    with urllib.request.urlopen(store.url("originals/abc"), timeout=10) as resp:
        assert resp.read() == b"abc"
    # Without a prefix the keys sit at the top of the bucket.
    top = open_store(Settings(**{**vars(settings), "storage_url": f"s3://{bucket}"}))
    assert list(top.list("")) == ["tenant-a/originals/abc", "tenant-a/pages/abc/1/words.json"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"s3_endpoint": ""}, "HOSO_S3_ENDPOINT must be set"),
        ({"s3_endpoint": "http://127.0.0.1:9000"}, "without a scheme"),
        ({"s3_secret_key": ""}, "together"),
        ({"storage_url": "s3://"}, "names no bucket"),
    ],
)
def test_open_store_rejects_bad_s3_settings(changes: dict[str, str], message: str) -> None:
    base = {
        "storage_url": "s3://b",
        "s3_endpoint": "127.0.0.1:9000",
        "s3_access_key": "k",
        "s3_secret_key": "s",
    }
    with pytest.raises(ConfigError, match=message):
        open_store(Settings(**{**base, **changes}))  # type: ignore[arg-type]


def test_unreachable_endpoint_is_a_storage_error(bucket: str) -> None:
    store = _store(f"127.0.0.1:{free_port()}", bucket)  # nothing listens there
    started = time.monotonic()
    with pytest.raises(StorageError, match="unreachable"):
        store.put("pages/a/1/words.json", b"{}")
    with pytest.raises(StorageError, match="unreachable"):
        store.get("pages/a/1/words.json")
    assert time.monotonic() - started < 10
