"""Running the real ``hoso`` CLI in a subprocess, with a clean HOSO_* environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any HOSO_* setting, plus ``HOSO_HOME`` and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.update({"HOSO_HOME": str(home), "COLUMNS": "200", **extra})
    return env


def hoso(
    *args: str, env: dict[str, str], codes: tuple[int, ...] = (0,), timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``hoso ARGS`` and assert its exit code is one of ``codes``."""
    proc = subprocess.run(
        [sys.executable, "-m", "hoso", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode in codes, proc.stdout + proc.stderr
    return proc
