"""Task examples: parallel lists of ids, texts, optional pairs and labels per split."""

from __future__ import annotations

from dataclasses import dataclass, field

SPLITS = ("train", "dev", "test")


@dataclass
class Examples:
    """One split: parallel lists; `pairs` is None unless the task scores a text pair."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    pairs: list[str] | None = None
    alt_labels: list[str | None] | None = None  # a second acceptable label (lenient score)
    # who speaks (unattributed or a source type): corpus and real claims are also scored per group
    groups: list[str] | None = None

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class TaskData:
    """Train/dev/test examples with the label order used for models and metrics.

    With `folds` (cross-validation), every example is in `train` with its fold index and dev
    and test are empty. `extra` holds further scored sets (NewsMTSC's mt dev/test).
    """

    train: Examples
    dev: Examples
    test: Examples
    labels: list[str]
    fingerprint: str
    extra: dict[str, Examples] = field(default_factory=dict)
    folds: list[int] | None = None
    skipped: list[str] = field(default_factory=list)

    def split(self, name: str) -> Examples:
        return {"train": self.train, "dev": self.dev, "test": self.test, **self.extra}[name]

    @property
    def eval_splits(self) -> list[str]:
        return ["dev", "test", *self.extra]


def take(ex: Examples, idx: list[int]) -> Examples:
    pick = lambda xs: [xs[i] for i in idx]  # noqa: E731
    return Examples(
        pick(ex.ids),
        pick(ex.texts),
        pick(ex.labels),
        pick(ex.pairs) if ex.pairs is not None else None,
        pick(ex.alt_labels) if ex.alt_labels is not None else None,
        pick(ex.groups) if ex.groups is not None else None,
    )
