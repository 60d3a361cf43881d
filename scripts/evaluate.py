"""Score the whole article pipeline on the annotated corpus or on PolNeAR (real news).

    python scripts/evaluate.py --split dev --model-dir experiments/framing_finetune/RUN
    python scripts/evaluate.py --dataset polnear    # PolNeAR test from <data root>/polnear
    python scripts/evaluate.py --dataset ukraine    # real Ukraine-crisis articles, data/ukraine

Default: the corpus test split. Records experiments/evaluate_{pipeline,polnear,ukraine}/<time>.
"""

from __future__ import annotations

import argparse
import json
import sys

from framing.benchmarks.evaluate import DATASETS, evaluate_dataset
from framing.core.errors import InputError
from framing.core.logs import log_to_stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="corpus", choices=DATASETS)
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument(
        "--data-root",
        help="corpus folder (default data/corpus); with --dataset polnear the PolNeAR folder "
        "(default $FRAMING_DATA_ROOT/polnear, else ../shared/datasets/polnear)",
    )
    parser.add_argument("--out-root", default="experiments")
    add = parser.add_argument
    add("--model-dir", action="append", default=[], help="a run replacing its task's head")
    add("--span-tagger", default="default", help="default, a tagger run folder, or none")
    add("--tagger-cover", default="content", choices=["content", "spans"])
    add("--claim-model", default="default", help="default, a claims run folder, or none")
    add("--ensemble-model", default="default", help="default or an attribution_ensemble run")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    log_to_stderr()
    try:
        run_dir, summary = evaluate_dataset(**vars(args))
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1), file=sys.stderr)
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
