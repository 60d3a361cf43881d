"""Regenerate the default models shipped in `framing/default_model/` (what `infer.py` uses with no
training step): the heads, each trained with the runner on the corpus train split, and the
attribution span tagger (a LoRA adapter over the pip-shipped MiniLM, trained on PolNeAR and the
corpus), each recorded like any run, then its config and model copied with a note of the run
(SOURCE.json)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from framing.core.errors import InputError
from framing.experiments.config import compose_train_config
from framing.experiments.runner import run_experiment
from framing.pipeline.ensemble import DEFAULT_ENSEMBLE
from framing.pipeline.heads import DEFAULT_MODEL_DIR
from framing.pipeline.tagged import DEFAULT_TAGGER
from framing.runs.records import read_json

TAGGER_EXPERIMENT = ["experiment=polnear_corpus_tagger_lora", "seed=1"]
CLAIMS_EXPERIMENT = ["experiment=claims_multitask", "seed=1"]

HEADS = {
    "framing": ["task=framing"],
    "stance": ["task=stance", "model.pair_mode=concat"],
    "attribution": ["task=attribution"],
    "source_type": ["task=source_type"],
}


def make_default_heads(dest_root: Path = DEFAULT_MODEL_DIR) -> dict[str, tuple[Path, Path]]:
    """Train every head, then copy each into `dest_root/<task>/`; return task -> (copy, run)."""
    # Train every head before copying any, so the copies do not make the recorded tree dirty.
    runs = {}
    for task, task_overrides in HEADS.items():
        # C=10 chosen on the dev split: framing 60.6 vs 60.4 at C=1, stance (concat) 62.9 vs 60.5
        overrides = [
            "model=encoder_logreg",
            "model.C=10",
            "seed=0",
            f"name=default_model_{task}",
            *task_overrides,
        ]
        runs[task] = run_experiment(compose_train_config(overrides), overrides)
    out = {}
    for task, run_dir in runs.items():
        dest = dest_root / task
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(run_dir / "model", dest / "model")
        shutil.copy(run_dir / "config.yaml", dest / "config.yaml")
        metrics = read_json(run_dir / "metrics.json")
        note = {
            "made_by": "python scripts/make_default_model.py",
            "run": str(run_dir),
            "git": metrics["meta"]["git"],
            "data_fingerprint": metrics["meta"]["data_fingerprint"],
            "dev_macro_f1": metrics["dev"]["macro_f1"],
            "test_macro_f1": metrics["test"]["macro_f1"],
        }
        (dest / "SOURCE.json").write_text(json.dumps(note, indent=1) + "\n", encoding="utf-8")
        out[task] = (dest, run_dir)
    return out


def make_default_tagger(run_dir: Path | None = None, dest: Path = DEFAULT_TAGGER) -> Path:
    """Train the attribution span tagger (`TAGGER_EXPERIMENT`, about 40 minutes on 2 cores), or
    take the complete recorded run `run_dir` of that experiment, and copy its model to `dest`."""

    def note(metrics: dict) -> dict:
        return {
            "corpus_fingerprint": metrics["meta"].get("corpus_fingerprint"),
            "polnear_dev_sentence_macro_f1": metrics["dev"]["macro_f1"],
            "polnear_test_sentence_macro_f1": metrics["test"]["macro_f1"],
        }

    return _ship(TAGGER_EXPERIMENT, run_dir, dest, "--attribution", note)


def make_default_claims(run_dir: Path | None = None, dest: Path | None = None) -> Path:
    """Train the claim model (`CLAIMS_EXPERIMENT`: frame, stance and attribution in context, on
    the corpus and the real train split; about 15 minutes on 2 cores), or take the complete
    recorded run `run_dir` of that experiment, and copy its model to `dest`."""

    def note(metrics: dict) -> dict:
        return {
            f"{split}_{task}_macro_f1": metrics[split][task]["macro_f1"]
            for split in metrics["evals"]
            for task in ("framing", "stance")
        }

    dest = dest or DEFAULT_MODEL_DIR / "claims"
    return _ship(CLAIMS_EXPERIMENT, run_dir, dest, "--claims", note)


def make_default_ensemble(run_dir: Path | None = None, dest: Path = DEFAULT_ENSEMBLE) -> Path:
    """Train the attribution decision of attribution=ensemble (`experiments/ensemble.py`,
    about 8 minutes on 2 cores), or take its complete recorded run `run_dir`, and copy its
    model to `dest`."""
    from framing.experiments.ensemble import EnsembleConfig, run_ensemble

    def note(metrics: dict) -> dict:
        chosen = metrics["chosen"]
        scores = {
            f"{name}_accuracy": s["ensemble"]
            for name, s in metrics["scores"].items()
            if not name.endswith("_train")
        }
        return {"weight": chosen["weight"], "threshold": chosen["threshold"], **scores}

    run_dir = run_dir or run_ensemble(EnsembleConfig())
    made_by = "python scripts/train_ensemble.py"
    return _ship(["experiment=attribution_ensemble"], run_dir, dest, "--ensemble", note, made_by)


def _ship(
    experiment: list[str],
    run_dir: Path | None,
    dest: Path,
    flag: str,
    note,
    made_by: str | None = None,
) -> Path:
    """Run `experiment` (or take its complete recorded run `run_dir`), then copy its model and
    config to `dest` with SOURCE.json (the run, its commit and data, `note(metrics)`)."""
    if run_dir is None:
        run_dir = run_experiment(compose_train_config(experiment), experiment)
    run_dir = Path(run_dir)
    status = run_dir / "status.json"
    if not status.is_file() or read_json(status).get("status") != "complete":
        raise InputError(f"{run_dir}: not a complete recorded run (see its status.json)")
    metrics = read_json(run_dir / "metrics.json")
    name = experiment[0].split("=", 1)[1]
    if metrics.get("name") != name or not (run_dir / "model").is_dir():
        raise InputError(
            f"{run_dir}: not a saved run of {experiment[0]} "
            f"({made_by or f'python scripts/train.py {experiment[0]}'})"
        )
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(run_dir / "model", tmp / "model")
    shutil.copy(run_dir / "config.yaml", tmp / "config.yaml")
    source = {
        "made_by": f"python scripts/make_default_model.py {flag}",
        "run": str(run_dir),
        "git": metrics["meta"]["git"],
        "data_fingerprint": metrics["meta"]["data_fingerprint"],
        **note(metrics),
    }
    (tmp / "SOURCE.json").write_text(json.dumps(source, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest
