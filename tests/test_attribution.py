"""Attribution: each cue pattern on invented sentences, source resolution and types, implicit
claims, the scores, the seed article's must-haves and a regression floor on the dev split."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from framing.benchmarks.evaluate import evaluate_attribution, score_corpus
from framing.pipeline.article import Attribution, Claim, Segment, Span
from framing.pipeline.attribution import attribute
from framing.pipeline.claims import split_claims

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "articles" / "000_9441d596a4cd1f47.txt"


def run(nlp, text: str) -> list[Claim]:
    """Claims of `text` as one body paragraph, attributed; checks every span's offsets."""
    claims = attribute(split_claims(text, [Segment("body", 0, len(text))], nlp), text, nlp)
    for c in claims:
        a = c.attribution
        assert text[c.start : c.end] == c.text
        for span in (a.source_span, a.cue):
            assert span is None or text[span.start : span.end] == span.text
        assert a.attributed or (a.source, a.source_type, a.cue, a.implicit) == (
            None,
            None,
            None,
            False,
        )
    return claims


def row(c: Claim) -> tuple:
    a = c.attribution
    return (a.attributed, a.implicit, a.source, a.source_type, a.cue.text if a.cue else None)


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # "said", after what it reports
            "The drills are routine and will continue next year, the ministry said.",
            (True, False, "the ministry", "named_organization", "said"),
        ),
        (  # "told X that"; the appositive is not part of the source
            "Zhang Hong, a researcher at the Institute of Eurasian Studies, told the Daily Herald "
            "on Monday that the drills were routine.",
            (True, False, "Zhang Hong", "named_person", "told the Daily Herald"),
        ),
        (
            "The patrol lasted three days, according to TASS.",
            (True, False, "TASS", "named_organization", "according to"),
        ),
        (
            "Two bombers flew over the sea on Tuesday, Yonhap News Agency reported.",
            (True, False, "Yonhap News Agency", "named_organization", "reported"),
        ),
        (
            '"The exercise is not aimed at any third party," the joint statement reads.',
            (True, False, "the joint statement", "document", "reads"),
        ),
        (
            '"Our alliance is ironclad," reads a statement from the defence ministry.',
            (True, False, "a statement from the defence ministry", "document", "reads"),
        ),
        (
            "Xinhua quoted a Chinese military expert as saying that the patrol was routine.",
            (True, False, "a Chinese military expert", "unnamed", "as saying"),
        ),
        (
            "A Chinese foreign ministry spokesperson said the drills were routine.",
            (True, False, "A Chinese foreign ministry spokesperson", "named_organization", "said"),
        ),
        (
            "A senior NATO official, speaking on condition of anonymity, said the flights were a "
            "provocation.",
            (True, False, "A senior NATO official", "unnamed", "said"),
        ),
        (
            "Sources familiar with the matter said the deal was signed in March.",
            (True, False, "Sources familiar with the matter", "unnamed", "said"),
        ),
        (
            "Western media have described the patrol as proof of a new bloc.",
            (True, False, "Western media", "unnamed", "described"),
        ),
        (  # the outlet's own voice
            "The two navies held a joint drill near Vladivostok on Monday.",
            (False, False, None, None, None),
        ),
        (  # speech verbs in other senses, and a negated one, are not cues
            "The two sides agreed to hold more drills next year.",
            (False, False, None, None, None),
        ),
        (
            "Chinese officials have said little about the project.",
            (False, False, None, None, None),
        ),
        ("They tell leaders whether an attack is under way.", (False, False, None, None, None)),
    ],
)
def test_single_claim_patterns(nlp, text, expected):
    (claim,) = run(nlp, text)
    assert row(claim) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # Experts, analysts, observers: vague sources
            "Experts said the drills were routine. Analysts also stressed that the ties help "
            "stability. The scope of the drills will expand, observers said.",
            [
                (True, False, "Experts", "unnamed", "said"),
                (True, False, "Analysts", "unnamed", "stressed"),
                (True, False, "observers", "unnamed", "said"),
            ],
        ),
        (  # "Zhang said" after the full name
            "Zhang Hong, a researcher, told the Daily Herald that ties were strong. The drills "
            "are routine, Zhang said.",
            [
                (True, False, "Zhang Hong", "named_person", "told the Daily Herald"),
                (True, False, "Zhang Hong", "named_person", "said"),
            ],
        ),
        (  # "he added"
            "Song Kaiwen, a military expert, said the patrol was planned months ago. He added "
            "that both sides had informed their neighbours.",
            [
                (True, False, "Song Kaiwen", "named_person", "said"),
                (True, False, "Song Kaiwen", "named_person", "added"),
            ],
        ),
        (  # a quotation running over two sentences
            'Fang Ruolin said: "The exercise is routine. It is not aimed at anyone."',
            [
                (True, False, "Fang Ruolin", "named_person", "said"),
                (True, True, "Fang Ruolin", "named_person", None),
            ],
        ),
        (  # ... whose cue comes after it
            '"The exercise is routine. It is not aimed at anyone," said Fang Ruolin, a fellow.',
            [
                (True, True, "Fang Ruolin", "named_person", None),
                (True, False, "Fang Ruolin", "named_person", "said"),
            ],
        ),
        (  # a quotation with no cue of its own right after the speaker's
            '"The drills are normal," Li Wei said. "They will continue next year."',
            [
                (True, False, "Li Wei", "named_person", "said"),
                (True, True, "Li Wei", "named_person", None),
            ],
        ),
        (  # reported speech going on in the past-future
            "Government officials said Japan would monitor the ships closely. It would also "
            "share what it gathered with the United States.",
            [
                (True, False, "Government officials", "unnamed", "said"),
                (True, True, "Government officials", "unnamed", None),
            ],
        ),
        (  # plain continuation without quotes or backshift stays the outlet's (conservative)
            "Analysts said the sanctions would not stop the trade. Goods are rerouted through "
            "third countries.",
            [
                (True, False, "Analysts", "unnamed", "said"),
                (False, False, None, None, None),
            ],
        ),
        (  # a unique role resolves to the person introduced with it
            "Chinese defense chief Li Shangfu arrived in Moscow on Sunday. Cooperation between "
            "the two militaries will deepen, said the Chinese defense minister.",
            [
                (False, False, None, None, None),
                (True, False, "Li Shangfu", "named_person", "said"),
            ],
        ),
        (
            "Russian President Vladimir Putin met Li on Sunday. Putin said military ties were "
            "strong.",
            [
                (False, False, None, None, None),
                (True, False, "Vladimir Putin", "named_person", "said"),
            ],
        ),
        (  # a later mention of a document resolves to its first, fuller one
            "A joint statement issued on Friday said the drills were defensive. The statement "
            "also voiced concern over missile deployments.",
            [
                (True, False, "A joint statement", "document", "said"),
                (True, False, "A joint statement", "document", "voiced concern"),
            ],
        ),
    ],
)
def test_patterns_across_claims(nlp, text, expected):
    assert [row(c) for c in run(nlp, text)] == expected


