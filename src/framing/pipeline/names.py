"""Person names in source mentions: the name a mention gives (its last PERSON entity, a name
set off after a role, a family name written first), without titles or possessives; and
sources joined by "and"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    HONORIFICS,
    KNOWN_ORGS,
    ORG_LABELS,
    ORG_NOUNS,
    PAIRED_TITLES,
    PERSON_NOUNS,
    PERSON_ROLES,
    PRONOUNS,
    SPOKES_NOUNS,
    SURNAMES,
    TITLE_WORDS,
    head_lemma,
)
from framing.pipeline.phrases import without_clauses
from framing.pipeline.roles import office_holder

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as TokenSpan

_POSSESSIVE = ("'s", "’s", "'", "’")


def text_of(doc: Doc, first: int, last: int) -> str:
    """Text of tokens first..last (inclusive) as written, hyphens and all."""
    return doc.text[doc[first].idx : doc[last].idx + len(doc[last].text)]


# Words that make a run that starts with a family name a company ("Sun Microsystems").
_COMPANY_WORDS = frozenset(
    "research microsystems airlines airways express motors electronics holdings enterprises "
    "corp inc co ltd bank am industries group".split()
)


def _is_title(words: list, k: int) -> bool:
    w = words[k].lower_.rstrip(".")
    partner = PAIRED_TITLES.get(w)
    if partner:  # "Tan Sri Ahmad", but "Tan Wenlu"
        return k + 1 < len(words) and words[k + 1].lower_.rstrip(".") == partner
    return w in TITLE_WORDS


# Conjuncts that add no one who could be named ("X and others"), or pronouns.
NOBODY_ELSE = frozenset({"others", "other", "colleagues"}) | frozenset(PRONOUNS)
# Words for people that describe someone before their name ("local resident X", "laborer X").
_DESCRIBED_PEOPLE = (
    PERSON_NOUNS
    | PERSON_ROLES
    | frozenset(
        """laborer labourer worker farmer miner teacher student pensioner retiree resident
        driver nurse doctor engineer soldier volunteer fighter businessman businesswoman
        entrepreneur shopkeeper vendor trader housewife mother father son daughter widow
        refugee lawyer priest pastor artist writer poet singer musician blogger photographer
        nationalist separatist protester protestor demonstrator coach player fan owner manager
        accountant banker voter villager citizen man woman critic observer activist
        insider negotiator aide""".split()
    )
)
# Words that are no part of a name NER left out ("chief" of "NATO chief Anders ...").
_NOT_NAME_WORDS = TITLE_WORDS | HONORIFICS | PERSON_ROLES | PERSON_NOUNS | ORG_NOUNS


def _left_out(t, ent) -> bool:
    """A capitalised name word NER left out before a PERSON entity, a compound of it: "Anders"
    of "Anders Fogh Rasmussen", "Vu" of "Vu Thi Lan" (not a title, an organisation or a place)."""
    return (
        t.dep_ == "compound"
        and ent.start <= t.head.i < ent.end
        and (t.text in SURNAMES or t.pos_ == "PROPN" and t.text.istitle() and not t.ent_type_)
        and t.lower_.rstrip(".") not in _NOT_NAME_WORDS
    )


def _name_start(ent) -> int:
    """Where a name begins, with the name words NER left out before it (`_left_out`)."""
    i = ent.start
    while i > 0 and _left_out(ent.doc[i - 1], ent):
        i -= 1
    return i


def _name_end(ent) -> int:
    """Where a name ends, with a last name NER left out after it: "Marta Elena" + "Cabrales",
    the head its words are compounds of."""
    doc, end = ent.doc, ent.end
    if not any(t.is_alpha and t.is_lower and len(t) > 3 for t in ent.sent):
        return end  # a title-case headline: "Biden Aide Says Talks Stalled"
    while (
        end < len(doc)
        and doc[end - 1].dep_ == "compound"
        and doc[end - 1].head.i == end
        and doc[end].pos_ == "PROPN"
        and doc[end].text.istitle()
        and not doc[end].ent_type_
        and doc[end].lower_.rstrip(".") not in _NOT_NAME_WORDS
    ):
        end += 1
    return end


def clean_name(ent) -> str:
    """The name of a PERSON entity without the titles and roles before it ("Dutch PM Rutte",
    "anti-EU opposition MP Geert Wilders": Rutte, Geert Wilders) or a possessive."""
    span = ent.doc[_name_start(ent) : _name_end(ent)]
    words = [t for t in span if t.text not in _POSSESSIVE]
    titles = [k for k in range(len(words) - 1) if _is_title(words, k)]
    if titles:
        words = words[titles[-1] + 1 :]
    return text_of(ent.doc, words[0].i, words[-1].i) if words else ""


def surname_first(name: str) -> bool:
    """Whether a capitalised run reads as a family name first: "Le Thi Hoa", "He Lei",
    "Park Ji-won" (NER often takes these for organisations or misses them)."""
    parts = name.split()
    if not 2 <= len(parts) <= 3 or parts[0] not in SURNAMES:
        return False
    return all(
        p[:1].isupper()
        and p.replace("-", "").isalpha()
        and not p.isupper()
        and p.lower() not in ORG_NOUNS | KNOWN_ORGS | _COMPANY_WORDS
        for p in parts
    )


def _appositive_name(span: TokenSpan) -> str | None:
    """The name set off after a person's role, however the parser hangs it or NER labels it:
    "The U.S. ambassador to the OSCE, Daniel Baer, said" (on "OSCE"), "The head of the
    commission, Mykhailo Okhendovskyi, said" (no entity)."""
    if head_lemma(span.root) not in PERSON_ROLES | PERSON_NOUNS | SPOKES_NOUNS:
        return None
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return None
    for tok in span:
        for child in tok.children:
            if child.dep_ != "appos" or child.i <= span.end:
                continue
            words = [t for t in child.subtree if t.dep_ == "compound" or t.i == child.i]
            last = words[-1].i
            closed = last + 1 >= len(doc) or doc[last + 1].is_punct
            if (
                closed
                and words[0].i == span.end + 1
                and [t.i for t in words] == list(range(words[0].i, last + 1))
                and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
                and not any(t.ent_type_ in ORG_LABELS or t.ent_type_ == "GPE" for t in words)
            ):
                first = words[0].i  # "Colonel Timur B." -> "Timur B."
                while first < last and doc[first].lower_.rstrip(".") in TITLE_WORDS | HONORIFICS:
                    first += 1
                return text_of(doc, first, last)
    return None


