"""Calibrated field confidence: the probability that a field's value is exactly right.

Extraction scores each field with a heuristic (OCR word confidences, label match,
validator verdict, agreement between readings). Its numbers rank fields usefully but are
not probabilities (``docs/accuracy.md``: expected calibration error 0.107). A logistic model
over the same evidence, fitted on a generated calibration set that is never used for
evaluation, turns them into probabilities, so that the review threshold means an error
rate: at threshold ``t`` the auto-accepted fields are wrong about ``1 - t`` of the time or
less.

The fitted weights ship with the package (``data/calibration.json``, no download);
``scripts/fit_calibration.py`` refits them from a processed fixtures set.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np

from extract.gazetteer import known_unit_share
from extract.surnames import is_listed

#: Field kinds: fields of one kind share weights (a calibration set has a few thousand
#: fields, not enough for one model per field).
KINDS: Mapping[str, str] = {
    **dict.fromkeys(("owner_name", "full_name"), "name"),
    **dict.fromkeys(
        ("owner_address", "place_of_origin", "place_of_residence", "address"), "address"
    ),
    **dict.fromkeys(
        (
            "registration_date",
            "declaration_date",
            "date_of_birth",
            "expiry_date",
            "issue_date",
        ),
        "date",
    ),
    **dict.fromkeys(
        ("chassis_number", "engine_number", "model_code", "brand", "plate_number"), "code"
    ),
    **dict.fromkeys(
        (
            "owner_id_number",
            "id_number",
            "license_number",
            "certificate_number",
            "phone",
            "seats",
            "engine_capacity_cc",
            "manufacture_year",
        ),
        "number",
    ),
}
KIND_NAMES = ("name", "address", "date", "code", "number", "text")
EVIDENCE = (
    "raw",
    "ocr_mean",
    "ocr_min",
    "label_score",
    "valid_true",
    "valid_false",
    "agreement",
    "reread",
    "below",
    "page_ocr",
)


#: Evidence from the value itself against a closed vocabulary: the share of an address's
#: administrative parts that are listed unit names (:func:`extract.gazetteer.known_unit_share`),
#: and whether a name starts with a listed surname (:func:`extract.surnames.is_listed`).
LEXICON = ("units_known", "surname_listed")
#: Evidence on a field found empty: its label is on the page, and nothing is after it;
#: how well the page was read, and the share of the document's labels found on it.
MISSING_EVIDENCE = ("label_seen", "value_blank", "page_ocr", "label_share")
#: Names of the model's inputs, in ``feature_vector`` order.
INPUTS = (
    "bias",
    *EVIDENCE,
    *LEXICON,
    *(f"kind_{k}" for k in KIND_NAMES),
    *(f"missing_{k}" for k in KIND_NAMES),
    *(f"missing_{e}" for e in MISSING_EVIDENCE),
)


def kind_of(name: str) -> str:
    return KINDS.get(name, "text")


def feature_vector(
    name: str, value: str | None, raw: float, features: Mapping[str, float]
) -> list[float]:
    """The model's inputs for one field: evidence, its kind, and whether a value was found
    (a field found empty is right only when the paper leaves it blank)."""
    kind = kind_of(name)
    onehot = [1.0 if kind == k else 0.0 for k in KIND_NAMES]
    if value is None:
        missing = [features.get(e, 0.0) for e in MISSING_EVIDENCE]
        blank = [0.0] * (len(EVIDENCE) + len(LEXICON) + len(KIND_NAMES))
        return [1.0, *blank, *onehot, *missing]
    valid = features.get("valid", 0.5)
    evidence = [
        raw,
        features.get("ocr_mean", 0.0),
        features.get("ocr_min", 0.0),
        features.get("label_score", 0.0),
        1.0 if valid == 1.0 else 0.0,
        1.0 if valid == 0.0 else 0.0,
        features.get("agreement", 1.0),
        features.get("reread", 0.0),
        features.get("below", 0.0),
        features.get("page_ocr", 0.0),
    ]
    units = (known_unit_share(value) or 0.0) if kind == "address" else 0.0
    surname = 1.0 if kind == "name" and is_listed(value) else 0.0
    tail = [0.0] * (len(KIND_NAMES) + len(MISSING_EVIDENCE))
    return [1.0, *evidence, units, surname, *onehot, *tail]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(x: Sequence[Sequence[float]], y: Sequence[bool], l2: float = 1.0) -> list[float]:
    """L2-regularised logistic regression by Newton's method (IRLS)."""
    a = np.asarray(x, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64)
    w = np.zeros(a.shape[1])
    reg = l2 * np.eye(a.shape[1])
    reg[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -30, 30)))
        grad = a.T @ (p - t) + reg @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + reg + 1e-9 * np.eye(a.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return [round(float(v), 6) for v in w]


@functools.cache
def params() -> dict[str, Any] | None:
    """The shipped fit, or None when the package has none (raw heuristic confidences)."""
    path = resources.files("extract").joinpath("data/calibration.json")
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if data.get("inputs") != list(INPUTS):
        raise ValueError(
            f"{path} was fitted for other inputs than extract.calibration.INPUTS: refit it with"
            " scripts/fit_calibration.py"
        )
    return data


def version() -> str:
    p = params()
    return str(p["version"]) if p else "heuristic"


#: Bins of the second stage's knots (``fit_knots``).
KNOT_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0)


