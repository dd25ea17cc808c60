"""A large CSV reference file converted by worker processes.

On two cores a first load was bound by this process's conversion (~20 µs a row, while
PostgreSQL stores a row in ~5 µs). Here the main process only reads the file in pieces of
about a MiB that end at a newline outside quotes (an even number of ``"`` before it), hands
them to a pool of processes that parse and convert them (``importer.convert_block``), and
streams the converted pieces to ``COPY`` in file order, as ``importer._copy_blocks`` does
in one process.

The count of quotes is wrong only when a quote stands inside an unquoted field (``csv``
reads it as a letter). Pieces are therefore parsed in strict mode, where a piece cut inside
a quoted field ends in "unexpected end of data"; since the first piece starts at a record,
every piece that parses starts and ends at one. A piece that does not parse (or does not
decode) raises ``Unsplittable``, and the caller imports the file again in one process,
which reads it as it always has.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import BinaryIO

from crosscheck import importer

PIECE = 1 << 20
LIMIT = 64 * PIECE  # a record longer than this: no piece ends inside it, so give up
MIN_BYTES = 32 << 20  # smaller files convert in one process (the pool starts in ~0.5 s)
_TRIES = 64  # newlines tried from the end of a piece before taking more of the file


class Unsplittable(Exception):
    """The file cannot be cut into pieces of whole records (or one does not decode)."""


def pieces(fh: BinaryIO, size: int = PIECE) -> Iterator[bytes]:
    """The rest of a CSV file, in pieces of about ``size`` bytes that end after a newline
    with an even number of quotes before it (counted from the first piece's start)."""
    rest = b""
    while data := fh.read(size):
        data = rest + data
        cut = data.rfind(b"\n")
        for _ in range(_TRIES):
            if cut < 0 or data.count(b'"', 0, cut) % 2 == 0:
                break
            cut = data.rfind(b"\n", 0, cut)
        else:
            cut = -1
        if cut < 0:
            if len(data) > LIMIT:
                raise Unsplittable(f"no end of record in {len(data)} bytes")
            rest = data
            continue
        yield data[: cut + 1]
        rest = data[cut + 1 :]
    if rest:
        yield rest


def read_header(fh: BinaryIO) -> list[str]:
    """The header record (the first line, and the next ones while a quote is open)."""
    line = fh.readline()
    while line.count(b'"') % 2 and (more := fh.readline()):
        line += more
    rows = list(csv.reader(io.StringIO(line.decode("utf-8-sig"), newline=""), strict=True))
    return rows[0] if rows else []


# One worker's conversion: set once per process by _start.
_kind: importer._Kind
_layout: importer.CsvLayout
_tail: str


def _start(kind: str, header: list[str], renames: dict[str, str], import_id: int) -> None:
    global _kind, _layout, _tail
    _kind = importer.KINDS[kind]()
    _layout = importer.CsvLayout(header, _kind.columns, renames)
    _tail = importer.copy_tail(_kind, import_id)


def _convert(piece: bytes) -> importer.Converted:
    """A piece parsed (strictly) and converted, in blocks of ``importer.BLOCK`` rows."""
    rows = list(csv.reader(io.StringIO(piece.decode("utf-8"), newline=""), strict=True))
    keys: list[str] = []
    data: list[bytes] = []
    skipped: list[tuple[int, str]] = []
    records = 0
    for i in range(0, len(rows), importer.BLOCK):
        block = importer.convert_block(_kind, _layout.records(rows[i : i + importer.BLOCK]), _tail)
        keys += block.keys
        data.append(block.data)
        skipped += [(records + j, problem) for j, problem in block.skipped]
        records += block.records
    return importer.Converted(keys, b"".join(data), records, skipped)


def converted_blocks(
    kind: str,
    path: Path,
    mapping: dict[str, str] | None,
    import_id: int,
    result: importer.ImportResult,
    workers: int,
) -> Iterator[tuple[int, importer.Converted]]:
    """``importer._copy_blocks`` of a CSV file, converted by ``workers`` processes.
    Raises ``Unsplittable`` (before or after yielding blocks) when the pieces are not
    whole records."""
    # Workers forked from a fresh server process that has imported only this module:
    # nothing of this process's connections, and no second import of the CLI's modules.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with path.open("rb") as fh, ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start,
        initargs=(kind, read_header(fh), mapping or {}, import_id),
    ) as pool:  # fmt: skip
        pending: deque[Future[importer.Converted]] = deque()
        first = 1

        def oldest() -> tuple[int, importer.Converted]:
            nonlocal first
            try:
                block = pending.popleft().result()
            except (csv.Error, UnicodeDecodeError) as exc:
                raise Unsplittable(str(exc)) from exc
            importer.account(result, first, block)
            start, first = first, first + block.records
            return start, block

        try:
            for piece in pieces(fh, PIECE):
                pending.append(pool.submit(_convert, piece))
                if len(pending) > 2 * workers:
                    yield oldest()
            while pending:
                yield oldest()
        finally:
            pool.shutdown(cancel_futures=True)
