"""The infer command's work: analyze each input article and write its claim rows (a table,
JSONL on stdout, or a file) and per-article summaries; a bad file is reported and skipped."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from framing.core.errors import InputError
from framing.pipeline.analyze import InferConfig, Pipeline
from framing.pipeline.ingest import read_documents
from framing.pipeline.report import summarize, to_jsonl, to_table, write_rows


def infer(
    cfg: InferConfig, paths: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the pipeline on the articles at `paths` (files, folders, `-` for stdin); return the
    exit code: 0, or 2 when any input was bad (one `error: ...` line each on stderr)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        if not paths:
            raise InputError("no input: give article files, folders or - for stdin")
        pipeline = Pipeline(cfg)
    except InputError as e:
        print(f"error: {e}", file=stderr)
        return 2
    rows, summaries, failed = [], {}, 0
    for doc in read_documents(paths):
        if isinstance(doc, InputError):
            print(f"error: {doc}", file=stderr)
            failed += 1
            continue
        try:
            doc_rows = pipeline.analyze(doc)
        except InputError as e:
            print(f"error: {doc.meta.get('path', doc.id)}: {e}", file=stderr)
            failed += 1
            continue
        summaries[doc.id] = summarize(doc_rows)
        if cfg.out:
            rows += doc_rows
        elif cfg.format == "jsonl":
            stdout.write(to_jsonl(doc_rows))
        else:
            stdout.write(to_table(doc.id, doc_rows))
    try:
        if cfg.out and rows:
            write_rows(rows, cfg.out, cfg.format)
            print(f"wrote {len(rows)} claims to {cfg.out}", file=stderr)
        if cfg.summary and summaries:
            with open(cfg.summary, "w", encoding="utf-8") as f:
                json.dump(summaries, f, indent=1, ensure_ascii=False)
    except (InputError, OSError) as e:
        print(f"error: {e}", file=stderr)
        return 2
    return 2 if failed else 0
