"""framing.data.public: NewsMTSC, GVFC and FrAC read from a data root, malformed records skipped by
file and line, seeded group-aware folds; through load_task_data, a cross-validated run and
compare. Fake datasets in the real layout (invented text); the real copies, where present, are
checked against the published counts."""

from __future__ import annotations

import csv
import doctest
import itertools
import json
import logging
import math
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import REPO, compose_train, shrink
from omegaconf import OmegaConf

from framing.core.errors import InputError
from framing.data import public
from framing.data.public import (
    Skipped,
    assign_folds,
    load_frac,
    load_gvfc,
    load_newsmtsc,
    near_duplicate_groups,
)
from framing.data.tasks import load_task_data
from framing.experiments.compare import collect, summarize, to_markdown
from framing.experiments.runner import run_experiment
from framing.runs import records
from framing.runs.config import TrainConfig

SHARED = REPO.parent / "shared" / "datasets"

# ------------------------------------------------------------------------------ NewsMTSC fake


def nm_record(gid: str, sentence: str, targets: list[tuple[str, float]]) -> dict:
    """One NewsMTSC line: each target's offsets found in the sentence, gid '<gid>_<k>'."""
    out = []
    for k, (mention, polarity) in enumerate(targets):
        start = sentence.index(mention)
        out.append(
            {
                "Input.gid": f"{gid}_{k}",
                "from": start,
                "to": start + len(mention),
                "mention": mention,
                "polarity": polarity,
            }
        )
    return {"primary_gid": gid, "sentence_normalized": sentence, "targets": out}


def jsonl(records_: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records_)


MULTI = "Mayor Elena Brook thanked Governor Tomas Reyl for the harbor budget."
bad_offsets = nm_record("t5", "Officials met Carl Dunn on Tuesday.", [("Carl Dunn", 4.0)])
bad_offsets["targets"][0].update({"from": 0, "to": 9})
half_bad = nm_record(
    "t7", "Rosa Lind and Piet Abel signed the water treaty.", [("Rosa Lind", 6.0)]
)
half_bad["targets"].append({"Input.gid": "t7_1", "from": 14, "to": 23, "mention": "Piet Abel"})
# Line numbers matter: the skipped messages name them.
NEWSMTSC_TRAIN_LINES = [
    json.dumps(nm_record("t1", MULTI, [("Elena Brook", 4.0), ("Tomas Reyl", 6.0)])),  # 1
    json.dumps(
        nm_record("t2", "Critics blamed Ivo Marsh for the rail delay.", [("Ivo Marsh", 2.0)])
    ),  # 2
    "",  # 3: blank lines are ignored
    json.dumps(
        nm_record("t4", "Judge Ana Petrov delayed the hearing.", [("Ana Petrov", 5.0)])
    ),  # 4
    json.dumps(bad_offsets),  # 5
    '{"sentence_normalized": "A broken line',  # 6
    json.dumps(half_bad),  # 7: first target kept, second has no polarity
    json.dumps({"sentence_normalized": "No targets key here."}),  # 8
]
NEWSMTSC_OTHER = {
    "dev": [
        nm_record(
            "d1",
            "Lena Ott and Nils Varga opened a clinic.",
            [("Lena Ott", 6.0), ("Nils Varga", 4.0)],
        )
    ],
    "test": [
        nm_record("s1", "Protesters jeered Minister Hana Kovac.", [("Hana Kovac", 2.0)]),
        nm_record("s2", "Coach Ben Tarr named the new squad.", [("Ben Tarr", 4.0)]),
        nm_record("s3", "Fans cheered Mira Sol after the final.", [("Mira Sol", 6.0)]),
    ],
    "dev_mt": [nm_record("m1", "Auditors faulted Olaf Grin again.", [("Olaf Grin", 2.0)])],
    "test_mt": [
        nm_record(
            "n1", "Ida Beck met Jon Hale at the summit.", [("Ida Beck", 4.0), ("Jon Hale", 4.0)]
        ),
    ],
}


