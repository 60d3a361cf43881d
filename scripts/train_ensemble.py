"""Train the attribution decision of attribution=ensemble and record the run.

    python scripts/train_ensemble.py [--data-root DIR] [--span-tagger RUN] [--limit N]
                                     [--polnear-gold scheme|content]

Runs the pipeline (claims, rules, the shipped span tagger) on PolNeAR, the corpus and the real
Ukraine articles, fits the decision on their train splits, chooses it on dev, scores test;
records experiments/attribution_ensemble/<time>/ (model/ensemble.json, metrics.json).
`python scripts/make_default_model.py --ensemble --from-run RUN` ships a run.
"""

from __future__ import annotations

import argparse
import sys

from framing.benchmarks.real_news import READINGS
from framing.core.errors import InputError
from framing.core.logs import log_to_stderr, quiet_third_party
from framing.experiments.ensemble import EnsembleConfig, run_ensemble


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", help="folder holding polnear/ and ukraine_news_bias/")
    parser.add_argument("--limit", type=int, help="articles per source and split (a quick run)")
    parser.add_argument("--span-tagger", default="default", help="default or a tagger run folder")
    parser.add_argument("--out", default="experiments", help="runs folder")
    parser.add_argument(
        "--polnear-gold",
        default=EnsembleConfig.polnear_gold,
        choices=READINGS,
        help="the reading of PolNeAR's gold (benchmarks/real_news.py)",
    )
    args = parser.parse_args()
    quiet_third_party()
    log_to_stderr()
    try:
        cfg = EnsembleConfig(
            limit=args.limit, span_tagger=args.span_tagger, polnear_gold=args.polnear_gold
        )
        if args.data_root:
            cfg.data_root = args.data_root
        run_dir = run_ensemble(cfg, args.out)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