def test_split_claims_get_their_own_sources(nlp):
    text = (
        "The visit drew wide attention, as Western media try to link it to the war in Ukraine, "
        "with Chinese analysts saying on Monday that the partnership targets no third party."
    )
    assert [row(c) for c in run(nlp, text)] == [
        (False, False, None, None, None),
        (False, False, None, None, None),
        (True, False, "Chinese analysts", "unnamed", "saying"),
    ]


def test_attribute_keeps_input_order_and_inputs(nlp):
    text = "Experts said the drills were routine. The ships left on Friday."
    claims = split_claims(text, [Segment("body", 0, len(text))], nlp)
    before = [replace(c) for c in claims]
    out = attribute(list(reversed(claims)), text, nlp)
    assert [c.id for c in out] == [c.id for c in reversed(claims)]
    assert [row(c) for c in out] == [
        (False, False, None, None, None),
        (True, False, "Experts", "unnamed", "said"),
    ]
    assert claims == before  # the input claims are not modified


def _att(source: str | None, kind: str | None = None, implicit: bool = False, at: int = 0):
    if source is None:
        return Attribution()
    return Attribution(
        True,
        implicit,
        source,
        Span(at, at + 5, "x" * 5),
        kind,
        None if implicit else Span(at + 6, at + 10, "said"),
    )


def test_evaluate_attribution_values():
    gold = [
        Claim("g1", 0, 20, "a" * 20, attribution=_att("Zhang Hong", "named_person", at=0)),
        Claim("g2", 21, 40, "b" * 19, attribution=_att("Zhang Hong", "named_person", True)),
        Claim("g3", 41, 60, "c" * 19, attribution=_att("experts", "unnamed", at=45)),
        Claim("g4", 61, 80, "d" * 19),
    ]
    pred = [
        Claim("p1", 0, 20, "a" * 20, attribution=_att("zhang hong", "named_person", at=0)),
        Claim("p2", 21, 40, "b" * 19),
        Claim("p3", 41, 58, "c" * 17, attribution=_att("Experts", "named_organization", at=45)),
        Claim("p4", 61, 80, "d" * 19),
    ]
    scores = evaluate_attribution(gold, pred)
    exact, overlap = scores["exact"], scores["overlap"]
    assert (exact["n_gold"], exact["matched"], overlap["matched"]) == (4, 3, 4)
    assert exact["attributed_accuracy"] == pytest.approx(2 / 3)
    assert overlap["attributed_accuracy"] == pytest.approx(3 / 4)
    assert overlap["attributed_macro_f1"] == pytest.approx(0.5 * (2 / 3 + 0.8))
    assert overlap["implicit_f1"] == 0.0
    assert overlap["source_match"] == pytest.approx(2 / 3)  # case-insensitive
    assert overlap["source_span_overlap"] == pytest.approx(2 / 3)
    assert overlap["source_type_accuracy"] == pytest.approx(1 / 3)
    assert (overlap["cue_exact"], overlap["cue_overlap"]) == (1.0, 1.0)


