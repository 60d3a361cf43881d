"""engine=ray on a local Ray instance writes the rows of the local engine byte for byte (an
error, a duplicate and a folder without articles included) and resumes like it; Ray missing, a
cluster that does not answer and a replica that cannot load its models are one error line each."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SCRIPTS

from framing.core.errors import InputError
from framing.pipeline.analyze import InferConfig
from framing.pipeline.ray_engine import NO_RAY, RayEngine
from framing.pipeline.stream import manifest_path

ARTICLE = (
    "Navies wrap up drill near {place}\n\n"
    "The two navies ended a five-day drill on {day}, the defence ministry said. "
    "Critics said the drill was a dangerous show of force. "
    "“Such drills are normal,” an official told reporters.\n\n"
    "The ships will return to port next week.\n"
)
PLACES = ("Eastport", "Kelso", "Marrow", "Halden", "Brest", "Tivra")
DAYS = ("Friday", "Monday", "Sunday", "Tuesday", "Friday", "Monday")


def infer(folders: list[Path], out: Path, head_dirs: dict[str, str], *extra: str):
    heads = "model_dir=[" + ",".join(head_dirs.values()) + "]"
    args = [sys.executable, str(SCRIPTS / "infer.py"), *map(str, folders), f"out={out}", heads]
    args += ["claim_model=null", "attribution=rules", "articles_per_batch=2", *extra]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | {"HF_HUB_OFFLINE": "1"}
    return subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=240)


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def records(out: Path) -> list[dict]:
    """The manifest's article records but their time; where each one's rows `end` tells the
    batches apart (rows are committed batch by batch)."""
    lines = [json.loads(x) for x in manifest_path(out).read_text().splitlines()]
    return [{k: v for k, v in r.items() if k != "seconds"} for r in lines if "status" in r]


def test_ray_rows_equal_the_local_engine_and_resume(
    tmp_path: Path, head_dirs: dict[str, str]
) -> None:
    pytest.importorskip("ray")
    articles, more, empty = tmp_path / "articles", tmp_path / "more", tmp_path / "nothing"
    for folder in (articles, more, empty):
        folder.mkdir()
    for k, (place, day) in enumerate(zip(PLACES, DAYS)):
        (articles / f"a{k}.txt").write_text(ARTICLE.format(place=place, day=day))
    (articles / "blank.txt").write_text("")
    (more / "a0.txt").write_text((articles / "a0.txt").read_text())  # the same article again
    inputs = [articles, more, empty]

    local = infer(inputs, tmp_path / "local.jsonl", head_dirs, "engine=local")
    assert local.returncode == 2, local.stderr
    ray = infer(inputs, tmp_path / "ray.jsonl", head_dirs, "engine=ray", "workers=2")
    assert ray.returncode == 2, ray.stderr
    assert errors(ray.stderr) == errors(local.stderr)
    assert [e.split(": ")[1].rsplit("/", 1)[1] for e in errors(ray.stderr)] == [
        "blank.txt",
        "nothing",
    ]
    assert "Traceback" not in ray.stderr and "WARNING" not in ray.stderr, ray.stderr
    assert "wrote 24 claims of 6 articles" in ray.stderr  # the copy in more/ skipped
    rows = (tmp_path / "ray.jsonl").read_bytes()
    assert rows == (tmp_path / "local.jsonl").read_bytes()
    assert records(tmp_path / "ray.jsonl") == records(tmp_path / "local.jsonl")

    again = infer(inputs, tmp_path / "ray.jsonl", head_dirs, "engine=ray", "workers=2")
    assert again.returncode == 2, again.stderr
    assert "wrote 0 claims of 0 articles" in again.stderr
    assert "(7 already there)" in again.stderr
    assert (tmp_path / "ray.jsonl").read_bytes() == rows

    bad = infer([articles], tmp_path / "bad.jsonl", head_dirs, "engine=ray", "model_dir=[nope]")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
    assert errors(bad.stderr) == [
        "error: model_dir=nope is not a recorded run with a saved model (expected "
        "config.yaml and model/ inside)"
    ]


def test_ray_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(InputError) as e:
        RayEngine(InferConfig(engine="ray"))
    assert str(e.value) == NO_RAY == "engine=ray needs Ray: pip install 'ray[data]'"


def test_a_cluster_that_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("RAY_ADDRESS", address)
    with pytest.raises(
        InputError, match=f"cannot connect to the Ray cluster at RAY_ADDRESS={address}"
    ):
        RayEngine(InferConfig(engine="ray"))
    assert not ray.is_initialized()
