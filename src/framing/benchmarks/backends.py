"""Inference backends compared on the same claims: label agreement of two pipelines' rows field
by field, and the speed of the bare encoder on torch fp32 against ONNX Runtime (fp32 or int8)."""

from __future__ import annotations

import time

import numpy as np

from framing.core.errors import InputError
from framing.learning.fast import SHIPPED_MODEL, check_backend

FIELDS = ("frame", "stance", "attributed", "source_type")


def label_agreement(
    rows_a: list[dict], rows_b: list[dict], fields: tuple[str, ...] = FIELDS
) -> dict[str, float]:
    """The share of rows whose `fields` are equal, per field, over rows of the same claims in
    the same order (`claims`: how many).

    >>> a = [{"article_id": "a", "claim_id": 0, "frame": "threat", "stance": "favor"}]
    >>> b = [{"article_id": "a", "claim_id": 0, "frame": "threat", "stance": "neutral"}]
    >>> label_agreement(a, b, ("frame", "stance"))
    {'claims': 1, 'frame': 1.0, 'stance': 0.0}
    """
    ids_a = [(r["article_id"], r["claim_id"]) for r in rows_a]
    ids_b = [(r["article_id"], r["claim_id"]) for r in rows_b]
    if ids_a != ids_b:
        raise InputError(
            f"the rows are of other claims ({len(ids_a)} vs {len(ids_b)} rows): compare runs "
            "over the same articles in the same order"
        )
    out: dict[str, float] = {"claims": len(rows_a)}
    for f in fields:
        same = [a.get(f) == b.get(f) for a, b in zip(rows_a, rows_b)]
        out[f] = float(np.mean(same)) if same else 1.0
    return out


def encoder_speed(
    texts: list[str],
    backend: str,
    name: str = SHIPPED_MODEL,
    batch_size: int = 32,
    max_length: int = 128,
    repeats: int = 3,
) -> float:
    """Claims per second of the bare encoder `name` (mean-pooled embeddings, the frozen heads'
    features) on `backend`: batches of `batch_size` sorted by length, after one warm-up batch;
    the best of `repeats` passes. Torch and ONNX Runtime share the tokenizer and the pooling,
    so only the model's run differs."""
    from framing.learning.encoders import Encoder

    check_backend(backend)
    if not texts:
        raise InputError("encoder_speed needs texts")
    encoder = Encoder(name, max_length, batch_size, "cpu").onnx_copy(backend)
    ordered = sorted(texts, key=len)
    encoder._embed(ordered[:batch_size])  # warm-up: threads, allocations, the first graph run
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        encoder._embed(ordered)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def corpus_agreement(data_root: str, backend: str, split: str = "test") -> dict:
    """The default pipeline's rows of the corpus `split` on torch and on `backend` (heads and
    span tagger loaded as `Pipeline` loads them with that backend), compared by
    `label_agreement`; with `seconds` of each run."""
    from framing.data.tasks import corpus_splits
    from framing.pipeline.analyze import HEAD_TASKS, Pipeline, PipelineConfig
    from framing.pipeline.article import Document
    from framing.pipeline.heads import load_heads, load_tagger

    check_backend(backend)
    docs = [Document(d["article_id"], d["text"]) for d in corpus_splits(data_root)[0][split]]
    cfg = PipelineConfig(backend="torch", device="cpu")
    pipeline = Pipeline(cfg)
    rows, seconds = {}, {}
    for name in ("torch", backend):
        if name != "torch":
            pipeline.heads = load_heads(
                cfg.model_dir, "cpu", HEAD_TASKS, cfg.claim_model, backend=name
            )
            pipeline.tagger = load_tagger(cfg.span_tagger, "cpu", name)
        start = time.perf_counter()
        rows[name] = [r for doc in docs for r in pipeline.analyze(doc)]
        seconds[name] = time.perf_counter() - start
    return {
        "split": split,
        "articles": len(docs),
        "backend": backend,
        "agreement": label_agreement(rows["torch"], rows[backend]),
        "seconds": seconds,
    }
