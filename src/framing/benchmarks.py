"""The public-benchmark report (docs/benchmarks.md): recorded runs next to published figures.

`render(root)` reads complete runs under `root` whose names are benchmark experiments
(configs/experiment/<benchmark>_<family>.yaml), keeps for each name the configuration of its
latest run, and reports mean ± sd over that configuration's seeds. Published figures are
facts cited from each dataset's SOURCE.txt, with metric and split; nothing here is computed
from anything but run records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from framing import records
from framing.compare import config_id
from framing.config import InputError

FAMILIES = ("tfidf_logreg", "encoder_logreg", "zero_shot", "finetune")
MODES = ("rules", "learned", "combined")


@dataclass(frozen=True)
class Published:
    value: float  # percent
    system: str
    note: str = ""


@dataclass(frozen=True)
class Column:
    label: str  # column header
    path: str  # dotted path into metrics.json
    published: Published | None = None


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    command: str
    protocol: str
    columns: tuple[Column, ...]
    headline: int = 0  # index of the column the summary compares
    notes: tuple[str, ...] = ()  # budgets and caveats (static: no numbers from runs)


DETERMINISTIC = (
    "tfidf_logreg, encoder_logreg and zero_shot give the same result for every seed (the "
    "features are fixed and the logistic regression is solved exactly), hence sd 0."
)


BENCHMARKS = (
    Benchmark(
        "newsmtsc",
        "NewsMTSC: sentiment toward a marked target (negative / neutral / positive)",
        "python scripts/train.py -m 'experiment=glob(newsmtsc_*)' seed=1,2,3",
        "Train on the official train.jsonl (8,739 targets); test on the paper's rw test split "
        "(803 targets) and mt test split (1,034 targets); one example per target.",
        (
            Column(
                "rw test macro-F1",
                "test.macro_f1",
                Published(83.1, "GRU-TSC (Hamborg & Donnay 2021)", "F1m, rw test"),
            ),
            Column(
                "mt test macro-F1",
                "test_mt.macro_f1",
                Published(82.5, "GRU-TSC (Hamborg & Donnay 2021)", "F1m, mt test"),
            ),
            Column("rw test accuracy", "test.accuracy"),
            Column("rw dev macro-F1", "dev.macro_f1"),
        ),
        notes=(
            "Input: the sentence with the target mention marked `<<...>>`, paired with the "
            "mention. finetune runs a step budget of 250 steps x 16 (about half an epoch, "
            "lr 1e-4; configs/experiment/newsmtsc_finetune.yaml); GRU-TSC is a dedicated "
            "target-dependent model, fully trained.",
            "About half of the test targets come from articles that also supply training "
            "sentences (the split is by sentence; shared/datasets/README.md).",
            DETERMINISTIC,
        ),
    ),
    Benchmark(
        "gvfc",
        "GVFC: primary frame of gun-violence headlines (9 frames)",
        "python scripts/train.py -m 'experiment=glob(gvfc_*)' seed=1,2,3",
        "1,300 frame-coded headlines; seeded (13) stratified 5-fold CV with near-duplicate "
        "headlines (word TF-IDF cosine >= 0.5: 79 groups of 2 to 8 headlines, mostly one "
        "story from several outlets) kept in one fold; scores on the pooled out-of-fold "
        "predictions. Lenient: a prediction equal to the headline's secondary frame counts.",
        (
            Column(
                "accuracy",
                "test.accuracy",
                Published(
                    84.0,
                    "fine-tuned BERT (Liu et al. 2019)",
                    "accuracy as commonly quoted; not confirmed from the paper (SOURCE.txt)",
                ),
            ),
            Column("macro-F1", "test.macro_f1"),
            Column("lenient accuracy", "test.lenient_accuracy"),
            Column("lenient macro-F1", "test.lenient_macro_f1"),
            Column("fold-mean macro-F1", "test.fold_mean_macro_f1"),
        ),
        notes=(
            "finetune: 5 epochs per fold, lr 1e-4 (configs/experiment/gvfc_finetune.yaml). "
            "Liu et al. used their own split; grouping near-duplicates keeps one story from "
            "sitting on both sides of a fold, which random folds would allow.",
            DETERMINISTIC,
        ),
    ),
    Benchmark(
        "frac",
        "FrAC: generic policy frame of a sentence (10 frames)",
        "python scripts/train.py -m 'experiment=glob(frac_*)' seed=1,2,3",
        "523 gold sentences; seeded (13) stratified 5-fold CV; scores on the pooled "
        "out-of-fold predictions.",
        (
            Column(
                "macro-F1",
                "test.macro_f1",
                Published(
                    77.0,
                    "RoBERTa-large (Guida et al. 2025)",
                    "F1 on article sentences, averaging not stated; trained on ~63k silver "
                    "sentences and tested on the gold set: a different protocol",
                ),
            ),
            Column("accuracy", "test.accuracy"),
            Column("fold-mean macro-F1", "test.fold_mean_macro_f1"),
        ),
        notes=(
            "finetune: 5 epochs per fold on about 418 sentences, lr 1e-4 "
            "(configs/experiment/frac_finetune.yaml).",
            DETERMINISTIC,
        ),
    ),
)

# PolNeAR: one run holds all three modes; columns per mode.
POLNEAR_COMMAND = "python scripts/train.py -m experiment=polnear_tagger seed=1,2,3"
POLNEAR_SPANS = (
    ("source exact F1", "source_exact", Published(82.0, "Citron (BBC) on PARC 3.0")),
    ("source overlap F1", "source_overlap", Published(85.3, "Citron (BBC) on PARC 3.0")),
    ("cue exact F1", "cue_exact", Published(82.3, "Citron (BBC) on PARC 3.0")),
    ("cue overlap F1", "cue_overlap", None),
    ("content exact F1", "content_exact", None),
    ("content overlap F1", "content_overlap", None),
)
POLNEAR_SENTENCES = (
    ("attributed F1", "attributed_f1"),
    ("macro-F1", "macro_f1"),
    ("accuracy", "accuracy"),
)
CORPUS_COLUMNS = (
    ("attributed accuracy", "attributed_accuracy"),
    ("attributed macro-F1", "attributed_macro_f1"),
    ("source span overlap", "source_span_overlap"),
    ("cue overlap", "cue_overlap"),
    ("source match", "source_match"),
)


def _get(metrics: dict, path: str) -> float:
    node = metrics
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return math.nan
        node = node[part]
    return float(node) if isinstance(node, int | float) and node is not None else math.nan


def latest_runs(root: Path) -> dict[str, list[dict]]:
    """Complete runs by name; for each name only the configuration of its latest run, and of
    that configuration the latest run of each seed."""
    by_name: dict[str, list[tuple[str, str, dict]]] = {}
    for run in records.find_runs(root):
        m = records.read_json(run / "metrics.json")
        if "name" not in m or "meta" not in m:
            continue
        cfg = yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8"))
        key = f"{config_id(cfg)}:{m['meta'].get('data_fingerprint')}"
        m["_run"] = str(run)
        # run folders are named by their start time to the microsecond: they sort by time
        by_name.setdefault(m["name"], []).append((run.name, key, m))
    out = {}
    for name, runs in by_name.items():
        latest_key = max(runs, key=lambda r: r[0])[1]
        per_seed = {
            m["seed"]: m for _, k, m in sorted(runs, key=lambda r: r[0]) if k == latest_key
        }
        out[name] = list(per_seed.values())  # a re-run seed counts once (its latest run)
    return out


def _stats(values: list[float]) -> tuple[float, float]:
    s = pd.Series(values, dtype=float).dropna()
    if s.empty:
        return math.nan, math.nan
    return float(s.mean()), float(s.std(ddof=1)) if len(s) > 1 else 0.0


def _cell(mean: float, sd: float) -> str:
    return "–" if math.isnan(mean) else f"{100 * mean:.1f} ± {100 * sd:.1f}"


def _runs_note(runs: list[dict]) -> str:
    seeds = ",".join(str(m["seed"]) for m in sorted(runs, key=lambda m: m["seed"]))
    commits = sorted({(m["meta"].get("git") or {}).get("commit", "?")[:7] for m in runs})
    return f"{len(runs)} (seeds {seeds}; commit {', '.join(commits)})"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _gap(ours: float, published: Published) -> str:
    diff = 100 * ours - published.value
    word = "below" if diff < 0 else "above"
    return f"{abs(diff):.1f} points {word} {published.system}'s {published.value:.1f}"


def render(root: Path) -> tuple[str, str]:
    """(docs/benchmarks.md, the README summary table) from the runs under `root`."""
    runs = latest_runs(root)
    if not any(n.startswith((*(b.key for b in BENCHMARKS), "polnear")) for n in runs):
        raise InputError(f"no complete benchmark runs under {root}")
    doc = [
        "# Public benchmarks",
        "",
        "Generated by `python scripts/compare.py experiments/ --benchmarks docs/benchmarks.md` "
        "from the recorded runs (mean ± sd over seeds, in percent); published figures are "
        "cited from each dataset's SOURCE.txt with their metric and split (PolNeAR has none: "
        "its row quotes Citron's PARC 3.0 figures as given in issue #4). Each benchmark is "
        "one command. Datasets are read from `data_root` (default `../shared/datasets`, or "
        "`$FRAMING_DATA_ROOT`); `python scripts/download_data.py` fetches them elsewhere.",
        "",
    ]
    summary = []
    for b in BENCHMARKS:
        doc += [f"## {b.title}", "", f"`{b.command}`", "", b.protocol, ""]
        rows, best = [], None
        for fam in FAMILIES:
            group = runs.get(f"{b.key}_{fam}", [])
            if not group:
                rows.append([fam, *["not run"] * len(b.columns), "0"])
                continue
            stats = [_stats([_get(m, c.path) for m in group]) for c in b.columns]
            rows.append([fam, *[_cell(*s) for s in stats], _runs_note(group)])
            head_mean = stats[b.headline][0]
            if not math.isnan(head_mean) and (best is None or head_mean > best[1]):
                best = (fam, head_mean, stats)
        pub_row = ["published"] + [
            f"{c.published.value:.1f} ({c.published.system})" if c.published else ""
            for c in b.columns
        ]
        doc += _table(["family", *[c.label for c in b.columns], "runs"], [*rows, pub_row + [""]])
        notes = [f"- {c.label}: {c.published.note}" for c in b.columns if c.published]
        notes += [f"- {n}" for n in b.notes]
        doc += ["", *notes, ""] if notes else [""]
        if best is not None:
            fam, _, stats = best
            for k, c in enumerate(b.columns):
                if c.published is None:
                    continue
                line = f"{b.key} {c.label}: best family {fam} {_cell(*stats[k])}"
                gap = _gap(stats[k][0], c.published)
                doc.append(f"- {line}, {gap}.")
                summary.append(
                    [b.key, c.label, fam, _cell(*stats[k]), f"{c.published.value:.1f}", gap]
                )
            doc.append("")
    doc += _polnear_section(runs.get("polnear_tagger", []), summary)
    readme = _table(
        ["benchmark", "metric", "our best family", "ours", "published", "difference"], summary
    )
    return "\n".join(doc).rstrip() + "\n", "\n".join(readme) + "\n"


def _polnear_section(group: list[dict], summary: list[list[str]]) -> list[str]:
    doc = [
        "## PolNeAR: attribution spans (Source, Cue, Content)",
        "",
        f"`{POLNEAR_COMMAND}`",
        "",
        "A BIO token classifier on the default backbone, trained on PolNeAR train with a "
        "recorded step budget, the better of two dev checkpoints kept, scored on the 84 test "
        "articles (one annotator each, sentences split by `framing.polnear.sentence_spans`). "
        "Span F1: exact = same first and last word; overlap = any shared word, predicted and "
        "gold spans paired one-to-one (a maximum matching). `rules` is the pipeline's "
        "rule-based attribution (Content = the rest of an attributed sentence); `learned` is "
        "the tagger (`attribution=tagger` in the pipeline); "
        "`combined` takes the rules' spans where the rules attribute a sentence, else the "
        "tagger's (`attribution=rules_tagger`). The "
        "published span figures are Citron's (BBC R&D) on PARC 3.0, a different corpus, as "
        "quoted in issue #4 and not re-checked against the paper; PolNeAR has no published "
        "model benchmark. Units differ too: we score spans clipped to sentences (a Content "
        "span over two sentences counts twice), not whole attribution spans.",
        "",
        "Budget: 480 steps x 16 sentences (7,680 of 30,160 training sentences, about a "
        "quarter of an epoch), lr 1e-4, dev scored at steps 240 and 480 "
        "(configs/experiment/polnear_tagger.yaml); about 5 minutes per seed on 2 CPU cores. "
        "Articles with several annotators use the alphabetically first well-formed file.",
        "",
    ]
    if not group:
        return [*doc, "Not run yet.", ""]
    rows = []
    for mode in MODES:
        cells = []
        for _, key, _ in POLNEAR_SPANS:
            cells.append(
                _cell(*_stats([_get(m, f"polnear_test.{mode}.spans.{key}.f1") for m in group]))
            )
        rows.append([mode, *cells])
    pub = ["published"] + [f"{p.value:.1f} ({p.system})" if p else "" for _, _, p in POLNEAR_SPANS]
    doc += _table(["mode", *[label for label, _, _ in POLNEAR_SPANS]], [*rows, pub])
    doc += [
        "",
        f"Runs: {_runs_note(group)}.",
        "",
        "Sentence level (attributed = holds Content):",
        "",
    ]
    share = _stats([_get(m, "polnear_test.learned.sentences.attributed_share") for m in group])[0]
    always = 2 * share / (1 + share) if share == share else math.nan
    rows = []
    for mode in MODES:
        rows.append(
            [mode]
            + [
                _cell(*_stats([_get(m, f"polnear_test.{mode}.sentences.{key}") for m in group]))
                for _, key in POLNEAR_SENTENCES
            ]
        )
    rows.append(
        ["always attributed", f"{100 * always:.1f}", f"{50 * always:.1f}", f"{100 * share:.1f}"]
    )
    doc += _table(["mode", *[label for label, _ in POLNEAR_SENTENCES]], rows)
    doc += [
        "",
        "On the project corpus's 12 test articles (gold claims; `framing.evaluate` scores):",
        "",
    ]
    rows = [
        [mode]
        + [
            _cell(*_stats([_get(m, f"corpus_test.{mode}.{key}") for m in group]))
            for _, key in CORPUS_COLUMNS
        ]
        for mode in MODES
    ]
    doc += _table(["mode", *[label for label, _ in CORPUS_COLUMNS]], rows)
    doc.append("")
    for label, key, pub in POLNEAR_SPANS:
        if pub is None:
            continue
        mean, sd = _stats([_get(m, f"polnear_test.learned.spans.{key}.f1") for m in group])
        gap = _gap(mean, pub) + " (PARC 3.0)"
        summary.append(["polnear", label, "tagger", _cell(mean, sd), f"{pub.value:.1f}", gap])
    return doc
