"""Real annotated news: the project's labels for the 90 Ukraine-crisis articles of the Ukraine
news bias dataset (Faerber et al. 2020), read together with their text from the data root.

The labels are stand-off: `data/ukraine/labels/article_N.json` holds one label set per sentence
id of the dataset's `article_N.json` and no text. `data/ukraine/second/` holds an independent
second annotation of some articles (agreement), `data/ukraine/settled.json` the adjudicated value
of every field on which the two disagree (the gold then). Standard library only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from framing.core.errors import InputError
from framing.data.corpus import FRAMES, SOURCE_TYPES, STANCES, fingerprint

TEXT_DIR = "all-data-as-json"
SEGMENTS = ("headline", "body", "other")
FIELDS = ("segment", "attributed", "implicit", "source", "source_type", "cue", "stance", "frame")
TEST_FROM = 60  # article_60 ... article_89: the test split, never trained or tuned on
_ALLOWED = {
    "segment": SEGMENTS,
    "source_type": (*SOURCE_TYPES, None),
    "stance": (*STANCES, None),
    "frame": (*FRAMES, None),
}


@dataclass
class Sentence:
    """One sentence of a real article: where it is in the joined text, and its gold labels."""

    id: str
    start: int
    end: int
    labels: dict


@dataclass
class RealArticle:
    article_id: str
    target: str
    text: str  # the headline line, a blank line, the body sentences joined by spaces
    sentences: list[Sentence]


def split_of(article_id: str) -> str:
    """train, dev (every fifth article below the test range) or test (article_60 and up)."""
    n = int(article_id.rsplit("_", 1)[1])
    return "test" if n >= TEST_FROM else "dev" if n % 5 == 4 else "train"


def _text_file(root: Path, article_id: str) -> Path:
    return root / TEXT_DIR / f"{article_id}.json"


def read_sentences(root: Path, article_id: str) -> list[tuple[str, str]]:
    """(sentence id, text) of one dataset article, in article order."""
    path = _text_file(root, article_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = sorted(data["sentences"], key=lambda s: s["position_in_article"])
        return [(s["id"], s["content"]) for s in rows]
    except FileNotFoundError:
        raise InputError(
            f"{path} is missing: fetch the dataset with "
            "`python scripts/download_data.py ukraine_news_bias` or set data_root"
        ) from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a Ukraine news bias article ({e})") from None


def check_labels(ann: dict, ids: list[str], where: str) -> None:
    """InputError naming the first problem of one label file against its sentence ids."""
    if not isinstance(ann.get("target"), str) or not ann["target"].strip():
        raise InputError(f"{where}: 'target' (the stance target, a noun phrase) is missing")
    sents = ann.get("sentences")
    if not isinstance(sents, dict) or list(sents) != ids:
        raise InputError(f"{where}: 'sentences' must hold exactly the ids {ids[0]}..{ids[-1]}")
    for sid, lab in sents.items():
        missing = [f for f in FIELDS if f not in lab]
        if missing:
            raise InputError(f"{where} {sid}: fields {missing} are missing")
        for f, allowed in _ALLOWED.items():
            if lab[f] not in allowed:
                raise InputError(f"{where} {sid}: {f}={lab[f]!r}; expected one of {allowed}")
        claim = lab["segment"] != "other"
        if claim and (lab["stance"] is None or lab["frame"] is None):
            raise InputError(f"{where} {sid}: a {lab['segment']} sentence needs stance and frame")
        if lab["attributed"] and (lab["source"] is None or lab["source_type"] is None):
            raise InputError(f"{where} {sid}: an attributed sentence needs source and source_type")
        if not lab["attributed"] and (lab["implicit"] or lab["source"] or lab["source_type"]):
            raise InputError(f"{where} {sid}: an unattributed sentence has no source or implicit")


def read_labels(folder: Path, article_id: str, ids: list[str]) -> dict:
    path = folder / f"{article_id}.json"
    try:
        ann = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path} is missing") from None
    except ValueError as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None
    if ann.get("article_id") != article_id:
        raise InputError(f"{path}: article_id {ann.get('article_id')!r}, expected {article_id!r}")
    check_labels(ann, ids, str(path))
    return ann


def settle(first: dict, second: dict | None, settled: dict) -> dict:
    """Gold labels of one article: the first annotation, with each field the two annotators
    disagree on set to its adjudicated value (which must be one of theirs)."""
    out = {sid: dict(lab) for sid, lab in first["sentences"].items()}
    if second is None:
        return out
    for sid, lab in out.items():
        other = second["sentences"][sid]
        for f in FIELDS:
            if _same(lab[f], other[f]):
                continue
            pick = settled.get(sid, {}).get(f, _UNSET)
            if pick is _UNSET:
                raise InputError(
                    f"{first['article_id']} {sid}: annotators disagree on {f} "
                    f"({lab[f]!r} / {other[f]!r}) and settled.json has no value for it"
                )
            if not (_same(pick, lab[f]) or _same(pick, other[f])):
                raise InputError(f"{first['article_id']} {sid}: settled {f}={pick!r} is neither's")
            lab[f] = pick
    return out


_UNSET = object()


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a == b


def join_text(sentences: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The article as one text: the first sentence (the headline) on its own line, then the
    others as one paragraph; and each sentence's (start, end) in it."""
    parts, spans, pos = [], [], 0
    for k, (_, text) in enumerate(sentences):
        text = " ".join(text.split())
        sep = "" if k == 0 else "\n\n" if k == 1 else " "
        pos += len(sep)
        spans.append((pos, pos + len(text)))
        parts.append(sep + text)
        pos += len(text)
    return "".join(parts), spans


