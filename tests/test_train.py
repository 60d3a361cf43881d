"""run_experiment end to end: the run folder is the record; bad input leaves nothing behind."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import table_rows, write_table

from framing.core.errors import InputError
from framing.data.tasks import load_task_data
from framing.experiments.runner import run_experiment
from framing.learning.registry import load_model
from framing.learning.tfidf import TfidfLogReg
from framing.runs import records
from framing.runs.metrics import evaluate

RUN_FILES = {
    "status.json",
    "config.yaml",
    "overrides.yaml",
    "metrics.json",
    "meta.json",
    "predictions.jsonl",
    "run.log",
    "model",
}
META_KEYS = {
    "timestamp",
    "git",
    "seed",
    "device",
    "data_fingerprint",
    "schema_version",
    "wall_time_s",
    "python",
    "platform",
    "packages",
    "n_examples",
}
SPLIT_KEYS = {
    "n",
    "accuracy",
    "macro_f1",
    "macro_f1_ci95",
    "macro_f1_labels",
    "per_class",
    "confusion",
}


def read_rows(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "predictions.jsonl").read_text().splitlines()]


def run_dirs(out_root: Path) -> list[Path]:
    return sorted(p for p in out_root.glob("*/*") if p.is_dir())


# (id, overrides, task, family, labels); each is one small end-to-end run
SETUPS = [
    (
        "corpus-framing-tfidf",
        ["model=tfidf_logreg"],
        "framing",
        "tfidf_logreg",
        [
            "defensive_cooperation",
            "threat",
            "counter_hegemony",
            "western_hostility",
            "neutral_report",
        ],
    ),
    (
        "corpus-stance-finetune",
        ["task=stance", "model=finetune"],
        "stance",
        "finetune",
        ["favor", "against", "neutral"],
    ),
    (
        "corpus-source_type-zero_shot",
        ["task=source_type", "model=zero_shot"],
        "source_type",
        "zero_shot",
        ["unattributed", "named_person", "named_organization", "document", "unnamed"],
    ),
    (
        "table-framing-encoder",
        ["model=encoder_logreg", "TABLE"],
        "framing",
        "encoder_logreg",
        ["defensive_cooperation", "threat", "neutral_report"],
    ),
]


@pytest.fixture
def setup_overrides(corpus_overrides, table_overrides):
    def expand(overrides: list[str]) -> list[str]:
        out = [o for o in overrides if o != "TABLE"]
        return out + (table_overrides if "TABLE" in overrides else corpus_overrides)

    return expand


@pytest.mark.parametrize(
    "overrides,task,family,labels", [s[1:] for s in SETUPS], ids=[s[0] for s in SETUPS]
)
def test_run_folder_is_the_record(
    make_cfg, setup_overrides, out_root, caplog, overrides, task, family, labels
) -> None:
    caplog.set_level(logging.INFO)  # as scripts/train.py configures it through Hydra
    table = "TABLE" in overrides
    overrides = setup_overrides(overrides)
    cfg = make_cfg(*overrides)
    run = run_experiment(cfg, overrides=overrides)

    assert run.parent == out_root / f"{task}_{family}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-\d{6}", run.name)
    assert {p.name for p in run.iterdir()} == RUN_FILES
    assert records.read_json(run / "status.json")["status"] == "complete"
    assert yaml.safe_load((run / "config.yaml").read_text()) == asdict(cfg)
    assert yaml.safe_load((run / "overrides.yaml").read_text()) == overrides
    assert (run / "model" / "classifier.json").is_file()
    assert f"fitting {family}" in (run / "run.log").read_text()
    modes = {p.name: p.stat().st_mode & 0o777 for p in run.rglob("*") if p.is_file()}
    assert len(set(modes.values())) == 1, modes  # weights as readable as every other file

    m = records.read_json(run / "metrics.json")
    assert (m["task"], m["family"], m["labels"]) == (task, family, labels)
    if not table:  # corpus claims are also scored by who speaks
        groups = m["test"]["by_source_type"]
        assert sum(g["n"] for g in groups.values()) == m["meta"]["n_examples"]["test"]
    assert (m["name"], m["seed"], m["schema_version"]) == (cfg.name, 0, "framing-default.v1")
    assert m["model_name"] == getattr(cfg.model, "name", None)
    assert m["data"] == cfg.data.name
    for split in ("dev", "test"):
        assert SPLIT_KEYS <= set(m[split])
        assert set(m[split]["per_class"]) == set(labels)
        assert m[split]["confusion"]["labels"] == labels
        lo, hi = m[split]["macro_f1_ci95"]
        assert 0 <= lo <= m[split]["macro_f1"] <= hi <= 1
    meta = m["meta"]
    assert META_KEYS <= set(meta)
    assert meta == records.read_json(run / "meta.json")
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    assert meta["data_fingerprint"] == data.fingerprint
    assert meta["n_examples"] == {
        "train": len(data.train),
        "dev": len(data.dev),
        "test": len(data.test),
    }
    assert (meta["seed"], meta["device"], meta["schema_version"]) == (
        0,
        "cpu",
        "framing-default.v1",
    )
    assert meta["wall_time_s"] >= 0
    assert set(meta["git"]) == {"commit", "dirty"}
    assert meta["packages"]["framing"] == "0.1.0"
    assert meta["packages"]["scikit-learn"] is not None

    rows = read_rows(run)
    assert [r["split"] for r in rows] == ["dev"] * len(data.dev) + ["test"] * len(data.test)
    for split in ("dev", "test"):
        ex = data.split(split)
        part = [r for r in rows if r["split"] == split]
        assert [r["id"] for r in part] == ex.ids
        assert [r["text"] for r in part] == ex.texts
        assert [r["gold"] for r in part] == ex.labels
        if ex.pairs is not None:
            assert [r["pair"] for r in part] == ex.pairs
        for r in part:
            assert list(r["probs"]) == labels
            assert sum(r["probs"].values()) == pytest.approx(1, abs=1e-5)
            assert r["predicted"] == max(r["probs"], key=r["probs"].get)
        # the metrics are exactly those of the recorded predictions
        again = evaluate(ex.labels, [r["predicted"] for r in part], labels, cfg.bootstrap, 0)
        assert {k: v for k, v in m[split].items() if k != "by_source_type"} == again


@pytest.mark.parametrize(
    "family",
    [
        "tfidf_logreg",
        "encoder_logreg",
        "finetune",
        "zero_shot",
    ],
)
def test_reloaded_model_reproduces_predictions(make_cfg, corpus_overrides, family) -> None:
    run = run_experiment(make_cfg(f"model={family}", *corpus_overrides))
    rows = read_rows(run)
    model = load_model(run / "model")
    probs = model.predict_proba([r["text"] for r in rows])
    assert [model.labels[i] for i in probs.argmax(axis=1)] == [r["predicted"] for r in rows]
    recorded = np.array([list(r["probs"].values()) for r in rows])
    np.testing.assert_allclose(probs, recorded, atol=1e-6)


@pytest.mark.parametrize("family", ["tfidf_logreg", "encoder_logreg", "finetune"])
def test_same_config_and_seed_give_identical_results(make_cfg, corpus_overrides, family) -> None:
    cfg = make_cfg(f"model={family}", "seed=3", *corpus_overrides)
    a, b = run_experiment(cfg), run_experiment(cfg)
    assert a != b
    ma, mb = (records.read_json(r / "metrics.json") for r in (a, b))
    assert ma["dev"] == mb["dev"] and ma["test"] == mb["test"]
    assert read_rows(a) == read_rows(b)
    if family == "finetune":  # the seed reaches the model: another seed, other weights
        c = run_experiment(make_cfg(f"model={family}", "seed=4", *corpus_overrides))
        assert [r["probs"] for r in read_rows(c)] != [r["probs"] for r in read_rows(a)]


def test_runs_never_share_a_folder(make_cfg, table_overrides, out_root) -> None:
    cfg = make_cfg("model=tfidf_logreg", "save_model=false", *table_overrides)
    cfg.bootstrap = 0
    runs = [run_experiment(cfg) for _ in range(3)] + [run_experiment(cfg, job=0)]
    assert len(set(runs)) == 4
    assert runs[-1].name.endswith("_0")
    assert run_dirs(out_root) == sorted(runs)
    assert not (runs[0] / "model").exists()  # save_model=false
    assert records.read_json(runs[0] / "metrics.json")["test"]["macro_f1_ci95"] == [None, None]


def test_run_log_is_written_without_logging_configured(make_cfg, table_overrides) -> None:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # Python's default; setLevel also clears the level caches
    try:
        run = run_experiment(make_cfg("model=tfidf_logreg", *table_overrides))
    finally:
        root.setLevel(level)
    assert "fitting tfidf_logreg" in (run / "run.log").read_text()


def test_failure_during_fit_marks_the_run_failed(
    make_cfg, table_overrides, out_root, monkeypatch
) -> None:
    def explode(self, texts, labels, pairs=None):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(TfidfLogReg, "fit", explode)
    handlers = list(logging.getLogger().handlers)
    with pytest.raises(RuntimeError, match="out of memory"):
        run_experiment(make_cfg("model=tfidf_logreg", *table_overrides))
    [run] = run_dirs(out_root)
    status = records.read_json(run / "status.json")
    assert status["status"] == "failed"
    assert status["error"] == "RuntimeError: out of memory"
    assert not (run / "metrics.json").exists()
    assert not (run / "predictions.jsonl").exists()
    assert (run / "config.yaml").is_file()
    assert logging.getLogger().handlers == handlers  # the run's log handler is removed
    assert records.find_runs(out_root) == []  # a failed run is never compared


@pytest.fixture
def bad_inputs(tmp_path: Path, table, tiny_model):
    """name -> (overrides, expected InputError text); each must fail before any folder exists."""
    rows = table_rows()
    train = write_table(tmp_path / "train.csv", [r for r in rows if r["label"] != "threat"])
    test = write_table(tmp_path / "test.csv", rows[:6])
    not_a_model = tmp_path / "not_a_model"
    not_a_model.mkdir()
    missing = tmp_path / "missing.csv"
    return {
        "missing data file": (
            ["data=table", f"data.train={missing}"],
            f"data file not found: {missing}",
        ),
        "unknown test label": (
            ["data=table", f"data.train={train}", f"data.dev={train}", f"data.test={test}"],
            "test label(s) ['threat'] never occur in training data",
        ),
        "bad model path": (
            [
                "data=table",
                f"data.train={table.csv}",
                "model=encoder_logreg",
                f"model.name={not_a_model}",
            ],
            f"model.name={str(not_a_model)!r} is not a transformers model (no config.json)",
        ),
        "label set missing from the schema": (
            ["task=stance", "schema=mfc"],
            "schema mfc-generic.v1 has no label set 'stances'; it has ['frames']",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing data file",
        "unknown test label",
        "bad model path",
        "label set missing from the schema",
    ],
)
def test_bad_input_fails_before_any_run_folder(make_cfg, bad_inputs, out_root, case) -> None:
    overrides, message = bad_inputs[case]
    family = [] if any(o.startswith("model=") for o in overrides) else ["model=tfidf_logreg"]
    cfg = make_cfg(*family, *overrides)
    if case == "bad model path":
        cfg.model.name = overrides[-1].split("=", 1)[1]  # shrink() set the tiny model
    with pytest.raises(InputError) as err:
        run_experiment(cfg)
    assert str(err.value) == message
    assert not out_root.exists() or not any(out_root.iterdir())
