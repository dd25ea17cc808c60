"""The synthetic-dossier generator (fixtures/): determinism, truth validity, geometry,
and legibility of the renders to real Tesseract."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PdfParser

from fixtures.degrade import LEVELS, degrade, quarter_turn, rotation
from fixtures.dossier import card_expiry, random_facts
from fixtures.generate import generate
from fixtures.licences import NO_EXPIRY
from fixtures.people import CCCD_RE, cccd_consistent, random_person
from fixtures.render import DOC_TYPES, FIELD_NAMES, render
from fixtures.vehicles import random_vehicle, vin_check_digit

REPO = Path(__file__).resolve().parents[1]
PROPS = settings(database=None, deadline=None, max_examples=200)

# DOMAIN.md §3.3 letter sets and display forms.
L1 = "[A-HK-NPS-VXYZ]"
L2 = "[A-FHK-NPR-VXYZ]"
ORDER = r"(\d{3}\.\d{2}|\d{4})"
CAR_PLATE = re.compile(rf"^(29|30|31|32|33|40){L1}-{ORDER}$")
MOTO_PLATE = re.compile(rf"^(29|30|31|32|33|40)-({L1}{L2}|{L1}[1-9]) {ORDER}$")
VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
IDENT = re.compile(r"^[A-Z0-9-]{5,25}$")
OLD_CLASSES = {"A1", "A2", "A3", "A4", "B1", "B2", "C", "D", "E", "FB2", "FC", "FD", "FE"}
NEW_CLASSES = {
    "A1",
    "A",
    "B1",
    "B",
    "C1",
    "C",
    "D1",
    "D2",
    "D",
    "BE",
    "C1E",
    "CE",
    "D1E",
    "D2E",
    "DE",
}
DATE_FIELDS = {"registration_date", "declaration_date", "date_of_birth", "issue_date"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("dossiers")
    return out, generate(out, 8, 7)


def _iso(value: str) -> date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


def _check_field(doc_type: str, name: str, value: str, fields: dict[str, str | None]) -> None:
    assert value == unicodedata.normalize("NFC", value) and value == " ".join(value.split()), (
        name,
        value,
    )
    if name in DATE_FIELDS:
        _iso(value)
    elif name == "expiry_date":
        assert value == NO_EXPIRY or _iso(value)
    elif name in ("owner_id_number", "id_number"):
        assert re.fullmatch(r"\d{12}|\d{9}", value), value
    elif name == "plate_number":
        car = fields["vehicle_type"] is not None and str(fields["vehicle_type"]).startswith("Ô tô")
        assert (CAR_PLATE if car else MOTO_PLATE).match(value), (fields["vehicle_type"], value)
    elif name == "chassis_number":
        assert VIN.match(value) or (IDENT.match(value) and "-" in value), value
    elif name == "engine_number":
        assert all(IDENT.match(part) for part in value.split("; ")), value
    elif name == "manufacture_year":
        assert re.fullmatch(r"(19|20)\d{2}", value)
    elif name in ("engine_capacity_cc", "seats"):
        assert re.fullmatch(r"[1-9]\d*", value), value
    elif name == "phone":
        assert re.fullmatch(r"0\d{9}", value), value
    elif name == "license_number":
        assert re.fullmatch(r"\d{12}", value)
    elif name == "license_class":
        classes = value.split("; ")
        assert set(classes) <= OLD_CLASSES or set(classes) <= NEW_CLASSES, value
    elif name == "certificate_number":
        assert re.fullmatch(r"\d{6}", value)
    elif name == "sex":
        assert value in ("Nam", "Nữ")
    elif name == "nationality":
        assert value == "Việt Nam"
    elif name in ("owner_name", "full_name"):
        assert re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){1,4}", value), value


def test_field_names_match_schema() -> None:
    schema = REPO / "hoso" / "schema" / "document.schema.json"
    if not schema.exists():
        pytest.skip("hoso/schema/document.schema.json is not in this checkout")
    names = json.loads(schema.read_text(encoding="utf-8"))["$defs"]["fieldNames"]
    assert {k: list(v) for k, v in FIELD_NAMES.items()} == names


def test_every_doc_type_and_level_produced(generated: tuple[Path, list[dict[str, Any]]]) -> None:
    out, records = generated
    assert {r["doc_type"] for r in records} == set(DOC_TYPES)
    assert {r["level"] for r in records} == set(LEVELS)
    assert {r["format"].split("-")[0] for r in records} >= {"pdf", "tiff", "jpeg"}
    lines = (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records


def test_truth_values_are_canonical(generated: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = generated
    for rec in records:
        fields = rec["fields"]
        assert tuple(fields) == FIELD_NAMES[rec["doc_type"]]
        for name, value in fields.items():
            if value is not None:
                _check_field(rec["doc_type"], name, value, fields)
        if rec["doc_type"] == "citizen_id" and len(fields["id_number"]) == 12:
            assert cccd_consistent(
                fields["id_number"], _iso(fields["date_of_birth"]), fields["sex"]
            )
        for name, box in rec["boxes"].items():
            x0, y0, x1, y1 = box["bbox"]
            assert fields[name] is not None and 0 <= x0 < x1 <= 2480 and 0 <= y0 < y1 <= 3508


def test_documents_of_a_dossier_agree(generated: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = generated
    by_dossier: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_dossier.setdefault(rec["dossier_id"], []).append(rec)
    for docs in by_dossier.values():
        names = {
            (d["fields"].get("owner_name") or d["fields"].get("full_name")).upper() for d in docs
        }
        assert len(names) == 1, names
        for key in ("engine_number", "chassis_number", "plate_number", "owner_id_number"):
            values = {d["fields"][key] for d in docs if d["fields"].get(key)}
            assert len(values) <= 1, (key, values)


def _page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(PdfParser.PdfParser(str(path)).pages)
    with Image.open(path) as img:
        return getattr(img, "n_frames", 1)


def test_files_hold_exactly_the_recorded_pages(
    generated: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, records = generated
    pages: dict[Path, list[int]] = {}
    for rec in records:
        path = out / "scans" / rec["dossier_id"] / rec["source"]["filename"]
        pages.setdefault(path, []).extend(p["page"] for p in rec["pages"])
        assert [p["page"] for p in rec["pages"]] == list(
            range(rec["source"]["page_start"], rec["source"]["page_end"] + 1)
        )
    for path, numbers in pages.items():
        assert sorted(numbers) == list(range(1, _page_count(path) + 1)), path
    for folder in {p.parent for p in pages}:
        assert 1 <= len(list(folder.iterdir())) <= 3


def test_page_geometry_is_recorded(generated: tuple[Path, list[dict[str, Any]]]) -> None:
    out, records = generated
    limits = {"clean": 0, "scan": 5, "hard": 10, "photo": 4}
    for rec in records:
        for page in rec["pages"]:
            assert page["rotation_deg"] in (0, 90, 180, 270)
            assert abs(page["skew_deg"]) <= limits[rec["level"]]
            if rec["level"] in ("clean", "photo"):
                assert page["rotation_deg"] == 0
        path = out / "scans" / rec["dossier_id"] / rec["source"]["filename"]
        if path.suffix in (".jpg", ".png"):
            with Image.open(path) as img:
                assert img.size == (rec["pages"][0]["width"], rec["pages"][0]["height"])


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 3, 11, ["clean", "hard", "photo"])
    b = generate(tmp_path / "b", 3, 11, ["clean", "hard", "photo"])
    assert a == b
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert generate(tmp_path / "c", 1, 12)[0]["fields"] != a[0]["fields"]


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown levels"):
        generate(tmp_path, 1, 1, ["blurry"])


@PROPS
@given(st.integers(0, 2**32), st.dates(date(2008, 1, 1), date(2026, 12, 31)))
def test_cccd_agrees_with_birth_date_and_sex(seed: int, on: date) -> None:
    person = random_person(random.Random(seed), on)
    assert CCCD_RE.match(person.id_number)
    assert cccd_consistent(person.id_number, person.date_of_birth, person.sex)
    other = "Nữ" if person.sex == "Nam" else "Nam"
    assert not cccd_consistent(person.id_number, person.date_of_birth, other)
    assert re.fullmatch(r"\d{9}", person.cmnd_number)
    assert re.fullmatch(r"0\d{9}", person.phone)
    assert person.name == unicodedata.normalize("NFC", person.name)


@PROPS
@given(st.integers(0, 2**32), st.dates(date(2008, 1, 1), date(2026, 12, 31)))
def test_vehicle_identifiers_are_well_formed(seed: int, on: date) -> None:
    v = random_vehicle(random.Random(seed), on)
    assert (CAR_PLATE if v.is_car else MOTO_PLATE).match(v.plate), v.plate
    assert (v.plate.count(".") == 1) == (on >= date(2010, 1, 1))
    if VIN.match(v.chassis_number):
        assert vin_check_digit(v.chassis_number) == v.chassis_number[8]
    else:
        assert not v.is_car and IDENT.match(v.chassis_number)
    assert all(IDENT.match(e) for e in v.engine_numbers)
    assert 1995 <= v.manufacture_year <= on.year


@PROPS
@given(st.dates(date(1940, 1, 1), date(2010, 12, 31)), st.integers(14 * 365, 80 * 365))
def test_card_expiry_follows_age_milestones(dob: date, age_days: int) -> None:
    issued = date.fromordinal(dob.toordinal() + age_days)
    expiry = card_expiry(dob, issued)
    if expiry is None:
        assert (issued - dob).days >= 57 * 365
    else:
        assert expiry > issued and (expiry.month, expiry.day) in ((dob.month, dob.day), (2, 28))
        assert expiry.year - dob.year in (25, 40, 60)


@PROPS
@given(
    st.integers(50, 400),
    st.integers(50, 400),
    st.floats(-10, 10),
    st.sampled_from([0, 90, 180, 270]),
)
def test_page_corners_stay_inside_the_output(w: int, h: int, skew: float, turn: int) -> None:
    rot, nw, nh = rotation(w, h, skew)
    m = quarter_turn(nw, nh, turn) @ rot
    out_w, out_h = (nh, nw) if turn in (90, 270) else (nw, nh)
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=float) @ m.T
    assert (corners[:, 0] >= -1.5).all() and (corners[:, 0] <= out_w + 1.5).all()
    assert (corners[:, 1] >= -1.5).all() and (corners[:, 1] <= out_h + 1.5).all()


def _spot(img: Image.Image, x: float, y: float, half: int) -> tuple[float, float]:
    """Centre of the dark blob near (x, y): median-filtered (specks), thresholded halfway
    between the darkest pixels and the paper."""
    box = (int(x) - half, int(y) - half, int(x) + half, int(y) + half)
    arr = cv2.medianBlur(np.ascontiguousarray(np.asarray(img.convert("L").crop(box))), 5)
    threshold = (np.percentile(arr, 2) + np.median(arr)) / 2
    ys, xs = np.nonzero(arr < threshold)
    return float(xs.mean()) + box[0], float(ys.mean()) + box[1]


@pytest.mark.parametrize("level", ["scan", "hard", "photo"])
@pytest.mark.parametrize("seed", range(6))
def test_recorded_matrix_maps_page_points(level: str, seed: int) -> None:
    # A white page with one black square: after degrading, the square must sit where
    # the recorded matrix sends it, and skew/rotation must agree with the matrix.
    page = Image.new("RGB", (900, 1200), "white")
    x, y = 200 + 40 * seed, 300 + 60 * seed
    page.paste((0, 0, 0), (x - 15, y - 15, x + 15, y + 15))
    # The seal of the hard level is aimed at the bottom corner, away from the square.
    out = degrade(page, level, random.Random(seed), targets=[(700, 1000, 850, 1150)])
    mx, my, mw = out.matrix @ np.array([x, y, 1.0])
    scale = float(np.sqrt(abs(np.linalg.det(out.matrix[:2, :2]))))
    cx, cy = _spot(out.image, mx / mw, my / mw, int(40 * scale) + 20)
    assert abs(cx - mx / mw) < 3 and abs(cy - my / mw) < 3
    bx0, by0, bx1, by1 = out.map_box((x - 15, y - 15, x + 15, y + 15))
    assert bx0 <= cx <= bx1 and by0 <= cy <= by1
    undo = np.radians(out.rotation_deg)
    # Turning the stored page by rotation_deg clockwise leaves only the skew.
    turn_back = np.array([[np.cos(undo), -np.sin(undo)], [np.sin(undo), np.cos(undo)]])
    linear = turn_back @ out.matrix[:2, :2]
    angle = np.degrees(np.arctan2(linear[1, 0], linear[0, 0]))
    assert abs(angle - out.skew_deg) < (4 if level == "photo" else 0.01)


def _tesseract_available() -> bool:
    if shutil.which("tesseract") is None:
        if os.environ.get("CI"):
            pytest.fail(
                "tesseract is not installed; CI must install tesseract-ocr and tesseract-ocr-vie"
            )
        pytest.skip("tesseract is not installed")
    return True


def _base(text: str) -> str:
    """Uppercase letters and digits without diacritics (DOMAIN.md §8.1 matching rule b)."""
    stripped = unicodedata.normalize("NFD", text.upper().replace("Đ", "D"))
    return re.sub(r"[^0-9A-Z]", "", "".join(ch for ch in stripped if not unicodedata.combining(ch)))


def _found(want: str, text: str, misreads: int) -> bool:
    """Whether ``text`` holds ``want`` with at most ``misreads`` substituted characters."""
    want, got = _base(want), _base(text)
    windows = (got[i : i + len(want)] for i in range(len(got) - len(want) + 1))
    return any(sum(a != b for a, b in zip(w, want, strict=True)) <= misreads for w in windows)


@pytest.mark.parametrize("seed", [1, 4])
def test_tesseract_reads_owner_and_plate_on_a_clean_certificate(seed: int, tmp_path: Path) -> None:
    _tesseract_available()
    rng = random.Random(seed)
    doc = render("registration_certificate", random_facts(rng), rng)
    path = tmp_path / "certificate.png"
    doc.pages[0].save(path)
    proc = subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie", "--psm", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    owner, plate = doc.fields["owner_name"], doc.fields["plate_number"]
    assert owner and plate
    # Tesseract's own errors are not the render's: a lost tone mark (NGUYỄN -> NGUYÊN)
    # or one confused glyph (C/G in bold serif) still proves the text is legible.
    assert _found(owner, proc.stdout, 0), (owner, proc.stdout)
    assert _found(plate, proc.stdout, 1), (plate, proc.stdout)


def test_committed_samples_are_small_and_complete() -> None:
    samples = REPO / "fixtures" / "samples"
    if not (samples / "truth.jsonl").exists():
        pytest.skip("fixtures/samples has not been generated")
    records = [
        json.loads(line)
        for line in (samples / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {r["level"] for r in records} == set(LEVELS)
    assert {r["format"].split("-")[0] for r in records} == {"pdf", "tiff", "jpeg", "png"}
    for rec in records:
        assert (samples / "scans" / rec["dossier_id"] / rec["source"]["filename"]).is_file()
    assert sum(p.stat().st_size for p in samples.rglob("*") if p.is_file()) <= 10 * 1024 * 1024
