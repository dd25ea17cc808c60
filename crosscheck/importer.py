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
import json
import operator
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

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


def iter_records(
    path: Path, columns: tuple[str, ...], mapping: dict[str, str] | None = None
) -> Iterator[tuple[str, ...] | dict[str, Any]]:
    """``iter_rows`` for the PostgreSQL import: a row whose schema values are all text comes
    as a tuple in ``columns`` order ('' where the file has no such column); other rows (JSON
    numbers, CSV rows shorter or longer than the header, unreadable lines) as ``iter_rows``
    gives them."""
    renames = mapping or {}
    if path.suffix.lower() != ".csv":
        for raw in iter_rows(path, mapping):
            found = [raw.get(c) for c in columns]
            if "__error__" in raw or not all(v is None or isinstance(v, str) for v in found):
                yield raw
            else:
                yield tuple("" if v is None else str(v) for v in found)
        return
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [renames.get(k, k) for k in next(reader, [])]
        last = {name: i for i, name in enumerate(header)}  # dict(zip()): the last one wins
        width = len(header)
        # Columns the file lacks read the '' appended after the row's values.
        pick = operator.itemgetter(*(last.get(c, width) for c in columns))
        for values in reader:
            if len(values) == width and values:
                values.append("")
                yield pick(values)
            elif values:
                yield dict(zip(header, values, strict=False))


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
    """Keys seen so far, as a Bloom filter (8 MiB, two probes): never wrong about a key that
    is new to it being "maybe seen", sometimes wrong the other way (~0.1% at 1M keys, ~5% at
    8M); bounded memory whatever the file."""

    BITS = 1 << 26

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)

    def add(self, key: str) -> bool:
        """Record ``key``; True when it may have been recorded before."""
        h = hash(key)
        a, b = h & (self.BITS - 1), (h >> 26) & (self.BITS - 1)
        bits = self.bits
        seen = bits[a >> 3] & (1 << (a & 7)) and bits[b >> 3] & (1 << (b & 7))
        bits[a >> 3] |= 1 << (a & 7)
        bits[b >> 3] |= 1 << (b & 7)
        return bool(seen)


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
    session: Session, table: Table, key: str, columns: list[str], blocks: Iterator[str]
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
    session: Session, table: Table, key: str, lines: Iterator[tuple[str, int, str]],
    columns: list[str],
) -> None:  # fmt: skip
    """PostgreSQL: ``lines`` are (key, record number, COPY text line of ``columns``).

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
        numbered = (f"{n}\t{line}" for _, n, line in lines)
        _merge_postgresql(session, table, key, columns, _blocks(numbered))
        return
    rebuild = _drop_for_load(session, table)
    seen = _Seen()
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as later:

        def first() -> Iterator[str]:
            for k, n, line in lines:
                if seen.add(k):
                    later.write(f"{n}\t{line}")
                else:
                    yield line

        col_list = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({col_list}) FROM STDIN") as cp:
            for block in _blocks(first()):
                cp.write(block)
        connection = session.connection()
        for statement in rebuild:
            connection.exec_driver_sql(statement)
        if later.tell():
            later.seek(0)
            _merge_postgresql(session, table, key, columns, iter(lambda: later.read(1 << 20), ""))


def _blocks(lines: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Lines joined into blocks of about ``size`` characters (one COPY message each)."""
    batch: list[str] = []
    length = 0
    for line in lines:
        batch.append(line)
        length += len(line)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


@dataclass(frozen=True)
class _Kind:
    """One kind of reference file: its table, key, file columns and conversions."""

    name: str
    table: Table
    key: str
    columns: tuple[str, ...]  # the file's schema columns
    convert: Callable[[dict[str, Any]], dict[str, Any]]  # any row, to table form
    plain: Callable[[tuple[str, ...]], list[str] | None]  # a plain row, to COPY fields of `fields`
    fields: tuple[str, ...]  # table columns the conversions fill, in COPY order


def _report(result: ImportResult, n: int, exc: ValueError) -> None:
    result.skipped += 1
    if len(result.problems) < MAX_REPORTED:
        result.problems.append(f"row {n}: {exc}")


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


def _copy_lines(
    kind: _Kind, path: Path, mapping: dict[str, str] | None, import_id: int, result: ImportResult
) -> Iterator[tuple[str, int, str]]:
    """(key, record number, COPY text line of ``kind.fields`` + the other table columns) of
    every row with a key (PostgreSQL). Plain rows take ``kind.plain``, others
    ``kind.convert``: the same values either way."""
    rest = [c.name for c in kind.table.columns if c.name not in kind.fields]
    tail = "".join(f"\t{import_id}" if c == "import_id" else "\t\\N" for c in rest) + "\n"
    for n, record in enumerate(iter_records(path, kind.columns, mapping), start=1):
        try:
            fields = kind.plain(record) if isinstance(record, tuple) else None
            if fields is None:
                if isinstance(record, tuple):
                    record = dict(zip(kind.columns, record, strict=True))
                raw = record
                if "__error__" in raw:
                    raise ValueError(raw["__error__"])
                row = kind.convert(raw)
                fields = [plainrows.copy_field(row[c]) for c in kind.fields]
        except ValueError as exc:
            _report(result, n, exc)
            continue
        result.rows += 1
        yield fields[0], n, "\t".join(fields) + tail


def _import(
    session: Session,
    kind: _Kind,
    path: Path,
    mapping: dict[str, str] | None,
    chunk: int,
    snapshot: bool = False,
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
        lines = _copy_lines(kind, path, mapping, record.id, result)
        columns = [*kind.fields, *(c.name for c in kind.table.columns if c.name not in kind.fields)]
        _write_postgresql(session, kind.table, kind.key, lines, columns)
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
) -> ImportResult:
    """Upsert a registry file (one row per vehicle, keyed by ``registry_id``).

    With ``snapshot`` the file is the whole registry: rows it does not list are marked
    withdrawn (``withdrawn_import_id``), not deleted, and no longer match documents; a
    later file that lists them again clears the mark.
    """
    return _import(session, _registry(), path, mapping, chunk, snapshot)


def import_population(
    session: Session, path: Path, mapping: dict[str, str] | None = None, chunk: int = CHUNK
) -> ImportResult:
    """Upsert a population extract (keyed by ``id_number``)."""
    return _import(session, _population(), path, mapping, chunk)


def _registry() -> _Kind:
    table = RegistryVehicle.__table__
    assert isinstance(table, Table)
    return _Kind(
        "registry", table, "registry_id", REGISTRY_COLUMNS, registry_row,
        plainrows.registry_fields, plainrows.REGISTRY_TABLE,
    )  # fmt: skip


def _population() -> _Kind:
    table = PopulationPerson.__table__
    assert isinstance(table, Table)
    return _Kind(
        "population", table, "id_number", POPULATION_COLUMNS, population_row,
        plainrows.population_fields, plainrows.POPULATION_TABLE,
    )  # fmt: skip
