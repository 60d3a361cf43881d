"""Transformer sentence embeddings and the two families built on a frozen encoder.

`EncoderLogReg` fits a logistic regression on mean-pooled embeddings; `ZeroShot` embeds the
schema's label descriptions and picks the nearest one, needing no training data.
"""

from __future__ import annotations

import copy
import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from framing.core.errors import InputError
from framing.learning.base import Classifier, ModelConfig, check_ranges, meta_config, read_meta
from framing.learning.fast import (
    SHIPPED_MODEL,
    check_backend,
    concat_pair,
    resolve_model_name,
)
from framing.learning.logreg import (
    fit_logreg,
    logreg_from_tensors,
    logreg_proba,
    logreg_tensors,
)

log = logging.getLogger(__name__)


@dataclass
class EncoderConfig(ModelConfig):
    name: str = SHIPPED_MODEL  # any HF hub name or local path
    max_length: int = 128
    batch_size: int = 32
    device: str = "auto"  # auto | cpu | cuda

    def __post_init__(self) -> None:
        check_ranges(self, positive=("max_length", "batch_size"))


@dataclass
class EncoderLogRegConfig(EncoderConfig):
    C: float = 1.0
    class_weight: str | None = "balanced"
    # text pairs: "cross" encodes (text, pair) together; "concat" embeds each alone and uses
    # [x, t, x*t], so one pass per claim serves any number of targets
    pair_mode: str = "cross"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_ranges(self, positive=("C",))
        if self.pair_mode not in ("cross", "concat"):
            raise InputError(f"model.pair_mode={self.pair_mode!r}; expected 'cross' or 'concat'")


@dataclass
class ZeroShotConfig(EncoderConfig):
    temperature: float = 0.05  # softmax over cosine similarities / temperature

    def __post_init__(self) -> None:
        super().__post_init__()
        check_ranges(self, positive=("temperature",))


