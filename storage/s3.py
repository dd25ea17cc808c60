"""S3 / MinIO object store on the ``minio`` client.

Every failure of the store or the network surfaces as :class:`StorageError` with a
readable message, so the job layer can retry it; transient faults (refused connections,
timeouts, 5xx) are first retried a few times by the HTTP pool itself.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.sse import SseS3
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.util import Retry, Timeout

from hoso.errors import ConfigError, StorageError

PART_SIZE = 16 * 1024 * 1024
"""Multipart part size: large enough for few requests, small enough to buffer a few."""

SHA256_META = "sha256"
"""User-metadata name (``x-amz-meta-sha256``) holding a streamed object's content hash."""

_MISSING = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchBucket", "NotFound"})
_TRANSIENT_STATUS = (500, 502, 503, 504)


def make_client(
    endpoint: str,
    *,
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    secure: bool = True,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 60.0,
    retries: int = 3,
) -> Minio:
    """A ``Minio`` client for ``endpoint`` (``host:port``) with bounded timeouts and retries.

    minio's own default pool waits five minutes per connect and read; a worker must
    instead fail within seconds when the store is down and leave the retry to the job.
    """
    if not endpoint:
        raise ConfigError("HOSO_S3_ENDPOINT must be set (host:port) for an s3:// store")
    if "://" in endpoint:
        raise ConfigError(
            f"HOSO_S3_ENDPOINT={endpoint!r} must be host:port without a scheme "
            "(HOSO_S3_SECURE chooses HTTPS)"
        )
    if bool(access_key) != bool(secret_key):
        raise ConfigError("HOSO_S3_ACCESS_KEY and HOSO_S3_SECRET_KEY must be set together")
    http = urllib3.PoolManager(
        timeout=Timeout(connect=connect_timeout_s, read=read_timeout_s),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        retries=Retry(
            total=retries,
            backoff_factor=0.25,
            backoff_max=5.0,
            status_forcelist=_TRANSIENT_STATUS,
            # Hand the last 5xx response to minio, which turns it into a readable S3Error.
            raise_on_status=False,
        ),
    )
    try:
        return Minio(
            endpoint,
            access_key=access_key or None,
            secret_key=secret_key or None,
            region=region or None,
            secure=secure,
            http_client=http,
        )
    except ValueError as exc:
        raise ConfigError(f"HOSO_S3_ENDPOINT={endpoint!r} is not usable: {exc}") from exc


class _HashingReader:
    """Passes a stream through while hashing it; raises on the last read if the hash differs.

    Checking inside ``read`` (at end of stream, or when ``length`` bytes have passed)
    makes minio fail before it sends the last part, so a bad upload never becomes visible.
    """

    def __init__(self, stream: BinaryIO, length: int, sha256: str, key: str) -> None:
        self._stream = stream
        self._length = length
        self._expected = sha256.lower()
        self._key = key
        self._digest = hashlib.sha256()
        self._count = 0
        self._checked = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._digest.update(data)
        self._count += len(data)
        if not data or self._count == self._length:
            self.verify()
        return data

    def verify(self) -> None:
        """Raise StorageError if what has passed so far is not the expected content."""
        if self._checked:
            return
        self._checked = True
        got = self._digest.hexdigest()
        if got != self._expected:
            raise StorageError(
                f"content of {self._key} has SHA-256 {got}, expected {self._expected}"
            )


