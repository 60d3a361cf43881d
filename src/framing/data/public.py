"""Loaders for the public benchmark datasets, read in place from a data root.

NewsMTSC (sentence + marked target -> negative / neutral / positive), GVFC (headline -> primary
frame, secondary frame kept for the lenient score) and FrAC (sentence -> generic frame) become
`Examples`; PolNeAR (BRAT standoff) is read by `framing.data.polnear`. The files are never copied:
`scripts/download_data.py` fetches them for users who have no local copy.

A malformed record is skipped and reported by file and line (a warning, and in the run's
metadata via `Skipped`); a missing dataset is one InputError naming the folder and the fix.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from framing.core.errors import InputError
from framing.core.paths import project_path

log = logging.getLogger(__name__)

DEFAULT_DATA_ROOT = "../shared/datasets"
DATASETS = ("newsmtsc", "gvfc", "frac", "polnear")

# NewsMTSC polarity codes (2 / 4 / 6 in the official files).
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
# Target mention markers inserted into the sentence so a multi-target sentence says which one.
TARGET_OPEN, TARGET_CLOSE = "<<", ">>"
NEWSMTSC_FILES = {
    "train": "official/train.jsonl",
    "dev": "paper_splits/newsmtsc-rw/dev.jsonl",
    "test": "paper_splits/newsmtsc-rw/test.jsonl",
    "dev_mt": "paper_splits/newsmtsc-mt/dev.jsonl",
    "test_mt": "paper_splits/newsmtsc-mt/test.jsonl",
}
# GVFC codebook theme codes (Liu et al. 2019).
GVFC_FRAMES = {
    1: "gun_rights",
    2: "gun_control",
    3: "politics",
    4: "mental_health",
    5: "public_space_safety",
    6: "race_ethnicity",
    7: "public_opinion",
    8: "society_culture",
    9: "economic_consequences",
}
GVFC_FILE = "GVFC_extension_multimodal.csv"
# FrAC label ids are Media Frames Corpus codes, some merged (SOURCE.txt).
FRAC_FRAMES = {
    1: "economic",
    3: "morality",
    4: "fairness_equality",
    5: "legality_crime",
    6: "political_policy",
    8: "security_defense",
    9: "health_safety",
    11: "cultural_identity",
    12: "public_opinion",
    15: "other",
}
FRAC_FILE = "gold_standard_single_label_all.csv"


def default_data_root() -> str:
    """$FRAMING_DATA_ROOT, else ../shared/datasets (from the working folder or the checkout)."""
    return os.environ.get("FRAMING_DATA_ROOT") or DEFAULT_DATA_ROOT


def dataset_dir(root: str | Path, name: str, required: list[str]) -> Path:
    """The dataset's folder, checked to hold `required` files (relative paths)."""
    folder = project_path(root)
    missing = [r for r in required if not (folder / r).is_file()]
    if not folder.is_dir() or missing:
        what = f"{folder / missing[0]} is missing" if folder.is_dir() else f"{folder} is absent"
        raise InputError(
            f"dataset {name} not found: {what}; fetch it with "
            f"`python scripts/download_data.py {name} --root <data root>` and set "
            f"data_root=<data root> (or FRAMING_DATA_ROOT)"
        )
    return folder


@dataclass
class Skipped:
    """Records that could not be read: 'file:line: reason', in file order."""

    items: list[str] = field(default_factory=list)

    def add(self, path: Path, line: int, reason: str) -> None:
        msg = f"{path}:{line}: {reason}"
        log.warning("skipped %s", msg)
        self.items.append(msg)


