"""The interface every model family shares: its config fields, `Classifier` (fit /
predict_proba / labels / save / load), saved-model metadata and seeding.

A saved model is a folder: `classifier.json` (family, factory, config, labels) plus weights in
safetensors; nothing is pickled, so loading a model never runs code from the folder.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import MISSING

from framing.core.errors import InputError

META_FILE = "classifier.json"


@dataclass
class ModelConfig:
    """Fields shared by every family. `family` picks the class (`framing.learning.registry`);
    `_target_` records where that class lives and must agree with the registry."""

    _target_: str = MISSING
    family: str = MISSING


def check_ranges(
    config: object,
    positive: tuple[str, ...] = (),
    non_negative: tuple[str, ...] = (),
    fraction: tuple[str, ...] = (),
) -> None:
    """InputError (one line, before any run folder exists) for the first setting out of range:
    `positive` must be > 0 (None allowed: no limit), `non_negative` >= 0, `fraction` in [0, 1)."""
    for name in positive:
        v = getattr(config, name)
        if v is not None and not v > 0:
            raise InputError(f"model.{name}={v}; expected a number > 0")
    for name in non_negative:
        if not getattr(config, name) >= 0:
            raise InputError(f"model.{name}={getattr(config, name)}; expected a number >= 0")
    for name in fraction:
        if not 0 <= getattr(config, name) < 1:
            raise InputError(f"model.{name}={getattr(config, name)}; expected 0 <= value < 1")


def check_training(config: object) -> None:
    """The ranges every trained transformer family shares: a positive step budget or epoch
    count, learning rate and batch size; weight decay >= 0; a warmup fraction in [0, 1)."""
    if getattr(config, "max_steps", -1) <= 0 and not config.epochs > 0:
        raise InputError(
            f"model.epochs={config.epochs}; expected a number > 0 (or model.max_steps > 0)"
        )
    check_ranges(
        config,
        positive=("learning_rate", "train_batch_size"),
        non_negative=("weight_decay",),
        fraction=("warmup_ratio",),
    )


class Classifier:
    """fit / predict_proba / labels / save / load; `pairs` is a second text (e.g. a target)."""

    config_class: type  # its family's config dataclass (ModelConfig), the Hydra schema
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


def read_meta(path: Path) -> dict:
    f = Path(path) / META_FILE
    if not f.is_file():
        raise InputError(f"{path} is not a saved framing model (no {META_FILE})")
    return json.loads(f.read_text(encoding="utf-8"))


def meta_config(meta: dict, config_cls: type, device: str | None = None) -> Any:
    """The saved model config, with `device` replaced when given (auto, cpu or cuda)."""
    fields = dict(meta["config"])
    if device is not None and "device" in fields:
        fields["device"] = device
    return config_cls(**fields)


def weights_digest(model, salt: bytes = b"", skip: str | None = None, shapes: bool = False) -> str:
    """A short sha1 of a torch model's weights in name order: `salt` first, names holding
    `skip` left out, each tensor's shape too with `shapes`."""
    import hashlib

    import torch

    h = hashlib.sha1(salt)
    for name, tensor in sorted(model.state_dict().items()):
        if skip is not None and skip in name:
            continue
        h.update(name.encode("utf-8"))
        if shapes:
            h.update(str(tuple(tensor.shape)).encode())
        h.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes())
    return h.hexdigest()[:16]


def set_seed(seed: int) -> None:
    """Seed every generator a family may draw from, so a config and seed give one result."""
    import torch  # here, so that the families without torch do not load it

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
