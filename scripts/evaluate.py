"""Score the whole article pipeline on the annotated corpus (test articles by default).

    python scripts/evaluate.py
    python scripts/evaluate.py --split dev --model-dir experiments/framing_finetune/RUN

Records the run under experiments/evaluate_pipeline/<timestamp>/ and prints its folder last.
"""

from __future__ import annotations

import argparse
import json
import sys

from framing.benchmarks.evaluate import brief, run_evaluation
from framing.core.errors import InputError
from framing.core.logs import log_to_stderr
from framing.pipeline.analyze import PipelineConfig
from framing.runs.records import read_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--data-root", default="data/corpus")
    parser.add_argument("--out-root", default="experiments")
    parser.add_argument(
        "--model-dir",
        action="append",
        default=[],
        help="run folder whose model replaces the default head of its task",
    )
    parser.add_argument(
        "--attribution",
        default="combined",
        help="mode used by infer.py; all modes are scored either way",
    )
    parser.add_argument(
        "--span-tagger",
        help="polnear_tagger run folder: also score the tagger and rules_tagger modes",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    log_to_stderr()
    try:
        keys = ("model_dir", "device", "attribution", "span_tagger")
        cfg = PipelineConfig(**{k: getattr(args, k) for k in keys})
        run_dir = run_evaluation(cfg, args.data_root, args.split, args.out_root, args.bootstrap)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(brief(read_json(run_dir / "metrics.json")), indent=1), file=sys.stderr)
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
