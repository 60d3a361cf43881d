"""Claim rows out: JSONL, CSV, Parquet, an article summary and a readable terminal table."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from framing.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("table", "jsonl", "csv", "parquet")
NESTED = (
    "stance_probs",
    "frame_probs",
    "source_span",
    "cue_span",
    "channel_span",
    "content_span",
    "stances",
)


def to_jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Flat table: nested fields (probabilities, spans) as JSON strings."""
    import pandas as pd  # not at import: a one-article run does not need it

    return pd.DataFrame([flat(r) for r in rows])


def flat(row: dict) -> dict:
    """One row with nested fields (probabilities, spans) as JSON strings."""
    return {
        k: json.dumps(v, ensure_ascii=False) if k in NESTED and v is not None else v
        for k, v in row.items()
    }


def summarize(rows: list[dict]) -> dict:
    """Shares of claims attributed, by source type, frame and stance; sources ranked by claims."""
    n = len(rows)
    if n == 0:
        return {"claims": 0}

    def shares(key: str) -> dict[str, float]:
        counts = Counter(r[key] if r[key] is not None else "none" for r in rows)
        return {k: round(v / n, 4) for k, v in counts.most_common()}

    sources = Counter(r["source"] for r in rows if r["attributed"] and r["source"])
    types = {r["source"]: r["source_type"] for r in rows if r["attributed"] and r["source"]}
    return {
        "claims": n,
        "attributed_share": round(sum(r["attributed"] for r in rows) / n, 4),
        "unnamed_share": round(sum(r["source_type"] == "unnamed" for r in rows) / n, 4),
        "source_type_shares": shares("source_type"),
        "frame_shares": shares("frame"),
        "stance_shares": shares("stance"),
        "sources": [
            {"source": s, "source_type": types[s], "claims": c} for s, c in sources.most_common()
        ],
    }


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


LOW_CONFIDENCE = 0.6  # a label whose probability is under this is marked "?" in the table


def _label(label: str, probs: dict[str, float] | None) -> str:
    """ "threat .91", or "threat?.47" when the model is unsure."""
    p = (probs or {}).get(label)
    if p is None:
        return label
    return f"{label}{'?' if p < LOW_CONFIDENCE else ' '}{p:.2f}".replace("0.", ".", 1)


def to_table(article_id: str, rows: list[dict], width: int | None = None) -> str:
    """One line per claim: number, attribution, stance and frame with their probability ("?"
    under LOW_CONFIDENCE), the claim text; a line per further target; then the summary."""
    width = width or shutil.get_terminal_size((120, 20)).columns
    lines = [f"== {article_id}: {len(rows)} claims =="]
    head = f"{'#':>4}  {'source (type) / cue':<38} {'stance':<13} {'frame':<27} claim"
    lines.append(head)
    text_width = max(20, width - len(head) + len("claim"))
    for r in rows:
        if r["attributed"]:
            who = f"{r['source'] or '?'} ({r['source_type']})"
            who += f" / {r['cue']}" if r["cue"] else " / implicit" if r["implicit"] else ""
        else:
            who = "- own voice"
        stance = _label(r["stance"], r.get("stance_probs"))
        frame = _label(r["frame"], r.get("frame_probs"))
        lines.append(
            f"{r['claim_id']:>4}  {_clip(who, 38):<38} {stance:<13} {frame:<27} "
            + _clip(r["text"], text_width)
        )
        for target, v in list((r.get("stances") or {}).items())[1:]:
            toward = "stance toward " + _clip(target, 24)
            lines.append(f"{'':>4}  {toward:<38} {_label(v['stance'], v['probs'])}")
    s = summarize(rows)
    lines.append(
        f"attributed {100 * s['attributed_share']:.0f}% (unnamed sources "
        f"{100 * s['unnamed_share']:.0f}%); frames "
        + ", ".join(f"{k} {100 * v:.0f}%" for k, v in s["frame_shares"].items())
        + "; stance "
        + ", ".join(f"{k} {100 * v:.0f}%" for k, v in s["stance_shares"].items())
        + f"; ? = probability under {LOW_CONFIDENCE}"
    )
    top = ", ".join(f"{x['source']} ({x['claims']})" for x in s["sources"][:8])
    lines.append(f"sources: {top or 'none'}")
    return "\n".join(lines) + "\n"


def write_rows(rows: list[dict], path: Path, fmt: str | None = None) -> None:
    """Write all rows to `path` (format from `fmt` or the suffix) via a temporary file."""
    path = Path(path)
    fmt = fmt if fmt and fmt != "table" else path.suffix.lstrip(".").lower() or "jsonl"
    if fmt not in FORMATS[1:]:
        raise InputError(f"out={path}: unknown format {fmt!r}; use .jsonl, .csv or .parquet")
    if not path.parent.is_dir():
        raise InputError(f"out={path}: folder {path.parent} does not exist")
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "jsonl":
        tmp.write_text(to_jsonl(rows), encoding="utf-8")
    elif fmt == "csv":
        to_frame(rows).to_csv(tmp, index=False)
    else:
        to_frame(rows).to_parquet(tmp, index=False)
    os.replace(tmp, path)
