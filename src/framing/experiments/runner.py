"""`run_experiment`: one training run, dispatched on the task's kind to that kind's runner.

The registry `TASK_KINDS` names each kind's runner as "module:function", imported only when a
task of that kind runs (so the runner imports no benchmark); a task's kind is its entry in
`framing.data.config.TASKS`. A runner takes `(cfg, overrides, job)`, checks data and model
before it creates the run folder, records the run through `framing.runs.records.open_run`, and
returns the folder. Adding a task kind is one new module with such a function plus one line
here.
"""

from __future__ import annotations

from pathlib import Path

from framing.core.registry import resolve
from framing.data.config import TASKS
from framing.runs.config import TrainConfig

# task kind -> its runner
TASK_KINDS: dict[str, str] = {
    # one label per text or text pair: framing, stance, attribution, source_type
    "classification": "framing.experiments.classification:run_classification",
    # PolNeAR Source / Cue / Content spans: attribution_spans
    "spans": "framing.benchmarks.spans:run_span_experiment",
    # frame, stance and attribution of claims in context: claims
    "claims": "framing.experiments.claims:run_claims",
}


def run_experiment(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one configuration; return its run folder.

    Data and model are checked before the folder exists, so bad input leaves nothing behind.
    A failure after that marks the folder failed and re-raises.
    """
    run = resolve(TASK_KINDS[TASKS[cfg.task.name].kind])
    return run(cfg, overrides, job)
