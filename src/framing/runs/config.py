"""The typed config of one training run: task, data, schema, model family, seed, outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omegaconf import MISSING

from framing.core.errors import InputError
from framing.data.config import DataConfig, SchemaConfig, TaskConfig


@dataclass
class TrainConfig:
    """One training run; `name` names its folder under `out_root`."""

    task: TaskConfig = MISSING
    data: DataConfig = MISSING
    schema: SchemaConfig = MISSING
    model: Any = MISSING
    name: str = MISSING
    seed: int = 0
    # public benchmark datasets (configs/data/{newsmtsc,gvfc,frac,polnear}.yaml read from here)
    data_root: str = "../shared/datasets"
    out_root: str = "experiments"
    bootstrap: int = 1000  # resamples for the macro-F1 interval
    save_model: bool = True
    resume: str | None = None  # the folder of a killed span-tagger run: continue it

    def __post_init__(self) -> None:
        if self.bootstrap < 0:
            raise InputError(f"bootstrap={self.bootstrap}; expected a number of resamples >= 0")
