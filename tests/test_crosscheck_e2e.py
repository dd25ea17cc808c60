"""The cross-check end to end on hoso's own readings: a few reference dossiers rendered as
clean scans, digitized by ``hoso run``, checked against the planted registry and population
(``bench/crosscheck_e2e.py`` measures the same at n = 400, ``docs/crosscheck.md``).

OCR is deterministic for a given Tesseract and traineddata, so the floors are a test, not
a benchmark; they sit a little under what was measured when they were set, so that only
real regressions fail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crosscheck.rules import DOUBTFUL, RULE_NAMES
from fixtures.registry import make_reference, write_reference
from hoso.evaluate import load_jsonl, score_findings
from tests.clirun import clean_env, hoso

AS_OF = date(2026, 6, 30)
N, SEED = 5, 90210
THRESHOLD = 0.9
FLOOR_PRECISION, FLOOR_RECALL = 0.95, 0.93  # over all rules; measured 97.8% and 95.7%


def test_findings_on_digitized_scans_match_the_planted_ones(tmp_path: Path) -> None:
    ref = make_reference(N, SEED, AS_OF, scans=tmp_path / "ref" / "scans", levels=("clean",))
    paths = write_reference(ref, tmp_path / "ref")
    env = clean_env(tmp_path / "home", HOSO_REVIEW_THRESHOLD=str(THRESHOLD))
    out = tmp_path / "out"
    hoso("run", str(tmp_path / "ref" / "scans"), "--out", str(out), "--batch", "e2e",
         "--workers", "2", env=env)  # fmt: skip
    hoso("registry", "import", str(paths["registry"]), env=env)
    hoso("population", "import", str(paths["population"]), env=env)
    hoso("crosscheck", "run", "--batch", "e2e", "--as-of", AS_OF.isoformat(), env=env)
    hoso("export", "--out", str(out / "checked.jsonl"), "--batch", "e2e", env=env)
    report = score_findings(
        ref.truth, ref.planted, load_jsonl(out / "checked.jsonl"), RULE_NAMES, THRESHOLD, DOUBTFUL
    )
    assert report.matched == report.documents == len(ref.truth)
    scores = report.scores.values()
    expected, found = sum(s.expected for s in scores), sum(s.found for s in scores)
    hits = sum(s.hits for s in scores)
    assert expected >= 40
    assert hits / found >= FLOOR_PRECISION and hits / expected >= FLOOR_RECALL, report.errors
    # OCR errors must not become findings asserted on confident readings: every false
    # finding is one marked doubtful (measured at 44 of 45 found, 46 expected).
    assert all(s.hits_asserted == s.asserted for s in scores), report.errors
