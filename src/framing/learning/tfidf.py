"""The TF-IDF family: word uni/bi-gram features and logistic regression (scikit-learn)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from framing.learning.base import Classifier, ModelConfig, check_ranges, read_meta
from framing.learning.logreg import fit_logreg, logreg_from_tensors, logreg_proba, logreg_tensors


@dataclass
class TfidfLogRegConfig(ModelConfig):
    ngram_max: int = 2
    min_df: int = 1
    max_features: int | None = 50000
    C: float = 10.0
    class_weight: str | None = "balanced"

    def __post_init__(self) -> None:
        check_ranges(self, positive=("ngram_max", "min_df", "max_features", "C"))


def join_pair(texts: list[str], pairs: list[str] | None) -> list[str]:
    """Bag-of-words models see a pair as one text; the marker keeps the two apart."""
    if pairs is None:
        return texts
    return [f"{p} || {t}" for t, p in zip(texts, pairs)]


class TfidfLogReg(Classifier):
    """Word uni/bi-gram TF-IDF features and logistic regression."""

    config_class = TfidfLogRegConfig  # the Hydra schema of configs/model/<family>.yaml

    def __init__(
        self,
        config: TfidfLogRegConfig,
        labels: list[str],
        seed: int = 0,
        descriptions: dict[str, str] | None = None,
    ) -> None:
        self.config, self.labels, self.seed = config, list(labels), seed
        self.vectorizer = self._vectorizer()
        self.clf: LogisticRegression | None = None

    def _vectorizer(self, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
        c = self.config
        return TfidfVectorizer(
            ngram_range=(1, c.ngram_max),
            min_df=c.min_df,
            max_features=c.max_features,
            sublinear_tf=True,
            vocabulary=vocabulary,
        )

    def fit(self, texts: list[str], labels: list[str], pairs: list[str] | None = None) -> None:
        x = self.vectorizer.fit_transform(join_pair(texts, pairs))
        self.clf = fit_logreg(
            x, labels, self.labels, self.config.C, self.config.class_weight, self.seed
        )

    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        if self.clf is None:
            raise RuntimeError("TfidfLogReg.predict_proba called before fit")
        if not texts:
            return np.zeros((0, len(self.labels)))
        x = self.vectorizer.transform(join_pair(texts, pairs))
        return logreg_proba(self.clf, x, len(self.labels))

    def _extra_meta(self) -> dict:
        return {"vocabulary": {k: int(v) for k, v in self.vectorizer.vocabulary_.items()}}

    def _save_weights(self, path: Path) -> None:
        tensors = logreg_tensors(self.clf)
        tensors["idf"] = np.ascontiguousarray(self.vectorizer.idf_)
        save_file(tensors, str(path / "weights.safetensors"))

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> TfidfLogReg:
        meta = read_meta(path)
        obj = cls(TfidfLogRegConfig(**meta["config"]), meta["labels"])
        t = load_file(str(Path(path) / "weights.safetensors"))
        vocab = {k: int(v) for k, v in meta["vocabulary"].items()}
        obj.vectorizer = obj._vectorizer(vocab)
        obj.vectorizer.idf_ = t["idf"]
        obj.clf = logreg_from_tensors(t)
        return obj
