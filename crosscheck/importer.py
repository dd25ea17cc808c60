"""Import reference files: the vehicle registry snapshot and the population extract.

CSV or JSON Lines, read as a stream (bounded memory whatever the file size). Rows are
upserted by their key (``registry_id`` / ``id_number``), so re-importing a file leaves the
tables as they were; the last occurrence of a key wins. On PostgreSQL plain rows are
converted by ``plainrows`` (the rest by ``registry_row`` / ``population_row``, same values)
and ``COPY``-ed: into an empty table straight in, with keys and indexes rebuilt afterwards;
into a table with rows through a temporary table and one ``INSERT … ON CONFLICT``. On
SQLite ``INSERT … ON CONFLICT`` per chunk of rows.

Functions take the caller's ``Session``; the caller owns the transaction.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import json
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Table, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from crosscheck import plainrows
from crosscheck.keys import chassis_key, engine_key, id_key, int_value, name_key, plate_key
from extract.normalize import clean_text, parse_date
from extract.validators import parse_sex
from hoso.errors import HosoError
from hoso.models import PopulationPerson, ReferenceImport, RegistryVehicle

REGISTRY_COLUMNS = (
    "registry_id", "plate_number", "chassis_number", "engine_number", "brand", "model_code",
    "vehicle_type", "color", "manufacture_year", "seats", "engine_capacity_cc", "owner_name",
    "owner_id_number", "owner_address", "registration_date", "status",
)  # fmt: skip
POPULATION_COLUMNS = ("id_number", "full_name", "date_of_birth", "sex", "place_of_residence")
CHUNK = 5000
BLOCK = 2000  # rows converted together on PostgreSQL (plainrows.registry_block)
MAX_REPORTED = 20


class ReferenceFileError(HosoError):
    """A reference file that cannot be read at all (unknown format, missing key column)."""

    exit_code = 3
    http_status = 422


@dataclass
class ImportResult:
    kind: str
    import_id: int
    rows: int = 0
    skipped: int = 0
    withdrawn: int = 0  # registry rows a snapshot no longer lists, newly marked
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = clean_text(str(value))
    return s or None


@functools.lru_cache(maxsize=4096)
def _repeated_text(value: str) -> str | None:
    return _text(value)


# Columns with few distinct values (makes, types, colours, years): cleaned once each.
_REPEATED = frozenset(
    {"brand", "model_code", "vehicle_type", "color", "manufacture_year", "seats",
     "engine_capacity_cc", "status"}
)  # fmt: skip
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _column_text(column: str, value: Any) -> str | None:
    if column in _REPEATED and isinstance(value, str):
        return _repeated_text(value)
    return _text(value)


def _date(value: Any) -> date | None:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value) and 1900 <= int(value[:4]) <= 2100:
        try:  # the export's own form, as parse_date would read it
            return date.fromisoformat(value)
        except ValueError:
            pass
    s = _text(value)
    iso = parse_date(s) if s else None
    return date.fromisoformat(iso) if iso else None


def registry_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One registry row in table form (values cleaned, lookup keys computed).

    Raises ``ValueError`` when the row has no registry_id.
    """
    registry_id = _text(raw.get("registry_id"))
    if not registry_id:
        raise ValueError("no registry_id")
    row: dict[str, Any] = {c: _column_text(c, raw.get(c)) for c in REGISTRY_COLUMNS}
    row["registry_id"] = registry_id
    for c in ("manufacture_year", "seats", "engine_capacity_cc"):
        row[c] = int_value(row[c])
    row["registration_date"] = _date(raw.get("registration_date"))
    row["plate_key"] = plate_key(row["plate_number"])
    row["chassis_key"] = chassis_key(row["chassis_number"])
    row["engine_key"] = engine_key(row["engine_number"])
    row["owner_id_key"] = id_key(row["owner_id_number"])
    return row


