"""A researcher's own CSV/JSONL tables as task examples: given or carved train/dev/test splits."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from framing.core.errors import InputError
from framing.data.config import DataConfig, TaskConfig
from framing.data.corpus import fingerprint
from framing.data.examples import SPLITS, Examples, take


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or JSONL file, refusing missing, empty or unreadable files clearly."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"data file not found: {p}")
    if p.stat().st_size == 0:
        raise InputError(f"data file is empty: {p}")
    try:
        if p.suffix.lower() in (".jsonl", ".json"):
            df = pd.read_json(p, lines=True, dtype=False)
        else:
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"cannot read {p} as {p.suffix or 'CSV'}: {first}") from None
    if df.empty:
        raise InputError(f"data file has no rows: {p}")
    return df


def _table_examples(path: str, data: DataConfig, task: TaskConfig) -> Examples:
    df = read_table(path)
    wanted = [data.text_column, data.label_column]
    if task.use_pair:
        if not data.pair_column:
            raise InputError(f"task {task.name} scores a text pair: set data.pair_column=<column>")
        wanted.append(data.pair_column)
    if data.group_column:
        wanted.append(data.group_column)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {missing}; expected {wanted}, found {list(df.columns)}"
        )
    df = df.astype({c: str for c in wanted})
    empty = df.index[df[data.text_column].str.strip() == ""].tolist()
    if empty:
        raise InputError(f"{path}: empty text in row(s) {[i + 1 for i in empty[:5]]}")
    groups = df[data.group_column] if data.group_column else df.index.astype(str)
    return Examples(
        ids=[f"{g}:{i}" for i, g in zip(df.index, groups)],
        texts=df[data.text_column].tolist(),
        labels=df[data.label_column].tolist(),
        pairs=df[data.pair_column].tolist() if task.use_pair else None,
    )


def _carve(ex: Examples, data: DataConfig, grouped: bool) -> dict[str, Examples]:
    """Split one table into train/dev/test: by group if given, else stratified by label."""
    try:
        return _carve_unchecked(ex, data, grouped)
    except ValueError:
        unit = f"groups ({data.group_column})" if grouped else "rows"
        raise InputError(
            f"{data.train}: too few {unit} to split into train/dev/test; "
            "add rows or give data.dev and data.test"
        ) from None


def _carve_unchecked(ex: Examples, data: DataConfig, grouped: bool) -> dict[str, Examples]:
    idx = list(range(len(ex)))
    held = data.dev_fraction + data.test_fraction
    if grouped:
        groups = [i.split(":", 1)[0] for i in ex.ids]
        splitter = GroupShuffleSplit(n_splits=1, test_size=held, random_state=data.split_seed)
        train_idx, rest = next(splitter.split(idx, groups=groups))
        sub = [groups[i] for i in rest]
        splitter = GroupShuffleSplit(
            n_splits=1, test_size=data.test_fraction / held, random_state=data.split_seed
        )
        dev_pos, test_pos = next(splitter.split(rest, groups=sub))
        parts = [list(train_idx), [rest[i] for i in dev_pos], [rest[i] for i in test_pos]]
    else:
        strat = ex.labels if min(pd.Series(ex.labels).value_counts()) >= 3 else None
        train_idx, rest = train_test_split(
            idx, test_size=held, random_state=data.split_seed, stratify=strat
        )
        rest_strat = [ex.labels[i] for i in rest] if strat else None
        try:
            dev_idx, test_idx = train_test_split(
                rest,
                test_size=data.test_fraction / held,
                random_state=data.split_seed,
                stratify=rest_strat,
            )
        except ValueError:
            dev_idx, test_idx = train_test_split(
                rest, test_size=data.test_fraction / held, random_state=data.split_seed
            )
        parts = [train_idx, dev_idx, test_idx]
    return {name: take(ex, sorted(p)) for name, p in zip(SPLITS, parts)}


def table_splits(data: DataConfig, task: TaskConfig) -> tuple[dict[str, Examples], str]:
    """Train/dev/test examples of the table files (train carved if alone), and a fingerprint."""
    train = _table_examples(data.train, data, task)
    paths = [Path(data.train)]
    if data.dev and data.test:
        out = {
            "train": train,
            "dev": _table_examples(data.dev, data, task),
            "test": _table_examples(data.test, data, task),
        }
        paths += [Path(data.dev), Path(data.test)]
    elif data.dev or data.test:
        raise InputError("give both data.dev and data.test, or neither (then train is split)")
    else:
        out = _carve(train, data, grouped=bool(data.group_column))
    return out, fingerprint(paths)
