"""`run_experiment`: one training run, dispatched on the task to the runner of its kind.

The registry `TASK_KINDS` names each kind's runner as "module:function" (imported only when
used, so the runner imports no benchmark). A runner takes `(cfg, overrides, job)`, checks data
and model before it creates the run folder, records the run through `framing.runs.records`, and
returns the folder. Adding a task kind is one new module with such a function plus one line here.
"""

from __future__ import annotations

from pathlib import Path

from framing.core.registry import resolve
from framing.runs.config import TrainConfig

# the kind of task every task not named in TASK_OF is: one label per text (or text pair)
CLASSIFICATION = "classification"
# kind -> its runner
TASK_KINDS: dict[str, str] = {
    CLASSIFICATION: "framing.experiments.classification:run_classification",
    "spans": "framing.benchmarks.spans:run_span_experiment",  # PolNeAR Source/Cue/Content
}
# task.name -> kind, for tasks that are not classifications
TASK_OF: dict[str, str] = {"attribution_spans": "spans"}


def task_kind(task: str) -> str:
    """The kind of a task name: its entry in TASK_OF, else classification."""
    return TASK_OF.get(task, CLASSIFICATION)


def run_experiment(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one configuration; return its run folder.

    Data and model are checked before the folder exists, so bad input leaves nothing behind.
    A failure after that marks the folder failed and re-raises.
    """
    run = resolve(TASK_KINDS[task_kind(cfg.task.name)])
    return run(cfg, overrides, job)
