"""Classifier heads for the article pipeline: stance, frame (and learned attribution) per claim.

A head is a recorded run folder (its config.yaml names the task; model/ holds the Classifier).
Heads on the same frozen encoder share one encoder pass per claim; a stance head in
pair_mode=concat then scores any number of targets from that pass. With backend=onnx or
onnx_int8 and the exports cached, saved heads and the span tagger load without torch
(`framing.learning.fast`); on a cache miss they load with torch and are exported first.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
import yaml

from framing.core.errors import InputError
from framing.learning import fast, fast_claims
from framing.learning.base import Classifier

if TYPE_CHECKING:
    from framing.learning.encoders import Encoder

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "default_model"  # framing/default_model


@dataclass
class Head:
    """One task's classifier and what it was trained for."""

    task: str
    use_pair: bool
    model: Classifier | fast.FastLogReg
    run_dir: Path
    schema_version: str


def claim_heads(
    run_dir: str | Path, device: str | None = None, backend: str = "torch"
) -> dict[str, Head]:
    """The heads of a claim model run (task=claims): frame, stance and attribution, one
    `ClaimView` each over the one model (one encoder pass per claim for all three)."""
    run_dir = Path(run_dir)
    cfg = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    model = _fast_claim_model(run_dir / "model", device, backend)
    if model is None:  # `load_heads` switches it to `backend` (`use_backend`)
        from framing.learning.multitask import ClaimModel

        model = ClaimModel.load(run_dir / "model", device)
    version = cfg["schema"]["version"]
    return {
        task: Head(task, task == "stance", fast_claims.ClaimView(model, task), run_dir, version)
        for task in model.labels
    }


def _task_of(run_dir: Path) -> str | None:
    cfg_file = run_dir / "config.yaml"
    if not cfg_file.is_file():
        return None
    return (yaml.safe_load(cfg_file.read_text(encoding="utf-8")) or {}).get("task", {}).get("name")


def load_head(run_dir: str | Path, device: str | None = None, backend: str = "torch") -> Head:
    """Load a head from a run folder (config.yaml + model/), e.g. any folder under experiments/
    (a saved frozen-encoder head without torch for backend onnx*, when its encoder is cached)."""
    run_dir = Path(run_dir)
    cfg_file, model_dir = run_dir / "config.yaml", run_dir / "model"
    if not cfg_file.is_file() or not model_dir.is_dir():
        raise InputError(
            f"model_dir={run_dir} is not a recorded run with a saved model "
            "(expected config.yaml and model/ inside)"
        )
    cfg = yaml.safe_load(cfg_file.read_text(encoding="utf-8"))
    task = cfg["task"]
    model = _fast_logreg(model_dir, device, backend)
    if model is None:
        from framing.learning.registry import load_model

        model = load_model(model_dir, device)
    return Head(task["name"], bool(task["use_pair"]), model, run_dir, cfg["schema"]["version"])


def load_heads(
    model_dirs: list[str] | None = None,
    device: str | None = None,
    tasks: tuple = (),
    claim_model: str | None = None,
    backend: str | dict[str, str] = "torch",
) -> dict[str, Head]:
    """The embedded default heads for `tasks`, each replaced by a given run of the same task.

    `claim_model` ("default": the shipped one, if present; or a task=claims run folder) gives
    the frame, stance and attribution heads first; a claims run among `model_dirs` does too.
    With `backend` onnx or onnx_int8, saved heads come on ONNX Runtime (`use_backend`), without
    loading torch when their exports are cached. `backend` may differ per kind of model:
    {"claims": ..., "encoder": ...} (the claim model, the frozen encoder of the other heads)."""
    kinds = backend if isinstance(backend, dict) else {"claims": backend, "encoder": backend}
    for b in kinds.values():
        fast.check_backend(b)
    heads: dict[str, Head] = {}
    if claim_model == "default":
        shipped = DEFAULT_MODEL_DIR / "claims"
        claim_model = str(shipped) if (shipped / "model").is_dir() else None
    if claim_model:
        heads.update(claim_heads(claim_model, device, kinds["claims"]))
    for run_dir in model_dirs or []:
        if _task_of(Path(run_dir)) == "claims":
            heads.update(claim_heads(run_dir, device, kinds["claims"]))
            continue
        head = load_head(run_dir, device, kinds["encoder"])
        heads[head.task] = head
    for task in tasks:
        default = DEFAULT_MODEL_DIR / task
        if task not in heads and default.is_dir():
            heads[task] = load_head(default, device, kinds["encoder"])
    missing = [t for t in tasks if t not in heads]
    if missing:
        raise InputError(
            f"no model for {missing}: run `python scripts/make_default_model.py` "
            "or pass model_dir=<run folder>"
        )
    use_backend(heads, kinds["encoder"], kinds["claims"])
    return heads


