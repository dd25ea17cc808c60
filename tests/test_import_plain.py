"""The PostgreSQL import's fast conversion of plain rows gives exactly what the general
conversion (``importer.registry_row`` / ``population_row``) gives, and an import of a file of
awkward rows stores, on SQLite and PostgreSQL, what that conversion gives for the last
occurrence of each key."""

from __future__ import annotations

import csv
import io
import itertools
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from crosscheck import importer, plainrows
from extract.normalize import _MODIFIERS, _TONES, clean_text, fold
from hoso.models import PopulationPerson, ReferenceImport, RegistryVehicle
from tests.dbs import migrated_sessions

NFD = unicodedata.normalize("NFD", "NGUYỄN THỊ HƯỜNG")
# Registry rows in importer.REGISTRY_COLUMNS order: every kind of value the fast path takes
# (NFD, Ð, separators, VIN letters, several engines) and every kind it must leave alone.
REGISTRY = [
    ["RG-1", "29-L7 439.89", "RL0UCTRM4L3296534", "P4AT000017", "FORD", "RANGER",
     "Ô tô tải (pickup cabin kép)", "Bạc", "2020", "5", "1996", NFD, "001075012345",
     "Số 207 đường Cầu Giấy, phường Kim Giang, TP. Hà Nội", "2022-12-26", "active"],
    ["RG-2", "30a-123.45", "rl0uc trm4l 3296o34", "N20B7-77794; p4at 000017", "VINFAST",
     "LUX A2.0", "Ô TÔ CON", "TRANG", "2010", "", "1998", "ÐẶNG VĂN ÐỨC",
     "001-167-399482", "Thôn Đoài, X. Mai Đình", "2010-11-17", "active"],
    ["RG-3", "51G 888.88", "ABC-123/45_6.7", "E1,E2;;e0", "HONDA", "SH 125i", "Xe mô tô",
     "Đỏ", "2015", "2", "125", "Thiếu tá Trần Văn Hoà 1980", "CMND 012345678",
     "Hoà Bình", "", "deregistered"],
    # Taken by the general path: edge and double spaces, a zero-width space, a tab, a
    # broken ươ, old-style dates, invalid ISO dates, numbers with separators, a backslash.
    ["RG-4", " 29A-1 ", "X", "Y", "  TOYOTA ", "VIOS", "Ô tô  con", "Trắng", "2019", "5",
     "1496", "LÊ\u200bVĂN", "001", "A", "12/03/2020", "active"],
    ["RG-5", "29A-2", "Q", "Z", "KIA", "K3", "Ô tô\tcon", "Xanh", "2,019", "5 chỗ", "1.591",
     "NGUYỄN LƯỌNG", "0", "B", "2020-02-30", "active"],
    ["RG-6", "29A-3", "W", "V", "KIA\\X", "K5", "Xe", "thuở", "1850", "", "", "A",
     "", "C", "1850-01-01", ""],
    ["RG-7", "29A-4", "W", "V", "MAZDA", "3", "Xe", "Đen", "MMXX", "", "", "B",
     "", "D", "ngày 5 tháng 6 năm 2021", "x"],
    ["RG-8", unicodedata.normalize("NFD", "29Ð-5"), "", "", "", "", "", "", "", "", "",
     "e\u0301\u0302 ", "", "", "2021-06-05", ""],
    # No key (skipped and reported), and duplicate keys (the last one wins).
    ["", "29A-6", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["   ", "29A-7", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["RG-1", "29-L7 439.90", "RL0UCTRM4L3296534", "P4AT000017", "FORD", "RANGER",
     "Ô tô tải", "Ðen", "2021", "5", "1996", "VÕ BÁ PHONG", "001075012345", "Hà Nội",
     "2023-01-02", "active"],
]  # fmt: skip
POPULATION = [
    ["001075012345", "Võ Bá Phong", "1975-05-04", "Nam", "Số 207, Phường Định Công"],
    ["001 167 399482", NFD, "1967-11-01", "Nữ", "Thôn Đoài"],
    ["001-080-000001", "Thiếu tá Trần Văn Hoà 1980", "1980-01-01", "NỮ", "X"],
    ["001080000002", "ÐỖ THỊ LAN SN 1980", "1980-02-01", "nu", ""],
    ["001080000003", "Trung Tá", "", "F / M", "Y"],
    ["001080000004", "Cấp bậc Đại úy Lê Văn Tám", "01/02/1980", "Male", "Z"],
    ["001080000005", "Nguyễn  Văn  A", "1980-13-01", "", "Ấp 3, xã  X"],
    ["001080000006", "HOÀNG LƯƠNG", "1999-12-31", "Nữ", "A\\B"],
    ["CMND", "Không số", "", "Nam", ""],
    ["", "Không số", "", "Nam", ""],
    ["001075012345", "Võ Bá Phong", "1975-05-04", "Nam", "Phường Định Công, Hà Nội"],
]  # fmt: skip


def _general(kind: str, values: list[str]) -> list[str] | str:
    """COPY fields from the general conversion, or its ValueError message."""
    columns = importer.REGISTRY_COLUMNS if kind == "registry" else importer.POPULATION_COLUMNS
    order = plainrows.REGISTRY_TABLE if kind == "registry" else plainrows.POPULATION_TABLE
    convert = importer.registry_row if kind == "registry" else importer.population_row
    try:
        row = convert(dict(zip(columns, values, strict=True)))
    except ValueError as exc:
        return str(exc)
    return [plainrows.copy_field(row[c]) for c in order]


def _fast(kind: str, values: list[str]) -> list[str] | str | None:
    fields = plainrows.registry_fields if kind == "registry" else plainrows.population_fields
    try:
        return fields(tuple(values))
    except ValueError as exc:
        return str(exc)


def test_letters_fold_to_one_ascii_letter_and_stay_non_ascii_in_upper_case() -> None:
    assert "ế" in plainrows.LETTERS and "Đ" in plainrows.LETTERS and "Ð" not in plainrows.LETTERS
    assert plainrows.FIXES == "ÐðƉɖ"  # spelt out in plainrows.plain_values
    for c in plainrows.LETTERS:
        assert len(fold(c)) == 1 and fold(c).isascii() and fold(c).isalpha(), c
        assert len(c.upper()) == 1 and not c.upper().isascii(), c
        assert unicodedata.normalize("NFC", c) == c and clean_text(c) == c, c


def test_clean_text_is_nfc_when_nfc_gives_plain_letters() -> None:
    """Every letter with every order of up to three Vietnamese marks: when NFC composes the
    sequence into letters of the plain set, clean_text's mark reordering changes nothing
    (a modifier after a tone mark never composes)."""
    marks = sorted(_TONES | _MODIFIERS)
    plain = set(plainrows.LETTERS) | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    checked = 0
    for base in "aeiouyAEIOUYnN":
        for k in (1, 2, 3):
            for seq in itertools.permutations(marks, k):
                s = base + "".join(seq)
                nfc = unicodedata.normalize("NFC", s)
                if set(nfc) <= plain:
                    assert clean_text(s) == nfc, ascii(s)
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("kind", ["registry", "population"])
def test_fast_path_gives_the_general_conversion_on_awkward_rows(kind: str) -> None:
    rows = REGISTRY if kind == "registry" else POPULATION
    for values in rows:
        fast = _fast(kind, values)
        assert fast is None or fast == _general(kind, values), values
    # NFD, Ð, separators, ranks, a missing key and a duplicate key go the fast way; edge or
    # double spaces, control characters, broken ươ, other dates and numbers do not.
    taken = [i for i, values in enumerate(rows) if _fast(kind, values) is not None]
    assert taken == ([0, 1, 2, 8, 10] if kind == "registry" else [0, 1, 2, 3, 4, 8, 9, 10])


ODDITIES = [
    "Lê  Văn", " Lê", "Lê ", "LƯỌNG", "Lựơng", "luơn", "thuở", "A\u200bB", "A\tB", "A\\B",
    "\\N", "ÐÔNG", unicodedata.normalize("NFD", "Đặng Hưng"), "e\u0301\u0302", "ǘ", "Ω", "A\u00a0B",
    "2,019", "0012", "2147483647", "12/03/2020", "2020-02-30", "1899-01-01", "Nữ", "Nam Nữ", "F",
]  # fmt: skip


@pytest.mark.parametrize("kind", ["registry", "population"])
def test_fast_path_gives_the_general_conversion_with_one_odd_value(kind: str) -> None:
    base = REGISTRY[0] if kind == "registry" else POPULATION[0]
    for column, odd in itertools.product(range(len(base)), ODDITIES):
        values = [*base[:column], odd, *base[column + 1 :]]
        fast = _fast(kind, values)
        assert fast is None or fast == _general(kind, values), (column, odd)


_ALPHABET = st.sampled_from(
    [*"aAoOuUyYdD09 -.;,/:_'\"\\\t", "ư", "ơ", "ờ", "ừ", "ự", "Đ", "đ", "Ð", "ð", "ế",
     "\u0301", "\u0302", "\u0303", "\u031b", "\u0323", "\u200b", "\u00a0", "Ω", "ǘ", "ñ"]
)  # fmt: skip
_VALUE = st.one_of(
    st.text(_ALPHABET, max_size=12),
    st.sampled_from(["", "2020-02-29", "2021-02-29", "1899-12-31", "2015", "0012", "Nam", "Nữ"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_VALUE, min_size=16, max_size=16))
def test_fast_path_gives_the_general_conversion_on_random_registry_rows(values: list[str]) -> None:
    fast = _fast("registry", values)
    assert fast is None or fast == _general("registry", values)


@settings(max_examples=400, deadline=None)
@given(st.lists(_VALUE, min_size=5, max_size=5))
def test_fast_path_gives_the_general_conversion_on_random_population_rows(
    values: list[str],
) -> None:
    fast = _fast("population", values)
    assert fast is None or fast == _general("population", values)


def _rows_fast(kind: str, rows: list[list[str]], tail: str) -> list[str] | None:
    """The block's COPY lines as the row-by-row fast path gives them; None unless it takes
    every row."""
    lines = []
    for values in rows:
        fast = _fast(kind, values)
        if not isinstance(fast, list):
            return None
        lines.append("\t".join(fast) + tail)
    return lines


def _block(kind: str, rows: list[list[str]], tail: str) -> list[str] | None:
    block = plainrows.registry_block if kind == "registry" else plainrows.population_block
    converted = block(rows, tail)
    if converted is None:
        return None
    keys, text = converted
    lines = [line + "\n" for line in text.split("\n")[:-1]]
    assert keys == [line.split("\t", 1)[0] for line in lines]
    return lines


@pytest.mark.parametrize("kind", ["registry", "population"])
def test_a_block_of_rows_converts_as_its_rows_do(kind: str) -> None:
    """A block is converted at once exactly when every row takes the fast path, and then
    into the same lines; one awkward row sends the whole block back."""
    rows = REGISTRY if kind == "registry" else POPULATION
    base = rows[0]
    tail = "\t7\t\\N\n"
    fast = [r for r in rows if isinstance(_fast(kind, r), list)]
    assert len(fast) >= 3
    assert _block(kind, fast, tail) == _rows_fast(kind, fast, tail) is not None
    for column, odd in itertools.product(range(len(base)), ODDITIES):
        block = [*fast, [*base[:column], odd, *base[column + 1 :]], *fast]
        assert _block(kind, block, tail) == _rows_fast(kind, block, tail), (column, odd)
    assert _block(kind, [[*base, "extra"]], tail) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=16, max_size=16), min_size=1, max_size=4))
