"""The claims task kind: one model (framing.learning.multitask) for frame, stance and attribution
of claims in context; trained, scored per task on every split (and per source type), recorded."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from framing.core.errors import InputError
from framing.data.claims import CLAIM_TASKS, ClaimRow, claim_splits
from framing.data.tasks import outside_schema
from framing.experiments.classification import by_group
from framing.learning.base import set_seed
from framing.learning.checkpoint import remove_checkpoint, resumed_run, training_run
from framing.learning.multitask import ClaimModel
from framing.runs import records
from framing.runs.config import TrainConfig
from framing.runs.metrics import evaluate

log = logging.getLogger(__name__)
# the per-source-type breakdown: frame and stance of claims by who speaks
BY_SOURCE = ("framing", "stance")


def claim_labels(cfg: TrainConfig, splits: dict[str, list[ClaimRow]]) -> dict[str, list[str]]:
    """Each task's labels in schema order (those the training data has); InputError for a label
    outside the schema or a scored label never seen in training."""
    out = {}
    for task, label_set in CLAIM_TASKS.items():
        if label_set not in cfg.schema.label_sets:
            raise InputError(
                f"schema {cfg.schema.version} has no label set {label_set!r}, which task=claims "
                f"needs; it has {sorted(cfg.schema.label_sets)}"
            )
        known = list(cfg.schema.label_sets[label_set])
        for name, rows in splits.items():
            unknown = sorted({r.labels[task] for r in rows} - set(known))
            if unknown:
                raise InputError(outside_schema(name, unknown, cfg.schema, label_set, known))
        seen = {r.labels[task] for r in splits["train"]}
        out[task] = [lab for lab in known if lab in seen]
    return out


def run_claims(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one claim-model configuration; return its run folder."""
    if cfg.model.family != "multitask":
        raise InputError(f"task=claims needs model=multitask, not model={cfg.model.family}")
    splits, fingerprint = claim_splits(cfg.data)
    for name in ("train", "dev"):
        if not splits.get(name):
            raise InputError(f"the {name} split of data {cfg.data.name!r} has no claims")
    labels = claim_labels(cfg, splits)
    if "source" in cfg.model.context:
        # a claim read with its source would tell the attribution head its own answer
        log.info("no attribution head: the context names each claim's source")
        del labels["attribution"]
    resumed = resumed_run(cfg)
    set_seed(cfg.seed)
    model = ClaimModel(cfg.model, labels, cfg.seed)
    with training_run(cfg, overrides, job, resumed) as run_dir:
        start = time.perf_counter()
        log.info("fitting the claim model on %d claims", len(splits["train"]))
        model.fit(splits["train"], splits["dev"], run_dir / "checkpoint", resumed is not None)
        results, rows, cost = {}, [], {}
        for name in [s for s in splits if s != "train" and splits[s]]:
            results[name], split_rows, cost[name] = score_split(model, splits[name], cfg)
            rows += [{"split": name, **r} for r in split_rows]
        records.write_predictions(run_dir / "predictions.jsonl", rows)
        if cfg.save_model:
            model.save(run_dir / "model")
        meta = records.run_metadata(
            cfg.seed,
            str(model.device),
            fingerprint,
            cfg.schema.version,
            time.perf_counter() - start,
        )
        meta["n_examples"] = {s: len(v) for s, v in splits.items()}
        meta["history"], meta["resumes"] = model.history, model.resumes
        meta["seconds_per_claim"] = cost
        records.write_json(run_dir / "meta.json", meta)
        records.write_json(
            run_dir / "metrics.json",
            {
                "name": cfg.name,
                "task": "claims",
                "family": cfg.model.family,
                "model_name": cfg.model.name,
                "data": cfg.data.name,
                "schema_version": cfg.schema.version,
                "seed": cfg.seed,
                "labels": labels,
                "evals": list(results),
                **results,
                "meta": meta,
            },
        )
        remove_checkpoint(run_dir / "checkpoint")
        records.set_status(run_dir, "complete")
    return run_dir


def score_split(model: ClaimModel, rows: list[ClaimRow], cfg: TrainConfig):
    """Per task: `evaluate` on the split, and for frame and stance per source type; the
    prediction rows; seconds per claim for all three tasks (one encoder pass)."""
    texts, ctx, targets = (
        [r.text for r in rows],
        [r.context for r in rows],
        [r.target for r in rows],
    )
    model._cache = None
    start = time.perf_counter()
    probs = {t: model.probs(t, texts, ctx, targets) for t in model.labels}
    per_claim = (time.perf_counter() - start) / len(rows)
    out: dict = {}
    preds = {t: [model.labels[t][i] for i in p.argmax(1)] for t, p in probs.items()}
    for task in model.labels:
        gold = [r.labels[task] for r in rows]
        out[task] = evaluate(gold, preds[task], model.labels[task], cfg.bootstrap, cfg.seed)
        if task in BY_SOURCE:
            out[task]["by_source_type"] = _by_source(rows, task, preds[task], model, cfg)
    table = [
        {
            "id": r.id,
            "text": r.text,
            "target": r.target,
            **{f"gold_{t}": r.labels[t] for t in model.labels},
            **{f"pred_{t}": preds[t][k] for t in model.labels},
            **{
                f"probs_{t}": dict(zip(model.labels[t], np.round(probs[t][k], 4).tolist()))
                for t in model.labels
            },
        }
        for k, r in enumerate(rows)
    ]
    return out, table, round(per_claim, 5)


def _by_source(rows, task: str, pred: list[str], model: ClaimModel, cfg: TrainConfig) -> dict:
    gold, groups = [r.labels[task] for r in rows], [r.source_type for r in rows]
    return by_group(gold, pred, groups, model.labels[task], cfg.bootstrap, cfg.seed)
