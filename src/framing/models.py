"""The Classifier interface every model family shares, the TF-IDF family, and save/load by family.

A saved model is a folder: `classifier.json` (family, factory, config, labels) plus weights in
safetensors; nothing is pickled, so loading a model never runs code from the folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from hydra.utils import get_class
from safetensors.numpy import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from framing.config import InputError, ModelConfig, TfidfLogRegConfig

META_FILE = "classifier.json"


class Classifier:
    """fit / predict_proba / labels / save / load; `pairs` is a second text (e.g. a target)."""

    config: Any
    labels: list[str]
    device: Any = "cpu"  # where predict_proba runs; transformer families set a torch.device

    def fit(self, texts: list[str], labels: list[str], pairs: list[str] | None = None) -> None:
        raise NotImplementedError

    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of `self.labels`."""
        raise NotImplementedError

    def predict(self, texts: list[str], pairs: list[str] | None = None) -> list[str]:
        probs = self.predict_proba(texts, pairs)
        return [self.labels[i] for i in probs.argmax(axis=1)]

    def save(self, path: Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "family": self.config.family,
            "target": self.config._target_,
            "config": asdict(self.config),
            "labels": self.labels,
            **self._extra_meta(),
        }
        (path / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        self._save_weights(path)

    def _extra_meta(self) -> dict:
        return {}

    def _save_weights(self, path: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> Classifier:
        raise NotImplementedError


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


def join_pair(texts: list[str], pairs: list[str] | None) -> list[str]:
    """Bag-of-words models see a pair as one text; the marker keeps the two apart."""
    if pairs is None:
        return texts
    return [f"{p} || {t}" for t, p in zip(texts, pairs)]


class TfidfLogReg(Classifier):
    """Word uni/bi-gram TF-IDF features and logistic regression."""

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


def read_meta(path: Path) -> dict:
    f = Path(path) / META_FILE
    if not f.is_file():
        raise InputError(f"{path} is not a saved framing model (no {META_FILE})")
    return json.loads(f.read_text(encoding="utf-8"))


def build_model(
    config: ModelConfig, labels: list[str], seed: int, descriptions: dict[str, str] | None = None
) -> Classifier:
    """Instantiate the family named by `config._target_`."""
    return get_class(config._target_)(config, labels=labels, seed=seed, descriptions=descriptions)


def meta_config(meta: dict, config_cls: type, device: str | None = None) -> Any:
    """The saved model config, with `device` replaced when given (auto, cpu or cuda)."""
    fields = dict(meta["config"])
    if device is not None and "device" in fields:
        fields["device"] = device
    return config_cls(**fields)


def load_model(path: Path, device: str | None = None) -> Classifier:
    """Load any saved Classifier; the factory comes from its classifier.json."""
    meta = read_meta(path)
    if not meta.get("target", "").startswith("framing."):
        raise InputError(f"{path}: unknown model factory {meta.get('target')!r}")
    return get_class(meta["target"]).load(Path(path), device=device)
