"""The project's annotated corpus: resolve span offsets, validate annotations, split by article.

Standard library only, so annotators can run `scripts/build_corpus.py` without installing.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SEGMENT_KINDS = ("headline", "section", "byline", "dateline", "caption", "subhead", "body")
CLAIM_KINDS = ("body", "headline")
SOURCE_TYPES = ("named_person", "named_organization", "document", "unnamed")
STANCES = ("favor", "against", "neutral")
FRAMES = (
    "defensive_cooperation",
    "threat",
    "counter_hegemony",
    "western_hostility",
    "neutral_report",
)
DEFAULT_TARGET = "China-Russia military cooperation"


class AnnotationError(ValueError):
    """An annotation that does not match its article text or the label scheme."""


@dataclass(frozen=True)
class Split:
    """Article ids per split, and how they were drawn."""

    train: list[str]
    dev: list[str]
    test: list[str]
    seed: int


def read_article(path: Path) -> str:
    """Read an article exactly as stored (UTF-8, BOM kept out, newlines untouched)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return f.read()


def _find(text: str, needle: str, lo: int, hi: int, what: str) -> int:
    if not needle:
        raise AnnotationError(f"{what}: empty text")
    i = text.find(needle, lo, hi)
    if i < 0:
        raise AnnotationError(f"{what}: {needle[:70]!r} not found in text[{lo}:{hi}]")
    return i


def _find_word(text: str, needle: str, lo: int, hi: int, what: str) -> int:
    """Like `_find`, but prefer a match on word boundaries ("he" not inside "the")."""
    m = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)").search(text, lo, hi)
    return m.start() if m else _find(text, needle, lo, hi, what)


def resolve_offsets(text: str, ann: dict) -> dict:
    """Return `ann` with start/end offsets for every segment, claim, source and cue span.

    Segments and claims are searched in order, each after the end of the previous one, so
    repeated wording is resolved to the right occurrence. Raises AnnotationError on a mismatch.
    """
    aid = ann.get("article_id", "?")
    pos = 0
    segments = []
    for k, seg in enumerate(ann["segments"]):
        if seg["kind"] not in SEGMENT_KINDS:
            raise AnnotationError(f"{aid} segment {k}: unknown kind {seg['kind']!r}")
        start = _find(text, seg["text"], pos, len(text), f"{aid} segment {k}")
        pos = start + len(seg["text"])
        segments.append({"kind": seg["kind"], "text": seg["text"], "start": start, "end": pos})
    pos = 0
    claims = []
    for k, c in enumerate(ann["claims"]):
        where = f"{aid} claim {k}"
        start = _find(text, c["text"], pos, len(text), where)
        end = start + len(c["text"])
        pos = end
        out = {key: c.get(key) for key in CLAIM_KEYS}
        out.update(start=start, end=end, source_start=None, source_end=None)
        out.update(cue_start=None, cue_end=None)
        if c.get("source_mention"):
            s = _find_word(text, c["source_mention"], start, end, f"{where} source_mention")
            out.update(source_start=s, source_end=s + len(c["source_mention"]))
        if c.get("cue"):
            s = _find_word(text, c["cue"], start, end, f"{where} cue")
            out.update(cue_start=s, cue_end=s + len(c["cue"]))
        claims.append(out)
    _link_implicit(claims)
    result = {k: v for k, v in ann.items() if k not in ("segments", "claims")}
    result["segments"] = segments
    result["claims"] = claims
    validate(text, result)
    return result


def _link_implicit(claims: list[dict]) -> None:
    """Give each implicit claim the span of the nearest mention of its source.

    That is the claim it continues (before it) or, for a quote whose cue follows ("A. B," she
    said), the claim that names the speaker after it; the nearer one wins, earlier on a tie.
    """
    for k, c in enumerate(claims):
        if not (c["implicit"] and c["source_start"] is None):
            continue
        named = [
            j
            for j, o in enumerate(claims)
            if o["source"] == c["source"] and o["source_start"] is not None and not o["implicit"]
        ]
        if named:
            j = min(named, key=lambda j: (abs(j - k), j > k))
            c["source_start"], c["source_end"] = claims[j]["source_start"], claims[j]["source_end"]


