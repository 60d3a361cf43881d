"""Claims of news articles with attribution, source, stance and frame.

    python scripts/infer.py article.txt                 # readable table
    python scripts/infer.py a.txt b.html dir/ format=jsonl > claims.jsonl
    cat a.txt | python scripts/infer.py - out=claims.parquet summary=summary.json
    python scripts/infer.py a.txt "targets=[China-Russia military cooperation,US-Japan alliance]"

Arguments with `=` are config overrides (configs/infer.yaml); the others are files, folders or
`-` for stdin. Logs go to stderr; a bad file is reported and the others go on (exit code 2).
"""

from __future__ import annotations

import json
import logging
import sys

from framing.core.errors import InputError
from framing.pipeline.analyze import compose_infer_config
from framing.pipeline.report import summarize, to_jsonl, to_table, write_rows


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="[%(asctime)s][%(name)s][%(levelname)s] %(message)s",
    )
    paths = [a for a in argv if "=" not in a]
    overrides = [a for a in argv if "=" in a]
    try:
        cfg = compose_infer_config(overrides)
        if not paths:
            raise InputError("no input: give article files, folders or - for stdin")
        from framing.pipeline.analyze import Pipeline
        from framing.pipeline.ingest import read_documents

        pipeline = Pipeline(cfg)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows, summaries, failed = [], {}, 0
    for doc in read_documents(paths):
        if isinstance(doc, InputError):
            print(f"error: {doc}", file=sys.stderr)
            failed += 1
            continue
        try:
            doc_rows = pipeline.analyze(doc)
        except InputError as e:
            print(f"error: {doc.meta.get('path', doc.id)}: {e}", file=sys.stderr)
            failed += 1
            continue
        summaries[doc.id] = summarize(doc_rows)
        if cfg.out:
            rows += doc_rows
        elif cfg.format == "jsonl":
            sys.stdout.write(to_jsonl(doc_rows))
        else:
            sys.stdout.write(to_table(doc.id, doc_rows))
    try:
        if cfg.out and rows:
            write_rows(rows, cfg.out, cfg.format)
            print(f"wrote {len(rows)} claims to {cfg.out}", file=sys.stderr)
        if cfg.summary and summaries:
            with open(cfg.summary, "w", encoding="utf-8") as f:
                json.dump(summaries, f, indent=1, ensure_ascii=False)
    except (InputError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
