"""What inference costs, as ratios measured side by side in one run, so that the machine's speed
cancels: the pipeline's claims/s against the bare fp32 encoder on the same claims; ONNX int8
against torch (the encoder alone, and the pipeline end to end, with label agreement); a cold
single-article run against a bare `import torch, transformers, spacy`; peak memory of a
streaming run at growing corpus sizes. `scripts/benchmark.py` records it and writes
docs/performance.md (`render`)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from framing.benchmarks.backends import encoder_speed, label_agreement
from framing.learning import fast_claims
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Document

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
BARE_IMPORT = "import torch, transformers, spacy"
TARGETS = {  # issue #11
    "pipeline_vs_bare_encoder": (">=", 0.8),
    "int8_encoder_vs_torch": (">=", 2.0),
    "int8_label_agreement": (">=", 0.99),
    "cold_vs_bare_import": ("<=", 1.5),
    "rss_largest_vs_smallest": ("<=", 1.1),
}


def pipeline_rows(
    pipeline: Pipeline, docs: list[Document], batch: int = 16
) -> tuple[list[dict], float]:
    """Rows of `docs` as infer.py makes them (`analyze_many`, `batch` articles at a time) and the
    seconds they took, after one untimed warm-up batch."""
    pipeline.analyze_many(docs[:2])
    pipeline.stage_seconds.clear()
    rows, start = [], time.perf_counter()
    for k in range(0, len(docs), batch):
        for res in pipeline.analyze_many(docs[k : k + batch]):
            rows += [] if isinstance(res, Exception) else res
    return rows, time.perf_counter() - start


# pipeline variants timed next to the default (PipelineConfig fields changed)
VARIANTS = {
    "torch": {"backend": "torch"},
    "onnx_fp32": {"backend": "onnx", "int8": []},
    "onnx_int8": {"backend": "onnx_int8"},
    "claims_int8": {"backend": "onnx", "int8": ["claims"]},
    "frozen_heads": {"claim_model": None},
}


def second_looks(pipeline: Pipeline) -> float | None:
    """The share of an int8 claim model's scorings looked at again in fp32 (None: no int8 claim
    model), `fast_claims.SECOND_LOOK`."""
    models = {id(m): m for h in pipeline.heads.values() if (m := _claim_model(h)) is not None}
    counts = [m.looked for m in models.values() if m.second_look > 0]
    if not counts:
        return None
    return sum(c[0] for c in counts) / max(1, sum(c[1] for c in counts))


def _claim_model(head) -> object | None:
    model = getattr(getattr(head, "model", None), "claim_model", None)
    return model if hasattr(model, "looked") else None


def throughput(cfg: PipelineConfig, docs: list[Document], int8: str, batch: int) -> dict:
    """Claims/s of the default pipeline (`cfg`) and of VARIANTS, with each one's seconds per
    stage and its labels' agreement with the torch variant; the bare encoder's claims/s on the
    same claim texts, torch fp32 and `int8`."""
    rows, seconds, stages, looks = {}, {}, {}, {}
    for name, change in {"default": {}, **VARIANTS}.items():
        pipeline = Pipeline(replace(cfg, **change))
        rows[name], seconds[name] = pipeline_rows(pipeline, docs, batch)
        stages[name] = {k: round(v, 2) for k, v in pipeline.stage_seconds.items()}
        looks[name] = second_looks(pipeline)
        del pipeline
    texts = [r["text"] for r in rows["default"]]
    n = len(texts)
    bare = {b: encoder_speed(texts, b) for b in ("torch", int8)}
    pipe = {name: n / s for name, s in seconds.items()}
    return {
        "claims": n,
        "articles": len(docs),
        "default": {"backend": cfg.backend, "int8": list(cfg.int8)},
        "variants": VARIANTS,
        "pipeline_claims_per_s": pipe,
        "stage_seconds": stages,
        "second_look_share": {k: v for k, v in looks.items() if v is not None},
        "second_look_margin": fast_claims.SECOND_LOOK,
        "bare_encoder_claims_per_s": bare,
        "pipeline_vs_bare_encoder": pipe["default"] / bare["torch"],
        "int8_encoder_vs_torch": bare[int8] / bare["torch"],
        "agreement_vs_torch": {
            name: label_agreement(rows["torch"], r) for name, r in rows.items() if name != "torch"
        },
    }


def _seconds(args: list[str], cwd: Path) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def cold_start(article: Path, repeats: int = 3) -> dict:
    """Median wall seconds of a fresh `infer.py ARTICLE` and of the bare import (alternating)."""
    bare, cold = [], []
    infer = [sys.executable, str(SCRIPTS / "infer.py"), str(article), "format=jsonl"]
    _seconds(infer, SCRIPTS.parent)  # exports and caches warm, as for any later run
    for _ in range(repeats):
        bare.append(_seconds([sys.executable, "-c", BARE_IMPORT], SCRIPTS.parent))
        cold.append(_seconds(infer, SCRIPTS.parent))
    b, c = statistics.median(bare), statistics.median(cold)
    return {"bare_import_s": b, "cold_article_s": c, "cold_vs_bare_import": c / b}


def _peak_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(x.split()[1]) for x in f if x.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


def rss_scaling(docs: list[Document], sizes: list[int], overrides: list[str]) -> dict:
    """One streaming run (`infer.py DIR out=x.parquet`) over max(sizes) articles (`docs`
    repeated, each copy its own file): the peak RSS when 100, 1,000, ... articles are written."""
    sizes = sorted(sizes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for k in range(sizes[-1]):
            doc = docs[k % len(docs)]
            (folder / f"a{k:06d}_{doc.id}.txt").write_text(doc.text, encoding="utf-8")
        out = Path(tmp) / "rows.parquet"
        args = [sys.executable, str(SCRIPTS / "infer.py"), str(folder), f"out={out}", *overrides]
        child = subprocess.Popen(args, cwd=SCRIPTS.parent, stderr=subprocess.DEVNULL)
        manifest = Path(f"{out}.manifest.jsonl")
        peaks: dict[int, float] = {}
        start, status = time.perf_counter(), None
        while status is None:
            pid, code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:  # ended: its peak over the whole run (ru_maxrss is in KB on Linux)
                status, last = os.waitstatus_to_exitcode(code), usage.ru_maxrss / 1024
                break
            done = manifest.read_text().count('"status": "done"') if manifest.exists() else 0
            for n in sizes:
                if n not in peaks and done >= n:
                    peaks[n] = _peak_kb(child.pid) / 1024
            time.sleep(0.2)
        child.returncode = status
        if status:
            raise RuntimeError(f"the streaming run failed (exit {status}): {' '.join(args)}")
    seconds = time.perf_counter() - start
    for n in sizes:
        peaks.setdefault(n, last)  # written at exit, after the last poll
    return {
        "peak_rss_mb": {str(n): round(v, 1) for n, v in peaks.items()},
        "rss_largest_vs_smallest": peaks[sizes[-1]] / peaks[sizes[0]],
        "articles_per_s": sizes[-1] / seconds,
    }


def verdicts(metrics: dict) -> dict[str, dict]:
    """Each target: its value (None when not measured), the bound, met or not."""
    flat = {**metrics.get("throughput", {}), **metrics.get("cold", {}), **metrics.get("rss", {})}
    agreement = flat.get("agreement_vs_torch", {}).get("onnx_int8")
    if agreement:  # every model int8 against torch: the field that agrees least
        flat["int8_label_agreement"] = min(v for k, v in agreement.items() if k != "claims")
    out = {}
    for name, (op, bound) in TARGETS.items():
        value = flat.get(name)
        met = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out[name] = {"value": value, "target": f"{op} {bound}", "met": met}
    return out


def render(metrics: dict, run_dir: str, command: str) -> str:
    """docs/performance.md from one benchmark run's metrics."""
    t, c, r = metrics.get("throughput"), metrics.get("cold"), metrics.get("rss")
    lines = [
        "# Performance",
        "",
        f"Written by `{command}` from one run, `{run_dir}` (its `metrics.json` holds every",
        "number below). Ratios are measured side by side in that run, so the machine's speed",
        f"cancels. Machine: {metrics['machine']}.",
        "",
        "## Targets (issue #11)",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
    ]
    for name, v in verdicts(metrics).items():
        value = "not measured" if v["value"] is None else f"{v['value']:.3f}"
        met = {True: "yes", False: "**no**", None: "-"}[v["met"]]
        lines.append(f"| {name} | {value} | {v['target']} | {met} |")
    if t:
        lines += _throughput_lines(t)
    if c:
        lines += [
            "",
            "## Cold start",
            "",
            f'`python -c "{BARE_IMPORT}"`: {c["bare_import_s"]:.2f} s; `python scripts/infer.py '
            f"ARTICLE format=jsonl` (one article, caches warm): {c['cold_article_s']:.2f} s "
            "(medians).",
        ]
    if r:
        lines += [
            "",
            "## Memory of a streaming run (`out=rows.parquet`)",
            "",
            "| articles written | peak RSS (MB) |",
            "|---|---|",
            *(f"| {n} | {v} |" for n, v in r["peak_rss_mb"].items()),
            "",
            f"{r['articles_per_s']:.1f} articles/s over the whole run, start-up included.",
        ]
    return "\n".join(lines) + "\n"


