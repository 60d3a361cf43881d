"""The source type of a mention: named person, named organization, document or unnamed
(ANNOTATION.md section 2), from the mention's words, its parse and its named entities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    DOCUMENT_NOUNS,
    KNOWN_ORGS,
    MEDIA_NOUNS,
    ORG_LABELS,
    ORG_NOUNS,
    PERSON_ROLES,
    PRONOUNS,
    QUANTIFIERS,
    SPOKES_NOUNS,
    UNNAMED_NOUNS,
    head_lemma,
)
from framing.pipeline.names import qualifier

if TYPE_CHECKING:
    from spacy.tokens import Span as TokenSpan

# Prepositions of place: a name after them only says where the speakers are ("a diplomat in
# Dakar", "business owners in Port Sudan"), not who they are.
_WHERE = frozenset("in at from near outside inside across around".split())
# Words before a plural that make a definite set of bodies ("both countries", "the two
# governments"), not a vague many ("several countries", "rights groups").
_DEFINITE = frozenset("the both these those its their our".split())
# Bodies a place has one of: "authorities in Pristina" are that place's.
_OF_A_PLACE = frozenset(("authority", "authorities", "government"))
# Words that keep a role without an article one of many: "Senior commander said", "Former
# minister says", "one minister".
_ONE_OF_MANY = QUANTIFIERS | frozenset(
    "unnamed anonymous unidentified senior junior fellow former ex".split()
)


def _who(root) -> bool:
    """Whether a relative clause on the noun begins with "who" (a person, not a body)."""
    return any(
        c.dep_ == "relcl" and c.left_edge.lower_ in ("who", "whom", "whose") for c in root.children
    )


def _placed(token, root) -> bool:
    """Whether a word sits in a phrase of place after the mention's head ("in Dakar")."""
    t = token
    while t.i != root.i and t.head.i != t.i:
        if t.dep_ == "prep" and t.head.i == root.i and t.lower_ in _WHERE:
            return True
        t = t.head
    return False


def _spoken_for(name, root) -> bool:
    """Whether a name is the one a spokesperson speaks for: "Putin's", "for Putin"."""
    if name.dep_ == "poss":
        return True
    prep = name.head
    return name.dep_ == "pobj" and prep.lower_ in ("for", "of") and prep.head.i == root.i


def _counted(span: TokenSpan, root) -> bool:
    """Whether words before the head make a definite set: "both", "the two", "Mali's"."""
    return any(
        t.lower_ in _DEFINITE or t.tag_ == "POS" or t.like_num for t in span if t.i < root.i
    )


def _vague_bodies(span: TokenSpan, root, ents) -> bool:
    """A plural body or office word with nothing that names or counts it: "rights groups",
    "several non-aligned countries", "Ukrainian authorities", "European leaders" (not "Kiev
    authorities", "both countries", "Mali's transitional authorities"); or a people in the
    plural ("Russians", "many Americans")."""
    if root.tag_ not in ("NNS", "NNPS") or _counted(span, root):
        return False
    before = [t for t in span if t.i < root.i]
    if root.ent_type_ == "NORP":  # "Russians", "many Americans"
        return all(t.pos_ in ("ADJ", "DET", "ADV") for t in before)
    lemma = head_lemma(root)
    if lemma not in ORG_NOUNS | PERSON_ROLES or root.lower_ in KNOWN_ORGS | {"police"}:
        return False  # not "Central European leaders" either
    of = [t for p in root.children if p.lower_ == "of" for t in p.subtree]
    if any(t.ent_type_ in ("GPE", "ORG") or t.lower_ in _DEFINITE for t in of):
        return False  # "governments of France and Germany", "ministries of the Baltic states"
    if lemma in _OF_A_PLACE:
        if any(t.pos_ == "PROPN" and _placed(t, root) for t in span if t.i > root.i):
            return False  # "Authorities in Pristina" (NER may call the place anything)
        where = ("NORP",)  # "Ukrainian authorities" (an adjective), not "Kiev authorities"
    else:
        where = ("NORP", "GPE", "LOC")  # a place says where they are, not which: "US companies"
    return all(
        e.label_ in where or e.root.tag_ == "JJ" for e in ents if e.start < root.i
    ) and not any(t.pos_ == "PROPN" and not t.ent_type_ for t in before)