def use_backend(heads: dict[str, Head], backend: str, claims: str | None = None) -> None:
    """Switch every head to `backend` (torch, onnx, onnx_int8): the frozen encoders (a copy
    each, shared by the heads that shared it) and the claim models (to `claims` if given);
    heads loaded without torch stay as they are."""
    fast.check_backend(backend)
    for task, encoder in onnx_encoders(heads, backend).items():
        heads[task].model.encoder = encoder
    done: set[int] = set()
    for head in heads.values():
        model = getattr(head.model, "claim_model", None)
        if hasattr(model, "use_backend") and id(model) not in done:
            done.add(id(model))
            model.use_backend(claims or backend)


def onnx_encoders(heads: dict[str, Head], backend: str = "onnx") -> dict[str, Encoder]:
    """For each head on a torch frozen encoder, that encoder on `backend`
    (`Encoder.onnx_copy`), one copy per encoder so that heads sharing one still share it."""
    copies: dict[int, Encoder] = {}
    out = {}
    for task, head in heads.items():
        encoder = getattr(head.model, "encoder", None)
        if hasattr(encoder, "onnx_copy"):
            original = getattr(encoder, "original", encoder)  # switching back from a copy
            if id(original) not in copies:
                copy = original.onnx_copy(backend)
                if copy is not original:
                    copy.original = original
                copies[id(original)] = copy
            out[task] = copies[id(original)]
    return out


def _shared_features(heads: dict[str, Head], texts: list[str]) -> tuple[object, np.ndarray]:
    """Embed the claims once with the encoder the EncoderLogReg heads share (if any)."""
    encoders = {id(h.model.encoder): h.model.encoder for h in heads.values() if _logreg(h.model)}
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
    if contexts is not None and targets:  # read by a claim model with "target" in its context
        contexts = [{**c, "target": targets[0]} for c in contexts]
    encoder, x = _shared_features(heads, texts)
    out: dict[str, list[dict[str, float]]] = {}
    # heads of one claim: the pair tasks last, so that the others share the first target's pass
    for task, head in sorted(heads.items(), key=lambda kv: kv[1].use_pair):
        model = head.model
        shared = _logreg(model) and model.encoder is encoder
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
                probs = model.proba_from_features(fast.concat_pair(x, np.tile(t, (len(x), 1))))
            else:
                probs = model.predict_proba(texts, [target] * len(texts))
            rows = [dict(zip(model.labels, map(float, p))) for p in probs]
            key = task if target is None else f"{task}@{target}"
            out[key] = rows
            if target == targets[0]:
                out[task] = rows
    return out


def _logreg(model: object) -> bool:
    """An EncoderLogReg (torch or `fast.FastLogReg`): features from a frozen encoder."""
    return hasattr(model, "proba_from_features") and hasattr(model, "encoder")


# --------------------------------------------------------------------------- without torch


