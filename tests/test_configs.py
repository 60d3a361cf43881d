"""The real Hydra configs: every experiment and group option composes, converts and builds."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
from conftest import CONFIGS, compose_train, shrink
from hydra.errors import ConfigCompositionException, MissingConfigException
from omegaconf import OmegaConf

from framing.core.errors import InputError
from framing.data.config import DataConfig, SchemaConfig, TaskConfig
from framing.learning.encoders import EncoderLogReg, EncoderLogRegConfig, ZeroShot, ZeroShotConfig
from framing.learning.finetune import FineTune, FinetuneConfig
from framing.learning.multitask import MultitaskConfig
from framing.learning.registry import build_model
from framing.learning.tagger import TaggerConfig
from framing.learning.tfidf import TfidfLogReg, TfidfLogRegConfig
from framing.runs.config import TrainConfig

EXPERIMENTS = sorted(p.stem for p in (CONFIGS / "experiment").glob("*.yaml"))
MODEL_TYPES = {
    "tfidf_logreg": (TfidfLogRegConfig, TfidfLogReg),
    "encoder_logreg": (EncoderLogRegConfig, EncoderLogReg),
    "finetune": (FinetuneConfig, FineTune),
    "zero_shot": (ZeroShotConfig, ZeroShot),
}
# Every model group option's config type; the span tagger is not a sequence Classifier.
MODEL_CONFIGS = {
    **{k: v[0] for k, v in MODEL_TYPES.items()},
    "tagger": TaggerConfig,
    "multitask": MultitaskConfig,
}
TASKS = {
    "framing": "frames",
    "stance": "stances",
    "attribution": "attribution",
    "source_type": "source_types",
}


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


def to_object(overrides: list[str]) -> TrainConfig:
    return OmegaConf.to_object(compose_train(overrides))


def test_the_default_config() -> None:
    cfg = to_object([])
    assert isinstance(cfg, TrainConfig)
    assert (cfg.task.name, cfg.data.kind, cfg.model.family) == (
        "framing",
        "corpus",
        "encoder_logreg",
    )
    assert cfg.name == "framing_encoder_logreg"
    assert (cfg.seed, cfg.out_root, cfg.bootstrap, cfg.save_model) == (
        0,
        "experiments",
        1000,
        True,
    )
    assert cfg.schema.version == "framing-default.v1"
    assert cfg.model.name == "shipped:all-MiniLM-L6-v2"


def test_there_is_an_experiment_per_task_and_family() -> None:
    assert {f"{t}_{f}" for t in TASKS for f in MODEL_TYPES} <= set(EXPERIMENTS)


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_experiment_composes(experiment: str) -> None:
    cfg = to_object([f"experiment={experiment}"])
    assert isinstance(cfg, TrainConfig)
    assert isinstance(cfg.model, MODEL_CONFIGS[cfg.model.family])
    assert cfg.task.label_set in cfg.schema.label_sets
    named = {f"{t}_{f}": (t, f) for t in TASKS for f in MODEL_TYPES}
    if experiment in named:  # <task>_<family>: the file sets exactly those two
        assert (cfg.task.name, cfg.model.family) == named[experiment]
        assert cfg.name == experiment
    # the file says how to run it: "# @package _global_", then the command
    lines = (CONFIGS / "experiment" / f"{experiment}.yaml").read_text().splitlines()
    assert lines[0] == "# @package _global_"
    assert lines[1].startswith("# python scripts/train.py")
    glob = re.search(r"experiment=glob\(([^),]+)", lines[1])
    assert f"experiment={experiment}" in lines[1] or (glob and fnmatch(experiment, glob[1]))
    if glob:  # a benchmark: <dataset>_<family>, its runs named after the file
        assert cfg.name == experiment
        assert experiment.endswith(cfg.model.family) and cfg.data.name in experiment


GROUP_TYPES = {"task": TaskConfig, "data": DataConfig, "schema": SchemaConfig}


@pytest.mark.parametrize(
    "group,option", [(g, o) for g in ("task", "data", "schema", "model") for o in options(g)]
)
def test_each_group_option_composes(group: str, option: str) -> None:
    extra = ["data.train=rows.csv"] if (group, option) == ("data", "table") else []
    if (group, option) == ("task", "attribution_spans"):
        extra = ["schema=polnear"]  # span roles are PolNeAR's label set
    cfg = to_object([f"{group}={option}", *extra])
    node = getattr(cfg, group)
    if group == "model":
        assert isinstance(node, MODEL_CONFIGS[option]) and node.family == option
        assert node._target_.startswith("framing.")
    else:
        assert isinstance(node, GROUP_TYPES[group])
        assert node.name == option
    if group == "task":
        assert node.label_set in cfg.schema.label_sets


def test_schemas_are_versioned_and_describe_every_label() -> None:
    for option in options("schema"):
        schema = to_object([f"schema={option}"]).schema
        assert schema.version.endswith(".v1")
        for label_set, labels in schema.label_sets.items():
            assert labels and all(isinstance(d, str) and d.strip() for d in labels.values()), (
                f"{option}: {label_set} has a label without a description"
            )


@pytest.mark.parametrize("family", sorted(MODEL_TYPES))
def test_each_model_config_builds(family: str, tiny_model: str, tmp_path: Path) -> None:
    cfg = OmegaConf.to_object(shrink(compose_train([f"model={family}"]), tiny_model, tmp_path))
    labels = list(cfg.schema.label_sets["frames"])
    model = build_model(cfg.model, labels, seed=0, descriptions=cfg.schema.label_sets["frames"])
    assert type(model) is MODEL_TYPES[family][1]
    assert model.labels == labels and model.config is cfg.model


@pytest.mark.parametrize(
    "override,exception,message",
    [
        ("model.foo=1", ConfigCompositionException, "Could not override 'model.foo'"),
        ("sed=1", ConfigCompositionException, "Could not override 'sed'"),
        (
            "task.label_sett=frames",
            ConfigCompositionException,
            "Could not override 'task.label_sett'",
        ),
        ("data.text_col=x", ConfigCompositionException, "Could not override 'data.text_col'"),
        ("seed=abc", ConfigCompositionException, "Error merging override seed=abc"),
        ("model=nope", MissingConfigException, "Could not find 'model/nope'"),
        ("experiment=nope", MissingConfigException, "Could not find 'experiment/nope'"),
    ],
)
def test_unknown_or_mistyped_keys_fail_composition(override, exception, message) -> None:
    with pytest.raises(exception, match=message):
        compose_train([override])


def test_tfidf_has_no_transformer_keys() -> None:
    with pytest.raises(ConfigCompositionException, match="Could not override 'model.name'"):
        compose_train(["model=tfidf_logreg", "model.name=bert"])


@pytest.mark.parametrize(
    "overrides,message",
    [
        (
            ["task.name=bogus"],
            "task.name='bogus'; expected one of "
            "['framing', 'stance', 'attribution', 'source_type', 'attribution_spans', 'claims']",
        ),
        (
            ["data.kind=sql"],
            "data.kind='sql'; expected one of "
            "['corpus', 'ukraine', 'table', 'newsmtsc', 'gvfc', 'frac', 'polnear']",
        ),
        (["data.folds=1"], "data.folds=1; expected 0 (no CV) or at least 2"),
        (["data=table"], "data.kind=table needs data.train=<file.csv|file.jsonl>"),
        (["data.dev_fraction=0.9"], "data.dev_fraction + data.test_fraction must lie in (0, 1)"),
        (["bootstrap=-1"], "bootstrap=-1; expected a number of resamples >= 0"),
        (["model.pair_mode=both"], "model.pair_mode='both'; expected 'cross' or 'concat'"),
        (["model.C=0"], "model.C=0.0; expected a number > 0"),
        (["model.batch_size=0"], "model.batch_size=0; expected a number > 0"),
        (["model=tfidf_logreg", "model.min_df=0"], "model.min_df=0; expected a number > 0"),
        (
            ["model=finetune", "model.epochs=-1"],
            "model.epochs=-1.0; expected a number > 0 (or model.max_steps > 0)",
        ),
        (
            ["model=finetune", "model.learning_rate=0"],
            "model.learning_rate=0.0; expected a number > 0",
        ),
        (
            ["model=finetune", "model.train_batch_size=-4"],
            "model.train_batch_size=-4; expected a number > 0",
        ),
        (
            ["model=finetune", "model.warmup_ratio=1.5"],
            "model.warmup_ratio=1.5; expected 0 <= value < 1",
        ),
        (
            ["model=finetune", "model.weight_decay=-0.1"],
            "model.weight_decay=-0.1; expected a number >= 0",
        ),
        (
            ["model=zero_shot", "model.temperature=0"],
            "model.temperature=0.0; expected a number > 0",
        ),
        (
            ["task=attribution_spans", "model=tagger", "model.epochs=0"],
            "model.epochs=0.0; expected a number > 0 (or model.max_steps > 0)",
        ),
    ],
)
def test_invalid_values_fail_conversion(overrides, message: str) -> None:
    cfg = compose_train(overrides)  # well-typed, so Hydra accepts it ...
    with pytest.raises(InputError) as err:  # ... and the dataclass refuses it, naming the value
        OmegaConf.to_object(cfg)
    assert str(err.value) == message