@dataclass
class Table:
    """Examples of one dataset split as parallel lists (`framing.data.examples.Examples` adds
    nothing here but the loader-specific extras: secondary labels and groups)."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    pairs: list[str] | None = None
    alt_labels: list[str | None] | None = None  # GVFC's secondary frame
    groups: list[str] | None = None  # near-duplicate clusters kept in one fold


# ----------------------------------------------------------------------------------- NewsMTSC


def mark_target(sentence: str, start: int, end: int) -> str:
    """The sentence with its target mention between markers.

    >>> mark_target("Smith met Jones.", 10, 15)
    'Smith met <<Jones>>.'
    """
    return f"{sentence[:start]}{TARGET_OPEN}{sentence[start:end]}{TARGET_CLOSE}{sentence[end:]}"


def read_newsmtsc_file(path: Path, skipped: Skipped) -> Table:
    """One NewsMTSC JSONL file: one example per target (sentence with the target marked)."""
    out = Table([], [], [], [])
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentence = row["sentence_normalized"]
                targets = row["targets"]
                if not isinstance(sentence, str) or not isinstance(targets, list):
                    raise TypeError("sentence_normalized must be text and targets a list")
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                skipped.add(path, n, f"not a NewsMTSC record ({type(e).__name__}: {e})")
                continue
            for t in targets:
                try:
                    start, end, mention = int(t["from"]), int(t["to"]), t["mention"]
                    label = NEWSMTSC_POLARITY[float(t["polarity"])]
                    gid = t["Input.gid"]
                except (KeyError, TypeError, ValueError) as e:
                    skipped.add(path, n, f"bad target ({type(e).__name__}: {e})")
                    continue
                if not (0 <= start < end <= len(sentence)) or sentence[start:end] != mention:
                    skipped.add(path, n, f"target {mention!r} is not at [{start}:{end}]")
                    continue
                out.ids.append(gid)
                out.texts.append(mark_target(sentence, start, end))
                out.pairs.append(mention)
                out.labels.append(label)
    return out


def load_newsmtsc(root: str | Path, skipped: Skipped) -> dict[str, Table]:
    """train (official), dev/test (rw paper split), dev_mt/test_mt (mt paper split)."""
    folder = dataset_dir(root, "newsmtsc", list(NEWSMTSC_FILES.values()))
    return {k: read_newsmtsc_file(folder / rel, skipped) for k, rel in NEWSMTSC_FILES.items()}


# --------------------------------------------------------------------------------------- GVFC


def _code(value: str | None) -> int | None:
    """An integer code ("2", "2.0"); None for anything else (blank, "1.5", "inf", missing).

    >>> [_code(v) for v in ("2", "12.0", "", None, "1.5", "inf")]
    [2, 12, None, None, None, None]
    """
    try:
        f = float(value or "")
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def load_gvfc(root: str | Path, skipped: Skipped, dedup_threshold: float = 0.5) -> Table:
    """The 1,300 frame-coded headlines: primary frame, secondary frame (or None) and a group id
    per cluster of near-duplicate headlines (word TF-IDF cosine >= dedup_threshold)."""
    folder = dataset_dir(root, "gvfc", [GVFC_FILE])
    path = folder / GVFC_FILE
    out = Table([], [], [], None, [], None)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        need = {"id", "headline", "Q3 Theme1", "Q3 Theme2"}
        if not need <= set(reader.fieldnames or []):
            raise InputError(f"{path}: expected columns {sorted(need)}, found {reader.fieldnames}")
        for row in reader:
            line = reader.line_num
            primary, secondary = _code(row["Q3 Theme1"]), _code(row["Q3 Theme2"])
            if not (row["Q3 Theme2"] or "").strip():
                secondary = 99  # blank = no secondary frame
            headline = (row["headline"] or "").strip()
            if primary == 99:
                continue  # not frame-coded
            if primary not in GVFC_FRAMES:
                skipped.add(path, line, f"unknown primary frame code {row['Q3 Theme1']!r}")
                continue
            if not headline:
                skipped.add(path, line, "empty headline")
                continue
            if secondary not in GVFC_FRAMES and secondary != 99:
                skipped.add(path, line, f"unknown secondary frame code {row['Q3 Theme2']!r}")
                secondary = 99
            out.ids.append(f"gvfc:{row['id']}")
            out.texts.append(headline)
            out.labels.append(GVFC_FRAMES[primary])
            out.alt_labels.append(GVFC_FRAMES.get(secondary))
    out.groups = near_duplicate_groups(out.texts, dedup_threshold)
    return out


def near_duplicate_groups(texts: list[str], threshold: float) -> list[str]:
    """A group id per text: connected components of word TF-IDF cosine >= threshold.

    >>> near_duplicate_groups(["guns in schools", "Guns in schools!", "tax cuts"], 0.85)
    ['g0', 'g0', 'g2']
    """
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return [f"g{i}" for i in range(len(texts))]
    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    sim = (x @ x.T).tocsr()
    sim.data = (sim.data >= threshold).astype(np.int8)
    sim.eliminate_zeros()
    _, comp = connected_components(sim, directed=False)
    first: dict[int, int] = {}
    for i, c in enumerate(comp):
        first.setdefault(int(c), i)
    return [f"g{first[int(c)]}" for c in comp]


# --------------------------------------------------------------------------------------- FrAC


def load_frac(root: str | Path, skipped: Skipped) -> Table:
    """523 sentences with one generic frame each (MFC codes mapped to names)."""
    folder = dataset_dir(root, "frac", [FRAC_FILE])
    path = folder / FRAC_FILE
    out = Table([], [], [])
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if not {"sentence", "label"} <= set(reader.fieldnames or []):
            raise InputError(f"{path}: expected columns sentence,label; found {reader.fieldnames}")
        for k, row in enumerate(reader):
            code, text = _code(row["label"] or ""), (row["sentence"] or "").strip()
            if code not in FRAC_FRAMES:
                skipped.add(path, reader.line_num, f"unknown frame code {row['label']!r}")
                continue
            if not text:
                skipped.add(path, reader.line_num, "empty sentence")
                continue
            out.ids.append(f"frac:{k}")
            out.texts.append(text)
            out.labels.append(FRAC_FRAMES[code])
    return out


# ------------------------------------------------------------------------------------- folds


def assign_folds(labels: list[str], groups: list[str] | None, k: int, seed: int) -> list[int]:
    """A fold index per example: seeded, stratified by label, never splitting a group."""
    try:
        return _assign_folds(labels, groups, k, seed)
    except ValueError as e:  # e.g. fewer groups than folds
        raise InputError(f"cannot make {k} folds: {e}") from None


def _assign_folds(labels: list[str], groups: list[str] | None, k: int, seed: int) -> list[int]:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if k < 2:
        raise InputError(f"data.folds={k}; cross-validation needs at least 2 folds")
    counts = {lab: labels.count(lab) for lab in set(labels)}
    if len(labels) < k:
        raise InputError(f"{len(labels)} examples cannot be split into {k} folds")
    if min(counts.values()) < k:
        log.warning("a label has fewer examples (%d) than folds (%d)", min(counts.values()), k)
    idx = np.arange(len(labels))
    if groups is not None:
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        parts = splitter.split(idx, labels, groups)
    else:
        parts = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, labels)
    fold = [-1] * len(labels)
    for f, (_, held) in enumerate(parts):
        for i in held:
            fold[i] = f
    return fold