def write_newsmtsc(data_root: Path) -> Path:
    folder = data_root / "newsmtsc"
    for split, rel in public.NEWSMTSC_FILES.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if split == "train":
            path.write_text("\n".join(NEWSMTSC_TRAIN_LINES) + "\n", encoding="utf-8")
        else:
            path.write_text(jsonl(NEWSMTSC_OTHER[split]), encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------- GVFC fake

CODES = {2: "gun_control", 3: "politics", 4: "mental_health", 5: "public_space_safety"}
VOCAB = {
    2: "background checks ban permit magazine limits registry waiting".split(),
    3: "senator campaign election governor vote lawmakers caucus ballot".split(),
    4: "therapy psychiatric counseling depression clinic diagnosis treatment wellbeing".split(),
}
TAILS = ["hearing", "debate", "report", "update"]
TOWNS = [a + b for a in ("Bar", "Cel", "Dor", "Fen", "Gal", "Hol", "Kin", "Lor")
         for b in ("ford", "ton", "ville", "wick", "mere", "dale")]  # fmt: skip
NEAR_DUPLICATES = [
    "Cobbton lawmakers vote on gun bill",
    "COBBTON LAWMAKERS VOTE ON GUN BILL!",
    "Breaking: Cobbton lawmakers vote on gun bill",
]
GVFC_HEADER = ["id", "article_url", "headline", "Q1 Relevant", "Q3 Theme1", "Q3 Theme2"]


def gvfc_rows() -> list[tuple[str, str, str, str]]:
    """(id, headline, theme1, theme2) in file order; the first five are the special cases."""
    rows = [
        ("1", "Uncoded headline about a parade", "99", "99"),  # line 2: not coded, dropped
        ("2", "Strange code headline", "12", "99"),  # line 3: unknown primary, skipped
        ("3", "   ", "2", "99"),  # line 4: empty headline, skipped
        ("4", "Kinford mayor, council split on caucus", "3", "42"),  # line 5: kept, alt None
        ("5", "Another uncoded one", "99", "3"),  # line 6: not coded, dropped
    ]
    n = 100
    towns = iter(TOWNS)
    for code in (2, 3, 4):
        combos = list(itertools.combinations(range(8), 2))[:12]
        for i, (a, b) in enumerate(combos):
            words = VOCAB[code]
            headline = f"{next(towns)} {words[a]} {words[b]} {TAILS[i % 4]}"
            second = {2: "3" if i % 3 == 0 else "99", 3: "99", 4: "5" if i % 4 == 0 else "99"}
            rows.append((str(n), headline, str(code), second[code]))
            n += 1
    # gun_control headlines worded as politics, politics as secondary: the lenient score's case
    for a, b in [(6, 7), (5, 7), (5, 6), (4, 7)]:
        headline = f"{next(towns)} {VOCAB[3][a]} {VOCAB[3][b]} gun {TAILS[a % 4]}"
        rows.append((str(n), headline, "2", "3"))
        n += 1
    for headline in NEAR_DUPLICATES:
        rows.append((str(n), headline, "3", "99"))
        n += 1
    return rows


def write_gvfc(data_root: Path) -> Path:
    folder = data_root / "gvfc"
    folder.mkdir(parents=True)
    with open(folder / public.GVFC_FILE, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(GVFC_HEADER)
        for rid, headline, t1, t2 in gvfc_rows():
            w.writerow([rid, f"https://example.org/{rid}", headline, "1", t1, t2])
    return folder


# ---------------------------------------------------------------------------------- FrAC fake

FRAC_SPECIAL = [
    ("Tariffs raised the price of grain for farmers.", "1"),  # line 2 -> frac:0
    ("Nobody could say which way the debate would go.", "15"),  # line 3 -> frac:1
    ("Merged code sentence.", "2"),  # line 4: unknown code
    ("", "5"),  # line 5: empty sentence
    ("Polls show most residents oppose the plan.", "12.0"),  # line 6 -> frac:4
    ("Not a code at all.", "x"),  # line 7: unknown code
]
FRAC_TOPICS = {
    "1": ["budget deficit grew", "exports fell sharply", "wages stagnated"],
    "5": ["the court overturned the law", "police arrested suspects", "judges ruled"],
    "9": ["hospitals filled up", "vaccination rates rose", "the clinic closed"],
    "12": ["voters rallied downtown", "a survey found anger", "protesters marched"],
    "15": ["the weather was mild", "a festival began", "the river flooded"],
}


def write_frac(data_root: Path) -> Path:
    folder = data_root / "frac"
    folder.mkdir(parents=True)
    with open(folder / public.FRAC_FILE, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sentence", "label"])
        w.writerows(FRAC_SPECIAL)
        for code, phrases in FRAC_TOPICS.items():
            w.writerows([(f"In the capital {p} this spring.", code) for p in phrases])
    return folder


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root holding fake newsmtsc/, gvfc/ and frac/ folders. Read-only."""
    root = tmp_path_factory.mktemp("datasets")
    write_newsmtsc(root)
    write_gvfc(root)
    write_frac(root)
    return root


@pytest.fixture(scope="module")
def gvfc(data_root: Path) -> SimpleNamespace:
    skipped = Skipped()
    table = load_gvfc(data_root / "gvfc", skipped)
    return SimpleNamespace(
        table=table, skipped=skipped, path=data_root / "gvfc" / public.GVFC_FILE
    )


def gvfc_groups(data_root: Path) -> list[str]:
    return load_gvfc(data_root / "gvfc", Skipped()).groups


def compose(*overrides: str) -> TrainConfig:
    return OmegaConf.to_object(compose_train(list(overrides)))


# ----------------------------------------------------------------------------------- NewsMTSC


def test_newsmtsc_one_example_per_target_with_the_mention_marked(data_root: Path) -> None:
    skipped = Skipped()
    tables = load_newsmtsc(data_root / "newsmtsc", skipped)
    assert list(tables) == ["train", "dev", "test", "dev_mt", "test_mt"]
    train = tables["train"]
    assert train.ids == ["t1_0", "t1_1", "t2_0", "t7_0"]
    assert train.texts[:2] == [
        "Mayor <<Elena Brook>> thanked Governor Tomas Reyl for the harbor budget.",
        "Mayor Elena Brook thanked Governor <<Tomas Reyl>> for the harbor budget.",
    ]
    assert train.texts[3] == "<<Rosa Lind>> and Piet Abel signed the water treaty."
    assert train.pairs == ["Elena Brook", "Tomas Reyl", "Ivo Marsh", "Rosa Lind"]
    assert train.labels == ["neutral", "positive", "negative", "positive"]
    assert {k: len(t.ids) for k, t in tables.items()} == {
        "train": 4,
        "dev": 2,
        "test": 3,
        "dev_mt": 1,
        "test_mt": 2,
    }
    assert tables["test"].labels == ["negative", "neutral", "positive"]
    assert tables["test_mt"].texts == [
        "<<Ida Beck>> met Jon Hale at the summit.",
        "Ida Beck met <<Jon Hale>> at the summit.",
    ]
    assert train.alt_labels is None and train.groups is None


def test_newsmtsc_malformed_records_are_skipped_by_file_and_line(data_root, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="framing.data.public")
    skipped = Skipped()
    load_newsmtsc(data_root / "newsmtsc", skipped)
    path = data_root / "newsmtsc" / "official" / "train.jsonl"
    assert len(skipped.items) == 5, skipped.items
    assert skipped.items[0] == f"{path}:4: bad target (KeyError: 5.0)"
    assert skipped.items[1] == f"{path}:5: target 'Carl Dunn' is not at [0:9]"
    assert skipped.items[2].startswith(f"{path}:6: not a NewsMTSC record (JSONDecodeError: ")
    assert skipped.items[3] == f"{path}:7: bad target (KeyError: 'polarity')"
    assert skipped.items[4] == f"{path}:8: not a NewsMTSC record (KeyError: 'targets')"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [f"skipped {m}" for m in skipped.items]


@pytest.mark.parametrize(
    "remove", ["paper_splits/newsmtsc-mt/test.jsonl", ""], ids=["file", "folder"]
)
def test_newsmtsc_missing_data_names_the_folder_and_the_fix(tmp_path, remove: str) -> None:
    folder = write_newsmtsc(tmp_path) if remove else tmp_path / "newsmtsc"
    if remove:
        (folder / remove).unlink()
    with pytest.raises(InputError) as e:
        load_newsmtsc(folder, Skipped())
    msg = str(e.value)
    assert msg.startswith(f"dataset newsmtsc not found: {folder}")
    assert (f"{folder / remove} is missing" if remove else f"{folder} is absent") in msg
    assert "scripts/download_data.py newsmtsc" in msg


# --------------------------------------------------------------------------------------- GVFC


def test_gvfc_primary_frame_secondary_kept_uncoded_dropped(gvfc: SimpleNamespace) -> None:
    t = gvfc.table
    by_id = {r[0]: r for r in gvfc_rows()}
    # ids 1 and 5 (code 99) dropped silently, 2 (unknown) and 3 (empty headline) skipped
    assert t.ids[0] == "gvfc:4" and "gvfc:1" not in t.ids and "gvfc:5" not in t.ids
    assert len(t.ids) == len(gvfc_rows()) - 4 == 44
    assert t.texts[0] == "Kinford mayor, council split on caucus"
    assert (t.labels[0], t.alt_labels[0]) == ("politics", None)  # secondary 42 is unknown
    for rid, text, label, alt in zip(t.ids, t.texts, t.labels, t.alt_labels):
        _, headline, t1, t2 = by_id[rid.removeprefix("gvfc:")]
        assert text == headline.strip()
        assert label == CODES[int(t1)]
        assert alt == (None if t2 in ("99", "42") else CODES[int(t2)])
    assert Counter(t.labels) == {"gun_control": 16, "politics": 16, "mental_health": 12}
    assert Counter(t.alt_labels) == {None: 33, "politics": 8, "public_space_safety": 3}
    assert t.pairs is None and len(t.groups) == len(t.ids)


def test_gvfc_bad_rows_are_skipped_with_their_line(gvfc: SimpleNamespace) -> None:
    assert gvfc.skipped.items == [
        f"{gvfc.path}:3: unknown primary frame code '12'",
        f"{gvfc.path}:4: empty headline",
        f"{gvfc.path}:5: unknown secondary frame code '42'",
    ]


def test_gvfc_refuses_a_file_without_the_theme_columns(tmp_path: Path) -> None:
    (tmp_path / "gvfc").mkdir()
    (tmp_path / "gvfc" / public.GVFC_FILE).write_text("id,headline,Theme\n1,A,2\n")
    with pytest.raises(InputError, match=r"expected columns \['Q3 Theme1', 'Q3 Theme2'"):
        load_gvfc(tmp_path / "gvfc", Skipped())
    with pytest.raises(InputError, match=r"gvfc not found: .*download_data\.py gvfc"):
        load_gvfc(tmp_path / "nowhere", Skipped())


def test_near_duplicate_headlines_share_a_group(gvfc: SimpleNamespace) -> None:
    t = gvfc.table
    dup = [t.groups[t.texts.index(h)] for h in NEAR_DUPLICATES]
    assert len(set(dup)) == 1
    assert dup[0] == f"g{t.texts.index(NEAR_DUPLICATES[0])}"  # named after its first member
    others = [g for g, h in zip(t.groups, t.texts) if h not in NEAR_DUPLICATES]
    assert len(set(others)) == len(others) == len(t.texts) - 3  # templated ones stay apart
    assert near_duplicate_groups(["Shots fired downtown", "shots fired DOWNTOWN!"], 0.85) == [
        "g0",
        "g0",
    ]
    assert near_duplicate_groups(["Shots fired downtown", "Budget vote delayed"], 0.85) == [
        "g0",
        "g1",
    ]
    assert near_duplicate_groups(["only one"], 0.85) == ["g0"]
    # chained: a~b and b~c put a and c together even though a and c are less alike
    chain = ["alpha beta gamma delta", "alpha beta gamma delta eps", "beta gamma delta eps"]
    assert near_duplicate_groups(chain, 0.7) == ["g0", "g0", "g0"]
    assert near_duplicate_groups(chain, 0.99) == ["g0", "g1", "g2"]


# -------------------------------------------------------------------------------------- folds


@pytest.mark.parametrize("k,seed", [(3, 13), (4, 14), (5, 13)])
def test_folds_keep_groups_whole_and_are_stratified(
    gvfc: SimpleNamespace, k: int, seed: int
) -> None:
    t = gvfc.table
    folds = assign_folds(t.labels, t.groups, k, seed=seed)
    assert len(folds) == len(t.labels) and set(folds) == set(range(k))
    by_group: dict[str, set[int]] = {}
    for g, f in zip(t.groups, folds):
        by_group.setdefault(g, set()).add(f)
    assert all(len(fs) == 1 for fs in by_group.values())
    assert len(by_group[t.groups[t.texts.index(NEAR_DUPLICATES[0])]]) == 1
    sizes = Counter(folds)
    assert max(sizes.values()) - min(sizes.values()) <= 2
    for label in set(t.labels):  # each fold holds its share of every frame, +-1
        per_fold = Counter(f for lab, f in zip(t.labels, folds) if lab == label)
        counts = [per_fold[i] for i in range(k)]
        assert max(counts) - min(counts) <= 1, (label, counts)


def test_folds_are_deterministic_per_seed(gvfc: SimpleNamespace) -> None:
    t = gvfc.table
    a = assign_folds(t.labels, t.groups, 3, seed=13)
    assert assign_folds(t.labels, t.groups, 3, seed=13) == a
    assert assign_folds(t.labels, t.groups, 3, seed=14) != a
    plain = assign_folds(t.labels, None, 4, seed=13)
    assert plain == assign_folds(t.labels, None, 4, seed=13)
    assert plain != assign_folds(t.labels, None, 4, seed=1)
    for label in set(t.labels):  # without groups: exactly stratified
        counts = Counter(f for lab, f in zip(t.labels, plain) if lab == label)
        assert max(counts.values()) - min(counts.values()) <= 1, (label, counts)


def test_folds_refuse_impossible_requests() -> None:
    with pytest.raises(InputError, match="at least 2 folds"):
        assign_folds(["a", "b", "a", "b"], None, 1, seed=0)
    with pytest.raises(InputError, match="3 examples cannot be split into 5 folds"):
        assign_folds(["a", "b", "a"], None, 5, seed=0)


# --------------------------------------------------------------------------------------- FrAC


def test_frac_codes_map_to_frames_and_bad_rows_are_skipped(data_root: Path) -> None:
    skipped = Skipped()
    t = load_frac(data_root / "frac", skipped)
    path = data_root / "frac" / public.FRAC_FILE
    assert t.ids[:3] == ["frac:0", "frac:1", "frac:4"]  # row index, skipped rows counted
    assert t.texts[:3] == [FRAC_SPECIAL[0][0], FRAC_SPECIAL[1][0], FRAC_SPECIAL[4][0]]
    assert t.labels[:3] == ["economic", "other", "public_opinion"]
    assert Counter(t.labels[3:]) == {
        "economic": 3,
        "legality_crime": 3,
        "health_safety": 3,
        "public_opinion": 3,
        "other": 3,
    }
    assert len(t.ids) == len(set(t.ids)) == 18
    assert skipped.items == [
        f"{path}:4: unknown frame code '2'",
        f"{path}:5: empty sentence",
        f"{path}:7: unknown frame code 'x'",
    ]
    assert t.pairs is None and t.alt_labels is None and t.groups is None


def test_frac_code_table_is_the_mfc_subset() -> None:
    assert public.FRAC_FRAMES[1] == "economic" and public.FRAC_FRAMES[15] == "other"
    assert 2 not in public.FRAC_FRAMES and 7 not in public.FRAC_FRAMES  # merged away
    assert len(public.FRAC_FRAMES) == 10


# ---------------------------------------------------------------------- load_task_data


def test_newsmtsc_task_data_from_the_composed_config(data_root: Path) -> None:
    cfg = compose("experiment=newsmtsc_tfidf_logreg", f"data_root={data_root}")
    assert cfg.data.root == f"{data_root}/newsmtsc"
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    assert data.eval_splits == ["dev", "test", "dev_mt", "test_mt"]
    assert list(data.extra) == ["dev_mt", "test_mt"]
    assert [len(data.split(s)) for s in ("train", *data.eval_splits)] == [4, 2, 3, 1, 2]
    assert data.labels == ["negative", "neutral", "positive"]
    assert data.train.pairs == ["Elena Brook", "Tomas Reyl", "Ivo Marsh", "Rosa Lind"]
    assert data.split("dev_mt").texts == ["Auditors faulted <<Olaf Grin>> again."]
    assert data.folds is None
    assert len(data.skipped) == 5
    assert data.skipped[0].endswith("train.jsonl:4: bad target (KeyError: 5.0)")
    with pytest.raises(InputError, match="NewsMTSC has a published split"):
        cfg = compose("experiment=newsmtsc_tfidf_logreg", f"data_root={data_root}", "data.folds=3")
        load_task_data(cfg.data, cfg.task, cfg.schema)


def test_gvfc_task_data_needs_folds(data_root: Path) -> None:
    base = ("experiment=gvfc_tfidf_logreg", f"data_root={data_root}")
    cfg = compose(*base, "data.folds=0")
    with pytest.raises(InputError, match=r"gvfc has no published split: set data.folds=5"):
        load_task_data(cfg.data, cfg.task, cfg.schema)
    cfg = compose(*base)
    assert cfg.data.folds == 5 and cfg.data.root == f"{data_root}/gvfc"
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    assert len(data.train) == 44 and len(data.dev) == len(data.test) == 0
    assert data.labels == ["gun_control", "politics", "mental_health"]  # schema order
    assert data.folds == assign_folds(data.train.labels, gvfc_groups(data_root), 5, 13)
    assert data.train.alt_labels[0] is None and "politics" in data.train.alt_labels
    assert data.eval_splits == ["dev", "test"] and len(data.skipped) == 3


def test_frac_task_data_labels(data_root: Path) -> None:
    cfg = compose("experiment=frac_tfidf_logreg", f"data_root={data_root}", "data.folds=3")
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    assert data.labels == [
        "economic",
        "legality_crime",
        "health_safety",
        "public_opinion",
        "other",
    ]
    assert len(data.train) == 18 and len(data.folds) == 18 and set(data.folds) == {0, 1, 2}
    assert data.train.labels[:3] == ["economic", "other", "public_opinion"]
    assert [s.rsplit(":", 2)[1] for s in data.skipped] == ["4", "5", "7"]


def test_a_missing_dataset_through_the_config_names_the_fix(tmp_path: Path) -> None:
    cfg = compose("experiment=frac_tfidf_logreg", f"data_root={tmp_path}")
    with pytest.raises(InputError) as e:
        load_task_data(cfg.data, cfg.task, cfg.schema)
    assert f"dataset frac not found: {tmp_path / 'frac'} is absent" in str(e.value)
    assert "python scripts/download_data.py frac --root <data root>" in str(e.value)


def test_data_root_defaults_to_the_environment_then_shared(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FRAMING_DATA_ROOT", str(tmp_path))
    assert public.default_data_root() == str(tmp_path)
    assert compose("experiment=gvfc_tfidf_logreg").data.root == f"{tmp_path}/gvfc"
    monkeypatch.delenv("FRAMING_DATA_ROOT")
    assert public.default_data_root() == "../shared/datasets"
    assert compose("experiment=gvfc_tfidf_logreg").data.root == "../shared/datasets/gvfc"


# ------------------------------------------------------------------ a cross-validated run


def test_gvfc_cross_validated_run_and_compare(data_root: Path, tmp_path: Path) -> None:
    out_root = tmp_path / "experiments"
    overrides = ["experiment=gvfc_tfidf_logreg", f"data_root={data_root}", "data.folds=3"]
    cfg = OmegaConf.to_object(shrink(compose_train(overrides), "", out_root))
    run = run_experiment(cfg, overrides=overrides)
    assert run.parent == out_root / "gvfc_tfidf_logreg"

    m = records.read_json(run / "metrics.json")
    assert m["evals"] == ["test"] and "dev" not in m
    test = m["test"]
    assert test["n"] == 44
    assert [f["fold"] for f in test["folds"]] == [0, 1, 2]
    assert sum(f["n"] for f in test["folds"]) == 44
    assert test["fold_mean_macro_f1"] == pytest.approx(
        sum(f["macro_f1"] for f in test["folds"]) / 3
    )
    assert test["lenient_accuracy"] >= test["accuracy"]
    assert test["lenient_macro_f1"] >= test["macro_f1"]
    meta = m["meta"]
    assert meta["cv"] == {"folds": 3, "split_seed": 13}
    assert [s.rsplit(":", 2)[1] for s in meta["skipped_records"]] == ["3", "4", "5"]

    rows = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    table = load_gvfc(data_root / "gvfc", Skipped())
    assert sorted(r["id"] for r in rows) == sorted(table.ids)  # every example exactly once
    assert all(r["split"] == "test" for r in rows)
    folds = assign_folds(table.labels, table.groups, 3, 13)
    fold_of = dict(zip(table.ids, folds))
    assert [r["fold"] for r in rows] == [fold_of[r["id"]] for r in rows]
    alt = dict(zip(table.ids, table.alt_labels))
    strict = sum(r["predicted"] == r["gold"] for r in rows) / len(rows)
    lenient = sum(r["predicted"] in (r["gold"], alt[r["id"]]) for r in rows) / len(rows)
    assert test["accuracy"] == pytest.approx(strict)
    assert test["lenient_accuracy"] == pytest.approx(lenient)
    assert lenient > strict  # the politics-worded gun_control headlines

    df = collect(out_root)
    assert len(df) == 1
    row = df.iloc[0]
    assert math.isnan(row["dev_macro_f1"]) and math.isnan(row["dev_accuracy"])
    assert row["test_macro_f1"] == pytest.approx(test["macro_f1"])
    assert row["test_lenient_accuracy"] == pytest.approx(test["lenient_accuracy"])
    summary = summarize(df)
    assert summary.loc[0, "test_lenient_macro_f1_mean"] == pytest.approx(test["lenient_macro_f1"])
    lines = to_markdown(summary).splitlines()
    assert len(lines) == 3
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    assert cells[:2] == ["framing", "tfidf_logreg"] and cells[3] == "gvfc"
    assert cells[6] == "–"
    assert cells[7] == f"{100 * test['macro_f1']:.1f} (n=1)"


# ------------------------------------------------------------------------ malformed rows


@pytest.mark.parametrize(
    "dataset,content",
    [
        ("gvfc", "id,headline,Q3 Theme1,Q3 Theme2\n1,Guns on campus,2,99\n2,Short row\n"),
        ("gvfc", "id,headline,Q3 Theme1,Q3 Theme2\n1,Guns on campus,2,99\n2,Odd code,inf,99\n"),
        ("newsmtsc", '{"sentence_normalized": "A b.", "targets": 5}\n'),
    ],
    ids=["gvfc-short-row", "gvfc-inf-code", "newsmtsc-targets-not-a-list"],
)
def test_malformed_rows_are_skipped_not_fatal(tmp_path: Path, dataset: str, content: str) -> None:
    skipped = Skipped()
    if dataset == "gvfc":
        path = tmp_path / public.GVFC_FILE
        path.write_text(content, encoding="utf-8")
        assert load_gvfc(tmp_path, skipped).ids == ["gvfc:1"]
        assert [s.split(": ")[0] for s in skipped.items] == [f"{path}:3"]
    else:
        path = tmp_path / "train.jsonl"
        path.write_text(content, encoding="utf-8")
        assert public.read_newsmtsc_file(path, skipped).ids == []
        assert [s.split(": ")[0] for s in skipped.items] == [f"{path}:1"]


# ------------------------------------------------------------------------------- real data

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not on this machine")


@needs_shared
def test_real_datasets_match_the_published_counts() -> None:
    skipped = Skipped()
    news = load_newsmtsc(SHARED / "newsmtsc", skipped)
    assert len(news["train"].ids) == 8739
    assert len(news["test"].ids) == 803
    assert len(news["test_mt"].ids) == 1034
    for t in news.values():  # the mention sits right after the one opening marker
        for text, mention in zip(t.texts, t.pairs):
            start = text.index("<<") + 2
            assert text.count("<<") == 1 and text[start:].startswith(f"{mention}>>")
    gv = load_gvfc(SHARED / "gvfc", skipped)
    assert len(gv.ids) == len(set(gv.ids)) == 1300
    assert sum(a is not None for a in gv.alt_labels) == 319
    assert set(gv.labels) == set(public.GVFC_FRAMES.values())
    frac = load_frac(SHARED / "frac", skipped)
    assert len(frac.ids) == 523
    assert set(frac.labels) == set(public.FRAC_FRAMES.values())
    assert skipped.items == []


@needs_shared
def test_real_data_is_found_from_the_default_root(monkeypatch) -> None:
    monkeypatch.delenv("FRAMING_DATA_ROOT", raising=False)
    cfg = compose("experiment=newsmtsc_tfidf_logreg")
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    assert [len(data.split(s)) for s in ("train", "test", "test_mt")] == [8739, 803, 1034]
    assert data.skipped == []


@pytest.mark.parametrize(
    "module",
    [
        "data.public",
        "data.polnear",
        "learning.tagger",
        "benchmarks.spans",
        "benchmarks.span_scores",
    ],
)
def test_doctests(module: str) -> None:
    import importlib

    result = doctest.testmod(importlib.import_module(f"framing.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_benchmark_report_from_recorded_runs(data_root: Path, tmp_path: Path) -> None:
    """compare.py --benchmarks: mean ± sd over the seeds of the latest configuration, the
    published figure beside it, families without runs marked, and the gap stated."""
    from framing.benchmarks.report import render

    out_root = tmp_path / "experiments"
    accs = []
    for seed in (1, 2):
        overrides = [
            "experiment=gvfc_tfidf_logreg",
            f"data_root={data_root}",
            "data.folds=3",
            f"seed={seed}",
            f"model.C={1 + seed}",  # a seed-dependent score, so the sd is not trivially 0
        ]
        cfg = OmegaConf.to_object(shrink(compose_train(overrides), "", out_root))
        run = run_experiment(cfg, overrides=overrides)
        accs.append(records.read_json(run / "metrics.json")["test"]["accuracy"])
    # the two runs differ in config (model.C), so only the latest configuration is reported
    doc, table = render(out_root)
    gvfc = doc[doc.index("## GVFC") : doc.index("## FrAC")]
    row = next(line for line in gvfc.splitlines() if line.startswith("| tfidf_logreg"))
    assert row.split("|")[2].strip() == f"{100 * accs[1]:.1f} ± 0.0"
    assert "1 (seeds 2;" in row
    assert "| encoder_logreg | not run" in gvfc
    assert "84.0 (fine-tuned BERT (Liu et al. 2019))" in gvfc
    gap = 84.0 - 100 * accs[1]
    assert f"{abs(gap):.1f} points {'below' if gap > 0 else 'above'}" in table
    assert "## NewsMTSC" in doc and "not run" in doc[doc.index("## NewsMTSC") :]

    # another seed of the latest configuration: both are aggregated (mean ± sd)
    overrides = [
        "experiment=gvfc_tfidf_logreg",
        f"data_root={data_root}",
        "data.folds=3",
        "seed=7",
        "model.C=3",
    ]
    cfg = OmegaConf.to_object(shrink(compose_train(overrides), "", out_root))
    run = run_experiment(cfg, overrides=overrides)
    accs.append(records.read_json(run / "metrics.json")["test"]["accuracy"])
    doc, _ = render(out_root)
    gvfc = doc[doc.index("## GVFC") : doc.index("## FrAC")]
    row = next(line for line in gvfc.splitlines() if line.startswith("| tfidf_logreg"))
    mean, sd = np.mean(accs[1:]), np.std(accs[1:], ddof=1)
    assert row.split("|")[2].strip() == f"{100 * mean:.1f} ± {100 * sd:.1f}"
    assert "2 (seeds 2,7;" in row

    run_experiment(cfg, overrides=overrides)  # seed 7 again: only its latest run counts
    doc, _ = render(out_root)
    gvfc = doc[doc.index("## GVFC") : doc.index("## FrAC")]
    assert "2 (seeds 2,7;" in next(x for x in gvfc.splitlines() if x.startswith("| tfidf"))


def test_benchmark_report_without_runs_is_an_input_error(tmp_path: Path) -> None:
    from framing.benchmarks.report import render

    with pytest.raises(InputError, match="no complete benchmark runs"):
        render(tmp_path)


@pytest.mark.parametrize(
    "overrides,message",
    [
        (["model=tagger"], "model=tagger labels spans: use task=attribution_spans"),
        (["data=polnear"], "data=polnear holds spans: use experiment=polnear_tagger"),
        (["experiment=frac_tfidf_logreg", "data.folds=100"], "cannot make 100 folds"),
    ],
)
def test_mismatched_benchmark_settings_are_one_error(
    data_root: Path, tmp_path: Path, overrides: list[str], message: str
) -> None:
    out_root = tmp_path / "experiments"
    cfg = compose_train([*overrides, f"data_root={data_root}"])
    cfg = OmegaConf.to_object(shrink(cfg, "", out_root))
    with pytest.raises(InputError, match=message):
        run_experiment(cfg)
    assert not out_root.exists()  # nothing half-written
