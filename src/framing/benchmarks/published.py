"""What the benchmark report compares against: each benchmark's command, protocol, columns and
the published figures (cited with system, metric and split; nothing here comes from a run)."""

from __future__ import annotations

from dataclasses import dataclass


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
