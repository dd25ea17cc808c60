"""Object storage behind one small interface (see :mod:`storage.base`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from hoso.errors import ConfigError
from hoso.settings import Settings
from storage.base import ObjectStore
from storage.local import LocalStore


def open_store(settings: Settings) -> ObjectStore:
    """The object store that ``settings.storage_url`` names."""
    url = urlparse(settings.storage_url)
    if url.scheme == "file":
        return LocalStore(Path(url.path))
    raise ConfigError(f"unsupported HOSO_STORAGE_URL scheme {url.scheme!r} (use file:// or s3://)")
