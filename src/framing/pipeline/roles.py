"""What a person is, as an article says it: the words of their titles and roles, their country,
and which later mentions may stand for them ("the Russian leader" for President Putin, "the
officer" for "Captain First Rank X", "the expert" for "X, an Africa specialist")."""

from __future__ import annotations

from framing.pipeline.lexicon import ORG_NOUNS, PERSON_NOUNS, PERSON_ROLES, SPOKES_NOUNS


def rank_before(doc, start: int, lo: int = 0) -> list:
    """The capitalised title words right before a name (token `start`), back to `lo`."""
    i = start
    while i > lo and doc[i - 1].text[:1].isupper() and doc[i - 1].ent_type_ != "PERSON":
        i -= 1
    return list(doc[i:start])


def role_kinds(before: list, heads: list) -> set[str]:
    """What a person is, for `KIND_KIN`: the heads of roles set off after the name, and a
    military rank written before it when all of that title is rank ("Captain First Rank",
    "Rear Admiral"; not "Attorney General", "Lieutenant Governor")."""
    out = {t.lower_ for t in heads}
    title = [t.lower_.rstrip(".") for t in before if t.text != "."]
    if title and all(w in RANKS | RANK_FILLERS for w in title):
        out |= set(title) & RANKS
    return out


RANKS = frozenset(
    "captain colonel major lieutenant commander admiral general sergeant "
    "capt col maj lt adm gen sgt cmdr".split()
)
RANK_FILLERS = {"first", "second", "third", "rank", "rear", "vice", "retired", "ret", "brigadier"}
# Role nouns that name the same post ("the Russian leader" for "President Vladimir Putin").
ROLE_KIN = {
    "minister": {"chief"},
    "chief": {"minister"},
    "leader": {"president", "premier", "chancellor", "king"},
}
# Words for what a person is (`Memory.kinds`) that a later mention may use: "the officer" for
# "Captain First Rank X", "the expert" for "X, an Africa specialist".
KIND_KIN = {
    "officer": RANKS,
    "expert": {"specialist", "analyst", "researcher", "scholar", "professor"},
}
# Heads of a mention of one person that an article introduced by name: "the minister", "the
# former analyst" (for "Daniel Whitcombe, a former analyst at ..."), "the spokesman".
ROLE_WORDS = PERSON_ROLES | PERSON_NOUNS | SPOKES_NOUNS
AGE_WORDS = {"year", "years", "old", "'s", "’s"}
FUNCTION_WORDS = {"of", "the", "a", "an", "for", "in", "at", "to", "and", "on", "from"}
# Country abbreviations, stemmed as their adjective is ("US" as "American").
STEM_ALIAS = {"us": "amer", "usa": "amer", "uk": "brit"}


def stem(word: str) -> str:
    """A word cut to four letters, so that a country and its adjective meet ("Russia",
    "Russian"), as do spelling variants ("defence", "defense")."""
    w = word.lower().replace(".", "")
    return STEM_ALIAS.get(w, w[:4])


def title_tokens(ent) -> list:
    """The tokens naming the person's role: just before the name, or its appositive."""
    doc = ent.doc
    toks = []
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 7:
        t = doc[i]
        if t.is_punct or t.pos_ in ("VERB", "AUX", "DET", "PRON") or t.lower_ in ("and", "by"):
            break
        if t.pos_ == "ADP" and t.lower_ != "of":  # "after Prince Charles", not a role
            break
        toks.append(t)
        i -= 1
    for child in ent.root.children:
        if child.dep_ == "appos":
            toks.extend(child.subtree)
    return toks + [t for t in ent if t.lower_ in ROLE_WORDS]  # "Prince Charles"


def title_words(ent) -> set[str]:
    """Lower-case words naming the person's role: just before the name, or its appositive."""
    return {t.lower_ for t in title_tokens(ent)}


def nation_words(ent) -> set[str]:
    """Stems of the country words in a person's role ("Russian President", "Russia's")."""
    return {stem(t.text) for t in title_tokens(ent) if t.ent_type_ in ("NORP", "GPE")}


# Offices written before "of" / "for" and a department, then the holder's name.
_OFFICE_HEADS = frozenset("minister secretary commissioner director head chief chairman".split())
# Words of a department's name ("Minister of Foreign Affairs"), lower case.
_DEPARTMENTS = frozenset(
    """defence defense transport foreign affairs internal interior home finance economy economic
    development trade industry energy health justice education science culture agriculture
    emergencies emergency situations security state national public information communications
    infrastructure environment ecology natural resources labour labor social policy youth sport
    sports tourism regional construction housing digital veterans war armed forces civil
    strategic european integration relations international cooperation customs tax taxes
    revenue budget fuel treasury commerce intelligence board staff general joint chiefs committee
    council and of the for""".split()
)


def office_holder(span) -> str | None:
    """The name after an office and its department that NER missed or took for part of an
    organisation: "Minister of Transport Maxim Sokolov" -> "Maxim Sokolov"."""
    toks = list(span)
    at = next(
        (
            k
            for k, t in enumerate(toks[:-2])
            if t.lower_ in _OFFICE_HEADS and toks[k + 1].lower_ in ("of", "for")
        ),
        None,
    )
    # not an office someone else speaks for: "A spokesman for Minister of Defence X"
    if at is None or any(t.pos_ == "ADP" for t in toks[:at]):
        return None
    rest = toks[at + 2 :]
    k = 0
    # the department, and a place after its "of" ("Minister of Defence of Ukraine X")
    while k < len(rest) and (
        rest[k].lower_ in _DEPARTMENTS or k > 1 and rest[k - 1].lower_ == "of"
    ):
        k += 1
    name = [t for t in rest[k:] if t.text != "-"]  # "Jean-Pierre": one name with its hyphen
    # a department ends with a word of its own: "of the Monetary Fund" is a body, no name
    if k == 0 or not 1 <= len(name) <= 3 or rest[k - 1].lower_ in ("the", "of", "and", "for"):
        return None
    if not all(
        t.text[:1].isupper()
        and t.is_alpha
        and t.lower_ not in _DEPARTMENTS | ORG_NOUNS
        and t.ent_type_ not in _NOT_NAMES
        for t in name
    ):
        return None
    return span.doc[rest[k].i : name[-1].i + 1].text


# What NER knows a capitalised word after an office to be when it is not the holder's name
_NOT_NAMES = frozenset({"DATE", "TIME", "GPE", "NORP", "CARDINAL", "ORDINAL", "MONEY"})
