"""How a job hands its work out: the order of files in the pool and the page images a job
keeps for its second readings."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import worker
from hoso.runner import Job, longest_first
from ocr.model import Page
from storage.local import LocalStore


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
