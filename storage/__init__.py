"""Object storage behind one small interface (see :mod:`storage.base`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from hoso.errors import ConfigError
from hoso.settings import Settings
from storage.base import ObjectStore
from storage.local import LocalStore
from storage.s3 import S3Store, make_client


def open_store(settings: Settings) -> ObjectStore:
    """The object store that ``settings.storage_url`` names.

    ``file:///path`` is a local folder; ``s3://bucket[/prefix]`` is a bucket (keys
    optionally under ``prefix``) on ``settings.s3_endpoint``.
    """
    url = urlparse(settings.storage_url)
    if url.scheme == "file":
        return LocalStore(Path(url.path))
    if url.scheme == "s3":
        if not url.netloc:
            raise ConfigError(f"HOSO_STORAGE_URL={settings.storage_url!r} names no bucket")
        client = make_client(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            region=settings.s3_region,
            secure=settings.s3_secure,
        )
        return S3Store(client, url.netloc, url.path, sse=settings.s3_sse)
    raise ConfigError(f"unsupported HOSO_STORAGE_URL scheme {url.scheme!r} (use file:// or s3://)")
