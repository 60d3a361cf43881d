"""Claim rows streamed to a file as articles finish, with a manifest that lets a rerun resume.

`out=claims.jsonl` and `out=claims.csv` grow by appending; `out=claims.parquet` is a folder of
part files (a pyarrow dataset: `pandas.read_parquet("claims.parquet")` reads it whole). Beside
it, `<out>.manifest.jsonl` holds a header (format, the settings that shape the rows and their
id), then one record per article (done or error, claims, seconds, its summary, where its rows
end) and a line at the start and end of every run.

Rows are made durable first, then the manifest records that name them. Reopening cuts away
whatever no record names (rows past the last recorded end, part files no record lists, a half
written manifest line), so a run killed at any moment loses only the articles not yet recorded
and a rerun of the same command neither repeats nor duplicates a row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.article import Document
from framing.pipeline.report import flat

MANIFEST_SUFFIX = ".manifest.jsonl"
MANIFEST_VERSION = 1
PART_ROWS = 5000  # a parquet part is written once this many rows wait (`part_rows`)...
PART_SECONDS = 60.0  # ...or this long after the last part
_INTS = ("start", "end")
_BOOLS = ("attributed", "implicit")


def manifest_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + MANIFEST_SUFFIX)


def content_key(doc: Document) -> str:
    """What a rerun recognises an article by: a hash of its id and text."""
    data = f"{doc.id}\0{doc.text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def settings_id(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def _fsync_append(path: Path, data: bytes) -> int:
    """Append `data` durably; the file's size after it."""
    with open(path, "ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        return f.tell()


class RowWriter:
    """Rows of finished articles into `out` (jsonl, csv or parquet) with its manifest.

    `done` holds the content keys already written (by this run or an earlier one with the
    same settings). `add` and `error` queue an article; `commit` makes the queue durable
    (parquet parts wait for PART_ROWS rows or PART_SECONDS); `close` commits the rest."""

    def __init__(
        self,
        out: str | Path,
        fmt: str,
        settings: dict,
        part_rows: int = PART_ROWS,
        provenance: dict | None = None,
    ) -> None:
        self.out, self.fmt, self.part_rows = Path(out), fmt, part_rows
        self.provenance = provenance  # recorded at every start (package, commit, models)
        self.manifest = manifest_path(self.out)
        if not self.out.parent.is_dir():
            raise InputError(f"out={out}: folder {self.out.parent} does not exist; create it")
        self.settings = settings
        self.done: set[str] = set()
        self.columns: list[str] | None = None
        self.parts = 0
        self.claims = 0  # rows written by this run
        self.articles = 0  # articles written by this run
        self._parts: set[str] = set()  # part files the manifest names (parquet)
        self._end = 0  # bytes of `out` the manifest accounts for (jsonl, csv)
        self._queue: list[tuple[dict, list[dict]]] = []
        self._queued_rows = 0
        self._last = time.monotonic()
        self.resumed = self.manifest.exists()
        if self.resumed:
            self._check_manifest()
        elif self.out.exists():
            raise InputError(
                f"out={out} exists and has no {self.manifest.name} saying what is in it; "
                "remove it or give another out="
            )

    def start(self) -> None:
        """Begin writing: a new manifest, or the old one repaired (what it does not record is
        cut away); nothing is written before this."""
        if self.resumed:
            self._read_manifest(repair=True)
            self._repair_rows()
        else:
            header = {
                "manifest": MANIFEST_VERSION,
                "format": self.fmt,
                "settings_id": settings_id(self.settings),
                "settings": self.settings,
            }
            self._append_manifest([header])
            if self.fmt == "parquet":
                self.out.mkdir()
        start = {"event": "start", "time": _now(), "skip": len(self.done)}
        self._append_manifest([start | {"provenance": self.provenance}])

    # ------------------------------------------------------------------ reopening

    def _check_manifest(self) -> None:
        """Read what an earlier run wrote (settings, articles done), changing nothing."""
        records = self._read_manifest()
        header = records[0] if records else {}
        if header.get("manifest") != MANIFEST_VERSION or header.get("format") != self.fmt:
            raise InputError(
                f"{self.manifest} is not a {self.fmt} manifest of this tool; give another out="
            )
        if header["settings_id"] != settings_id(self.settings):
            changed = sorted(
                k
                for k in {*header["settings"], *self.settings}
                if header["settings"].get(k) != self.settings.get(k)
            )
            raise InputError(
                f"out={self.out} was written with other settings (these differ: "
                f"{', '.join(changed)}); rerun with those, give another out=, or remove "
                f"{self.out} and {self.manifest.name}"
            )
        for r in records[1:]:
            if "columns" in r:
                self.columns = r["columns"]
            if r.get("status") == "done":
                self.done.add(r["key"])
                self._end = r.get("end", self._end)
                if r.get("part"):
                    self._parts.add(r["part"])
        self.parts = len(self._parts)

    def _read_manifest(self, repair: bool = False) -> list[dict]:
        """The manifest's records; with `repair`, a torn last line is cut off the file."""
        data = self.manifest.read_bytes()
        records, good = [], 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                records.append(json.loads(line))
            except ValueError:
                break
            good += len(line)
        if repair and good < len(data):
            with open(self.manifest, "r+b") as f:
                f.truncate(good)
        return records

    def _repair_rows(self) -> None:
        if self.fmt == "parquet":
            self.out.mkdir(exist_ok=True)
            for f in self.out.iterdir():  # parts written but never recorded, temporary files
                if f.name not in self._parts and f.name.startswith(("part-", ".part-")):
                    f.unlink()
            return
        size = self.out.stat().st_size if self.out.exists() else 0
        if size < self._end:
            raise InputError(
                f"out={self.out} is shorter than {self.manifest.name} records (changed outside "
                "this tool?); remove both to start again"
            )
        with open(self.out, "ab") as f:
            f.truncate(self._end)

    # ------------------------------------------------------------------ writing

    def add(self, doc: Document, key: str, rows: list[dict], seconds: float, summary: dict):
        record = {
            "key": key,
            "article_id": doc.id,
            "path": doc.meta.get("path"),
            "status": "done",
            "claims": len(rows),
            "seconds": round(seconds, 4),
            "summary": summary,
        }
        self.done.add(key)
        self._queue.append((record, rows))
        self._queued_rows += len(rows)

    def error(self, path: str, message: str, key: str | None = None, seconds: float = 0.0):
        """An article that gave no rows; a rerun tries it again."""
        record = {"key": key, "path": path, "status": "error", "error": message}
        self._queue.append(({**record, "seconds": round(seconds, 4)}, []))

    def commit(self, force: bool = False) -> None:
        """Make the queued articles durable (a parquet part waits until it is big or old)."""
        if not self._queue:
            return
        waiting = (
            self._queued_rows < self.part_rows and time.monotonic() - self._last < PART_SECONDS
        )
        if self.fmt == "parquet" and waiting and not force:
            return
        rows = [r for _, batch in self._queue for r in batch]
        records = [rec for rec, _ in self._queue]
        head = []
        if rows and self.columns is None:
            self.columns = list(rows[0])
            head.append({"columns": self.columns})
        if rows:
            where = self._write_rows(rows)
            for rec in records:
                if rec["status"] == "done":
                    rec.update(where)
        self._append_manifest(head + records)
        self.claims += len(rows)
        self.articles += sum(rec["status"] == "done" for rec in records)
        self._queue, self._queued_rows, self._last = [], 0, time.monotonic()

    def _write_rows(self, rows: list[dict]) -> dict:
        if self.fmt == "jsonl":
            data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            self._end = _fsync_append(self.out, data.encode("utf-8"))
            return {"end": self._end}
        if self.fmt == "csv":
            buf = io.StringIO()
            writer = csv.DictWriter(buf, self.columns, extrasaction="ignore")
            if self._end == 0:
                writer.writeheader()
            writer.writerows(flat(r) for r in rows)
            self._end = _fsync_append(self.out, buf.getvalue().encode("utf-8"))
            return {"end": self._end}
        return {"part": self._write_part(rows)}

    def _write_part(self, rows: list[dict]) -> str:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {k: pa.int64() for k in _INTS} | {k: pa.bool_() for k in _BOOLS}
        schema = pa.schema([(c, types.get(c, pa.string())) for c in self.columns])
        table = pa.Table.from_pylist([_typed(flat(r), self.columns) for r in rows], schema)
        name = f"part-{self.parts:05d}.parquet"
        tmp = self.out / f".{name}.tmp"
        pq.write_table(table, tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.out / name)
        self.parts += 1
        return name

    def _append_manifest(self, records: list[dict]) -> None:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        _fsync_append(self.manifest, data.encode("utf-8"))

    def close(self) -> None:
        self.commit(force=True)
        self._append_manifest(
            [{"event": "end", "time": _now(), "articles": self.articles, "claims": self.claims}]
        )

    # ------------------------------------------------------------------ reading back

    def summaries(self) -> Iterator[tuple[str, dict]]:
        """(article id, summary) of every article written, from the manifest."""
        for r in self._read_manifest():
            if r.get("status") == "done":
                yield r["article_id"], r["summary"]


def _typed(row: dict, columns: list[str]) -> dict:
    """`row` on the part's columns: non-string values of string columns as JSON strings."""
    out = {}
    for c in columns:
        v = row.get(c)
        if v is not None and c not in _INTS and c not in _BOOLS and not isinstance(v, str):
            v = json.dumps(v, ensure_ascii=False)
        out[c] = v
    return out


def write_summaries(
    pairs: Iterator[tuple[str, dict]], path: str | Path, provenance: dict | None = None
) -> None:
    """{"provenance": ..., "articles": {article id: summary}} as JSON, written entry by entry
    via a temporary file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        made_by = json.dumps(provenance, ensure_ascii=False)
        f.write('{"provenance": ' + made_by + ',\n"articles": {')
        for k, (article_id, summary) in enumerate(pairs):
            f.write(("," if k else "") + "\n " + json.dumps(article_id, ensure_ascii=False))
            f.write(": " + json.dumps(summary, ensure_ascii=False))
        f.write("\n}}\n")
    os.replace(tmp, path)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
