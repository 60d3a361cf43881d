"""Regenerate the embedded default heads that `scripts/infer.py` uses without a training step.

    python scripts/make_default_model.py

Trains each head with scripts/train.py's code on the corpus train split (encoder_logreg on the
shipped all-MiniLM-L6-v2; the stance head embeds claim and target separately, pair_mode=concat,
so one encoder pass per claim serves every target), records each run under experiments/ like
any other, and copies its config and model (a few kB of safetensors) to
src/framing/default_model/<task>/ with a note of the run it came from.
"""

from __future__ import annotations

import argparse
import sys

from framing.core.errors import InputError
from framing.experiments.default_model import make_default_heads


def main() -> int:
    # no options: parsing only answers --help (and refuses anything else) before any training
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    try:
        made = make_default_heads()
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for task, (dest, run_dir) in made.items():
        print(f"{task}: {dest} from {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