def population_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One population row in table form; raises ``ValueError`` without an ID number."""
    number = id_key(_text(raw.get("id_number")))
    if not number:
        raise ValueError("no id_number")
    full_name = _text(raw.get("full_name"))
    sex_raw = _text(raw.get("sex"))
    return {
        "id_number": number,
        "full_name": full_name,
        "name_key": name_key(full_name),
        "date_of_birth": _date(raw.get("date_of_birth")),
        "sex": parse_sex(sex_raw) if sex_raw else None,
        "place_of_residence": _text(raw.get("place_of_residence")),
    }


def load_mapping(path: Path | None) -> dict[str, str]:
    """Column renames ``{file column: schema column}`` from a JSON object or a 2-column CSV."""
    if path is None:
        return {}
    if path.suffix.lower() == ".json":
        loaded = json.loads(path.read_text("utf-8"))
        if not isinstance(loaded, dict):
            raise ReferenceFileError(f"{path}: a mapping file must hold one JSON object")
        return {str(k): str(v) for k, v in loaded.items()}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return {r[0].strip(): r[1].strip() for r in csv.reader(fh) if len(r) >= 2 and r[0]}


def iter_rows(path: Path, mapping: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a CSV (``.csv``) or JSON Lines (``.jsonl``, ``.ndjson``, ``.json``) file, renamed."""
    renames = mapping or {}
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [renames.get(k, k) for k in next(reader, [])]
            for values in reader:
                if values:  # as csv.DictReader: blank lines skipped, extra values dropped
                    yield dict(zip(header, values, strict=False))
    elif suffix in {".jsonl", ".ndjson", ".json"}:
        with path.open(encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield {"__error__": f"line {n}: {exc.msg}"}
                    continue
                if isinstance(obj, dict):
                    yield {renames.get(str(k), str(k)): v for k, v in obj.items()}
                else:
                    yield {"__error__": f"line {n}: not a JSON object"}
    else:
        raise ReferenceFileError(f"{path}: unknown format {suffix!r} (use .csv or .jsonl)")


def iter_blocks(
    path: Path, columns: tuple[str, ...], mapping: dict[str, str] | None = None, size: int = BLOCK
) -> Iterator[Sequence[Sequence[str] | dict[str, Any]]]:
    """``iter_rows`` for the PostgreSQL import, in lists of up to ``size`` records: a row
    whose schema values are all text comes as its values in ``columns`` order ('' where the
    file has no such column; the CSV reader's own list when the header names exactly
    ``columns``); other rows (JSON numbers, CSV rows shorter or longer than the header,
    unreadable lines) as ``iter_rows`` gives them."""
    renames = mapping or {}
    if path.suffix.lower() != ".csv":
        records: list[Sequence[str] | dict[str, Any]] = []
        for raw in iter_rows(path, mapping):
            found = [raw.get(c) for c in columns]
            if "__error__" in raw or not all(v is None or isinstance(v, str) for v in found):
                records.append(raw)
            else:
                records.append(tuple("" if v is None else str(v) for v in found))
            if len(records) >= size:
                yield records
                records = []
        if records:
            yield records
        return
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        layout = CsvLayout(next(reader, []), columns, renames)
        for rows in iter(lambda: list(itertools.islice(reader, size)), []):
            yield layout.records(rows)


class CsvLayout:
    """Where a CSV file's header puts the schema ``columns``: turns the reader's rows into
    ``iter_blocks`` records."""

    def __init__(self, header: list[str], columns: tuple[str, ...], renames: dict[str, str]):
        self.header = [renames.get(k, k) for k in header]
        last = {name: i for i, name in enumerate(self.header)}  # as dict(zip()): last wins
        self.width = len(self.header)
        self.as_is = tuple(self.header) == columns
        # Columns the file lacks read the '' appended after the row's values.
        self.pick = operator.itemgetter(*(last.get(c, self.width) for c in columns))

    def records(self, rows: list[list[str]]) -> Sequence[Sequence[str] | dict[str, Any]]:
        width = self.width
        if self.as_is and all(len(values) == width for values in rows):
            return rows
        block: list[Sequence[str] | dict[str, Any]] = []
        for values in rows:
            if len(values) == width and values:
                values.append("")
                block.append(self.pick(values))
            elif values:
                block.append(dict(zip(self.header, values, strict=False)))
        return block


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _upsert_sqlite(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    stmt = sqlite.insert(table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name != key}
    session.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update), rows)


