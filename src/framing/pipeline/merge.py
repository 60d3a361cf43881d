"""A learned attribution (the span tagger's decision and spans) made whole with the rules'
knowledge of the article: its source mention resolved to the fullest name given so far and
typed, continuations of a quotation given their speaker (implicit), the rules' cue and channel
kept where both found the same source."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from framing.pipeline.article import Attribution, Span
from framing.pipeline.sources import Memory, resolve_mention, source_type

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _overlap(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and min(a.end, b.end) > max(a.start, b.start)


def adopt(
    rules: Attribution,
    learned: Attribution,
    doc: Doc,
    base: int,
    memory: Memory,
    previous: Attribution | None,
    quoted_at=None,
) -> Attribution:
    """The attribution of one claim when the tagger decides whether it is attributed.

    `doc` is the parse of the claim's sentence, which starts at article offset `base`;
    `previous` the last attributed claim before it (for a claim with Content but no Source in
    its sentence, or whose Source is the speaker's "I" or "we" inside a quotation: a quotation
    or indirect speech running on, attributed implicitly); `quoted_at(offset)` whether an
    article offset lies inside a quotation.
    """
    if not learned.attributed:
        return Attribution()
    if rules.attributed and not rules.implicit:
        same = _overlap(rules.source_span, learned.source_span)
        relayed = _overlap(rules.channel, learned.source_span)  # the tagger took the outlet
        if learned.source_span is None or same or relayed:
            return rules if rules.cue or learned.cue is None else replace(rules, cue=learned.cue)
    mention = learned.source_span
    span = None
    if mention is not None:
        span = doc.char_span(mention.start - base, mention.end - base, alignment_mode="expand")
    if span is not None and _speaker_pronoun(span) and quoted_at and quoted_at(mention.start):
        span = None  # "I think ..." inside a quotation: the quoted speaker's own words
    if span is not None:
        span = _noun_phrase(span)
        if not any(t.pos_ in _NOMINAL for t in span):
            span = None  # a tag on no one: "was" of '"...," was a woman's opinion'
    if span is None or len(span) == 0:
        if previous is None:
            return replace(learned, source=None, source_span=None, source_type=None)
        return Attribution(
            True,
            True,
            previous.source,
            previous.source_span,
            previous.source_type,
            None,
            previous.channel,
        )
    resolved = resolve_mention(span, memory)
    source, kind = resolved if resolved else (span.text.strip(), source_type(span))
    memory.cite(span, source, kind)
    return replace(learned, source=source, source_type=kind)


_NOMINAL = ("NOUN", "PROPN", "PRON", "NUM", "ADJ", "DET")  # also "Many", "Few", "Some"
# Who a quoted speaker says "I" or "we" or "you" for: never a source of their own.
_SPEAKER_PRONOUNS = frozenset({"i", "me", "we", "us", "you"})


def _speaker_pronoun(span) -> bool:
    words = [t for t in span if not t.is_punct]
    return len(words) == 1 and words[0].lower_ in _SPEAKER_PRONOUNS


def _noun_phrase(span):
    """The mention in a tagged source span that ran on into its clause ("The Admiral, who
    headed the Fleet, also revealed" -> "The Admiral"): the subject of the span's verb, up to
    the first comma after its head; for a lone relative pronoun, the one it stands for ("a
    friend of the president, who said" -> "a friend of the president"); for the agent of a
    participle that qualifies a noun ("The mission report, obtained by Reuters, gave ..."
    tagged "by Reuters") that noun's phrase; else the span as it is, widened to its noun when
    it holds only the words before one (`_whole_noun`)."""
    first, doc = span[0], span.doc
    if len(span) == 1 and first.lower_ in ("who", "which", "that") and first.head.dep_ == "relcl":
        noun = first.head.head  # "..., Vitaly Kolesnik, who said": the one the clause is about
        end = noun.i + 1
        while True:
            if noun.dep_ == "appos" and noun.head.i < noun.i:  # "Lavrov, the minister, who"
                noun = noun.head
                end = noun.i + 1
            elif (
                noun.dep_ == "pobj"
                and noun.head.lower_ in ("of", "for")
                and (noun.head.head.pos_ in ("NOUN", "PROPN") and noun.head.head.i < noun.i)
            ):
                noun = noun.head.head  # "a friend of the president, who": the friend
            else:
                break
        if noun.pos_ in ("NOUN", "PROPN"):
            return doc[noun.left_edge.i : end]
    if first.dep_ == "agent" and first.head.dep_ == "acl" and first.head.head.i < first.i:
        noun, cut = first.head.head, first.head.i
        while cut > noun.i + 1 and doc[cut - 1].is_punct:
            cut -= 1
        return doc[noun.left_edge.i : cut]
    if span.root.pos_ not in ("VERB", "AUX"):
        return _whole_noun(span)
    subj = [
        t
        for t in span.root.children
        if t.dep_ in ("nsubj", "nsubjpass") and span.start <= t.i < span.end
    ]
    if not subj:
        return span
    head = subj[0]
    end = head.right_edge.i + 1
    comma = next((t.i for t in doc[head.i : end] if t.text == ","), end)
    return doc[head.left_edge.i : comma]


def _whole_noun(span):
    """A tag on the words before a noun only ("The" of "The patrols", "Some" of "Some
    analysts") widened to the noun: a tag that holds a noun is left as it is."""
    root, doc = span.root, span.doc
    if any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in span):
        return span
    noun = root.head
    if root.dep_ not in ("det", "amod", "nummod") or noun.pos_ not in ("NOUN", "PROPN"):
        return span
    if not span.end <= noun.i <= span.end + 3 or any(t.is_punct for t in doc[span.end : noun.i]):
        return span
    return doc[span.start : noun.i + 1]


_EDGE = " \t\n,;:-–—"


def content_span(claim_start: int, claim_text: str, att: Attribution) -> Span | None:
    """What an attributed claim says, without who said it: the longest stretch of the claim
    outside its source, cue and channel spans, trimmed of spaces, commas and a leading "that".

    >>> a = Attribution(True, False, "Li Na", Span(24, 29, "Li Na"), None, Span(30, 34, "said"))
    >>> content_span(0, "The drills are routine, Li Na said.", a).text
    'The drills are routine'
    >>> a = Attribution(True, False, "Li Na", Span(0, 5, "Li Na"), None, Span(6, 10, "said"))
    >>> content_span(0, "Li Na said that the drills are routine.", a).text
    'the drills are routine'
    """
    if not att.attributed:
        return None
    end = claim_start + len(claim_text)
    cuts = sorted(
        (max(s.start, claim_start), min(s.end, end))
        for s in (att.source_span, att.cue, att.channel)
        if s is not None and s.start < end and s.end > claim_start
    )
    pieces, pos = [], claim_start
    for a, b in cuts:
        pieces.append((pos, a))
        pos = max(pos, b)
    pieces.append((pos, end))
    best = None
    for a, b in pieces:
        while a < b and claim_text[a - claim_start] in _EDGE:
            a += 1
        if claim_text[a - claim_start : a - claim_start + 5].lower() == "that ":
            a += 5
        while b > a and claim_text[b - 1 - claim_start] in _EDGE + ".":
            b -= 1
        letters = sum(ch.isalnum() for ch in claim_text[a - claim_start : b - claim_start])
        if letters and (best is None or letters > best[2]):
            best = (a, b, letters)
    if best is None:
        return None
    return Span(best[0], best[1], claim_text[best[0] - claim_start : best[1] - claim_start])
