"""The HTML report of claim rows: one self-contained page per article and an index comparing the
articles by a metadata field (outlet by default), with every table as CSV; written into a
temporary folder beside DIR and renamed, so a failed run leaves nothing half written."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.html_article import article_page
from framing.pipeline.html_index import IndexBuilder
from framing.pipeline.html_parts import Palette
from framing.pipeline.html_rows import REQUIRED, low_labels, read_rows

logger = logging.getLogger(__name__)

MARKER = ".framing-report"  # names a folder this module wrote (and may replace)
NO_TEXT = "The full text was not available ({why}), so the claims are shown alone, in order."


@dataclass
class ReportArgs:
    """`scripts/report.py ROWS out=DIR [group_by=FIELD] [low_confidence=P]`."""

    rows: str
    out: str
    group_by: str = "outlet"
    low_confidence: float = 0.6

    def __post_init__(self) -> None:
        if not 0.0 < self.low_confidence <= 1.0:
            raise InputError(f"low_confidence={self.low_confidence}: expected a number in (0, 1]")
        if not self.group_by:
            raise InputError("group_by=: expected a field name (outlet, date, author, ...)")


def parse_args(argv: list[str]) -> ReportArgs:
    """The rows file and key=value options; InputError on anything else."""
    files = [a for a in argv if "=" not in a]
    options = dict(a.split("=", 1) for a in argv if "=" in a)
    unknown = sorted(set(options) - {"out", "group_by", "low_confidence"})
    if unknown:
        raise InputError(
            f"unknown options {unknown}; expected out=DIR, group_by=, low_confidence="
        )
    if len(files) != 1 or "out" not in options:
        raise InputError(f"expected one rows file and out=DIR, got files {files}")
    try:
        low = float(options.get("low_confidence", 0.6))
    except ValueError:
        raise InputError(f"low_confidence={options['low_confidence']}: not a number") from None
    return ReportArgs(files[0], options["out"], options.get("group_by", "outlet"), low)


def report_from_file(args: ReportArgs) -> Path:
    """The report of a rows file `scripts/infer.py` wrote (its provenance from the rows or the
    run manifest beside them); the index path."""
    rows = read_rows(args.rows)
    provenance = _manifest_provenance(Path(args.rows))
    return write_report(rows, Path(args.out), None, args.group_by, provenance, args.low_confidence)


def write_report(
    rows: Iterable[dict],
    out_dir: Path,
    texts: dict[str, str] | None = None,
    group_by: str = "outlet",
    provenance: dict | None = None,
    low_confidence: float = 0.6,
    resamples: int = 2000,
    seed: int = 0,
) -> Path:
    """Write the report of `rows` (grouped by article, in order) into `out_dir`; the index path.

    `texts` maps article id to its full text; an article without one is re-read from its row's
    `path` when that text holds every claim at its offsets, else its claims are shown alone.
    A previous report in `out_dir` is replaced; any other non-empty folder is refused."""
    out_dir = Path(out_dir)
    tmp = _temp_folder(out_dir)
    index = None
    try:
        palette, frames, names = Palette(), [], set()
        index = IndexBuilder(tmp, group_by, palette, resamples, seed)
        for article_id, group in _by_article(rows):
            provenance = provenance or _row_provenance(group[0])
            for r in group:
                probs = r.get("frame_probs")
                for label in [*(probs if isinstance(probs, dict) else ()), str(r["frame"])]:
                    if label not in frames:
                        frames.append(label)
            palette.add(frames)
            text, note = article_text(article_id, group, texts)
            name = file_name(article_id, names)
            html = article_page(
                *(article_id, group, text, note, palette, frames, low_confidence, provenance),
                group_by=group_by,
            )
            (tmp / "articles" / name).write_text(html, encoding="utf-8")
            low = sum(bool(low_labels(r, low_confidence)) for r in group)
            index.add(article_id, f"articles/{name}", group, low)
        if not index.articles:
            raise InputError("no claim rows to report")
        index.write(provenance, low_confidence)
        (tmp / MARKER).write_text("framing HTML report\n", encoding="utf-8")
        _replace(tmp, out_dir)
    except BaseException:
        if index is not None:
            index.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir / "index.html"


def _by_article(rows: Iterable[dict]) -> Iterator[tuple[str, list[dict]]]:
    """(article id, its rows) for each run of rows of one article, every row checked."""
    seen: set[str] = set()
    for article_id, group in itertools.groupby(rows, key=lambda r: str(r.get("article_id"))):
        group = list(group)
        for r in group:
            missing = [c for c in REQUIRED if c not in r]
            if missing:
                raise InputError(
                    f"a row of article {article_id} lacks {missing}; rows need {list(REQUIRED)}"
                )
        if article_id in seen:
            logger.warning(
                "rows of article %s are not together: it gets a second page", article_id
            )
        seen.add(article_id)
        yield article_id, group


def article_text(
    article_id: str, rows: list[dict], texts: dict[str, str] | None
) -> tuple[str | None, str | None]:
    """(the article's text, None) when a text holds every claim at its offsets, else (None, a
    note saying why the claims are shown alone)."""
    text = (texts or {}).get(article_id)
    if text is None:
        path = rows[0].get("path")
        if not path:
            return None, NO_TEXT.format(why="no text given and the rows name no file")
        text = _read_text(str(path))
        if text is None:
            return None, NO_TEXT.format(why=f"{path} could not be read")
        if not all(_fits(text, r) for r in rows):
            return None, NO_TEXT.format(why=f"{path} no longer holds the claims at their offsets")
        return text, None
    if not all(_fits(text, r) for r in rows):
        return None, NO_TEXT.format(why="the text given does not hold the claims at their offsets")
    return text, None


def _fits(text: str, row: dict) -> bool:
    start, end = row.get("start"), row.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return False
    return text[start:end] == row["text"]


def _read_text(path: str) -> str | None:
    from framing.pipeline.ingest import read_document  # only for rows without their text

    try:
        return read_document(path).text
    except (InputError, OSError) as e:
        logger.info("cannot re-read %s: %s", path, e)
        return None


def file_name(article_id: str, taken: set[str]) -> str:
    """A safe, unique (also on case-insensitive file systems) page name for an article.

    >>> taken = set()
    >>> file_name("000_a", taken), file_name("x/../y", taken), file_name("000_A", taken)
    ('000_a.html', 'x_.._y-93dff1d7.html', '000_A-bf3197b8.html')
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:80] or "article"
    if safe != article_id or safe.lower() in taken:
        safe += "-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8]
    while safe.lower() in taken:
        safe += "_"
    taken.add(safe.lower())
    return safe + ".html"


