"""Source types on real copy (issue #9, found on the real Ukraine train split, PolNeAR dev and
the corpus train split, and by helpers' reviews): people named or described, records of a kind,
bodies and peoples in the vague plural, places that only say where, statements bodies speak
through. Sentences invented."""

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


@pytest.mark.parametrize(
    "text, source",
    [
        (
            "Human rights groups have accused the troops of killing civilians.",
            "Human rights groups",
        ),
        (
            "Rights groups had said the law would give the council sweeping powers.",
            "Rights groups",
        ),
        (
            "Several non-aligned countries said the vote was premature.",
            "Several non-aligned countries",
        ),
        ("Russians denounced the presence of the ship, saying it stayed too long.", "Russians"),
    ],
)
def test_bodies_or_peoples_in_the_vague_plural_are_unnamed(nlp, text, source):
    """Found on the corpus dev split and the real Ukraine train split, both gold unnamed."""
    assert who(run(nlp, text)[0]) == (True, source, "unnamed")


@pytest.mark.parametrize(
    "text",
    [
        "Both countries said the drills were defensive.",
        "Kiev authorities said the convoy had been stopped at the border.",
        "Mali's transitional authorities said on Tuesday that the instructors would stay.",
        "The two governments said the exercise would be held every year.",
    ],
)
def test_bodies_that_are_counted_owned_or_named_stay_organizations(nlp, text):
    assert who(run(nlp, text)[0])[2] == "named_organization"


@pytest.mark.parametrize(
    "text, source",
    [
        (
            "A Western diplomat in Dakar, speaking on condition of anonymity, said the move "
            "might give Moscow more control.",
            "A Western diplomat in Dakar",
        ),
        (
            "Some business owners in Port Sudan said a base could bring jobs.",
            "Some business owners in Port Sudan",
        ),
    ],
)
def test_a_place_after_the_head_does_not_name_the_speaker(nlp, text, source):
    """NER may take the place for a person ("Dakar") or a body; the speakers stay unnamed."""
    attributed, name, kind = who(run(nlp, text)[0])
    assert attributed and kind == "unnamed"
    assert name == source


def test_a_named_commander_post_is_a_person_and_an_indefinite_one_is_not(nlp):
    text = "Iran's navy commander said on Sunday that the forces would respond firmly."
    assert who(run(nlp, text)[0]) == (True, "Iran's navy commander", "named_person")
    text = "A Marine Corps commander said the landing had gone to plan."
    assert who(run(nlp, text)[0])[2] == "unnamed"


@pytest.mark.parametrize(
    "subject, kind",
    [
        ("Police", "named_organization"),
        ("Local police", "named_organization"),
        ("Prosecutors", "unnamed"),
        ("Villagers", "unnamed"),
        ("Pensioners", "unnamed"),  # the tagger takes the opening plural for a name
        ("Demonstrators", "unnamed"),
        ("Authorities in Pristina", "named_organization"),
    ],
)
def test_common_speakers_of_real_copy(nlp, subject, kind):
    """Speakers frequent in wire copy (found on the real Ukraine labels): the rules attribute
    them, the police as a body, the rest as unnamed people."""
    text = f"{subject} said that the road to the border had been closed for two days."
    assert who(run(nlp, text)[0]) == (True, subject, kind)


def test_a_body_named_with_an_opening_plural_stays_a_body(nlp):
    text = "Reporters Without Borders said that two journalists had been detained."
    assert who(run(nlp, text)[0])[2] == "named_organization"


def test_data_is_a_document(nlp):
    text = "Russia supplied most of the arms, according to data from a Stockholm institute."
    assert who(run(nlp, text)[0]) == (True, "data from a Stockholm institute", "document")


def test_a_place_ner_takes_for_a_person_stays_a_place_when_the_article_shows_it(nlp):
    """spaCy's small model labels "Kiev" a place in one sentence and a person in the next (the
    real Ukraine train split, and "Chad", "Bamako" in the corpus)."""
    text = (
        "The vote was held in Kiev on Sunday. Kiev has acknowledged that the election cannot be "
        "held in parts of the east. He said the count would take a week."
    )
    doc = nlp(text)
    assert {(e.text, e.label_) for e in doc.ents if e.text == "Kiev"} == {
        ("Kiev", "GPE"),
        ("Kiev", "PERSON"),
    }  # the premise: NER disagrees with itself
    claims = run(nlp, text)
    assert who(claims[1]) == (True, "Kiev", "named_organization")
    assert claims[2].attribution.source != "Kiev"  # "he" is not the city


def test_a_surname_ner_also_takes_for_a_place_stays_the_person(nlp):
    from framing.pipeline.sources import Memory, resolve_mention

    doc = nlp("Kolesov explained the plan.")
    memory = Memory(places={"Kolesov"}, people=[("Dmitry Kolesov", set())])
    assert resolve_mention(doc[0:1], memory) == ("Dmitry Kolesov", "named_person")
    assert resolve_mention(doc[0:1], Memory(places={"Kolesov"}))[1] != "named_person"


@pytest.mark.parametrize(
    "text, source, kind",
    [
        (
            "The Kyiv Post reported that the bridge was closed.",
            "The Kyiv Post",
            "named_organization",
        ),
        (
            "The Washington Post reported that the talks had stalled.",
            "The Washington Post",
            "named_organization",
        ),
        (
            "A post on the ministry website said the drills were over.",
            "A post on the ministry website",
            "document",
        ),
    ],
)
def test_a_newspaper_named_post_is_an_outlet_and_a_post_is_a_text(nlp, text, source, kind):
    """Found on PolNeAR dev ("The New York Post reports that ...": a document before)."""
    assert who(run(nlp, text)[0]) == (True, source, kind)


