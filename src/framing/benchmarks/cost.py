"""What an attribution mode costs: the whole pipeline (`Pipeline.analyze`, as `infer.py` runs
it) timed per claim on the same articles in one process, the modes taking turns article by
article so that a machine's drift falls on all of them alike; recorded as a run."""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Document
from framing.runs import records


def time_modes(pipeline: Pipeline, docs: list[Document], modes: list[str]) -> dict:
    """Seconds and claims per mode over `docs` (the first article once first, untimed)."""
    if not docs:
        raise InputError("no articles to time")
    unknown = [m for m in modes if m not in pipeline.modes]
    if unknown:
        raise InputError(
            f"modes {unknown} are not available here; expected some of {pipeline.modes}"
        )
    base = pipeline.cfg
    for mode in modes:  # warm-up: lazy loads and first-call costs
        pipeline.cfg = replace(base, attribution=mode)
        pipeline.analyze(docs[0])
    seconds = dict.fromkeys(modes, 0.0)
    claims = dict.fromkeys(modes, 0)
    for k, doc in enumerate(docs):
        took = {}
        try:
            for mode in modes[k % len(modes) :] + modes[: k % len(modes)]:
                pipeline.cfg = replace(base, attribution=mode)
                _forget(pipeline)
                start = time.perf_counter()
                n = len(pipeline.analyze(doc))
                took[mode] = (time.perf_counter() - start, n)
        except InputError:  # no claims in it: left out of every mode
            continue
        for mode, (s, n) in took.items():
            seconds[mode] += s
            claims[mode] += n
    pipeline.cfg = base
    if not claims[modes[0]]:
        raise InputError("none of the articles has claims to time")
    ref = seconds[modes[0]] / claims[modes[0]]
    return {
        m: {
            "seconds": seconds[m],
            "claims": claims[m],
            "ms_per_claim": 1000 * seconds[m] / claims[m],
            f"cost_vs_{modes[0]}": seconds[m] / claims[m] / ref,
        }
        for m in modes
    }


def _forget(pipeline: Pipeline) -> None:
    """Empty the heads' embedding caches: each mode pays for its own encoder pass."""
    for head in pipeline.heads.values():
        encoder = getattr(head.model, "encoder", None)
        if encoder is not None and hasattr(encoder, "_cache"):
            encoder._cache.clear()


def run_cost(cfg: PipelineConfig, docs: list[Document], modes: list[str], out_root: str) -> Path:
    """Time `modes` (the first is the reference) and record it under out_root/attribution_cost."""
    pipeline = Pipeline(cfg, all_modes=True)
    unknown = [m for m in modes if m not in pipeline.modes]
    if unknown or not docs:
        raise InputError(
            f"modes {unknown} are not available here; expected some of {pipeline.modes}"
            if unknown
            else "no articles to time"
        )
    run_dir = records.new_run_dir(out_root, "attribution_cost")
    records.set_status(run_dir, "running")
    try:
        timing = time_modes(pipeline, docs, modes)
        meta = records.run_metadata(0, "cpu", "", "", sum(t["seconds"] for t in timing.values()))
        meta["articles"] = [d.id for d in docs]
        meta["pipeline"] = asdict(cfg)
        records.write_json(run_dir / "metrics.json", {"modes": timing, "meta": meta})
        records.set_status(run_dir, "complete")
    except BaseException as e:
        records.set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    return run_dir
