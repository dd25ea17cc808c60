"""Independent readings of one fact, combined by Bayes' rule.

A fact may be read more than once: on two documents of a dossier (``crosscheck.dossier``),
or on one document in two forms (the sex printed in words and coded in the CCCD number;
the date of birth and the card's expiry on that birthday, ``extract.fields``). Each
reading's calibrated confidence ``p`` is the chance it is right; errors are independent.
The weight of "the true value is ``v``" is the product of ``p`` over readings of ``v`` and
``1 - p`` over the others, times ``COINCIDENCE`` for every extra wrong reading that
happens to equal another wrong one; one more hypothesis says every reading is wrong. A
reading's posterior is that of its own value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

# Chance that a second wrong reading equals the first wrong one. Misreadings on different
# documents come from different fonts and damage; they coincide only for systematic
# confusions (O/0 in a code, a dropped diacritic). Chosen on the tuning set (docs/accuracy.md).
COINCIDENCE = 0.1
# A reviewer's value is nearly certain; no reading is taken as fully certain.
REVIEWED = 0.9999


def _clip(p: float) -> float:
    return min(REVIEWED, max(1 - REVIEWED, p))


def posteriors(readings: Sequence[tuple[str, float]]) -> list[float]:
    """Posterior that each reading ``(key, p)`` is right, given all the readings.

    >>> [round(p, 3) for p in posteriors([("A", 0.9), ("A", 0.9)])]
    [0.999, 0.999]
    >>> [round(p, 3) for p in posteriors([("A", 0.9), ("B", 0.9)])]
    [0.474, 0.474]
    """
    sizes: dict[str, int] = defaultdict(int)
    for key, _ in readings:
        sizes[key] += 1
    logs = [(math.log(_clip(p)), math.log(1 - _clip(p))) for _, p in readings]
    extra = {k: n - 1 for k, n in sizes.items()}
    total_extra = sum(extra.values())
    log_eps = math.log(COINCIDENCE)
    weights: dict[str | None, float] = {}
    for k in sizes:
        right = sum(lp for (key, _), (lp, _) in zip(readings, logs, strict=True) if key == k)
        wrong = sum(lq for (key, _), (_, lq) in zip(readings, logs, strict=True) if key != k)
        weights[k] = right + wrong + (total_extra - extra[k]) * log_eps
    weights[None] = sum(lq for _, lq in logs) + total_extra * log_eps
    top = max(weights.values())
    norm = sum(math.exp(w - top) for w in weights.values())
    return [math.exp(weights[key] - top) / norm for key, _ in readings]
