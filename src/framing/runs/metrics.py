"""Classification metrics with an explicit label order, bootstrap intervals and a paired test."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)


def scored_labels(gold: list[str], pred: list[str], labels: list[str]) -> list[str]:
    """Labels that occur in gold or predictions, in schema order: the classes macro-F1 averages.

    >>> scored_labels(["a", "c"], ["a", "a"], ["a", "b", "c"])
    ['a', 'c']
    """
    present = set(gold) | set(pred)
    return [lab for lab in labels if lab in present]


def macro_f1(gold: list[str], pred: list[str], labels: list[str]) -> float:
    """Macro-F1 over the labels present in gold or predictions.

    >>> macro_f1(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    0.6666666666666666
    """
    used = scored_labels(gold, pred, labels)
    return float(f1_score(gold, pred, labels=used, average="macro", zero_division=0))


def _codes(values: list[str], labels: list[str]) -> np.ndarray:
    index = {lab: i for i, lab in enumerate(labels)}
    return np.array([index.get(v, len(labels)) for v in values])


def _macro_f1_rows(g: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    """Macro-F1 of every row of integer-coded gold/pred matrices (same rule as `macro_f1`)."""
    scores = np.zeros(g.shape[0])
    present = np.zeros(g.shape[0])
    for c in range(k):
        tp = ((g == c) & (p == c)).sum(1)
        fp = ((g != c) & (p == c)).sum(1)
        fn = ((g == c) & (p != c)).sum(1)
        denom = 2 * tp + fp + fn
        scores += np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
        present += denom > 0
    return scores / np.maximum(present, 1)


def _resample(n: int, n_boot: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def bootstrap_ci(
    gold: list[str],
    pred: list[str],
    labels: list[str],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of macro-F1, resampling examples with replacement."""
    g, p = _codes(gold, labels), _codes(pred, labels)
    idx = _resample(len(g), n_boot, seed)
    scores = _macro_f1_rows(g[idx], p[idx], len(labels))
    lo, hi = np.percentile(scores, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)


def evaluate(
    gold: list[str], pred: list[str], labels: list[str], n_boot: int = 1000, seed: int = 0
) -> dict:
    """Accuracy, macro-F1 with its 95% interval, per-class P/R/F1 and the confusion matrix."""
    if len(gold) != len(pred) or not gold:
        raise ValueError(
            f"need equal, non-zero numbers of gold and predicted labels, "
            f"got {len(gold)} and {len(pred)}"
        )
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    lo, hi = bootstrap_ci(gold, pred, labels, n_boot, seed) if n_boot > 0 else (None, None)
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": macro_f1(gold, pred, labels),
        "macro_f1_ci95": [lo, hi],
        "macro_f1_labels": scored_labels(gold, pred, labels),
        "per_class": {
            lab: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(gold, pred, labels=labels).tolist(),
        },
    }


def paired_bootstrap(
    gold: list[str],
    pred_a: list[str],
    pred_b: list[str],
    labels: list[str],
    n_boot: int = 10000,
    seed: int = 0,
) -> dict:
    """Paired bootstrap of macro-F1(A) - macro-F1(B) on the same examples.

    `p_value` is two-sided: twice the share of resamples whose difference has the opposite sign
    of the observed one (or is zero), capped at 1.
    """
    if not (len(gold) == len(pred_a) == len(pred_b)) or not gold:
        raise ValueError("paired bootstrap needs both systems' predictions on the same examples")
    g, a, b = (_codes(x, labels) for x in (gold, pred_a, pred_b))
    observed = macro_f1(gold, pred_a, labels) - macro_f1(gold, pred_b, labels)
    idx = _resample(len(g), n_boot, seed)
    k = len(labels)
    deltas = _macro_f1_rows(g[idx], a[idx], k) - _macro_f1_rows(g[idx], b[idx], k)
    if observed >= 0:
        tail = float(np.mean(deltas <= 0))
    else:
        tail = float(np.mean(deltas >= 0))
    lo, hi = np.percentile(deltas, [2.5, 97.5])
    return {
        "n": len(gold),
        "n_boot": n_boot,
        "delta_macro_f1": float(observed),
        "ci95": [float(lo), float(hi)],
        "p_value": min(1.0, 2 * tail),
    }
