"""Task examples (text, optional pair, label) per split from the project corpus, a user's
CSV/JSONL tables or a public benchmark, with every label checked against the schema."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from framing.core.errors import InputError
from framing.core.paths import project_path
from framing.data import public
from framing.data.config import DataConfig, SchemaConfig, TaskConfig
from framing.data.corpus import AnnotationError, fingerprint, load_corpus
from framing.data.examples import SPLITS, Examples, TaskData
from framing.data.tables import table_splits
from framing.data.ukraine import load_real

log = logging.getLogger(__name__)


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
        ex = Examples([], [], [], [] if task.use_pair else None, groups=[])
        for doc in articles[name]:
            aid = doc["article_id"]
            for k, claim in enumerate(doc["claims"]):
                if claim["kind"] not in task.claim_kinds:
                    continue
                ex.ids.append(f"{aid}:{k}")
                ex.texts.append(claim["text"])
                ex.labels.append(claim_label(task.name, claim))
                ex.groups.append(claim["source_type"] or "unattributed")
                if ex.pairs is not None:
                    ex.pairs.append(doc["target"])
        out[name] = ex
    return out, fp


def _real_examples(data: DataConfig, task: TaskConfig) -> tuple[dict[str, Examples], str]:
    """The labelled real articles (data/ukraine) per split, as task examples."""
    articles, fp = load_real(project_path(data.real_root), project_path(data.real))
    out = {}
    for name, arts in articles.items():
        ex = Examples([], [], [], [] if task.use_pair else None, groups=[])
        for art in arts:
            for s in art.sentences:
                if s.labels["segment"] not in task.claim_kinds:
                    continue
                ex.ids.append(f"{art.article_id}:{s.id}")
                ex.texts.append(art.text[s.start : s.end])
                ex.labels.append(claim_label(task.name, s.labels))
                ex.groups.append(s.labels["source_type"] or "unattributed")
                if ex.pairs is not None:
                    ex.pairs.append(art.target)
        out[name] = ex
    return out, fp


def _join(a: Examples, b: Examples) -> Examples:
    pairs = a.pairs + b.pairs if a.pairs is not None and b.pairs is not None else None
    groups = a.groups + b.groups if a.groups is not None and b.groups is not None else None
    return Examples(a.ids + b.ids, a.texts + b.texts, a.labels + b.labels, pairs, None, groups)


def _with_real(data: DataConfig, task: TaskConfig, splits: dict, fp: str) -> tuple[dict, str]:
    """Corpus splits plus the real articles: scored as real_dev and real_test, and with
    data.real_train also trained on (their dev then joins the dev set too)."""
    real, real_fp = _real_examples(data, task)
    out = dict(splits)
    if data.real_train:
        out["train"] = splits["train"]
        for _ in range(data.real_copies):
            out["train"] = _join(out["train"], real["train"])
        out["dev"] = _join(splits["dev"], real["dev"])
    out["real_dev"], out["real_test"] = real["dev"], real["test"]
    return out, f"{fp}+{real_fp}"


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


def outside_schema(
    split: str, unknown: list[str], schema: SchemaConfig, label_set: str, known: list[str]
) -> str:
    """The error for labels a schema does not have, and how to add a schema that has them."""
    return (
        f"{split} labels {unknown} are not in schema {schema.version} label set {label_set!r} "
        f"{known}; for your own labels add configs/schema/<name>.yaml (defaults: "
        f"[schema_schema], name, version, label_sets: {{{label_set}: {{<label>: <one-line "
        f"description>}}}}) and pass schema=<name>"
    )


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
        load = {"corpus": _corpus_examples, "ukraine": _real_examples}.get(data.kind, table_splits)
        splits, fp = load(data, task)
        if data.real and data.kind == "corpus":
            splits, fp = _with_real(data, task, splits, fp)
    for name in splits:
        if folds is not None and name != "train":
            continue
        if len(splits[name]) == 0:
            raise InputError(f"the {name} split of data {data.name!r} has no examples")
        unknown = sorted(set(splits[name].labels) - set(known))
        if unknown:
            raise InputError(outside_schema(name, unknown, schema, task.label_set, known))
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
