"""Source types of names and records (issue #9, found on the real Ukraine train split and the
corpus train split): a name set off by an office or followed by "who" is a person; decrees,
appeals, polls, images and videos are documents, each of its own kind. Sentences invented."""

from __future__ import annotations

import pytest
from test_source_names import run, who


@pytest.mark.parametrize(
    "text, first, later",
    [
        (
            "Bence Horvath, a state secretary at the interior ministry, told state radio that the "
            'patrols would go on. "These are fairy tales," Horvath said.',
            "Bence Horvath",
            "Bence Horvath",
        ),
        (
            "Zoltan Fekete, the ambassador in Vienna, said the talks had stalled. Fekete said the "
            "next round was not fixed.",
            "Zoltan Fekete",
            "Zoltan Fekete",
        ),
    ],
)
def test_a_name_set_off_by_an_office_is_a_person(nlp, text, first, later):
    claims = run(nlp, text)
    assert who(claims[0]) == (True, first, "named_person")
    assert who(claims[-1]) == (True, later, "named_person")


def test_a_name_followed_by_who_is_a_person(nlp):
    text = "Taras, who declined to give his surname, said he had served for a month."
    assert who(run(nlp, text)[0]) == (True, "Taras", "named_person")


@pytest.mark.parametrize(
    "text, source",
    [
        ("The decree says the base will be leased for 25 years.", "The decree"),
        ("Satellite images show new hangars at the base.", "Satellite images"),
        ("The appeal said that the ceasefire must hold.", "The appeal"),
        ("An amateur video showed tanks crossing the river.", "An amateur video"),
    ],
)
def test_records_of_a_kind_are_documents(nlp, text, source):
    assert who(run(nlp, text)[0]) == (True, source, "document")


def test_a_record_of_a_kind_is_not_an_earlier_statement(nlp):
    text = (
        "A joint statement said that the drills were over. "
        "The poll found that most residents backed the plan."
    )
    claims = run(nlp, text)
    assert claims[1].attribution.source == "The poll"
    # a general word for a text still stands for the statement before it
    again = run(nlp, text.replace("The poll found", "The document said"))
    assert again[1].attribution.source == "A joint statement"


def test_a_tagged_relative_pronoun_is_the_noun_it_stands_for(nlp):
    from framing.pipeline.merge import _noun_phrase

    doc = nlp('Among them was opposition leader Vitaly Kolesnik, who said "We will win."')
    k = next(t.i for t in doc if t.lower_ == "who")
    assert _noun_phrase(doc[k : k + 1]).text == "opposition leader Vitaly Kolesnik"
    doc = nlp("The report, which said the base would close, was never published.")
    k = next(t.i for t in doc if t.lower_ == "which")
    assert _noun_phrase(doc[k : k + 1]).text == "The report"
    doc = nlp("Who said the base would close?")
    assert _noun_phrase(doc[0:1]).text == "Who"  # a question's "who" stands for nobody


@pytest.mark.parametrize(
    "text, noun",
    [
        (
            "It was condemned by a friend of the president, who said it must be punished.",
            "a friend of the president",
        ),
        ("The talks were led by Lavrov, the foreign minister, who said they went well.", "Lavrov"),
    ],
)
def test_a_relative_pronoun_stands_for_the_speaker_not_a_noun_inside(nlp, text, noun):
    from framing.pipeline.merge import _noun_phrase

    doc = nlp(text)
    k = next(t.i for t in doc if t.lower_ == "who")
    assert _noun_phrase(doc[k : k + 1]).text == noun


@pytest.mark.parametrize(
    "text",
    [
        "Gazprom, the market leader in European gas supplies, said deliveries would resume.",
        "Russia, the current chair of the UN Security Council, said the meeting was on Friday.",
        "Norway, chair of the Arctic Council, said the body would not meet until the spring.",
    ],
)
def test_a_body_with_an_office_after_it_stays_a_body(nlp, text):
    assert who(run(nlp, text)[0])[2] == "named_organization"
