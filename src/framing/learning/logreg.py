"""Logistic regression over fixed features, kept in label order and saved as plain tensors
(shared by the TF-IDF and frozen-encoder families)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression


def fit_logreg(
    x: np.ndarray, y: list[str], labels: list[str], C: float, class_weight: str | None, seed: int
) -> LogisticRegression:
    """A multinomial logistic regression whose classes follow `labels` order."""
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=3000, random_state=seed)
    idx = np.array([labels.index(v) for v in y])
    clf.fit(x, idx)
    return clf


def logreg_proba(clf: LogisticRegression, x: Any, n_labels: int) -> np.ndarray:
    """predict_proba spread over all `n_labels` columns (a class may be absent from training)."""
    out = np.zeros((x.shape[0], n_labels))
    if x.shape[0]:
        out[:, clf.classes_] = clf.predict_proba(x)
    return out


def logreg_tensors(clf: LogisticRegression) -> dict[str, np.ndarray]:
    # safetensors writes raw memory: sklearn's coef_ can be column-major, so copy to C order
    t = {"coef": clf.coef_, "intercept": clf.intercept_, "classes": clf.classes_}
    return {k: np.ascontiguousarray(v) for k, v in t.items()}


def logreg_from_tensors(t: dict[str, np.ndarray]) -> LogisticRegression:
    clf = LogisticRegression()
    clf.coef_, clf.intercept_, clf.classes_ = t["coef"], t["intercept"], t["classes"]
    return clf
