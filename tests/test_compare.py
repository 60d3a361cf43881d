"""framing.experiments.compare on real run folders: grouping, mean and sd over seeds, tables,
plot, pairs."""

from __future__ import annotations

import statistics
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import TABLE_LABELS, compose_train, shrink, table_rows, write_table
from omegaconf import OmegaConf

from framing.core.errors import InputError
from framing.experiments.compare import (
    GROUP_KEYS,
    collect,
    filter_runs,
    paired_test,
    plot,
    summarize,
    to_markdown,
)
from framing.experiments.runner import run_experiment
from framing.runs import records
from framing.runs.metrics import macro_f1
from framing.runs.records import config_id

MFC_LABELS = ["economic", "morality", "political"]


def noisy_rows(labels=TABLE_LABELS) -> list[dict]:
    """100 rows whose every 4th label is wrong, so scores are neither 0 nor 1."""
    rows = table_rows(n_docs=20)
    for i, r in enumerate(rows):
        k = TABLE_LABELS.index(r["label"])
        r["label"] = labels[(k + 1) % 3] if i % 4 == 0 else labels[k]
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, tiny_corpus: Path) -> SimpleNamespace:
    """Runs under one root: 2 TF-IDF configs (C) x 2 seeds on a table, plus one run that differs
    in task (attribution on the corpus) and one that differs in schema (MFC frames)."""
    root = tmp_path_factory.mktemp("compare")
    table = write_table(root / "data" / "noisy.csv", noisy_rows())
    mfc = write_table(root / "data" / "mfc.csv", noisy_rows(MFC_LABELS))
    out = root / "experiments"

    def run(*overrides: str) -> Path:
        cfg = shrink(compose_train(["model=tfidf_logreg", *overrides]), "", out)
        return run_experiment(OmegaConf.to_object(cfg), overrides=list(overrides))

    on_table = ["data=table", f"data.train={table}"]
    grid = {
        (c, seed): run(*on_table, f"model.C={c}", f"seed={seed}")
        for c in (10.0, 0.05)
        for seed in (1, 2)
    }
    other_task = run("task=attribution", f"data.root={tiny_corpus}")
    other_schema = run("data=table", f"data.train={mfc}", "schema=mfc")
    return SimpleNamespace(root=out, grid=grid, other_task=other_task, other_schema=other_schema)


def metrics(run: Path) -> dict:
    return records.read_json(run / "metrics.json")


def test_collect_reads_every_complete_run(runs) -> None:
    df = collect(runs.root)
    assert len(df) == 6
    assert sorted(df["run"]) == sorted(
        map(str, [*runs.grid.values(), runs.other_task, runs.other_schema])
    )
    row = df.set_index("run").loc[str(runs.grid[(10.0, 1)])]
    m = metrics(runs.grid[(10.0, 1)])
    assert (row["task"], row["family"], row["data"], row["schema"], row["seed"]) == (
        "framing",
        "tfidf_logreg",
        "table",
        "framing-default.v1",
        1,
    )
    assert row["test_macro_f1"] == m["test"]["macro_f1"]
    assert row["dev_accuracy"] == m["dev"]["accuracy"]
    assert [row["test_ci_lo"], row["test_ci_hi"]] == m["test"]["macro_f1_ci95"]
    assert row["data_fingerprint"] == m["meta"]["data_fingerprint"]


def test_config_id_ignores_seed_and_output_only(runs) -> None:
    df = collect(runs.root).set_index("run")
    ids = {key: df.loc[str(run), "config_id"] for key, run in runs.grid.items()}
    assert ids[(10.0, 1)] == ids[(10.0, 2)]
    assert ids[(0.05, 1)] == ids[(0.05, 2)]
    assert ids[(10.0, 1)] != ids[(0.05, 1)]
    base = {"seed": 1, "out_root": "a", "name": "x", "save_model": True, "model": {"C": 1}}
    assert config_id(base) == config_id(
        {**base, "seed": 2, "out_root": "b", "name": "y", "save_model": False}
    )
    assert config_id(base) != config_id({**base, "model": {"C": 2}})


def test_config_id_ignores_where_the_model_class_lives() -> None:
    model = {"family": "tfidf_logreg", "C": 1}
    old = {"task": {"name": "framing"}, "model": {**model, "_target_": "framing.models.X"}}
    new = {"task": {"name": "framing"}, "model": {**model, "_target_": "framing.learning.X"}}
    assert config_id(old) == config_id(new)
    assert config_id(old) != config_id({**old, "model": {**old["model"], "C": 2}})


