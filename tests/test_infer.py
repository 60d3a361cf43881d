"""scripts/infer.py and scripts/evaluate.py as a user runs them: outputs, stdin, several files,
and every bad input (one error line, non-zero exit, the other files still processed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SCRIPTS

SEED = REPO.parent / "shared" / "articles" / "000_9441d596a4cd1f47.txt"
KEYS = [
    "article_id",
    "claim_id",
    "text",
    "start",
    "end",
    "kind",
    "attributed",
    "implicit",
    "source",
    "source_type",
    "cue",
    "stance",
    "stance_probs",
    "frame",
    "frame_probs",
]
ARTICLE = (
    "Navies wrap up drill near Eastport\nBy Ada Quill\n\n"
    "The two navies ended a five-day drill on Friday, the defence ministry said. "
    "Critics said the drill was a dangerous show of force.\n"
)


def infer(*args: str, stdin: bytes | None = None, cwd: Path | None = None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "infer.py"), *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or REPO,
        env=env,
        timeout=300,
    )


@pytest.fixture
def heads_arg(head_dirs: dict[str, str]) -> str:
    return "model_dir=[" + ",".join(head_dirs.values()) + "]"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "drill.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_jsonl_on_stdout_only_claim_lines(article: Path, heads_arg: str) -> None:
    res = infer(str(article), "format=jsonl", heads_arg, "device=cpu")
    assert res.returncode == 0, res.stderr.decode()
    rows = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert len(rows) == 2
    assert all(list(r)[: len(KEYS)] == KEYS for r in rows)
    assert rows[0]["source"] == "the defence ministry" and rows[0]["cue"] == "said"
    assert rows[1]["source_type"] == "unnamed"
    assert all(ARTICLE[r["start"] : r["end"]] == r["text"] for r in rows)


def test_table_stdin_and_files(article: Path, heads_arg: str, tmp_path: Path) -> None:
    res = infer("-", heads_arg, "device=cpu", stdin=ARTICLE.encode("utf-8-sig"))
    assert res.returncode == 0, res.stderr.decode()
    out = res.stdout.decode()
    assert out.startswith("== stdin: 2 claims ==") and "Critics (unnamed) / said" in out
    for suffix in ("csv", "parquet"):
        dest = tmp_path / f"claims.{suffix}"
        summary = tmp_path / "summary.json"
        res = infer(str(article), heads_arg, f"out={dest}", f"summary={summary}")
        assert res.returncode == 0 and res.stdout == b""
        df = pd.read_csv(dest) if suffix == "csv" else pd.read_parquet(dest)
        assert list(df.columns[: len(KEYS)]) == KEYS and len(df) == 2
        written = json.loads(summary.read_text())
        assert written["articles"]["drill"]["claims"] == 2
        assert written["provenance"]["settings"]["attribution"] == "ensemble"
        shipped = written["provenance"]["models"]["attribution_ensemble"]
        assert shipped["shipped"] == "attribution_ensemble" and shipped["run"]
        assert written["provenance"]["git"]["commit"]


def test_a_bad_file_among_many(article: Path, heads_arg: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = infer(str(empty), str(article), str(tmp_path / "nope.txt"), "format=jsonl", heads_arg)
    assert res.returncode == 2
    errors = [x for x in res.stderr.decode().splitlines() if x.startswith("error:")]
    assert len(errors) == 2 and "Traceback" not in res.stderr.decode()
    assert len(res.stdout.decode().splitlines()) == 2  # drill.txt still processed


def _file(data: bytes | None):
    """A maker of one bad input in a folder: None is a missing file, b"dir" an empty folder."""

    def make(d: Path) -> Path:
        path = d / "bad.txt"
        if data == b"dir":
            path = d / "sub"
            path.mkdir()
        elif data is not None:
            path.write_bytes(data)
        return path

    return make


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (_file(None), "no such file or folder"),
        (_file(b"dir"), "folder has no .txt, .html or .htm files"),
        (_file(b""), "empty file"),
        (_file(b"\x00\x01PK\x00" * 50), "binary file"),
        (_file(b"12 34\n\n56 78\n"), "no sentences"),
        (_file(b"By Ada Quill\nPublished: 3 March 2023\n"), "no claims found"),
    ],
    ids=["missing", "empty folder", "empty file", "binary", "no letters", "no sentences"],
)
def test_bad_input_one_line(tmp_path: Path, heads_arg: str, make, needle: str) -> None:
    res = infer(str(make(tmp_path)), heads_arg)
    err = res.stderr.decode()
    assert res.returncode == 2 and "Traceback" not in err
    lines = [x for x in err.splitlines() if x.startswith("error:")]
    assert len(lines) == 1 and needle in lines[0], err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["bogus=1"], "error: Could not override 'bogus'."),
        (["format=xml"], "error: format='xml'; expected table, jsonl, csv or parquet"),
        (["a.txt", "model_dir=[/nonexistent/run]"], "error: model_dir=/nonexistent/run is not a"),
        ([], "error: no input: give article files, folders or - for stdin"),
    ],
)
def test_bad_options(args: list[str], needle: str) -> None:
    res = infer(*args) if args else infer("device=cpu")
    err = res.stderr.decode()
    assert res.returncode == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(needle), err


def test_pasted_paragraph_and_lone_lines(heads_arg: str, tmp_path: Path) -> None:
    """A paragraph without a headline on stdin, a headline alone, a headline over one sentence
    without a full stop: each yields its claims, and a normal run prints nothing on stderr."""
    para = ARTICLE.split("\n\n", 1)[1].replace("\n", " ")
    res = infer("-", "format=jsonl", heads_arg, stdin=para.encode())
    assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    first, second = para.strip().split(". ")
    assert [r["text"] for r in rows] == [first + ".", second]
    for text in ("Navies wrap up drill near Eastport\n", "Drill ends\n\nThe navies sail home\n"):
        res = infer("-", "format=jsonl", heads_arg, stdin=text.encode())
        assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
        rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
        assert [r["text"] for r in rows] == [text.split("\n\n")[-1].strip()]


def test_undecodable_bytes_decode_with_a_warning(tmp_path: Path, heads_arg: str) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(ARTICLE.replace("Eastport", "Eastpört").encode("cp1252"))
    res = infer(str(path), "format=jsonl", heads_arg)
    assert res.returncode == 0
    assert "decoded as cp1252" in res.stderr.decode()


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason="seed article not in ../shared")
def test_seed_article_with_the_default_model() -> None:
    """README's command on the seed article, with the embedded default heads."""
    res = infer(str(SEED), "format=jsonl")
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    rows = [json.loads(line) for line in res.stdout.decode().splitlines()]
    texts = [r["text"] for r in rows]
    assert not any("Photo:" in t or t.startswith("Published:") for t in texts)
    assert all(r["kind"] == "body" for r in rows) and len(rows) > 25
    by_source: dict[str, set] = {}
    for r in rows:
        if r["attributed"] and r["source"]:
            by_source.setdefault(r["source"], set()).add(r["source_type"])
    vague = [s for s in by_source if s.lower().split()[-1] in ("experts", "analysts", "observers")]
    assert len(vague) >= 3 and all(by_source[s] == {"unnamed"} for s in vague), vague
    for person in ("Zhang Hong", "Song Zhongping", "Cui Heng", "Vladimir Putin"):
        assert by_source[person] == {"named_person"}, person
    # the news agency that reports the Kremlin meeting is a source of its own
    assert [s for s in by_source if "Xinhua" in s], sorted(by_source)
    zhang = [r for r in rows if r["cue"] == "said" and r["text"].rstrip().endswith("Zhang said.")]
    assert zhang and zhang[0]["source"] == "Zhang Hong"
    for r in rows:
        assert set(r["frame_probs"]) >= {"threat", "neutral_report"}
        assert r["stance"] in ("favor", "against", "neutral")


