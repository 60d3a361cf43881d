"""One experiment: load data, build the model family, fit, score dev and test, record the run."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import yaml

from framing import records
from framing.config import TrainConfig
from framing.data import load_task_data
from framing.metrics import evaluate
from framing.models import build_model

log = logging.getLogger(__name__)


def set_seed(seed: int) -> None:
    """Seed every generator a family may draw from, so a config and seed give one result."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_experiment(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one configuration; return its run folder.

    Data and model are checked before the folder exists, so bad input leaves nothing behind.
    A failure after that marks the folder failed and re-raises.
    """
    schema_labels = cfg.schema.label_sets.get(cfg.task.label_set, {})
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    set_seed(cfg.seed)
    model = build_model(cfg.model, data.labels, cfg.seed, descriptions=dict(schema_labels))
    device = str(model.device)

    run_dir = records.new_run_dir(cfg.out_root, cfg.name, job)
    handler = logging.FileHandler(run_dir / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("[%(asctime)s][%(name)s][%(levelname)s] %(message)s"))
    handler.setLevel(logging.INFO)
    pkg_log = logging.getLogger("framing")
    old_level = pkg_log.level
    pkg_log.setLevel(min(old_level or logging.INFO, logging.INFO))  # run.log gets INFO lines
    pkg_log.addHandler(handler)
    try:
        records.set_status(run_dir, "running")
        (run_dir / "config.yaml").write_text(
            yaml.safe_dump(asdict(cfg), sort_keys=False), encoding="utf-8"
        )
        (run_dir / "overrides.yaml").write_text(
            yaml.safe_dump(list(overrides or [])), encoding="utf-8"
        )
        _fit_and_record(cfg, data, model, run_dir, device)
    except BaseException as e:
        records.set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    finally:
        pkg_log.removeHandler(handler)
        pkg_log.setLevel(old_level)
        handler.close()
    return run_dir


def _fit_and_record(cfg: TrainConfig, data, model, run_dir: Path, device: str) -> None:
    start = time.perf_counter()
    log.info("fitting %s on %d %s examples", cfg.model.family, len(data.train), cfg.task.name)
    model.fit(data.train.texts, data.train.labels, data.train.pairs)
    results, rows = {}, []
    for split in ("dev", "test"):
        ex = data.split(split)
        probs = model.predict_proba(ex.texts, ex.pairs)
        pred = [data.labels[i] for i in probs.argmax(axis=1)]
        results[split] = evaluate(ex.labels, pred, data.labels, cfg.bootstrap, cfg.seed)
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
    meta["n_examples"] = {s: len(data.split(s)) for s in ("train", "dev", "test")}
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
            "dev": results["dev"],
            "test": results["test"],
            "meta": meta,
        },
    )
    records.set_status(run_dir, "complete")
