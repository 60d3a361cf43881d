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
from framing.learning.fast import MODEL_FILES, _Runner, _softmax, mean_pool, model_session

# int8 claim vectors move some labels near a tie; a claim whose two likeliest labels are closer
# than this (in probability) under int8 is scored again in fp32 (a second look), which brings
# the labels to those of fp32 at the cost of re-encoding those claims. Chosen on the corpus dev
# claims; scripts/benchmark.py records the share of claims looked at again.
SECOND_LOOK = 0.5


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

    EXACT_CACHE = 20_000  # fp32 vectors of a second look kept at most (then forgotten)

    def __init__(self, model_dir: Path, bundle: SimpleNamespace) -> None:
        from safetensors.numpy import load_file

        meta = json.loads((Path(model_dir) / "classifier.json").read_text(encoding="utf-8"))
        self.config, self.labels = SimpleNamespace(**meta["config"]), meta["labels"]
        self.runner, self.device = _Runner(bundle, self.config.max_length), "cpu"
        self.heads = load_file(str(Path(model_dir) / "heads.safetensors"))
        self.hidden_size = bundle.hidden_size
        self._cache: tuple[tuple, np.ndarray] | None = None
        self.bundle = bundle
        # int8 weights: fp32 for a second look at the claims int8 leaves near a tie
        self.second_look = SECOND_LOOK if getattr(bundle, "backend", "") == "onnx_int8" else 0.0
        self._fp32: _Runner | None = None  # its session, opened on first use
        self._exact: dict[tuple[str, str | None], np.ndarray] = {}  # fp32 vectors so far
        self.looked = [0, 0]  # scorings looked at again, scorings (claims x tasks)

    def _pool(self, texts: list[str], seconds: list[str] | None = None) -> np.ndarray:
        return mean_pool(*self.runner.run(self.runner.encode(texts, seconds)))

    def _pool_fp32(self, texts: list[str], seconds: list[str] | None = None) -> np.ndarray:
        if self._fp32 is None:
            path = self.bundle.folder / MODEL_FILES["onnx"]
            fp32 = model_session(path, path)
            bundle = SimpleNamespace(**{**vars(self.bundle), "session": fp32})
            self._fp32 = _Runner(bundle, self.config.max_length)
        return mean_pool(*self._fp32.run(self._fp32.encode(texts, seconds)))

    def _seconds(self, contexts: list[dict] | None) -> list[str] | None:
        seconds = [context_text(c, self.config.context) for c in contexts or []]
        return seconds if self.config.context and any(seconds) else None

    def claim_vectors(self, texts: list[str], contexts: list[dict] | None = None) -> np.ndarray:
        key = (tuple(texts), json.dumps(contexts, sort_keys=True))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        seconds = self._seconds(contexts)
        bs, width = self.config.batch_size, self.hidden_size
        out = pooled_by_length(texts, seconds, bs, width, self._pool)
        self._cache = (key, out)
        return out

    def _exact_vectors(self, texts: list[str], seconds: list[str] | None) -> np.ndarray:
        """fp32 claim vectors, each claim read with its `seconds` (its context, as in the int8
        pass) or alone (None); kept for the other task's second look at the same claims."""
        keys = [(t, seconds[i] if seconds else None) for i, t in enumerate(texts)]
        if len(self._exact) > self.EXACT_CACHE:
            self._exact.clear()
        todo = [k for k in dict.fromkeys(keys) if k not in self._exact]
        if todo:
            second = [b for _, b in todo] if seconds else None
            bs, width = self.config.batch_size, self.hidden_size
            got = pooled_by_length([a for a, _ in todo], second, bs, width, self._pool_fp32)
            self._exact.update(zip(todo, got))
        return np.stack([self._exact[k] for k in keys])

    def _head(self, task: str, u: np.ndarray, targets: list[str] | None, pool) -> np.ndarray:
        if task == "stance":
            uniq = sorted(set(targets))
            vecs = pool(uniq)
            t = vecs[[uniq.index(x) for x in targets]]
            u = np.concatenate([u, t, u * t], axis=-1)
        w, b = self.heads[f"{task}.weight"], self.heads[f"{task}.bias"]
        return _softmax(u @ w.T + b)

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
        p = self._head(task, self.claim_vectors(texts, contexts), targets, self._pool)
        self.looked[1] += len(texts)
        if self.second_look <= 0:
            return p
        top = np.sort(p, axis=-1)
        near = np.flatnonzero(top[:, -1] - top[:, -2] < self.second_look)
        if near.size:
            self.looked[0] += near.size
            seconds = self._seconds(contexts)  # decided on all the claims, as in the int8 pass
            part = [seconds[i] for i in near] if seconds else None
            u = self._exact_vectors([texts[i] for i in near], part)
            tg = [targets[i] for i in near] if targets is not None else None
            p[near] = self._head(task, u, tg, self._pool_fp32)
        return p


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
