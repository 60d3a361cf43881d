"""Compare recorded runs: group by configuration, aggregate over seeds, tables and a plot with
bootstrap intervals (`compare_plot`), and paired tests between two runs.

Reads only run folders (metrics.json, config.yaml, predictions.jsonl), never folder names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml

from framing.core.errors import InputError
from framing.experiments.compare_plot import data_labels, plot
from framing.runs import records
from framing.runs.metrics import paired_bootstrap
from framing.runs.records import config_id


def collect(root: Path) -> pd.DataFrame:
    """One row per complete run under `root`."""
    rows = []
    for run in records.find_runs(root):
        m = records.read_json(run / "metrics.json")
        if "family" not in m:  # not a training run (e.g. evaluate_pipeline)
            continue
        cfg = yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8"))
        row = {
            "run": str(run),
            "name": m["name"],
            "task": m["task"],
            "family": m["family"],
            "model_name": m["model_name"] or "",
            "data": m["data"],
            "data_fingerprint": m["meta"]["data_fingerprint"],
            "schema": m["schema_version"],
            "seed": m["seed"],
            "config_id": config_id(cfg),
        }
        # a claim model (task=claims) scores three tasks: one row each, next to single-task runs
        tasks = list(m["labels"]) if m["task"] == "claims" else [None]
        for task in tasks:
            scored = {s: m[s][task] if task else m[s] for s in m.get("evals", ["dev", "test"])}
            rows.append(_scores({**row, "task": task or row["task"]}, scored))
    return pd.DataFrame(rows)


def _scores(row: dict, scored: dict) -> dict:
    for split in ("dev", "test"):  # cross-validated runs have no dev set
        row[f"{split}_macro_f1"] = row[f"{split}_accuracy"] = float("nan")
        row[f"{split}_ci_lo"] = row[f"{split}_ci_hi"] = float("nan")
    for split, res in scored.items():
        for key in METRIC_KEYS:
            if key in res:
                row[f"{split}_{key}"] = res[key]
        lo, hi = res["macro_f1_ci95"]
        row[f"{split}_ci_lo"], row[f"{split}_ci_hi"] = lo, hi
    return row


# Scores read from each scored set of a run (those present), aggregated over seeds.
METRIC_KEYS = ("macro_f1", "accuracy", "lenient_macro_f1", "lenient_accuracy")


def metric_columns(df: pd.DataFrame) -> list[str]:
    """The per-run score columns of `collect`'s frame (e.g. test_macro_f1, test_mt_accuracy)."""
    return [c for c in df.columns if c.endswith(METRIC_KEYS)]


def filter_runs(
    df: pd.DataFrame, task: str | None = None, data: str | None = None, schema: str | None = None
) -> pd.DataFrame:
    for col, value in (("task", task), ("data", data), ("schema", schema)):
        if value is not None and not df.empty:
            df = df[df[col] == value]
    return df


def select_runs(df: pd.DataFrame, root: Path, **filters: str | None) -> pd.DataFrame:
    """`filter_runs`, refusing a filter value no run under `root` has (with those it has) and
    filters that leave nothing together."""
    if df.empty:
        raise InputError("no complete runs to compare")
    for col, value in filters.items():
        if value is not None and value not in set(df[col]):
            found = ", ".join(sorted(set(df[col])))
            raise InputError(f"no run under {root} has {col}={value} (found: {found})")
    out = filter_runs(df, **filters)
    if out.empty:
        raise InputError(f"no run under {root} has {_describe(filters, ', ')} together")
    return out


def _describe(filters: dict, sep: str) -> str:
    return sep.join(f"{k}={v}" for k, v in filters.items() if v is not None)


GROUP_KEYS = ["task", "family", "data", "data_fingerprint", "schema", "config_id"]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Mean and sample sd over seeds per configuration (sd is NaN for a single run: no spread
    to show), and the mean of the runs' bootstrap 95% intervals of test macro-F1."""
    if df.empty:
        raise InputError("no complete runs to compare")
    scores = {}
    for col in metric_columns(df):
        scores[f"{col}_mean"] = (col, "mean")
        scores[f"{col}_sd"] = (col, "std")
    return (
        df.groupby(GROUP_KEYS, sort=True)
        .agg(
            name=("name", "first"),
            model=("model_name", "first"),
            runs=("run", "count"),
            seeds=("seed", lambda s: ",".join(str(x) for x in sorted(s))),
            **scores,
            test_ci_lo=("test_ci_lo", "mean"),
            test_ci_hi=("test_ci_hi", "mean"),
        )
        .reset_index()
    )


