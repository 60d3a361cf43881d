"""Sources of attributed claims: the type of a mention (named person, named organization,
document, unnamed) and its resolution to the fullest name the article has given so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    DOCUMENT_NOUNS,
    HONORIFICS,
    KNOWN_ORGS,
    ORG_LABELS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PERSON_ROLES,
    PRONOUNS,
    QUANTIFIERS,
    SPOKES_NOUNS,
    TITLE_WORDS,
    UNNAMED_NOUNS,
    head_lemma,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as TokenSpan


_POSSESSIVE = ("'s", "’s", "'", "’")


@dataclass
class Memory:
    """What the article has said so far: people (with their titles), organisations, sources."""

    people: list[tuple[str, set[str]]] = field(default_factory=list)  # name, title words
    orgs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # head, source, type
    gender: dict[str, str] = field(default_factory=dict)  # name -> "he" | "she"

    def see(self, doc: Doc, lo: int, hi: int) -> None:
        for ent in doc.ents:
            if not lo <= ent.start < hi:
                continue
            if ent.label_ == "PERSON":
                name = _clean_name(ent)
                if name and " " not in name:
                    name = _titled(ent) or name  # "President Putin" when no first name is given
                if name:
                    self.people.append((name, _title_words(ent)))
            elif ent.label_ == "ORG":
                self.orgs.append(ent.text)

    def full_name(self, short: str) -> str | None:
        """The latest longer name that contains `short` as a word ("Zhang" -> "Zhang Hong");
        a personal name wins over a title ("Vladimir Putin" over "President Putin")."""
        hits = [n for n, _ in self.people if short in n.split() and n != short]
        plain = [n for n in hits if n.split()[0].lower().rstrip(".") not in TITLE_WORDS]
        return (plain or hits or [None])[-1]

    def holder(self, role_words: set[str], head: str) -> str | None:
        """The latest person introduced with this role ("defense chief Li Shangfu" for "the
        Chinese defense minister"); a role with modifiers must share one of them."""
        heads = {head} | ({"minister", "chief"} if head in ("minister", "chief") else set())
        mods = role_words - heads
        best, best_score = None, 0 if not mods else 1
        for name, titles in self.people:
            if titles & heads and len(titles & mods) >= best_score:
                best, best_score = name, len(titles & mods)
        return best

    def last_source(self, want) -> tuple[str, str] | None:
        for head, source, kind in reversed(self.sources):
            if want(head, kind, source):
                return source, kind
        return None


def _text(doc: Doc, first: int, last: int) -> str:
    """Text of tokens first..last (inclusive) as written, hyphens and all."""
    return doc.text[doc[first].idx : doc[last].idx + len(doc[last].text)]


def _clean_name(ent) -> str:
    words = [t for t in ent if t.text not in _POSSESSIVE]
    while words and words[0].lower_.rstrip(".") in TITLE_WORDS:
        words = words[1:]
    return _text(ent.doc, words[0].i, words[-1].i) if words else ""


def _titled(ent) -> str | None:
    """A one-word name with the title words before it: "Chinese President Xi"."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].dep_ in ("compound", "amod") and doc[i - 1].head.i >= ent.start:
        i -= 1
    has_title = any(t.lower_ in TITLE_WORDS for t in doc[i : ent.start])
    return _text(doc, i, ent.end - 1) if has_title and i < ent.start else None


def _title_words(ent) -> set[str]:
    """Lower-case words naming the person's role: just before the name, or its appositive."""
    doc = ent.doc
    words: set[str] = set()
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 7:
        t = doc[i]
        if t.is_punct or t.pos_ in ("VERB", "AUX", "DET", "PRON") or t.lower_ in ("and", "by"):
            break
        words.add(t.lower_)
        i -= 1
    for child in ent.root.children:
        if child.dep_ == "appos":
            words.update(t.lower_ for t in child.subtree)
    return words


def _person_in(span: TokenSpan) -> str | None:
    """The person a mention names: its last PERSON entity, a name set off after it ("a deputy
    minister, Yevgeny Rostovtsev,"), or a title followed by a name NER missed."""
    people = [
        e for e in span.doc.ents if e.label_ == "PERSON" and span.start <= e.start < span.end
    ]
    if people and span.root.lower_ not in KNOWN_ORGS:
        return _clean_name(people[-1]) or people[-1].text
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.ent_type_ == "PERSON":
            ent = next(e for e in span.doc.ents if e.start <= child.i < e.end)
            return _clean_name(ent)
    root = span.root
    appos = [c for c in root.children if c.dep_ == "appos" and c.i >= span.end]
    if (
        appos
        and head_lemma(appos[0]) in PERSON_NOUNS
        and all(w[:1].isupper() for w in span.text.split())
    ):
        return _clean_name(span)  # "Carolina Vasconcelos, a professor of ..."
    if root.pos_ == "PROPN" and root.i == span.end - 1 and root.text[:1].isupper():
        i = root.i
        while i > span.start and (
            span.doc[i - 1].pos_ == "PROPN"
            and span.doc[i - 1].text[:1].isupper()
            or span.doc[i - 1].text == "-"
        ):
            i -= 1
        before = {t.lower_.rstrip(".") for t in span.doc[span.start : i]}
        if i > span.start and before & (HONORIFICS | PERSON_ROLES | SPOKES_NOUNS):
            return _text(span.doc, i, root.i)
    return None


def source_type(span: TokenSpan) -> str:
    """The source type of a mention (a spaCy Span over the source NP).

    named_person: a PERSON entity, a person pronoun, or a definite unique role ("the Chinese
    defense minister"); document: a statement, report ...; named_organization: an organisation,
    a place standing for its government, or a spokesperson speaking for one; unnamed otherwise.
    """
    root = span.root
    lemma = head_lemma(root)
    words = [t.lower_ for t in span]
    labels = {e.label_ for e in span.ents}
    first = words[0] if words else ""
    if root.lower_ in PRONOUNS:
        kind = PRONOUNS[root.lower_]
        return "named_person" if kind == "person" else "named_organization"
    if root.lower_ in KNOWN_ORGS:
        return "named_organization"
    if lemma in DOCUMENT_NOUNS or (root.tag_ == "NNS" and lemma in {"figure", "estimate"}):
        if not (lemma == "report" and root.tag_ == "NNS"):
            return "document"
    if "PERSON" in labels and root.ent_type_ == "PERSON":
        return "named_person"
    if lemma in SPOKES_NOUNS:
        # A named spokesperson is a person; otherwise the body speaks through them.
        return "named_person" if "PERSON" in labels else "named_organization"
    if lemma in PERSON_ROLES and root.tag_ != "NNS":
        definite = first in {"the", "its", "his", "her", "their"} or any(
            t.tag_ == "POS" or t.dep_ == "poss" for t in span
        )
        return "named_person" if definite else "unnamed"
    if "PERSON" in labels:
        return "named_person"
    if lemma in UNNAMED_NOUNS or root.lower_ in {"media", "others", "some", "many"}:
        if lemma in {"government", "military"} and root.tag_ != "NNS":
            return "named_organization"
        return "unnamed"
    if root.ent_type_ in ORG_LABELS or lemma in ORG_NOUNS or labels & set(ORG_LABELS):
        return "named_organization"
    if root.pos_ == "PROPN":
        return "named_organization"
    return "unnamed"


def resolve_mention(span: TokenSpan, memory: Memory) -> tuple[str, str] | None:
    """Resolved source string and its type for a source mention (a spaCy Span); None for
    "they" or "it" with no earlier source to stand for."""
    root = span.root
    low = root.lower_
    text = span.text.strip()
    if low in PRONOUNS and len(span) == 1:
        kind = PRONOUNS[low]
        if kind == "person":
            g = "she" if low in ("she", "her") else "he"
            hit = memory.last_source(
                lambda h, k, s: k == "named_person" and memory.gender.get(s, g) == g
            )
            if hit is None and memory.people:
                hit = (memory.people[-1][0], "named_person")
            if hit:
                memory.gender[hit[0]] = g
            return hit or (text, "named_person")
        if kind == "thing":
            return memory.last_source(lambda h, k, s: k != "named_person")
        return memory.last_source(lambda h, k, s: k in ("unnamed", "named_organization"))
    if low in QUANTIFIERS and len(span) > 2:  # "one of the officials"
        of = [o for p in root.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        if of and of[0].i < span.end:
            inner = resolve_mention(span.doc[span.start + 2 : span.end], memory)
            return (inner[0], inner[1]) if inner else (text, source_type(span))
    name = _person_in(span)
    if name:
        short = name.split()[-1] if " " not in name else None
        return (memory.full_name(short) if short else None) or name, "named_person"
    bare = text.removesuffix("'s").removesuffix("’s")
    if " " not in bare and bare[:1].isupper():
        full = memory.full_name(bare)  # "Zhang said", "Al-Mansoori said" (NER may miss them)
        if full:
            return full, "named_person"
    lemma = head_lemma(root)
    first = span[0].lower_
    propn = any(t.pos_ == "PROPN" for t in span)
    if first in ("the", "this", "that") and not propn and not span.ents:
        hit = memory.last_source(lambda h, k, s: h == lemma)
        if hit is None and lemma in DOCUMENT_NOUNS:
            hit = memory.last_source(lambda h, k, s: k == "document")
        if hit:
            return hit
        org = next((o for o in reversed(memory.orgs) if o.lower().endswith(" " + low)), None)
        if org:
            return ("the " + org if not org.lower().startswith("the ") else org), source_type(span)
    if lemma in PERSON_ROLES and first == "the" and not propn:
        words = {t.lower_ for t in span if not t.is_punct} - {"the"}
        name = memory.holder(words, lemma)
        if name:
            return name, "named_person"
    return text, source_type(span)
