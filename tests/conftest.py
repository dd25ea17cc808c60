"""Shared test fixtures: an isolated embedded store per test, and bad inputs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoso import settings as settings_mod
from hoso.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def realdata_dir() -> Path | None:
    """``../shared/realdata`` beside the checkout (or $HOSO_REALDATA), if present."""
    env = os.environ.get("HOSO_REALDATA")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "realdata"]:
        if cand.is_dir():
            return cand
    return None


@pytest.fixture
def hoso_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings pointing at a fresh embedded store; exported as HOSO_HOME for subprocesses."""
    for key in list(os.environ):
        if key.startswith("HOSO_"):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("HOSO_HOME", str(home))
    yield settings_mod.load(workers=1)