def _chained_name(span: TokenSpan) -> str | None:
    """A name set off after a role that is itself set off after the mention: in "... in the
    town of Slaviansk, the minister, Arsen Avakov, said" the parser hangs "the minister" on the
    town and the name on "the minister"; the one who speaks is the named person. Not when the
    mention has a full name of its own, nor for a name set off after a longer description
    ("X, the ambassador of the president, Vladimir Putin,": Putin qualifies the president)."""
    doc = span.doc
    if any(e.label_ == "PERSON" and len(e) > 1 and e.start < span.end for e in span.ents):
        return None
    for role in span.root.children:
        if role.dep_ != "appos" or role.i < span.end or head_lemma(role) not in PERSON_ROLES:
            continue
        for child in role.children:
            right_after = child.left_edge.i == role.i + 2 and doc[role.i + 1].text == ","
            if child.dep_ == "appos" and right_after and child.ent_type_ == "PERSON":
                ent = next(e for e in doc.ents if e.start <= child.i < e.end)
                return clean_name(ent) or ent.text
    return None


def described_name(span: TokenSpan) -> tuple[str, str] | None:
    """The person a mention names after a lower-case description, and its type: "39-year
    laborer Artyom Yermolyuk" (two or three words; NER may call them an organisation). None
    for one word, a place or a people, an organisation's name, and an outlet's name after its
    description ("the Indian newspaper X", "a news portal X"), which the source keeps whole."""
    doc = span.doc
    i = span.end
    while i > span.start and doc[i - 1].pos_ == "PROPN" and doc[i - 1].text[:1].isupper():
        i -= 1
    run = doc[i : span.end]
    if not len(run) or i == span.start or len(run) > 3:
        return None
    before = doc[i - 1]
    words = {t.lower_ for t in run}
    if (
        before.pos_ not in ("NOUN", "ADJ")
        or not before.text.islower()
        or words & (ORG_NOUNS | KNOWN_ORGS | _COMPANY_WORDS)
        or any(t.ent_type_ in ("GPE", "NORP", "LOC", "DATE") for t in run)
        or not _joined(run.root, before)
    ):
        return None
    aged = any(t.lower_ in ("year", "years", "old") or t.like_num for t in doc[span.start : i])
    person = before.lemma_.lower() in _DESCRIBED_PEOPLE or before.lower_ in _DESCRIBED_PEOPLE
    if len(run) == 1 or not (person or aged):
        return None  # "the investment bank X", "the Indian newspaper X": kept whole
    return run.text, "named_person"


