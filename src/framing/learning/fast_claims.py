"""The claim model without torch (`FastClaimModel`, from its cached ONNX bundle) and the one
view of a claim model's task as a head (`ClaimView`), with what both claim models share: the
task check and the length-sorted batching of claim vectors."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from framing.core.errors import InputError
from framing.data.claims import context_text, with_targets
from framing.learning.base import Classifier
from framing.learning.fast import _Runner, _softmax, mean_pool


def check_claim_task(
    labels: dict[str, list[str]], task: str, texts: list[str], targets: list[str] | None
) -> bool:
    """InputError for a task a claim model does not predict, or stance without targets;
    False when there are no texts (nothing to compute)."""
    if task not in labels:
        raise InputError(f"this claim model predicts {list(labels)}, not {task!r}")
    if not texts:
        return False
    if task == "stance" and targets is None:
        raise InputError("stance needs a target per claim")
    return True


def pooled_by_length(
    texts: list[str], seconds: list[str] | None, batch_size: int, width: int, pool
) -> np.ndarray:
    """`pool(texts, seconds)` (one vector per text) over batches of texts sorted by length,
    claim and context together (less padding); the vectors in input order."""
    size = [len(t) + (len(seconds[i]) if seconds else 0) for i, t in enumerate(texts)]
    order = sorted(range(len(texts)), key=size.__getitem__)
    out = np.zeros((len(texts), width), dtype=np.float32)
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        out[idx] = pool([texts[j] for j in idx], [seconds[j] for j in idx] if seconds else None)
    return out


class FastClaimModel:
    """`ClaimModel.probs` (a saved one) from a bundle of its merged encoder; heads in numpy."""

    def __init__(self, model_dir: Path, bundle: SimpleNamespace) -> None:
        from safetensors.numpy import load_file

        meta = json.loads((Path(model_dir) / "classifier.json").read_text(encoding="utf-8"))
        self.config, self.labels = SimpleNamespace(**meta["config"]), meta["labels"]
        self.runner, self.device = _Runner(bundle, self.config.max_length), "cpu"
        self.heads = load_file(str(Path(model_dir) / "heads.safetensors"))
        self.hidden_size = bundle.hidden_size
        self._cache: tuple[tuple, np.ndarray] | None = None

    def _pool(self, texts: list[str], seconds: list[str] | None = None) -> np.ndarray:
        return mean_pool(*self.runner.run(self.runner.encode(texts, seconds)))

    def claim_vectors(self, texts: list[str], contexts: list[dict] | None = None) -> np.ndarray:
        key = (tuple(texts), json.dumps(contexts, sort_keys=True))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        seconds = [context_text(c, self.config.context) for c in contexts or []]
        seconds = seconds if self.config.context and any(seconds) else None
        bs, width = self.config.batch_size, self.hidden_size
        out = pooled_by_length(texts, seconds, bs, width, self._pool)
        self._cache = (key, out)
        return out

    def probs(
        self,
        task: str,
        texts: list[str],
        contexts: list[dict] | None = None,
        targets: list[str] | None = None,
    ) -> np.ndarray:
        if not check_claim_task(self.labels, task, texts, targets):
            return np.zeros((0, len(self.labels[task])))
        if task == "stance":  # a model that reads the target reads each claim's own
            contexts = with_targets(contexts, targets, self.config.context)
        u = self.claim_vectors(texts, contexts)
        if task == "stance":
            uniq = sorted(set(targets))
            vecs = self._pool(uniq)
            t = vecs[[uniq.index(x) for x in targets]]
            u = np.concatenate([u, t, u * t], axis=-1)
        w, b = self.heads[f"{task}.weight"], self.heads[f"{task}.bias"]
        return _softmax(u @ w.T + b)


class ClaimView(Classifier):
    """One task of a claim model (`multitask.ClaimModel` or `FastClaimModel`) as a Classifier,
    so the pipeline treats it as a head; the views of one model share its encoder pass
    (`claim_vectors`). `contexts` are the claims' contexts (`framing.data.claims.context_of`);
    without them the claim is read alone."""

    uses_context = True

    def __init__(self, model, task: str) -> None:
        self.claim_model, self.task = model, task
        self.config, self.labels, self.device = model.config, model.labels[task], model.device

    def predict_proba(
        self, texts: list[str], pairs: list[str] | None = None, contexts: list[dict] | None = None
    ) -> np.ndarray:
        return self.claim_model.probs(self.task, texts, contexts, pairs)
