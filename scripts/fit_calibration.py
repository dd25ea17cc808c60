"""Fit the field-confidence calibration (``extract/data/calibration.json``).

Input: a generated fixtures folder (``truth.jsonl``) that ``hoso run`` has processed into
the embedded store ``HOME``. Every processed file is classified and extracted again from
its stored pages (no whole-page OCR), with raw heuristic confidences; each field of each
truth document becomes one sample (its evidence, and whether the value is exactly right),
and a logistic model is fitted (:func:`extract.calibration.fit`). Use a seed that is never
used for evaluation:

    hoso fixtures generate --n 60 --seed 2024 --out /tmp/calib
    HOSO_HOME=/tmp/calib/h hoso run /tmp/calib/scans --out /tmp/calib/out
    python scripts/fit_calibration.py --truth /tmp/calib --home /tmp/calib/h
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "extract" / "data" / "calibration.json"


def samples(
    truth_dir: Path, home: Path, calibrated: bool = False
) -> tuple[list[list[float]], list[bool], list[float]]:
    """(feature vectors, correct, raw confidences) of every truth field; ``calibrated``:
    the confidences the shipped fit gives, after corroboration (the second stage's input)."""
    os.environ["HOSO_HOME"] = str(home)
    import worker
    from extract import calibration
    from hoso import evaluate, records
    from hoso.models import File, FileState, PageRow

    ctx = worker.build_context(worker.load())
    truth = {evaluate._key(t): t for t in evaluate.load_truth(truth_dir)}
    xs: list[list[float]] = []
    ys: list[bool] = []
    raws: list[float] = []
    with ctx.sessions() as session:
        names = {
            r["source"]["sha256"]: (r["dossier_id"], Path(r["source"]["filename"]).name)
            for r in records.iter_records(session)
        }
        shas = list(session.scalars(select(File.sha256).where(File.state == FileState.done)))
        for sha in shas:
            rows = session.scalars(
                select(PageRow).where(PageRow.file_sha256 == sha).order_by(PageRow.number)
            ).all()
            pages = [worker.get_words(ctx.store, r.words_key) for r in rows]
            reader = worker.strip_reader(ctx, sha)
            for span, extracted in worker.extract_spans(pages, reader, calibrated=calibrated):
                dossier, filename = names[sha]
                t = truth.get((dossier, filename, span.page_start))
                if t is None or t["doc_type"] != span.doc_type:
                    continue
                for name, want in t["fields"].items():
                    f = extracted[name]
                    ok = evaluate.fold_value(f.value) == evaluate.fold_value(want)
                    xs.append(calibration.feature_vector(name, f.value, f.confidence, f.features))
                    ys.append(ok)
                    raws.append(f.confidence)
    return xs, ys, raws


def ece(probs: list[float], ok: list[bool], bins: int = 10) -> float:
    total, err = len(probs), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if idx:
            conf = sum(probs[i] for i in idx) / len(idx)
            acc = sum(ok[i] for i in idx) / len(idx)
            err += len(idx) / total * abs(conf - acc)
    return err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    from extract import calibration

    xs, ys, raws = samples(args.truth, args.home)
    weights = calibration.fit(xs, ys, args.l2)
    fitted = [calibration._sigmoid(sum(w * v for w, v in zip(weights, x, strict=True))) for x in xs]
    data: dict[str, Any] = {
        "model": "logistic regression over extract.calibration.feature_vector, then "
        "monotone knots over the corroborated confidences",
        "inputs": list(calibration.INPUTS),
        "weights": weights,
        "knots": [],
        "fitted_on": {
            "truth": args.truth.name,
            "fields": len(ys),
            "accuracy": round(sum(ys) / len(ys), 4),
            "ece_raw": round(ece(raws, ys), 4),
            "ece_fitted": round(ece(fitted, ys), 4),
        },
    }
    # Second stage: the first stage shipped (no knots), every field extracted again with
    # it and corroborated, and knots fitted on those confidences.
    args.out.write_text(json.dumps({**data, "version": "stage-1"}), encoding="utf-8")
    calibration.params.cache_clear()
    _, ys2, final = samples(args.truth, args.home, calibrated=True)
    knots = calibration.fit_knots(final, ys2, calibration.KNOT_EDGES)
    data["knots"] = knots
    data["fitted_on"]["ece_corroborated"] = round(ece(final, ys2), 4)
    mapped = [calibration.apply_knots(p, knots) for p in final]
    data["fitted_on"]["ece_knots"] = round(ece(mapped, ys2), 4)
    digest = hashlib.sha256(json.dumps([weights, knots]).encode()).hexdigest()[:8]
    # A new fit is a new version even on the same day (documents record it).
    data = {"version": f"logistic-{dt.date.today().isoformat()}-{digest}", **data}
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(data["fitted_on"]), "->", args.out)


if __name__ == "__main__":
    main()
