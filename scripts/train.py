"""Train and score one configuration (or a sweep with -m); prints each run folder last.

python scripts/train.py
python scripts/train.py -m seed=1,2,3 model=tfidf_logreg,encoder_logreg
python scripts/train.py experiment=stance_finetune
"""

from __future__ import annotations

import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from framing.core.compose import VERSION_BASE
from framing.core.errors import InputError
from framing.experiments.config import check_overrides, register
from framing.experiments.runner import run_experiment
from framing.runs.config import TrainConfig

register()


@hydra.main(version_base=VERSION_BASE, config_path="../configs", config_name="train")
def main(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    job = hc.job.num if hc.mode == RunMode.MULTIRUN else None
    try:
        config: TrainConfig = OmegaConf.to_object(cfg)
        run_dir = run_experiment(config, overrides=list(hc.overrides.task), job=job)
    except (InputError, OmegaConfBaseException) as e:
        message = str(e).strip().splitlines()[0]
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
    print(run_dir)


if __name__ == "__main__":
    try:
        check_overrides(sys.argv[1:])
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    main()
