"""framing.runs.metrics on hand-built predictions: exact scores, bootstrap intervals, paired
test."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import framing.runs.metrics
from framing.runs.metrics import (
    _codes,
    _macro_f1_rows,
    bootstrap_ci,
    evaluate,
    macro_f1,
    paired_bootstrap,
    scored_labels,
)

LABELS = ["a", "b", "c", "d"]  # "d" occurs in neither gold nor predictions
GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_evaluate_exact_values() -> None:
    m = evaluate(GOLD, PRED, LABELS, n_boot=200, seed=0)
    assert m["n"] == 6
    assert m["accuracy"] == pytest.approx(4 / 6)
    # F1: a = 2*2/(2*2+0+1) = 0.8, b = 2/(2+1+1) = 0.5, c = 2/(2+1+0) = 2/3; d is not scored
    assert m["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert m["macro_f1_labels"] == ["a", "b", "c"]
    assert m["per_class"] == {
        "a": {
            "precision": 1.0,
            "recall": pytest.approx(2 / 3),
            "f1": pytest.approx(0.8),
            "support": 3,
        },
        "b": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
        "c": {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1},
        "d": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
    }
    assert m["confusion"] == {
        "labels": LABELS,
        "matrix": [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]],
    }
    lo, hi = m["macro_f1_ci95"]
    assert 0 <= lo <= m["macro_f1"] <= hi <= 1


def test_label_order_is_explicit() -> None:
    m = evaluate(GOLD, PRED, ["c", "b", "a"], n_boot=0)
    assert list(m["per_class"]) == ["c", "b", "a"]
    assert m["confusion"]["matrix"] == [[1, 0, 0], [1, 1, 0], [0, 1, 2]]


@pytest.mark.parametrize(
    "gold,pred,labels,expected",
    [
        (GOLD, PRED, LABELS, (0.8 + 0.5 + 2 / 3) / 3),  # absent "d" leaves the average alone
        (["a", "a"], ["a", "b"], ["a", "b", "c"], (2 / 3 + 0) / 2),  # predicted-only "b" counts
        (["a", "b"], ["a", "b"], ["a", "b", "c"], 1.0),
        (["a", "a"], ["b", "b"], ["a", "b"], 0.0),
        (["a", "a", "b"], ["a", "b", "b"], ["a", "b"], 2 / 3),
    ],
)
def test_macro_f1_over_present_labels(gold, pred, labels, expected) -> None:
    assert macro_f1(gold, pred, labels) == pytest.approx(expected)


def test_scored_labels_keep_schema_order() -> None:
    assert scored_labels(["c", "a"], ["b", "a"], ["a", "b", "c", "d"]) == ["a", "b", "c"]
    assert scored_labels(["x"], ["x"], ["a"]) == []


def test_evaluate_without_bootstrap() -> None:
    assert evaluate(GOLD, PRED, LABELS, n_boot=0)["macro_f1_ci95"] == [None, None]


@pytest.mark.parametrize("gold,pred", [([], []), (["a"], ["a", "b"])])
def test_evaluate_refuses_mismatched_lengths(gold, pred) -> None:
    with pytest.raises(ValueError, match=rf"got {len(gold)} and {len(pred)}$"):
        evaluate(gold, pred, LABELS)


@pytest.mark.parametrize("seed", range(5))
def test_bootstrap_scores_rows_like_macro_f1(seed: int) -> None:
    """The vectorised per-resample score follows the same rule as macro_f1."""
    rng = np.random.default_rng(seed)
    gold = list(rng.choice(LABELS, 40))
    pred = list(rng.choice(LABELS[:3], 40))
    g, p = _codes(gold, LABELS), _codes(pred, LABELS)
    assert _macro_f1_rows(g[None], p[None], len(LABELS))[0] == pytest.approx(
        macro_f1(gold, pred, LABELS)
    )


def noisy(n: int = 120, seed: int = 0, accuracy: float = 0.7) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    gold = list(rng.choice(["a", "b", "c"], n))
    pred = [g if rng.random() < accuracy else rng.choice(["a", "b", "c"]) for g in gold]
    return gold, pred


def test_bootstrap_ci_contains_the_estimate_and_is_seeded() -> None:
    gold, pred = noisy()
    point = macro_f1(gold, pred, LABELS)
    lo, hi = bootstrap_ci(gold, pred, LABELS, n_boot=500, seed=7)
    assert lo < point < hi
    assert 0.1 < hi - lo < 0.4  # ~120 examples: an interval neither empty nor vacuous
    assert bootstrap_ci(gold, pred, LABELS, n_boot=500, seed=7) == (lo, hi)
    assert bootstrap_ci(gold, pred, LABELS, n_boot=500, seed=8) != (lo, hi)
    wider = bootstrap_ci(gold, pred, LABELS, n_boot=500, seed=7, level=0.99)
    assert wider[0] <= lo and wider[1] >= hi


def test_bootstrap_ci_of_perfect_predictions() -> None:
    assert bootstrap_ci(GOLD, GOLD, LABELS, n_boot=100, seed=0) == (1.0, 1.0)


def test_paired_bootstrap_identical_systems() -> None:
    gold, pred = noisy()
    r = paired_bootstrap(gold, pred, list(pred), LABELS, n_boot=500, seed=0)
    assert r == {
        "n": 120,
        "n_boot": 500,
        "delta_macro_f1": 0.0,
        "ci95": [0.0, 0.0],
        "p_value": 1.0,
    }


def test_paired_bootstrap_clearly_better_system() -> None:
    gold, weak = noisy(accuracy=0.4, seed=1)
    r = paired_bootstrap(gold, list(gold), weak, LABELS, n_boot=2000, seed=0)
    assert r["delta_macro_f1"] == pytest.approx(1.0 - macro_f1(gold, weak, LABELS))
    assert r["delta_macro_f1"] > 0.3
    assert r["p_value"] < 0.01
    assert 0 < r["ci95"][0] <= r["delta_macro_f1"] <= r["ci95"][1]
    # swapping the systems flips the sign and keeps the p-value
    swapped = paired_bootstrap(gold, weak, list(gold), LABELS, n_boot=2000, seed=0)
    assert swapped["delta_macro_f1"] == pytest.approx(-r["delta_macro_f1"])
    assert swapped["p_value"] == r["p_value"]


def test_paired_bootstrap_small_difference_is_not_significant() -> None:
    gold, a = noisy(seed=2)
    b = list(a)
    b[0] = "a" if a[0] != "a" else "b"  # one changed prediction
    assert paired_bootstrap(gold, a, b, LABELS, n_boot=1000, seed=0)["p_value"] > 0.2


def test_paired_bootstrap_is_seeded() -> None:
    gold, a = noisy(seed=3)
    _, b = noisy(seed=3, accuracy=0.5)
    r1 = paired_bootstrap(gold, a, b, LABELS, n_boot=300, seed=5)
    assert paired_bootstrap(gold, a, b, LABELS, n_boot=300, seed=5) == r1


def test_paired_bootstrap_refuses_different_examples() -> None:
    with pytest.raises(ValueError, match="same examples"):
        paired_bootstrap(["a", "b"], ["a"], ["a", "b"], LABELS)


def test_doctests() -> None:
    result = doctest.testmod(framing.runs.metrics, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2
    assert result.failed == 0
