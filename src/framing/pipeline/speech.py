"""Plain speech that the rules find and the learned attribution decision may overrule: "X said
on Monday at a forum in Sochi that ...", "X told reporters ...". The decision learned PolNeAR,
where such a claim counts as unattributed once its scene-setting is longer than what was said;
the project's scheme (ANNOTATION.md, section 2) calls it attributed. Kept only where the verb of
speech carries the claim: its main verb (or the verb of a trailing "..., X said"), with what was
said as a clause or a quotation, not in a clause that hangs on another ("Had the general told
the truth, ...", "which officials said was worth ...", "told of the attack, he flew home")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from framing.pipeline.lexicon import CLOSE_QUOTES, OPEN_QUOTES

if TYPE_CHECKING:
    from spacy.language import Language

    from framing.pipeline.article import Attribution, Claim

SPEECH = re.compile(r"(say|says|said|saying|tell|tells|told|telling)", re.I)
RELATIVE_START = ("which", "who", "whom", "whose", "that", "where")


def plain_speech(c: Claim, a: Attribution, nlp: Language) -> bool:
    """Whether the rules attribute the claim by "say" or "tell" inside it, with a source and at
    least four words besides source and cue, and that verb carries the claim (`_carries`, on a
    parse made only when the words pass)."""
    return _said_inside(c, a) and _carries(c, a, nlp)


def _said_inside(c: Claim, a: Attribution) -> bool:
    cue, src = a.cue, a.source_span
    if not (a.attributed and not a.implicit and cue and src and c.start <= cue.start < c.end):
        return False
    if not any(SPEECH.fullmatch(w) for w in re.findall(r"[A-Za-z]+", cue.text)):
        return False
    if c.text.lstrip().split(" ", 1)[0].lower() in RELATIVE_START:
        return False  # the rest of a sentence split at ", which": its main verb is elsewhere
    lo, hi = min(cue.start, src.start), max(cue.end, src.end)
    rest = c.text[: max(0, lo - c.start)] + " " + c.text[max(0, hi - c.start) :]
    return len(re.findall(r"\w+", rest)) >= 4


def _carries(c: Claim, a: Attribution, nlp: Language) -> bool:
    """Whether the cue's verb of speech carries the claim, on the claim's own parse."""
    doc = nlp(c.text)
    at = a.cue.start - c.start
    verb = next((t for t in doc if t.idx <= at < t.idx + len(t.text)), None)
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return False
    if verb.dep_ not in ("ROOT", "ccomp", "parataxis", "conj"):
        return False  # a relative, adverbial or participle clause ("told of the attack, ...")
    if verb.dep_ != "ROOT" and verb.head.dep_ != "ROOT":
        return False
    kids = list(verb.children)
    if any(k.dep_ in ("nsubjpass", "auxpass") for k in kids):
        return False  # "was told that ...": the one told is not the speaker
    said = [k for k in kids if k.dep_ in ("ccomp", "parataxis")]
    if any(m.lower_ in ("whether", "if") for k in said for m in k.children if m.dep_ == "mark"):
        return False  # "Time will tell whether ...": nothing is asserted
    quoted = any(q in c.text for q in (*OPEN_QUOTES, *CLOSE_QUOTES, '"'))
    # what was said: its clause, the clause a trailing "..., X said" hangs on, or a quotation
    return bool(said) or verb.dep_ in ("ccomp", "parataxis") or quoted
