"""End-to-end evaluation of the article pipeline on annotated corpus articles, recorded as a run;
claim matching and the boundary and attribution scores it reports.

From raw text: segment-kind accuracy, claim boundary F1, then on matched claims attribution
(for each attribution mode: rules, learned, combined), source match, source type, and stance and
frame macro-F1 (stance scored toward each article's own target).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from framing.benchmarks import real_news
from framing.core.errors import InputError
from framing.core.paths import project_path
from framing.data.public import default_data_root
from framing.data.tasks import corpus_splits
from framing.data.ukraine import as_corpus_doc, load_real
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Attribution, Claim, Document, Segment, Span
from framing.pipeline.attribution import attribute
from framing.pipeline.claims import split_claims
from framing.pipeline.segment import segment_scores
from framing.runs import records
from framing.runs.metrics import evaluate

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


def score_articles(pipeline: Pipeline, docs: list[dict], n_boot: int, seed: int) -> tuple:
    """Metrics over `docs` and one prediction row per predicted claim (with its gold match)."""
    modes = pipeline.modes
    pairs: dict[str, list[tuple[list[Claim], list[Claim]]]] = {m: [] for m in modes}
    gold_lab: dict[str, list[str]] = {"stance": [], "frame": []}
    pred_lab: dict[str, list[str]] = {"stance": [], "frame": []}
    rows = []
    for d in docs:
        doc = Document(d["article_id"], d["text"])
        claims = pipeline.claims(doc)
        probs, atts = pipeline.predict_modes(claims, d["text"], [d["target"]])
        gold = corpus_claims(d)
        by_mode = {
            mode: [replace(c, attribution=a) for c, a in zip(claims, atts[mode])] for mode in modes
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
        "attribution": {m: attribution_scores(pairs[m]) for m in modes},
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
    dataset: str = "corpus",
    labels: str = "data/ukraine",
) -> Path:
    """Score the pipeline on one split of the corpus (or, dataset="ukraine", of the real
    Ukraine-crisis articles with the project's `labels`: `data_root` is then the dataset folder)
    and record it under out_root/evaluate_pipeline/ (evaluate_ukraine/)."""
    if split not in ("train", "dev", "test"):
        raise InputError(f"split={split!r}; expected train, dev or test")
    if dataset == "ukraine":
        real, data_fp = load_real(data_root, project_path(labels))
        docs = [as_corpus_doc(a) for a in real[split]]
    else:
        articles, data_fp = corpus_splits(data_root)
        docs = articles[split]
    pipeline = Pipeline(cfg, all_modes=True)
    name = "evaluate_ukraine" if dataset == "ukraine" else "evaluate_pipeline"
    run_dir = records.new_run_dir(out_root, name)
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


DATASETS = ("corpus", "polnear", "ukraine")


def evaluate_dataset(
    dataset: str,
    split: str,
    data_root: str | None,
    out_root: str,
    bootstrap: int = 1000,
    **pipeline: Any,
) -> tuple[Path, dict]:
    """`scripts/evaluate.py`: score the pipeline (`PipelineConfig(**pipeline)`) on the corpus
    (`data_root` default data/corpus) or on PolNeAR from raw text (`data_root` default
    <data root>/polnear); return the run folder and its headline numbers."""
    for key in ("span_tagger", "claim_model"):
        if pipeline.get(key) == "none":
            pipeline[key] = None
    cfg = PipelineConfig(**pipeline)
    if dataset == "corpus":
        run_dir = run_evaluation(cfg, data_root or "data/corpus", split, out_root, bootstrap)
        return run_dir, brief(records.read_json(run_dir / "metrics.json"))
    if dataset == "ukraine":
        root = data_root or str(Path(default_data_root()) / "ukraine_news_bias")
        run_dir = run_evaluation(cfg, root, split, out_root, bootstrap, dataset="ukraine")
        return run_dir, brief(records.read_json(run_dir / "metrics.json"))
    if dataset == "polnear":
        root = data_root or str(Path(default_data_root()) / "polnear")
        run_dir = real_news.run_polnear_evaluation(cfg, root, split, out_root, bootstrap)
        return run_dir, real_news.brief(records.read_json(run_dir / "metrics.json"))
    raise InputError(f"dataset={dataset!r}; expected one of {list(DATASETS)}")


def brief(metrics: dict) -> dict:
    """The headline numbers of an evaluation's metrics.json (what scripts/evaluate.py prints)."""
    return {
        "segment_accuracy": metrics["segments"]["accuracy"],
        "claim_boundary_f1": metrics["claim_boundary"]["exact_f1"],
        **{
            f"attributed_accuracy_{k}": v["exact"].get("attributed_accuracy")
            for k, v in metrics["attribution"].items()
        },
        "stance_macro_f1": metrics["stance"]["macro_f1"],
        "frame_macro_f1": metrics["frame"]["macro_f1"],
    }


# ----------------------------------------------------- claim matching and scores


def _trimmed(c: Claim) -> tuple[int, int]:
    return c.start + len(c.text) - len(c.text.lstrip()), c.end - len(c.text) + len(c.text.rstrip())


def match_claims(gold: list[Claim], pred: list[Claim], exact: bool) -> list[tuple[Claim, Claim]]:
    """Gold-pred pairs of one article: same trimmed offsets, or (not `exact`) a character
    overlap above half their union. Claims do not overlap, so each has at most one partner."""
    spans = [(_trimmed(p), p) for p in pred]
    out = []
    for g in gold:
        (a, b) = _trimmed(g)
        for (c, d), p in spans:
            inter, union = min(b, d) - max(a, c), max(b, d) - min(a, c)
            if ((a, b) == (c, d)) if exact else (union > 0 and inter / union > 0.5):
                out.append((g, p))
                break
    return out


def claim_boundary_f1(gold: list[Claim], pred: list[Claim]) -> dict[str, float]:
    """Precision, recall and F1 of one article's claim spans, exact and overlap-based.

    >>> g = [Claim("g1", 0, 10, "A happened"), Claim("g2", 11, 20, "B said it")]
    >>> p = [Claim("p1", 0, 10, "A happened"), Claim("p2", 11, 18, "B said ")]
    >>> s = claim_boundary_f1(g, p)
    >>> s["exact_f1"], s["overlap_f1"]
    (0.5, 1.0)
    """
    return boundary_scores([(gold, pred)])


def boundary_scores(articles: list[tuple[list[Claim], list[Claim]]]) -> dict[str, float]:
    """`claim_boundary_f1` pooled over (gold, pred) pairs of articles."""
    n_gold = sum(len(g) for g, _ in articles)
    n_pred = sum(len(p) for _, p in articles)
    out: dict[str, float] = {"n_gold": n_gold, "n_pred": n_pred}
    for mode in ("exact", "overlap"):
        tp = sum(len(match_claims(g, p, mode == "exact")) for g, p in articles)
        prec, rec = tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0
        out[f"{mode}_precision"], out[f"{mode}_recall"] = prec, rec
        out[f"{mode}_f1"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def attribution_scores(articles: list[tuple[list[Claim], list[Claim]]]) -> dict:
    """Attribution scores (as `evaluate_attribution`) pooled over (gold, pred)
    pairs of articles."""
    from sklearn.metrics import accuracy_score, f1_score

    out: dict = {}
    for mode in ("exact", "overlap"):
        pairs = [
            (g.attribution, p.attribution)
            for gold, pred in articles
            for g, p in match_claims(gold, pred, mode == "exact")
        ]
        res: dict[str, float] = {"n_gold": sum(len(g) for g, _ in articles), "matched": len(pairs)}
        if pairs:
            ga, pa = [g.attributed for g, _ in pairs], [p.attributed for _, p in pairs]
            gi, pi = [g.implicit for g, _ in pairs], [p.implicit for _, p in pairs]
            res["attributed_accuracy"] = accuracy_score(ga, pa)
            res["attributed_macro_f1"] = f1_score(
                ga, pa, labels=[False, True], average="macro", zero_division=0
            )
            res["implicit_f1"] = f1_score(gi, pi, labels=[True], average="macro", zero_division=0)
        att = [(g, p) for g, p in pairs if g.attributed]
        cues = [(g, p) for g, p in att if g.cue is not None]
        res["source_match"] = _mean(same_name(p.source, g.source) for g, p in att)
        res["source_span_overlap"] = _mean(
            _overlaps(g.source_span, p.source_span) for g, p in att if g.source_span
        )
        res["source_type_accuracy"] = _mean(g.source_type == p.source_type for g, p in att)
        res["cue_exact"] = _mean(
            p.cue is not None and g.cue.text.lower() == p.cue.text.lower() for g, p in cues
        )
        res["cue_overlap"] = _mean(_overlaps(g.cue, p.cue) for g, p in cues)
        out[mode] = res
    return out


_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def same_name(pred: str | None, gold: str | None) -> bool:
    """Whether two source names are the same, ignoring case, spacing and curly quotes (stand-off
    labels may type "Korea's" where the article prints "Korea’s").

    >>> same_name("South Korea’s  Ministry", "south korea's ministry"), same_name(None, "X")
    (True, False)
    """

    def norm(name: str) -> str:
        return " ".join(name.translate(_TYPOGRAPHIC).lower().split())

    return pred is not None and gold is not None and norm(pred) == norm(gold)


def _mean(values) -> float | None:
    """The mean; None for no values (a score the gold cannot give, e.g. source offsets of
    stand-off labels)."""
    values = list(values)
    return sum(values) / len(values) if values else None


def _overlaps(gold: Span | None, pred: Span | None) -> bool:
    return bool(gold and pred and min(gold.end, pred.end) > max(gold.start, pred.start))


def corpus_segments(doc: dict) -> list[Segment]:
    """Gold Segments of one article loaded by `framing.data.corpus.load_corpus`."""
    return [Segment(s["kind"], s["start"], s["end"]) for s in doc["segments"]]


def corpus_claims(doc: dict, kinds: tuple[str, ...] = ("body",)) -> list[Claim]:
    """Gold Claims, with their Attribution, of one article loaded by `load_corpus`."""
    out = []
    for k, c in enumerate(doc["claims"]):
        if c["kind"] not in kinds:
            continue
        src = None
        if c["source_start"] is not None:
            s, e = c["source_start"], c["source_end"]
            src = Span(s, e, doc["text"][s:e])
        cue = None
        if c["cue"] and c["cue_start"] is not None:
            cue = Span(c["cue_start"], c["cue_end"], c["cue"])
        att = Attribution(c["attributed"], c["implicit"], c["source"], src, c["source_type"], cue)
        out.append(Claim(f"g{k:03d}", c["start"], c["end"], c["text"], c["kind"], att))
    return out


def evaluate_attribution(gold_claims: list[Claim], pred_claims: list[Claim]) -> dict:
    """Attribution scores of one article's predicted claims against its gold claims.

    Claims are matched by offsets, exactly and by overlap (one dict each). On matched claims:
    attributed-or-not accuracy and macro-F1, implicit F1; on gold-attributed ones: source
    match (resolved name, case-insensitive), source span overlap, source-type accuracy, cue
    match (same text, case-insensitive) and cue span overlap.
    """
    return attribution_scores([(gold_claims, pred_claims)])


def score_corpus(docs: list[dict], nlp: Language) -> dict:
    """Claims and attribution on corpus articles (`load_corpus`), from their gold segments.

    `boundary`: claim spans pooled over the articles; `attribution`: scores of the predicted
    claims; `attribution_gold_claims`: attribution run on the gold claim spans.
    """
    split, given = [], []
    for d in docs:
        gold = corpus_claims(d)
        pred = attribute(split_claims(d["text"], corpus_segments(d), nlp), d["text"], nlp)
        split.append((gold, pred))
        bare = [replace(c, attribution=Attribution()) for c in gold]
        given.append((gold, attribute(bare, d["text"], nlp)))
    return {
        "boundary": boundary_scores(split),
        "attribution": attribution_scores(split),
        "attribution_gold_claims": attribution_scores(given),
    }
