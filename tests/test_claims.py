"""Claims: sentences of body segments, sentence-boundary fixes, splits where attribution
differs, exact offsets, and claim boundary F1. Uses the installed spaCy model, nothing else."""

from __future__ import annotations

import pytest

from framing.benchmarks.evaluate import claim_boundary_f1, corpus_claims, corpus_segments
from framing.core.errors import InputError
from framing.pipeline.article import Claim, Segment
from framing.pipeline.claims import ModelMissingError, load_nlp, sentence_spans, split_claims


def body(nlp, text: str) -> list[str]:
    """Claim texts of `text` taken as one body paragraph."""
    claims = split_claims(text, [Segment("body", 0, len(text))], nlp)
    assert all(text[c.start : c.end] == c.text == c.text.strip() for c in claims)
    return [c.text for c in claims]


def test_load_nlp_is_cached(nlp):
    assert load_nlp() is nlp
    assert {"parser", "ner"} <= set(nlp.pipe_names)


def test_missing_model_is_one_clear_line():
    with pytest.raises(ModelMissingError) as err:
        load_nlp("no_such_spacy_model_xyz")
    message = str(err.value)
    assert "\n" not in message and "no_such_spacy_model_xyz" in message
    assert isinstance(err.value, InputError)


def test_only_body_and_optional_headline_give_claims(nlp):
    text = (
        "Navies hold drill near Guam\nCHINA / DIPLOMACY\nBy Staff Reporter\n"
        "Photo: VCG\nCooperation for peace\n"
        "The two navies began a drill on Monday. It ends on Friday.\n"
    )
    lines = text.splitlines(keepends=True)
    kinds = ["headline", "section", "byline", "caption", "subhead", "body"]
    segments, pos = [], 0
    for kind, line in zip(kinds, lines):
        segments.append(Segment(kind, pos, pos + len(line.rstrip("\n"))))
        pos += len(line)
    claims = split_claims(text, segments, nlp)
    assert [(c.kind, c.text) for c in claims] == [
        ("body", "The two navies began a drill on Monday."),
        ("body", "It ends on Friday."),
    ]
    assert [c.id for c in claims] == ["c001", "c002"]
    with_head = split_claims(text, segments, nlp, include_headline=True)
    assert (with_head[0].kind, with_head[0].text) == ("headline", "Navies hold drill near Guam")
    assert all(text[c.start : c.end] == c.text for c in with_head)


def test_offsets_index_the_original_text(nlp):
    text = "\ufeffHeadline\r\n\r\n  The drills began on Monday,\u00a0officials said.  \r\n"
    start = text.index("The")
    end = text.index("said.") + len("said.")
    claims = split_claims(text, [Segment("body", start - 2, end + 2)], nlp)
    assert [(c.start, c.end) for c in claims] == [(start, end)]
    assert claims[0].text == text[start:end]


def test_a_sentence_never_crosses_a_segment(nlp):
    text = "Cooperation for peace\nThe drills continue"
    segments = [Segment("body", 0, 21), Segment("body", 22, len(text))]
    assert [c.text for c in split_claims(text, segments, nlp)] == [
        "Cooperation for peace",
        "The drills continue",
    ]


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "The U.S. Navy said the drill began on Nov. 5 near Guam. It ended a week later.",
            ["The U.S. Navy said the drill began on Nov. 5 near Guam.", "It ended a week later."],
        ),
        (
            "Colonel (retd.) Ivan Petrov said the drill was normal. Critics disagreed.",
            ["Colonel (retd.) Ivan Petrov said the drill was normal.", "Critics disagreed."],
        ),
        (
            "“The drills are routine,” said Zhang Hong. “They will continue next year. "
            "Nobody should worry.” He added that trust was high.",
            [
                "“The drills are routine,” said Zhang Hong.",
                "“They will continue next year.",
                "Nobody should worry.”",
                "He added that trust was high.",
            ],
        ),
    ],
)
def test_sentences(nlp, text, sentences):
    assert body(nlp, text) == sentences


def _doc(nlp, words: list[str], spaces: list[bool], starts: list[int]):
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=starts)


