"""Regenerate the embedded default models that `scripts/infer.py` uses without a training step.

    python scripts/make_default_model.py                  # the four heads (a few minutes)
    python scripts/make_default_model.py --attribution    # the span tagger (about 40 minutes)
    python scripts/make_default_model.py --claims         # the claim model (about 15 minutes)
    python scripts/make_default_model.py --claims --from-run RUN  # copy a recorded run
    python scripts/make_default_model.py --ensemble       # attribution=ensemble (8 minutes)

Heads: encoder_logreg on the shipped all-MiniLM-L6-v2, trained on the corpus train split (the
stance head embeds claim and target separately, pair_mode=concat). Span tagger: experiment
polnear_corpus_tagger_lora (a LoRA adapter, PolNeAR train plus the corpus). Claim model:
experiment claims_multitask (frame, stance, attribution in context). Ensemble: the claim-level
attribution decision over rules and tagger (scripts/train_ensemble.py). Each run is recorded
under experiments/ like any other and copied to src/framing/default_model/ with a note of it.
"""

from __future__ import annotations

import argparse
import sys

from framing.core.errors import InputError
from framing.experiments.default_model import (
    make_default_claims,
    make_default_ensemble,
    make_default_heads,
    make_default_tagger,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--attribution", action="store_true", help="the span tagger, not heads")
    which.add_argument("--claims", action="store_true", help="the claim model, not heads")
    which.add_argument("--ensemble", action="store_true", help="the attribution decision")
    parser.add_argument("--from-run", help="with --attribution or --claims: copy this run")
    args = parser.parse_args()
    try:
        if args.from_run and not (args.attribution or args.claims or args.ensemble):
            raise InputError("--from-run goes with --attribution, --claims or --ensemble")
        if args.attribution:
            made = {"attribution_spans": (make_default_tagger(args.from_run), args.from_run)}
        elif args.ensemble:
            made = {"attribution_ensemble": (make_default_ensemble(args.from_run), args.from_run)}
        elif args.claims:
            made = {"claims": (make_default_claims(args.from_run), args.from_run)}
        else:
            made = make_default_heads()
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for task, (dest, run_dir) in made.items():
        print(f"{task}: {dest} from {run_dir or 'a new run'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
