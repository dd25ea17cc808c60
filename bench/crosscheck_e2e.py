"""The cross-check end to end on hoso's own readings: per-rule precision and recall.

Each step is the real ``hoso`` command, in a fresh store (``--work``/home):

  1. ``hoso fixtures reference --scans`` — dossier facts rendered as scans (``--level``, in
     turn), the registry and population with planted discrepancies, ``planted.jsonl``;
  2. ``hoso run ref/scans`` — digitize them (OCR errors included);
  3. ``hoso registry import`` and ``hoso population import``;
  4. ``hoso crosscheck run --as-of``; ``hoso export`` (documents, fields, findings);
  5. score the findings against ``planted.jsonl`` (``hoso.evaluate.score_findings``):
     documents matched by dossier, file name and first page, a finding by (document, rule,
     fields).

Prints a Markdown table (docs/crosscheck.md) and the breakdown of every false or missed
finding by cause (the misread fields, their confidence against the review threshold), and
writes them to ``--work``/errors.jsonl. ``--reuse`` keeps the generated scans and the
digitized store of an earlier run and repeats steps 3–5 (e.g. after a rule change).

    python bench/crosscheck_e2e.py --n 400 --seed 4242 --level clean --level scan \\
        --work /tmp/e2e --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crosscheck.rules import DOUBTFUL, RULE_NAMES  # noqa: E402
from hoso.evaluate import FindingsReport, load_jsonl, score_findings  # noqa: E402

HOSO = [sys.executable, "-m", "hoso"]
BATCH = "e2e"


def hoso(args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> str:
    """One ``hoso`` command; its output (exit codes in ``ok`` accepted)."""
    proc = subprocess.run([*HOSO, *args], env=env, capture_output=True, text=True, cwd=REPO)
    if proc.returncode not in ok:
        raise SystemExit(f"hoso {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}")
    return proc.stdout


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def table(report: FindingsReport) -> str:
    lines = [
        "| rule | expected | found | of which doubtful | precision | recall "
        "| precision, doubtful excluded | recall, doubtful excluded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rule, s in report.scores.items():
        lines.append(
            f"| {rule} | {s.expected:,} | {s.found:,} | {s.found - s.asserted:,} "
            f"| {pct(s.precision)} | {pct(s.recall)} | {pct(s.precision_asserted)} "
            f"| {pct(s.recall_asserted)} |"
        )
    return "\n".join(lines)


def breakdown(report: FindingsReport, examples: int) -> str:
    causes = Counter((e["rule"], e["error"], e["cause"]) for e in report.errors)
    lines = ["| rule | error | cause | count |", "|---|---|---|---:|"]
    for (rule, err, cause), n in sorted(causes.items(), key=lambda x: (x[0][0], -x[1])):
        lines.append(f"| {rule} | {err} | {cause} | {n} |")
    shown = [e for e in report.errors if e["differences"]][:examples]
    for e in shown:
        diffs = "; ".join(
            f"{d['field']} {d['truth']!r} read {d['read']!r} ({d['confidence']:.2f})"
            for d in e["differences"]
        )
        lines.append(f"- {e['error']} {e['rule']} [{e['fields']}] {e['document']}: {diffs}")
    return "\n".join(lines)


def complete_dossiers(
    truth: list[dict[str, Any]], planted: list[dict[str, Any]], records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Only the dossiers every file of which has documents (a run stopped early: dossiers
    are processed in order, and each one's expectations depend on it alone)."""
    done = {(r["dossier_id"], r["source"]["filename"]) for r in records}
    files: dict[str, set[str]] = {}
    for t in truth:
        files.setdefault(t["dossier_id"], set()).add(t["source"]["filename"])
    keep = {d for d, names in files.items() if all((d, n) in done for n in names)}
    return (
        [t for t in truth if t["dossier_id"] in keep],
        [p for p in planted if p["dossier_id"] in keep],
        [r for r in records if r["dossier_id"] in keep],
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--level", action="append", help="clean, scan, hard, photo (default clean)")
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.9, help="HOSO_REVIEW_THRESHOLD")
    ap.add_argument("--reuse", action="store_true", help="keep scans and store; re-check")
    ap.add_argument("--examples", type=int, default=40)
    ap.add_argument("--no-doubt", action="store_true", help="cross-check with threshold 0")
    ap.add_argument(
        "--complete-only", action="store_true", help="score only fully digitized dossiers"
    )
    args = ap.parse_args()
    ref, home, out = args.work / "ref", args.work / "home", args.work / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.update(HOSO_HOME=str(home), HOSO_REVIEW_THRESHOLD=str(args.threshold), COLUMNS="200")
    times: dict[str, float] = {}
    start = time.perf_counter()
    if not args.reuse:
        levels = [a for lv in args.level or ["clean"] for a in ("--level", lv)]
        hoso(["fixtures", "reference", "--out", str(ref), "--n", str(args.n), "--seed",
              str(args.seed), "--as-of", args.as_of, "--scans", *levels], env)  # fmt: skip
        times["generate"] = time.perf_counter() - start
        start = time.perf_counter()
        run = ["run", str(ref / "scans"), "--out", str(out), "--batch", BATCH]
        if args.workers:
            run += ["--workers", str(args.workers)]
        hoso(run, env, ok=(0, 3, 4))
        times["hoso run"] = time.perf_counter() - start
        start = time.perf_counter()
    hoso(["registry", "import", str(ref / "registry.csv")], env)
    hoso(["population", "import", str(ref / "population.csv")], env)
    # --no-doubt: no reading is below the threshold (misreading shapes still apply).
    check_env = {**env, "HOSO_REVIEW_THRESHOLD": "0"} if args.no_doubt else env
    summary = hoso(["crosscheck", "run", "--batch", BATCH, "--as-of", args.as_of], check_env)
    export = args.work / "checked.jsonl"
    hoso(["export", "--out", str(export), "--batch", BATCH], env)
    times["import + cross-check + export"] = time.perf_counter() - start
    truth = load_jsonl(ref / "truth.jsonl")
    planted = [p for p in load_jsonl(ref / "planted.jsonl") if "rule" in p]
    records = load_jsonl(export)
    if args.complete_only:
        truth, planted, records = complete_dossiers(truth, planted, records)
    report = score_findings(truth, planted, records, RULE_NAMES, args.threshold, DOUBTFUL)
    with (args.work / "errors.jsonl").open("w", encoding="utf-8") as fh:
        for e in report.errors:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    levels_text = ", ".join(args.level or ["clean"])
    print(summary)
    dossiers = len({t["dossier_id"] for t in truth})
    print(
        f"n={dossiers} dossiers, seed {args.seed}, levels {levels_text}, as of {args.as_of}, "
        f"review threshold {args.threshold}: {report.documents} documents, "
        f"{report.matched} found with their type; {platform.node()}, {os.cpu_count()} CPUs; "
        + ", ".join(f"{k} {v:.0f} s" for k, v in times.items())
    )
    print()
    print(table(report))
    print()
    print(breakdown(report, args.examples))


if __name__ == "__main__":
    main()