CLAIM_KEYS = (
    "text",
    "kind",
    "attributed",
    "implicit",
    "source",
    "source_mention",
    "source_type",
    "cue",
    "stance",
    "frame",
)


def _check_claim(text: str, aid: str, k: int, c: dict) -> None:
    where = f"{aid} claim {k}"
    if text[c["start"] : c["end"]] != c["text"]:
        raise AnnotationError(f"{where}: offsets do not match its text")
    if c["kind"] not in CLAIM_KINDS:
        raise AnnotationError(f"{where}: kind {c['kind']!r}, expected one of {CLAIM_KINDS}")
    if c["stance"] not in STANCES:
        raise AnnotationError(f"{where}: stance {c['stance']!r}, expected one of {STANCES}")
    if c["frame"] not in FRAMES:
        raise AnnotationError(f"{where}: frame {c['frame']!r}, expected one of {FRAMES}")
    if not isinstance(c["attributed"], bool) or not isinstance(c["implicit"], bool):
        raise AnnotationError(f"{where}: attributed and implicit must be true or false")
    if not c["attributed"]:
        extra = [f for f in ("source", "source_mention", "source_type", "cue") if c.get(f)]
        if extra or c["implicit"]:
            raise AnnotationError(f"{where}: unattributed claim has {extra or ['implicit']}")
        return
    if c["source_type"] not in SOURCE_TYPES:
        raise AnnotationError(
            f"{where}: source_type {c['source_type']!r}, expected one of {SOURCE_TYPES}"
        )
    if not c.get("source"):
        raise AnnotationError(f"{where}: attributed claim without source")
    if c["implicit"]:
        if c.get("cue"):
            raise AnnotationError(f"{where}: implicit claim has a cue of its own")
    elif not (c.get("cue") and c.get("source_mention")):
        raise AnnotationError(f"{where}: explicit attribution needs cue and source_mention")
    if c["source"] not in text:
        raise AnnotationError(f"{where}: resolved source {c['source']!r} not in the article")


def validate(text: str, ann: dict) -> None:
    """Check offsets, labels and coverage: every body character belongs to exactly one claim."""
    aid = ann.get("article_id", "?")
    for key in ("article_id", "voice", "target", "segments", "claims"):
        if key not in ann:
            raise AnnotationError(f"{aid}: missing key {key!r}")
    covered = [False] * len(text)
    body = [False] * len(text)
    headline = [False] * len(text)
    last = 0
    for k, seg in enumerate(ann["segments"]):
        if text[seg["start"] : seg["end"]] != seg["text"] or seg["start"] < last:
            raise AnnotationError(f"{aid} segment {k}: offsets do not match its text")
        last = seg["end"]
        for i in range(seg["start"], seg["end"]):
            covered[i] = True
            body[i] = seg["kind"] == "body"
            headline[i] = seg["kind"] == "headline"
    stray = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    if stray:
        i = stray[0]
        raise AnnotationError(f"{aid}: text not in any segment near {text[i : i + 50]!r}")
    claimed = [False] * len(text)
    last = 0
    for k, c in enumerate(ann["claims"]):
        _check_claim(text, aid, k, c)
        if c["start"] < last:
            raise AnnotationError(f"{aid} claim {k}: overlaps the previous claim")
        last = c["end"]
        inside = body if c["kind"] == "body" else headline
        if not all(inside[c["start"] : c["end"]]):
            raise AnnotationError(f"{aid} claim {k}: not inside a {c['kind']} segment")
        for i in range(c["start"], c["end"]):
            claimed[i] = True
    loose = [i for i, ch in enumerate(text) if body[i] and not ch.isspace() and not claimed[i]]
    if loose:
        i = loose[0]
        raise AnnotationError(f"{aid}: body text not in any claim near {text[i : i + 50]!r}")


