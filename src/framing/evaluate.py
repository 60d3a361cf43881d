"""End-to-end evaluation of the article pipeline on annotated corpus articles, recorded as a run.

From raw text: segment-kind accuracy, claim boundary F1, then on matched claims attribution
(for each attribution mode: rules, learned, combined), source match, source type, and stance and
frame macro-F1 (stance scored toward each article's own target).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, replace
from pathlib import Path

import yaml

from framing import records
from framing.article import Claim, Document
from framing.claims import attribution_scores, boundary_scores, corpus_claims, match_claims
from framing.classify import predict
from framing.config import InputError, project_path
from framing.corpus import fingerprint, load_corpus
from framing.metrics import evaluate
from framing.pipeline import ATTRIBUTION_MODES, Pipeline, PipelineConfig, resolve_attribution
from framing.segment import segment_scores

log = logging.getLogger(__name__)


def corpus_articles(root: str, split: str) -> tuple[list[dict], str]:
    """The annotated articles of one split, and the corpus fingerprint."""
    root_path = project_path(root)
    split_file = root_path / "splits.json"
    if not split_file.is_file():
        raise InputError(f"corpus not found: {split_file} is missing (set data_root=<folder>)")
    ids = json.loads(split_file.read_text(encoding="utf-8"))
    if split not in ids:
        raise InputError(f"split={split!r}; expected train, dev or test")
    docs = {d["article_id"]: d for d in load_corpus(root_path)}
    files = [split_file, *root_path.glob("annotations/*.json"), *root_path.glob("articles/*.txt")]
    return [docs[i] for i in ids[split]], fingerprint(files)


def score_articles(pipeline: Pipeline, docs: list[dict], n_boot: int, seed: int) -> tuple:
    """Metrics over `docs` and one prediction row per predicted claim (with its gold match)."""
    pairs: dict[str, list[tuple[list[Claim], list[Claim]]]] = {m: [] for m in ATTRIBUTION_MODES}
    gold_lab: dict[str, list[str]] = {"stance": [], "frame": []}
    pred_lab: dict[str, list[str]] = {"stance": [], "frame": []}
    rows = []
    for d in docs:
        doc = Document(d["article_id"], d["text"])
        claims = pipeline.claims(doc)
        probs = predict(pipeline.heads, [c.text for c in claims], [d["target"]])
        gold = corpus_claims(d)
        by_mode = {
            mode: [
                replace(
                    c,
                    attribution=resolve_attribution(
                        c.attribution, probs["attribution"][k], probs["source_type"][k], mode
                    ),
                )
                for k, c in enumerate(claims)
            ]
            for mode in ATTRIBUTION_MODES
        }
        for mode, pred in by_mode.items():
            pairs[mode].append((gold, pred))
        gold_of = {id(p): g for g, p in match_claims(gold, claims, exact=False)}
        raw = {c["start"]: c for c in d["claims"]}
        for k, c in enumerate(claims):
            frame = max(probs["framing"][k], key=probs["framing"][k].get)
            stance = max(probs["stance"][k], key=probs["stance"][k].get)
            g = gold_of.get(id(c))
            g_raw = raw.get(g.start) if g else None
            if g_raw:
                gold_lab["frame"].append(g_raw["frame"])
                gold_lab["stance"].append(g_raw["stance"])
                pred_lab["frame"].append(frame)
                pred_lab["stance"].append(stance)
            rows.append(
                {
                    "article_id": doc.id,
                    "claim_id": c.id,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                    "gold_start": g.start if g else None,
                    "frame": frame,
                    "gold_frame": g_raw["frame"] if g_raw else None,
                    "stance": stance,
                    "gold_stance": g_raw["stance"] if g_raw else None,
                    **{f"attribution_{m}": asdict(by_mode[m][k].attribution) for m in by_mode},
                    "gold_attribution": asdict(g.attribution) if g else None,
                }
            )
    labels = {t: sorted(set(gold_lab[t]) | set(pred_lab[t])) for t in gold_lab}
    metrics = {
        "articles": len(docs),
        "segments": segment_scores(docs),
        "claim_boundary": boundary_scores(pairs["rules"]),
        "attribution": {m: attribution_scores(pairs[m]) for m in ATTRIBUTION_MODES},
        "stance": evaluate(gold_lab["stance"], pred_lab["stance"], labels["stance"], n_boot, seed),
        "frame": evaluate(gold_lab["frame"], pred_lab["frame"], labels["frame"], n_boot, seed),
    }
    return metrics, rows


def run_evaluation(
    cfg: PipelineConfig,
    data_root: str,
    split: str,
    out_root: str,
    n_boot: int = 1000,
    seed: int = 0,
) -> Path:
    """Score the pipeline on one corpus split and record it under out_root/evaluate_pipeline/."""
    docs, data_fp = corpus_articles(data_root, split)
    pipeline = Pipeline(cfg)
    run_dir = records.new_run_dir(out_root, "evaluate_pipeline")
    try:
        records.set_status(run_dir, "running")
        settings = {
            "pipeline": asdict(cfg),
            "data_root": data_root,
            "split": split,
            "bootstrap": n_boot,
            "seed": seed,
            "heads": {t: str(h.run_dir) for t, h in pipeline.heads.items()},
        }
        (run_dir / "config.yaml").write_text(
            yaml.safe_dump(settings, sort_keys=False), encoding="utf-8"
        )
        start = time.perf_counter()
        metrics, rows = score_articles(pipeline, docs, n_boot, seed)
        records.write_predictions(run_dir / "predictions.jsonl", rows)
        frame_head = pipeline.heads["framing"]
        meta = records.run_metadata(
            seed,
            str(frame_head.model.device),
            data_fp,
            frame_head.schema_version,
            time.perf_counter() - start,
        )
        records.write_json(run_dir / "meta.json", meta)
        records.write_json(run_dir / "metrics.json", {"split": split, **metrics, "meta": meta})
        records.set_status(run_dir, "complete")
    except BaseException as e:
        records.set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    return run_dir