def run_benchmark(
    docs: list[Document],
    article: Path,
    sizes: list[int],
    parts: tuple[str, ...],
    out_root: str,
    int8: str = "onnx_int8",
) -> tuple[Path, dict]:
    """Measure `parts` (throughput, cold, rss) and record them under out_root/benchmark."""
    import platform

    from framing.runs import records

    cfg = PipelineConfig(device="cpu")
    run_dir = records.new_run_dir(out_root, "benchmark")
    records.set_status(run_dir, "running", pid=os.getpid())
    start = time.perf_counter()
    try:
        metrics: dict = {
            "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}"
        }
        if "throughput" in parts:
            metrics["throughput"] = throughput(cfg, docs, int8, 16)
        if "cold" in parts:
            metrics["cold"] = cold_start(article)
        if "rss" in parts:
            metrics["rss"] = rss_scaling(docs, sizes, [])
        metrics["verdicts"] = verdicts(metrics)
        metrics["meta"] = records.run_metadata(0, "cpu", "", "", time.perf_counter() - start)
        metrics["meta"]["articles"] = [d.id for d in docs]
        records.write_json(run_dir / "metrics.json", metrics)
        records.set_status(run_dir, "complete")
    except BaseException as e:
        records.set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    return run_dir, metrics


def split_docs(root: Path, splits: tuple[str, ...]) -> list[Document]:
    """The corpus articles of `splits` (splits.json), read as infer.py reads files."""
    import json

    from framing.pipeline.ingest import read_document

    names = json.loads((root / "splits.json").read_text(encoding="utf-8"))
    return [read_document(root / "articles" / f"{a}.txt") for s in splits for a in names[s]]


