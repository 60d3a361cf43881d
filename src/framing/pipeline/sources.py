"""Sources of attributed claims: the type of a mention (named person, named organization,
document, unnamed) and its resolution to the fullest name the article has given so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import (
    DOCUMENT_KINDS,
    DOCUMENT_NOUNS,
    KNOWN_ORGS,
    NAME_PARTICLES,
    ORG_LABELS,
    ORG_NOUNS,
    PERSON_ROLES,
    PRONOUNS,
    QUANTIFIERS,
    SPOKES_NOUNS,
    TITLE_WORDS,
    UNNAMED_NOUNS,
    head_lemma,
)
from framing.pipeline.names import (
    NOBODY_ELSE,
    clean_name,
    coordinated,
    described_name,
    person_in,
    surname_first,
)
from framing.pipeline.phrases import without_clauses
from framing.pipeline.roles import (
    AGE_WORDS,
    FUNCTION_WORDS,
    KIND_KIN,
    ROLE_KIN,
    ROLE_WORDS,
    nation_words,
    rank_before,
    role_kinds,
    stem,
    title_words,
)
from framing.pipeline.source_kinds import source_type

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
    plural: set[str] = field(default_factory=set)  # sources named in the plural (not "it")
    gender: dict[str, str] = field(default_factory=dict)  # name -> "he" | "she"
    nations: dict[str, set[str]] = field(default_factory=dict)  # name -> its country words
    # plural unnamed groups: head, modifiers, source
    groups: list[tuple[str, set[str], str]] = field(default_factory=list)
    # people a later "he" or "she" may mean, latest last: cited as sources, or named as the
    # subject of a clause ("The head of the service, Valentina K., confirmed the figure.")
    salient: list[str] = field(default_factory=list)
    # role mentions no one named so far held: source string, role words, head, country stems
    pending: list[tuple[str, set[str], str, set[str]]] = field(default_factory=list)
    # what each person is, for a later mention by a kindred word: the head of the role set off
    # after the name ("a specialist") and a military rank before it ("Captain First Rank")
    kinds: dict[str, set[str]] = field(default_factory=dict)
    # one-word names the article uses as places somewhere (`places_of`): where NER takes one
    # for a person elsewhere ("Kiev has acknowledged"), it is still the place's government
    places: set[str] = field(default_factory=set)

    def see(self, doc: Doc, lo: int, hi: int) -> None:
        for ent in doc.ents:
            if not lo <= ent.start < hi:
                continue
            if ent.text in self.places:
                continue
            titled = len(ent) == 2 and ent[0].lower_ in ROLE_WORDS and ent[1].text.istitle()
            if (
                ent.label_ == "PERSON"
                or ent.label_ == "ORG"
                and (surname_first(ent.text) or _set_off_name(ent))
                or titled
            ):
                name = clean_name(ent)  # titles dropped: "Putin" of "President Putin"
                if name:
                    self.people.append((name, title_words(ent)))
                    self.nations[name] = nation_words(ent)
                    heads = [c for c in ent.root.children if c.dep_ == "appos"]
                    kinds = role_kinds(rank_before(ent.doc, ent.start), heads)
                    self.kinds[name] = self.kinds.get(name, set()) | kinds
                    if _subject(ent.root):
                        self.salient.append(name)
            elif ent.label_ == "ORG":
                self.orgs.append(ent.text)

    def full_name(self, short: str) -> str | None:
        """The latest longer name that contains `short` as a word ("Zhang" -> "Zhang Hong")
        or, for a name of several words, ends with it in any case ("Castro Diaz-Balart" -> "Fidel
        Castro Diaz-Balart", "Von der Leyen" -> "Ursula von der Leyen"); a one-word name led by
        a particle in any case too ("El-Sisi" -> "Abdel Fattah el-Sisi"); a personal name wins
        over a title."""
        hits = [n for n, _ in self.people if n != short and _shortens(short, n)]
        plain = [n for n in hits if n.split()[0].lower().rstrip(".") not in TITLE_WORDS]
        return (plain or hits or [None])[-1]

    def knows_person(self, name: str) -> bool:
        """Whether the article has named a person so, or by a longer name that `full_name`
        finds for it."""
        return any(n == name for n, _ in self.people) or self.full_name(name) is not None

    def holder(self, role_words: set[str], head: str, nations: set[str]) -> str | None:
        """The latest person introduced with this role ("defense chief Li Shangfu" for "the
        Chinese defense minister", "Vladimir Putin, Russia's president," for "the Russian
        president"); a role with modifiers must share one of them, and its country (`nations`,
        stems) must not differ from the person's."""
        found = self.holders(role_words, head, nations)
        return found[-1] if found else None

    def holders(self, role_words: set[str], head: str, nations: set[str]) -> list[str]:
        """Everyone `holder` could mean, best matches only, in the order introduced."""
        heads, kin = {head} | ROLE_KIN.get(head, set()), KIND_KIN.get(head, set())
        mods = {  # an age tells no role apart: "the 65-year-old prince"
            stem(w)
            for w in role_words - heads - kin - AGE_WORDS - FUNCTION_WORDS
            if any(c.isalpha() for c in w) and not any(c.isdigit() for c in w)
        }
        best, best_score = [], 0 if not mods else 1
        for name, titles in self.people:
            theirs = self.nations.get(name, set())
            known = titles & heads or kin & self.kinds.get(name, set())
            if not known or nations and theirs and not nations & theirs:
                continue
            score = len({stem(w) for w in titles} & mods)
            if score > best_score:
                best, best_score = [], score
            if score == best_score:
                best = [n for n in best if n != name] + [name]
        return best

    def named_later(self) -> dict[str, str]:
        """Source strings of role mentions that no one named before them held, each with the
        person the whole article introduces with that role ("the Foreign Ministry spokesman"
        before "Foreign Ministry spokesman Tigran Balayan said")."""
        out = {}
        for text, words, head, nations in self.pending:
            found = self.holders(words, head, nations)
            if len(found) == 1 and text not in out:  # one person only: no guessing
                out[text] = found[0]
        return out

    def group(self, head: str, mods: set[str], text: str) -> str:
        """The source string of a plural unnamed group ("Chinese analysts"): the first form of
        the one group with this head cited earlier in the article whose modifiers include or
        are included in these ("Analysts", "some analysts"); else `text`."""
        hits = [
            k for k, (h, m, _) in enumerate(self.groups) if h == head and (mods <= m or m <= mods)
        ]
        names = {self.groups[k][2] for k in hits}
        if len(names) != 1:
            hits = [k for k in hits if self.groups[k][2] == text]
        if not hits:
            self.groups.append((head, mods, text))
            return text
        h, m, source = self.groups[hits[-1]]
        self.groups[hits[-1]] = (h, m | mods, source)
        return source

    def cite(self, mention: TokenSpan, source: str, kind: str) -> None:
        """Remember a resolved source: later pronouns and short names can stand for it (not
        sources joined by "and")."""
        root = mention.root
        if any(c.dep_ == "conj" and mention.start <= c.i < mention.end for c in root.children):
            self.sources.append((head_lemma(root), source, kind))
            return
        if kind == "named_person" and " " in source:  # with its title and the role after it
            role = [c for c in root.children if c.dep_ == "appos" and c.i >= mention.end][:1]
            # the role's head and its modifiers, not a clause on it ("an aide to the president")
            toks = [m for c in role for m in c.children if m.dep_ in ("compound", "amod")]
            toks += role + [t for t in mention if t.lower_ not in source.lower().split()]
            self.people.append((source, {t.lower_ for t in toks if t.is_alpha}))
            nations = {stem(t.text) for t in toks if t.ent_type_ in ("NORP", "GPE")}
            self.nations[source] = self.nations.get(source, set()) | nations
            first = next((t.i for t in mention if t.text in source.split()), mention.end)
            kinds = role_kinds(rank_before(mention.doc, first, mention.start), role)
            self.kinds[source] = self.kinds.get(source, set()) | kinds
        if kind == "named_person":
            self.salient.append(source)
        self.sources.append((head_lemma(mention.root), source, kind))
        root = mention.root  # a plural, but not the name of a body ("the Armed Forces of X")
        if (
            root.tag_ == "NNS"
            or root.tag_ == "NNPS"
            and root.ent_type_ not in ("ORG", "GPE", "FAC")
        ):
            self.plural.add(source)

    def last_source(self, want) -> tuple[str, str] | None:
        for head, source, kind in reversed(self.sources):
            if want(head, kind, source):
                return source, kind
        return None


def _shortens(short: str, name: str) -> bool:
    """Whether `short` is a shorter mention of `name` (`Memory.full_name`)."""
    low = short.lower()
    if " " in short:
        return name.lower().endswith(" " + low)
    head, dash, rest = short.partition("-")
    led = bool(dash and rest) and head.lower() in NAME_PARTICLES  # "Al-Mansoori", "El-Sisi"
    return short in name.split() or led and low in name.lower().split()


def places_of(docs: list[Doc]) -> set[str]:
    """One-word names an article's parses label a place (GPE, LOC) at least once."""
    return {e.text for d in docs for e in d.ents if e.label_ in ("GPE", "LOC") and len(e) == 1}


# Words of a group mention that say nothing about which group it is.
_GROUP_FILLER = QUANTIFIERS | {"the", "these", "those", "such", "also"}
# Words that make a group mention another group ("other analysts", "two officials").
_GROUP_CONTRAST = {"other", "others", "another", "different", "rival"}


def _set_off_name(ent) -> bool:
    """An "organisation" that is a name set off after a person's role: "The head of the
    department, Valentina K., confirmed"."""
    root = ent.root
    return (
        root.dep_ == "appos"
        and head_lemma(root.head) in ROLE_WORDS
        and 2 <= len(ent) <= 3
        and all(t.text.istitle() and t.lower_ not in ORG_NOUNS for t in ent)
    )


def _body_word(t) -> bool:
    """A word of the name of an organisation ("Foreign Ministry", "Kremlin")."""
    return t.ent_type_ in ORG_LABELS or t.lower_ in KNOWN_ORGS or t.lower_ in ORG_NOUNS


def _subject(token) -> bool:
    """Whether a name is the subject of its clause, or set off after the subject."""
    subj = ("nsubj", "nsubjpass")
    return token.dep_ in subj or token.dep_ == "appos" and token.head.dep_ in subj


# Words for a text that may stand for an earlier one of another kind ("the document"); not
# records of a kind of their own ("the survey")
_ANY_TEXT = DOCUMENT_NOUNS - DOCUMENT_KINDS


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
            name = next(
                (s for s in reversed(memory.salient) if memory.gender.get(s, g) == g), None
            )
            hit = (name, "named_person") if name else None
            if hit is None and memory.people:
                hit = (memory.people[-1][0], "named_person")
            if hit:
                memory.gender[hit[0]] = g
            return hit or (text, "named_person")
        if kind == "thing":  # not a group named in the plural ("two officials")
            return memory.last_source(
                lambda h, k, s: k != "named_person" and s not in memory.plural
            )
        return memory.last_source(lambda h, k, s: k in ("unnamed", "named_organization"))
    if low in QUANTIFIERS and len(span) > 2:  # "one of the officials"
        of = [o for p in root.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        if of and of[0].i < span.end:
            inner = resolve_mention(span.doc[span.start + 2 : span.end], memory)
            return (inner[0], inner[1]) if inner else (text, source_type(span))
    others = [c for c in root.children if c.dep_ == "conj" and c.lower_ in NOBODY_ELSE]
    cc = [c for c in root.children if c.dep_ == "cc" and span.start < c.i < span.end]
    if others and cc and low not in PRONOUNS:  # "Taylor and others": Taylor speaks
        return resolve_mention(span.doc[span.start : cc[0].i], memory)
    joint = coordinated(span, memory.knows_person)
    if joint:
        return joint
    name = person_in(span)
    set_off = any(c.dep_ in ("appos", "relcl") for c in root.children)  # "Chad, a farmer,"
    if name in memory.places and text == name and not set_off and not memory.full_name(name):
        return name, "named_organization"  # not a surname: the article named no one so
    if name:
        return memory.full_name(name) or name, "named_person"
    bare = text.removesuffix("'s").removesuffix("’s")
    if bare[:1].isupper() and (" " not in bare or bare.split()[0].lower() in NAME_PARTICLES):
        # "Zhang said", "Al-Mansoori said", "Von der Leyen said" (NER may miss or mistype them)
        full = memory.full_name(bare)
        if full:
            return full, "named_person"
    described = described_name(span)
    if described:
        return described
    lemma = head_lemma(root)
    first = span[0].lower_
    propn = any(t.pos_ == "PROPN" for t in span)
    if first in ("the", "this", "that") and not propn and not span.ents:
        hit = memory.last_source(lambda h, k, s: h == lemma)
        if hit is None and lemma in _ANY_TEXT:
            hit = memory.last_source(lambda h, k, s: k == "document")
        if hit:
            return hit
        org = next((o for o in reversed(memory.orgs) if o.lower().endswith(" " + low)), None)
        if org:
            return ("the " + org if not org.lower().startswith("the ") else org), source_type(span)
    nations = {stem(t.text) for t in span if t.ent_type_ in ("NORP", "GPE")}
    # a capitalised role word names nobody ("The Admiral"), nor does a clause set off after it,
    # nor the body a spokesperson speaks for ("the Foreign Ministry spokesman")
    comma = next((t.i for t in span if t.text == "," and t.i > root.i), span.end)
    named = any(
        t.pos_ == "PROPN"
        and stem(t.text) not in nations
        and t.lower_ not in ROLE_WORDS
        and not (lemma in SPOKES_NOUNS and _body_word(t))
        for t in span.doc[span.start : comma]
    )
    owner = len(span) > 2 and span[1].tag_ == "POS" and bool(nations)  # "Russia's president"
    # a headline drops the article: "Czech president says ..."
    headline = span[0].ent_type_ in ("NORP", "GPE") and root.i > span.start
    headline = headline and lemma in PERSON_ROLES  # a post one person holds
    role = None
    if lemma in ROLE_WORDS and root.tag_ != "NNS" and (first == "the" or owner or headline):
        if not named:
            words = {t.lower_ for t in span.doc[span.start : comma] if not t.is_punct} - {"the"}
            name = memory.holder(words, lemma, nations)
            if name:
                return name, "named_person"
            role = (words, lemma, nations)
    kind = source_type(span)
    if kind == "unnamed" and root.tag_ == "NNS" and (lemma in UNNAMED_NOUNS or low == "media"):
        if not any(t.lower_ in _GROUP_CONTRAST or t.dep_ in ("cc", "nummod") for t in span):
            mods = {
                stem(t.lemma_)
                for t in span
                if t.i != root.i
                and not t.is_punct
                and t.pos_ not in ("ADP", "DET", "PRON")
                and t.lower_ not in _GROUP_FILLER
            }
            return memory.group(lemma, mods, without_clauses(span)), kind
    out = without_clauses(span)
    if role is not None:  # someone the article names later may hold it (`Memory.named_later`)
        memory.pending.append((out, *role))
    return out, kind