class S3Store:
    """Objects in one S3 bucket, optionally under a key prefix; the bucket is made on first use."""

    def __init__(
        self,
        client: Minio,
        bucket: str,
        prefix: str = "",
        *,
        sse: bool = False,
        part_size: int = PART_SIZE,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._sse = SseS3() if sse else None
        self._part_size = part_size
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    def __repr__(self) -> str:
        where = f"{self.bucket}/{self.prefix}" if self.prefix else self.bucket
        return f"S3Store(s3://{where})"

    def _name(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise StorageError(f"invalid object key {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextmanager
    def _failures(self, action: str, key: str = "") -> Iterator[None]:
        """Translate minio, urllib3 and socket failures into StorageError."""
        where = f"s3://{self.bucket}/{self._name(key)}" if key else f"s3://{self.bucket}"
        try:
            yield
        except StorageError:
            raise
        except S3Error as exc:
            if exc.code in _MISSING and key:
                raise StorageError(f"object {key} is missing from {self!r}") from exc
            raise StorageError(f"S3 {action} {where} failed: {exc.code}: {exc.message}") from exc
        except ServerError as exc:
            raise StorageError(
                f"S3 {action} {where} failed: server error HTTP {exc.status_code}"
            ) from exc
        except InvalidResponseError as exc:
            raise StorageError(f"S3 {action} {where} failed: {exc}") from exc
        except MaxRetryError as exc:
            raise StorageError(
                f"S3 {action} {where} failed, store unreachable: {exc.reason}"
            ) from exc
        except (HTTPError, MinioException, OSError, ValueError) as exc:
            raise StorageError(f"S3 {action} {where} failed: {exc}") from exc

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._bucket_lock, self._failures("create bucket"):
            if self._bucket_ready:
                return
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    # Another worker created it between our check and our request.
                    if exc.code != "BucketAlreadyOwnedByYou":
                        raise
            self._bucket_ready = True

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store ``data`` under ``key``, replacing what was there."""
        name = self._name(key)
        self._ensure_bucket()
        with self._failures("put", key):
            self.client.put_object(
                self.bucket,
                name,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                sse=self._sse,
                part_size=self._part_size,
            )

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        sha256: str,
        content_type: str = "application/octet-stream",
    ) -> None:
        """Upload ``stream`` (``length`` bytes, or -1 if unknown) in parts, checking its SHA-256.

        On a mismatch the upload is aborted before it completes, so an object already
        under ``key`` stays as it was, and StorageError is raised. The hash is kept as
        ``x-amz-meta-sha256``.
        """
        name = self._name(key)
        self._ensure_bucket()
        reader = _HashingReader(stream, length, sha256, key)
        with self._failures("put", key):
            self.client.put_object(
                self.bucket,
                name,
                reader,  # type: ignore[arg-type]  # minio only calls read()
                length,
                content_type=content_type,
                metadata={SHA256_META: sha256.lower()},
                sse=self._sse,
                part_size=self._part_size,
            )
        try:
            # Covers streams minio never read to the end (an empty object).
            reader.verify()
        except StorageError:
            with self._failures("remove", key):
                self.client.remove_object(self.bucket, name)
            raise

    def get(self, key: str) -> bytes:
        """The object's bytes; StorageError when it is missing."""
        name = self._name(key)
        self._ensure_bucket()
        with self._failures("get", key):
            response = self.client.get_object(self.bucket, name)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def exists(self, key: str) -> bool:
        """True if an object is stored under ``key``."""
        name = self._name(key)
        self._ensure_bucket()
        with self._failures("stat", key):
            try:
                self.client.stat_object(self.bucket, name)
            except S3Error as exc:
                if exc.code in _MISSING:
                    return False
                raise
        return True

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix`` (at any depth), sorted."""
        self._ensure_bucket()
        strip = len(self.prefix) + 1 if self.prefix else 0
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        with self._failures("list", ""):
            names = [
                obj.object_name
                for obj in self.client.list_objects(self.bucket, prefix=full, recursive=True)
                if obj.object_name is not None
            ]
        return iter(sorted(name[strip:] for name in names))

    def url(self, key: str, expires_s: int = 3600) -> str:
        """A presigned GET URL valid for ``expires_s`` seconds (1 s to 7 days)."""
        name = self._name(key)
        self._ensure_bucket()
        with self._failures("presign", key):
            return self.client.presigned_get_object(
                self.bucket, name, expires=timedelta(seconds=expires_s)
            )
