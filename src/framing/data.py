"""Task examples (text, optional pair, label) from the project corpus or a user's CSV/JSONL."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from framing import public
from framing.config import DataConfig, InputError, SchemaConfig, TaskConfig, project_path
from framing.corpus import AnnotationError, fingerprint, load_corpus

log = logging.getLogger(__name__)
SPLITS = ("train", "dev", "test")


@dataclass
class Examples:
    """One split: parallel lists; `pairs` is None unless the task scores a text pair."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    pairs: list[str] | None = None
    alt_labels: list[str | None] | None = None  # a second acceptable label (lenient score)

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


def claim_label(task: str, claim: dict) -> str:
    """The gold label of one corpus claim for `task`."""
    if task == "framing":
        return claim["frame"]
    if task == "stance":
        return claim["stance"]
    if task == "attribution":
        return "attributed" if claim["attributed"] else "unattributed"
    if task == "source_type":
        return claim["source_type"] or "unattributed"
    raise InputError(f"no corpus label for task {task!r}")


def corpus_splits(root: str | Path) -> tuple[dict[str, list[dict]], str]:
    """The validated corpus articles of each split (splits.json), and the corpus fingerprint."""
    root = project_path(root)
    split_file = root / "splits.json"
    if not root.is_dir() or not split_file.is_file():
        raise InputError(
            f"corpus not found: {root}/splits.json is missing (set data.root=<corpus folder>)"
        )
    try:
        docs = {d["article_id"]: d for d in load_corpus(root)}
    except (AnnotationError, FileNotFoundError, KeyError, json.JSONDecodeError) as e:
        raise InputError(f"corpus at {root} is invalid: {e}") from None
    split_ids = json.loads(split_file.read_text(encoding="utf-8"))
    out = {}
    for name in SPLITS:
        missing = [aid for aid in split_ids[name] if aid not in docs]
        if missing:
            raise InputError(f"{split_file}: article {missing[0]!r} has no annotation")
        out[name] = [docs[aid] for aid in split_ids[name]]
    files = [split_file, *root.glob("annotations/*.json"), *root.glob("articles/*.txt")]
    return out, fingerprint(files)


def _corpus_examples(data: DataConfig, task: TaskConfig) -> tuple[dict[str, Examples], str]:
    articles, fp = corpus_splits(data.root)
    out = {}
    for name in SPLITS:
        ex = Examples([], [], [], [] if task.use_pair else None)
        for doc in articles[name]:
            aid = doc["article_id"]
            for k, claim in enumerate(doc["claims"]):
                if claim["kind"] not in task.claim_kinds:
                    continue
                ex.ids.append(f"{aid}:{k}")
                ex.texts.append(claim["text"])
                ex.labels.append(claim_label(task.name, claim))
                if ex.pairs is not None:
                    ex.pairs.append(doc["target"])
        out[name] = ex
    return out, fp


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or JSONL file, refusing missing, empty or unreadable files clearly."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"data file not found: {p}")
    if p.stat().st_size == 0:
        raise InputError(f"data file is empty: {p}")
    try:
        if p.suffix.lower() in (".jsonl", ".json"):
            df = pd.read_json(p, lines=True, dtype=False)
        else:
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"cannot read {p} as {p.suffix or 'CSV'}: {first}") from None
    if df.empty:
        raise InputError(f"data file has no rows: {p}")
    return df


def _table_examples(path: str, data: DataConfig, task: TaskConfig) -> Examples:
    df = read_table(path)
    wanted = [data.text_column, data.label_column]
    if task.use_pair:
        if not data.pair_column:
            raise InputError(f"task {task.name} scores a text pair: set data.pair_column=<column>")
        wanted.append(data.pair_column)
    if data.group_column:
        wanted.append(data.group_column)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {missing}; expected {wanted}, found {list(df.columns)}"
        )
    df = df.astype({c: str for c in wanted})
    empty = df.index[df[data.text_column].str.strip() == ""].tolist()
    if empty:
        raise InputError(f"{path}: empty text in row(s) {[i + 1 for i in empty[:5]]}")
    groups = df[data.group_column] if data.group_column else df.index.astype(str)
    return Examples(
        ids=[f"{g}:{i}" for i, g in zip(df.index, groups)],
        texts=df[data.text_column].tolist(),
        labels=df[data.label_column].tolist(),
        pairs=df[data.pair_column].tolist() if task.use_pair else None,
    )


def take(ex: Examples, idx: list[int]) -> Examples:
    pick = lambda xs: [xs[i] for i in idx]  # noqa: E731
    return Examples(
        pick(ex.ids),
        pick(ex.texts),
        pick(ex.labels),
        pick(ex.pairs) if ex.pairs is not None else None,
        pick(ex.alt_labels) if ex.alt_labels is not None else None,
    )


def _carve(ex: Examples, data: DataConfig, grouped: bool) -> dict[str, Examples]:
    """Split one table into train/dev/test: by group if given, else stratified by label."""
    try:
        return _carve_unchecked(ex, data, grouped)
    except ValueError:
        unit = f"groups ({data.group_column})" if grouped else "rows"
        raise InputError(
            f"{data.train}: too few {unit} to split into train/dev/test; "
            "add rows or give data.dev and data.test"
        ) from None