def recalibrate(p: float) -> float:
    """The second stage: a field's confidence after the evidence that other fields give
    (``extract.fields.corroborate``) mapped through the shipped monotone knots.

    The first stage is fitted on every field alone; corroboration then raises the right
    fields it confirms, and what it leaves in the middle bins is right less often than the
    first stage says (calibration set: fields at 0.75 right 62 % of the time). The knots,
    fitted on the same set's final confidences, correct that. Identity without knots."""
    fit = params()
    knots = fit.get("knots") if fit else None
    return apply_knots(p, knots) if knots else p


def apply_knots(p: float, knots: Sequence[Sequence[float]]) -> float:
    """``p`` mapped through piecewise-linear ``knots`` ((x, y) pairs, x increasing)."""
    y = float(np.interp(p, [k[0] for k in knots], [k[1] for k in knots]))
    return round(min(0.9999, y), 4)


def fit_knots(
    probs: Sequence[float], ok: Sequence[bool], edges: Sequence[float], least: int = 20
) -> list[list[float]]:
    """Monotone piecewise-linear knots from (0, 0) to (1, 1) through (mean confidence,
    observed accuracy) of every bin of ``edges`` with at least ``least`` fields, the
    accuracies pooled where they would fall (pool adjacent violators). A knot never
    raises a confidence: a bin found more often right than it says stays as it is, so
    the second stage sends no field past the review threshold that the first left below
    it (the calibration set's [0.9, 0.95) bin, 96 % right, would have auto-accepted
    fields that its 300-field evaluation counterpart showed 93 % right)."""
    points: list[list[float]] = []  # [mean confidence, accuracy, fields]
    for lo, hi in itertools.pairwise(edges):
        idx = [i for i, q in enumerate(probs) if lo <= q < hi or (hi == edges[-1] and q == hi)]
        if len(idx) >= least:
            mean = sum(probs[i] for i in idx) / len(idx)
            points.append([mean, sum(ok[i] for i in idx) / len(idx), float(len(idx))])
    pooled: list[list[float]] = []
    for pt in points:
        pooled.append(list(pt))
        while len(pooled) > 1 and pooled[-2][1] > pooled[-1][1]:
            b, a = pooled.pop(), pooled.pop()
            n = a[2] + b[2]
            pooled.append([(a[0] * a[2] + b[0] * b[2]) / n, (a[1] * a[2] + b[1] * b[2]) / n, n])
    inner = [[round(x, 4), round(min(x, y), 4)] for x, y, _ in pooled if 0.0 < x < 1.0]
    return [[0.0, 0.0], *inner, [1.0, 1.0]]


def calibrate(name: str, value: str | None, raw: float, features: Mapping[str, float]) -> float:
    """Probability that the field is exactly right (``raw`` when no fit is shipped)."""
    p = params()
    if p is None:
        return raw
    x = feature_vector(name, value, raw, features)
    z = sum(w * v for w, v in zip(p["weights"], x, strict=True))
    return round(min(0.9999, _sigmoid(z)), 4)