def _pm(mean: float, sd: float, runs: int) -> str:
    """Percent, with the sd over seeds where there are several (a single run has none)."""
    if pd.isna(mean):
        return "–"
    if runs < 2 or pd.isna(sd):
        return f"{100 * mean:.1f} (n=1)"
    return f"{100 * mean:.1f} ± {100 * sd:.1f}"


def _ci(lo: float, hi: float) -> str:
    return "–" if pd.isna(lo) else f"[{100 * lo:.1f}, {100 * hi:.1f}]"  # span runs have none


def to_markdown(summary: pd.DataFrame) -> str:
    """A paper-ready table, scores in percent: mean ± sd over seeds ("(n=1)": one run) and the
    bootstrap 95% interval of test macro-F1 (the mean of the runs' intervals)."""
    head = [
        "task",
        "family",
        "config",
        "data",
        "schema",
        "runs",
        "dev macro-F1",
        "test macro-F1",
        "test accuracy",
        "test macro-F1 95% CI (mean)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r, data in zip(summary.itertuples(), data_labels(summary)):
        cells = [
            r.task,
            r.family,
            r.config_id,
            data,
            r.schema,
            str(r.runs),
            _pm(r.dev_macro_f1_mean, r.dev_macro_f1_sd, r.runs),
            _pm(r.test_macro_f1_mean, r.test_macro_f1_sd, r.runs),
            _pm(r.test_accuracy_mean, r.test_accuracy_sd, r.runs),
            _ci(r.test_ci_lo, r.test_ci_hi),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def output_stem(
    task: str | None = None, data: str | None = None, schema: str | None = None
) -> str:
    """The file name (without suffix) of a comparison: `compare`, or for a filtered one e.g.
    `compare-task=stance`, so a filtered comparison never overwrites the full one.

    >>> output_stem(), output_stem("stance", schema="mfc-generic.v1")
    ('compare', 'compare-task=stance_schema=mfc-generic.v1')
    """
    filters = _describe({"task": task, "data": data, "schema": schema}, "_")
    return "compare" + (f"-{re.sub(r'[^A-Za-z0-9._=+-]', '_', filters)}" if filters else "")


def write_comparison(
    root: Path,
    out: Path | None = None,
    task: str | None = None,
    data: str | None = None,
    schema: str | None = None,
) -> tuple[str, list[Path]]:
    """Compare the runs under `root` (filtered by task, data, schema): write `<stem>.csv`, .md
    and .png into `out` (default `root`), `<stem>` from `output_stem`; return the Markdown
    table and the files written."""
    if not Path(root).is_dir():
        raise InputError(f"no such folder: {root}")
    runs = select_runs(collect(root), Path(root), task=task, data=data, schema=schema)
    summary = summarize(runs)
    out = Path(out or root)
    out.mkdir(parents=True, exist_ok=True)
    table = to_markdown(summary)
    stem = output_stem(task, data, schema)
    files = [out / f"{stem}.csv", out / f"{stem}.md", out / f"{stem}.png"]
    summary.to_csv(files[0], index=False)
    files[1].write_text(table, encoding="utf-8")
    plot(summary, runs, files[2])
    return table, files


# ---------------------------------------------------------------- paired tests between two runs


def _training_metrics(run: Path) -> dict:
    """metrics.json of a complete training run with its test predictions, else one line."""
    for name in ("metrics.json", "predictions.jsonl"):
        if not (Path(run) / name).is_file():
            raise InputError(f"{run}: no {name} (expected a complete training run folder)")
    m = records.read_json(Path(run) / "metrics.json")
    if "family" not in m:
        raise InputError(f"{run}: not a training run (its metrics.json names no model family)")
    return m


def _task_predictions(run: Path, m: dict, task: str | None) -> tuple[str, list, list, list]:
    """(task, [(id, gold)], predicted, labels) of a run's test rows; a claim model run (task
    claims) needs `task`, one of the tasks it predicts."""
    rows = records.read_predictions(run)
    if m["task"] == "claims":
        if task not in m["labels"]:
            raise InputError(
                f"{run} is a claim model run (tasks {', '.join(m['labels'])}): "
                f"give one of them to compare (got task={task})"
            )
        rows = [r for r in rows if r.get(f"gold_{task}") is not None]
        pairs = [(r["id"], r[f"gold_{task}"]) for r in rows]
        return task, pairs, [r[f"pred_{task}"] for r in rows], m["labels"][task]
    if task not in (None, m["task"]):
        raise InputError(f"{run} is a {m['task']} run, not {task}")
    pairs = [(r["id"], r["gold"]) for r in rows]
    return m["task"], pairs, [r["predicted"] for r in rows], m["labels"]


def paired_test(
    run_a: Path, run_b: Path, n_boot: int = 10000, seed: int = 0, task: str | None = None
) -> dict:
    """Paired bootstrap of test macro-F1 (A - B) between two runs scored on the same test
    examples; `task` picks one task of a claim model run."""
    ma, mb = _training_metrics(run_a), _training_metrics(run_b)
    if task is None and ma["task"] == "claims" and mb["task"] != "claims":
        task = mb["task"]  # a claim model run against a single-task run: that task
    task_a, pairs_a, pred_a, labels = _task_predictions(run_a, ma, task)
    task_b, pairs_b, pred_b, _ = _task_predictions(
        run_b, mb, task_a if mb["task"] == "claims" else task
    )
    if task_a != task_b or pairs_a != pairs_b:
        raise InputError(f"{run_a} and {run_b} were not scored on the same test examples")
    gold = [g for _, g in pairs_a]
    result = paired_bootstrap(gold, pred_a, pred_b, labels, n_boot, seed)
    return {"run_a": str(run_a), "run_b": str(run_b), "task": task_a, **result}


def paired_tests(run_a: Path, run_b: Path, n_boot: int = 10000, seed: int = 0) -> list[dict]:
    """`paired_test` for every task both runs predict: one for single-task runs, one per task
    (frame, stance, ...) where a claim model run is compared."""
    tasks = []
    for run in (run_a, run_b):
        m = _training_metrics(run)
        tasks.append(list(m["labels"]) if m["task"] == "claims" else [m["task"]])
    shared = [t for t in tasks[0] if t in tasks[1]]
    if not shared:
        raise InputError(
            f"{run_a} and {run_b} predict no common task "
            f"({', '.join(tasks[0])} vs {', '.join(tasks[1])})"
        )
    return [paired_test(run_a, run_b, n_boot, seed, task=t) for t in shared]


def paired_report(run_a: Path, run_b: Path, n_boot: int = 10000, as_json: bool = False) -> str:
    """What `compare.py --paired` prints: a `reading` per task, or the results as JSON (one
    task: its result; claim model runs: a list, one result per task)."""
    results = paired_tests(run_a, run_b, n_boot)
    if as_json:
        return json.dumps(results[0] if len(results) == 1 else results, indent=1)
    return "\n".join(reading(r) for r in results)


def reading(result: dict) -> str:
    """One line for a reader, e.g. 'framing test macro-F1: A - B = 2.6 points, 95% CI [-6.7,
    11.5], p = 0.59, n = 227: no evidence of a difference'.

    >>> reading({"task": "x", "delta_macro_f1": -0.05, "ci95": [-0.09, -0.01],
    ...          "p_value": 0.004, "n": 300})
    'x test macro-F1: A - B = -5.0 points, 95% CI [-9.0, -1.0], p = 0.004, n = 300: B is better'
    """
    lo, hi = (100 * x for x in result["ci95"])
    if lo > 0 or hi < 0:
        verdict = "A is better" if result["delta_macro_f1"] > 0 else "B is better"
    else:
        verdict = "no evidence of a difference"
    return (
        f"{result['task']} test macro-F1: A - B = {100 * result['delta_macro_f1']:.1f} points, "
        f"95% CI [{lo:.1f}, {hi:.1f}], p {_p(result['p_value'])}, n = {result['n']}: {verdict}"
    )


def _p(p: float) -> str:
    """'= 0.59', '= 0.0098', '< 0.001' (a bootstrap p-value has no more precision)."""
    if p < 0.001:
        return "< 0.001"
    return f"= {p:.2f}" if p >= 0.1 else f"= {p:.2g}"
