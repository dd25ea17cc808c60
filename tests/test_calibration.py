"""Calibrated field confidence (extract.calibration)."""

from __future__ import annotations

import math

import numpy as np

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
    kinds = len(calibration.KIND_NAMES)
    assert missing[-kinds:] != [0.0] * kinds and found[-kinds:] == [0.0] * kinds


def test_shipped_calibration_is_monotone_in_the_raw_confidence() -> None:
    assert calibration.params() is not None, "extract/data/calibration.json is shipped"
    feats = {"ocr_mean": 0.9, "ocr_min": 0.85, "label_score": 0.95, "valid": 1.0}
    probs = [
        calibration.calibrate("chassis_number", "RLHJF5800NY123456", r, feats)
        for r in (0.2, 0.5, 0.8, 0.95)
    ]
    assert probs == sorted(probs) and all(0.0 < p < 1.0 for p in probs)
    assert calibration.version().startswith("logistic-")