def test_sentence_fixes_on_bad_boundaries(nlp):
    # a closing quote left at the start of the next sentence goes back to its quotation
    doc = _doc(
        nlp,
        ["“", "They", "will", "stay", ".", "”", "He", "said", "so", "."],
        [False, True, True, False, False, True, True, True, False, False],
        [1, -1, -1, -1, -1, 1, 1, -1, -1, -1],
    )
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == ["“They will stay.”", "He said so."]
    # a split after a title abbreviation, and before a lower-case word, is undone
    doc = _doc(
        nlp,
        ["Col.", "Ivan", "Petrov", "said", "it", "was", "normal", "for", "the", "region", "."],
        [True] * 10 + [False],
        [1, 1, -1, -1, -1, -1, -1, 1, -1, -1, -1],
    )
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == [doc.text.rstrip()]
    # but a blank line always ends a sentence
    doc = _doc(
        nlp,
        ["The", "drills", "\n\n", "Ships", "left"],
        [True, False, False, True, False],
        [1, -1, -1, -1, -1],
    )
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == ["The drills", "Ships left"]
    # a split after no sentence-final mark is undone (the name stays whole): "(Rise Up)" and
    # "Anton Berezin, ..." are one sentence; a split after ":" or "?" stays
    doc = _doc(
        nlp,
        ["Among", "them", "was", "RISE", "(", "Rise", "Up", ")", "Anton", "Berezin", ",", "who"]
        + ["said", "so", ".", "Why", "?", "He", "said", ":", "Go", "."],
        [True, True, True, True, False, True, False, True, True, False, True, True, True]
        + [False, True, False, True, True, False, True, False, False],
        [1] + [-1] * 7 + [1] + [-1] * 6 + [1, -1, 1, -1, -1, 1, -1],
    )
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == [
        "Among them was RISE (Rise Up) Anton Berezin, who said so.",
        "Why?",
        "He said:",
        "Go.",
    ]


def test_a_name_the_parser_cut_off_stays_in_its_claim(nlp):
    """The parser ends a sentence before "Anton Berezin, who said ..." (after a bracket): the
    sentence, and the name, are one claim."""
    text = (
        "Among the marchers was chess champion and leader of the reform party RISE (Rise Up) "
        'Anton Berezin, who said "We will win this fight."'
    )
    assert len(list(nlp(text).sents)) > 1  # the parser's error this test is about
    (claim,) = split_claims(text, [Segment("body", 0, len(text))], nlp)
    assert claim.text == text


@pytest.mark.parametrize(
    "text, claims",
    [
        (  # the seed article's pattern: outlet voice, "as Western media try", analysts
            "The visit drew wide attention, as Western media try to link it to the war in "
            "Ukraine, with Chinese analysts saying on Monday that the partnership targets no "
            "third party.",
            [
                "The visit drew wide attention,",
                "as Western media try to link it to the war in Ukraine,",
                "with Chinese analysts saying on Monday that the partnership targets no third "
                "party.",
            ],
        ),
        (
            "Washington has accused Beijing of helping Russia rebuild its arms industry, a "
            "charge China denies.",
            [
                "Washington has accused Beijing of helping Russia rebuild its arms industry,",
                "a charge China denies.",
            ],
        ),
        (
            "Warships began a joint drill on Monday, Xinhua reported, the latest sign of closer "
            "military ties.",
            [
                "Warships began a joint drill on Monday, Xinhua reported,",
                "the latest sign of closer military ties.",
            ],
        ),
        (
            "A NATO official said the plan was dangerous, while Chinese state media dismissed "
            "such remarks as Cold War thinking.",
            [
                "A NATO official said the plan was dangerous,",
                "while Chinese state media dismissed such remarks as Cold War thinking.",
            ],
        ),
    ],
)
def test_sentence_with_different_attribution_is_split(nlp, text, claims):
    assert body(nlp, text) == claims


@pytest.mark.parametrize(
    "text",
    [
        "Critics said the drill was a dangerous show of force that raises the risk of war.",
        "Moscow rejected the accusation, saying its aircraft stayed over neutral waters.",
        # a cue that closes the sentence reports everything before it
        "South Korea's military claimed that a Russian aircraft had violated its airspace, and "
        "Seoul scrambled fighter jets, Yonhap News Agency reported.",
        '"We train together, but we are not allies," Li said.',
        "The drills, which included destroyers and support vessels, ended on Friday.",
    ],
)
def test_sentence_with_one_voice_stays_whole(nlp, text):
    assert body(nlp, text) == [text]


def _claims(*spans: tuple[int, int]) -> list[Claim]:
    return [Claim(f"c{k}", s, e, "x" * (e - s)) for k, (s, e) in enumerate(spans)]


