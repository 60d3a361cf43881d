"""Agreement of the two independent annotations of the real articles (data/ukraine): Krippendorff's
alpha (nominal) and raw agreement per field, over every sentence both annotators labelled."""

from __future__ import annotations

from pathlib import Path

from framing.core.errors import InputError
from framing.data.ukraine import FIELDS, read_labels, read_sentences

# fields that only exist for claims (headline and body sentences) or attributed ones
_CLAIM_ONLY = {"stance", "frame", "attributed", "implicit"}
_ATTRIBUTED_ONLY = {"source", "source_type", "cue"}


def _value(lab: dict, field: str) -> str | None:
    """The comparable value of one field, None where the field does not apply."""
    if field in _CLAIM_ONLY and lab["segment"] == "other":
        return None
    if field in _ATTRIBUTED_ONLY:
        if lab["segment"] == "other":
            return None
        if not lab["attributed"]:
            return "(unattributed)"
        if lab[field] is None:
            return "(none)"
    value = lab[field]
    return " ".join(str(value).lower().split()) if value is not None else None


def pairs(root: Path, labels: Path) -> tuple[list[str], list[tuple[dict, dict]]]:
    """The doubly annotated articles and every (first, second) label pair of their sentences."""
    second_dir = labels / "second"
    ids = sorted((p.stem for p in second_dir.glob("article_*.json")), key=lambda a: int(a[8:]))
    if not ids:
        raise InputError(f"no second annotations in {second_dir}")
    out = []
    for aid in ids:
        sent_ids = [sid for sid, _ in read_sentences(root, aid)]
        first = read_labels(labels / "labels", aid, sent_ids)
        second = read_labels(second_dir, aid, sent_ids)
        if first["target"] != second["target"]:
            raise InputError(f"{aid}: the two annotations use different stance targets")
        out += [(first["sentences"][s], second["sentences"][s]) for s in sent_ids]
    return ids, out


def agreement(root: str | Path, labels: str | Path) -> dict:
    """{articles, sentences, fields: {field: {n, alpha, agreement}}} for the second annotations
    under `labels`/second against the first ones under `labels`/labels."""
    import krippendorff
    import numpy as np

    ids, both = pairs(Path(root), Path(labels))
    fields = {}
    for field in FIELDS:
        values = [(_value(a, field), _value(b, field)) for a, b in both]
        values = [(x, y) for x, y in values if x is not None and y is not None]
        codes = {v: k for k, v in enumerate(sorted({v for pair in values for v in pair}))}
        data = np.array([[codes[x] for x, _ in values], [codes[y] for _, y in values]], float)
        alpha = None
        if len(codes) > 1:
            alpha = float(krippendorff.alpha(data, level_of_measurement="nominal"))
        same = sum(x == y for x, y in values) / len(values) if values else None
        fields[field] = {"n": len(values), "alpha": alpha, "agreement": same}
    return {"articles": ids, "sentences": len(both), "fields": fields}


def markdown(result: dict) -> str:
    """The agreement as a markdown table (the data card's)."""
    head = "| field | sentences | Krippendorff's alpha | raw agreement |"
    lines = [head, "|---|---:|---:|---:|"]
    for field, r in result["fields"].items():
        alpha = f"{r['alpha']:.3f}" if r["alpha"] is not None else "n/a"
        same = f"{100 * r['agreement']:.1f}%" if r["agreement"] is not None else "n/a"
        lines.append(f"| {field} | {r['n']} | {alpha} | {same} |")
    return "\n".join(lines)
