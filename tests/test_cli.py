"""End to end through the CLI: a folder of good and bad scans in, schema-valid records out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from extract.normalize import fold
from hoso.schema import validation_errors
from tests import badfiles
from tests.clirun import clean_env, hoso

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "fixtures" / "samples" / "scans"


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("cli")
    scans = tmp / "scans"
    shutil.copytree(SAMPLES / "hs20251110-001", scans / "hs20251110-001")
    shutil.copytree(SAMPLES / "hs20251110-006", scans / "hs20251110-006")
    tif = next((scans / "hs20251110-006").glob("*.tif"))
    shutil.copy(tif, scans / "zz_ban_sao_ho_so_006.tif")  # the same bytes uploaded again
    bad = scans / "bad"
    bad.mkdir()
    badfiles.empty(bad / "empty.pdf")
    badfiles.truncated_pdf(bad / "truncated.pdf")
    badfiles.encrypted_pdf(bad / "locked.pdf", tmp)
    badfiles.fake_jpeg(bad / "not_a_photo.jpg")
    badfiles.png_bomb(bad / "bomb.png")
    badfiles.pdf_pages(bad / "too_long.pdf", 6)
    home = tmp / "home"
    env = clean_env(home, HOSO_MAX_PAGES="5")
    proc = hoso(
        "run",
        str(scans),
        "--out",
        str(tmp / "out"),
        "--workers",
        "2",
        "--batch",
        "b1",
        env=env,
        codes=(3,),
    )
    return {
        "tmp": tmp,
        "env": env,
        "proc": proc,
        "records": _records(tmp / "out" / "records.jsonl"),
    }


def test_every_record_is_valid_against_the_schema(batch_run: dict[str, Any]) -> None:
    for rec in batch_run["records"]:
        assert validation_errors(rec) == [], rec["document_id"]


def test_bad_files_are_rejected_with_reasons_and_the_rest_processed(
    batch_run: dict[str, Any],
) -> None:
    recs = batch_run["records"]
    rejected = {r["source"]["filename"]: r for r in recs if r["status"] == "rejected"}
    assert set(rejected) == {
        "empty.pdf",
        "truncated.pdf",
        "locked.pdf",
        "not_a_photo.jpg",
        "bomb.png",
        "too_long.pdf",
    }
    reasons = {name: r["error"] for name, r in rejected.items()}
    assert "empty" in reasons["empty.pdf"]
    assert "corrupt or truncated PDF" in reasons["truncated.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "text" in reasons["not_a_photo.jpg"]
    assert "pixel" in reasons["bomb.png"]
    assert "6 pages is over the limit of 5" in reasons["too_long.pdf"]
    for r in rejected.values():
        assert r["doc_type"] == "unknown" and r["fields"] == {} and r["pages"] == []
        assert r["source"]["page_start"] is None and r["source"]["page_end"] is None
    processed = [r for r in recs if r["status"] not in ("rejected", "failed")]
    assert {r["source"]["filename"] for r in processed} == {"to_khai_1.pdf", tif_name(batch_run)}
    assert sorted(
        (r["source"]["filename"], r["source"]["page_start"]) for r in processed
    ) == sorted(
        [("to_khai_1.pdf", 1), ("to_khai_1.pdf", 2), ("to_khai_1.pdf", 3), (tif_name(batch_run), 1)]
    )
    summary = batch_run["proc"].stdout
    assert "rejected files" in summary and "encrypted PDF" in summary


def tif_name(batch_run: dict[str, Any]) -> str:
    return next((batch_run["tmp"] / "scans" / "hs20251110-006").glob("*.tif")).name


def test_duplicates_are_stored_once_with_every_name(batch_run: dict[str, Any]) -> None:
    (rec,) = [r for r in batch_run["records"] if r["source"]["filename"] == tif_name(batch_run)]
    assert rec["source"]["filenames"] == sorted([tif_name(batch_run), "zz_ban_sao_ho_so_006.tif"])
    originals = list((batch_run["tmp"] / "home" / "objects" / "originals").iterdir())
    assert rec["source"]["sha256"] in {p.name for p in originals}
    # 2 good originals + 6 bad ones, each stored once (nothing uploaded is lost)
    assert len(originals) == 8
    assert "1 duplicate" in batch_run["proc"].stdout


def test_documents_carry_pages_fields_and_versions(batch_run: dict[str, Any]) -> None:
    docs = [r for r in batch_run["records"] if r["source"]["filename"] == "to_khai_1.pdf"]
    assert [d["doc_type"] for d in docs] == [
        "registration_declaration",
        "registration_certificate",
        "citizen_id",
    ]
    for d in docs:
        assert d["status"] in ("extracted", "needs_review")
        assert d["versions"]["tesseract"] and d["versions"]["traineddata_vie"]
        assert [p["page"] for p in d["pages"]] == [d["source"]["page_start"]]
        page_dir = batch_run["tmp"] / "home" / "objects" / "pages" / d["source"]["sha256"]
        assert (page_dir / str(d["source"]["page_start"]) / "upright.png").is_file()
        assert (page_dir / str(d["source"]["page_start"]) / "words.json").is_file()
    # the declaration's owner name is found on the page (exact accuracy is pinned elsewhere)
    truth = [
        json.loads(line)
        for line in (SAMPLES.parent / "truth.jsonl").read_text("utf-8").splitlines()
    ]
    want = next(
        t
        for t in truth
        if t["source"]["filename"] == "to_khai_1.pdf" and t["source"]["page_start"] == 1
    )
    got = docs[0]["fields"]["owner_name"]
    assert fold(got["value"]) == fold(want["fields"]["owner_name"])
    assert got["page"] == 1 and got["bbox"] is not None and got["origin"] == "ocr"


def test_rerun_and_export_address_the_same_documents(batch_run: dict[str, Any]) -> None:
    tmp, env = batch_run["tmp"], batch_run["env"]
    hoso(
        "run",
        str(tmp / "scans" / "hs20251110-001"),
        "--out",
        str(tmp / "out2"),
        "--batch",
        "b2",
        env=env,
    )
    again = _records(tmp / "out2" / "records.jsonl")
    first = {r["document_id"]: r for r in batch_run["records"]}
    assert {r["document_id"] for r in again} <= set(first)
    for r in again:  # nothing was reprocessed, nothing changed
        assert r["updated_at"] == first[r["document_id"]]["updated_at"]
    hoso("export", "--out", str(tmp / "all.jsonl"), env=env)
    exported = _records(tmp / "all.jsonl")
    assert sorted(r["document_id"] for r in exported) == sorted(first)
    assert all(validation_errors(r) == [] for r in exported)
    # A folder, as ``hoso run --out`` takes: the records go to records.jsonl in it.
    folder = tmp / "exported"
    folder.mkdir()
    hoso("export", "--out", str(folder), env=env)
    assert _records(folder / "records.jsonl") == exported


def test_ocr_command_prints_text_after_preprocessing(tmp_path: Path) -> None:
    png = next(SAMPLES.glob("hs20251110-005/*.png"))
    env = clean_env(tmp_path / "home")
    txt = hoso("ocr", str(png), "--format", "txt", env=env).stdout
    assert "CHỨNG NHẬN ĐĂNG KÝ" in txt.upper() or "ĐĂNG KÝ XE" in txt.upper()
    tsv = hoso("ocr", str(png), "--format", "tsv", env=env).stdout.splitlines()
    assert tsv and all(len(line.split("\t")) == 8 for line in tsv)
    hocr = hoso("ocr", str(png), "--format", "hocr", env=env).stdout
    assert "ocrx_word" in hocr


def test_unknown_setting_is_a_clear_error(tmp_path: Path) -> None:
    proc = hoso("config", env=clean_env(tmp_path, HOSO_WORKRES="2"), codes=(2,))
    assert "unknown setting HOSO_WORKRES" in proc.stderr


def test_usage_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    proc = hoso("eval", "--truth", str(tmp_path), "--pred", env=clean_env(tmp_path), codes=(2,))
    assert "requires an argument" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_status_shows_counts_and_reasons(batch_run: dict[str, Any]) -> None:
    proc = hoso("status", "--batch", "b1", env=batch_run["env"])
    assert "b1" in proc.stdout and "files not processed" in proc.stdout
    assert "encrypted PDF" in proc.stdout and "rejected" in proc.stdout


def test_reextract_reads_stored_pages_again_and_keeps_reviewers(
    batch_run: dict[str, Any],
) -> None:
    """Re-extraction replaces OCR values from the stored words and images (no whole-page
    OCR) and leaves reviewers' values and rejected files alone."""
    from sqlalchemy import create_engine, text

    tmp, env = batch_run["tmp"], batch_run["env"]
    doc = next(r for r in batch_run["records"] if r["status"] != "rejected" and r["fields"])
    name, want = next((n, f) for n, f in doc["fields"].items() if f["value"])
    other = next(n for n, f in doc["fields"].items() if n != name)
    engine = create_engine(f"sqlite:///{Path(env['HOSO_HOME']) / 'hoso.db'}")
    with engine.begin() as conn:  # what an older extractor had stored, and a reviewer's value
        conn.execute(
            text("UPDATE field SET value='STALE' WHERE document_id=:d AND name=:n"),
            {"d": doc["document_id"], "n": name},
        )
        conn.execute(
            text(
                "UPDATE field SET value='CHECKED', origin='reviewer' "
                "WHERE document_id=:d AND name=:n"
            ),
            {"d": doc["document_id"], "n": other},
        )
    proc = hoso("reextract", "--batch", "b1", "--out", str(tmp / "re.jsonl"), env=env)
    assert "0 failed" in proc.stdout
    after = {r["document_id"]: r for r in _records(tmp / "re.jsonl")}
    fields = after[doc["document_id"]]["fields"]
    assert fields[name]["value"] == want["value"] and fields[name]["origin"] == "ocr"
    assert fields[other]["value"] == "CHECKED" and fields[other]["origin"] == "reviewer"
    rejected = [r for r in batch_run["records"] if r["status"] == "rejected"]
    assert rejected and all(after[r["document_id"]]["status"] == "rejected" for r in rejected)


# The re-import of the main module in a child process, as the console script runs it.
_CHILD_SCRIPT = """\
import sys
from {module} import {function}


def heavy():
    return sorted(m for m in ("hoso.cli", "typer", "sqlalchemy") if m in sys.modules)


if __name__ == "__main__":
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for method in ("spawn", "forkserver"):
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            print(method, pool.submit(heavy).result())
"""


def test_console_script_is_light_in_child_processes(tmp_path: Path) -> None:
    """Processes that ``hoso run`` and the reference import start (spawn, forkserver) import
    the parent's main module, the console script, again: it must not import the CLI (~1 s of
    CPU in every worker; it had made a 1M-row registry import ~2 s slower on two cores)."""
    import subprocess
    import sys
    from importlib.metadata import entry_points

    (entry,) = entry_points(group="console_scripts", name="hoso")
    module, function = entry.value.split(":")
    script = tmp_path / "hoso_script.py"
    script.write_text(_CHILD_SCRIPT.format(module=module, function=function), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["spawn []", "forkserver []"]
