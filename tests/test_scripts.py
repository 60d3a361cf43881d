"""The scripts as a user runs them: subprocesses, their stdout/stderr, exit codes and files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO, SCRIPTS, table_rows, write_table

from framing.data.corpus import build_corpus, load_corpus
from framing.pipeline.heads import DEFAULT_MODEL_DIR
from framing.runs import records


def command(script: str, *args: str) -> list[str]:
    return [sys.executable, str(SCRIPTS / script), *map(str, args)]


def run(script: str, *args: str, cwd: Path = REPO, timeout: int = 300) -> SimpleNamespace:
    p = subprocess.run(
        command(script, *args), cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    return SimpleNamespace(rc=p.returncode, out=p.stdout, err=p.stderr)


def assert_clean_error(result: SimpleNamespace, message: str | None) -> None:
    """Non-zero exit, no traceback; for the project's own errors one `error:` line, last."""
    assert result.rc != 0
    assert "Traceback" not in result.err
    assert result.out == ""
    if message is not None:
        assert result.rc == 2
        lines = result.err.strip().splitlines()
        assert [line for line in lines if line.startswith("error:")] == [f"error: {message}"]
        assert lines[-1] == f"error: {message}"


TINY = ["bootstrap=20"]  # keep subprocess runs quick


# ---------------------------------------------------------------- train.py


def test_train_one_run(table, tmp_path: Path) -> None:
    out_root, cwd = tmp_path / "exp", tmp_path / "cwd"
    cwd.mkdir()
    r = run(
        "train.py",
        "data=table",
        f"data.train={table.csv}",
        "model=tfidf_logreg",
        f"out_root={out_root}",
        *TINY,
        cwd=cwd,
    )
    assert r.rc == 0, r.err
    lines = r.out.splitlines()
    assert lines == [lines[-1]], "stdout carries only the run folder"
    run_dir = Path(lines[-1])
    assert run_dir.is_dir() and run_dir.parent == out_root / "framing_tfidf_logreg"
    assert records.read_json(run_dir / "status.json")["status"] == "complete"
    m = records.read_json(run_dir / "metrics.json")
    assert (m["task"], m["family"], m["data"]) == ("framing", "tfidf_logreg", "table")
    assert records.read_json(run_dir / "metrics.json")["test"]["n"] == 9
    overrides = (run_dir / "overrides.yaml").read_text()
    assert "model=tfidf_logreg" in overrides and f"out_root={out_root}" in overrides
    assert "fitting tfidf_logreg" in (run_dir / "run.log").read_text()
    assert not any(cwd.iterdir()), "Hydra wrote into the working folder"