def test_claim_boundary_f1_exact_and_overlap():
    gold = _claims((0, 10), (11, 20), (21, 40))
    pred = _claims((0, 10), (11, 18), (19, 30), (31, 40))
    s = claim_boundary_f1(gold, pred)
    assert (s["n_gold"], s["n_pred"]) == (3, 4)
    assert s["exact_precision"] == pytest.approx(1 / 4)
    assert s["exact_recall"] == pytest.approx(1 / 3)
    assert s["exact_f1"] == pytest.approx(2 / 7)
    # (11, 18) overlaps (11, 20) by 7/9; the halves of (21, 40) overlap it by less than half
    assert s["overlap_f1"] == pytest.approx(2 * (2 / 4) * (2 / 3) / (2 / 4 + 2 / 3))
    padded = [Claim("p", 0, 12, " A happened ")]
    assert claim_boundary_f1([Claim("g", 1, 11, "A happened")], padded)["exact_f1"] == 1.0
    assert claim_boundary_f1([], [])["exact_f1"] == 0.0


def test_corpus_records_and_boundaries(nlp, tiny_corpus):
    from framing.data.corpus import load_corpus

    for doc in load_corpus(tiny_corpus):
        gold = corpus_claims(doc)
        assert all(doc["text"][c.start : c.end] == c.text for c in gold)
        assert {c.kind for c in gold} == {"body"}
        pred = split_claims(doc["text"], corpus_segments(doc), nlp)
        assert claim_boundary_f1(gold, pred)["exact_f1"] >= 0.95


def test_spacy_loads_without_importing_torch_and_torch_still_imports() -> None:
    """A cold run does not pay for torch through thinc; a backend that needs torch gets it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from framing.pipeline.claims import load_nlp\n"
        "nlp = load_nlp()\n"
        "assert 'torch' not in sys.modules, 'spaCy imported torch'\n"
        "assert nlp('Li met Putin in Moscow.').ents\n"
        "import torch\n"
        "print(float(torch.ones(2).sum()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2.0"


def test_the_rules_read_each_paragraph_parse_once(nlp):
    """Claim splitting parses the body paragraphs; the attribution rules cut their sentences
    out of those parses (entities and all) instead of parsing them again. A span in no body
    segment (the headline) is parsed on its own."""
    from framing.pipeline.attribution import attribute
    from framing.pipeline.batch import BatchNLP
    from framing.pipeline.parses import sentence_docs
    from framing.pipeline.segment import segment

    text = (
        "Navy Drills Begin Near the Strait\n\n"
        "The drills began on Monday. Admiral Irina Volkova said the ships would stay a week.\n\n"
        '"We are ready," she told reporters in Vladivostok.'
    )
    parsed: list[str] = []

    class Counting:
        def pipe(self, texts, **kw):
            texts = list(texts)
            parsed.extend(texts)
            return nlp.pipe(texts, **kw)

    batch = BatchNLP(Counting())
    claims = split_claims(text, segment(text), batch)
    bodies = list(parsed)
    assert len(bodies) == 2 and all(b in text for b in bodies)
    got = attribute(claims, text, batch)
    assert parsed == bodies  # no sentence parsed a second time
    assert [c.attribution.source for c in got] == [None, "Irina Volkova", "Irina Volkova"]
    start = text.index("Admiral")
    end = text.index("week.") + 5
    head = text.index("\n")
    one, alone = sentence_docs(batch, text, [(start, end), (0, head)])
    assert one.text.rstrip() == text[start:end] and alone.text == text[:head]
    assert ("Irina Volkova", "PERSON") in [(e.text, e.label_) for e in one.ents]
    assert parsed[-1] == text[:head]
    # a sentence whose words the parser put in two sentences is parsed alone (no tree of it
    # is cut off at the parser's wrong boundary)
    text = (
        "The march began at noon. Among the marchers was chess champion and leader of the "
        'reform party RISE (Rise Up) Anton Berezin, who said "We will win this fight."'
    )
    first = text.index("Among")
    spans = [(0, first - 1), (first, len(text))]
    docs = sentence_docs(batch, text, spans)
    assert parsed[-2:] == [text, text[first:]]  # the paragraph, then the second sentence alone
    assert [d.text.rstrip() for d in docs] == [text[s:e] for s, e in spans]