def _a_body_named(root, lemma: str) -> bool:
    """Whether a record word is the name of a body: "The Cable", "The Order of Malta" (not "The
    Executive Order")."""
    if root.pos_ != "PROPN":
        return False
    return lemma == "cable" or (
        lemma == "order"
        and any(
            p.lower_ == "of" and any(o.pos_ == "PROPN" for o in p.children) for p in root.children
        )
    )


def source_type(span: TokenSpan) -> str:
    """The source type of a mention (a spaCy Span over the source NP).

    named_person: a PERSON entity, a person pronoun, or a definite unique role ("the Chinese
    defense minister"); document: a statement, report ...; named_organization: an organisation,
    a place standing for its government, or a spokesperson speaking for one; unnamed otherwise,
    among them bodies in the vague plural ("rights groups"). A name in a phrase of place after
    the head ("a diplomat in Dakar") does not make the mention a person or a body.
    """
    root = span.root
    lemma = head_lemma(root)
    words = [t.lower_ for t in span]
    ents = [e for e in span.ents if not _placed(e.root, root)]
    labels = {e.label_ for e in ents}
    first = words[0] if words else ""
    if root.lower_ in PRONOUNS:
        kind = PRONOUNS[root.lower_]
        return "named_person" if kind == "person" else "named_organization"
    if root.lower_ in KNOWN_ORGS:
        return "named_organization"
    if lemma in MEDIA_NOUNS and root.pos_ == "PROPN":
        return "named_organization"  # "The New York Post", "the Kyiv Post", not "a post"
    if lemma in DOCUMENT_NOUNS or (root.tag_ == "NNS" and lemma in {"figure", "estimate"}):
        if not (lemma == "report" and root.tag_ == "NNS") and not _a_body_named(root, lemma):
            return "document"
    if "PERSON" in labels and root.ent_type_ == "PERSON":
        return "named_person"
    if lemma in SPOKES_NOUNS:
        # A named spokesperson is a person; otherwise the body speaks through them, or the
        # person they speak for does ("a spokeswoman for Tymoshenko", "Putin's spokesman").
        named = [e for e in ents if e.label_ == "PERSON" and not _spoken_for(e.root, root)]
        return "named_person" if named else "named_organization"
    if lemma in PERSON_ROLES and root.tag_ != "NNS":
        before = [t for t in span if t.i < root.i]
        definite = (
            first in {"the", "its", "his", "her", "their"}
            or any(t.tag_ == "POS" or t.dep_ == "poss" for t in before)  # not "a commander
            # who gave only his first name"
            or not any(t.dep_ in ("det", "nummod") or t.lower_ in _ONE_OF_MANY for t in before)
        )  # headline style drops the article: "..., says interior minister"
        return "named_person" if definite else "unnamed"
    if _vague_bodies(span, root, ents):
        return "unnamed"
    # a body word heads it: a name before it is its owner ("Mali's government"), not a person
    body = lemma in ORG_NOUNS and root.ent_type_ != "PERSON"
    people = [e for e in ents if e.label_ == "PERSON"]
    if people and not body and not all(qualifier(e, root) for e in people):
        return "named_person"  # not "Kiev authorities"
    if lemma in UNNAMED_NOUNS or root.lower_ in {"media", "others", "some", "many"}:
        if lemma in {"government", "military"} and (root.tag_ != "NNS" or _counted(span, root)):
            return "named_organization"
        return "unnamed"
    if root.pos_ == "PROPN" and _who(root) and not any(w in ORG_NOUNS for w in words):
        return "named_person"  # "Oleg, who declined to give his surname, said"
    if root.ent_type_ in ORG_LABELS or lemma in ORG_NOUNS or labels & set(ORG_LABELS):
        return "named_organization"
    if root.pos_ == "PROPN":
        return "named_organization"
    return "unnamed"