def _carve_unchecked(ex: Examples, data: DataConfig, grouped: bool) -> dict[str, Examples]:
    idx = list(range(len(ex)))
    held = data.dev_fraction + data.test_fraction
    if grouped:
        groups = [i.split(":", 1)[0] for i in ex.ids]
        splitter = GroupShuffleSplit(n_splits=1, test_size=held, random_state=data.split_seed)
        train_idx, rest = next(splitter.split(idx, groups=groups))
        sub = [groups[i] for i in rest]
        splitter = GroupShuffleSplit(
            n_splits=1, test_size=data.test_fraction / held, random_state=data.split_seed
        )
        dev_pos, test_pos = next(splitter.split(rest, groups=sub))
        parts = [list(train_idx), [rest[i] for i in dev_pos], [rest[i] for i in test_pos]]
    else:
        strat = ex.labels if min(pd.Series(ex.labels).value_counts()) >= 3 else None
        train_idx, rest = train_test_split(
            idx, test_size=held, random_state=data.split_seed, stratify=strat
        )
        rest_strat = [ex.labels[i] for i in rest] if strat else None
        try:
            dev_idx, test_idx = train_test_split(
                rest,
                test_size=data.test_fraction / held,
                random_state=data.split_seed,
                stratify=rest_strat,
            )
        except ValueError:
            dev_idx, test_idx = train_test_split(
                rest, test_size=data.test_fraction / held, random_state=data.split_seed
            )
        parts = [train_idx, dev_idx, test_idx]
    return {name: take(ex, sorted(p)) for name, p in zip(SPLITS, parts)}


def _table_splits(data: DataConfig, task: TaskConfig) -> tuple[dict[str, Examples], str]:
    train = _table_examples(data.train, data, task)
    paths = [Path(data.train)]
    if data.dev and data.test:
        out = {
            "train": train,
            "dev": _table_examples(data.dev, data, task),
            "test": _table_examples(data.test, data, task),
        }
        paths += [Path(data.dev), Path(data.test)]
    elif data.dev or data.test:
        raise InputError("give both data.dev and data.test, or neither (then train is split)")
    else:
        out = _carve(train, data, grouped=bool(data.group_column))
    return out, fingerprint(paths)


def _examples(t: public.Table, use_pair: bool) -> Examples:
    if use_pair and t.pairs is None:
        raise InputError("this dataset has no second text (target) for a pair task")
    return Examples(t.ids, t.texts, t.labels, t.pairs if use_pair else None, t.alt_labels)


def _public_splits(data: DataConfig, task: TaskConfig) -> tuple[dict, str, list | None, list]:
    """A public benchmark: its published split, or (folds > 0) every example with a fold."""
    skipped = public.Skipped()
    root = project_path(data.root)
    empty = Examples([], [], [], [] if task.use_pair else None)
    if data.kind == "newsmtsc":
        if data.folds:
            raise InputError("NewsMTSC has a published split; leave data.folds=0")
        tables = public.load_newsmtsc(root, skipped)
        splits = {k: _examples(t, task.use_pair) for k, t in tables.items()}
        files = [root / rel for rel in public.NEWSMTSC_FILES.values()]
        return splits, fingerprint(files), None, skipped.items
    if data.kind == "gvfc":
        table = public.load_gvfc(root, skipped, data.dedup_threshold)
        files = [root / public.GVFC_FILE]
    elif data.kind == "polnear":
        raise InputError("data=polnear holds spans: use experiment=polnear_tagger")
    else:
        table = public.load_frac(root, skipped)
        files = [root / public.FRAC_FILE]
    if data.folds < 2:
        raise InputError(f"{data.kind} has no published split: set data.folds=5 (or more)")
    if table.groups is not None:
        sizes = pd.Series(table.groups).value_counts()
        log.info(
            "%d near-duplicate groups of 2 or more headlines (largest %d), kept in one fold",
            int((sizes > 1).sum()),
            int(sizes.max()),
        )
    folds = public.assign_folds(table.labels, table.groups, data.folds, data.split_seed)
    splits = {"train": _examples(table, task.use_pair), "dev": empty, "test": empty}
    return splits, fingerprint(files), folds, skipped.items


def load_task_data(data: DataConfig, task: TaskConfig, schema: SchemaConfig) -> TaskData:
    """Load train/dev/test for `task` and check every label against the schema and training set."""
    if task.label_set not in schema.label_sets:
        raise InputError(
            f"schema {schema.version} has no label set {task.label_set!r}; "
            f"it has {sorted(schema.label_sets)}"
        )
    known = list(schema.label_sets[task.label_set])
    folds, skipped = None, []
    if data.kind in public.DATASETS:
        splits, fp, folds, skipped = _public_splits(data, task)
    else:
        splits, fp = (_corpus_examples if data.kind == "corpus" else _table_splits)(data, task)
    for name in splits:
        if folds is not None and name != "train":
            continue
        if len(splits[name]) == 0:
            raise InputError(f"the {name} split of data {data.name!r} has no examples")
        unknown = sorted(set(splits[name].labels) - set(known))
        if unknown:
            raise InputError(
                f"{name} labels {unknown} are not in schema {schema.version} "
                f"label set {task.label_set!r} {known}"
            )
    seen = set(splits["train"].labels)
    for name in [n for n in splits if n != "train"]:
        unseen = sorted(set(splits[name].labels) - seen)
        if unseen:
            raise InputError(f"{name} label(s) {unseen} never occur in training data")
    labels = [lab for lab in known if lab in seen]
    log.info(
        "data %s: %s examples, labels %s", data.name, {n: len(splits[n]) for n in splits}, labels
    )
    extra = {k: v for k, v in splits.items() if k not in SPLITS}
    return TaskData(
        splits["train"], splits["dev"], splits["test"], labels, fp, extra, folds, skipped
    )
