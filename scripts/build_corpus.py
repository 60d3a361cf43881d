"""Resolve offsets in the corpus annotations, validate them, and write the article split.

    python scripts/build_corpus.py              # every annotation + data/corpus/splits.json
    python scripts/build_corpus.py data/corpus/annotations/x.json   # just these files
    python scripts/build_corpus.py --stats              # + label counts per split (data card)

Annotators write claim, source-mention and cue texts; this fills in their character offsets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from framing.data.corpus import (
    AnnotationError,
    label_counts,
    load_corpus,
    read_article,
    resolve_offsets,
    write_splits,
)

ROOT = Path(__file__).resolve().parents[1] / "data" / "corpus"
SPLIT_SEED = 13


def resolve_file(path: Path) -> str | None:
    """Fill offsets into one annotation file in place; return an error line or None."""
    try:
        ann = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        return f"{path}: not valid JSON ({e})"
    article = path.parent.parent / "articles" / f"{ann.get('article_id', path.stem)}.txt"
    if not article.exists():
        return f"{path}: article file {article} is missing"
    try:
        out = resolve_offsets(read_article(article), ann)
    except (AnnotationError, KeyError) as e:
        return f"{path}: {e}"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return None


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
