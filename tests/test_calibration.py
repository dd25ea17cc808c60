"""Calibrated field confidence (extract.calibration)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from extract import calibration
from extract.calibration import feature_vector, fit


def test_fit_recovers_probabilities_of_a_known_logistic_relation() -> None:
    rng = np.random.default_rng(7)
    raw = rng.random(4000)
    truth_p = 1 / (1 + np.exp(-(8 * raw - 5)))
    ok = rng.random(4000) < truth_p
    xs = [feature_vector("brand", "HONDA", float(r), {"ocr_mean": float(r)}) for r in raw]
    w = fit(xs, list(ok), l2=0.01)
    got = np.array([1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x, strict=True)))) for x in xs])
    assert float(np.abs(got - truth_p).mean()) < 0.03


def test_a_missing_value_has_its_own_probability_by_kind() -> None:
    found = feature_vector("owner_name", "AN", 0.8, {"ocr_mean": 0.9, "valid": 1.0})
    missing = feature_vector("owner_name", None, 0.0, {})
    assert len(found) == len(missing)
    assert missing[1 : 1 + len(calibration.EVIDENCE)] == [0.0] * len(calibration.EVIDENCE)
    inputs = dict(zip(calibration.INPUTS, missing, strict=True))
    assert inputs["missing_name"] == 1.0 and inputs["missing_label_seen"] == 0.0
    assert dict(zip(calibration.INPUTS, found, strict=True))["missing_name"] == 0.0
    seen = feature_vector("owner_name", None, 0.0, {"label_seen": 1.0})
    assert dict(zip(calibration.INPUTS, seen, strict=True))["missing_label_seen"] == 1.0


def test_listed_unit_names_and_surnames_are_evidence() -> None:
    def units(address: str) -> float:
        x = feature_vector("owner_address", address, 0.8, {"ocr_mean": 0.9})
        return dict(zip(calibration.INPUTS, x, strict=True))["units_known"]

    assert units("Thôn Bắc, X. Mai Đình, H. Sóc Sơn, TP Hà Nội") == 1.0
    assert units("Số 5, ngõ 10, phường Hàng Bài, quận Hoàn Kiêm, Hà Nôi") == pytest.approx(1 / 3)
    assert units("Số 5 phố Huế") == 0.0  # nothing administrative to check

    def surname(name: str) -> float:
        x = feature_vector("owner_name", name, 0.8, {})
        return dict(zip(calibration.INPUTS, x, strict=True))["surname_listed"]

    assert surname("TRẦN VĂN AN") == 1.0 and surname("TRẤN VĂN AN") == 0.0
    # Only addresses: a brand is not looked up.
    x = feature_vector("brand", "Hà Nội", 0.8, {})
    assert dict(zip(calibration.INPUTS, x, strict=True))["units_known"] == 0.0


def test_shipped_calibration_matches_the_inputs() -> None:
    p = calibration.params()
    assert p is not None and p["inputs"] == list(calibration.INPUTS)
    assert len(p["weights"]) == len(calibration.INPUTS)


def test_shipped_calibration_is_monotone_in_the_raw_confidence() -> None:
    assert calibration.params() is not None, "extract/data/calibration.json is shipped"
    feats = {"ocr_mean": 0.9, "ocr_min": 0.85, "label_score": 0.95, "valid": 1.0}
    probs = [
        calibration.calibrate("chassis_number", "RLHJF5800NY123456", r, feats)
        for r in (0.2, 0.5, 0.8, 0.95)
    ]
    assert probs == sorted(probs) and all(0.0 < p < 1.0 for p in probs)
    assert calibration.version().startswith("logistic-")


def test_knots_lower_the_bins_found_overconfident_and_never_raise() -> None:
    rng = np.random.default_rng(7)
    probs = list(rng.uniform(0.5, 1.0, 4000))
    # Right as often as they say above 0.9; below, 20 points less often.
    ok = [bool(rng.random() < (p if p >= 0.9 else p - 0.2)) for p in probs]
    knots = calibration.fit_knots(probs, ok, calibration.KNOT_EDGES)
    xs, ys = [k[0] for k in knots], [k[1] for k in knots]
    assert knots[0] == [0.0, 0.0] and knots[-1] == [1.0, 1.0]
    assert xs == sorted(xs) and ys == sorted(ys)  # monotone
    assert all(y <= x for x, y in knots)  # never raises
    at = float(np.interp(0.75, xs, ys))
    assert 0.5 < at < 0.6  # ~0.55 observed
    assert float(np.interp(0.97, xs, ys)) == pytest.approx(0.97, abs=0.01)
    # A bin right less often than the one below it is pooled with it.
    flat = calibration.fit_knots(
        [0.6] * 50 + [0.75] * 50,
        [True] * 40 + [False] * 10 + [True] * 30 + [False] * 20,
        calibration.KNOT_EDGES,
    )
    # One knot at their mean confidence (0.675), their pooled accuracy (0.7) capped there.
    assert flat[1:-1] == [[0.675, 0.675]]


def test_the_shipped_knots_are_a_monotone_map_that_never_raises() -> None:
    knots = calibration.params()["knots"]  # type: ignore[index]
    assert knots[0] == [0.0, 0.0] and knots[-1] == [1.0, 1.0]
    assert all(y <= x for x, y in knots)
    values = [calibration.recalibrate(p / 100) for p in range(101)]
    assert values == sorted(values)
    assert calibration.recalibrate(0.75) < 0.7  # the calibration set's 0.75 were right 62 %
