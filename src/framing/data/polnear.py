"""PolNeAR (Newell et al. 2018): BRAT standoff attributions -> sentences with Source / Cue /
Content spans, and the word offsets spans are compared by (scores: framing.benchmarks).

Layout under the dataset folder: data/<split>/text/<article>.txt and
data/<split>/attributions/<article>_<annotator>.ann. An article annotated by several annotators
is read with the alphabetically first annotator whose file is well formed (the authors' loader
picks one at random; a fixed choice keeps runs repeatable). A malformed .ann file is reported
by name and line and that annotation is not used, so no token is silently labelled O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from framing.core.errors import InputError
from framing.data.public import Skipped, dataset_dir

ROLES = ("Source", "Cue", "Content")
SPLITS = ("train", "dev", "test")
# BRAT record kinds besides text-bound (T) ones: events, relations, attributes, notes.
_RECORD = re.compile(r"^(?:[TERAMN]\d+|#\d*)\t")
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass
class RoleSpan:
    """One role span of one attribution: contiguous character fragments in the article."""

    role: str
    fragments: list[tuple[int, int]]


# One attribution (a BRAT event): role -> its character fragments in the article.
Group = dict[str, list[tuple[int, int]]]


@dataclass
class Article:
    id: str
    split: str
    annotator: str
    text: str
    spans: list[RoleSpan]
    groups: list[Group] = field(default_factory=list)  # the attributions, roles grouped


@dataclass
class Sentence:
    """A sentence with its role spans clipped to it, offsets relative to `text`."""

    id: str  # <article>:<index>
    text: str
    start: int  # offset in the article
    spans: list[tuple[str, int, int]] = field(default_factory=list)


# ------------------------------------------------------------------------------------ reading


def parse_ann(path: Path, text: str) -> list[RoleSpan]:
    """Source / Cue / Content spans of one .ann file, checked against the article text.

    A span's text field may run over several lines (its text holds line breaks); a record whose
    offsets fall outside the text or whose text differs from the article raises ValueError
    with 'path:line'.
    """
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    records: list[list] = []  # [line number, record text with its continuation lines]
    for n, line in enumerate(lines, 1):
        if _RECORD.match(line):
            records.append([n, line])
        elif records:
            records[-1][1] += "\n" + line
        elif line.strip():
            raise ValueError(f"{path}:{n}: not a BRAT record: {line[:60]!r}")
    spans = []
    for n, rec in records:
        if not rec.startswith("T"):
            continue
        m = _TEXT_BOUND.match(rec.rstrip("\n").split("\n")[0])
        if not m:
            raise ValueError(f"{path}:{n}: malformed text-bound annotation: {rec[:60]!r}")
        role = m[2]
        # the text field is everything after the second tab, continuation lines included
        field_text = rec.rstrip("\n").split("\t", 2)[2]
        fragments = [tuple(map(int, p.split())) for p in m[3].split(";")]
        if any(not 0 <= s < e <= len(text) for s, e in fragments):
            raise ValueError(f"{path}:{n}: offsets {m[3]} outside the text ({len(text)} chars)")
        if " ".join(text[s:e] for s, e in fragments) != field_text:
            raise ValueError(f"{path}:{n}: span text does not match the article at {m[3]}")
        if role in ROLES:
            spans.append(RoleSpan(role, [(s, e) for s, e in fragments]))
    return spans


def parse_groups(path: Path) -> list[Group]:
    """The attributions of one .ann file (already checked by `parse_ann`): each event's Source,
    Cue and Content fragments, in file order. An event naming an unknown span raises
    ValueError with 'path:line'."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    bound: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[tuple[int, str]] = []
    for n, line in enumerate(lines, 1):
        if m := _TEXT_BOUND.match(line):
            frags = [(int(a), int(b)) for a, b in (p.split() for p in m[3].split(";"))]
            bound[m[1]] = (m[2], frags)
        elif line.startswith("E") and _RECORD.match(line):
            events.append((n, line))
    groups = []
    for n, line in events:
        group: Group = {}
        for arg in line.split("\t", 1)[1].split():
            _, _, ref = arg.partition(":")
            if ref not in bound:
                raise ValueError(f"{path}:{n}: event names an unknown span {ref!r}")
            role, frags = bound[ref]
            if role in ROLES:
                group.setdefault(role, []).extend(frags)
        if group:
            groups.append(group)
    return groups


