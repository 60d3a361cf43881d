"""One parse per paragraph: the sentences the attribution rules read are cut from the parse of
their paragraph (the parse `split_claims` made of the article's body segments), not parsed a
second time on their own. A sentence that lies in no body segment (a headline, or claims cut
from other segments than `segment` finds), or whose trees the parser joined to another
sentence's, is parsed alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framing.pipeline.segment import segment

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def sentence_docs(nlp: Language, text: str, spans: list[tuple[int, int]]) -> list[Doc]:
    """A Doc of `text[start:end]` for each span, in order: the span of its paragraph's parse
    (`Span.as_doc`, entities and dependencies kept) where its trees lie inside it, else a parse
    of its own. The paragraphs are parsed in one `nlp.pipe` call, which a
    `batch.BatchNLP` answers from the parses of the claim stage."""
    bodies = [(b.start, b.end) for b in segment(text) if b.kind == "body"]
    home = [next((b for b in bodies if b[0] <= s and e <= b[1]), None) for s, e in spans]
    used = list(dict.fromkeys(b for b in home if b is not None))
    parsed = dict(zip(used, nlp.pipe([text[s:e] for s, e in used])))
    out: list[Doc | None] = []
    for (s, e), b in zip(spans, home):
        span = parsed[b].char_span(s - b[0], e - b[0]) if b is not None else None
        out.append(span.as_doc() if span is not None and _whole(span) else None)
    alone = [text[s:e] for (s, e), d in zip(spans, out) if d is None]
    own = iter(nlp.pipe(alone) if alone else [])
    return [d if d is not None else next(own) for d in out]


def _whole(span) -> bool:
    """Whether a sentence's trees lie inside it in its paragraph's parse: no head outside it
    and no sentence start inside it (where the parser split or joined sentences otherwise,
    "... party UDAR (Punch)" | "Vitaly Klitschko, who said ...", it is parsed alone)."""
    return len(span) > 0 and all(
        span.start <= t.head.i < span.end and (t.i == span.start or not t.is_sent_start)
        for t in span
    )
