"""What an attribution mode costs: the whole pipeline (`Pipeline.analyze`, as `infer.py` runs
it) timed per claim on the same articles in one process, the variants taking turns article by
article so that a machine's drift falls on all of them alike; recorded as a run.

A variant is an attribution mode and a backend, "rules:torch" or "rules_tagger:onnx" (the
backend of the heads' encoder and the span tagger; `backend=` of infer.py).
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Document
from framing.pipeline.heads import onnx_encoders
from framing.runs import records

BACKENDS = ("torch", "onnx")


def parse_variant(spec: str, modes: tuple[str, ...]) -> tuple[str, str]:
    """
    >>> parse_variant("rules:torch", ("rules",)), parse_variant("rules", ("rules",))
    (('rules', 'torch'), ('rules', 'onnx'))
    """
    mode, _, backend = spec.partition(":")
    backend = backend or "onnx"
    if mode not in modes or backend not in BACKENDS:
        raise InputError(
            f"variant {spec!r}: expected <mode>[:<backend>] with a mode of {list(modes)} and a "
            f"backend of {list(BACKENDS)}"
        )
    return mode, backend


class _Backends:
    """Switch a torch-loaded pipeline's encoders and tagger between torch and ONNX Runtime."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.onnx = onnx_encoders(pipeline.heads)
        self.torch = {t: pipeline.heads[t].model.encoder for t in self.onnx}
        tagger = pipeline.tagger
        self.tagger = {"torch": tagger.runner if tagger else None}
        if tagger is not None:
            tagger.use_backend("onnx")
            self.tagger["onnx"] = tagger.runner

    def use(self, backend: str) -> None:
        for task, enc in getattr(self, backend).items():
            self.pipeline.heads[task].model.encoder = enc
            enc._cache.clear()  # each variant pays for its own encoder pass
        if self.pipeline.tagger is not None:
            self.pipeline.tagger.runner = self.tagger[backend]


def time_variants(pipeline: Pipeline, docs: list[Document], variants: list[str]) -> dict:
    """Seconds and claims per variant over `docs` (the first article once first, untimed);
    `pipeline` is loaded with backend=torch and every mode."""
    parsed = {v: parse_variant(v, pipeline.modes) for v in variants}
    backends = _Backends(pipeline)
    base = pipeline.cfg

    def run(variant: str, doc: Document) -> tuple[float, int]:
        mode, backend = parsed[variant]
        pipeline.cfg = replace(base, attribution=mode, backend=backend)
        backends.use(backend)
        start = time.perf_counter()
        n = len(pipeline.analyze(doc))
        return time.perf_counter() - start, n

    for v in variants:  # warm-up: lazy loads and first-call costs
        run(v, docs[0])
    seconds = dict.fromkeys(variants, 0.0)
    claims = dict.fromkeys(variants, 0)
    for k, doc in enumerate(docs):
        try:
            took = {
                v: run(v, doc)
                for v in variants[k % len(variants) :] + variants[: k % len(variants)]
            }
        except InputError:  # no claims in it: left out of every variant
            continue
        for v, (s, n) in took.items():
            seconds[v] += s
            claims[v] += n
    pipeline.cfg = base
    if not claims[variants[0]]:
        raise InputError("none of the articles has claims to time")
    ref = seconds[variants[0]] / claims[variants[0]]
    return {
        v: {
            "seconds": seconds[v],
            "claims": claims[v],
            "ms_per_claim": 1000 * seconds[v] / claims[v],
            f"cost_vs_{variants[0]}": seconds[v] / claims[v] / ref,
        }
        for v in variants
    }


def run_cost(
    cfg: PipelineConfig, docs: list[Document], variants: list[str], out_root: str
) -> Path:
    """Time `variants` (the first is the reference); record it under out_root/attribution_cost."""
    pipeline = Pipeline(replace(cfg, backend="torch"), all_modes=True)
    for v in variants:
        parse_variant(v, pipeline.modes)
    if not docs:
        raise InputError("no articles to time")
    run_dir = records.new_run_dir(out_root, "attribution_cost")
    records.set_status(run_dir, "running")
    try:
        timing = time_variants(pipeline, docs, variants)
        meta = records.run_metadata(0, "cpu", "", "", sum(t["seconds"] for t in timing.values()))
        meta["articles"] = [d.id for d in docs]
        meta["pipeline"] = asdict(cfg)
        records.write_json(run_dir / "metrics.json", {"variants": timing, "meta": meta})
        records.set_status(run_dir, "complete")
    except BaseException as e:
        records.set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    return run_dir
