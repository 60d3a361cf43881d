"""framing.data.corpus: offsets, validation messages, article splits, and the real corpus."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest

from framing.data.corpus import (
    FRAMES,
    SOURCE_TYPES,
    STANCES,
    AnnotationError,
    load_corpus,
    resolve_offsets,
    split_articles,
    validate,
    write_splits,
)

REAL_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"

# A hand-made article with every segment kind, including a place-date dateline that opens a
# paragraph line, and every attribution pattern of the annotation guide.
TEXT = (
    "WORLD / DEFENCE\n"
    "Navies hold joint drill near Portville\n"
    "By Mira Castell\n"
    "Published: May 3, 2024 08:15 AM\n"
    "A frigate leaves port on Monday. Photo: Harbor Wire\n"
    "\n"
    "PORTVILLE, May 2 (Harbor Wire) - The two navies began a five-day drill on Monday, the "
    "defence ministry said. Zhang Wei, a naval analyst, told the Harbor Wire that the drill "
    "was routine.\n"
    "\n"
    "“The drill is not aimed at any third party,” Zhang said. The exercise, he added, will "
    "continue next year.\n"
    "\n"
    "Calm seas ahead\n"
    "\n"
    "According to the navy, eight ships took part. The drill raises the risk of conflict, "
    "Radio Nord reported.\n"
    "\n"
    "“The partnership is defensive,” reads the statement. “It will keep the sea lanes safe.”\n"
    "\n"
    "Observers say the drill is a show of strength. The ships will return on Friday.\n"
)

SEGMENTS = [
    ("section", "WORLD / DEFENCE"),
    ("headline", "Navies hold joint drill near Portville"),
    ("byline", "By Mira Castell"),
    ("dateline", "Published: May 3, 2024 08:15 AM"),
    ("caption", "A frigate leaves port on Monday. Photo: Harbor Wire"),
    ("dateline", "PORTVILLE, May 2 (Harbor Wire) -"),
    (
        "body",
        "The two navies began a five-day drill on Monday, the defence ministry said. "
        "Zhang Wei, a naval analyst, told the Harbor Wire that the drill was routine.",
    ),
    (
        "body",
        "“The drill is not aimed at any third party,” Zhang said. The exercise, he added, "
        "will continue next year.",
    ),
    ("subhead", "Calm seas ahead"),
    (
        "body",
        "According to the navy, eight ships took part. The drill raises the risk of "
        "conflict, Radio Nord reported.",
    ),
    (
        "body",
        "“The partnership is defensive,” reads the statement. “It will keep the sea lanes safe.”",
    ),
    ("body", "Observers say the drill is a show of strength. The ships will return on Friday."),
]


def claim(
    text: str,
    kind: str = "body",
    source: str | None = None,
    mention: str | None = None,
    source_type: str | None = None,
    cue: str | None = None,
    implicit: bool = False,
    stance: str = "neutral",
    frame: str = "neutral_report",
) -> dict:
    return {
        "text": text,
        "kind": kind,
        "attributed": source is not None,
        "implicit": implicit,
        "source": source,
        "source_mention": mention,
        "source_type": source_type,
        "cue": cue,
        "stance": stance,
        "frame": frame,
    }


FAVOR = dict(stance="favor", frame="defensive_cooperation")
CLAIMS = [
    claim("Navies hold joint drill near Portville", kind="headline"),
    # said, with the source named in the same sentence
    claim(
        "The two navies began a five-day drill on Monday, the defence ministry said.",
        "body",
        "the defence ministry",
        "the defence ministry",
        "named_organization",
        "said",
    ),
    # told X that
    claim(
        "Zhang Wei, a naval analyst, told the Harbor Wire that the drill was routine.",
        "body",
        "Zhang Wei",
        "Zhang Wei",
        "named_person",
        "told the Harbor Wire",
        **FAVOR,
    ),
    # a quote, the speaker by short name
    claim(
        "“The drill is not aimed at any third party,” Zhang said.",
        "body",
        "Zhang Wei",
        "Zhang",
        "named_person",
        "said",
        **FAVOR,
    ),
    # a pronoun resolved to the person named earlier ("he", not the "he" inside "The")
    claim(
        "The exercise, he added, will continue next year.",
        "body",
        "Zhang Wei",
        "he",
        "named_person",
        "added",
    ),
    # according to
    claim(
        "According to the navy, eight ships took part.",
        "body",
        "the navy",
        "the navy",
        "named_organization",
        "According to",
    ),
    # reported
    claim(
        "The drill raises the risk of conflict, Radio Nord reported.",
        "body",
        "Radio Nord",
        "Radio Nord",
        "named_organization",
        "reported",
        stance="against",
        frame="threat",
    ),
    # "reads the statement", then the quote's second sentence with no cue of its own
    claim(
        "“The partnership is defensive,” reads the statement.",
        "body",
        "the statement",
        "the statement",
        "document",
        "reads",
        **FAVOR,
    ),
    claim(
        "“It will keep the sea lanes safe.”",
        "body",
        "the statement",
        None,
        "document",
        None,
        implicit=True,
        **FAVOR,
    ),
    # a vague source
    claim(
        "Observers say the drill is a show of strength.",
        "body",
        "Observers",
        "Observers",
        "unnamed",
        "say",
        stance="against",
        frame="threat",
    ),
    # the outlet's own voice
    claim("The ships will return on Friday."),
]


def annotation() -> dict:
    """A fresh copy of the hand-made annotation (texts only; offsets are resolved)."""
    return {
        "article_id": "hand_01",
        "voice": "test_wire",
        "target": "naval cooperation",
        "segments": [{"kind": k, "text": t} for k, t in SEGMENTS],
        "claims": copy.deepcopy(CLAIMS),
    }


# ---------------------------------------------------------------- resolve_offsets


def test_resolve_offsets_segments() -> None:
    out = resolve_offsets(TEXT, annotation())
    assert [(s["kind"], s["start"], s["end"]) for s in out["segments"]] == [
        ("section", 0, 15),
        ("headline", 16, 54),
        ("byline", 55, 70),
        ("dateline", 71, 102),
        ("caption", 103, 154),
        ("dateline", 156, 188),  # the place-date prefix of a paragraph line
        ("body", 189, 341),  # the rest of that line
        ("body", 343, 448),
        ("subhead", 450, 465),
        ("body", 467, 572),
        ("body", 574, 661),
        ("body", 663, 742),
    ]
    assert TEXT[156:188] == "PORTVILLE, May 2 (Harbor Wire) -"


# (claim start, end), (source start, end, text), (cue start, end, text)
EXPECTED_CLAIMS = [
    ((16, 54), None, None),
    ((189, 264), (238, 258, "the defence ministry"), (259, 263, "said")),
    ((265, 341), (265, 274, "Zhang Wei"), (293, 313, "told the Harbor Wire")),
    ((343, 399), (388, 393, "Zhang"), (394, 398, "said")),
    ((400, 448), (414, 416, "he"), (417, 422, "added")),
    ((467, 512), (480, 488, "the navy"), (467, 479, "According to")),
    ((513, 572), (552, 562, "Radio Nord"), (563, 571, "reported")),
    ((574, 626), (612, 625, "the statement"), (606, 611, "reads")),
    ((627, 661), (612, 625, "the statement"), None),  # implicit: the quote's source span
    ((663, 709), (663, 672, "Observers"), (673, 676, "say")),
    ((710, 742), None, None),
]


@pytest.mark.parametrize("k", range(len(CLAIMS)), ids=[c["text"][:30] for c in CLAIMS])
def test_resolve_offsets_claims(k: int) -> None:
    c = resolve_offsets(TEXT, annotation())["claims"][k]
    (start, end), source, cue = EXPECTED_CLAIMS[k]
    assert (c["start"], c["end"]) == (start, end)
    assert TEXT[start:end] == CLAIMS[k]["text"]
    if source is None:
        assert (c["source_start"], c["source_end"]) == (None, None)
    else:
        assert (c["source_start"], c["source_end"]) == source[:2]
        assert TEXT[source[0] : source[1]] == source[2]
    if cue is None:
        assert (c["cue_start"], c["cue_end"]) == (None, None)
    else:
        assert (c["cue_start"], c["cue_end"]) == cue[:2]
        assert TEXT[cue[0] : cue[1]] == cue[2]


def test_resolve_offsets_keeps_labels_and_resolved_source() -> None:
    out = resolve_offsets(TEXT, annotation())
    assert out["article_id"] == "hand_01" and out["target"] == "naval cooperation"
    pronoun = out["claims"][4]
    assert (pronoun["source"], pronoun["source_mention"]) == ("Zhang Wei", "he")
    implicit = out["claims"][8]
    assert implicit["implicit"] and implicit["attributed"] and implicit["cue"] is None
    assert [c["frame"] for c in out["claims"]] == [c["frame"] for c in CLAIMS]
    validate(TEXT, out)  # the resolved annotation is valid on its own


def test_resolve_offsets_prefers_whole_words() -> None:
    """A pronoun mention "he" must not resolve to the "he" inside "The"."""
    c = resolve_offsets(TEXT, annotation())["claims"][4]
    assert c["source_start"] == c["start"] + len("The exercise, ")


def test_implicit_claim_before_its_cue_links_to_the_following_claim() -> None:
    text = "“Drills are normal.” “They help peace,” Zhang Wei said.\n"
    ann = {
        "article_id": "q",
        "voice": "v",
        "target": "t",
        "segments": [{"kind": "body", "text": text.strip()}],
        "claims": [
            claim(
                "“Drills are normal.”",
                "body",
                "Zhang Wei",
                None,
                "named_person",
                None,
                implicit=True,
            ),
            claim(
                "“They help peace,” Zhang Wei said.",
                "body",
                "Zhang Wei",
                "Zhang Wei",
                "named_person",
                "said",
            ),
        ],
    }
    first, second = resolve_offsets(text, ann)["claims"]
    assert (first["source_start"], first["source_end"]) == (40, 49)
    assert (second["source_start"], second["source_end"]) == (40, 49)


# ---------------------------------------------------------------- errors


def set_claim(k: int, **fields):
    def edit(ann: dict) -> None:
        ann["claims"][k].update(fields)

    return edit


def drop(key: str, k: int):
    def edit(ann: dict) -> None:
        del ann[key][k]

    return edit


ERRORS = [
    (
        "segment text not found",
        lambda a: a["segments"][5].update(text="LONDON, May 2 (Harbor Wire) -"),
        "hand_01 segment 5: 'LONDON, May 2 (Harbor Wire) -' not found in text[154:743]",
    ),
    (
        "claim text not found",
        set_claim(3, text="“The drill is aimed at nobody,” Zhang said."),
        "hand_01 claim 3: '“The drill is aimed at nobody,” Zhang said.' "
        "not found in text[341:743]",
    ),
    (
        "source mention outside its claim",
        set_claim(5, source_mention="Zhang Wei"),
        "hand_01 claim 5 source_mention: 'Zhang Wei' not found in text[467:512]",
    ),
    (
        "unknown segment kind",
        lambda a: a["segments"][0].update(kind="kicker"),
        "hand_01 segment 0: unknown kind 'kicker'",
    ),
    (
        "text outside every segment",
        drop("segments", 8),
        "hand_01: text not in any segment near 'Calm seas ahead\\n\\nAccording to the navy, eight "
        "ship'",
    ),
    (
        "body text not covered by a claim",
        drop("claims", 10),
        "hand_01: body text not in any claim near 'The ships will return on Friday.\\n'",
    ),
    (
        "unknown frame",
        set_claim(1, frame="peace"),
        f"hand_01 claim 1: frame 'peace', expected one of {FRAMES}",
    ),
    (
        "unknown stance",
        set_claim(1, stance="pro"),
        f"hand_01 claim 1: stance 'pro', expected one of {STANCES}",
    ),
    (
        "unknown source type",
        set_claim(1, source_type="agency"),
        f"hand_01 claim 1: source_type 'agency', expected one of {SOURCE_TYPES}",
    ),
    (
        "unattributed claim with a cue",
        set_claim(10, cue="return"),
        "hand_01 claim 10: unattributed claim has ['cue']",
    ),
    (
        "unattributed claim marked implicit",
        set_claim(10, implicit=True),
        "hand_01 claim 10: unattributed claim has ['implicit']",
    ),
    (
        "explicit attribution without a cue",
        set_claim(6, cue=None),
        "hand_01 claim 6: explicit attribution needs cue and source_mention",
    ),
    (
        "implicit claim with its own cue",
        set_claim(8, cue="keep"),
        "hand_01 claim 8: implicit claim has a cue of its own",
    ),
    (
        "resolved source not in the article",
        set_claim(4, source="Zhang Hong"),
        "hand_01 claim 4: resolved source 'Zhang Hong' not in the article",
    ),
    (
        "attributed flag not a bool",
        set_claim(10, attributed="no"),
        "hand_01 claim 10: attributed and implicit must be true or false",
    ),
    (
        "claim in the headline marked body",
        set_claim(0, kind="body"),
        "hand_01 claim 0: not inside a body segment",
    ),
    ("missing key", lambda a: a.pop("voice"), "hand_01: missing key 'voice'"),
]


@pytest.mark.parametrize("edit,message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_resolve_offsets_errors(edit, message: str) -> None:
    ann = annotation()
    edit(ann)
    with pytest.raises(AnnotationError) as err:
        resolve_offsets(TEXT, ann)
    assert str(err.value) == message


def test_validate_rejects_overlapping_claims() -> None:
    ann = resolve_offsets(TEXT, annotation())
    ann["claims"].insert(2, dict(ann["claims"][1]))  # the same span twice
    with pytest.raises(AnnotationError, match="^hand_01 claim 2: overlaps the previous claim$"):
        validate(TEXT, ann)


def test_validate_rejects_offsets_that_do_not_match() -> None:
    ann = resolve_offsets(TEXT, annotation())
    ann["claims"][3]["start"] += 1
    with pytest.raises(AnnotationError, match="^hand_01 claim 3: offsets do not match its text$"):
        validate(TEXT, ann)
    # an edited article (one character added up front) invalidates the stored offsets
    with pytest.raises(AnnotationError, match="^hand_01 segment 0: offsets do not match"):
        validate(" " + TEXT, resolve_offsets(TEXT, annotation()))


# ---------------------------------------------------------------- split_articles


def docs(per_voice: int = 7) -> list[dict]:
    return [
        {"article_id": f"{v}_{i:02d}", "voice": v}
        for v in ("cn", "ru", "west")
        for i in range(per_voice)
    ]


def test_split_is_deterministic_per_seed() -> None:
    a, b = split_articles(docs(), seed=3), split_articles(docs()[::-1], seed=3)
    assert a == b and a.seed == 3
    draws = {tuple(split_articles(docs(), seed=s).test) for s in range(6)}
    assert len(draws) > 1, "different seeds should draw different test sets"


@pytest.mark.parametrize("seed", [0, 1, 13])
def test_split_is_stratified_by_voice_and_disjoint(seed: int) -> None:
    split = split_articles(docs(), seed=seed)
    parts = {"train": split.train, "dev": split.dev, "test": split.test}
    everything = [a for ids in parts.values() for a in ids]
    assert sorted(everything) == sorted(d["article_id"] for d in docs())  # each exactly once
    assert len(set(everything)) == len(everything)
    for name, ids in parts.items():
        assert ids == sorted(ids)
        per_voice = Counter(a.split("_")[0] for a in ids)
        # 7 per voice: round(7 * 0.15) = 1 to test, 1 to dev, 5 to train, for every voice
        assert per_voice == {v: 5 if name == "train" else 1 for v in ("cn", "ru", "west")}


def test_split_of_a_voice_with_one_article_goes_to_test() -> None:
    split = split_articles([{"article_id": "solo", "voice": "x"}], seed=0)
    assert (split.train, split.dev, split.test) == ([], [], ["solo"])


def test_growing_the_corpus_keeps_every_article_in_its_split() -> None:
    first = split_articles(docs(), seed=13)
    previous = {"train": first.train, "dev": first.dev, "test": first.test}
    grown = docs(14) + [{"article_id": f"new_{i:02d}", "voice": "new"} for i in range(7)]
    second = split_articles(grown, seed=13, previous=previous)
    for name in ("train", "dev", "test"):
        assert set(previous[name]) <= set(getattr(second, name))
    added = {d["article_id"] for d in grown} - {a for ids in previous.values() for a in ids}
    everything = second.train + second.dev + second.test
    assert sorted(everything) == sorted(d["article_id"] for d in grown)
    assert {a for a in second.test if a in added}, "new articles are drawn into test too"
    # an article that left the corpus leaves its split
    fewer = split_articles(docs()[1:], seed=13, previous=previous)
    assert docs()[0]["article_id"] not in fewer.train + fewer.dev + fewer.test


def test_write_splits_reads_the_split_already_written(tmp_path: Path) -> None:
    write_splits(tmp_path, docs(), seed=13)
    before = json.loads((tmp_path / "splits.json").read_text())
    write_splits(tmp_path, docs(), seed=99)  # another seed moves nothing already placed
    after = json.loads((tmp_path / "splits.json").read_text())
    assert {k: after[k] for k in ("train", "dev", "test")} == {
        k: before[k] for k in ("train", "dev", "test")
    }


# ---------------------------------------------------------------- tiny corpus round trip


def test_load_corpus_on_written_files(tiny_corpus: Path) -> None:
    loaded = load_corpus(tiny_corpus)
    assert [d["article_id"] for d in loaded] == sorted(
        p.stem for p in (tiny_corpus / "annotations").glob("*.json")
    )
    first = loaded[0]
    assert first["text"] == (tiny_corpus / "articles" / f"{first['article_id']}.txt").read_text(
        encoding="utf-8"
    )


def test_load_corpus_reports_a_stale_offset(tiny_corpus: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    path = root / "annotations" / "north_01.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["claims"][2]["end"] -= 1
    path.write_text(json.dumps(ann), encoding="utf-8")
    with pytest.raises(AnnotationError, match="^north_01 claim 2: offsets do not match its text$"):
        load_corpus(root)


def test_load_corpus_without_annotations(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no annotations in"):
        load_corpus(tmp_path)


# ---------------------------------------------------------------- the real corpus


def annotation_ids() -> set[str]:
    return {p.stem for p in (REAL_CORPUS / "annotations").glob("*.json")}


def test_real_corpus_validates() -> None:
    """Every annotation file matches its article and the label scheme."""
    docs = load_corpus(REAL_CORPUS)
    ids = [d["article_id"] for d in docs]
    assert len(ids) == len(set(ids)) >= 1
    for d in docs:
        assert d["claims"], f"{d['article_id']} has no claims"


def test_real_splits_cover_every_annotation_once() -> None:
    split_file = REAL_CORPUS / "splits.json"
    assert split_file.is_file(), "run scripts/build_corpus.py to write data/corpus/splits.json"
    splits = json.loads(split_file.read_text(encoding="utf-8"))
    listed = splits["train"] + splits["dev"] + splits["test"]
    assert len(listed) == len(set(listed)), "an article sits in two splits"
    assert set(listed) == annotation_ids()


@pytest.mark.slow
def test_real_corpus_is_complete() -> None:
    """The corpus the project promises: sizes and label coverage."""
    docs = load_corpus(REAL_CORPUS)
    body = [c for d in docs for c in d["claims"] if c["kind"] == "body"]
    assert len(docs) >= 60
    assert len(body) >= 800
    assert len({d["voice"] for d in docs}) >= 6
    assert {c["frame"] for c in body} == set(FRAMES)
    assert {c["stance"] for c in body} == set(STANCES)
    assert {c["source_type"] for c in body if c["attributed"]} == set(SOURCE_TYPES)
    splits = json.loads((REAL_CORPUS / "splits.json").read_text(encoding="utf-8"))
    by_id = {d["article_id"]: d for d in docs}
    for name in ("train", "dev", "test"):
        frames = {
            c["frame"] for a in splits[name] for c in by_id[a]["claims"] if c["kind"] == "body"
        }
        assert frames == set(FRAMES), f"{name} split lacks {set(FRAMES) - frames}"