def load_polnear(root: str | Path, split: str, skipped: Skipped) -> list[Article]:
    """The articles of one split, each with one annotator's Source / Cue / Content spans."""
    if split not in SPLITS:
        raise InputError(f"PolNeAR split {split!r}; expected one of {list(SPLITS)}")
    folder = dataset_dir(root, "polnear", ["data/metadata.tsv"])
    text_dir, ann_dir = folder / "data" / split / "text", folder / "data" / split / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(
            f"dataset polnear is incomplete: {text_dir} or {ann_dir} is missing; fetch it with "
            "`python scripts/download_data.py polnear --root <data root>`"
        )
    out = []
    for readings in annotator_readings(text_dir, ann_dir, split, skipped, first_only=True):
        out.extend(readings)
    if not out:
        raise InputError(f"no readable PolNeAR articles in {ann_dir}")
    return out


def annotator_readings(
    text_dir: Path, ann_dir: Path, split: str, skipped: Skipped, first_only: bool = False
) -> Iterator[list[Article]]:
    """Per article (in name order), its annotators' readings in file-name order: every one that
    parses, or with `first_only` the first that does. Unreadable files go to `skipped`."""
    by_article: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        article, _, _ = ann.stem.rpartition("_")
        if not article:
            skipped.add(ann, 0, "file name is not <article>_<annotator>.ann")
            continue
        by_article[article].append(ann)
    for article, files in sorted(by_article.items()):
        txt = text_dir / f"{article}.txt"
        if not txt.is_file():
            skipped.add(files[0], 0, f"no article text {txt.name}")
            continue
        text = txt.read_text(encoding="utf-8")
        readings = []
        for ann in files:
            try:
                spans, groups = parse_ann(ann, text), parse_groups(ann)
            except ValueError as e:
                path_line, _, reason = str(e).partition(": ")
                file, _, line = path_line.rpartition(":")
                skipped.add(Path(file), int(line) if line.isdigit() else 0, reason)
                continue
            who = ann.stem.rpartition("_")[2]
            readings.append(Article(article, split, who, text, spans, groups))
            if first_only:
                break
        yield readings


# ------------------------------------------------------------------------------- sentences

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "st", "jr", "sr",
    "prof", "rev", "hon", "pres", "u.s", "u.n", "u.k", "d.c", "a.m", "p.m", "inc", "corp", "co",
    "ltd", "vs", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec",
    "ariz", "calif", "fla", "ill", "mass", "mich", "minn", "nev", "penn", "tenn", "tex", "va",
    "wash", "wis", "e.g", "i.e", "etc", "approx", "dept", "gop",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets: lines split at end punctuation followed by a capital, except after a
    known abbreviation or a single initial ("J. Smith"). Fast and deterministic.

    >>> sentence_spans("Mr. Smith said no. He left.\\nNew line")
    [(0, 18), (19, 27), (28, 36)]
    """
    out = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        lo = start
        for m in _BOUNDARY.finditer(text, start, end):
            before = text[lo : m.start()].split()
            word = before[-1].rstrip(".") if before else ""
            initial = len(word) == 1 and word.isupper()  # "J. Smith"
            if text[m.start()] == "." and (word.lower() in _ABBREV or initial):
                continue
            cut = m.end() - len(m.group()) + len(m.group().rstrip())
            _add(out, text, lo, cut)
            lo = m.end()
        _add(out, text, lo, end)
    return out


def _add(out: list, text: str, lo: int, hi: int) -> None:
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if hi > lo:
        out.append((lo, hi))


def sentences(article: Article) -> list[Sentence]:
    """The article's sentences, each with the role fragments that fall in it (clipped)."""
    out = []
    for k, (s0, s1) in enumerate(sentence_spans(article.text)):
        sent = Sentence(f"{article.id}:{k}", article.text[s0:s1], s0)
        for span in article.spans:
            for a, b in span.fragments:
                lo, hi = max(a, s0), min(b, s1)
                if lo < hi and article.text[lo:hi].strip():
                    sent.spans.append((span.role, lo - s0, hi - s0))
        sent.spans.sort(key=lambda x: (x[1], x[2]))
        out.append(sent)
    return out


# ---------------------------------------------------------------------------------- scoring


def words(text: str) -> list[tuple[int, int]]:
    """Word and punctuation offsets: the unit spans are compared in."""
    return [m.span() for m in _WORD.finditer(text)]


def word_range(span: tuple[int, int], offsets: list[tuple[int, int]]) -> tuple[int, int] | None:
    """First and last word a character span touches (None when it holds no word)."""
    hit = [i for i, (a, b) in enumerate(offsets) if a < span[1] and b > span[0]]
    return (hit[0], hit[-1]) if hit else None
