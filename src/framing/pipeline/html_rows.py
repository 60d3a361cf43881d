"""Claim rows for the HTML report: read back from a rows file (JSONL, CSV, Parquet file or
folder) one at a time, checked for the columns the report needs, and read per claim (stance per
target, low-confidence labels, source type)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.html_parts import OWN_VOICE
from framing.pipeline.report import NESTED

REQUIRED = (
    *("article_id", "claim_id", "text", "start", "end", "attributed"),
    *("source", "source_type", "stance", "frame"),
)
_JSON_FIELDS = (*NESTED, "provenance")
_INTS = ("start", "end")
_BOOLS = ("attributed", "implicit")


def check_columns(columns, where: str) -> None:
    """InputError naming the columns the report needs that `columns` lacks."""
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(
            f"{where}: missing columns {missing}; a rows file needs {list(REQUIRED)} "
            f"(found {sorted(columns)})"
        )


def read_rows(path: str | Path) -> Iterator[dict]:
    """The rows of a file `scripts/infer.py` wrote, in order, one at a time; InputError when the
    file is missing, unreadable or lacks a needed column."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such rows file; give a .jsonl, .csv or .parquet file")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return _jsonl(path)
    if suffix == ".csv":
        return _csv(path)
    if suffix == ".parquet" or path.is_dir():
        return _parquet(path)
    raise InputError(f"{path}: unknown rows format {suffix!r}; use .jsonl, .csv or .parquet")


def _jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8-sig") as f:
        checked = False
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise InputError(f"{path}:{n}: not a JSON object ({e})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}: not a JSON object")
            if not checked:
                check_columns(row, str(path))
                checked = True
            yield row


def _csv(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        check_columns(reader.fieldnames or [], str(path))
        for row in reader:
            yield _typed({k: (v if v != "" else None) for k, v in row.items()})


def _parquet(path: Path) -> Iterator[dict]:
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: a folder without .parquet part files")
    try:
        columns = set()
        for file in files:
            columns.update(pq.read_schema(file).names)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: not a Parquet file or folder ({e})") from None
    check_columns(columns, str(path))
    for file in files:
        for batch in pq.ParquetFile(file).iter_batches(batch_size=2048):
            for row in batch.to_pylist():
                yield _typed(row)


def _typed(row: dict) -> dict:
    """A flat row (CSV or Parquet) with its nested fields, numbers and flags restored."""
    for k in _JSON_FIELDS:
        v = row.get(k)
        if isinstance(v, str) and v[:1] in "[{":
            try:
                row[k] = json.loads(v)
            except ValueError:
                pass
    for k in _INTS:
        if isinstance(row.get(k), str | float):
            try:
                row[k] = int(row[k])
            except ValueError:
                row[k] = None
    for k in _BOOLS:
        if isinstance(row.get(k), str):
            row[k] = row[k].strip().lower() in ("true", "1", "yes")
    return row


# ------------------------------------------------------------------ reading one claim


def stances(row: dict) -> list[tuple[str, str, dict | None]]:
    """(target, stance, probabilities) for every target the row was scored against."""
    per_target = row.get("stances")
    if isinstance(per_target, dict) and per_target:
        return [
            (str(t), str(s.get("stance")), s.get("probs") if isinstance(s, dict) else None)
            for t, s in per_target.items()
            if isinstance(s, dict)
        ]
    probs = row.get("stance_probs")
    return [(str(row.get("target") or "stance"), str(row["stance"]), _probs(probs))]


def _probs(p) -> dict | None:
    return p if isinstance(p, dict) and p else None


def top_prob(p: dict | None) -> float | None:
    """The highest probability, or None when there are none.

    >>> top_prob({"a": 0.2, "b": 0.7}), top_prob(None)
    (0.7, None)
    """
    return max(p.values()) if p else None


def low_labels(row: dict, threshold: float) -> list[str]:
    """Which labels of the row have a top probability under `threshold` ("frame", "stance" or
    "stance: <target>" with several targets)."""
    low = []
    frame_p = top_prob(_probs(row.get("frame_probs")))
    if frame_p is not None and frame_p < threshold:
        low.append("frame")
    targets = stances(row)
    for target, _, p in targets:
        top = top_prob(p)
        if top is not None and top < threshold:
            low.append("stance" if len(targets) == 1 else f"stance: {target}")
    return low


def source_type(row: dict) -> str:
    """The row's source type, or "own voice" for a claim the outlet makes itself."""
    if not row.get("attributed"):
        return OWN_VOICE
    return str(row.get("source_type") or "unknown")
