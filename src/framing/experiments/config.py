"""Typed configuration: a dataclass schema per Hydra config group, registered in ConfigStore."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING


def register() -> None:
    """Register the schemas with Hydra's ConfigStore (called by entry points, not on import)."""
    cs = ConfigStore.instance()
    cs.store(name="train_schema", node=TrainConfig)
    cs.store(group="task", name="task_schema", node=TaskConfig)
    cs.store(group="data", name="data_schema", node=DataConfig)
    cs.store(group="schema", name="schema_schema", node=SchemaConfig)
    for name, node in [
        ("tfidf_logreg_schema", TfidfLogRegConfig),
        ("encoder_logreg_schema", EncoderLogRegConfig),
        ("finetune_schema", FinetuneConfig),
        ("zero_shot_schema", ZeroShotConfig),
        ("tagger_schema", TaggerConfig),
    ]:
        cs.store(group="model", name=name, node=node)


def compose_train_config(overrides: list[str]) -> TrainConfig:
    """The TrainConfig that `scripts/train.py <overrides>` would run (Hydra's compose API)."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    register()
    with initialize_config_dir(str(PROJECT_ROOT / "configs"), version_base=VERSION_BASE):
        cfg = compose("train", overrides=overrides)
    return OmegaConf.to_object(cfg)


def _sweep_values(override) -> list[str]:
    """The values of one sweep override; `glob(...)` over a config group is expanded from the
    group's files in configs/ (Hydra expands it only once its config loader runs)."""
    from fnmatch import fnmatch

    from hydra.core.override_parser.types import Glob

    value = override.value()
    if not isinstance(value, Glob):
        return list(override.sweep_string_iterator())
    group = PROJECT_ROOT / "configs" / override.get_key_element().lstrip("+~")
    names = sorted(p.stem for p in group.glob("*.yaml"))
    picked = [
        n
        for n in names
        if any(fnmatch(n, pat) for pat in value.include)
        and not any(fnmatch(n, pat) for pat in value.exclude)
    ]
    if not picked:
        raise InputError(f"{override.input_line}: matches no config in {group}")
    return picked


def check_overrides(args: list[str]) -> None:
    """Compose configs/train.yaml with command-line overrides before Hydra runs, so an unknown
    key or a bad value is one InputError line. Each value of a sweep is tried once."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    overrides = [a for a in args if a not in ("-m", "--multirun")]
    if any(a.startswith("-") for a in overrides):
        return  # other Hydra flags (--cfg, -cn, ...): leave everything to Hydra
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as e:
        raise InputError(one_line(e)) from None
    added = [o.input_line for o in parsed if o.input_line.startswith("+")]
    if added:
        raise InputError(
            f"{added[0]}: adding config keys is not supported; every key is declared in configs/ "
            "(python scripts/train.py --cfg job lists them)"
        )
    values = [
        [f"{o.get_key_element()}={v}" for v in _sweep_values(o)]
        if o.is_sweep_override()
        else [o.input_line]
        for o in parsed
    ]
    trials = [[v[0] for v in values]]
    for i, options in enumerate(values):
        trials += [[*trials[0][:i], opt, *trials[0][i + 1 :]] for opt in options[1:]]
    for trial in trials:
        try:
            compose_train_config(trial)
        except (HydraException, OmegaConfBaseException) as e:
            raise InputError(one_line(e)) from None
