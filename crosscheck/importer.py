"""Import reference files: the vehicle registry snapshot and the population extract.

CSV or JSON Lines, read as a stream and written in chunks (bounded memory whatever the
file size). Rows are upserted by their key (``registry_id`` / ``id_number``), so
re-importing a file leaves the tables as they were. On PostgreSQL each chunk goes
through ``COPY`` into a temporary table and one ``INSERT … ON CONFLICT``; elsewhere
through the dialect's ``INSERT … ON CONFLICT`` (SQLite).

Functions take the caller's ``Session``; the caller owns the transaction.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

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


def _write_postgresql(
    session: Session, table: Table, key: str, rows: Iterator[dict[str, Any]], chunk: int
) -> None:
    """PostgreSQL: one ``COPY`` stream of every row into a temporary table (the server
    stores rows while this process converts the next ones), then one ``INSERT … ON
    CONFLICT`` in which the last occurrence of a key wins. Into an empty table the secondary
    indexes are built after the load, in one pass each, instead of row by row."""
    cols = [c.name for c in table.columns]
    tmp = f"tmp_{table.name}"
    session.execute(
        text(
            f"CREATE TEMP TABLE {tmp} "
            f"(LIKE {table.name} INCLUDING DEFAULTS, _seq bigint) ON COMMIT DROP"
        )
    )
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {tmp} ({', '.join(cols)}, _seq) FROM STDIN") as cp:
        for seq, row in enumerate(rows):
            cp.write_row([*(row[c] for c in cols), seq])
    empty = session.execute(text(f"SELECT NOT EXISTS (SELECT FROM {table.name})")).scalar()
    indexes = sorted(table.indexes, key=lambda ix: str(ix.name)) if empty else []
    connection = session.connection()
    for index in indexes:
        index.drop(connection)
    session.execute(text("SET LOCAL work_mem = '256MB'"))
    session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    col_list = ", ".join(cols)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c != key)
    session.execute(
        text(
            f"INSERT INTO {table.name} ({col_list}) "
            f"SELECT DISTINCT ON ({key}) {col_list} FROM {tmp} ORDER BY {key}, _seq DESC "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
    )
    for index in indexes:
        index.create(connection)
    session.execute(text(f"DROP TABLE {tmp}"))


def _import(
    session: Session,
    kind: str,
    path: Path,
    table: Table,
    key: str,
    convert: Callable[[dict[str, Any]], dict[str, Any]],
    mapping: dict[str, str] | None,
    chunk: int,
    snapshot: bool = False,
) -> ImportResult:
    if not path.is_file():
        raise ReferenceFileError(f"{path}: no such file")
    dialect = session.get_bind().dialect.name
    writers = {"postgresql": _write_postgresql, "sqlite": _write_sqlite}
    if dialect not in writers:
        raise ReferenceFileError(f"no upsert for database {dialect!r}")
    record = ReferenceImport(kind=kind, filename=path.name, sha256=_sha256(path), snapshot=snapshot)
    session.add(record)
    session.flush()
    result = ImportResult(kind, record.id)

    def converted() -> Iterator[dict[str, Any]]:
        unset: list[str] | None = None
        for n, raw in enumerate(iter_rows(path, mapping), start=1):
            try:
                if "__error__" in raw:
                    raise ValueError(raw["__error__"])
                row = convert(raw)
            except ValueError as exc:
                result.skipped += 1
                if len(result.problems) < MAX_REPORTED:
                    result.problems.append(f"row {n}: {exc}")
                continue
            row["import_id"] = record.id
            if unset is None:
                unset = [c.name for c in table.columns if c.name not in row]
            for column in unset:
                row[column] = None  # withdrawn_import_id: the file lists the row (again)
            result.rows += 1
            yield row

    writers[dialect](session, table, key, converted(), chunk)
    if snapshot:
        result.withdrawn = _withdraw(session, table, record.id)
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
    table = RegistryVehicle.__table__
    assert isinstance(table, Table)
    return _import(
        session, "registry", path, table, "registry_id", registry_row, mapping, chunk, snapshot
    )


def import_population(
    session: Session, path: Path, mapping: dict[str, str] | None = None, chunk: int = CHUNK
) -> ImportResult:
    """Upsert a population extract (keyed by ``id_number``)."""
    table = PopulationPerson.__table__
    assert isinstance(table, Table)
    return _import(session, "population", path, table, "id_number", population_row, mapping, chunk)
