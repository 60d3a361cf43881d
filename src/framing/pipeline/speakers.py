"""Speaker labels of interview transcripts: a claim that opens with "Name:" ("Anna Levin: We
will stay.", later "A.Levin: ...") is said by that person, and the claims after it in the same
paragraph by the same person until the next label."""

from __future__ import annotations

import re
from collections import Counter
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
# First words of labels in an editor's or a page's voice, never a speaker's ("CORRECTION:",
# "Editor's Note:", "UPDATE:").
EDITORIAL_LABELS = frozenset(
    """correction corrections clarification update updated note editor's editor’s editors'
    previously related background disclosure source sources watch video photo photos remember
    online""".split()
)


# Labels that are never a speaker's: a conversation role or an editor's label.
_NOT_SPEAKERS = EDITORIAL_LABELS | ROLE_LABELS


def _family(label: str) -> str:
    """The word a label is known by: "Levin" of "A.Levin" and of "Anna Levin"."""
    return re.split(r"[ .]", label)[-1]


def label_counts(claims: list[Claim]) -> Counter:
    """How many claims of an article open with a label of each family name (lower case)."""
    return Counter(
        _family(m.group("label")).lower() for c in claims if (m := _LABEL.match(c.text))
    )


def speaker_label(
    claim: Claim, doc: Doc, base: int, memory: Memory, counts: Counter
) -> Attribution | None:
    """The attribution a claim's opening speaker label gives it (`doc` parses the claim's
    sentence, which starts at article offset `base`), or None. A label is a speaker's when
    the same name opens another claim of the article (`counts`, `label_counts`): speakers take
    turns, where a list ("Sanders: Win in a walk.", "Iowa: ...") names each item once. Not a
    conversation role ("Q:", "A:": the answer's speaker is named elsewhere, if at all) or an
    editor's label ("CORRECTION:"). The source is the fullest name the article gave ("A.Levin"
    for Anna Levin)."""
    m = _LABEL.match(claim.text)
    if m is None:
        return None
    label = m.group("label")
    family = _family(label)
    if label.split()[0].lower() in _NOT_SPEAKERS or counts[family.lower()] < 2:
        return None
    start = claim.start + m.start("label")
    span = doc.char_span(start - base, start - base + len(label), alignment_mode="expand")
    source = memory.full_name(family) or label
    if span is not None:
        memory.cite(span, source, "named_person")
    return Attribution(
        attributed=True,
        source=source,
        source_span=Span(start, start + len(label), label),
        source_type="named_person",
    )


def label_only(claim: Claim) -> bool:
    """Whether the claim is a speaker label with no words after it ("TAPPER:", a tally's
    "Clinton: 547."): all source, it is not itself attributed, but the claims after it in the
    paragraph are the speaker's."""
    m = _LABEL.match(claim.text)
    return m is not None and not re.search(r"[^\W\d_]{2}", claim.text[m.end() :])


def speaker_turns(claims: list[Claim], labels: list[Attribution | None], text: str) -> None:
    """Give the claims after a labelled one (`labels`: what each claim's label says, or None),
    with no attribution of their own, its speaker (implicitly) until the next label or the end
    of the paragraph."""
    speaker: Attribution | None = None
    for k, c in enumerate(claims):
        if labels[k] is not None:
            speaker = labels[k]
            continue
        if k and "\n" in text[claims[k - 1].end : c.start]:
            speaker = None
        if speaker is not None and not c.attribution.attributed:
            c.attribution = replace(speaker, implicit=True, cue=None)
