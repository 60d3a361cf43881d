"""What every row says about its article (path, title, outlet, date, author, and any column of a
`manifest=` file) and what every output says about how it was made (provenance)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from framing.core.errors import InputError
from framing.pipeline.article import Document

FIELDS = ("path", "title", "outlet", "date", "author")
SHIPPED = Path(__file__).resolve().parents[1] / "default_model"


def load_manifest(path: str | Path, reserved: tuple[str, ...] = ()) -> dict[str, dict]:
    """A CSV or JSONL file of article metadata: a `path` column (relative paths are read from
    the manifest's folder) and any others (outlet, date, ...); keyed by resolved path. Every
    file it names must exist; `reserved` column names (row fields) are refused."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"manifest={path}: no such file; give a CSV or JSONL file with a path column"
        )
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".jsonl", ".json"):
            records = [json.loads(x) for x in text.splitlines() if x.strip()]
        else:
            records = list(csv.DictReader(text.splitlines()))
    except ValueError as e:
        raise InputError(
            f"manifest={path}: not valid JSONL ({e}); one JSON object a line"
        ) from None
    if not records or any(not isinstance(r, dict) or not r.get("path") for r in records):
        raise InputError(f"manifest={path}: every record needs a path column (the article file)")
    clash = sorted({k for r in records for k in r if k in reserved and k not in FIELDS})
    if clash:
        raise InputError(f"manifest={path}: columns {clash} are row fields; rename them")
    out = {}
    for r in records:
        file = Path(r["path"]) if Path(r["path"]).is_absolute() else path.parent / r["path"]
        if not file.is_file():
            raise InputError(
                f"manifest={path} names {r['path']}, which is not a file (relative paths are "
                f"read from {path.parent}); fix the path or remove the line"
            )
        out[str(file.resolve())] = {k: v for k, v in r.items() if k != "path"}
    return out


def row_metadata(doc: Document, manifest: dict[str, dict], headline: str) -> dict:
    """The article's metadata as row columns: the manifest's values first, then what the page
    says (HTML), then the headline as title and the parent folder's name as outlet."""
    path = doc.meta.get("path")
    is_file = path is not None and Path(path).is_file()
    given = manifest.get(str(Path(path).resolve()), {}) if is_file else {}
    folder = Path(path).resolve().parent.name if is_file else None
    out = {
        "path": path,
        "title": doc.meta.get("title") or headline or None,
        "outlet": doc.meta.get("outlet") or folder,
        "date": doc.meta.get("date"),
        "author": doc.meta.get("author"),
    }
    return out | {k: (v if v != "" else None) for k, v in given.items()}


def provenance(
    settings: dict,
    model_dir: list[str],
    claim_model: str | None,
    tagger: str | None,
    ensemble: str | None = None,
):
    """Package version, git commit and the models (their recorded runs) that made the rows."""
    from importlib import metadata

    from framing.runs.records import git_state

    try:
        version = metadata.version("framing")
    except metadata.PackageNotFoundError:
        version = None
    models = {}
    named = {"claims": claim_model, "attribution_spans": tagger, "attribution_ensemble": ensemble}
    for kind, where in named.items():
        if where:
            models[kind] = _model_record(SHIPPED / kind if where == "default" else Path(where))
    if not claim_model:  # the shipped frozen-encoder heads, unless runs replace them
        models |= {k: _model_record(SHIPPED / k) for k in ("framing", "stance")}
    for run in model_dir:
        models[str(run)] = _model_record(Path(run))
    return {
        "framing": version,
        "git": git_state(Path(__file__).resolve().parent),
        "models": models,
        "settings": settings,
    }


def _model_record(folder: Path) -> dict:
    """A shipped model's SOURCE.json (the run that made it), or a run folder's path."""
    source = folder / "SOURCE.json"
    if source.is_file():
        made = json.loads(source.read_text(encoding="utf-8"))
        return {"shipped": folder.name, "run": made.get("run"), "git": made.get("git")}
    return {"run": str(folder)}