def test_random_registry_blocks_convert_as_their_rows_do(rows: list[list[str]]) -> None:
    tail = "\t1\t\\N\n"
    assert _block("registry", rows, tail) == _rows_fast("registry", rows, tail)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=5, max_size=5), min_size=1, max_size=4))
def test_random_population_blocks_convert_as_their_rows_do(rows: list[list[str]]) -> None:
    tail = "\t1\n"
    assert _block("population", rows, tail) == _rows_fast("population", rows, tail)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _expected(kind: str, rows: list[list[str]], import_id: int) -> dict[str, dict[str, Any]]:
    """The general conversion of the last occurrence of each key, in table form."""
    columns = importer.REGISTRY_COLUMNS if kind == "registry" else importer.POPULATION_COLUMNS
    convert = importer.registry_row if kind == "registry" else importer.population_row
    key = "registry_id" if kind == "registry" else "id_number"
    out: dict[str, dict[str, Any]] = {}
    for values in rows:
        try:
            row = convert(dict(zip(columns, values, strict=True)))
        except ValueError:
            continue
        row["import_id"] = import_id
        if kind == "registry":
            row["withdrawn_import_id"] = None
        out[row[key]] = row
    return out


def _stored(session: Any, model: Any) -> dict[str, dict[str, Any]]:
    table = model.__table__
    key = next(iter(table.primary_key.columns)).name
    return {r[key]: dict(r) for r in session.execute(select(table)).mappings()}


