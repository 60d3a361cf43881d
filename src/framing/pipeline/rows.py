"""One claim's output row: the object `scripts/infer.py` writes per claim."""

from __future__ import annotations

from framing.pipeline.article import Attribution, Claim
from framing.pipeline.merge import content_span

# the fields of every claim row (before the article's metadata columns)
ROW_KEYS = (
    *("article_id", "claim_id", "text", "start", "end", "kind", "attributed", "implicit"),
    *("source", "source_type", "cue", "stance", "stance_probs", "frame", "frame_probs"),
    *("source_span", "cue_span", "channel", "channel_span", "content_span", "target", "stances"),
)


def _top(p: dict[str, float]) -> str:
    return max(p, key=p.get)


def claim_row(
    article_id: str,
    claim: Claim,
    att: Attribution,
    probs: dict[str, list[dict[str, float]]],
    k: int,
    targets: list[str],
) -> dict:
    """The output object of one claim (keys fixed by issue #3, plus spans and extra targets)."""
    frame_p, stance_p = probs["framing"][k], probs["stance"][k]
    row = {
        "article_id": article_id,
        "claim_id": claim.id,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "attributed": att.attributed,
        "implicit": att.implicit,
        "source": att.source if att.attributed else None,
        "source_type": att.source_type if att.attributed else None,
        "cue": att.cue.text if att.attributed and att.cue else None,
        "stance": _top(stance_p),
        "stance_probs": _rounded(stance_p),
        "frame": _top(frame_p),
        "frame_probs": _rounded(frame_p),
        "source_span": _span(att.source_span) if att.attributed else None,
        "cue_span": _span(att.cue) if att.attributed else None,
        "channel": att.channel.text if att.attributed and att.channel else None,
        "channel_span": _span(att.channel) if att.attributed else None,
        "content_span": _span(content_span(claim.start, claim.text, att)),
        "target": targets[0],
    }
    if len(targets) > 1:
        per_target = {t: probs[f"stance@{t}"][k] for t in targets}
        row["stances"] = {
            t: {"stance": _top(p), "probs": _rounded(p)} for t, p in per_target.items()
        }
    return row


def _rounded(p: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in p.items()}


def _span(span) -> list[int] | None:
    return None if span is None else [span.start, span.end]