def _joined(name, before) -> bool:
    """Whether the name and the word before it are one phrase: set off after it, or it a
    modifier of the name."""
    return name.head.i == before.i or before.head.i == name.i


def coordinated(span: TokenSpan, known) -> tuple[str, str] | None:
    """Sources joined by "and" speak together and are one source, written as joined ("Kiev and
    the West", "Aleksander Borodai and Igor Strelkov"): people when every part names a person
    (an entity, or a name `known(text)` as a person's), an organisation when every part is a
    name, else unnamed (a group). Not one person with two roles ("Acting President and
    Parliament Speaker Oleksandr Turchynov")."""
    root = span.root
    parts = [root]
    for p in parts:  # the root's conjuncts, and theirs ("Britain, France and Germany")
        parts += [c for c in p.children if c.dep_ == "conj" and span.start < c.i < span.end]
    joined = any(c.dep_ == "cc" and c.lower_ == "and" for p in parts for c in p.children)
    if len(parts) < 2 or not joined or any(p.lower_ in NOBODY_ELSE for p in parts):
        return None
    named = [e for e in span.ents if e.label_ == "PERSON"]
    role_words = TITLE_WORDS | PERSON_ROLES | PERSON_NOUNS | SPOKES_NOUNS
    roles = [p for p in parts if p.lemma_.lower() in role_words]
    if len(named) <= 1 and any(p.ent_type_ != "PERSON" and p.tag_ != "NNS" for p in roles):
        return None

    def phrase(p):  # the part without its own conjuncts
        inner = [p] + [t for c in p.children if c.dep_ not in ("conj", "cc") for t in c.subtree]
        return [t for t in inner if span.start <= t.i < span.end]

    def person(p) -> bool:
        return any(t.ent_type_ == "PERSON" for t in phrase(p)) or known(p.text)

    people = [person(p) for p in parts]
    kind = "unnamed"  # a group, or with "the West" in it: no one body
    if all(people):
        kind = "named_person"
    elif all(p.pos_ == "PROPN" and p.lower_ != "west" for p in parts):
        bodies = any(p.ent_type_ in ORG_LABELS for p in parts)
        kind = "named_person" if any(people) and not bodies else "named_organization"
    return without_clauses(span), kind


def qualifier(ent, noun) -> bool:
    """Whether a name only qualifies a common noun, who are the ones speaking: "Kiev" of "Kiev
    authorities", "Trump" of "Trump aides"."""
    return ent.root.dep_ == "compound" and ent.root.head.i == noun.i and noun.pos_ == "NOUN"


def _run_on(ent, span: TokenSpan) -> bool:
    """A name closing the mention right after a noun, with no word between to make it a
    complement: the parser's object of "of" in "representative of the U.S. Treasury Department
    Ramin Toloui" is the person the whole mention describes (not "an aide to Putin", nor "a
    spokesman for Prime Minister Mark Rutte", where the name is the object's own)."""
    before = ent.doc[ent.start - 1] if ent.start > span.start else None
    return (
        ent.end == span.end
        and before is not None
        and before.pos_ in ("NOUN", "PROPN")
        and before.ent_type_ != "PERSON"
        and before.lower_.rstrip(".") not in TITLE_WORDS | PERSON_ROLES | HONORIFICS
    )