def _row_provenance(row: dict) -> dict | None:
    value = row.get("provenance")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _manifest_provenance(rows_path: Path) -> dict | None:
    """The provenance the last run recorded in the rows file's manifest, if there is one."""
    manifest = rows_path.with_name(rows_path.name + ".manifest.jsonl")
    found = None
    if manifest.is_file():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("provenance"), dict):
                found = record["provenance"]
    return found


def _temp_folder(out_dir: Path) -> Path:
    """A fresh folder beside `out_dir` to write into; InputError when `out_dir` can't be."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"out={out_dir}: is a file; give a folder for the report")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise InputError(
            f"out={out_dir}: a folder with other files in it; give a new or empty folder "
            "(a previous report there is replaced)"
        )
    parent = out_dir.absolute().parent
    if not parent.is_dir():
        raise InputError(f"out={out_dir}: {parent} is not an existing folder")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
        os.chmod(tmp, 0o755)
        (tmp / "articles").mkdir()
    except OSError as e:
        raise InputError(f"out={out_dir}: cannot write in {parent} ({e.strerror or e})") from None
    return tmp


def _replace(tmp: Path, out_dir: Path) -> None:
    """Put the finished report at `out_dir`, replacing an earlier report or empty folder."""
    old = None
    if out_dir.is_dir():
        old = out_dir.with_name(tmp.name + ".old")
        os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