def _schema(session: Any, table: str) -> set[str]:
    """Index and constraint definitions of ``table`` (PostgreSQL catalog)."""
    rows = session.execute(
        text(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = CAST(:t AS regclass) UNION ALL "
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass)"
        ),
        {"t": table},
    )
    return set(rows.scalars())


def test_import_of_awkward_rows_stores_the_general_conversion(db_url: str, tmp_path: Path) -> None:
    # The registry file names two columns otherwise (a mapping file renames them), has a
    # column the schema lacks and lacks `status` for the population's sake; JSON Lines too.
    header = ["so_dang_ky", *importer.REGISTRY_COLUMNS[1:7], "mau", *importer.REGISTRY_COLUMNS[8:]]
    registry = _write_csv(
        tmp_path / "registry.csv", [*header, "ghi_chu"], [[*r, "x"] for r in REGISTRY]
    )
    mapping = tmp_path / "cols.csv"
    mapping.write_text("so_dang_ky,registry_id\nmau,color\n", encoding="utf-8")
    population = _write_csv(
        tmp_path / "population.csv", list(importer.POPULATION_COLUMNS), POPULATION
    )
    # JSON Lines: numbers where the CSV has text (general path), an unreadable line.
    jsonl = tmp_path / "population.jsonl"
    numbers = {
        "id_number": "001099000001",
        "full_name": "Lê Văn Số",
        "date_of_birth": 19800101,
        "sex": 1,
    }
    lines = [numbers, *(dict(zip(importer.POPULATION_COLUMNS, r, strict=True)) for r in POPULATION)]
    jsonl.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "{bad\n",
        encoding="utf-8",
    )
    sessions = migrated_sessions(db_url)
    postgresql = db_url.startswith("postgresql")
    with sessions() as s:
        before = (
            (_schema(s, "registry_vehicle"), _schema(s, "population_person"))
            if postgresql
            else None
        )
    for round_ in (1, 2):  # into empty tables, then over the rows the first round stored
        with sessions() as s, s.begin():
            r = importer.import_registry(s, registry, importer.load_mapping(mapping))
            p = importer.import_population(s, population)
        assert (r.rows, r.skipped) == (len(REGISTRY) - 2, 2)
        assert r.problems == ["row 9: no registry_id", "row 10: no registry_id"]
        assert (p.rows, p.skipped) == (len(POPULATION) - 2, 2)
        assert p.problems == ["row 9: no id_number", "row 10: no id_number"]
        with sessions() as s:
            assert _stored(s, RegistryVehicle) == _expected("registry", REGISTRY, r.import_id)
            assert _stored(s, PopulationPerson) == _expected("population", POPULATION, p.import_id)
            log = s.get(ReferenceImport, r.import_id)
            assert log is not None and (log.rows, log.skipped, log.withdrawn) == (9, 2, 0)
            if postgresql:
                after = (_schema(s, "registry_vehicle"), _schema(s, "population_person"))
                assert after == before, round_
    with sessions() as s, s.begin():
        j = importer.import_population(s, jsonl)
    assert (j.rows, j.skipped) == (len(POPULATION) - 1, 3)
    assert j.problems == [
        "row 10: no id_number",
        "row 11: no id_number",
        "row 13: line 13: Expecting property name enclosed in double quotes",
    ]
    expected = _expected("population", POPULATION, j.import_id)
    expected["001099000001"] = {**importer.population_row(numbers), "import_id": j.import_id}
    with sessions() as s:
        assert _stored(s, PopulationPerson) == expected