def person_in(span: TokenSpan) -> str | None:
    """The person a mention names: its last PERSON entity, a name set off after it ("a deputy
    minister, Yevgeny Rostovtsev,"), or a title or a family name followed by a name NER
    missed or took for an organisation ("researcher Le Thi Hoa", "He Lei")."""
    chained = _chained_name(span)
    if chained:
        return chained
    people = [  # not a name that only qualifies the head: "Mali's authorities", "a diplomat in X"
        e
        for e in span.doc.ents
        if e.label_ == "PERSON"
        and span.start <= e.start < span.end
        and (e.root.dep_ not in ("poss", "pobj") or e.root.i == span.root.i or _run_on(e, span))
        and not qualifier(e, span.root)  # "Kiev authorities": the authorities speak
    ]
    if people and span.root.lower_ not in KNOWN_ORGS:
        return clean_name(people[-1]) or people[-1].text
    holder = office_holder(span)  # "Minister of Transport Maxim Sokolov", NER missing it
    if holder:
        return holder
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.ent_type_ == "PERSON":
            ent = next(e for e in span.doc.ents if e.start <= child.i < e.end)
            return clean_name(ent)
    named = _appositive_name(span)
    if named:
        return named
    root = span.root
    appos = [c for c in root.children if c.dep_ == "appos" and c.i >= span.end]
    if (
        appos
        and head_lemma(appos[0]) in PERSON_NOUNS | _PEOPLES_OFFICES
        and all(w[:1].isupper() for w in span.text.split())
    ):
        return clean_name(span)  # "Carolina Vasconcelos, a professor of ...", "..., a secretary"
    if root.pos_ == "PROPN" and root.i == span.end - 1 and root.text[:1].isupper():
        doc, i = span.doc, root.i
        while i > span.start and (
            doc[i - 1].pos_ == "PROPN"
            and doc[i - 1].text[:1].isupper()
            and doc[i - 1].lower_.rstrip(".") not in HONORIFICS  # "Dutch PM Rutte"
            or doc[i - 1].text == "-"
            or doc[i - 1].text in SURNAMES
            and doc[i - 1].dep_ == "compound"  # "He Lei"
        ):
            i -= 1
        before = {t.lower_.rstrip(".") for t in doc[span.start : i]}
        if i > span.start and before & (HONORIFICS | PERSON_ROLES | SPOKES_NOUNS):
            return text_of(doc, i, root.i)
        name = text_of(doc, i, root.i)
        if root.ent_type_ in ("", "ORG", "PERSON") and surname_first(name):
            return name
    return _name_of_body(span)


# Offices only a person holds (a country or a company may be "the chair" or "the leader")
_PEOPLES_OFFICES = frozenset(
    "minister premier chancellor king queen prince ambassador secretary envoy governor mayor "
    "chairman chairwoman admiral marshal".split()
)

# Capitalised words of an office that a name never holds ("High Commissioner of the UNHCR").
_OFFICES = frozenset(
    "commissioner negotiator trustee partner prosecutor executive programme program lead board "
    "high counsel coordinator envoy representative delegate attorney auditor inspector".split()
)


def _name_of_body(span: TokenSpan) -> str | None:
    """A name NER missed, of two or three capitalised words opening the mention, before "of",
    "from" or "at" and an organisation: "Nisreen Abdelrahman of the Sudanese Democratic
    Forum". Not a role ("Managing Director of the IMF")."""
    root = span.root
    run = span.doc[span.start : root.i + 1]
    body = [
        o
        for p in root.children
        if p.dep_ == "prep" and p.lower_ in ("of", "from", "at") and p.i == root.i + 1
        for o in p.children
        if o.dep_ == "pobj" and o.ent_type_ == "ORG"
    ]
    roles = ORG_NOUNS | KNOWN_ORGS | TITLE_WORDS | HONORIFICS | _DESCRIBED_PEOPLE | _OFFICES
    if (
        body
        and 2 <= len(run) <= 3
        and all(
            t.pos_ == "PROPN" and t.text.istitle() and not t.ent_type_ and t.lower_ not in roles
            for t in run
        )
    ):
        return run.text
    return None
