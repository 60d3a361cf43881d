"""Resolve offsets in the corpus annotations, validate them, and write the article split.

    python scripts/build_corpus.py              # every annotation + data/corpus/splits.json
    python scripts/build_corpus.py data/corpus/annotations/x.json   # just these files
    python scripts/build_corpus.py --stats              # + label counts per split (data card)

Annotators write claim, source-mention and cue texts; this fills in their character offsets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.data.corpus import (
    label_counts,
    load_corpus,
    resolve_file,
    write_splits,
)

ROOT = Path(__file__).resolve().parents[1] / "data" / "corpus"
SPLIT_SEED = 13


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--stats", action="store_true", help="print label counts per split")
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "annotations").glob("*.json"))
    errors = [e for e in map(resolve_file, files) if e]
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} of {len(files)} annotation files have errors", file=sys.stderr)
        return 1
    n_claims = 0
    if not args.files:
        docs = load_corpus(ROOT)
        split = write_splits(ROOT, docs, seed=SPLIT_SEED)
        n_claims = sum(len(d["claims"]) for d in docs)
        if args.stats:
            print(label_counts(docs, split))
    print(f"ok: {len(files)} annotation files" + (f", {n_claims} claims" if n_claims else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