def _write_sqlite(
    session: Session, table: Table, key: str, rows: Iterator[dict[str, Any]], chunk: int
) -> None:
    """SQLite: ``INSERT … ON CONFLICT`` per chunk of rows."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            _upsert_sqlite(session, table, key, batch)
            batch = []
    if batch:
        _upsert_sqlite(session, table, key, batch)


class _Seen:
    """Keys seen so far, as a Bloom filter (16 MiB, three probes): never wrong about a key
    that is new to it being "maybe seen", sometimes wrong the other way (~0.001 % at 1M
    keys, ~0.5 % at 8M); bounded memory whatever the file. Each false "seen" sends its
    row, and the conversion of its block into lines, through the slower upsert path: two
    probes in 8 MiB (~0.1 % at 1M keys) had sent half the blocks of a 1M-row file there."""

    BITS = 1 << 27

    def __init__(self) -> None:
        self.bits = np.zeros(self.BITS // 8, dtype=np.uint8)

    def add(self, keys: Sequence[str]) -> np.ndarray:
        """Record ``keys``; for each, True when it may have been recorded before (by an
        earlier call or earlier in ``keys``)."""
        h = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys)).view(np.uint64)
        mixed = h * np.uint64(0x9E3779B97F4A7C15)  # a second hash for the third probe
        mask = np.uint64(self.BITS - 1)
        probes = [h & mask, (h >> np.uint64(27)) & mask, (mixed >> np.uint64(37)) & mask]
        seen = np.ones(len(keys), dtype=bool)
        for p in probes:
            seen &= ((self.bits[p >> np.uint64(3)] >> (p & np.uint64(7))) & 1).astype(bool)
        _, first = np.unique(h, return_index=True)
        repeated = np.ones(len(keys), dtype=bool)
        repeated[first] = False
        for p in probes:
            bit = np.left_shift(1, (p & np.uint64(7)).astype(np.uint8)).astype(np.uint8)
            np.bitwise_or.at(self.bits, p >> np.uint64(3), bit)
        return seen | repeated


def _drop_for_load(session: Session, table: Table) -> list[str]:
    """Drop the table's keys, foreign keys and indexes (read from the catalog); return the
    statements that rebuild them as they were, primary key first and foreign keys last.
    Keys that another table's foreign key refers to stay (and their indexes with them)."""
    connection = session.connection()
    constraints = connection.execute(
        text(
            "SELECT quote_ident(c.conname), pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE c.conrelid = CAST(:t AS regclass) "
            "AND (c.contype = 'f' OR c.contype IN ('p', 'u') AND NOT EXISTS (SELECT FROM "
            "pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)) "
            "ORDER BY c.conname"
        ),
        {"t": table.name},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT CAST(indexrelid AS regclass)::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = CAST(:t AS regclass) AND indexrelid NOT IN "
            "(SELECT conindid FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)) "
            "ORDER BY 1"
        ),
        {"t": table.name},
    ).all()
    order = {"p": 0, "u": 1, "f": 3}
    rebuild = sorted(
        [(order[kind], f"ALTER TABLE {table.name} ADD CONSTRAINT {name} {definition}")
         for name, definition, kind in constraints]
        + [(2, definition) for _, definition in indexes]
    )  # fmt: skip
    for name, _, _ in constraints:
        connection.exec_driver_sql(f"ALTER TABLE {table.name} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    return [statement for _, statement in rebuild]


def _merge_postgresql(
    session: Session, table: Table, key: str, columns: list[str], blocks: Iterator[bytes]
) -> None:
    """``COPY`` lines ``seq\t<columns>`` into a temporary table and upsert them in one
    ``INSERT … ON CONFLICT``; of several rows with one key the one with the highest seq wins."""
    tmp = f"tmp_{table.name}"
    session.execute(
        text(
            f"CREATE TEMP TABLE {tmp} "
            f"(LIKE {table.name} INCLUDING DEFAULTS, _seq bigint) ON COMMIT DROP"
        )
    )
    col_list = ", ".join(columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {tmp} (_seq, {col_list}) FROM STDIN") as cp:
        for block in blocks:
            cp.write(block)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key)
    session.execute(
        text(
            f"INSERT INTO {table.name} ({col_list}) "
            f"SELECT DISTINCT ON ({key}) {col_list} FROM {tmp} ORDER BY {key}, _seq DESC "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
    )
    session.execute(text(f"DROP TABLE {tmp}"))


def _write_postgresql(
    session: Session,
    table: Table,
    key: str,
    blocks: Iterator[tuple[int, Converted]],
    columns: list[str],
) -> None:
    """PostgreSQL: ``blocks`` of rows converted to COPY text lines of ``columns``, each with
    the number of its first record.

    Into an empty table (a first load): keys, foreign keys and indexes are dropped, the
    first occurrence of every key is ``COPY``-ed straight into the table (the server stores
    rows while this process converts the next ones), the keys and indexes are rebuilt in one
    sort each and the foreign keys checked in one query; later occurrences (and keys the
    filter only thinks it has seen) wait in a temporary file and are upserted afterwards,
    so the last occurrence of a key wins. Into a table with rows: every row through a
    temporary table and one ``INSERT … ON CONFLICT``."""
    session.execute(text("SET LOCAL work_mem = '256MB'"))
    session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    empty = session.execute(text(f"SELECT NOT EXISTS (SELECT FROM {table.name})")).scalar()
    if not empty:
        numbered = (
            b"".join(
                b"%d\t%s" % pair for pair in zip(block.numbers(first), block.lines(), strict=True)
            )
            for first, block in blocks
        )
        _merge_postgresql(session, table, key, columns, numbered)
        return
    rebuild = _drop_for_load(session, table)
    seen = _Seen()
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with tempfile.TemporaryFile("w+b") as later:

        def first() -> Iterator[bytes]:
            for start, block in blocks:
                again = seen.add(block.keys)
                if not again.any():
                    yield block.data
                    continue
                fresh = []
                lines = block.lines()
                for n, line, repeated in zip(
                    block.numbers(start), lines, again.tolist(), strict=True
                ):
                    if repeated:
                        later.write(b"%d\t%s" % (n, line))
                    else:
                        fresh.append(line)
                yield b"".join(fresh)

        col_list = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({col_list}) FROM STDIN") as cp:
            for block in first():
                cp.write(block)
        connection = session.connection()
        for statement in rebuild:
            connection.exec_driver_sql(statement)
        if later.tell():
            later.seek(0)
            _merge_postgresql(session, table, key, columns, iter(lambda: later.read(1 << 20), b""))


@dataclass(frozen=True)
class _Kind:
    """One kind of reference file: its table, key, file columns and conversions."""

    name: str
    table: Table
    key: str
    columns: tuple[str, ...]  # the file's schema columns
    convert: Callable[[dict[str, Any]], dict[str, Any]]  # any row, to table form
    plain: Callable[[tuple[str, ...]], list[str] | None]  # a plain row, to COPY fields of `fields`
    # A block of rows to (keys, COPY text), or None unless all are plain (plainrows).
    plain_block: Callable[[Sequence[Sequence[str]], str], tuple[Sequence[str], str] | None]
    fields: tuple[str, ...]  # table columns the conversions fill, in COPY order


def _report(result: ImportResult, n: int, problem: ValueError | str) -> None:
    result.skipped += 1
    if len(result.problems) < MAX_REPORTED:
        result.problems.append(f"row {n}: {problem}")


def _converted_rows(
    kind: _Kind, path: Path, mapping: dict[str, str] | None, import_id: int, result: ImportResult
) -> Iterator[dict[str, Any]]:
    """Rows in table form (SQLite); rows without a key are counted in ``result``."""
    unset = [c.name for c in kind.table.columns if c.name not in kind.fields]
    for n, raw in enumerate(iter_rows(path, mapping), start=1):
        try:
            if "__error__" in raw:
                raise ValueError(raw["__error__"])
            row = kind.convert(raw)
        except ValueError as exc:
            _report(result, n, exc)
            continue
        for column in unset:
            row[column] = None  # withdrawn_import_id: the file lists the row (again)
        row["import_id"] = import_id
        result.rows += 1
        yield row


@dataclass
class Converted:
    """A block of records converted for ``COPY``: the keys and the text lines of the
    records with a key, and the others as (number in the block, reason).

    The lines are UTF-8 bytes: encoded once where they are made (a conversion worker), they
    cross the process pipe and reach the server as they are; as ``str`` they were encoded
    by pickle, decoded in this process and encoded again by psycopg (~1.5 s of this
    process's CPU in a 1M-row import)."""

    keys: list[str]
    data: bytes  # the COPY text lines, joined, UTF-8
    records: int  # in the block, converted or not
    skipped: list[tuple[int, str]]

    def lines(self) -> list[bytes]:
        return [line + b"\n" for line in self.data.split(b"\n")[:-1]]  # COPY escapes newlines

    def numbers(self, first: int) -> list[int]:
        """Record numbers of the lines, the block's first record being number ``first``."""
        skipped = {i for i, _ in self.skipped}
        return [first + i - 1 for i in range(1, self.records + 1) if i not in skipped]


def copy_tail(kind: _Kind, import_id: int) -> str:
    """The text after a row's ``kind.fields`` in its COPY line: the other table columns."""
    rest = [c.name for c in kind.table.columns if c.name not in kind.fields]
    return "".join(f"\t{import_id}" if c == "import_id" else "\t\\N" for c in rest) + "\n"


def convert_block(
    kind: _Kind, records: Sequence[Sequence[str] | dict[str, Any]], tail: str
) -> Converted:
    """``iter_blocks`` records as COPY lines of ``kind.fields`` + ``tail``. A block of
    plain rows takes ``kind.plain_block``, other blocks are converted row by row: plain rows
    by ``kind.plain``, others by ``kind.convert``; the same values every way."""
    if dict not in set(map(type, records)):
        converted = kind.plain_block(records, tail)  # type: ignore[arg-type]
        if converted is not None:
            return Converted(list(converted[0]), converted[1].encode(), len(records), [])
    keys, lines, skipped = [], [], []
    for i, record in enumerate(records, start=1):
        try:
            fields = None if isinstance(record, dict) else kind.plain(tuple(record))
            if fields is None:
                raw = (
                    record
                    if isinstance(record, dict)
                    else dict(zip(kind.columns, record, strict=True))
                )
                if "__error__" in raw:
                    raise ValueError(raw["__error__"])
                row = kind.convert(raw)
                fields = [plainrows.copy_field(row[c]) for c in kind.fields]
        except ValueError as exc:
            skipped.append((i, str(exc)))
            continue
        keys.append(fields[0])
        lines.append("\t".join(fields) + tail)
    return Converted(keys, "".join(lines).encode(), len(records), skipped)


def account(result: ImportResult, first: int, block: Converted) -> None:
    """Count a converted block (its first record numbered ``first``) in ``result``."""
    result.rows += len(block.keys)
    for i, problem in block.skipped:
        _report(result, first + i - 1, problem)


def _copy_blocks(
    kind: _Kind, path: Path, mapping: dict[str, str] | None, import_id: int, result: ImportResult
) -> Iterator[tuple[int, Converted]]:
    """(number of the first record, converted block) of every block of the file, in this
    process (PostgreSQL); the rows without a key are counted in ``result``."""
    tail = copy_tail(kind, import_id)
    first = 1
    for records in iter_blocks(path, kind.columns, mapping):
        block = convert_block(kind, records, tail)
        account(result, first, block)
        yield first, block
        first += block.records


def _import(
    session: Session,
    kind: _Kind,
    path: Path,
    mapping: dict[str, str] | None,
    chunk: int,
    snapshot: bool = False,
    workers: int | None = None,
) -> ImportResult:
    if not path.is_file():
        raise ReferenceFileError(f"{path}: no such file")
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise ReferenceFileError(f"no upsert for database {dialect!r}")
    record = ReferenceImport(
        kind=kind.name, filename=path.name, sha256=_sha256(path), snapshot=snapshot
    )
    session.add(record)
    session.flush()
    result = ImportResult(kind.name, record.id)
    if dialect == "postgresql":
        from crosscheck import csvsplit  # it imports this module

        columns = [*kind.fields, *(c.name for c in kind.table.columns if c.name not in kind.fields)]
        if workers is None:
            big = path.suffix.lower() == ".csv" and path.stat().st_size >= csvsplit.MIN_BYTES
            workers = min(os.cpu_count() or 1, 4) if big else 1
        if workers > 1:
            try:
                with session.begin_nested():
                    blocks = csvsplit.converted_blocks(
                        kind.name, path, mapping, record.id, result, workers
                    )
                    _write_postgresql(session, kind.table, kind.key, blocks, columns)
            except csvsplit.Unsplittable:
                result = ImportResult(kind.name, record.id)  # counted again, in one process
                workers = 1
        if workers == 1:
            blocks = _copy_blocks(kind, path, mapping, record.id, result)
            _write_postgresql(session, kind.table, kind.key, blocks, columns)
    else:
        rows = _converted_rows(kind, path, mapping, record.id, result)
        _write_sqlite(session, kind.table, kind.key, rows, chunk)
    if snapshot:
        result.withdrawn = _withdraw(session, kind.table, record.id)
    record.rows, record.skipped = result.rows, result.skipped
    record.withdrawn = result.withdrawn
    session.flush()
    return result


def _withdraw(session: Session, table: Table, import_id: int) -> int:
    """Mark the rows this snapshot did not list (kept, with the import that last listed
    them); rows already marked keep the snapshot that first missed them."""
    stmt = (
        update(table)
        .where(table.c.import_id != import_id, table.c.withdrawn_import_id.is_(None))
        .values(withdrawn_import_id=import_id)
    )
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def import_registry(
    session: Session,
    path: Path,
    mapping: dict[str, str] | None = None,
    chunk: int = CHUNK,
    *,
    snapshot: bool = False,
    workers: int | None = None,
) -> ImportResult:
    """Upsert a registry file (one row per vehicle, keyed by ``registry_id``).

    With ``snapshot`` the file is the whole registry: rows it does not list are marked
    withdrawn (``withdrawn_import_id``), not deleted, and no longer match documents; a
    later file that lists them again clears the mark.

    On PostgreSQL a CSV file of 32 MiB or more is converted by ``workers`` processes (by
    default one per core, at most four; ``crosscheck.csvsplit``), a smaller one in this
    process.
    """
    return _import(session, _registry(), path, mapping, chunk, snapshot, workers)


def import_population(
    session: Session,
    path: Path,
    mapping: dict[str, str] | None = None,
    chunk: int = CHUNK,
    *,
    workers: int | None = None,
) -> ImportResult:
    """Upsert a population extract (keyed by ``id_number``)."""
    return _import(session, _population(), path, mapping, chunk, workers=workers)


def _registry() -> _Kind:
    table = RegistryVehicle.__table__
    assert isinstance(table, Table)
    return _Kind(
        "registry", table, "registry_id", REGISTRY_COLUMNS, registry_row,
        plainrows.registry_fields, plainrows.registry_block, plainrows.REGISTRY_TABLE,
    )  # fmt: skip


def _population() -> _Kind:
    table = PopulationPerson.__table__
    assert isinstance(table, Table)
    return _Kind(
        "population", table, "id_number", POPULATION_COLUMNS, population_row,
        plainrows.population_fields, plainrows.population_block, plainrows.POPULATION_TABLE,
    )  # fmt: skip


KINDS = {"registry": _registry, "population": _population}
