"""Speaker labels of interview transcripts: a claim that opens with "Name:" ("Anna Levin: We
will stay.", "A.Levin: ...", "Q: ...") is said by that person, and the claims after it in the
same paragraph by the same person until the next label. In a transcript (an article with
several labels) any label is a speaker."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from framing.pipeline.article import Attribution, Claim, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from framing.pipeline.sources import Memory

# One to four capitalised words ("Anna Levin", "A.Levin", "Mr. Levin"), then a colon.
_LABEL = re.compile(r"(?P<label>[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3})\s*:(?:\s+(?=\S)|\s*$)")
# Labels that name a role in the conversation, not a person.
ROLE_LABELS = frozenset(
    "q a question answer host interviewer moderator presenter correspondent reporter".split()
)
TRANSCRIPT_LABELS = 3  # an article with this many labels is a transcript


def is_transcript(claims: list[Claim]) -> bool:
    """Whether enough claims open with a label for the article to be a transcript."""
    return sum(_LABEL.match(c.text) is not None for c in claims) >= TRANSCRIPT_LABELS


def speaker_label(
    claim: Claim, doc: Doc, base: int, memory: Memory, transcript: bool = False
) -> Attribution | None:
    """The attribution a claim's opening speaker label gives it (`doc` parses the claim's
    sentence, which starts at article offset `base`), or None. A label is a conversation role
    ("Q", "Host") or a person: one the article names (the label's own words, or a family name
    it gave in full earlier: "A.Levin" for Anna Levin), or any label of a `transcript`."""
    m = _LABEL.match(claim.text)
    if m is None:
        return None
    label = m.group("label")
    start = claim.start + m.start("label")
    span = doc.char_span(start - base, start - base + len(label), alignment_mode="expand")
    if label.lower() in ROLE_LABELS:
        source, kind = label, "unnamed"
    else:
        family = re.split(r"[ .]", label)[-1]
        named = span is not None and any(t.ent_type_ == "PERSON" for t in span)
        full = memory.full_name(family) if family else None
        if not (named or full or transcript):
            return None
        source, kind = full or label, "named_person"
    if span is not None:
        memory.cite(span, source, kind)
    return Attribution(
        attributed=True,
        source=source,
        source_span=Span(start, start + len(label), label),
        source_type=kind,
    )


def speaker_turns(claims: list[Claim], labelled: list[bool], text: str) -> None:
    """Give the claims after a labelled one, with no attribution of their own, its speaker
    (implicitly) until the next label or the end of the paragraph."""
    speaker: Attribution | None = None
    for k, c in enumerate(claims):
        if labelled[k]:
            speaker = c.attribution
            continue
        if k and "\n" in text[claims[k - 1].end : c.start]:
            speaker = None
        if speaker is not None and not c.attribution.attributed:
            c.attribution = replace(speaker, implicit=True, cue=None)