@pytest.mark.slow
def test_evaluate_script_records_a_run(
    head_dirs: dict[str, str], tiny_corpus: Path, tmp_path: Path
) -> None:
    args = [
        sys.executable,
        str(SCRIPTS / "evaluate.py"),
        "--data-root",
        str(tiny_corpus),
        "--out-root",
        str(tmp_path),
        "--bootstrap",
        "10",
        "--device",
        "cpu",
    ]
    for d in head_dirs.values():
        args += ["--model-dir", d]
    res = subprocess.run(args, capture_output=True, cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    run = Path(res.stdout.decode().strip().splitlines()[-1])
    assert (run / "metrics.json").is_file() and run.parent.name == "evaluate_pipeline"


def test_metadata_from_manifest_page_and_folder(heads_arg: str, tmp_path: Path) -> None:
    """Every row carries path, title, outlet, date, author: a manifest's columns first, then
    what an HTML page says, then the headline and the parent folder's name; a page's cookie
    banner, related links and footer give no claim."""
    from test_ingest import BANNERED

    outlet = tmp_path / "eastport_herald"
    outlet.mkdir()
    (outlet / "drill.txt").write_text(ARTICLE, encoding="utf-8")
    (outlet / "page.html").write_text(BANNERED, encoding="utf-8")
    res = infer(str(outlet), "format=jsonl", heads_arg)
    assert res.returncode == 0, res.stderr.decode()
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    by_id = {r["article_id"]: r for r in rows}
    assert (by_id["drill"]["outlet"], by_id["drill"]["title"]) == (
        "eastport_herald",
        "Navies wrap up drill near Eastport",
    )
    page = [r for r in rows if r["article_id"] == "page"]
    assert [r["text"][:12] for r in page] == ["The two navi", "Critics said"]  # no banner, footer
    assert (page[0]["outlet"], page[0]["date"], page[0]["author"]) == (
        "Eastport Times",
        "2023-04-17",
        "Ada Quill",
    )
    manifest = tmp_path / "meta.csv"
    manifest.write_text("path,outlet,country\neastport_herald/drill.txt,Herald,Eastland\n")
    res = infer(str(outlet / "drill.txt"), "format=jsonl", heads_arg, f"manifest={manifest}")
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert {(r["outlet"], r["country"]) for r in rows} == {("Herald", "Eastland")}
    manifest.write_text("path,outlet\neastport_herald/gone.txt,Herald\n")
    res = infer(str(outlet / "drill.txt"), heads_arg, f"manifest={manifest}")
    err = res.stderr.decode().strip().splitlines()
    assert res.returncode == 2 and len(err) == 1 and "names eastport_herald/gone.txt" in err[0]


def test_table_shows_probabilities_targets_and_unnamed_share(heads_arg: str) -> None:
    res = infer("-", heads_arg, "targets=[drills,alliances]", stdin=ARTICLE.encode())
    out = res.stdout.decode()
    assert res.returncode == 0 and "stance toward alliances" in out
    assert "unnamed sources 50%" in out and "? = probability under 0.6" in out
    assert re.search(r"(favor|against|neutral)[ ?]\.\d\d", out)


def test_report_folder_from_infer(heads_arg: str, article: Path, tmp_path: Path) -> None:
    """report=DIR writes the HTML report of the rows, from memory or read back from out=."""
    for extra in ([], [f"out={tmp_path / 'rows.jsonl'}"]):
        report = tmp_path / f"report{len(extra)}"
        res = infer(str(article), heads_arg, f"report={report}", "format=jsonl", *extra)
        assert res.returncode == 0, res.stderr.decode()
        page = (report / "articles" / "drill.html").read_text(encoding="utf-8")
        assert "the defence ministry" in page and "Critics" in page
        assert "drill" in (report / "index.html").read_text(encoding="utf-8")