def test_first_load_keeps_a_key_another_table_refers_to(pg_url: str, tmp_path: Path) -> None:
    """The direct first load drops the table's own keys and indexes, but not a key that a
    foreign key elsewhere needs (dropping it would fail)."""
    sessions = migrated_sessions(pg_url)
    with sessions() as s, s.begin():
        s.execute(
            text(
                "CREATE TABLE vehicle_note (registry_id varchar(100) "
                "REFERENCES registry_vehicle (registry_id), note text)"
            )
        )
        before = _schema(s, "registry_vehicle")
    registry = _write_csv(
        tmp_path / "registry.csv", list(importer.REGISTRY_COLUMNS), REGISTRY[:3] + REGISTRY[10:]
    )
    with sessions() as s, s.begin():
        r = importer.import_registry(s, registry)
    assert (r.rows, r.skipped) == (4, 0)
    with sessions() as s:
        assert _schema(s, "registry_vehicle") == before
        stored = _stored(s, RegistryVehicle)
    assert stored == _expected("registry", REGISTRY[:3] + REGISTRY[10:], r.import_id)


def test_the_filter_of_keys_seen_knows_repeats_in_a_block_and_across_blocks() -> None:
    seen = importer._Seen()
    assert seen.add(["RG-1", "RG-2", "RG-1", "RG-3"]).tolist() == [False, False, True, False]
    assert seen.add(["RG-2", "RG-4", "RG-4"]).tolist() == [True, False, True]
    fresh = [f"RG-{i}" for i in range(10, 5010)]
    assert seen.add(fresh).sum() == 0


