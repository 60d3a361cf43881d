"""Person names that spaCy's small English model breaks, repaired by three components around
its own (`add_to`, called by `claims.load_nlp`).

- Hyphenated given names written after the family name ("Han Min-seok", "Moon Jae-in", "Tsai
  Ing-wen"): the tokenizer cuts "Min-seok" into "Min", "-", "seok", and the model then often
  parses "seok" as a common noun of its own: in "..., defence analyst Han Min-seok said" the
  subject of "said" became the start of the sentence, and "Han" alone an organisation. The
  first component (before any model) merges such a given name into one token and lets the
  models read it with a common surname's norm (`STAND_IN`), so the tagger and parser see one
  name; the second (after the tagger) tags it a singular proper noun (NNP, PROPN by the
  attribute ruler); the third (after NER) gives it back its own norm and makes family and given
  name one PERSON. A given name is two romanised syllables joined by a hyphen (`SYLLABLE`: an
  optional onset, vowels, an optional final n, ng, m, k, l, p or t) after a known family name
  (`FAMILY_NAMES`). English compounds fail one test or the other ("New York-based", "Donald
  Trump-led", "China Win-win Forum", "Seoul Hip-hop", "Hong Kong-run"); on the texts of
  PolNeAR, the Ukraine-crisis articles, NewsMTSC and the corpus every match is a Korean or
  Chinese name.
- Family names with particles: NER ends a PERSON at "Ursula von der" and takes "Leyen" for a
  place; the third component lets a PERSON that ends in particles (`NAME_PARTICLES`) take the
  capitalised word after them (`_particle_end`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import NAME_PARTICLES as PARTICLES
from framing.pipeline.lexicon import SURNAMES

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SYLLABLE = (
    r"(?:[bcdfghjklmnprstwy]|ch|hs|sh|ts|zh|kk|tt|pp|ss|jj)?[yw]?[aeiou]{1,3}(?:ng|[nmklpt])?"
)
_GIVEN = re.compile(rf"{SYLLABLE}-{SYLLABLE}", re.IGNORECASE)
_CANDIDATE = re.compile(r"(?<![\w-])([A-Z][a-z]{0,5}) ([A-Z][a-z]{0,5}-[a-z]{1,6})(?![\w-])")
# first parts that make an English compound, not a given name ("Food Co-op")
_PREFIXES = frozenset("co ex re de pre pro non vice mid bi tri pan".split())

# family names a hyphenated given name follows: `SURNAMES` (pinyin, Korean, Vietnamese) and the
# Wade-Giles, Cantonese and other Korean spellings of news copy
FAMILY_NAMES = SURNAMES | frozenset(
    """Au Chan Chang Chao Chau Cheung Chiang Chin Chiu Chou Chow Choy Chu Fok Fung Hsiao Hsieh
    Hsu Hung Ip Kam Kao Koo Kuo Kwok Lau Law Leong Leung Lien Lo Lui Luk Mak Mok Ng Pang Poon
    Shih Shum Siu Soong Sze Tam Teng Tien Tong Tsai Tsang Tsao Tseng Tsoi Tsui Tse Tung Wong
    Yen Yeung Yip Yuen Ban Bang Byun Cha Choo Gil Gong Ham Hyun Jin Joo Kook Maeng Mun Na Paik
    Pyo Rhee Roh Seol Shim Sim Suh Tak Uhm Won Yeo Yeom Yi Yook""".split()
)

STAND_IN = "smith"  # the norm a given name is read with while the models run

MERGE, TAG, ENTITY = "framing_given_name_merge", "framing_given_name_tag", "framing_given_name_ent"


def given_name_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets of the hyphenated given names in `text`.

    >>> t = "Analyst Han Min-seok said. New York-based groups met Moon Jae-in."
    >>> [t[a:b] for a, b in given_name_spans(t)]
    ['Min-seok', 'Jae-in']
    >>> given_name_spans("Pro-war Co-op, China Win-win, Hong Kong-run, Busan Dong-gu, Kim-style")
    []
    """
    out = []
    for m in _CANDIDATE.finditer(text):
        family, given = m.group(1), m.group(2)
        if family not in FAMILY_NAMES or given.split("-")[0].lower() in _PREFIXES:
            continue
        if _GIVEN.fullmatch(given) and not (family == "Hong" and given.startswith("Kong-")):
            out.append(m.span(2))
    return out


