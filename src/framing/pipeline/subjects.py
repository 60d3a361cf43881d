"""Who speaks in a claim's parse: the subject of a reporting verb (or the one it inherits), the
noun that names the source, whether it can be a source at all, and how deep a cue sits in its
clause (`cues.find_cue` reads these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    CLOSE_QUOTES,
    DOCUMENT_NOUNS,
    NEGATORS,
    QUANTIFIERS,
    head_lemma,
    is_source_like,
)
from framing.pipeline.phrases import np_range

if TYPE_CHECKING:
    from spacy.tokens import Token


RELATIVE = frozenset("which that who whom whose what".split())
SUBORDINATORS = frozenset(
    "after before because since if when whenever until unless once although though while whereas "
    "as so".split()
)
# Dependency labels a cue may hang from on its way up to the clause root.
CUE_PATH = frozenset("ROOT ccomp parataxis conj advcl xcomp pcomp dep acl".split())


def _heads_range(noun: Token, lo: int, hi: int) -> bool:
    """Whether a noun heads the range, possibly under prepositions ("in a voyage that ...")."""
    t = noun
    while t.head.i != t.i and lo <= t.head.i < hi:
        if t.dep_ not in ("pobj", "prep"):
            return False
        t = t.head
    return t.pos_ not in ("VERB", "AUX")


def local_depth(tok: Token, lo: int, hi: int) -> tuple[int, bool]:
    """Steps from `tok` up to the root of its clause inside [lo, hi), and whether every step
    is one a governing cue can take (no relative or subordinate clause in between; a relative
    clause on a noun that heads the range is fine: "a charge that Beijing denies")."""
    depth, ok = 0, True
    t = tok
    while t.head.i != t.i and lo <= t.head.i < hi:
        if t.dep_ == "relcl" and t.head.pos_ in ("NOUN", "PROPN") and _heads_range(t.head, lo, hi):
            return depth + 1, ok
        if t.dep_ not in CUE_PATH or any(
            c.dep_ == "mark" and c.lower_ in SUBORDINATORS for c in t.children
        ):
            ok = False
        if t.dep_ == "acl" and not _acl_speaks(t):
            ok = False
        depth += 1
        if t.dep_ == "acl" and t.head.dep_ in ("nsubj", "pobj", "dobj"):
            t = t.head  # "with analysts saying ...": the noun's own slot is no barrier
        t = t.head
    return depth, ok


def _acl_speaks(verb: Token) -> bool:
    """An `acl` verb that is really its noun's predicate: "analysts saying", or a trailing
    "..., the Russian arms exporter announced on Tuesday." mis-read as a reduced relative."""
    if verb.tag_ in ("VBG", "VBD"):
        return True
    doc = verb.doc
    first = verb.head.left_edge.i
    after = [c.dep_ for c in verb.children if c.i > verb.i]
    return (
        verb.tag_ == "VBN"
        and first > 0
        and doc[first - 1].text == ","
        and not {"dobj", "agent", "ccomp", "xcomp"} & set(after)
    )


def speaker_of(tok: Token, lo: int, hi: int) -> Token:
    """The noun that names the source: "one of the officials" -> officials."""
    if tok.lower_ in QUANTIFIERS:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                objs = [c for c in prep.children if c.dep_ == "pobj" and lo <= c.i < hi]
                if objs:
                    return objs[0]
    return tok


def source_ok(tok: Token, lo: int, hi: int) -> bool:
    if tok.lower_ in RELATIVE or any(t.lower_ == "whose" for t in tok.subtree):
        return False
    a, b = np_range(tok, lo, hi)
    return is_source_like(tok.doc[a:b]) or is_source_like(tok.doc[tok.i : tok.i + 1])


def subject(verb: Token, lo: int, hi: int) -> Token | None:
    """The speaking subject of a cue verb: nsubj, or the one it inherits ("..., saying")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and lo <= c.i < hi]
    named = _named_before_appositive(subjects)
    if named is not None and source_ok(named, lo, hi):
        return named
    for c in sorted(subjects, key=lambda c: abs(c.i - verb.i)):
        if source_ok(speaker_of(c, lo, hi), lo, hi):
            return c
        for a in c.children:  # "..., fighter jets, Yonhap News Agency reported" mis-parsed
            if a.dep_ == "appos" and a.i < verb.i and source_ok(a, lo, hi):
                return a
    if subjects:
        return subjects[0]
    if verb.lemma_ == "read":  # '"...," reads the joint statement'
        for c in verb.children:
            if c.dep_ in ("dobj", "attr", "nsubjpass") and head_lemma(c) in DOCUMENT_NOUNS:
                return c
    head = verb.head
    if not lo <= head.i < hi or head.i == verb.i:
        return _chunk_before(verb, lo)
    if verb.dep_ == "acl" and _acl_speaks(verb) and head.pos_ in ("NOUN", "PROPN"):
        return head  # "with Chinese analysts saying ...", "..., the exporter announced"
    if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.head.i != head.i:
        head = head.head  # "Western media were quick to describe ..."
    if verb.dep_ in ("conj", "xcomp", "acomp") or (verb.dep_ == "advcl" and verb.tag_ == "VBG"):
        return subject(head, lo, hi)  # "Moscow rejected it, saying ..."
    return _chunk_before(verb, lo)


def _named_before_appositive(subjects: list[Token]) -> Token | None:
    """The named person of "Sipho Ndlovu, a spokesman for the navy, told ..." when the parser
    made both the name and its appositive subjects of the verb."""
    people = [c for c in subjects if c.ent_type_ == "PERSON"]
    if len(subjects) < 2 or not people:
        return None
    first = min(people, key=lambda c: c.i)
    doc = first.doc
    after = first.i + 1 < len(doc) and doc[first.i + 1].text == ","
    later = [c for c in subjects if c.i > first.i and c.ent_type_ != "PERSON"]
    return first if after and later else None


def negated(subj: Token) -> bool:
    """A subject that says no one spoke: "No one", "Nobody", "Neither side", "None of them"."""
    if subj.lower_ in NEGATORS:
        return True
    return any(c.dep_ in ("det", "preconj") and c.lower_ in NEGATORS for c in subj.children)


def _chunk_before(verb: Token, lo: int) -> Token | None:
    """The noun phrase between a comma and a trailing cue the parser left without a subject
    ("..., the Joint Chiefs of Staff (JCS) said.")."""
    doc = verb.doc
    i = verb.i - 1
    while i > lo and doc[i].text not in (",", *CLOSE_QUOTES, '"') and verb.i - i < 12:
        if doc[i].pos_ in ("VERB", "AUX"):
            return None
        i -= 1
    if i <= lo or doc[i].text not in (",", *CLOSE_QUOTES, '"') or i + 1 >= verb.i:
        return None
    chunk = doc[i + 1 : verb.i]
    nouns = [t for t in chunk if t.pos_ in ("NOUN", "PROPN")]
    return chunk.root if nouns and chunk.root.pos_ in ("NOUN", "PROPN") else None
