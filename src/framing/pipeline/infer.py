"""The infer command's work: analyze every input article and write its claim rows as they come
(a table or JSONL on stdout, or a file streamed with a manifest so a rerun resumes), with a
progress bar on stderr; a bad article is reported (one `error:` line) and the others go on."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from framing.core.errors import InputError
from framing.pipeline.analyze import TAGGER_MODES, InferConfig, headline_of
from framing.pipeline.article import Document
from framing.pipeline.ingest import IngestError, list_inputs, read_input
from framing.pipeline.metadata import load_manifest, provenance, row_metadata
from framing.pipeline.report import summarize, to_jsonl, to_table
from framing.pipeline.rows import ROW_KEYS
from framing.pipeline.stream import RowWriter, content_key, write_summaries

# settings that do not change a row: where and how rows go, which machine computes them
NOT_IN_ROWS = (  # manifest stays in: its columns are in the rows
    *("out", "summary", "format", "device", "engine", "workers", "articles_per_batch"),
    *("part_rows", "report", "group_by"),
)


class StdoutRows:
    """Rows of each article printed as it finishes (a table or JSONL); summaries kept."""

    def __init__(self, fmt: str, stdout: TextIO, keep: bool = False) -> None:
        self.fmt, self.stdout, self.keep = fmt, stdout, keep
        self.rows: list[dict] = []  # with `keep` (report=): every row, and each article's text
        self.texts: dict[str, str] = {}
        self.done: set[str] = set()
        self.resumed, self.claims, self.articles = False, 0, 0
        self._summaries: dict[str, dict] = {}

    def start(self) -> None:
        pass

    def add(self, doc: Document, key: str, rows: list[dict], seconds: float, summary: dict):
        self.done.add(key)
        self._summaries[doc.id] = summary
        self.claims, self.articles = self.claims + len(rows), self.articles + 1
        if self.keep:
            self.rows += rows
            self.texts[doc.id] = doc.text
        text = to_jsonl(rows) if self.fmt == "jsonl" else to_table(doc.id, rows)
        self.stdout.write(text)
        self.stdout.flush()

    def error(self, path: str, message: str, key: str | None = None, seconds: float = 0.0):
        pass

    def commit(self, force: bool = False) -> None:
        pass

    def close(self) -> None:
        pass

    def summaries(self) -> Iterator[tuple[str, dict]]:
        yield from self._summaries.items()


def row_settings(cfg: InferConfig) -> dict:
    """The settings that shape the rows (a manifest refuses to mix rows of others)."""
    return {k: v for k, v in asdict(cfg).items() if k not in NOT_IN_ROWS}


def infer(
    cfg: InferConfig, paths: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the pipeline on the articles at `paths` (files, folders, `-` for stdin); return the
    exit code: 0, or 2 when any input was bad (one `error: ...` line each on stderr)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        if not paths:
            raise InputError("no input: give article files, folders or - for stdin")
        if cfg.engine == "ray" and "-" in paths:
            raise InputError("engine=ray reads files: save stdin to a file, or use engine=local")
        settings = row_settings(cfg)
        tagger = cfg.span_tagger if cfg.attribution in TAGGER_MODES else None
        ensemble = cfg.ensemble_model if cfg.attribution == "ensemble" else None
        made_by = provenance(settings, cfg.model_dir, cfg.claim_model, tagger, ensemble)
        table = load_manifest(cfg.manifest, ROW_KEYS) if cfg.manifest else {}
        if cfg.out:
            sink = RowWriter(cfg.out, cfg.out_format, settings, cfg.part_rows, made_by)
        else:
            sink = StdoutRows(cfg.format, stdout, keep=bool(cfg.report))
        inputs = list_inputs(paths)
        engine = load_engine(cfg)
    except InputError as e:
        print(f"error: {e}", file=stderr)
        return 2
    bar = progress(len(inputs), stderr)
    failed = 0
    try:
        sink.start()
        for path, result, key, seconds in engine.run(inputs, sink.done):
            if isinstance(result, str):  # an error message
                bar.write(f"error: {result}", file=stderr)
                sink.error(path, result, key, seconds)
                failed += 1
            elif result is not None:  # None: skipped, written by an earlier run
                doc, rows = result
                meta = row_metadata(doc, table, headline_of(doc.text))
                rows = [r | meta for r in rows]
                sink.add(doc, key, rows, seconds, summarize(rows))
            bar.update(1)
            bar.set_postfix(claims=sink.claims, refresh=False)
            if engine.batch_done:
                sink.commit()
        sink.close()
        bar.close()
        getattr(engine, "close", lambda: None)()
        if cfg.out:
            skipped = len(inputs) - sink.articles - failed
            print(
                f"wrote {sink.claims} claims of {sink.articles} article"
                + ("" if sink.articles == 1 else "s")
                + f" to {cfg.out}"
                + (f" ({skipped} already there)" if skipped else ""),
                file=stderr,
            )
        if cfg.summary:
            write_summaries(sink.summaries(), cfg.summary, made_by)
        if cfg.report:
            write_html(cfg, sink, made_by, stderr)
    except (InputError, OSError) as e:
        bar.close()
        print(f"error: {e}", file=stderr)
        return 2
    return 2 if failed else 0


def progress(total: int, stderr: TextIO):
    """A progress bar (articles/s, ETA) on a terminal's stderr; silent otherwise."""
    from tqdm import tqdm

    return tqdm(total=total, unit="article", file=stderr, disable=None, dynamic_ncols=True)


