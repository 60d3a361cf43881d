"""Attribution end to end on real news: the article pipeline runs on each PolNeAR article from
its raw text, as `infer.py` does, and every emitted claim is scored against the annotation, for
every attribution mode; recorded as a run.

Gold of a claim, read two ways from the article's alphabetically first well-formed annotator:
- `content` (the definition issue #9 set): attributed when at least half of its non-space
  characters lie inside Content spans;
- `scheme` (the project's scheme, ../shared/ANNOTATION.md): the same, counting only characters
  outside every Source and Cue span, so that a claim that is mostly its attribution ("Tax cuts
  work, Ann Lee said.", "..., according to the ministry.") is attributed, as the corpus and
  the Ukraine labels have it.
Its source and cue are those of the attribution (BRAT event) whose Content covers most of it.
Every score below is given for each reading: `modes` (content) and `modes_scheme` in the run's
metrics.json.
- attributed: accuracy, macro-F1 (with a bootstrap interval), precision / recall / F1 of
  attributed, over all emitted claims;
- source: a predicted source span matches exactly (same characters as the gold Source, spaces
  trimmed) or overlaps it; precision over claims predicted attributed with a source, recall over
  gold-attributed claims with a gold Source; `source_overlap_rate` is the share of claims
  attributed by both whose predicted source overlaps the gold one;
- cue: the same, counting only gold and predicted cues inside the claim (a continued quotation
  has its cue in an earlier sentence).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from framing.core.errors import InputError
from framing.data.corpus import fingerprint
from framing.data.polnear import Article, load_polnear
from framing.data.public import Skipped, dataset_dir
from framing.pipeline.analyze import Pipeline, PipelineConfig
from framing.pipeline.article import Attribution, Claim, Document, Span
from framing.pipeline.claims import trim_span
from framing.runs import records
from framing.runs.metrics import evaluate

log = logging.getLogger(__name__)

LABELS = ["attributed", "unattributed"]
READINGS = ("content", "scheme")
Frags = list[tuple[int, int]]


@dataclass
class GoldClaim:
    """The annotation of one emitted claim."""

    attributed: bool
    source: Frags = field(default_factory=list)
    cue: Frags = field(default_factory=list)


def _chars(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


def claim_gold(article: Article, start: int, end: int, reading: str = "content") -> GoldClaim:
    """The gold attribution of the claim at [start, end) of the article, in one of READINGS.

    >>> a = Article("a", "test", "x", "Tax cuts work, Ann Lee said.", [], [
    ...     {"Content": [(0, 13)], "Cue": [(23, 27)], "Source": [(15, 22)]}])
    >>> claim_gold(a, 0, 14)
    GoldClaim(attributed=True, source=[(15, 22)], cue=[(23, 27)])
    >>> claim_gold(a, 0, 28).attributed  # 11 of its 23 non-space characters are Content
    False
    >>> claim_gold(a, 0, 28, "scheme").attributed  # 11 of the 13 outside Source and Cue
    True
    """
    if reading not in READINGS:
        raise InputError(f"reading={reading!r}; expected one of {list(READINGS)}")
    chars = _chars(article.text, start, end)
    if reading == "scheme":
        for group in article.groups:
            for a, b in group.get("Source", []) + group.get("Cue", []):
                chars -= set(range(a, b))
    if not chars:
        return GoldClaim(False)
    covered: set[int] = set()
    best, best_n = None, 0
    for group in article.groups:
        inside = set()
        for a, b in group.get("Content", []):
            inside |= chars & set(range(a, b))
        covered |= inside
        if len(inside) > best_n:
            best, best_n = group, len(inside)
    if 2 * len(covered) < len(chars) or best is None:
        return GoldClaim(False)
    return GoldClaim(True, list(best.get("Source", [])), list(best.get("Cue", [])))


def attribution_cover(article: Article, start: int, end: int) -> float:
    """The share of the claim's non-space characters inside any Source, Cue or Content span:
    a claim mostly made of an attribution ("'...,' said Rep. X, a Democrat from ...") can have
    a high cover and still be gold-unattributed by the Content-only rule.

    >>> a = Article("a", "test", "x", "Tax cuts work, Ann Lee said.", [], [
    ...     {"Content": [(0, 13)], "Cue": [(23, 27)], "Source": [(15, 22)]}])
    >>> round(attribution_cover(a, 0, 28), 3)  # all but the comma and the full stop
    0.913
    """
    chars = _chars(article.text, start, end)
    spans = [(a, b) for g in article.groups for frags in g.values() for a, b in frags]
    covered = {i for i in chars if any(a <= i < b for a, b in spans)}
    return len(covered) / len(chars) if chars else 0.0


def _matches(text: str, pred: Span | None, gold: Frags, exact: bool) -> bool:
    if pred is None or not gold:
        return False
    if exact:
        whole = trim_span(text, min(a for a, _ in gold), max(b for _, b in gold))
        return trim_span(text, pred.start, pred.end) == whole
    return any(min(b, pred.end) > max(a, pred.start) for a, b in gold)


def _f1(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def span_role_scores(items: list[tuple[str, Claim, GoldClaim, Attribution]], role: str) -> dict:
    """Exact and overlap P/R/F1 of the source or cue spans over (text, claim, gold, pred)."""

    def spans(claim: Claim, gold: GoldClaim, pred: Attribution) -> tuple[Frags, Span | None]:
        if role == "source":
            return gold.source, pred.source_span if pred.attributed else None
        inside = [(a, b) for a, b in gold.cue if claim.start <= a and b <= claim.end]
        cue = pred.cue if pred.attributed else None
        ok = cue is not None and claim.start <= cue.start and cue.end <= claim.end
        return inside, cue if ok else None

    pairs = [(text, *spans(c, g, p)) for text, c, g, p in items]
    n_pred = sum(p is not None for _, _, p in pairs)
    n_gold = sum(bool(g) for _, g, _ in pairs)
    out: dict = {"n_pred": n_pred, "n_gold": n_gold}
    for kind in ("exact", "overlap"):
        tp = sum(_matches(t, p, g, kind == "exact") for t, g, p in pairs)
        out[kind] = _f1(tp, n_pred, n_gold)
    return out


def score_mode(items: list[tuple[str, Claim, GoldClaim, Attribution]], n_boot: int, seed: int):
    """Every score of one attribution mode over (article text, claim, gold, prediction)."""
    gold = [LABELS[0] if g.attributed else LABELS[1] for _, _, g, _ in items]
    pred = [LABELS[0] if p.attributed else LABELS[1] for _, _, _, p in items]
    out = evaluate(gold, pred, LABELS, n_boot, seed)
    both = [(t, g, p) for t, _, g, p in items if g.attributed and p.attributed and g.source]
    hits = sum(_matches(t, p.source_span, g.source, exact=False) for t, g, p in both)
    out["attributed_share"] = gold.count(LABELS[0]) / len(gold) if gold else 0.0
    out["source_overlap_rate"] = hits / len(both) if both else 0.0
    out["source"] = span_role_scores(items, "source")
    out["cue"] = span_role_scores(items, "cue")
    return out


def score_articles(pipeline: Pipeline, articles: list[Article], n_boot: int, seed: int):
    """Metrics of each attribution mode, under each gold reading, and one prediction row per
    emitted claim."""
    items: dict[str, dict[str, list]] = {r: {m: [] for m in pipeline.modes} for r in READINGS}
    rows, empty = [], []
    # gold-unattributed claims mostly made of attribution spans, and each mode's calls on them
    mostly = {"n": 0, "predicted_attributed": dict.fromkeys(pipeline.modes, 0)}
    for article in articles:
        claims = pipeline.claims(Document(article.id, article.text))
        if not claims:
            empty.append(article.id)
            continue
        _, by_mode = pipeline.predict_modes(claims, article.text, pipeline.cfg.targets[:1])
        for k, claim in enumerate(claims):
            gold = {r: claim_gold(article, claim.start, claim.end, r) for r in READINGS}
            cover = attribution_cover(article, claim.start, claim.end)
            for reading, by in items.items():
                for mode, atts in by_mode.items():
                    by[mode].append((article.text, claim, gold[reading], atts[k]))
            if not gold["content"].attributed and cover >= 0.5:
                mostly["n"] += 1
                for mode, atts in by_mode.items():
                    mostly["predicted_attributed"][mode] += atts[k].attributed
            rows.append(
                {
                    "article_id": article.id,
                    "claim_id": claim.id,
                    "start": claim.start,
                    "end": claim.end,
                    "text": claim.text,
                    "gold": asdict(gold["content"]),
                    "gold_scheme_attributed": gold["scheme"].attributed,
                    "gold_attribution_cover": round(cover, 4),
                    **{f"attribution_{m}": asdict(atts[k]) for m, atts in by_mode.items()},
                }
            )
    metrics = {
        r: {m: score_mode(v, n_boot, seed) for m, v in by.items()} for r, by in items.items()
    }
    summary = {"articles": len(articles), "articles_without_claims": empty}
    summary |= {"modes": metrics["content"], "modes_scheme": metrics["scheme"]}
    return {**summary, "unattributed_mostly_attribution": mostly}, rows


def run_polnear_evaluation(
    cfg: PipelineConfig,
    root: str | Path,
    split: str,
    out_root: str | Path,
    n_boot: int = 1000,
    seed: int = 0,
) -> Path:
    """Score the pipeline on one split of the PolNeAR folder `root` from raw text; record it
    under out_root/evaluate_polnear/ and return the run folder."""
    if split not in ("train", "dev", "test"):
        raise InputError(f"split={split!r}; expected train, dev or test")
    skipped = Skipped()
    articles = load_polnear(root, split, skipped)
    folder = dataset_dir(root, "polnear", [])
    files = sorted((folder / "data" / split).glob("*/*"))
    pipeline = Pipeline(cfg, all_modes=True)
    settings = {
        "pipeline": asdict(cfg),
        "root": str(root),
        "dataset": "polnear",
        "split": split,
        "bootstrap": n_boot,
        "seed": seed,
        "heads": {t: str(h.run_dir) for t, h in pipeline.heads.items()},
    }
    with records.open_run(out_root, "evaluate_polnear", None, settings, None) as run_dir:
        start = time.perf_counter()
        metrics, rows = score_articles(pipeline, articles, n_boot, seed)
        records.write_predictions(run_dir / "predictions.jsonl", rows)
        device = str(pipeline.heads["framing"].model.device)
        wall = time.perf_counter() - start
        meta = records.run_metadata(seed, device, fingerprint(files), "polnear", wall)
        meta["skipped_records"] = skipped.items
        meta["n_claims"] = len(rows)
        records.write_json(run_dir / "meta.json", meta)
        records.write_json(run_dir / "metrics.json", {"split": split, **metrics, "meta": meta})
        records.set_status(run_dir, "complete")
    return run_dir


def brief(metrics: dict) -> dict:
    """The headline numbers of a PolNeAR evaluation (what scripts/evaluate.py prints); those of
    the `scheme` reading end in `_scheme` (older runs have none)."""
    out = {}
    for suffix, key in (("", "modes"), ("_scheme", "modes_scheme")):
        for mode, m in metrics.get(key, {}).items():
            out[f"attributed_accuracy_{mode}{suffix}"] = m["accuracy"]
            out[f"attributed_macro_f1_{mode}{suffix}"] = m["macro_f1"]
            out[f"source_overlap_f1_{mode}{suffix}"] = m["source"]["overlap"]["f1"]
    return out
