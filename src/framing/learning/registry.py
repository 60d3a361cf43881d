"""The registry of model families: a family's config name -> the class that implements it.

Adding a family is one new module in this package (a class with its config dataclass as
`config_class`; a `Classifier` when it gives one label per text) plus one line in `FAMILIES`
and a `configs/model/<name>.yaml`. The runner, the Hydra schemas and `load_model` find the
class through this line.
"""

from __future__ import annotations

from pathlib import Path

from framing.core.errors import InputError
from framing.core.registry import resolve
from framing.learning.base import Classifier, ModelConfig, read_meta

# model.family -> "module:Class"; imported only when a family is used
FAMILIES: dict[str, str] = {
    "tfidf_logreg": "framing.learning.tfidf:TfidfLogReg",
    "encoder_logreg": "framing.learning.encoders:EncoderLogReg",
    "zero_shot": "framing.learning.encoders:ZeroShot",
    "finetune": "framing.learning.finetune:FineTune",
    "tagger": "framing.learning.tagger:TokenTagger",
    "multitask": "framing.learning.multitask:ClaimModel",
}


def family_class(family: str) -> type:
    """The class registered for `family`."""
    if family not in FAMILIES:
        raise InputError(f"model.family={family!r}; expected one of {list(FAMILIES)}")
    return resolve(FAMILIES[family])


def build_model(
    config: ModelConfig, labels: list[str], seed: int, descriptions: dict[str, str] | None = None
) -> Classifier:
    """A new, untrained model of the family `config.family` names."""
    cls = family_class(config.family)
    ref = FAMILIES[config.family].replace(":", ".")
    if config._target_ != ref:
        raise InputError(
            f"model._target_={config._target_} is not the class of family {config.family} "
            f"({ref}); a new class is a new family in framing.learning.registry.FAMILIES"
        )
    return cls(config, labels=labels, seed=seed, descriptions=descriptions)


def load_model(path: Path, device: str | None = None) -> Classifier:
    """Load any saved Classifier; its family (in classifier.json) picks the class."""
    meta = read_meta(path)
    if "family" not in meta:
        raise InputError(f"{path}: unknown model factory {meta.get('target')!r}")
    if meta["family"] not in FAMILIES:
        raise InputError(
            f"{path}: unknown model family {meta['family']!r}; expected one of {list(FAMILIES)}"
        )
    return family_class(meta["family"]).load(Path(path), device=device)
