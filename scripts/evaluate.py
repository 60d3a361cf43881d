"""Score the whole article pipeline on the annotated corpus (test articles by default).

    python scripts/evaluate.py
    python scripts/evaluate.py --split dev --model-dir experiments/framing_finetune/RUN

Records the run under experiments/evaluate_pipeline/<timestamp>/ and prints its folder last.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from framing.benchmarks.evaluate import run_evaluation
from framing.core.errors import InputError
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
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="[%(asctime)s][%(name)s][%(levelname)s] %(message)s",
    )
    try:
        cfg = PipelineConfig(
            model_dir=args.model_dir,
            device=args.device,
            attribution=args.attribution,
            span_tagger=args.span_tagger,
        )
        run_dir = run_evaluation(cfg, args.data_root, args.split, args.out_root, args.bootstrap)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    m = read_json(run_dir / "metrics.json")
    brief = {
        "segment_accuracy": m["segments"]["accuracy"],
        "claim_boundary_f1": m["claim_boundary"]["exact_f1"],
        **{
            f"attributed_accuracy_{k}": v["exact"].get("attributed_accuracy")
            for k, v in m["attribution"].items()
        },
        "stance_macro_f1": m["stance"]["macro_f1"],
        "frame_macro_f1": m["frame"]["macro_f1"],
    }
    print(json.dumps(brief, indent=1), file=sys.stderr)
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
