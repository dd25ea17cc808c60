"""One typed, immutable settings object, read once from ``HOSO_*`` environment variables.

Every setting is documented in :data:`DOCS` (a test checks that each field is), unknown
``HOSO_*`` keys are rejected so a typo cannot silently fall back to a default, and secrets
are masked in ``repr``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoso.errors import ConfigError

PREFIX = "HOSO_"
#: How Tesseract runs (``ocr.engine``): in-process when tesserocr is installed, else the CLI.
OCR_ENGINES = ("auto", "api", "cli")


@dataclass(frozen=True)
class Settings:
    home: Path = Path(".hoso")
    database_url: str = ""
    storage_url: str = ""
    redis_url: str = ""
    queue_name: str = "hoso"
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = field(default="", repr=False)
    s3_region: str = ""
    s3_secure: bool = True
    s3_sse: bool = False
    workers: int = 0
    # Calibrated: the clean + scan fields auto-accepted at 0.95 were wrong 0.34 % of the time
    # on the 1,000-document evaluation (docs/accuracy.md).
    review_threshold: float = 0.95
    ocr_lang: str = "vie"
    ocr_latin_lang: str = "eng"
    ocr_witness_lang: str = "vie_best"
    ocr_timeout_s: float = 180.0
    ocr_engine: str = "auto"
    dpi: int = 300
    max_pages: int = 500
    max_pixels: int = 120_000_000
    max_file_bytes: int = 512 * 1024 * 1024

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite:///{(self.home / 'hoso.db').resolve()}"
            )
        if not self.storage_url:
            object.__setattr__(self, "storage_url", f"file://{(self.home / 'objects').resolve()}")
        if not 0.0 <= self.review_threshold <= 1.0:
            raise ConfigError("HOSO_REVIEW_THRESHOLD must be between 0 and 1")
        if self.ocr_engine not in OCR_ENGINES:
            raise ConfigError(f"HOSO_OCR_ENGINE must be one of {', '.join(OCR_ENGINES)}")
        if self.workers < 0:
            raise ConfigError("HOSO_WORKERS must be 0 (one per core) or more")
        for name in ("dpi", "max_pages", "max_pixels", "max_file_bytes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"HOSO_{name.upper()} must be positive")

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: jobs run in an in-process pool."""
        return not self.redis_url

    def masked(self) -> dict[str, str]:
        """Every setting as text, secrets and passwords in URLs masked (for ``hoso config``)."""
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = str(getattr(self, f.name))
            if f.name in SECRETS and value:
                value = "****"
            elif "://" in value and "@" in value:
                scheme, rest = value.split("://", 1)
                creds, host = rest.rsplit("@", 1)
                user = creds.split(":", 1)[0]
                value = f"{scheme}://{user}:****@{host}"
            out[f.name] = value
        return out


SECRETS = frozenset({"s3_secret_key"})

DOCS: dict[str, str] = {
    "home": "Folder of the embedded store (SQLite file and object folder). Default ./.hoso",
    "database_url": "SQLAlchemy URL; default sqlite:///$HOSO_HOME/hoso.db. Production: "
    "postgresql+psycopg://user:pass@host/db",
    "storage_url": "Object store: file:///path (default $HOSO_HOME/objects) or s3://bucket",
    "redis_url": "redis://host:6379/0 switches to the production topology (RQ workers); "
    "empty = embedded in-process pool",
    "queue_name": "RQ queue name",
    "s3_endpoint": "S3/MinIO endpoint host:port",
    "s3_access_key": "S3 access key",
    "s3_secret_key": "S3 secret key (masked in output)",
    "s3_region": "S3 region (optional)",
    "s3_secure": "Use HTTPS for S3 (true/false)",
    "s3_sse": "Ask S3 for server-side encryption (SSE-S3) on every object",
    "workers": "Worker processes; 0 = one per core",
    "review_threshold": "Fields with confidence below this go to review (0..1); the "
    "cross-check reports differences on them as doubtful warnings",
    "ocr_lang": "Tesseract language(s), e.g. vie or vie+eng",
    "ocr_latin_lang": "Second model re-reading codes and numbers (empty: none)",
    "ocr_witness_lang": "Second model reading the pages of documents with a doubtful field "
    "again, field by field the surer value kept (empty or not installed: none; "
    "`python -m ocr.models` installs vie_best)",
    "ocr_timeout_s": "Time limit for one Tesseract call, seconds",
    "ocr_engine": "How Tesseract runs: api (in-process, tesserocr), cli (the tesseract program "
    "per call) or auto (api when tesserocr is installed, else cli)",
    "dpi": "Rasterization resolution for PDF pages",
    "max_pages": "Files with more pages are rejected",
    "max_pixels": "Pages with more pixels are rejected (decompression-bomb guard)",
    "max_file_bytes": "Larger files are rejected",
}


def _coerce(name: str, raw: str, target: Any) -> Any:
    try:
        if target is bool:
            low = raw.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if target is Path:
            return Path(raw)
        return target(raw)
    except ValueError as exc:
        raise ConfigError(
            f"{PREFIX}{name.upper()}={raw!r} is not a valid {target.__name__}"
        ) from exc


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build :class:`Settings` from ``HOSO_*`` variables; ``overrides`` win (CLI options)."""
    env = os.environ if environ is None else environ
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    types = {"Path": Path, "str": str, "int": int, "float": float, "bool": bool}
    values: dict[str, Any] = {}
    for key, raw in env.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX) :].lower()
        if name not in fields:
            raise ConfigError(
                f"unknown setting {key}; known: " + ", ".join(PREFIX + n.upper() for n in fields)
            )
        values[name] = _coerce(name, raw, types[str(fields[name].type)])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
