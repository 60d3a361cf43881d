"""Channels: who passed a speaker's words on. In "Putin said ..., TASS reported", "Xinhua quoted
X as saying" or "X said in a statement carried by Xinhua" the speaker is the source and the outlet
the channel (`relayed`, applied by `cues.find_cue`). Also `Cue`, what `find_cue` returns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    CHANNEL_VERBS,
    COGNITION_VERBS,
    MEDIA_NOUNS,
    NEWS_NOUNS,
    ORG_NOUNS,
    head_lemma,
)
from framing.pipeline.phrases import np_range
from framing.pipeline.subjects import source_ok

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass
class Cue:
    """A reporting cue found in a token range: its tokens, its source NP, and how it sits."""

    start: int  # token indices into the spaCy Doc, end exclusive
    end: int
    source: tuple[int, int] | None  # token range of the source NP
    depth: int  # steps up to the clause root: the smaller, the more it governs the claim
    trailing: bool  # "..., X said": the cue follows what it reports
    channel: tuple[int, int] | None = None  # who passed it on: "..., TASS reported"


# Verbs by which an outlet gives someone's words: "Xinhua quoted X as saying", "X, quoted by TASS"
QUOTING = {"quote", "cite"}


def relayed(doc: Doc, cue: Cue, found: list[Cue], lo: int, hi: int) -> Cue:
    """The speaker's cue with the outlet that passed the words on as its channel."""
    out = _relay(doc, cue, found, lo, hi)
    if out.channel is None and out.source is not None:
        by = _quoted_by(doc, out, lo, hi)  # "X, quoted by RIA Novosti, said"
        if by is not None:
            return replace(out, channel=by)
    return out


def _relay(doc: Doc, cue: Cue, found: list[Cue], lo: int, hi: int) -> Cue:
    """ "Putin announced ..., TASS reported" -> Putin, announced (channel TASS); "According to
    TASS, Putin said ..." and "TASS reported that Putin says ..." the same; "..., Reuters
    reported, citing two officials" and "Citing two officials, Reuters reported ..." -> two
    officials, reported (channel Reuters). A channel alone ("..., TASS reported") stays the
    source."""
    if cue.source is None:
        return cue
    head = doc[cue.start]
    if head.lower_ == "according":
        verb = None
    elif head.lemma_.lower() in CHANNEL_VERBS and (cue.trailing or _outlet(doc, cue.source)):
        verb = head  # not "Residents reported that soldiers told them ...": their account
        cited = _cited(head, lo, hi)
        if cited is not None:
            return replace(cue, source=cited, channel=cue.source)
    else:
        by = [c for c in found if doc[c.start].lower_ == "according" and _under(doc, c, head)]
        if by and by[0].source and by[0].source[1] <= cue.start:  # "According to TASS, Putin"
            return replace(cue, channel=by[0].source)
        return cue
    channel = doc[cue.source[0] : cue.source[1]].text.lower()

    def placed(c: Cue) -> bool:
        """Before a cue that closes the sentence, or a cue of speech reporting a clause of its
        own after the outlet's verb ("Reuters reported that NATO says ...", not "... that NATO
        called off the drills")."""
        if c.source[1] <= cue.start:
            return verb is None or cue.trailing
        t = doc[c.start]
        return (
            verb is not None
            and c.start >= cue.end
            and t.dep_ == "ccomp"
            and t.lemma_.lower() not in CHANNEL_VERBS
            and any(k.dep_ in ("ccomp", "parataxis") for k in t.children)
        )

    inner = [
        c
        for c in found
        if c is not cue
        and c.source is not None
        and placed(c)
        and doc[c.start].lemma_.lower() not in COGNITION_VERBS
        and doc[c.source[0] : c.source[1]].text.lower() != channel
        and (
            _under(doc, cue, doc[c.start])
            if verb is None
            else doc[c.start].head == verb and doc[c.start].dep_ in ("ccomp", "parataxis")
        )
    ]
    if not inner:
        return cue
    c = min(inner, key=lambda c: c.start)
    return replace(c, channel=cue.source)


