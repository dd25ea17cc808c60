"""The tables of ``docs/accuracy.md`` in Markdown, from ``hoso eval``'s own measures.

python bench/accuracy_report.py --truth /tmp/eval --pred /tmp/eval/out/records.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hoso import evaluate  # noqa: E402

LEVELS = ("clean", "scan", "hard", "photo")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--pred", type=Path, required=True)
    args = ap.parse_args()
    r = evaluate.evaluate(evaluate.load_truth(args.truth), evaluate.load_jsonl(args.pred))
    levels = [lv for lv in LEVELS if lv in r.by_level]
    fields = r.fields
    print(f"documents {r.documents}, matched {r.matched}, fields {fields.total}\n")
    print("| measure | " + " | ".join(levels) + " | all |")
    print("|---|" + "---:|" * (len(levels) + 1))
    cells = [f"{r.by_level[lv].rate:.1%} ({r.by_level[lv].total})" for lv in levels]
    print("| field exact-match | " + " | ".join(cells) + f" | {fields.rate:.1%} |")
    print(f"\ndoc-type accuracy: {r.doc_type.rate:.1%} ({r.doc_type.correct}/{r.doc_type.total})\n")
    print("| doc_type | field | " + " | ".join(levels) + " |")
    print("|---|---|" + "---:|" * len(levels))
    for doc_type, name in sorted(r.by_field):
        row = []
        for lv in levels:
            tally = r.by_field_level.get((doc_type, name, lv))
            row.append(f"{tally.rate:.0%} ({tally.total})" if tally and tally.total else "")
        print(f"| {doc_type} | {name} | " + " | ".join(row) + " |")
    for title, lvs in (("clean + scan", ("clean", "scan")), ("all levels", None)):
        print(f"\nStraight-through, {title}:\n")
        print("| threshold | auto-accepted | error among accepted | 95% CI | fields |")
        print("|---:|---:|---:|---:|---:|")
        for t, share, err, n in r.straight_through(lvs):
            if not n:
                continue
            lo, hi = evaluate.wilson(round(err * n), n)
            print(f"| {t:g} | {share:.1%} | {err:.2%} | {lo:.2%}–{hi:.2%} | {n} |")
    print("\nReliability, all levels:\n")
    print("| confidence | fields | mean confidence | observed accuracy |")
    print("|---|---:|---:|---:|")
    for lo, hi, n, mean, acc in evaluate.reliability(r.scored):
        print(f"| [{lo:g}, {hi:g}) | {n} | {mean:.3f} | {acc:.3f} |")
    print(f"\nExpected calibration error: {evaluate.expected_calibration_error(r.scored):.3f}")


if __name__ == "__main__":
    main()