def _merge(doc: Doc) -> Doc:
    found = given_name_spans(doc.text)
    spans = [doc.char_span(a, b) for a, b in found]
    with doc.retokenize() as retokenizer:
        for span in spans:
            if span is not None and len(span) > 1:
                retokenizer.merge(span)
    for i in _given_positions(doc, found):
        # the models read a word by its norm (and its shape and ends, which stay): a common
        # name's norm parses "Defence analyst Ko Wen-je said" with the name as the subject, where
        # the merged word alone is often read as an adverb; the ENTITY component restores it
        doc[i].norm_ = STAND_IN
    return doc


def _given_positions(doc: Doc, found: list[tuple[int, int]] | None = None) -> list[int]:
    """Indices of the merged given names (`found`: `given_name_spans` of the text, if known)."""
    starts = {a for a, _ in (given_name_spans(doc.text) if found is None else found)}
    return [t.i for t in doc if t.idx in starts and "-" in t.text and t.i > 0]


def _tag(doc: Doc) -> Doc:
    for i in _given_positions(doc):
        doc[i].tag_ = "NNP"
    return doc


def _entity(doc: Doc) -> Doc:
    from spacy.tokens import Span

    ents = list(doc.ents)

    def put(start: int, end: int) -> None:
        nonlocal ents
        new = Span(doc, start, end, label="PERSON")
        ents = [e for e in ents if e.end <= new.start or e.start >= new.end] + [new]

    for i in _given_positions(doc):
        doc[i].norm_ = doc[i].lower_
        # a PERSON that already holds the family name keeps its start
        held = [e.start for e in ents if e.start <= i - 1 < e.end and e.label_ == "PERSON"]
        put(held[0] if held else i - 1, i + 1)
    for e in [e for e in ents if e.label_ == "PERSON"]:
        end = _particle_end(doc, e.end)
        if end > e.end:
            put(e.start, end)
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc


def _particle_end(doc: Doc, end: int) -> int:
    """Where a PERSON entity that stops inside a name's particles should end: "Ursula von der"
    + "Leyen" (which NER took for a place) is one name; `end` when nothing follows.

    The entity's last tokens are lower-case particles (`PARTICLES`); the name takes the
    capitalised word after them and one more proper noun ("Maria del" + "Pilar Gomez"), neither
    of them a date ("Jan van der" + "Berg", not "Friday")."""
    k = end
    while k > 0 and doc[k - 1].text in PARTICLES:
        k -= 1
    if k == end or k == 0:
        return end

    def name_word(t) -> bool:
        return (
            t.text.istitle() and t.ent_type_ not in ("DATE", "TIME") and t.lower_ not in _CALENDAR
        )

    stop = end
    while stop < min(end + 2, len(doc)) and name_word(doc[stop]):
        if stop > end and doc[stop].pos_ != "PROPN":
            break
        stop += 1
    return stop


_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)


def add_to(nlp: Language) -> Language:
    """`nlp` with the three components (once; a pipeline without a tagger or NER gets those
    it can hold)."""
    from spacy.language import Language

    for name, func in ((MERGE, _merge), (TAG, _tag), (ENTITY, _entity)):
        if name not in Language.factories:
            Language.component(name, func=func)
    if MERGE in nlp.pipe_names:
        return nlp
    nlp.add_pipe(MERGE, first=True)
    if "tagger" in nlp.pipe_names:
        nlp.add_pipe(TAG, after="tagger")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe(ENTITY, after="ner")
    return nlp
