"""The embedded default: the same job functions in a pool of local worker processes."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import worker
from hoso.errors import Interrupted
from hoso.models import FileState
from hoso.settings import Settings

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Job:
    sha256: str
    pages: int  # expected, for progress


_PR_SET_PDEATHSIG = 1  # prctl(2)


def _init_pool_process(settings: Settings) -> None:
    """A pool process ends with the process that started it, however that one ends (the
    kernel sends it SIGTERM; Linux only): an orphaned worker would go on writing into a
    store that a later run may be using."""
    if sys.platform.startswith("linux"):
        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it died before the request took effect
            os._exit(1)
    worker.init_process(settings)


def _pool(settings: Settings, workers: int) -> ProcessPoolExecutor:
    # spawn: each worker builds its own engine, store and Tesseract environment.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context("spawn"),
        initializer=_init_pool_process,
        initargs=(settings,),
    )


@contextlib.contextmanager
def stopping_workers_on_signal() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM end the pool's processes at once (the files they
    hold stay unfinished in the store, for the next run) and raise :class:`Interrupted`.
    Without it, the pool's executor waits for the running jobs before the process exits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        for proc in mp.active_children():
            proc.terminate()
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def longest_first(jobs: Sequence[Job]) -> list[Job]:
    """The order files go to the pool: most pages first (ties in the given order). A
    worker that draws a long file last keeps the batch waiting while the others idle; with
    the long files first, what is left at the end is one-page files."""
    return sorted(jobs, key=lambda job: -job.pages)


def run_jobs(
    settings: Settings,
    jobs: Sequence[Job],
    workers: int,
    on_done: Progress,
) -> list[dict[str, Any]]:
    """Run ``worker.process_file`` for each job; transient failures are retried, and a worker
    process that dies takes only its own file down (marked failed) and is replaced."""
    results: list[dict[str, Any]] = []
    pending = longest_first(jobs)
    attempts: dict[str, int] = {}
    while pending:
        retry: list[Job] = []
        crashed: list[Job] = []
        with _pool(settings, min(workers, len(pending))) as pool:
            futures: dict[Future[dict[str, Any]], Job] = {
                pool.submit(worker.process_file, job.sha256): job for job in pending
            }
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    crashed.append(job)
                    continue
                except Exception as exc:  # transient failure re-raised by the job
                    attempts[job.sha256] = attempts.get(job.sha256, 0) + 1
                    if attempts[job.sha256] < worker.MAX_ATTEMPTS:
                        retry.append(job)
                        continue
                    result = _give_up(settings, job, f"{type(exc).__name__}: {exc}")
                results.append(result)
                on_done(result)
        if crashed and len(crashed) == len(pending) and len(pending) == 1:
            result = _give_up(settings, crashed[0], "the worker process died on this file")
            results.append(result)
            on_done(result)
            crashed = []
        # A dead process breaks every future of its pool: rerun those one file per pool so
        # that the culprit is found and only it is marked failed.
        if crashed and len(crashed) > 1:
            isolated: list[dict[str, Any]] = []
            for job in crashed:
                isolated += run_jobs(settings, [job], 1, on_done)
            results += isolated
            crashed = []
        if retry:
            time.sleep(min(2 ** max(attempts[j.sha256] for j in retry), 10))
        pending = longest_first(retry + crashed)
    return results


def _give_up(settings: Settings, job: Job, reason: str) -> dict[str, Any]:
    ctx = worker.build_context(settings)
    return worker.record_error(ctx, job.sha256, FileState.failed, reason, {})


def reextract_files(
    settings: Settings, shas: Sequence[str], workers: int, on_done: Progress
) -> list[dict[str, Any]]:
    """Run ``worker.reextract_file`` over ``shas`` in a pool. A file whose re-extraction
    fails keeps its stored records and is reported with the reason."""
    results: list[dict[str, Any]] = []
    if not shas:
        return results
    with _pool(settings, max(1, min(workers, len(shas)))) as pool:
        futures = {pool.submit(worker.reextract_file, sha): sha for sha in shas}
        for fut in as_completed(futures):
            sha = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # the stored records stay as they were
                result = {"sha256": sha, "state": "error", "pages": 0, "error": f"{exc}"}
            results.append(result)
            on_done(result)
    return results
