"""framing.runs.records: atomic JSON, fresh run folders, status, metadata, prediction rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from framing.runs import records
from framing.runs.metrics import evaluate


def test_write_json_round_trip_leaves_no_temporary(tmp_path: Path) -> None:
    obj = {"text": "“Zhang said” — naïve", "n": 3, "ci": [0.5, None], "nested": {"a": [1, 2]}}
    records.write_json(tmp_path / "x.json", obj)
    assert records.read_json(tmp_path / "x.json") == obj
    assert "“Zhang said”" in (tmp_path / "x.json").read_text(encoding="utf-8")  # not escaped
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_metrics_json_round_trip(tmp_path: Path) -> None:
    metrics = evaluate(["a", "b", "b"], ["a", "b", "a"], ["a", "b", "c"], n_boot=50, seed=1)
    records.write_json(tmp_path / "metrics.json", metrics)
    assert records.read_json(tmp_path / "metrics.json") == metrics


def test_new_run_dir_is_always_fresh(tmp_path: Path) -> None:
    runs = [records.new_run_dir(tmp_path, "exp") for _ in range(25)]
    assert len(set(runs)) == 25
    assert all(r.parent == tmp_path / "exp" and r.is_dir() and not any(r.iterdir()) for r in runs)
    for r in runs:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-\d{6}", r.name)
    job = records.new_run_dir(tmp_path, "exp", job=7)
    assert job.name.endswith("_7") and job not in runs


def test_set_status(tmp_path: Path) -> None:
    records.set_status(tmp_path, "failed", error="ValueError: x")
    status = records.read_json(tmp_path / records.STATUS_FILE)
    assert status["status"] == "failed" and status["error"] == "ValueError: x"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", status["time"])


def test_prediction_rows() -> None:
    probs = np.array([[0.1, 0.7, 0.2], [0.123456789, 0.0, 0.876543211]])
    rows = records.prediction_rows(
        "dev", ["d:1", "d:2"], ["t1", "t2"], ["p1", "p2"], ["b", "a"], probs, ["a", "b", "c"]
    )
    assert rows == [
        {
            "split": "dev",
            "id": "d:1",
            "text": "t1",
            "pair": "p1",
            "gold": "b",
            "predicted": "b",
            "probs": {"a": 0.1, "b": 0.7, "c": 0.2},
        },
        {
            "split": "dev",
            "id": "d:2",
            "text": "t2",
            "pair": "p2",
            "gold": "a",
            "predicted": "c",
            "probs": {"a": 0.123457, "b": 0.0, "c": 0.876543},
        },
    ]
    no_pairs = records.prediction_rows(
        "test", ["x"], ["t"], None, ["a"], probs[:1], ["a", "b", "c"]
    )
    assert "pair" not in no_pairs[0]


def test_predictions_file_round_trip(tmp_path: Path) -> None:
    probs = np.eye(3)
    rows = records.prediction_rows(
        "dev", ["1"], ["x"], None, ["a"], probs[:1], list("abc")
    ) + records.prediction_rows(
        "test", ["2", "3"], ["y", "z"], None, ["b", "c"], probs[1:], list("abc")
    )
    records.write_predictions(tmp_path / "predictions.jsonl", rows)
    assert records.read_predictions(tmp_path) == rows[1:]
    assert records.read_predictions(tmp_path, "dev") == rows[:1]
    lines = (tmp_path / "predictions.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert not list(tmp_path.glob("*.tmp"))


def test_find_runs_returns_complete_runs_only(tmp_path: Path) -> None:
    status = {}
    for name in ("a", "b", "c", "d"):
        run = records.new_run_dir(tmp_path, name)
        status[name] = run
    records.set_status(status["a"], "complete")
    records.set_status(status["b"], "failed", error="boom")
    records.set_status(status["c"], "running")
    records.set_status(status["d"], "complete")
    (tmp_path / "not_a_run").mkdir()
    assert records.find_runs(tmp_path) == [status["a"], status["d"]]
    assert records.find_runs(tmp_path / "not_a_run") == []


def test_git_state_in_and_outside_a_checkout(tmp_path: Path) -> None:
    assert records.git_state(tmp_path) == {"commit": None, "dirty": None}
    state = records.git_state(REPO)
    assert re.fullmatch(r"[0-9a-f]{40}", state["commit"])
    assert isinstance(state["dirty"], bool)


def test_package_versions() -> None:
    versions = records.package_versions()
    assert list(versions) == list(records.PACKAGES)
    assert versions["framing"] == "0.1.0"
    for name in ("torch", "transformers", "scikit-learn", "hydra-core", "numpy"):
        assert re.match(r"\d+\.\d+", versions[name]), name


def test_run_metadata() -> None:
    meta = records.run_metadata(
        seed=4,
        device="cpu",
        data_fingerprint="abc",
        schema_version="framing-default.v1",
        wall_time_s=1.23456,
    )
    assert (meta["seed"], meta["device"], meta["data_fingerprint"]) == (4, "cpu", "abc")
    assert meta["schema_version"] == "framing-default.v1"
    assert meta["wall_time_s"] == 1.23
    assert set(meta) == {
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
    }
    json.dumps(meta)  # everything in it is JSON


@pytest.mark.parametrize("bad", ["missing", "empty"])
def test_read_predictions_of_a_run_without_them(tmp_path: Path, bad: str) -> None:
    if bad == "empty":
        (tmp_path / "predictions.jsonl").write_text("")
        assert records.read_predictions(tmp_path) == []
    else:
        with pytest.raises(FileNotFoundError):
            records.read_predictions(tmp_path)


def interrupted_run(tmp_path: Path, status: dict) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text(
        "seed: 1\nresume: null\nmodel:\n  family: tagger\n  checkpoint_steps: 100\n",
        encoding="utf-8",
    )
    records.write_json(run / records.STATUS_FILE, status)
    return run


def test_resumable_accepts_the_same_config_but_resume_and_checkpoint_steps(tmp_path) -> None:
    run = interrupted_run(tmp_path, {"status": "failed"})
    config = {"seed": 1, "resume": str(run), "model": {"family": "tagger", "checkpoint_steps": 7}}
    assert records.resumable(run, config) == run
    with pytest.raises(records.InputError) as err:
        records.resumable(run, {**config, "seed": 2})
    assert "another config (seed: 1 -> 2)" in str(err.value)


@pytest.mark.parametrize(
    "status, needle",
    [
        ({"status": "complete"}, "that run is complete; there is nothing to resume"),
        ({"status": "running", "pid": 1}, "process 1 is still running it"),
    ],
)
def test_resumable_refuses_complete_and_live_runs(tmp_path, status, needle) -> None:
    run = interrupted_run(tmp_path, status)
    with pytest.raises(records.InputError, match=needle):
        records.resumable(run, {"seed": 1})


def test_resumable_unreadable_records_are_one_line(tmp_path: Path) -> None:
    run = interrupted_run(tmp_path, {"status": "failed"})
    (run / records.STATUS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(records.InputError, match="its record is unreadable"):
        records.resumable(run, {"seed": 1})
    (run / records.STATUS_FILE).write_text('["failed"]', encoding="utf-8")
    with pytest.raises(records.InputError, match="is not a mapping"):
        records.resumable(run, {"seed": 1})
    with pytest.raises(records.InputError, match="not a run folder"):
        records.resumable(tmp_path / "nothing", {"seed": 1})


def test_run_metadata_names_the_tree_the_run_started_from(tmp_path: Path, monkeypatch) -> None:
    states = iter([{"commit": "a", "dirty": False}, {"commit": "b", "dirty": False}])
    monkeypatch.setattr(records, "git_state", lambda cwd=None: next(states))
    monkeypatch.setattr(records, "_GIT_AT_START", None)  # restored after the test
    records.set_status(tmp_path, "running")  # the code of the run: commit a
    meta = records.run_metadata(0, "cpu", "fp", "v1", 1.0)  # committed on meanwhile: b
    assert meta["git"] == {"commit": "a", "dirty": False}
    assert meta["git_end"] == {"commit": "b", "dirty": False}
