"""How a job hands its work out: the order of files in the pool, the page images a job
keeps for its second readings, and how a stopped run ends its pool."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import worker
from hoso.runner import Job, longest_first
from ocr.model import Page
from storage.local import LocalStore
from tests.clirun import REPO, clean_env, hoso


def test_files_go_to_the_pool_longest_first_ties_in_order() -> None:
    jobs = [Job("a", 1), Job("b", 3), Job("c", 1), Job("d", 4), Job("e", 3)]
    assert [j.sha256 for j in longest_first(jobs)] == ["d", "b", "e", "a", "c"]


def _page(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (60, 40), dtype=np.uint8)


def test_a_job_reads_its_first_pages_from_memory_and_the_rest_from_the_store(
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path)
    first, second = _page(1), _page(2)
    kept = worker.KeptPages(store, "f" * 64, budget=first.nbytes)
    for number, image in ((1, first), (2, second)):
        worker.store_page(store, "f" * 64, image, Page(number, image.shape[1], image.shape[0]))
        kept.keep(number, image)
    # The first page is held (the very array, not decoded again); the second is over the
    # budget and comes back from its stored PNG, equal to what was stored.
    assert kept(1) is first
    assert 2 not in kept.images and kept.held == first.nbytes
    again = kept(2)
    assert again is not None and again is not second and np.array_equal(again, second)


SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "scans"


def _children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_run(tmp_path: Path) -> tuple[subprocess.Popen[str], list[str], dict[str, str]]:
    scans = tmp_path / "scans"
    for name in ("hs20251110-001", "hs20251110-006"):
        shutil.copytree(SAMPLES / name, scans / name)
    env = clean_env(tmp_path / "home")
    args = [sys.executable, "-m", "hoso", "run", str(scans), "--out", str(tmp_path / "out")]
    args += ["--workers", "2", "--batch", "b1"]
    proc = subprocess.Popen(args, env=env, cwd=REPO, text=True, stderr=subprocess.PIPE)
    return proc, args, env


def _pool_processes(proc: subprocess.Popen[str]) -> set[int]:
    """The run's two pool processes, once they have been at work for a moment."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pool = {pid for pid in _children(proc.pid) if "spawn_main" in _cmdline(pid)}
        if len(pool) == 2:
            time.sleep(3)  # ingest done, the workers are reading pages
            return pool
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.2)
    raise AssertionError("the pool never started")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _gone(pids: set[int], within_s: float) -> set[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return {p for p in pids if _alive(p)}


def test_a_stopped_run_ends_its_workers_and_the_same_run_finishes_the_files(
    tmp_path: Path,
) -> None:
    proc, args, env = _start_run(tmp_path)
    pool = _pool_processes(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    # It stops at once with a reason and the signal's exit code; no worker outlives it
    # to go on writing into the store.
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "stopped by SIGTERM" in err and "run the same command again" in err
    assert _gone(pool, within_s=5) == set()
    hoso(*args[3:], env=env)  # the same command again, exit code 0
    lines = (tmp_path / "out" / "records.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len({r["source"]["sha256"] for r in records}) == 2
    assert records and all(r["status"] in ("extracted", "needs_review") for r in records)


def test_pool_workers_end_with_a_run_that_is_killed(tmp_path: Path) -> None:
    proc, _, _ = _start_run(tmp_path)
    pool = _pool_processes(proc)
    proc.kill()  # no handler runs: the kernel tells the workers (parent-death signal)
    proc.communicate(timeout=30)
    assert _gone(pool, within_s=5) == set()