def test_the_filter_of_keys_seen_rarely_takes_a_new_key_for_a_seen_one() -> None:
    """A false "seen" costs its block the slow path: at 1M keys it must be rare (two probes
    in 8 MiB gave ~300 here, half the blocks of a 1M-row file)."""
    seen = importer._Seen()
    false = 0
    for start in range(0, 1_000_000, 2000):
        false += int(seen.add([f"RG1-{i:08d}" for i in range(start, start + 2000)]).sum())
    assert false <= 40


def _registry_csv(path: Path, rows: list[list[str]], stray_quote_row: int | None = None) -> Path:
    """A registry CSV; with ``stray_quote_row``, that row's brand is written ``KIA"``
    by hand (a quote inside an unquoted field, which csv reads as a letter)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(importer.REGISTRY_COLUMNS)
    lines = []
    for i, values in enumerate(rows):
        if i == stray_quote_row:
            values = [*values[:4], "KIAQUOTE", *values[5:]]
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        lines.append(buffer.getvalue().replace("KIAQUOTE", 'KIA"'))
    path.write_text(",".join(importer.REGISTRY_COLUMNS) + "\n" + "".join(lines), encoding="utf-8")
    return path


def _many_rows(n: int) -> list[list[str]]:
    """Plain rows, some awkward ones, a repeated key and addresses over two lines."""
    rows = []
    for i in range(n):
        values = [*REGISTRY[i % 3]]
        values[0] = f"RG-{i % (n - 5)}"  # the last five rows repeat keys of the first
        if i % 7 == 0:
            values[13] = f"Số {i}\nđường Láng"
        rows.append(values)
    rows[10] = [*REGISTRY[3]]  # general path
    return rows


@pytest.mark.parametrize("stray_quote", [False, True])
def test_a_csv_converted_by_worker_processes_stores_what_one_process_stores(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stray_quote: bool
) -> None:
    """Pieces of ~600 bytes: many pieces, a repeated key across them, an address over two
    lines. With a stray quote the count of quotes is off, a piece is cut inside a quoted
    address, its strict parse fails and the file is imported again in one process."""
    from crosscheck import csvsplit

    rows = _many_rows(300)
    path = _registry_csv(tmp_path / "registry.csv", rows, 20 if stray_quote else None)
    monkeypatch.setattr(csvsplit, "PIECE", 600)
    cut_wrong = []
    converted_blocks = csvsplit.converted_blocks

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from converted_blocks(*args, **kwargs)
        except csvsplit.Unsplittable as exc:
            cut_wrong.append(str(exc))
            raise

    monkeypatch.setattr(csvsplit, "converted_blocks", spy)
    sessions = migrated_sessions(pg_url)
    stored = []
    for workers in (2, 1):
        with sessions() as s, s.begin():
            s.execute(text("DELETE FROM registry_vehicle"))
            result = importer.import_registry(s, path, workers=workers)
        assert (result.rows, result.skipped) == (300, 0)
        with sessions() as s:
            stored.append(_stored(s, RegistryVehicle))
    assert cut_wrong == (["unexpected end of data"] if stray_quote else [])
    assert {k: {**v, "import_id": 0} for k, v in stored[0].items()} == {
        k: {**v, "import_id": 0} for k, v in stored[1].items()
    }
    expected = _expected("registry", rows, 0)
    if stray_quote:
        expected["RG-20"]["brand"] = 'KIA"'
    assert {k: {**v, "import_id": 0} for k, v in stored[0].items()} == expected
