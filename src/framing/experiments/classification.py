"""The classification task kind: load examples, build the model family, fit, score dev and
test (or k folds), record the run. Serves every task with one label per text or text pair."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from framing.core.errors import InputError
from framing.data.examples import take
from framing.data.tasks import load_task_data
from framing.learning.base import Classifier, set_seed
from framing.learning.registry import build_model, family_class
from framing.runs import records
from framing.runs.config import TrainConfig
from framing.runs.metrics import evaluate, macro_f1

log = logging.getLogger(__name__)


def run_classification(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one classification configuration; return its run folder."""
    if cfg.resume:
        raise InputError(
            f"resume={cfg.resume}: only span tagger and claim model runs "
            "(experiment=polnear_tagger, experiment=claims_multitask) resume; "
            f"start task={cfg.task.name} again without resume="
        )
    if cfg.model.family == "multitask":
        raise InputError(
            "model=multitask predicts frame, stance and attribution together: use task=claims "
            f"(experiment=claims_multitask), not task={cfg.task.name}"
        )
    if not issubclass(family_class(cfg.model.family), Classifier):
        raise InputError(
            f"model={cfg.model.family} labels spans: use task=attribution_spans data=polnear "
            f"(experiment=polnear_tagger), not task={cfg.task.name}"
        )
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    set_seed(cfg.seed)
    model = build_model(cfg.model, data.labels, cfg.seed, descriptions=dict(_descriptions(cfg)))
    device = str(model.device)

    with records.open_run(cfg.out_root, cfg.name, job, asdict(cfg), overrides) as run_dir:
        _fit_and_record(cfg, data, model, run_dir, device)
    return run_dir


def score(ex, probs: np.ndarray, labels: list[str], n_boot: int, seed: int) -> dict:
    """`evaluate` on one scored set, plus the lenient score where a second label is allowed
    (a prediction equal to the example's secondary label counts as correct)."""
    pred = [labels[i] for i in probs.argmax(axis=1)]
    out = evaluate(ex.labels, pred, labels, n_boot, seed)
    if ex.alt_labels is not None:
        lenient = [p if p == alt else g for g, p, alt in zip(ex.labels, pred, ex.alt_labels)]
        out["lenient_accuracy"] = float(np.mean([g == p for g, p in zip(lenient, pred)]))
        out["lenient_macro_f1"] = macro_f1(lenient, pred, labels)
    if ex.groups is not None:
        out["by_source_type"] = by_group(ex.labels, pred, ex.groups, labels, n_boot, seed)
    return out


def by_group(gold, pred, groups, labels, n_boot: int, seed: int) -> dict:
    """Macro-F1 with its 95% interval per group (who speaks: unattributed or a source type)."""
    out = {}
    for g in sorted(set(groups)):
        idx = [k for k, x in enumerate(groups) if x == g]
        res = evaluate([gold[k] for k in idx], [pred[k] for k in idx], labels, n_boot, seed)
        out[g] = {
            "n": len(idx),
            "macro_f1": res["macro_f1"],
            "macro_f1_ci95": res["macro_f1_ci95"],
        }
    return out


def _fit_and_record(cfg: TrainConfig, data, model, run_dir: Path, device: str) -> None:
    start = time.perf_counter()
    if data.folds is not None:
        results, rows = _cross_validate(cfg, data, model)
    else:
        log.info("fitting %s on %d %s examples", cfg.model.family, len(data.train), cfg.task.name)
        model.fit(data.train.texts, data.train.labels, data.train.pairs)
        results, rows = {}, []
        for split in data.eval_splits:
            ex = data.split(split)
            probs = model.predict_proba(ex.texts, ex.pairs)
            results[split] = score(ex, probs, data.labels, cfg.bootstrap, cfg.seed)
            rows += records.prediction_rows(
                split, ex.ids, ex.texts, ex.pairs, ex.labels, probs, data.labels
            )
            log.info(
                "%s: macro-F1 %.4f accuracy %.4f",
                split,
                results[split]["macro_f1"],
                results[split]["accuracy"],
            )
    records.write_predictions(run_dir / "predictions.jsonl", rows)
    if cfg.save_model:
        model.save(run_dir / "model")
    meta = records.run_metadata(
        cfg.seed, device, data.fingerprint, cfg.schema.version, time.perf_counter() - start
    )
    meta["n_examples"] = {s: len(data.split(s)) for s in ("train", *data.eval_splits)}
    if data.folds is not None:
        meta["cv"] = {"folds": cfg.data.folds, "split_seed": cfg.data.split_seed}
    meta["skipped_records"] = data.skipped
    records.write_json(run_dir / "meta.json", meta)
    records.write_json(
        run_dir / "metrics.json",
        {
            "name": cfg.name,
            "task": cfg.task.name,
            "family": cfg.model.family,
            "model_name": getattr(cfg.model, "name", None),
            "data": cfg.data.name,
            "schema_version": cfg.schema.version,
            "seed": cfg.seed,
            "labels": data.labels,
            "evals": list(results),
            **results,
            "meta": meta,
        },
    )
    records.set_status(run_dir, "complete")


def _cross_validate(cfg: TrainConfig, data, model) -> tuple[dict, list[dict]]:
    """k-fold: a fresh model per fold (same seed), each fold's held-out examples predicted once.

    `test` scores the pooled out-of-fold predictions (every example once); `folds` lists each
    fold's own macro-F1 and accuracy. The model kept (`model/`) is the last fold's.
    """
    ex, k = data.train, max(data.folds) + 1
    probs = np.zeros((len(ex), len(data.labels)))
    fold_scores = []
    for f in range(k):
        train_idx = [i for i, v in enumerate(data.folds) if v != f]
        held = [i for i, v in enumerate(data.folds) if v == f]
        if f > 0:
            set_seed(cfg.seed)
            model = build_model(
                cfg.model, data.labels, cfg.seed, descriptions=dict(_descriptions(cfg))
            )
        tr, te = take(ex, train_idx), take(ex, held)
        log.info("fold %d/%d: fitting %s on %d examples", f + 1, k, cfg.model.family, len(tr))
        model.fit(tr.texts, tr.labels, tr.pairs)
        probs[held] = model.predict_proba(te.texts, te.pairs)
        res = score(te, probs[held], data.labels, 0, cfg.seed)
        fold_scores.append(
            {"fold": f, "n": len(te), "macro_f1": res["macro_f1"], "accuracy": res["accuracy"]}
        )
        log.info("fold %d: macro-F1 %.4f accuracy %.4f", f, res["macro_f1"], res["accuracy"])
    test = score(ex, probs, data.labels, cfg.bootstrap, cfg.seed)
    test["folds"] = fold_scores
    for key in ("macro_f1", "accuracy"):
        vals = [s[key] for s in fold_scores]
        test[f"fold_mean_{key}"] = float(np.mean(vals))
        test[f"fold_sd_{key}"] = float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0
    rows = records.prediction_rows(
        "test", ex.ids, ex.texts, ex.pairs, ex.labels, probs, data.labels
    )
    for row, f in zip(rows, data.folds):
        row["fold"] = f
    log.info("pooled out-of-fold: macro-F1 %.4f accuracy %.4f", test["macro_f1"], test["accuracy"])
    return {"test": test}, rows


def _descriptions(cfg: TrainConfig) -> dict[str, str]:
    return cfg.schema.label_sets.get(cfg.task.label_set, {})