@pytest.fixture(scope="module")
def sweep(table, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    out_root = tmp_path_factory.mktemp("sweep") / "exp"
    r = run(
        "train.py",
        "-m",
        "seed=1,2",
        "data=table",
        f"data.train={table.csv}",
        "model=tfidf_logreg",
        f"out_root={out_root}",
        *TINY,
    )
    assert r.rc == 0, r.err
    return SimpleNamespace(
        result=r, out_root=out_root, runs=[Path(line) for line in r.out.splitlines()]
    )


def test_train_sweep(sweep) -> None:
    assert len(sweep.runs) == 2, "stdout carries only the two run folders"
    assert [p.name[-2:] for p in sweep.runs] == ["_0", "_1"]
    assert len(set(sweep.runs)) == 2
    for run_dir, seed in zip(sweep.runs, (1, 2)):
        assert records.read_json(run_dir / "status.json")["status"] == "complete"
        assert records.read_json(run_dir / "metrics.json")["seed"] == seed
    assert records.find_runs(sweep.out_root) == sorted(sweep.runs)


def test_compare_script_on_the_sweep(sweep, tmp_path: Path) -> None:
    report = tmp_path / "report"
    r = run("compare.py", sweep.out_root, "--out", report)
    assert r.rc == 0, r.err
    md = (report / "compare.md").read_text(encoding="utf-8")
    assert r.out == md
    assert len(md.splitlines()) == 3  # header, rule, one configuration
    row = [c.strip() for c in md.splitlines()[2].strip("|").split("|")]
    assert row[:2] == ["framing", "tfidf_logreg"] and row[5] == "2"
    import pandas as pd

    csv = pd.read_csv(report / "compare.csv")
    assert len(csv) == 1 and csv.loc[0, "runs"] == 2 and csv.loc[0, "seeds"] == "1,2"
    m = [records.read_json(p / "metrics.json")["test"]["macro_f1"] for p in sweep.runs]
    assert csv.loc[0, "test_macro_f1_mean"] == pytest.approx(sum(m) / 2)
    assert (report / "compare.png").read_bytes()[:4] == b"\x89PNG"
    assert "wrote" in r.err


def test_compare_script_paired(sweep) -> None:
    r = run("compare.py", "--paired", *sweep.runs, "--n-boot", "200")
    assert r.rc == 0, r.err
    assert "A - B = 0.0 points" in r.out and "no evidence of a difference" in r.out
    r = run("compare.py", "--paired", *sweep.runs, "--n-boot", "200", "--json")
    result = json.loads(r.out)
    assert result["run_a"] == str(sweep.runs[0]) and result["run_b"] == str(sweep.runs[1])
    assert (result["delta_macro_f1"], result["p_value"], result["n_boot"]) == (0.0, 1.0, 200)


# ---------------------------------------------------------------- bad input


@pytest.fixture
def bad_inputs(table, tmp_path: Path) -> dict:
    """case -> (script, arguments, the project's error message or None for Hydra's own)."""
    rows = table_rows()
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    train = write_table(tmp_path / "train.csv", [r for r in rows if r["label"] != "threat"])
    test = write_table(tmp_path / "test.csv", rows[:6])
    not_a_model = tmp_path / "not_a_model"
    not_a_model.mkdir()
    (tmp_path / "no_runs").mkdir()
    table_args = ["data=table", f"data.train={table.csv}"]
    missing = tmp_path / "missing.csv"
    return {
        "missing file": (
            "train.py",
            ["data=table", f"data.train={missing}"],
            f"data file not found: {missing}",
        ),
        "empty file": (
            "train.py",
            ["data=table", f"data.train={empty}"],
            f"data file is empty: {empty}",
        ),
        "missing columns": (
            "train.py",
            [*table_args, "data.text_column=sentence"],
            f"{table.csv}: missing column(s) ['sentence']; expected "
            "['sentence', 'label'], found ['text', 'label', 'doc', 'target']",
        ),
        "unknown test label": (
            "train.py",
            ["data=table", f"data.train={train}", f"data.dev={train}", f"data.test={test}"],
            "test label(s) ['threat'] never occur in training data",
        ),
        "model path not a model": (
            "train.py",
            [*table_args, "model=encoder_logreg", f"model.name={not_a_model}"],
            f"model.name={str(not_a_model)!r} is not a transformers model (no config.json)",
        ),
        "invalid value": (
            "train.py",
            [*table_args, "bootstrap=-1"],
            "bootstrap=-1; expected a number of resamples >= 0",
        ),
        "unknown config key": (
            "train.py",
            [*table_args, "model.foo=1"],
            "Could not override 'model.foo'. Key 'foo' not in 'EncoderLogRegConfig'",
        ),
        "added config key": (
            "train.py",
            [*table_args, "+model.foo=1"],
            "+model.foo=1: adding config keys is not supported; every key is declared in "
            "configs/ (python scripts/train.py --cfg job lists them)",
        ),
        "bad value in a sweep": (
            "train.py",
            ["-m", *table_args, "seed=1,x"],
            "Error merging override seed=x Value 'x' of type 'str' could not be converted to "
            "Integer",
        ),
        "compare nothing": ("compare.py", [tmp_path / "no_runs"], "no complete runs to compare"),
        "compare missing folder": (
            "compare.py",
            [tmp_path / "nope"],
            f"no such folder: {tmp_path / 'nope'}",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "empty file",
        "missing columns",
        "unknown test label",
        "model path not a model",
        "invalid value",
        "unknown config key",
        "added config key",
        "bad value in a sweep",
        "compare nothing",
        "compare missing folder",
    ],
)
def test_bad_input_exits_cleanly(bad_inputs, tmp_path: Path, case: str) -> None:
    script, args, message = bad_inputs[case]
    out_root = tmp_path / "exp"
    result = run(
        script, *args, *([f"out_root={out_root}"] if script == "train.py" else []), cwd=tmp_path
    )
    assert_clean_error(result, message)
    assert not out_root.exists(), "bad input must not leave a run folder"


def test_table_too_small_to_split_exits_cleanly(tmp_path: Path) -> None:
    rows = [r for r in table_rows() if r["doc"] in ("doc00", "doc01", "doc02")]
    path = write_table(tmp_path / "small.csv", rows)
    result = run(
        "train.py",
        "data=table",
        f"data.train={path}",
        "data.group_column=doc",
        "model=tfidf_logreg",
        f"out_root={tmp_path / 'exp'}",
        cwd=tmp_path,
    )
    assert result.rc == 2 and "Traceback" not in result.err
    assert result.err.strip().splitlines()[-1].startswith("error: ")


# ---------------------------------------------------------------- build_corpus.py


@pytest.fixture
def one_article(tiny_corpus: Path, tmp_path: Path) -> Path:
    """A corpus copy with one article whose annotation has texts but no offsets yet."""
    root = tmp_path / "corpus"
    (root / "articles").mkdir(parents=True)
    (root / "annotations").mkdir()
    shutil.copy(tiny_corpus / "articles" / "north_01.txt", root / "articles")
    ann = json.loads((tiny_corpus / "annotations" / "north_01.json").read_text("utf-8"))
    offsets = ("start", "end", "source_start", "source_end", "cue_start", "cue_end")
    for item in ann["segments"] + ann["claims"]:
        for key in offsets:
            item.pop(key, None)
    (root / "annotations" / "north_01.json").write_text(json.dumps(ann), encoding="utf-8")
    return root / "annotations" / "north_01.json"


def test_build_corpus_fills_offsets(one_article: Path, tiny_corpus: Path) -> None:
    r = run("build_corpus.py", one_article)
    assert (r.rc, r.out.strip()) == (0, "ok: 1 annotation files"), r.err
    filled = json.loads(one_article.read_text(encoding="utf-8"))
    expected = json.loads((tiny_corpus / "annotations" / "north_01.json").read_text("utf-8"))
    assert filled == expected


def test_build_corpus_reports_a_broken_file(one_article: Path) -> None:
    ann = json.loads(one_article.read_text(encoding="utf-8"))
    ann["claims"][3]["text"] = "Such drills are abnormal."
    one_article.write_text(json.dumps(ann), encoding="utf-8")
    before = one_article.read_text(encoding="utf-8")
    r = run("build_corpus.py", one_article)
    assert r.rc == 1
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert lines[0].startswith(
        f"{one_article}: north_01 claim 3: 'Such drills are abnormal.' not found in text["
    )
    assert lines[-1] == "1 of 1 annotation files have errors"
    assert one_article.read_text(encoding="utf-8") == before  # left as it was


def test_build_corpus_reports_a_missing_article(one_article: Path) -> None:
    (one_article.parent.parent / "articles" / "north_01.txt").unlink()
    r = run("build_corpus.py", one_article)
    assert r.rc == 1
    assert r.err.splitlines()[0] == (
        f"{one_article}: article file "
        f"{one_article.parent.parent / 'articles' / 'north_01.txt'} is missing"
    )


def test_build_corpus_library_rebuilds_a_whole_corpus(tiny_corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    (root / "splits.json").unlink()
    errors, report = build_corpus(root, [], seed=13, stats=True)
    n_claims = sum(len(d["claims"]) for d in load_corpus(root))
    assert errors == []
    assert report.splitlines()[-1] == f"ok: 9 annotation files, {n_claims} claims"
    assert json.loads((root / "splits.json").read_text("utf-8")) == json.loads(
        (tiny_corpus / "splits.json").read_text("utf-8")
    )


def test_make_default_model_help_and_unknown_arguments_train_nothing() -> None:
    shipped = sorted(p.stat().st_mtime_ns for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file())
    r = run("make_default_model.py", "--help", timeout=60)
    assert r.rc == 0 and "Regenerate the embedded default models" in r.out
    r = run("make_default_model.py", "--seed", "3", timeout=60)
    assert r.rc == 2 and "unrecognized arguments: --seed 3" in r.err and r.out == ""
    assert shipped == sorted(
        p.stat().st_mtime_ns for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()
    )


# ---------------------------------------------------------------- the README command


@pytest.mark.slow
def test_readme_train_command(tmp_path: Path) -> None:
    """`python scripts/train.py` with the defaults: encoder_logreg, shipped model, the corpus."""
    start = time.perf_counter()
    r = run("train.py", f"out_root={tmp_path}", cwd=REPO, timeout=300)
    elapsed = time.perf_counter() - start
    assert r.rc == 0, r.err
    assert elapsed < 120, f"README's default run took {elapsed:.0f} s"
    run_dir = Path(r.out.splitlines()[-1])
    assert run_dir.parent == tmp_path / "framing_encoder_logreg"
    assert records.read_json(run_dir / "status.json")["status"] == "complete"
    m = records.read_json(run_dir / "metrics.json")
    assert m["model_name"] == "shipped:all-MiniLM-L6-v2" and m["data"] == "corpus"
    assert len(m["labels"]) == 5
    assert m["test"]["macro_f1"] > 0.2  # far above nothing, whatever the exact score


def test_train_help_lists_only_options_a_user_chooses() -> None:
    r = run("train.py", "--help", timeout=120)
    assert r.rc == 0 and "_schema" not in r.out.split("== Config")[0]
    groups = dict(
        line.split(": ", 1) for line in r.out.split("== Option groups")[1].splitlines()[1:6]
    )
    assert (
        groups["model"] == "encoder_logreg, finetune, multitask, tagger, tfidf_logreg, zero_shot"
    )
    assert "claims" in groups["task"] and "corpus_real" in groups["data"]


def test_make_default_model_claims_and_attribution_exclude_each_other() -> None:
    r = run("make_default_model.py", "--claims", "--attribution", timeout=60)
    assert r.rc == 2 and "not allowed with argument" in r.err
