"""The comparison plot: test macro-F1 per configuration with its bootstrap 95% interval and the
seeds' scores, one panel per task, data and label scheme (runs on other data never share one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Bar:
    """One configuration: its label, mean test macro-F1, interval and seeds, in percent."""

    label: str  # family, the run name where it is not <task>_<family>, config id
    value: float  # mean over seeds
    ci: tuple[float, float]  # bootstrap 95% interval (the mean of the runs' intervals)
    seeds: tuple[float, ...]  # each seed's score (dots where there are several)
    text: str  # printed over the bar


@dataclass(frozen=True)
class Panel:
    title: str  # task · data · schema
    task: str
    data: str
    schema: str
    bars: tuple[Bar, ...]


def data_labels(summary: pd.DataFrame) -> list[str]:
    """The data name of each row, with its fingerprint where one name has several versions.

    >>> data_labels(pd.DataFrame({"data": ["a", "a", "b"], "data_fingerprint": ["1", "2", "3"]}))
    ['a (1)', 'a (2)', 'b']
    """
    versions = summary.groupby("data")["data_fingerprint"].nunique()
    return [
        f"{d} ({fp[:8]})" if versions[d] > 1 else d
        for d, fp in zip(summary["data"], summary["data_fingerprint"])
    ]


def _bar_text(value: float, lo: float, hi: float, seeds: tuple[float, ...]) -> str:
    spread = f"n={len(seeds)}"
    if len(seeds) > 1:
        spread += f", sd {pd.Series(seeds).std():.1f}"
    ci = "no CI" if math.isnan(lo) else f"[{lo:.1f}, {hi:.1f}]"
    return f"{value:.1f}\n{ci}\n{spread}"


def figure_data(summary: pd.DataFrame, runs: pd.DataFrame) -> list[Panel]:
    """The panels of the plot (what it draws, in percent), from `summarize`'s frame and the
    per-run frame it was made from (for each seed's score)."""
    key = ["task", "data", "schema", "data_fingerprint"]
    # the configurations of `summarize` (its GROUP_KEYS), for each seed's score
    seeds = runs.groupby(["task", "family", "data", "data_fingerprint", "schema", "config_id"])
    seeds = seeds["test_macro_f1"]
    summary = summary.assign(data_label=data_labels(summary))
    panels = []
    for (task, data, schema, fp), sub in summary.groupby(key, sort=True):
        bars = []
        for r in sub.itertuples():
            group = (task, r.family, data, fp, schema, r.config_id)
            scores = tuple(100 * float(x) for x in seeds.get_group(group) if not math.isnan(x))
            value, lo, hi = (
                100 * float(x) for x in (r.test_macro_f1_mean, r.test_ci_lo, r.test_ci_hi)
            )
            name = "" if r.name == f"{task}_{r.family}" else f"{r.name}\n"
            bars.append(
                Bar(
                    f"{r.family}\n{name}{r.config_id}",
                    value,
                    (lo, hi),
                    scores,
                    _bar_text(value, lo, hi, scores),
                )
            )
        title = f"{task} · {sub['data_label'].iloc[0]} · {schema}"
        panels.append(Panel(title, task, data, schema, tuple(bars)))
    return panels


LEGEND = "bar: mean over seeds · whisker: bootstrap 95% interval · dots: each seed (if several)"


def plot(summary: pd.DataFrame, runs: pd.DataFrame, path: Path) -> list[Panel]:
    """Draw `figure_data` to a PNG: per panel a bar per configuration (mean test macro-F1), its
    bootstrap 95% interval as an error bar, each seed as a dot where there are several, and
    the value, interval and n printed over it. Returns the panels drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = figure_data(summary, runs)
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    most = max(2, *(len(p.bars) for p in panels))
    width = 1.3 * most + 1.2
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, 4.2 * rows), squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        x = range(len(panel.bars))
        values = [b.value for b in panel.bars]
        err = [  # no whisker where a run has no interval (span scores)
            [max(0.0, b.value - b.ci[0]) if not math.isnan(b.ci[0]) else 0.0 for b in panel.bars],
            [max(0.0, b.ci[1] - b.value) if not math.isnan(b.ci[1]) else 0.0 for b in panel.bars],
        ]
        ax.bar(x, values, width=0.6, color="#9DB4D6", yerr=err, capsize=4, ecolor="#222222")
        for i, bar in enumerate(panel.bars):
            if len(bar.seeds) > 1:
                offsets = [0.12 * (j - (len(bar.seeds) - 1) / 2) for j in range(len(bar.seeds))]
                ax.scatter([i + o for o in offsets], bar.seeds, s=10, color="#C44E52", zorder=3)
            ax.annotate(
                bar.text,
                (i, bar.value if math.isnan(bar.ci[1]) else bar.ci[1]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.5,
            )
        ax.set_xticks(list(x), [b.label for b in panel.bars], fontsize=7)
        ax.set_xlim(-0.6, most - 0.4)  # the same bar width in every panel
        ax.set_title(panel.title, fontsize=9)
        ax.set_ylim(0, 115)
        ax.set_yticks(range(0, 101, 20))
        ax.set_ylabel("test macro-F1 (%), 95% CI")
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(LEGEND, fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return panels
