"""How often two PolNeAR annotators agree on the claim-level gold that `real_news.py` scores the
pipeline against: the ceiling a system can be expected to reach on it.

Some PolNeAR articles were annotated by several annotators (a few in dev and test, more in train
and in the annotator-training folder). Each sentence of such an article (`polnear.sentence_spans`)
gets each annotator's gold (attributed when at least half of its non-space characters lie inside
that annotator's Content spans, `real_news.claim_gold`), and every pair of annotators is
compared: the share of sentences on which they agree, and Cohen's kappa. "first" compares each
other annotator with the alphabetically first one, whose annotation the evaluation reads.
"""

from __future__ import annotations

import time
from pathlib import Path

from framing.benchmarks.real_news import claim_gold
from framing.core.errors import InputError
from framing.data.corpus import fingerprint
from framing.data.polnear import SPLITS, Article, annotator_readings, sentence_spans
from framing.data.public import Skipped, dataset_dir
from framing.runs import records

FOLDERS = (*SPLITS, "annotator-training")


def _kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else None


def annotations(folder: Path, skipped: Skipped) -> dict[str, list[Article]]:
    """Articles of one split folder annotated by two or more readable annotators, each
    annotator's reading in file-name order (unreadable .ann files go to `skipped`)."""
    readings = annotator_readings(folder / "text", folder / "attributions", folder.name, skipped)
    return {r[0].id: r for r in readings if len(r) >= 2}


def agreement(folder: Path, skipped: Skipped) -> dict:
    """Pairwise and first-annotator agreement over one split folder's multi-annotated articles."""
    every: list[tuple[bool, bool]] = []
    first: list[tuple[bool, bool]] = []
    arts = annotations(folder, skipped)
    pairs = 0
    for readings in arts.values():
        spans = sentence_spans(readings[0].text)
        gold = [[claim_gold(r, s, e).attributed for s, e in spans] for r in readings]
        for i in range(len(readings)):
            for j in range(i + 1, len(readings)):
                pairs += 1
                every += list(zip(gold[i], gold[j]))
                if i == 0:
                    first += list(zip(gold[0], gold[j]))
    return {
        "articles": len(arts),
        "annotators_per_article": sorted({len(r) for r in arts.values()}),
        "annotator_pairs": pairs,
        "sentence_pairs": len(every),
        "agreement": sum(a == b for a, b in every) / len(every) if every else None,
        "kappa": _kappa(every),
        "agreement_with_first": sum(a == b for a, b in first) / len(first) if first else None,
        "kappa_with_first": _kappa(first),
        "attributed_share": sum(a + b for a, b in every) / (2 * len(every)) if every else None,
    }


def run_agreement(root: str | Path, out_root: str | Path = "experiments") -> Path:
    """Agreement in every split folder and over all of them; recorded under
    out_root/polnear_agreement/<time>/metrics.json."""
    folder = dataset_dir(root, "polnear", ["data/metadata.tsv"])
    present = [f for f in FOLDERS if (folder / "data" / f / "attributions").is_dir()]
    if not present:
        raise InputError(f"no PolNeAR split folders under {folder / 'data'}")
    settings = {"root": str(root), "unit": "sentence", "gold": "Content covers half"}
    with records.open_run(out_root, "polnear_agreement", None, settings, None) as run_dir:
        start = time.perf_counter()
        skipped = Skipped()
        by_split = {f: agreement(folder / "data" / f, skipped) for f in present}
        files = sorted((folder / "data").glob("*/*/*"))
        meta = records.run_metadata(
            0, "cpu", fingerprint(files), "polnear", time.perf_counter() - start
        )
        pooled = [by_split[f] for f in present if f != "annotator-training"]
        n = sum(s["sentence_pairs"] for s in pooled)
        overall = sum(
            s["agreement"] * s["sentence_pairs"] for s in pooled if s["agreement"] is not None
        )
        metrics = {
            "splits": by_split,
            "train_dev_test_agreement": overall / n if n else None,
            "train_dev_test_sentence_pairs": n,
            "skipped_records": skipped.items,
            "meta": meta,
        }
        records.write_json(run_dir / "metrics.json", metrics)
        records.set_status(run_dir, "complete")
    return run_dir