def _throughput_lines(t: dict) -> list[str]:
    stages = sorted({k for v in t["stage_seconds"].values() for k in v})
    fields = [k for k in next(iter(t["agreement_vs_torch"].values())) if k != "claims"]
    d = t["default"]
    lines = [
        "",
        f"## Throughput ({t['claims']} claims of {t['articles']} articles)",
        "",
        f"`default` is infer.py's default (backend={d['backend']}, int8={d['int8']}). Each "
        "variant changes the default as shown; seconds per stage are the model calls of "
        "`Pipeline.analyze_many` (`spacy`: parses, `tagger`: span tagger, `heads`: claim model or "
        "frozen heads); agreement is the share of claims with the torch variant's label.",
        "",
        "| pipeline | change | claims/s | "
        + " | ".join(f"{s} s" for s in stages)
        + " | "
        + " | ".join(f"{f} agreement" for f in fields)
        + " |",
        "|---" * (3 + len(stages) + len(fields)) + "|",
    ]
    for name, speed in t["pipeline_claims_per_s"].items():
        agree = t["agreement_vs_torch"].get(name, {})
        lines.append(
            f"| {name} | {t['variants'].get(name, {}) or '-'} | {speed:.1f} | "
            + " | ".join(f"{t['stage_seconds'][name].get(s, 0):.1f}" for s in stages)
            + " | "
            + " | ".join(f"{agree[f]:.4f}" if f in agree else "-" for f in fields)
            + " |"
        )
    looks = t.get("second_look_share") or {}
    if looks:
        lines += [
            "",
            "An int8 claim model scores a claim again in fp32 when its two likeliest labels are "
            f"less than {t['second_look_margin']} apart (`fast_claims.SECOND_LOOK`): "
            + ", ".join(f"{v:.1%} of the scorings in {k}" for k, v in looks.items())
            + ".",
        ]
    lines += [
        "",
        "| bare MiniLM encoder on the same claim texts (batch 32, length-sorted) | claims/s |",
        "|---|---|",
        *(f"| {b} | {v:.1f} |" for b, v in t["bare_encoder_claims_per_s"].items()),
    ]
    return lines
