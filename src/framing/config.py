"""Typed configuration: a dataclass schema per Hydra config group, registered in ConfigStore."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

VERSION_BASE = "1.3"
SHIPPED_MODEL = "shipped:all-MiniLM-L6-v2"
TASK_LABEL_SETS = {
    "framing": "frames",
    "stance": "stances",
    "attribution": "attribution",
    "source_type": "source_types",
    "attribution_spans": "spans",  # token-level Source / Cue / Content (framing.tagger)
}


# The checkout this package was installed from (editable install), for its data/ and configs/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def project_path(path: str | Path) -> Path:
    """A relative path as given if it exists from the working folder, else from the checkout."""
    p = Path(path)
    if p.is_absolute() or p.exists() or not (PROJECT_ROOT / p).exists():
        return p
    return PROJECT_ROOT / p


class InputError(ValueError):
    """Bad input from the user (data, config, paths): reported as one line, never a traceback."""


@dataclass
class TaskConfig:
    """What to predict: `name` picks the corpus field, `label_set` the schema's labels for it."""

    name: str = MISSING
    label_set: str = MISSING
    use_pair: bool = False  # score the claim against a target (text pair)
    claim_kinds: list[str] = field(default_factory=lambda: ["body"])

    def __post_init__(self) -> None:
        if self.name not in TASK_LABEL_SETS:
            raise InputError(f"task.name={self.name!r}; expected one of {list(TASK_LABEL_SETS)}")


DATA_KINDS = ("corpus", "table", "newsmtsc", "gvfc", "frac", "polnear")


@dataclass
class DataConfig:
    """Where examples come from: the project corpus, a researcher's CSV/JSONL files, or a public
    benchmark (newsmtsc, gvfc, frac) read in place from `root` under the data root."""

    name: str = MISSING
    kind: str = "corpus"  # corpus | table | newsmtsc | gvfc | frac
    # corpus: folder with articles/, annotations/, splits.json; public: the dataset's folder
    root: str = "data/corpus"
    train: str | None = None  # table: CSV or JSONL file(s)
    dev: str | None = None
    test: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    pair_column: str | None = None  # e.g. a target column for stance
    group_column: str | None = None  # keep rows of one group (article) in one split
    split_seed: int = 13  # seeded stratified split (tables) or folds (folds > 0)
    dev_fraction: float = 0.15
    test_fraction: float = 0.15
    folds: int = 0  # > 1: k-fold cross-validation instead of a train/dev/test split
    dedup_threshold: float = (
        0.5  # gvfc: near-duplicate headlines (word TF-IDF cosine) share a fold
    )
    in_domain: str | None = None  # polnear: a corpus whose test articles also score the modes

    def __post_init__(self) -> None:
        if self.kind not in DATA_KINDS:
            raise InputError(f"data.kind={self.kind!r}; expected one of {list(DATA_KINDS)}")
        if self.folds < 0 or self.folds == 1:
            raise InputError(f"data.folds={self.folds}; expected 0 (no CV) or at least 2")
        if self.kind == "table" and not self.train:
            raise InputError("data.kind=table needs data.train=<file.csv|file.jsonl>")
        if not 0 < self.dev_fraction + self.test_fraction < 1:
            raise InputError("data.dev_fraction + data.test_fraction must lie in (0, 1)")


@dataclass
class SchemaConfig:
    """A versioned label scheme: label set name -> {label: description used by zero_shot}."""

    name: str = MISSING
    version: str = MISSING
    label_sets: dict[str, dict[str, str]] = MISSING


@dataclass
class ModelConfig:
    """Fields shared by every family; `_target_` names the factory that builds it."""

    _target_: str = MISSING
    family: str = MISSING


@dataclass
class TfidfLogRegConfig(ModelConfig):
    ngram_max: int = 2
    min_df: int = 1
    max_features: int | None = 50000
    C: float = 10.0
    class_weight: str | None = "balanced"


@dataclass
class EncoderConfig(ModelConfig):
    name: str = SHIPPED_MODEL  # any HF hub name or local path
    max_length: int = 128
    batch_size: int = 32
    device: str = "auto"  # auto | cpu | cuda


@dataclass
class EncoderLogRegConfig(EncoderConfig):
    C: float = 1.0
    class_weight: str | None = "balanced"
    # text pairs: "cross" encodes (text, pair) together; "concat" embeds each alone and uses
    # [x, t, x*t], so one pass per claim serves any number of targets
    pair_mode: str = "cross"

    def __post_init__(self) -> None:
        if self.pair_mode not in ("cross", "concat"):
            raise InputError(f"model.pair_mode={self.pair_mode!r}; expected 'cross' or 'concat'")


@dataclass
class FinetuneConfig(EncoderConfig):
    epochs: float = 8.0
    max_steps: int = -1  # > 0 caps training steps (a step budget for slow machines)
    learning_rate: float = 1e-4
    train_batch_size: int = 16
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1


@dataclass
class TaggerConfig(EncoderConfig):
    """Token classifier for attribution spans (framing.tagger), trained with a step budget."""

    epochs: float = 1.0
    max_steps: int = -1  # > 0 caps training steps
    learning_rate: float = 5e-5
    train_batch_size: int = 16
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    eval_steps: int = 0  # > 0: score dev every eval_steps and keep the best weights

    def __post_init__(self) -> None:
        if self.max_steps <= 0 and self.epochs <= 0:
            raise InputError("model.max_steps or model.epochs must be positive")


@dataclass
class ZeroShotConfig(EncoderConfig):
    temperature: float = 0.05  # softmax over cosine similarities / temperature


@dataclass
class TrainConfig:
    """One training run; `name` names its folder under `out_root`."""

    task: TaskConfig = MISSING
    data: DataConfig = MISSING
    schema: SchemaConfig = MISSING
    model: Any = MISSING
    name: str = MISSING
    seed: int = 0
    # public benchmark datasets (configs/data/{newsmtsc,gvfc,frac,polnear}.yaml read from here)
    data_root: str = "../shared/datasets"
    out_root: str = "experiments"
    bootstrap: int = 1000  # resamples for the macro-F1 interval
    save_model: bool = True

    def __post_init__(self) -> None:
        if self.bootstrap < 0:
            raise InputError(f"bootstrap={self.bootstrap}; expected a number of resamples >= 0")


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


def one_line(exc: BaseException) -> str:
    """Hydra/OmegaConf's message and its cause on one line, without the details that follow
    (`full_key:`, the config search path)."""
    lines: list[str] = []
    while exc is not None:
        for line in str(exc).strip().splitlines():
            line = line.strip()
            if line.startswith(("full_key:", "Config search path")):
                break
            if line.startswith("To append to your config"):  # we refuse `+key=` overrides
                continue
            if line and line not in lines:
                lines.append(line)
        exc = exc.__cause__
    return " ".join(lines)


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
