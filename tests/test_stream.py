"""Streaming rows with a manifest: what a rerun keeps, cuts and refuses; a run killed with
SIGKILL and rerun gives the rows of a clean run, none twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SCRIPTS

from framing.core.errors import InputError
from framing.pipeline.article import Document
from framing.pipeline.stream import RowWriter, content_key, manifest_path

SETTINGS = {"attribution": "rules", "targets": ["t"]}


def rows_of(doc_id: str, n: int) -> list[dict]:
    return [
        {"article_id": doc_id, "claim_id": f"c{k:03d}", "start": k, "attributed": k % 2 == 0}
        | {"frame_probs": {"a": 0.5, "b": 0.5}, "source": None if k else "X"}
        for k in range(n)
    ]


def add(writer: RowWriter, doc_id: str, n: int = 2) -> None:
    doc = Document(doc_id, f"text of {doc_id}", {"path": f"{doc_id}.txt"})
    writer.add(doc, content_key(doc), rows_of(doc_id, n), 0.1, {"claims": n})


def read_rows(out: Path, fmt: str) -> pd.DataFrame:
    if fmt == "jsonl":
        return pd.DataFrame([json.loads(x) for x in out.read_text().splitlines()])
    return pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_reopen_cuts_what_the_manifest_does_not_name(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"claims.{fmt}"
    w = RowWriter(out, fmt, SETTINGS, part_rows=1)
    w.start()
    add(w, "a")
    add(w, "b", 3)
    w.commit()
    # killed after rows were written but before the manifest named them, mid manifest line
    if fmt == "parquet":
        (out / "part-00009.parquet").write_bytes(b"half")
        (out / ".part-00010.parquet.tmp").write_bytes(b"half")
    else:
        with open(out, "ab") as f:
            f.write(b'{"article_id": "c", "claim_id": "c0')
    with open(manifest_path(out), "ab") as f:
        f.write(b'{"key": "torn')
    w = RowWriter(out, fmt, SETTINGS, part_rows=1)
    assert w.resumed and len(w.done) == 2
    w.start()
    add(w, "c", 1)
    w.close()
    df = read_rows(out, fmt)
    assert list(df["article_id"]) == ["a", "a", "b", "b", "b", "c"]
    assert not df.duplicated(["article_id", "claim_id"]).any()
    if fmt == "parquet":
        assert sorted(p.name for p in out.iterdir()) == [f"part-0000{k}.parquet" for k in range(2)]
    lines = manifest_path(out).read_text().splitlines()
    assert all(json.loads(x) for x in lines)  # the torn line is gone
    assert [a for a, _ in w.summaries()] == ["a", "b", "c"]


def test_refuses_other_settings_and_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    w = RowWriter(out, "jsonl", SETTINGS)
    w.start()
    add(w, "a")
    w.close()
    with pytest.raises(InputError, match=r"other settings \(these differ: attribution\)"):
        RowWriter(out, "jsonl", {**SETTINGS, "attribution": "tagger"})
    with pytest.raises(InputError, match="not a csv manifest"):
        RowWriter(out, "csv", SETTINGS)
    other = tmp_path / "other.jsonl"
    other.write_text("{}\n")
    with pytest.raises(InputError, match="exists and has no other.jsonl.manifest.jsonl"):
        RowWriter(other, "jsonl", SETTINGS)
    with pytest.raises(InputError, match="does not exist; create it"):
        RowWriter(tmp_path / "no" / "c.jsonl", "jsonl", SETTINGS)
    out.write_text("")  # cut outside the tool
    with pytest.raises(InputError, match="shorter than"):
        RowWriter(out, "jsonl", SETTINGS).start()


def test_parquet_part_waits_until_big_enough(tmp_path: Path) -> None:
    out = tmp_path / "claims.parquet"
    w = RowWriter(out, "parquet", SETTINGS, part_rows=5)
    w.start()
    add(w, "a", 2)
    w.commit()
    assert not list(out.iterdir())  # 2 rows wait for 5
    add(w, "b", 3)
    w.commit()
    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
    add(w, "c", 1)
    w.close()
    df = pd.read_parquet(out)
    assert len(df) == 6 and df["source"][0] == "X" and df["source"].isna()[1]
    assert json.loads(df["frame_probs"][0]) == {"a": 0.5, "b": 0.5}


ARTICLE = (
    "Navies wrap up drill near Eastport\n\n"
    "The two navies ended a five-day drill on Friday, the defence ministry said. "
    "Critics said the drill was a dangerous show of force. "
    "The ships will return to port next week.\n"
)


def infer_args(folder: Path, out: Path, head_dirs: dict[str, str]) -> list[str]:
    heads = "model_dir=[" + ",".join(head_dirs.values()) + "]"
    return [
        *(sys.executable, str(SCRIPTS / "infer.py"), str(folder), f"out={out}", heads),
        *("claim_model=null", "attribution=rules", "articles_per_batch=1", "part_rows=2"),
    ]


def done_records(out: Path) -> int:
    m = manifest_path(out)
    return m.read_text().count('"status": "done"') if m.exists() else 0


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_killed_run_resumes_to_the_rows_of_a_clean_run(
    tmp_path: Path, head_dirs: dict[str, str], fmt: str
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for k in range(40):
        (folder / f"a{k:02d}.txt").write_text(ARTICLE.replace("Friday", f"day {k}"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    clean = tmp_path / f"clean.{fmt}"
    subprocess.run(infer_args(folder, clean, head_dirs), env=env, check=True, timeout=300)
    out = tmp_path / f"killed.{fmt}"
    child = subprocess.Popen(infer_args(folder, out, head_dirs), env=env, cwd=REPO)
    deadline = time.time() + 240
    while done_records(out) < 5 and time.time() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, "the run ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert 5 <= done_records(out) < 40
    res = subprocess.run(infer_args(folder, out, head_dirs), env=env, capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    assert "already there" in res.stderr.decode()
    got, want = read_rows(out, fmt), read_rows(clean, fmt)
    keys = ["article_id", "claim_id"]
    assert not got.duplicated(keys).any()
    got = got.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.sort_values(keys).reset_index(drop=True))