def load_corpus(root: Path) -> list[dict]:
    """Load every annotated article under `root` (articles/*.txt + annotations/*.json)."""
    ann_dir = Path(root) / "annotations"
    files = sorted(ann_dir.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no annotations in {ann_dir}")
    docs = []
    for f in files:
        ann = json.loads(f.read_text(encoding="utf-8"))
        text = read_article(Path(root) / "articles" / f"{ann['article_id']}.txt")
        validate(text, ann)
        ann["text"] = text
        docs.append(ann)
    return docs


def split_articles(
    docs: list[dict],
    seed: int,
    dev: float = 0.15,
    test: float = 0.15,
    previous: dict[str, list[str]] | None = None,
) -> Split:
    """Split article ids into train/dev/test, stratified by outlet voice, reproducible by seed.

    With `previous` (split -> ids, as in an existing splits.json) an article keeps the split it
    had: only articles new to the corpus are drawn, per voice, so that growing the corpus never
    moves a test article into training. Ids no longer in `docs` are dropped.
    """
    kept = {a: s for s, ids in (previous or {}).items() for a in ids}
    by_voice: dict[str, list[str]] = defaultdict(list)
    out: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for d in docs:
        aid = d["article_id"]
        if kept.get(aid) in out:
            out[kept[aid]].append(aid)
        else:
            by_voice[d["voice"]].append(aid)
    rng = random.Random(seed)
    for voice in sorted(by_voice):
        ids = sorted(by_voice[voice])
        rng.shuffle(ids)
        n_test = max(1, round(len(ids) * test))
        n_dev = max(1, round(len(ids) * dev))
        out["test"] += ids[:n_test]
        out["dev"] += ids[n_test : n_test + n_dev]
        out["train"] += ids[n_test + n_dev :]
    return Split(*(sorted(out[s]) for s in ("train", "dev", "test")), seed=seed)


def write_splits(root: Path, docs: list[dict], seed: int) -> Split:
    """Draw the article split (`split_articles`) and write it to `root`/splits.json; articles
    already in an existing splits.json keep their split."""
    path = Path(root) / "splits.json"
    previous = None
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        previous = {s: list(old.get(s, [])) for s in ("train", "dev", "test")}
    split = split_articles(docs, seed=seed, previous=previous)
    payload = {
        "seed": split.seed,
        "stratified_by": "voice",
        "train": split.train,
        "dev": split.dev,
        "test": split.test,
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return split


def fingerprint(paths: list[Path]) -> str:
    """A sha256 over the bytes of `paths` in sorted order, to tell data versions apart."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(Path(p).name.encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def label_counts(docs: list[dict], split: Split) -> str:
    """Markdown tables of body-claim label counts per split (for the data card)."""
    where = {aid: name for name in ("train", "dev", "test") for aid in getattr(split, name)}
    fields = {
        "frame": lambda c: c["frame"],
        "stance": lambda c: c["stance"],
        "source_type": lambda c: c["source_type"] or "unattributed",
        "implicit": lambda c: "implicit" if c["implicit"] else "explicit or none",
        "voice": None,
    }
    out = []
    for field, get in fields.items():
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for d in docs:
            s = where[d["article_id"]]
            if field == "voice":
                counts[d["voice"]][s] += 1
                continue
            for c in d["claims"]:
                if c["kind"] == "body":
                    counts[get(c)][s] += 1
        unit = "articles" if field == "voice" else "body claims"
        out.append(f"| {field} ({unit}) | train | dev | test | all |")
        out.append("|---|---:|---:|---:|---:|")
        for label in sorted(counts):
            row = [counts[label][s] for s in ("train", "dev", "test")]
            out.append(f"| {label} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
        out.append("")
    return "\n".join(out)


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


def build_corpus(
    root: Path, files: list[Path], seed: int, stats: bool = False
) -> tuple[list[str], str]:
    """Fill offsets into the annotation `files`; with none given, into every file under
    `root`/annotations, then validate the whole corpus and write its splits.json.

    Returns (error lines, report): the report is what `scripts/build_corpus.py` prints when
    there are no errors (with `stats`, the label counts per split before it).
    """
    todo = files or sorted((root / "annotations").glob("*.json"))
    errors = [e for e in map(resolve_file, todo) if e]
    if errors:
        return [*errors, f"{len(errors)} of {len(todo)} annotation files have errors"], ""
    report, n_claims = [], 0
    if not files:
        docs = load_corpus(root)
        split = write_splits(root, docs, seed=seed)
        n_claims = sum(len(d["claims"]) for d in docs)
        if stats:
            report.append(label_counts(docs, split))
    claims = f", {n_claims} claims" if n_claims else ""
    report.append(f"ok: {len(todo)} annotation files{claims}")
    return [], "\n".join(report)