def _cited(verb: Token, lo: int, hi: int) -> tuple[int, int] | None:
    """Whom an outlet's report cites ("citing two officials", before or after it, or after the
    clause it reports), when that is a source ("citing security concerns" is not)."""
    # in the clause reported only when its subject cannot speak ("that a frigate had sailed,
    # citing ..."; in "that the minister resigned, citing his doctors" the minister cites)
    clauses = [verb] + [
        c
        for c in verb.children
        if c.dep_ == "ccomp"
        and c.i > verb.i
        and not any(s.dep_ == "nsubj" and source_ok(s, lo, hi) for s in c.children)
    ]
    for v in clauses:
        for c in v.children:
            if c.lemma_ != "cite" or c.dep_ not in ("advcl", "xcomp", "conj", "dep"):
                continue
            objs = [o for o in c.children if o.dep_ == "dobj" and source_ok(o, lo, hi)]
            if objs and (v is verb or c.i > v.i):
                return np_range(objs[0], lo, hi)
    return None


def _outlet(doc: Doc, source: tuple[int, int]) -> bool:
    """Whether a source phrase names a news outlet or another body (an organisation's name, or
    "media", "agency", "newspaper" ...), not a person or a group of people."""
    span = doc[source[0] : source[1]]
    if any(t.ent_type_ == "PERSON" for t in span):
        return False
    return head_lemma(span.root) in MEDIA_NOUNS or any(t.ent_type_ == "ORG" for t in span)


def outlet_of(verb: Token, lo: int, hi: int) -> tuple[int, int] | None:
    """Who quotes in "Xinhua quoted X as saying" (the subject) or "X was quoted by Xinhua as
    saying" (the agent)."""
    who = [c for c in verb.children if c.dep_ == "nsubj"]
    who += [o for a in verb.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
    who = [w for w in who if lo <= w.i < hi and source_ok(w, lo, hi)]
    return np_range(who[0], lo, hi) if who else None


# Verbs of an outlet running someone's words: "in a statement carried by Xinhua"
_CARRYING = {"carry", "air", "broadcast", "publish", "run", "print"}


def _quoted_by(doc: Doc, cue: Cue, lo: int, hi: int) -> tuple[int, int] | None:
    """The outlet in "X, quoted by TASS, said", "X, as quoted by TASS, said" (a participle on
    the speaker's phrase), "X, speaking ... and cited by TASS, said" (on the cue's verb) or "X
    said in a statement carried by Xinhua" (on what the words were said in)."""
    a, b = cue.source
    verb = doc[cue.start]
    heads = [t for t in doc[a:b] if not a <= t.head.i < b] + [verb]
    for h in heads:
        for c in h.children:
            if c.dep_ not in ("acl", "advcl"):
                continue
            for v in [c, *(k for k in c.children if k.dep_ == "conj")]:
                if v.lemma_ in QUOTING and any(k.dep_ == "agent" for k in v.children):
                    return outlet_of(v, lo, hi)
    said_in = [
        o for p in verb.children if p.lower_ == "in" for o in p.children if o.dep_ == "pobj"
    ]
    for o in said_in:
        for v in o.children:
            if v.dep_ == "acl" and v.lemma_ in _CARRYING:
                by = outlet_of(v, lo, hi)
                if by is not None and _news_outlet(doc, by, cue.source):
                    return by
    return None


# Heads of a named body that publishes its own words, not others' ("the Kremlin website")
_NOT_OUTLETS = ORG_NOUNS | {"pentagon", "kremlin", "nato", "website", "site", "office", "service"}


def _news_outlet(doc: Doc, by: tuple[int, int], speaker: tuple[int, int]) -> bool:
    """Whether the one who published the speaker's words is a news outlet and not the speaker's
    own body or service ("its press service", "the Kremlin website", "Gazprom Media")."""
    span = doc[by[0] : by[1]]
    own = {t.lower_ for t in doc[speaker[0] : speaker[1]]} - {"the"}
    if any(t.dep_ == "poss" for t in span) or {t.lower_ for t in span if t.is_alpha} & own:
        return False
    head = head_lemma(span.root)
    named = span.root.ent_type_ == "ORG" and span.root.pos_ == "PROPN"
    return head in NEWS_NOUNS or named and head not in _NOT_OUTLETS


def _under(doc: Doc, cue: Cue, verb: Token) -> bool:
    """Whether a cue hangs from `verb`, maybe through a clause ("said ..., according to X")."""
    return any(t == verb for t in doc[cue.start].ancestors)
