"""Nested attribution (issue #9): when an outlet passes on someone's words, the one whose words
they are is the source and the outlet is the channel, whichever way the sentence is built. All
sentences are invented."""

from __future__ import annotations

import pytest
from test_source_names import run


def source_channel(sentence: str, nlp) -> tuple:
    (claim,) = run(nlp, sentence)
    a = claim.attribution
    return a.attributed, a.source, a.channel.text if a.channel else None


@pytest.mark.parametrize(
    "sentence, source, channel",
    [
        # the outlet first, the speaker in the clause it reports
        ("Reuters reported that NATO says the drills are a threat.", "NATO", "Reuters"),
        (
            "Yonhap reported on Friday that the ministry denied that it had sent troops.",
            "the ministry",
            "Yonhap",
        ),
        (
            "As critics doubt the talks, Reuters reported that NATO says no arms were sent.",
            "NATO",
            "Reuters",
        ),
        # the outlet quoting
        ("Xinhua quoted Li Wei as saying the talks went well.", "Li Wei", "Xinhua"),
        ("TASS cited Shoigu as saying that the drills were routine.", "Shoigu", "TASS"),
        (
            "Petrov was quoted by the Global Times as saying it was routine.",
            "Petrov",
            "the Global Times",
        ),
        (
            "Ivan Petrov, quoted by the Interfax agency, said the deal was signed.",
            "Ivan Petrov",
            "the Interfax agency",
        ),
        (
            "Sokolov, as quoted by the Interfax agency, said the patrols would go on.",
            "Sokolov",
            "the Interfax agency",
        ),
        (
            "Two officials, speaking on condition of anonymity and cited by the Post, said so.",
            "Two officials",
            "the Post",
        ),
        (
            "A Gulf source quoted by the daily Al-Watan said talks had stalled.",
            "A Gulf source",
            "the daily Al-Watan",
        ),
        (
            "The ministry said in a statement carried by Xinhua that the drill was routine.",
            "The ministry",
            "Xinhua",
        ),
        (
            "Putin said in an interview aired by the state broadcaster that talks would go on.",
            "Putin",
            "the state broadcaster",
        ),
        # the outlet citing, before or after what it reports
        (
            "Citing two officials, Reuters reported that the convoy had turned back.",
            "two officials",
            "Reuters",
        ),
        (
            "Local media, citing unnamed officers, reported that a frigate had sailed.",
            "unnamed officers",
            "Local media",
        ),
        (
            "Local media reported that a frigate had sailed, citing unnamed officers.",
            "unnamed officers",
            "Local media",
        ),
    ],
)
def test_speaker_is_the_source_and_outlet_the_channel(nlp, sentence, source, channel):
    assert source_channel(sentence, nlp) == (True, source, channel)


@pytest.mark.parametrize(
    "sentence, source",
    [
        # the outlet reporting what happened, or what someone believes: no speaker inside
        ("Reuters reported that the convoy had turned back.", "Reuters"),
        ("The Journal reported that officials believe the plan failed.", "The Journal"),
        # what is cited is no one
        ("TASS reported that the border was closed, citing security concerns.", "TASS"),
        ("Citing the weather, Interfax reported that the parade was cancelled.", "Interfax"),
        # what the outlet reports is a deed, not speech
        ("Reuters reported that NATO called off the drills.", "Reuters"),
        ("Reuters reported that the company dismissed 200 workers.", "Reuters"),
        ("Reuters reported that Moscow welcomed the envoy at the airport.", "Reuters"),
        # those who report are no outlet: their own account
        ("Residents reported that soldiers told them to leave their homes.", "Residents"),
        # the one who acts in the clause reported cites, not the outlet
        ("Reuters reported that the minister resigned, citing his doctors.", "Reuters"),
        # a cue of another clause before the outlet's
        ("The minister says the truce holds; TASS reported that fighting had stopped.", "TASS"),
        # the words' own author or body publishing them: no channel
        (
            "The ministry said in a statement published by its press service that it was over.",
            "The ministry",
        ),
        ("Putin said in a statement published by the Kremlin that it was over.", "Putin"),
        (
            "The ministry said in a statement issued by its press office that it was over.",
            "The ministry",
        ),
        # not an outlet verb: the one who says it is the source
        ("The minister said that Putin told him the drills were routine.", "The minister"),
    ],
)
def test_no_channel_where_nobody_else_speaks(nlp, sentence, source):
    assert source_channel(sentence, nlp) == (True, source, None)


def test_channel_of_a_quoted_speaker_in_a_paragraph(nlp):
    text = (
        "General Ivan Sokolov visited the base on Monday.\n\n"
        "Sokolov was quoted by TASS as saying the patrols would go on. "
        '"We will not stop," he said.'
    )
    claims = run(nlp, text)
    quoted = claims[1].attribution
    assert (quoted.source, quoted.channel.text) == ("Ivan Sokolov", "TASS")
    assert claims[2].attribution.source == "Ivan Sokolov"


@pytest.mark.parametrize(
    "lead, source",
    [
        ("TASS reported that Shoigu said the drills were routine.", "TASS"),
        ("Citing two officials, Reuters reported that the convoy had turned back.", "Reuters"),
    ],
)
def test_it_after_a_relayed_claim_is_the_outlet(nlp, lead, source):
    claims = run(nlp, lead + " It said the drills would end on Friday.")
    assert claims[1].attribution.attributed and claims[1].attribution.source == source


@pytest.mark.parametrize(
    "lead, source",
    [
        (
            "The Armed Forces of the Philippines said the drill was over.",
            "the Armed Forces of the Philippines",
        ),
        ("The United States said the talks went well.", "The United States"),
    ],
)
def test_it_may_stand_for_a_name_in_the_plural(nlp, lead, source):
    claims = run(nlp, lead + " It said more drills would follow.")
    assert claims[1].attribution.source.lower() == source.lower()


def test_it_is_not_a_people_named_in_the_plural(nlp):
    text = (
        "The ministry said the drills were over. Americans said the drills were a threat. "
        "It added that more would follow."
    )
    assert run(nlp, text)[2].attribution.source == "The ministry"
