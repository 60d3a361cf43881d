"""Typed schemas of the task, data and schema config groups (checked in __post_init__)."""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from framing.core.errors import InputError


@dataclass(frozen=True)
class TaskSpec:
    """A task name's schema label set and its kind: which runner trains it
    (`framing.experiments.runner.TASK_KINDS`)."""

    label_set: str
    kind: str = "classification"


# task.name -> its spec; a task is one line here plus configs/task/<name>.yaml
TASKS: dict[str, TaskSpec] = {
    "framing": TaskSpec("frames"),
    "stance": TaskSpec("stances"),
    "attribution": TaskSpec("attribution"),
    "source_type": TaskSpec("source_types"),
    # token-level Source / Cue / Content spans (framing.learning.tagger)
    "attribution_spans": TaskSpec("spans", kind="spans"),
    # frame, stance and attribution of claims in context, one model (framing.learning.multitask)
    "claims": TaskSpec("frames", kind="claims"),
}


@dataclass
class TaskConfig:
    """What to predict: `name` picks the corpus field, `label_set` the schema's labels for it."""

    name: str = MISSING
    label_set: str = MISSING
    use_pair: bool = False  # score the claim against a target (text pair)
    claim_kinds: list[str] = field(default_factory=lambda: ["body"])

    def __post_init__(self) -> None:
        if self.name not in TASKS:
            raise InputError(f"task.name={self.name!r}; expected one of {list(TASKS)}")


DATA_KINDS = ("corpus", "ukraine", "table", "newsmtsc", "gvfc", "frac", "polnear")


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
    # ukraine, or corpus plus real articles: the folder of the project's labels for the
    # Ukraine news bias articles (data/ukraine) and the dataset folder with their text
    real: str | None = None
    real_root: str = "../shared/datasets/ukraine_news_bias"
    real_train: bool = False  # corpus: also train (and select) on the real train/dev articles
    real_copies: int = 1  # with real_train: the real train articles this many times over
    in_domain: str | None = None  # polnear: a corpus whose test articles also score the modes
    in_domain_copies: int = 0  # polnear: train also on the in_domain corpus's train articles, x N

    def __post_init__(self) -> None:
        if self.kind not in DATA_KINDS:
            raise InputError(f"data.kind={self.kind!r}; expected one of {list(DATA_KINDS)}")
        if self.in_domain_copies < 0:
            raise InputError(f"data.in_domain_copies={self.in_domain_copies}; expected >= 0")
        if self.in_domain_copies and not self.in_domain:
            raise InputError("data.in_domain_copies > 0 needs data.in_domain=<corpus folder>")
        if self.folds < 0 or self.folds == 1:
            raise InputError(f"data.folds={self.folds}; expected 0 (no CV) or at least 2")
        if self.kind == "ukraine" and not self.real:
            raise InputError("data.kind=ukraine needs data.real=<folder with labels/>")
        if self.real_copies < 1:
            raise InputError(f"data.real_copies={self.real_copies}; expected >= 1")
        if self.real_train and not self.real:
            raise InputError("data.real_train=true needs data.real=<folder with labels/>")
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
