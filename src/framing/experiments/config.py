"""The training config as Hydra sees it: the structured schemas registered in ConfigStore, the
composition of configs/train.yaml, and the check of command-line overrides before a run."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from framing.core.compose import CONFIG_DIR, compose
from framing.core.errors import InputError, one_line
from framing.data.config import DataConfig, SchemaConfig, TaskConfig
from framing.learning.registry import FAMILIES, family_class
from framing.runs.config import TrainConfig


def register() -> None:
    """Register the schemas with Hydra's ConfigStore (called by entry points, not on import);
    each model family's schema is `<family>_schema`, taken from the family registry."""
    cs = ConfigStore.instance()
    cs.store(name="train_schema", node=TrainConfig)
    cs.store(group="task", name="task_schema", node=TaskConfig)
    cs.store(group="data", name="data_schema", node=DataConfig)
    cs.store(group="schema", name="schema_schema", node=SchemaConfig)
    for family in FAMILIES:
        cs.store(group="model", name=f"{family}_schema", node=family_class(family).config_class)
    from omegaconf import OmegaConf

    OmegaConf.register_new_resolver("framing_groups", option_groups, replace=True)


def option_groups() -> str:
    """The option groups of configs/ and their options, one line per group (for --help); the
    structured schemas in ConfigStore are not options a user picks."""
    groups = sorted(p for p in CONFIG_DIR.iterdir() if p.is_dir() and p.name != "hydra")
    return "\n".join(
        f"{g.name}: {', '.join(sorted(f.stem for f in g.glob('*.yaml')))}" for g in groups
    )


def compose_train_config(overrides: list[str]) -> TrainConfig:
    """The TrainConfig that `scripts/train.py <overrides>` would run (Hydra's compose API)."""
    register()
    return compose("train", overrides)


def _sweep_values(override) -> list[str]:
    """The values of one sweep override; `glob(...)` over a config group is expanded from the
    group's files in configs/ (Hydra expands it only once its config loader runs)."""
    from fnmatch import fnmatch

    from hydra.core.override_parser.types import Glob

    value = override.value()
    if not isinstance(value, Glob):
        return list(override.sweep_string_iterator())
    group = CONFIG_DIR / override.get_key_element().lstrip("+~")
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
