"""Compare recorded runs: group by configuration, aggregate over seeds, test pairs, plot.

Reads only run folders (metrics.json, config.yaml, predictions.jsonl), never folder names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from framing.core.errors import InputError
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


GROUP_KEYS = ["task", "family", "data", "data_fingerprint", "schema", "config_id"]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over seeds per configuration (sd is 0 for a single run)."""
    if df.empty:
        raise InputError("no complete runs to compare")
    scores = {}
    for col in metric_columns(df):
        scores[f"{col}_mean"] = (col, "mean")
        scores[f"{col}_sd"] = (col, "std")
    agg = (
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
    sd_cols = [c for c in agg.columns if c.endswith("_sd")]
    agg[sd_cols] = agg[sd_cols].fillna(0.0)
    return agg


def _pm(mean: float, sd: float) -> str:
    if pd.isna(mean):
        return "–"
    return f"{100 * mean:.1f} ± {100 * sd:.1f}"


def to_markdown(summary: pd.DataFrame) -> str:
    """A paper-ready table, scores in percent (mean ± sd over seeds)."""
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
    for r in summary.itertuples():
        cells = [
            r.task,
            r.family,
            r.config_id,
            r.data,
            r.schema,
            str(r.runs),
            _pm(r.dev_macro_f1_mean, r.dev_macro_f1_sd),
            _pm(r.test_macro_f1_mean, r.test_macro_f1_sd),
            _pm(r.test_accuracy_mean, r.test_accuracy_sd),
            f"[{100 * r.test_ci_lo:.1f}, {100 * r.test_ci_hi:.1f}]",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(summary: pd.DataFrame, path: Path) -> None:
    """Bar chart of test macro-F1 (mean ± sd) per configuration, one panel per task."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(dict.fromkeys(summary["task"]))
    fig, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 3.6), squeeze=False)
    for ax, task in zip(axes[0], tasks):
        sub = summary[summary["task"] == task]
        labels = [f"{f}\n{c}" for f, c in zip(sub["family"], sub["config_id"])]
        ax.bar(
            range(len(sub)),
            100 * sub["test_macro_f1_mean"],
            yerr=100 * sub["test_macro_f1_sd"],
            capsize=3,
            color="#4C72B0",
        )
        ax.set_xticks(range(len(sub)), labels, rotation=45, ha="right", fontsize=7)
        ax.set_title(task)
        ax.set_ylim(0, 100)
        ax.set_ylabel("test macro-F1 (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def paired_test(run_a: Path, run_b: Path, n_boot: int = 10000, seed: int = 0) -> dict:
    """Paired bootstrap of test macro-F1 between two runs scored on the same test examples."""
    for run in (run_a, run_b):
        if records.read_json(Path(run) / "metrics.json").get("task") == "claims":
            raise InputError(
                f"{run} is a claim model run (three tasks): --paired compares single-task runs; "
                "read its per-task intervals in metrics.json"
            )
    a, b = records.read_predictions(run_a), records.read_predictions(run_b)
    if [(r["id"], r["gold"]) for r in a] != [(r["id"], r["gold"]) for r in b]:
        raise InputError(f"{run_a} and {run_b} were not scored on the same test examples")
    labels = records.read_json(Path(run_a) / "metrics.json")["labels"]
    result = paired_bootstrap(
        [r["gold"] for r in a],
        [r["predicted"] for r in a],
        [r["predicted"] for r in b],
        labels,
        n_boot,
        seed,
    )
    return {"run_a": str(run_a), "run_b": str(run_b), **result}


def write_comparison(
    root: Path,
    out: Path | None = None,
    task: str | None = None,
    data: str | None = None,
    schema: str | None = None,
) -> tuple[str, list[Path]]:
    """Compare the runs under `root` (filtered by task, data, schema): write compare.csv, .md
    and .png into `out` (default `root`); return the Markdown table and the files written."""
    if not Path(root).is_dir():
        raise InputError(f"no such folder: {root}")
    summary = summarize(filter_runs(collect(root), task, data, schema))
    out = Path(out or root)
    out.mkdir(parents=True, exist_ok=True)
    table = to_markdown(summary)
    files = [out / "compare.csv", out / "compare.md", out / "compare.png"]
    summary.to_csv(files[0], index=False)
    files[1].write_text(table, encoding="utf-8")
    plot(summary, files[2])
    return table, files
