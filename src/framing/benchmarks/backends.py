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
