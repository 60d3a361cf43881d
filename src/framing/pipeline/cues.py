"""`find_cue`: the reporting cue of a claim on its spaCy parse (a cue verb, "according to",
a trailing "..., X said"), with the source noun phrase and how the cue sits in the clause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.channels import QUOTING, Cue, outlet_of, relayed
from framing.pipeline.lexicon import (
    CLOSE_QUOTES,
    COGNITION_VERBS,
    COLLECTIVE,
    CUE_VERBS,
    DOCUMENT_NOUNS,
    NOT_SAID,
    OPEN_QUOTES,
    PARTICLE_VERBS,
    VOICED,
    WEAK_VERBS,
    head_lemma,
)
from framing.pipeline.phrases import np_range, quoted_tokens
from framing.pipeline.subjects import local_depth, negated, source_ok, speaker_of, subject

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


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
    # several parties speaking through one text; one body says what its statement says ("the
    # government said in a statement")
    if head_lemma(speaker) in COLLECTIVE and speaker.pos_ != "PROPN":
        docs = [
            o
            for p in kids
            if p.dep_ == "prep" and p.lower_ == "in"
            for o in p.children
            if o.dep_ == "pobj" and head_lemma(o) in DOCUMENT_NOUNS
        ]
        joint = (
            speaker.tag_ == "NNS"
            or any(c.dep_ in ("nummod", "conj") for c in speaker.children)
            or any(c.lower_ == "joint" for d in docs for c in d.children)
        )
        if docs and joint:  # "in a joint statement ..., the two sides pointed out": the statement
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
            if quote.lemma_ in QUOTING and who and lo <= who[0].i < hi:
                depth, _ = local_depth(quote, lo, hi)
                outlet = outlet_of(quote, lo, hi)
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
    return relayed(doc, cue, found, lo, hi) if relay else cue


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
    if said and not owner:
        return None  # "The message was clear:": words said, and no one who said them
    who = owner[0] if owner else subj[0]
    return (verb, who) if source_ok(speaker_of(who, lo, hi), lo, hi) else None


def _closes(doc: Doc, i: int, hi: int) -> bool:
    """Whether only adverbials and punctuation follow token i up to hi ("on Monday.")."""
    return all(
        t.is_punct
        or t.dep_ in ("prep", "pobj", "npadvmod", "advmod", "det", "amod", "compound", "nummod")
        for t in doc[i:hi]
    )