def load_engine(cfg: InferConfig):
    if cfg.engine == "ray":
        from framing.pipeline.ray_engine import RayEngine

        return RayEngine(cfg)
    return LocalEngine(cfg)


class LocalEngine:
    """The pipeline in this process, `articles_per_batch` articles at a time.

    `run` yields (path, result, key, seconds) per input in order: result is (Document, rows),
    an error message, or None for an article an earlier run wrote; `batch_done` says the
    last one yielded ended a batch (the moment to commit)."""

    def __init__(self, cfg: InferConfig) -> None:
        from framing.pipeline.analyze import Pipeline

        self.cfg = cfg
        self.pipeline = Pipeline(cfg)
        self.batch_done = False

    def run(self, inputs: list, done: set[str]) -> Iterator[tuple]:
        batch: list[tuple[str, Document, str]] = []
        for k, item in enumerate(inputs):
            last = k == len(inputs) - 1
            self.batch_done = False
            if isinstance(item, IngestError):
                self.batch_done = last and not batch
                yield item.path, str(item), None, 0.0
            else:
                doc = read_input(item)
                if isinstance(doc, IngestError):
                    self.batch_done = last and not batch
                    yield doc.path, str(doc), None, 0.0
                else:
                    key = content_key(doc)
                    if key in done or any(key == b[2] for b in batch):
                        self.batch_done = last and not batch
                        yield item, None, key, 0.0
                    else:
                        batch.append((item, doc, key))
            if batch and (len(batch) >= self.cfg.articles_per_batch or last):
                yield from self._analyze(batch)
                batch = []

    def _analyze(self, batch: list[tuple[str, Document, str]]) -> Iterator[tuple]:
        t0 = time.perf_counter()
        results = self.pipeline.analyze_many([doc for _, doc, _ in batch])
        each = (time.perf_counter() - t0) / len(batch)
        for k, ((path, doc, key), res) in enumerate(zip(batch, results)):
            self.batch_done = k == len(batch) - 1
            if isinstance(res, InputError):
                yield path, f"{doc.meta.get('path', doc.id)}: {res}", key, each
            else:
                yield path, (doc, res), key, each


def write_html(cfg: InferConfig, sink, made_by: dict, stderr: TextIO) -> None:
    """report=DIR: the HTML report of the rows just written (read back from `out=`, whose
    articles' texts are read again from their files) or kept in memory."""
    from framing.pipeline.html_report import write_report
    from framing.pipeline.html_rows import read_rows

    if cfg.out:
        rows, texts = read_rows(cfg.out), None
    else:
        rows, texts = sink.rows, sink.texts
    index = write_report(rows, Path(cfg.report), texts, cfg.group_by, made_by)
    print(f"wrote the report {index}", file=stderr)
