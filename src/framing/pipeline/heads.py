"""Classifier heads for the article pipeline: stance, frame (and learned attribution) per claim.

A head is a recorded run folder (its config.yaml names the task; model/ holds the Classifier).
Heads on the same frozen encoder share one encoder pass per claim; a stance head in
pair_mode=concat then scores any number of targets from that pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from framing.core.errors import InputError
from framing.learning.base import Classifier
from framing.learning.encoders import Encoder, EncoderLogReg, concat_pair
from framing.learning.registry import load_model

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "default_model"  # framing/default_model


@dataclass
class Head:
    """One task's classifier and what it was trained for."""

    task: str
    use_pair: bool
    model: Classifier
    run_dir: Path
    schema_version: str


def claim_heads(run_dir: str | Path, device: str | None = None) -> dict[str, Head]:
    """The heads of a claim model run (task=claims): frame, stance and attribution, one
    `ClaimView` each over the one model (one encoder pass per claim for all three)."""
    from framing.learning.multitask import ClaimModel, ClaimView

    run_dir = Path(run_dir)
    cfg = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    model = ClaimModel.load(run_dir / "model", device)
    version = cfg["schema"]["version"]
    return {
        task: Head(task, task == "stance", ClaimView(model, task), run_dir, version)
        for task in model.labels
    }


def _task_of(run_dir: Path) -> str | None:
    cfg_file = run_dir / "config.yaml"
    if not cfg_file.is_file():
        return None
    return (yaml.safe_load(cfg_file.read_text(encoding="utf-8")) or {}).get("task", {}).get("name")


def load_head(run_dir: str | Path, device: str | None = None) -> Head:
    """Load a head from a run folder (config.yaml + model/), e.g. any folder under experiments/."""
    run_dir = Path(run_dir)
    cfg_file, model_dir = run_dir / "config.yaml", run_dir / "model"
    if not cfg_file.is_file() or not model_dir.is_dir():
        raise InputError(
            f"model_dir={run_dir} is not a recorded run with a saved model "
            "(expected config.yaml and model/ inside)"
        )
    cfg = yaml.safe_load(cfg_file.read_text(encoding="utf-8"))
    task = cfg["task"]
    model = load_model(model_dir, device)
    return Head(task["name"], bool(task["use_pair"]), model, run_dir, cfg["schema"]["version"])


def load_heads(
    model_dirs: list[str] | None = None,
    device: str | None = None,
    tasks: tuple = (),
    claim_model: str | None = None,
) -> dict[str, Head]:
    """The embedded default heads for `tasks`, each replaced by a given run of the same task.

    `claim_model` ("default": the shipped one, if present; or a task=claims run folder) gives
    the frame, stance and attribution heads first; a claims run among `model_dirs` does too."""
    heads: dict[str, Head] = {}
    if claim_model == "default":
        shipped = DEFAULT_MODEL_DIR / "claims"
        claim_model = str(shipped) if (shipped / "model").is_dir() else None
    if claim_model:
        heads.update(claim_heads(claim_model, device))
    for run_dir in model_dirs or []:
        if _task_of(Path(run_dir)) == "claims":
            heads.update(claim_heads(run_dir, device))
            continue
        head = load_head(run_dir, device)
        heads[head.task] = head
    for task in tasks:
        default = DEFAULT_MODEL_DIR / task
        if task not in heads and default.is_dir():
            heads[task] = load_head(default, device)
    missing = [t for t in tasks if t not in heads]
    if missing:
        raise InputError(
            f"no model for {missing}: run `python scripts/make_default_model.py` "
            "or pass model_dir=<run folder>"
        )
    return heads


def onnx_encoders(heads: dict[str, Head]) -> dict[str, Encoder]:
    """For each head on a frozen encoder, that encoder on ONNX Runtime (`Encoder.onnx_copy`),
    one copy per encoder so that heads sharing one still share it."""
    copies: dict[int, Encoder] = {}
    out = {}
    for task, head in heads.items():
        encoder = getattr(head.model, "encoder", None)
        if isinstance(encoder, Encoder):
            if id(encoder) not in copies:
                copies[id(encoder)] = encoder.onnx_copy()
            out[task] = copies[id(encoder)]
    return out


def _shared_features(heads: dict[str, Head], texts: list[str]) -> tuple[object, np.ndarray]:
    """Embed the claims once with the encoder the EncoderLogReg heads share (if any)."""
    encoders = {
        id(h.model.encoder): h.model.encoder
        for h in heads.values()
        if isinstance(h.model, EncoderLogReg)
    }
    if len(encoders) != 1:
        return None, np.zeros((0, 0))
    encoder = next(iter(encoders.values()))
    return encoder, encoder.embed(texts)


def predict(
    heads: dict[str, Head],
    texts: list[str],
    targets: list[str],
    contexts: list[dict[str, str]] | None = None,
) -> dict[str, list[dict[str, float]]]:
    """Probabilities per head: task -> one {label: p} per text; pair tasks get `task@target`.

    The first target is also reported under the plain task name. `contexts` (one per text,
    `framing.data.claims.context_of`) reach the heads that read claims in context.
    """
    if not texts:
        return {}
    encoder, x = _shared_features(heads, texts)
    out: dict[str, list[dict[str, float]]] = {}
    for task, head in heads.items():
        model = head.model
        shared = isinstance(model, EncoderLogReg) and model.encoder is encoder
        for target in targets if head.use_pair else [None]:
            if getattr(model, "uses_context", False):
                pairs = [target] * len(texts) if target is not None else None
                probs = model.predict_proba(texts, pairs, contexts)
            elif not shared:
                pairs = [target] * len(texts) if target is not None else None
                probs = model.predict_proba(texts, pairs)
            elif target is None:
                probs = model.proba_from_features(x)
            elif model.config.pair_mode == "concat":
                t = encoder.embed([target])[0]
                probs = model.proba_from_features(concat_pair(x, np.tile(t, (len(x), 1))))
            else:
                probs = model.predict_proba(texts, [target] * len(texts))
            rows = [dict(zip(model.labels, map(float, p))) for p in probs]
            key = task if target is None else f"{task}@{target}"
            out[key] = rows
            if target == targets[0]:
                out[task] = rows
    return out