def test_config_id_ignores_checkpointing_and_later_keys_at_their_old_behaviour() -> None:
    tagger = {"family": "tagger", "max_steps": 480}
    before = {"task": {"name": "attribution_spans"}, "model": tagger}
    after = {
        "task": {"name": "attribution_spans"},
        "resume": None,
        "model": {**tagger, "checkpoint_steps": 100, "lora_rank": 0, "lora_alpha": 32.0},
    }
    assert config_id(before) == config_id(after)
    assert config_id(before) == config_id(
        {**after, "model": {**after["model"], "checkpoint_steps": 5}}
    )
    assert config_id(before) != config_id({**after, "model": {**after["model"], "lora_rank": 16}})


def test_config_id_ignores_the_real_data_keys_of_a_config_without_real_articles() -> None:
    data = {"name": "corpus", "kind": "corpus", "root": "data/corpus"}
    before = {"task": {"name": "framing"}, "data": data}
    unused = {
        "real": None,
        "real_root": "x/ukraine_news_bias",
        "real_train": False,
        "real_copies": 1,
    }
    after = {"task": {"name": "framing"}, "data": {**data, **unused}}
    assert config_id(before) == config_id(after)
    real = {**after, "data": {**after["data"], "real": "data/ukraine"}}
    assert config_id(real) != config_id(after)
    assert config_id(real) != config_id({**real, "data": {**real["data"], "real_copies": 3}})


def test_summarize_groups_configs_and_aggregates_seeds(runs) -> None:
    df = filter_runs(collect(runs.root), task="framing", schema="framing-default.v1")
    summary = summarize(df)
    assert len(summary) == 2
    assert list(summary["runs"]) == [2, 2]
    assert list(summary["seeds"]) == ["1,2", "1,2"]
    config_of = df.set_index("run")["config_id"]
    by_config = summary.set_index("config_id")
    for c in (10.0, 0.05):
        group = [metrics(runs.grid[(c, seed)]) for seed in (1, 2)]
        row = by_config.loc[config_of[str(runs.grid[(c, 1)])]]
        assert row["name"] == "framing_tfidf_logreg"
        for split, key in (("dev", "macro_f1"), ("test", "macro_f1"), ("test", "accuracy")):
            values = [m[split][key] for m in group]
            assert row[f"{split}_{key}_mean"] == pytest.approx(statistics.mean(values))
            assert row[f"{split}_{key}_sd"] == pytest.approx(statistics.stdev(values), abs=1e-12)
        assert row["test_ci_lo"] == pytest.approx(
            statistics.mean(m["test"]["macro_f1_ci95"][0] for m in group)
        )
        assert row["test_ci_hi"] == pytest.approx(
            statistics.mean(m["test"]["macro_f1_ci95"][1] for m in group)
        )
    # TF-IDF + lbfgs does not depend on the seed: both seeds of a config score the same
    assert list(summary["test_macro_f1_sd"]) == [0.0, 0.0]
    assert 0 < summary["test_macro_f1_mean"].min() < 1


def test_summarize_mean_and_sample_sd_on_known_values() -> None:
    df = pd.DataFrame(
        [
            dict(
                run=f"r{i}",
                name="n",
                task="framing",
                family="tfidf_logreg",
                model_name="",
                data="table",
                data_fingerprint="fp",
                schema="v1",
                config_id=cid,
                seed=seed,
                dev_macro_f1=dev,
                test_macro_f1=test,
                test_accuracy=acc,
                test_ci_lo=lo,
                test_ci_hi=hi,
                dev_accuracy=acc,
                dev_ci_lo=lo,
                dev_ci_hi=hi,
            )
            for i, (cid, seed, dev, test, acc, lo, hi) in enumerate(
                [
                    ("A", 3, 0.5, 0.6, 0.7, 0.4, 0.8),
                    ("A", 1, 0.7, 0.8, 0.9, 0.6, 1.0),
                    ("A", 2, 0.6, 0.7, 0.8, 0.5, 0.9),
                    ("B", 1, 0.2, 0.3, 0.4, 0.1, 0.5),
                ]
            )
        ]
    )
    summary = summarize(df)
    assert list(summary.columns[: len(GROUP_KEYS)]) == GROUP_KEYS
    s = summary.set_index("config_id")
    assert s.loc["A", "runs"] == 3 and s.loc["A", "seeds"] == "1,2,3"
    assert s.loc["A", "test_macro_f1_mean"] == pytest.approx(0.7)
    assert s.loc["A", "test_macro_f1_sd"] == pytest.approx(0.1)  # sample sd (n - 1)
    assert s.loc["A", "dev_macro_f1_sd"] == pytest.approx(0.1)
    assert s.loc["A", "test_ci_lo"] == pytest.approx(0.5)
    assert s.loc["B", "runs"] == 1 and s.loc["B", "test_macro_f1_sd"] == 0.0  # one run: sd 0


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({}, 6),
        ({"task": "framing"}, 5),
        ({"task": "attribution"}, 1),
        ({"task": "stance"}, 0),
        ({"data": "table"}, 5),
        ({"data": "corpus"}, 1),
        ({"schema": "mfc-generic.v1"}, 1),
        ({"schema": "framing-default.v1"}, 5),
        ({"task": "framing", "data": "table", "schema": "framing-default.v1"}, 4),
    ],
)
def test_filter_runs(runs, filters: dict, expected: int) -> None:
    df = filter_runs(collect(runs.root), **filters)
    assert len(df) == expected
    for col, value in filters.items():
        assert set(df[col]) <= {value}