@pytest.mark.parametrize(
    "text, source, kind",
    [
        ("Many Americans say the economy is getting worse.", "Many Americans", "unnamed"),
        (
            "Central European leaders said the plan was unfair.",
            "Central European leaders",
            "unnamed",
        ),
        (
            "The South Carolina senator said the bill would fail.",
            "The South Carolina senator",
            "named_person",
        ),
        (
            "The Republican presidential nominee said the polls were rigged.",
            "The Republican presidential nominee",
            "named_person",
        ),
        ("The Clinton campaign said the report was false.", "The Clinton campaign", None),
        ("Opposition parties said the vote was rigged.", "Opposition parties", "unnamed"),
    ],
)
def test_offices_campaigns_and_peoples_of_us_election_copy(nlp, text, source, kind):
    """Found on PolNeAR dev (US election news): a definite senator or nominee is one person,
    a campaign is a body, peoples and office holders in the vague plural are unnamed."""
    assert who(run(nlp, text)[0]) == (True, source, kind or "named_organization")


@pytest.mark.parametrize(
    "text, source, kind",
    [
        (
            "Authorities in Kharkiv said the curfew would be lifted.",
            "Authorities in Kharkiv",
            "named_organization",
        ),
        (
            "A field commander who gave only his first name said the line held.",
            "A field commander",
            "unnamed",
        ),
        (
            "The junta in Niamey said the French ambassador must leave.",
            "The junta in Niamey",
            "named_organization",
        ),
        (
            "Foreign ministries of the Baltic states said the drills were provocative.",
            "Foreign ministries of the Baltic states",
            "named_organization",
        ),
        ("US companies said the sanctions hurt.", "US companies", "unnamed"),
        ("Ukrainian authorities said the convoy was stopped.", "Ukrainian authorities", "unnamed"),
        ("Moscow authorities said the convoy was stopped.", "Moscow authorities", None),
        (
            "A spokeswoman for Tymoshenko said the trial was political.",
            "A spokeswoman for Tymoshenko",
            "named_organization",
        ),
    ],
)
def test_review_of_the_plural_and_place_rules(nlp, text, source, kind):
    """Found by a helper's review of the first version on invented sentences: a place NER does
    not call a place, a possessive after the head, a body word missing from the lists, an "of"
    phrase that names the bodies, a place before a company word, an adjective NER calls a
    place, the person a spokesperson speaks for."""
    assert who(run(nlp, text)[0]) == (True, source, kind or "named_organization")


def test_a_person_named_like_a_place_and_described_stays_a_person(nlp):
    text = "Troops were sent to Chad. Chad, a farmer in the south, said the soldiers never came."
    assert who(run(nlp, text)[-1])[2] == "named_person"


@pytest.mark.parametrize(
    "text, source, kind",
    [
        (
            "The German government said in a statement that the talks would resume.",
            "The German government",
            "named_organization",
        ),
        (
            "Both countries said in a joint declaration that the drills would continue.",
            "a joint declaration",
            "document",
        ),
        (
            "Forces from all security units take part in the operation, says interior minister.",
            "interior minister",
            "named_person",
        ),
        ("The Executive Order reads, in part: “the republic is recognised.”", None, "document"),
        ("The ruling said the law was unconstitutional.", "The ruling", "document"),
        (
            "According to the Montreux Convention, warships can stay for 21 days.",
            "the Montreux Convention",
            "document",
        ),
    ],
)
def test_bodies_speak_through_their_statements_and_texts_of_law_are_documents(
    nlp, text, source, kind
):
    """Found on the real Ukraine train split: one government "said in a statement" is the
    government (several parties in a joint one are the statement); a headline's role without
    an article is one person; orders, conventions and rulings are documents."""
    assert who(run(nlp, text)[0]) == (True, source or "The Executive Order", kind)


@pytest.mark.parametrize(
    "text, source, kind",
    [
        (
            "The government and the rebels said in a joint statement that the truce would hold.",
            "a joint statement",
            "document",
        ),
        (
            "The Chinese side said in a joint statement with Russia that the talks were useful.",
            "a joint statement with Russia",
            "document",
        ),
        ("Unnamed minister said the deal was off.", "Unnamed minister", "unnamed"),
        ("Senior commander said the troops would pull back.", "Senior commander", "unnamed"),
        ("Former minister says the plan will fail.", "Former minister", "unnamed"),
        (
            "The Order of Malta said the aid would continue.",
            "The Order of Malta",
            "named_organization",
        ),
        ("The Cable reported that the minister resigned.", "The Cable", "named_organization"),
        (
            "The ruling coalition said the vote would go ahead.",
            "The ruling coalition",
            "named_organization",
        ),
        ("The court order said the assets must be frozen.", "The court order", "document"),
    ],
)
def test_review_of_statements_bare_roles_and_records(nlp, text, source, kind):
    """From a helper's review of b537023 on invented sentences: a statement is joint when
    several bodies speak or it says so; a role without an article is one of many when
    "senior", "former" or "unnamed" says so; a record word that names a body stays a body."""
    assert who(run(nlp, text)[0]) == (True, source, kind)


def test_a_slide_of_a_presentation_is_a_document(nlp):
    """Found on PolNeAR dev (real copy): the slides a minister carries say what they say."""
    text = "One slide says the trade deficit has shrunk for a decade."
    assert who(run(nlp, text)[0]) == (True, "One slide", "document")
