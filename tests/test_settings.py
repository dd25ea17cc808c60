from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hoso import settings
from hoso.errors import ConfigError


def test_every_setting_is_documented() -> None:
    names = {f.name for f in dataclasses.fields(settings.Settings)}
    assert names == set(settings.DOCS)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    for name in names:
        assert f"HOSO_{name.upper()}" in readme, f"HOSO_{name.upper()} missing from README"


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(ConfigError, match="HOSO_WORKRES"):
        settings.load({"HOSO_WORKRES": "2"})


def test_values_are_typed_and_checked() -> None:
    s = settings.load(
        {
            "HOSO_WORKERS": "3",
            "HOSO_S3_SECURE": "false",
            "HOSO_REVIEW_THRESHOLD": "0.8",
            "HOSO_HOME": "/tmp/x",
        }
    )
    assert (s.workers, s.s3_secure, s.review_threshold) == (3, False, 0.8)
    assert s.database_url == "sqlite:////tmp/x/hoso.db"
    assert s.storage_url == "file:///tmp/x/objects"
    with pytest.raises(ConfigError, match="not a valid int"):
        settings.load({"HOSO_WORKERS": "many"})
    with pytest.raises(ConfigError, match="between 0 and 1"):
        settings.load({"HOSO_REVIEW_THRESHOLD": "1.5"})


def test_secrets_are_masked() -> None:
    s = settings.load(
        {"HOSO_S3_SECRET_KEY": "hunter2", "HOSO_DATABASE_URL": "postgresql+psycopg://u:pw@db/hoso"}
    )
    assert "hunter2" not in repr(s)
    masked = s.masked()
    assert masked["s3_secret_key"] == "****"
    assert "pw" not in masked["database_url"] and masked["database_url"].endswith("@db/hoso")


def test_settings_are_immutable() -> None:
    s = settings.load({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.workers = 5  # type: ignore[misc]