def load_real(root: str | Path, labels: str | Path) -> tuple[dict[str, list[RealArticle]], str]:
    """Every labelled article per split (train/dev/test), and a fingerprint of labels and text.

    `root` is the dataset folder (`<data root>/ukraine_news_bias`), `labels` the folder with
    labels/, optional second/ and settled.json.
    """
    root, labels = Path(root), Path(labels)
    label_dir = labels / "labels"
    if not label_dir.is_dir():
        raise InputError(f"no labels at {label_dir} (set data.real=<folder with labels/>)")
    settled_path = labels / "settled.json"
    settled = json.loads(settled_path.read_text("utf-8")) if settled_path.is_file() else {}
    out: dict[str, list[RealArticle]] = {"train": [], "dev": [], "test": []}
    files = sorted(label_dir.glob("article_*.json"), key=lambda p: int(p.stem.split("_")[1]))
    for path in files:
        aid = path.stem
        sents = read_sentences(root, aid)
        ids = [sid for sid, _ in sents]
        first = read_labels(label_dir, aid, ids)
        second_path = labels / "second" / path.name
        second = read_labels(labels / "second", aid, ids) if second_path.is_file() else None
        gold = settle(first, second, settled.get(aid, {}))
        if second is not None:  # the settled labels must hold together too
            check_labels({"target": first["target"], "sentences": gold}, ids, f"{aid} (settled)")
        text, spans = join_text(sents)
        sentences = [Sentence(sid, a, b, gold[sid]) for sid, (a, b) in zip(ids, spans)]
        out[split_of(aid)].append(RealArticle(aid, first["target"], text, sentences))
    used = [*files, *labels.glob("second/*.json"), settled_path] if files else []
    texts = [_text_file(root, p.stem) for p in files]
    return out, fingerprint([p for p in used + texts if p.is_file()])


def _find_cue(sentence: str, cue: str | None, base: int) -> tuple[int | None, int | None]:
    if not cue:
        return None, None
    k = sentence.lower().find(cue.lower())
    return (base + k, base + k + len(cue)) if k >= 0 else (None, None)


def as_corpus_doc(art: RealArticle) -> dict:
    """One real article in the shape of a corpus annotation (`framing.data.corpus.load_corpus`),
    so that the pipeline evaluation reads it like a corpus article: the headline and body
    segments, one claim per headline or body sentence. Sources carry no offsets (the labels are
    stand-off names); a cue gets the offsets of its first occurrence in the sentence."""
    body = [s for s in art.sentences[1:]]
    segments = [{"kind": "headline", "start": 0, "end": art.sentences[0].end}]
    if body:
        segments.append({"kind": "body", "start": body[0].start, "end": body[-1].end})
    claims = []
    for k, s in enumerate(art.sentences):
        lab = s.labels
        if lab["segment"] == "other":
            continue
        text = art.text[s.start : s.end]
        cue_start, cue_end = _find_cue(text, lab["cue"], s.start)
        claims.append(
            {
                "text": text,
                "kind": "headline" if k == 0 else "body",
                "start": s.start,
                "end": s.end,
                "attributed": lab["attributed"],
                "implicit": lab["implicit"],
                "source": lab["source"],
                "source_type": lab["source_type"],
                "source_start": None,
                "source_end": None,
                "cue": lab["cue"] if cue_start is not None else None,
                "cue_start": cue_start,
                "cue_end": cue_end,
                "stance": lab["stance"],
                "frame": lab["frame"],
            }
        )
    return {
        "article_id": art.article_id,
        "target": art.target,
        "text": art.text,
        "segments": segments,
        "claims": claims,
    }


def label_counts(articles: dict[str, list[RealArticle]]) -> str:
    """Markdown tables of the gold label counts per split (the data card's)."""
    from collections import Counter

    def value(lab: dict, field: str) -> str:
        if field == "attribution":
            if not lab["attributed"]:
                return "unattributed"
            return "implicit" if lab["implicit"] else "explicit"
        if field == "source_type":
            return lab["source_type"] or "unattributed"
        return lab[field]

    splits = ("train", "dev", "test")
    lines = [f"articles: {', '.join(f'{s} {len(articles[s])}' for s in splits)}"]
    for field in ("frame", "stance", "attribution", "source_type"):
        counts = {
            s: Counter(
                value(x.labels, field)
                for a in articles[s]
                for x in a.sentences
                if x.labels["segment"] == "body"
            )
            for s in splits
        }
        keys = sorted(set().union(*counts.values()))
        lines += [
            "",
            f"| {field} (body sentences) | train | dev | test | all |",
            "|---|---:|---:|---:|---:|",
        ]
        for k in keys:
            row = [counts[s][k] for s in splits]
            lines.append(f"| {k} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    return "\n".join(lines + ["", frames_by_speaker(articles)])


def frames_by_speaker(articles: dict[str, list[RealArticle]]) -> str:
    """Markdown: the share of each frame among the body sentences of each kind of speaker
    (all splits), to see whether unnamed sources carry other frames than named ones."""
    from collections import Counter

    rows = [x.labels for arts in articles.values() for a in arts for x in a.sentences]
    rows = [r for r in rows if r["segment"] == "body"]
    kinds = ["unattributed", "named_person", "named_organization", "document", "unnamed"]
    by = {
        k: Counter(r["frame"] for r in rows if (r["source_type"] or "unattributed") == k)
        for k in kinds
    }
    head = "| frame (% of the speaker's body sentences) | " + " | ".join(kinds) + " |"
    lines = [head, "|---|" + "---:|" * len(kinds)]
    for f in FRAMES:
        cells = [f"{100 * by[k][f] / max(1, sum(by[k].values())):.1f}" for k in kinds]
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    lines.append("| sentences | " + " | ".join(str(sum(by[k].values())) for k in kinds) + " |")
    return "\n".join(lines)