# --------------------------------------------------------------------------- the seed article


def _seed_segments(text: str) -> list[Segment]:
    """Body = running-text lines (a sentence end, eight words or more); the rest is layout.
    Deliberately crude, so these checks do not depend on the layout module."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group().strip()
        body = len(line.split()) >= 8 and line[-1] in '."”' and not line.startswith("Published")
        out.append(Segment("body" if body else "other", m.start(), m.end()))
    return out


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_seed_article_must_haves(nlp):
    from framing.data.corpus import read_article

    text = read_article(SEED)
    claims = attribute(split_claims(text, _seed_segments(text), nlp), text, nlp)
    by_source: dict[str, set[str]] = {}
    for c in claims:
        a = c.attribution
        if a.attributed:
            by_source.setdefault(a.source.lower(), set()).add(a.source_type)
    for vague in ("experts", "observers"):
        assert by_source.get(vague) == {"unnamed"}, vague
    # "Analysts" and "Chinese analysts": the article's one group, one source
    analysts = [s for s in by_source if s.endswith("analysts")]
    assert len(analysts) == 1 and by_source[analysts[0]] == {"unnamed"}, analysts
    for person in ("zhang hong", "song zhongping", "cui heng", "vladimir putin", "li shangfu"):
        assert by_source.get(person) == {"named_person"}, person
    said = {c.text.split(",")[-1].strip(): c.attribution for c in claims}
    assert said["Zhang said."].source == "Zhang Hong"
    minister = next(c for c in claims if c.text.endswith("said the Chinese defense minister."))
    assert (minister.attribution.source, minister.attribution.source_type) == (
        "Li Shangfu",
        "named_person",
    )
    first = [c.text for c in claims[:3]]
    assert first[1].startswith("as Western media try") and first[2].startswith("with Chinese")


# --------------------------------------------------------------------------- the corpus


# Measured on the dev split (12 articles, 228 body claims) when this floor was set, minus a
# margin for parser or lexicon changes that move a claim or two:
#   boundary exact F1 0.987; on gold claims: attributed accuracy 0.978, implicit F1 0.93,
#   source match 0.920, source-type accuracy 0.960, cue overlap 0.978; on predicted claims:
#   attributed accuracy 0.982, source-type accuracy 0.966.
def _first_66(article_id: str) -> bool:
    """An article of the corpus before it grew (the floors were set on its 12 dev articles;
    the 84 added later were written to be harder and keep their own split)."""
    voice, number = article_id.rsplit("_", 1)
    return (
        voice in {"asia_press", "cn_state", "global_south", "ru_state", "west_oped", "west_wire"}
        and int(number) <= 11
    )


DEV_FLOOR = {
    ("boundary", "exact_f1"): 0.95,
    ("attribution_gold_claims", "attributed_accuracy"): 0.95,
    ("attribution_gold_claims", "implicit_f1"): 0.80,
    ("attribution_gold_claims", "source_match"): 0.88,
    ("attribution_gold_claims", "source_type_accuracy"): 0.92,
    ("attribution_gold_claims", "cue_overlap"): 0.94,
    ("attribution", "attributed_accuracy"): 0.95,
    ("attribution", "source_type_accuracy"): 0.92,
}


@pytest.mark.slow
def test_dev_split_regression(nlp):
    from framing.data.corpus import load_corpus

    root = REPO / "data" / "corpus"
    dev = set(json.loads((root / "splits.json").read_text())["dev"])
    docs = [d for d in load_corpus(root) if d["article_id"] in dev and _first_66(d["article_id"])]
    assert len(docs) == 12
    scores = score_corpus(docs, nlp)
    for (part, key), floor in DEV_FLOOR.items():
        value = scores[part][key] if part == "boundary" else scores[part]["exact"][key]
        assert value >= floor, f"{part}.{key} = {value:.3f} < {floor}"