def _cpu(device: str | None, backend: str) -> bool:
    """The torch-free path runs on CPU: device cpu, or auto on a machine without an NVIDIA
    device (device nodes looked at, not torch)."""
    if not backend.startswith("onnx"):
        return False
    return device == "cpu" or (
        device in (None, "auto") and not list(Path("/dev").glob("nvidia[0-9]*"))
    )


def _bundle(kind: str, folders: list[str | Path], backend: str, make) -> SimpleNamespace | None:
    """The cached export of the model made from `folders` (`make()` -> (torch model,
    tokenizer, output name), called on a cache miss); None when it cannot be keyed or written."""
    key = fast.bundle_key(kind, folders)
    if key is None:
        return None
    folder = fast.cache_dir() / key
    bundle = fast.load_bundle(folder, backend)
    if bundle is None:
        from framing.learning.onnx_backend import write_bundle

        log.info("exporting %s for backend=%s into %s", kind, backend, folder)
        if not write_bundle(folder, *make(), backend):
            return None
        bundle = fast.load_bundle(folder, backend)
    return bundle


def _base(model_dir: Path, meta_file: str) -> list[str]:
    """The model folder and the folder of its base encoder (named in its config)."""
    meta = json.loads((model_dir / meta_file).read_text(encoding="utf-8"))
    return [str(model_dir), fast.resolve_model_name(meta["config"]["name"])]


_encoders: dict[tuple, fast.FastEncoder] = {}  # one per setting, as `get_encoder`


def _fast_logreg(model_dir: Path, device: str | None, backend: str) -> fast.FastLogReg | None:
    meta_file = model_dir / "classifier.json"
    if not _cpu(device, backend) or not meta_file.is_file():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("family") != "encoder_logreg":
        return None
    c = meta["config"]
    key = (c["name"], c["max_length"], c["batch_size"], backend)
    if key not in _encoders:

        def make():
            from framing.learning.encoders import get_encoder

            enc = get_encoder(c["name"], c["max_length"], c["batch_size"], "cpu")
            return enc.model, enc.tokenizer, "last_hidden_state"

        base = fast.resolve_model_name(c["name"])
        bundle = _bundle("encoder", [base], backend, make)
        if bundle is None:
            return None
        _encoders[key] = fast.FastEncoder(bundle, c["max_length"], c["batch_size"])
    return fast.FastLogReg(model_dir, _encoders[key])


def _fast_claim_model(
    model_dir: Path, device: str | None, backend: str
) -> fast_claims.FastClaimModel | None:
    if not _cpu(device, backend):
        return None

    def make():
        from framing.learning.multitask import ClaimModel

        model = ClaimModel.load(model_dir, "cpu")
        return model.net.encoder, model.tokenizer, "last_hidden_state"

    bundle = _bundle("claims", _base(model_dir, "classifier.json"), backend, make)
    return fast_claims.FastClaimModel(model_dir, bundle) if bundle is not None else None


def load_tagger(path: str, device: str, backend: str = "torch"):
    """The span tagger (`pipeline.tagged.load_span_tagger`: "default", a run folder or its
    model/) on `backend`: a `fast.FastTagger` when its export is cached (made on a miss)."""
    model_dir = DEFAULT_MODEL_DIR / "attribution_spans" / "model" if path == "default" else None
    if model_dir is None:
        p = Path(path)
        model_dir = p / "model" if (p / "model" / "tagger.json").is_file() else p
    if _cpu(device, backend) and (model_dir / "tagger.json").is_file():

        def make():
            from framing.learning.tagger import TokenTagger

            tagger = TokenTagger.load(model_dir, "cpu")
            return tagger.model, tagger.tokenizer, "logits"

        bundle = _bundle("tagger", _base(model_dir, "tagger.json"), backend, make)
        if bundle is not None:
            return fast.FastTagger(model_dir, bundle)
    from framing.pipeline.tagged import load_span_tagger

    return load_span_tagger(path, device, backend)