def resolve_device(device: str) -> torch.device:
    """auto -> cuda when available, else cpu; asking for cuda without one is an input error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("device=cuda but no CUDA device is available; use device=auto or cpu")
    if device not in ("cpu", "cuda"):
        raise InputError(f"device={device!r}; expected auto, cpu or cuda")
    return torch.device(device)


def load_pretrained(name: str, loader: type, **kwargs) -> object:
    """from_pretrained with a one-line error when `name` is not a model folder or hub name."""
    path = resolve_model_name(name)
    if Path(path).exists() and not (Path(path) / "config.json").is_file():
        raise InputError(f"model.name={name!r} is not a transformers model (no config.json)")
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # no load report or progress bar on every run
    hf_logging.disable_progress_bar()
    try:
        return loader.from_pretrained(path, **kwargs)
    except (OSError, ValueError, KeyError, TypeError) as e:
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        where = "folder" if Path(path).exists() else "name (not a local folder; hub offline?)"
        raise InputError(f"model.name={name!r}: cannot load this {where}: {reason}") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


def load_labelled(name: str, loader: type, labels: list[str]) -> tuple[object, object]:
    """Tokenizer and model (`loader`, e.g. AutoModelForTokenClassification) with one output per
    label and the label names in its config."""
    from transformers import AutoTokenizer

    tokenizer = load_pretrained(name, AutoTokenizer)
    model = load_pretrained(
        name,
        loader,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    )
    return tokenizer, model


class Encoder:
    """Mean-pooled, L2-normalised embeddings from any AutoModel."""

    def __init__(
        self, name: str, max_length: int = 128, batch_size: int = 32, device: str = "auto"
    ) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = load_pretrained(name, AutoTokenizer)
        self.model = load_pretrained(name, AutoModel)
        self.device = resolve_device(device)
        self.model.to(self.device).eval()
        self.max_length, self.batch_size = max_length, batch_size
        self._cache: dict[tuple[str, str | None], np.ndarray] = {}
        self.runner = self.model  # what _embed calls: the model, or its ONNX Runtime session

    def use_backend(self, backend: str) -> None:
        """Embed with torch, or ONNX Runtime on CPU (`learning.onnx_backend`; "onnx": the same
        embeddings to float precision, "onnx_int8": int8 weights), exported into the cache
        once; torch when the cache cannot be written, and on a GPU."""
        check_backend(backend)
        self._cache = {}
        if backend == "torch" or self.device.type != "cpu":
            self.runner = self.model
            return
        from framing.learning.onnx_backend import onnx_runner

        uses_types = "token_type_ids" in self.tokenizer.model_input_names
        self.runner = (
            onnx_runner(self.model, uses_types, "last_hidden_state", backend) or self.model
        )

    def onnx_copy(self, backend: str = "onnx") -> Encoder:
        """This encoder on `backend` (`use_backend`) as a copy with its own cache, so that
        other users of this (shared, `get_encoder`) encoder keep torch; itself when the copy
        would run torch anyway."""
        fast = copy.copy(self)
        fast.use_backend(backend)
        return self if fast.runner is self.model else fast

    CACHE_SIZE = 200_000  # embeddings kept (384 floats each for MiniLM)

    def embed(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """Embeddings of texts (or text pairs), each computed once per Encoder: cross-validation
        folds and repeated seeds in one process reuse them."""
        keys = list(zip(texts, pairs)) if pairs is not None else [(t, None) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._cache))
        todo.sort(key=lambda k: len(k[0]) + len(k[1] or ""))  # less padding per batch
        if todo:
            if len(self._cache) + len(todo) > self.CACHE_SIZE:
                self._cache.clear()
            second = [p for _, p in todo] if pairs is not None else None
            vecs = self._embed([t for t, _ in todo], second)
            self._cache.update(zip(todo, vecs))
        if not keys:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    @torch.inference_mode()
    def _embed(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        self.model.eval()  # a frozen encoder: no dropout, whoever trained it last
        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            second = pairs[i : i + self.batch_size] if pairs is not None else None
            enc = self.tokenizer(
                batch,
                second,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            hidden = self.runner(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy())
        if not out:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.concatenate(out)


@functools.lru_cache(maxsize=4)
def get_encoder(name: str, max_length: int, batch_size: int, device: str) -> Encoder:
    """One loaded Encoder per setting, shared by every head that uses it."""
    return Encoder(name, max_length, batch_size, device)


class EncoderLogReg(Classifier):
    """Frozen encoder features, logistic regression head."""

    config_class = EncoderLogRegConfig  # the Hydra schema of configs/model/<family>.yaml

    def __init__(
        self,
        config: EncoderLogRegConfig,
        labels: list[str],
        seed: int = 0,
        descriptions: dict[str, str] | None = None,
    ) -> None:
        self.config, self.labels, self.seed = config, list(labels), seed
        c = config
        self.encoder = get_encoder(c.name, c.max_length, c.batch_size, c.device)
        self.device = self.encoder.device
        self.clf = None

    def features(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        """Claim embeddings; with pairs, either one cross-encoded pass over (text, pair) or,
        for pair_mode=concat, [x, t, x*t] from separately embedded texts and pairs."""
        if pairs is None or self.config.pair_mode == "cross":
            return self.encoder.embed(texts, pairs)
        unique = sorted(set(pairs))
        t = dict(zip(unique, self.encoder.embed(unique)))
        return concat_pair(self.encoder.embed(texts), np.stack([t[p] for p in pairs]))

    def fit(self, texts: list[str], labels: list[str], pairs: list[str] | None = None) -> None:
        x = self.features(texts, pairs)
        self.clf = fit_logreg(
            x, labels, self.labels, self.config.C, self.config.class_weight, self.seed
        )

    def proba_from_features(self, x: np.ndarray) -> np.ndarray:
        if self.clf is None:
            raise RuntimeError("EncoderLogReg.predict_proba called before fit")
        return logreg_proba(self.clf, x, len(self.labels))

    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        return self.proba_from_features(self.features(texts, pairs))

    def _save_weights(self, path: Path) -> None:
        save_file(logreg_tensors(self.clf), str(path / "weights.safetensors"))

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> EncoderLogReg:
        meta = read_meta(path)
        obj = cls(meta_config(meta, EncoderLogRegConfig, device), meta["labels"])
        obj.clf = logreg_from_tensors(load_file(str(Path(path) / "weights.safetensors")))
        return obj


class ZeroShot(Classifier):
    """Nearest label description by cosine similarity; softmax(similarity / temperature)."""

    config_class = ZeroShotConfig  # the Hydra schema of configs/model/<family>.yaml

    def __init__(
        self,
        config: ZeroShotConfig,
        labels: list[str],
        seed: int = 0,
        descriptions: dict[str, str] | None = None,
    ) -> None:
        missing = [lab for lab in labels if not (descriptions or {}).get(lab)]
        if missing:
            raise InputError(f"zero_shot needs a description for every label; missing {missing}")
        self.config, self.labels, self.seed = config, list(labels), seed
        self.descriptions = {lab: descriptions[lab] for lab in labels}
        c = config
        self.encoder = get_encoder(c.name, c.max_length, c.batch_size, c.device)
        self.device = self.encoder.device

    def fit(self, texts: list[str], labels: list[str], pairs: list[str] | None = None) -> None:
        """Nothing to learn: the label descriptions are the model."""

    def _label_matrix(self, target: str) -> np.ndarray:
        texts = [self.descriptions[lab].replace("{target}", target) for lab in self.labels]
        return self.encoder.embed(texts)

    def predict_proba(self, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
        x = self.encoder.embed(texts)
        targets = pairs if pairs is not None else [""] * len(texts)
        sims = np.zeros((len(texts), len(self.labels)))
        for target in sorted(set(targets)):
            rows = [i for i, t in enumerate(targets) if t == target]
            sims[rows] = x[rows] @ self._label_matrix(target).T
        z = sims / self.config.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def _extra_meta(self) -> dict:
        return {"descriptions": self.descriptions}

    def _save_weights(self, path: Path) -> None:
        """The descriptions in classifier.json are all there is to save."""

    @classmethod
    def load(cls, path: Path, device: str | None = None) -> ZeroShot:
        meta = read_meta(path)
        return cls(
            meta_config(meta, ZeroShotConfig, device),
            meta["labels"],
            descriptions=meta["descriptions"],
        )
