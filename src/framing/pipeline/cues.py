"""`find_cue`: the reporting cue of a claim on its spaCy parse (a cue verb, "according to",
a trailing "..., X said"), with the source noun phrase and how the cue sits in the clause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    CHANNEL_VERBS,
    CLOSE_QUOTES,
    COGNITION_VERBS,
    COLLECTIVE,
    CUE_VERBS,
    DOCUMENT_NOUNS,
    MEDIA_NOUNS,
    NEWS_NOUNS,
    NOT_SAID,
    OPEN_QUOTES,
    ORG_NOUNS,
    PARTICLE_VERBS,
    VOICED,
    WEAK_VERBS,
    head_lemma,
)
from framing.pipeline.phrases import np_range, quoted_tokens
from framing.pipeline.subjects import local_depth, negated, source_ok, speaker_of, subject

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


def _perceived(c: Token) -> bool:
    """A clause of what someone saw happen: a bare verb or an -ing form with no "that"."""
    mark = any(m.dep_ == "mark" for m in c.children)
    return c.dep_ in ("ccomp", "xcomp") and c.tag_ in ("VB", "VBG") and not mark


def _verb_cue(verb: Token, lo: int, hi: int, strict: bool) -> tuple[int, int, Token] | None:
    """Cue tokens and the subject of a reporting verb, or None when it does not report here.

    `strict` takes a verb of belief ("see", "regard") as a cue only with a clause after it.
    """
    lemma = verb.lemma_.lower()
    if lemma not in CUE_VERBS or verb.pos_ not in ("VERB", "AUX"):
        return None
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if lemma == "think" and nxt is not None and nxt.lower_.startswith("tank"):
        return None  # "think tanks"
    kids = list(verb.children)
    deps = {c.dep_ for c in kids}
    if "neg" in deps or ({"nsubjpass", "auxpass"} & deps and lemma != "quote"):
        return None  # "Moscow has not confirmed ...": the outlet's statement, not Moscow's
    clause = bool({"ccomp", "parataxis"} & deps) or verb.dep_ in ("ccomp", "parataxis")
    if strict and lemma in COGNITION_VERBS and "ccomp" not in deps:
        return None
    if lemma == "see" and any(_perceived(c) for c in kids):
        return None  # "A witness saw the gunman flee": what was seen, not a view
    if lemma in WEAK_VERBS and not clause:
        # "defended the deal as necessary", "acknowledged sending drones" still report
        as_prep = any(c.dep_ == "prep" and c.lower_ == "as" for c in kids)
        if not as_prep and not any(c.dep_ in ("xcomp", "pcomp") and c.tag_ == "VBG" for c in kids):
            return None
    objs = [c for c in kids if c.dep_ == "dobj"]
    if lemma == "say" and any(o.lower_ in NOT_SAID for o in objs):
        return None
    if lemma == "voice" and not any(head_lemma(o) in VOICED for o in objs):
        return None
    particles = {c.lower_ for c in kids if c.dep_ in ("prt", "prep")}
    if lemma in PARTICLE_VERBS and not particles & PARTICLE_VERBS[lemma]:
        return None
    subj = subject(verb, lo, hi)
    if subj is None or negated(subj):
        return None
    speaker = speaker_of(subj, lo, hi)
    if not source_ok(speaker, lo, hi):
        return None
    if lemma in ("show", "find", "read") and head_lemma(speaker) not in DOCUMENT_NOUNS:
        return None
    if head_lemma(speaker) in COLLECTIVE and speaker.pos_ != "PROPN":
        docs = [
            o
            for p in kids
            if p.dep_ == "prep" and p.lower_ == "in"
            for o in p.children
            if o.dep_ == "pobj" and head_lemma(o) in DOCUMENT_NOUNS
        ]
        if docs:  # "in a joint statement ..., the two sides pointed out": the statement speaks
            subj = docs[0]
    end = verb.i + 1
    if lemma == "tell":  # "told the Global Times", "told reporters"
        told = [c for c in kids if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        if told:
            end = max(end, np_range(told[0], lo, hi)[1])
    elif lemma in PARTICLE_VERBS or lemma in ("call", "voice"):
        parts = [
            c
            for c in kids
            if c.dep_ in ("prt", "dobj") or (c.dep_ == "prep" and c.i == verb.i + 1)
        ]
        parts = [c for c in parts if c.i <= verb.i + 2 and (c.dep_ != "dobj" or lemma == "voice")]
        if parts:
            end = max(end, max(c.i for c in parts) + 1)
    return verb.i, end, subj


def find_cue(
    doc: Doc, lo: int, hi: int, strict: bool = False, in_quote: bool = False, relay: bool = False
) -> Cue | None:
    """The reporting cue that governs tokens [lo, hi) of a parsed Doc, if any.

    Cues inside quotations are skipped (`in_quote`: the range starts inside one); among the
    rest the one nearest the clause root wins. `strict`: see `_verb_cue`. `relay`: an outlet
    passing on what a speaker said gives way to the speaker, and becomes the channel.
    """
    quoted = quoted_tokens(doc, lo, hi, int(in_quote))
    found: list[Cue] = []
    quoting: set[int] = set()
    for t in doc[lo:hi]:
        if quoted[t.i - lo]:
            continue
        if t.lower_ == "according" and t.i + 1 < hi and doc[t.i + 1].lower_ == "to":
            objs = [c for c in doc[t.i + 1].children if c.dep_ == "pobj"]
            if not objs:
                continue
            src, end = objs[0], t.i + 2
            depth, ok = local_depth(t, lo, hi)
            found.append(Cue(t.i, end, np_range(src, lo, hi), depth, t.i > lo + 2))
            continue
        if t.lower_ == "saying" and t.i > lo and doc[t.i - 1].lower_ == "as":
            quote = doc[t.i - 1].head
            who = [c for c in quote.children if c.dep_ in ("dobj", "nsubjpass")]
            if quote.lemma_ in _QUOTING and who and lo <= who[0].i < hi:
                depth, _ = local_depth(quote, lo, hi)
                outlet = _outlet_of(quote, lo, hi)
                src = np_range(who[0], lo, hi)
                found.append(Cue(t.i - 1, t.i + 1, src, depth, False, outlet))
                quoting.add(quote.i)  # "TASS cited X as saying": X speaks, not TASS
                continue
        if t.lower_ in ("view", "opinion", "words") and t.dep_ == "pobj" and t.head.lower_ == "in":
            who = [c for c in t.children if c.dep_ == "poss"] + [
                o for p in t.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"
            ]
            if who and t.head.i >= lo:  # "In her view, ...", "in the words of X"
                depth, _ = local_depth(t.head, lo, hi)
                found.append(Cue(t.head.i, t.i + 1, np_range(who[0], lo, hi), depth, False))
            continue
        if t.text == ":" and (intro := _colon_intro(doc, t.i, lo, hi)):
            verb, subj = intro
            depth, _ = local_depth(verb, lo, hi)
            found.append(Cue(verb.i, t.i, np_range(subj, lo, hi), depth, False))
            continue
        hit = _verb_cue(t, lo, hi, strict)
        if hit is None:
            continue
        depth, ok = local_depth(t, lo, hi)
        if not ok:
            continue
        start, end, subj = hit
        src = np_range(subj, lo, hi)
        trailing = src[0] > lo and (
            doc[min(src[0], start) - 1].text in {",", *CLOSE_QUOTES, '"'}
            or t.dep_ in ("parataxis",)
        )
        found.append(Cue(start, end, src, depth, trailing))
    found = [c for c in found if c.start not in quoting]
    if not found:
        return None
    # "A said B, and C, X reported.": a cue closing the sentence reports all that precedes it
    last = [c for c in found if c.trailing and _closes(doc, max(c.end, c.source[1]), hi)]
    cue = last[-1] if last else min(found, key=lambda c: (c.depth, c.start))
    return _relayed(doc, cue, found, lo, hi) if relay else cue


# What someone says, whose owner speaks in "X's advice was blunt: '...'"
_WORDS_SAID = {"advice", "message", "response", "reply", "answer", "verdict", "view", "warning"}
# "X was blunt: '...'": adjectives that introduce a quotation after a colon
_MANNER = {"blunt", "clear", "direct", "candid", "frank", "emphatic", "succinct", "unequivocal"}


def _colon_intro(doc: Doc, colon: int, lo: int, hi: int) -> tuple[Token, Token] | None:
    """The verb and speaker of a quotation introduced by a colon with no reporting verb: "X
    put it simply: '...'", "One diplomat was more direct: '...'"."""
    if colon + 1 >= hi or doc[colon + 1].text not in (OPEN_QUOTES, '"'):
        return None
    verb = next(
        (t for t in reversed(doc[max(lo, colon - 8) : colon]) if t.pos_ in ("VERB", "AUX")), None
    )
    if verb is None:
        return None
    kids = list(verb.children)
    put = verb.lemma_ == "put" and any(c.lower_ == "it" and c.dep_ == "dobj" for c in kids)
    # how it was put ("simply", "this way"), not where ("put it in his pocket:")
    put = put and any(c.dep_ == "advmod" or c.lower_ == "way" for c in kids)
    plain = verb.lemma_ == "be" and any(c.dep_ == "acomp" and c.lower_ in _MANNER for c in kids)
    subj = [c for c in kids if c.dep_ == "nsubj" and lo <= c.i < hi]
    if not (put or plain) or not subj:
        return None
    # "Mwangi's advice to the government was blunt:": the one whose advice it is speaks (not
    # "X's son was blunt:")
    said = head_lemma(subj[0]) in _WORDS_SAID
    owner = [c for c in subj[0].children if c.dep_ == "poss" and c.pos_ == "PROPN" and said]
    who = owner[0] if owner else subj[0]
    return (verb, who) if source_ok(speaker_of(who, lo, hi), lo, hi) else None