def test_summarize_refuses_nothing(runs, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="^no complete runs to compare$"):
        summarize(filter_runs(collect(runs.root), task="stance"))
    with pytest.raises(InputError, match="^no complete runs to compare$"):
        summarize(collect(tmp_path))


def test_failed_runs_are_left_out(runs, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(runs.root, root)
    failed = root / runs.grid[(10.0, 1)].relative_to(runs.root)
    records.set_status(failed, "failed", error="RuntimeError: x")
    assert str(failed) not in set(collect(root)["run"])
    assert len(collect(root)) == 5


def test_to_markdown_has_a_row_per_config(runs) -> None:
    summary = summarize(collect(runs.root))
    table = to_markdown(summary)
    lines = table.splitlines()
    assert lines[0] == (
        "| task | family | config | data | schema | runs | dev macro-F1 | "
        "test macro-F1 | test accuracy | test macro-F1 95% CI (mean) |"
    )
    assert lines[1] == "|" + "---|" * 10
    assert len(lines) == 2 + len(summary) == 2 + 4
    for r in summary.itertuples():
        row = next(line for line in lines if f"| {r.config_id} |" in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[:6] == [r.task, r.family, r.config_id, r.data, r.schema, str(r.runs)]
        assert cells[7] == f"{100 * r.test_macro_f1_mean:.1f} ± {100 * r.test_macro_f1_sd:.1f}"
        assert cells[9] == f"[{100 * r.test_ci_lo:.1f}, {100 * r.test_ci_hi:.1f}]"


def test_plot_writes_a_png(runs, tmp_path: Path) -> None:
    plot(summarize(collect(runs.root)), tmp_path / "compare.png")
    data = (tmp_path / "compare.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000


def test_paired_test_same_config_different_seed(runs) -> None:
    r = paired_test(runs.grid[(10.0, 1)], runs.grid[(10.0, 2)], n_boot=300)
    assert r["delta_macro_f1"] == 0.0 and r["p_value"] == 1.0
    assert r["run_a"] == str(runs.grid[(10.0, 1)]) and r["n"] == 15


def test_paired_test_two_configs(runs) -> None:
    a, b = runs.grid[(10.0, 1)], runs.grid[(0.05, 1)]
    r = paired_test(a, b, n_boot=300, seed=0)
    gold = [row["gold"] for row in records.read_predictions(a)]
    pa = [row["predicted"] for row in records.read_predictions(a)]
    pb = [row["predicted"] for row in records.read_predictions(b)]
    labels = metrics(a)["labels"]
    assert r["delta_macro_f1"] == pytest.approx(
        macro_f1(gold, pa, labels) - macro_f1(gold, pb, labels)
    )
    assert r["delta_macro_f1"] == pytest.approx(
        metrics(a)["test"]["macro_f1"] - metrics(b)["test"]["macro_f1"]
    )
    assert 0 <= r["p_value"] <= 1
    assert paired_test(a, b, n_boot=300, seed=0) == r


def test_paired_test_refuses_different_test_sets(runs) -> None:
    a, b = runs.grid[(10.0, 1)], runs.other_task
    with pytest.raises(InputError) as err:
        paired_test(a, b)
    assert str(err.value) == f"{a} and {b} were not scored on the same test examples"