# Verbs by which an outlet gives someone's words: "Xinhua quoted X as saying", "X, quoted by TASS"
_QUOTING = {"quote", "cite"}


def _relayed(doc: Doc, cue: Cue, found: list[Cue], lo: int, hi: int) -> Cue:
    """The speaker's cue with the outlet that passed the words on as its channel."""
    out = _relay(doc, cue, found, lo, hi)
    if out.channel is None and out.source is not None:
        by = _quoted_by(doc, out, lo, hi)  # "X, quoted by RIA Novosti, said"
        if by is not None:
            return Cue(out.start, out.end, out.source, out.depth, out.trailing, by)
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
            return Cue(cue.start, cue.end, cited, cue.depth, cue.trailing, cue.source)
    else:
        by = [c for c in found if doc[c.start].lower_ == "according" and _under(doc, c, head)]
        if by and by[0].source and by[0].source[1] <= cue.start:  # "According to TASS, Putin"
            return Cue(cue.start, cue.end, cue.source, cue.depth, cue.trailing, by[0].source)
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
    return Cue(c.start, c.end, c.source, c.depth, c.trailing, cue.source)


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


def _outlet_of(verb: Token, lo: int, hi: int) -> tuple[int, int] | None:
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
                if v.lemma_ in _QUOTING and any(k.dep_ == "agent" for k in v.children):
                    return _outlet_of(v, lo, hi)
    said_in = [
        o for p in verb.children if p.lower_ == "in" for o in p.children if o.dep_ == "pobj"
    ]
    for o in said_in:
        for v in o.children:
            if v.dep_ == "acl" and v.lemma_ in _CARRYING:
                by = _outlet_of(v, lo, hi)
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


def _closes(doc: Doc, i: int, hi: int) -> bool:
    """Whether only adverbials and punctuation follow token i up to hi ("on Monday.")."""
    return all(
        t.is_punct
        or t.dep_ in ("prep", "pobj", "npadvmod", "advmod", "det", "amod", "compound", "nummod")
        for t in doc[i:hi]
    )
