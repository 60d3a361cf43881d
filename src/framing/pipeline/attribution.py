"""Attribution: for each claim its cue, source (resolved to the fullest name), source type and
whether it is implicit, from the dependency parse, entities and the cue lexicons."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from framing.pipeline.article import Attribution, Claim, Span
from framing.pipeline.claims import claim_sentences, fully_quoted, has_quote, quote_depth
from framing.pipeline.cues import Cue, find_cue
from framing.pipeline.lexicon import (
    OPEN_QUOTES,
)
from framing.pipeline.merge import adopt
from framing.pipeline.parses import sentence_docs
from framing.pipeline.sources import Memory, places_of, resolve_mention
from framing.pipeline.speakers import label_counts, label_only, speaker_label, speaker_turns

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def attribute(
    claims: list[Claim],
    text: str,
    nlp: Language,
    learned: list[Attribution] | None = None,
    prefer_rules: bool = False,
) -> list[Claim]:
    """The claims of one article with their Attribution filled in, in the order given (new
    Claim objects; the input is left as is).

    With `learned` (one Attribution per claim, e.g. from the span tagger) the learned decision
    is kept, made whole by `merge.adopt` (source resolved and typed in the same reading of the
    article); with `prefer_rules` the rules' attribution wherever the rules attribute a claim.

    Explicit: a reporting cue outside quotation marks with a source-like subject, resolved to
    the fullest name the article has given so far ("Zhang" -> "Zhang Hong", "he" -> the last
    person quoted, "the minister" -> the person introduced with that role; "Analysts" and a
    later "Chinese analysts" are one group, named as first cited). Words an outlet passes on
    keep their speaker as the source and the outlet as the channel ("Putin said ..., TASS
    reported"). Implicit: a claim
    inside a quotation that runs over claims, a whole quotation with no cue right after an
    attributed claim, or a cue-less "would" sentence continuing indirect speech.
    """
    order = sorted(range(len(claims)), key=lambda k: claims[k].start)
    claims = [claims[k] for k in order]  # attributed in reading order, returned in input order
    units = claim_sentences(claims, text)
    docs = sentence_docs(nlp, text, [(claims[u[0]].start, claims[u[-1]].end) for u in units])
    memory = Memory(places=places_of(docs))
    learned = [learned[k] for k in order] if learned is not None else None
    speaker = None  # the last explicit attribution, by the rules or the tagger
    out: list[Claim] = []
    depth_in: list[int] = []
    backshift: list[bool] = []
    labels: list[Attribution | None] = []
    counts = label_counts(claims)  # speaker labels
    depth, prev_end = 0, 0
    for unit, doc in zip(units, docs):
        base = claims[unit[0]].start
        for k in unit:
            c = claims[k]
            if "\n" in text[prev_end : c.start]:
                depth = 0  # a quotation does not run over a paragraph break unmarked
            depth_in.append(depth)
            depth = quote_depth(c.text, depth)
            prev_end = c.end
            span = doc.char_span(c.start - base, c.end - base, alignment_mode="expand")
            lo, hi = (span.start, span.end) if span is not None else (0, 0)
            memory.see(doc, lo, hi)
            backshift.append(_backshifted(doc, lo, hi))
            cue = find_cue(doc, lo, hi, in_quote=depth_in[-1] > 0, relay=True) if hi > lo else None
            att = _explicit(cue, doc, base, memory)
            label = speaker_label(c, doc, base, memory, counts)
            labels.append(label)
            if label is not None and (not att.attributed or att.implicit) and not label_only(c):
                att = label
            if learned is not None and not (prefer_rules and att.attributed):

                def quoted_at(offset: int, c=c, depth=depth_in[-1]) -> bool:
                    return quote_depth(text[c.start : max(c.start, offset)], depth) > 0

                rules_att = att
                att = adopt(att, learned[len(out)], doc, base, memory, speaker, quoted_at)
                speaker = rules_att if rules_att.attributed else speaker
            if att.attributed and not att.implicit:
                speaker = att
            out.append(replace(c, attribution=att))
    if learned is None or prefer_rules:
        speaker_turns(out, labels, text)
        _implicit(out, depth_in, text)
        _continued(out, backshift, text)
    later = memory.named_later()
    for c in out:
        a = c.attribution
        if a.attributed and a.source in later and a.source_type != "document":
            c.attribution = replace(a, source=later[a.source], source_type="named_person")
    result = list(out)
    for pos, k in enumerate(order):
        result[k] = out[pos]
    return result


def _explicit(cue: Cue | None, doc: Doc, base: int, memory: Memory) -> Attribution:
    """The rules' attribution of a claim from its cue (`find_cue`), the source resolved."""
    if cue is None or cue.source is None:
        return Attribution()
    mention = doc[cue.source[0] : cue.source[1]]
    resolved = resolve_mention(mention, memory)
    if resolved is None:
        return Attribution()
    source, kind = resolved
    channel = doc[cue.channel[0] : cue.channel[1]] if cue.channel else None
    via = resolve_mention(channel, memory) if channel is not None else None
    if via is not None:  # the outlet is cited too, before the speaker: "It said" is the outlet
        memory.cite(channel, *via)
    memory.cite(mention, source, kind)
    cue_span = doc[cue.start : cue.end]
    return Attribution(
        attributed=True,
        source=source,
        source_span=Span(base + mention.start_char, base + mention.end_char, mention.text),
        source_type=kind,
        cue=Span(base + cue_span.start_char, base + cue_span.end_char, cue_span.text),
        channel=channel and Span(base + channel.start_char, base + channel.end_char, channel.text),
    )


def _backshifted(doc: Doc, lo: int, hi: int) -> bool:
    """Reported speech going on in the past-future: "It would also share ..." (not "if")."""
    if hi <= lo or any(t.lower_ in ("if", "unless") for t in doc[lo:hi]):
        return False
    roots = [t for t in doc[lo:hi] if t.head.i == t.i or not lo <= t.head.i < hi]
    return any(c.lower_ == "would" and c.dep_ == "aux" for r in roots for c in r.children)


def _continued(claims: list[Claim], backshift: list[bool], text: str) -> None:
    """A cue-less "would" sentence right after indirect speech in the same paragraph goes on
    with that speech ("Officials said Japan would watch closely. It would also share ...")."""
    for k in range(1, len(claims)):
        prev, c = claims[k - 1], claims[k]
        a = prev.attribution
        if not backshift[k] or c.attribution.attributed or not a.attributed or a.implicit:
            continue
        if "\n" in text[prev.end : c.start] or has_quote(prev.text) or has_quote(c.text):
            continue
        c.attribution = replace(a, implicit=True, cue=None)


def _implicit(claims: list[Claim], depth_in: list[int], text: str) -> None:
    """Give claims with no cue of their own the speaker of the quotation they belong to."""
    n = len(claims)
    k = 0
    while k < n:
        # a run: the claim where a quotation opens and every claim that starts inside it
        j = k + 1
        while j < n and depth_in[j] > 0:
            j += 1
        run = range(k, j)
        quoted = depth_in[k] > 0 or any(ch in claims[k].text for ch in OPEN_QUOTES + '"')
        if quoted:
            speaker = next((claims[i] for i in run if claims[i].attribution.attributed), None)
            if speaker is None and fully_quoted(claims[k].text) and j - k == 1:
                speaker = _neighbour_speaker(claims, k)
            whole = text[claims[k].start : claims[j - 1].end]
            if speaker is None and j - k > 1 and fully_quoted(whole):
                speaker = _neighbour_speaker(claims, k)
            if speaker is not None:
                for i in run:
                    if not claims[i].attribution.attributed:
                        a = speaker.attribution
                        claims[i].attribution = replace(a, implicit=True, cue=None)
        k = j


def _neighbour_speaker(claims: list[Claim], k: int) -> Claim | None:
    """The speaker of a cue-less quotation: the claim before it, or a quote with a cue after."""
    if k > 0 and claims[k - 1].attribution.attributed:
        return claims[k - 1]
    nxt = claims[k + 1] if k + 1 < len(claims) else None
    if nxt and nxt.attribution.attributed and nxt.text[:1] in OPEN_QUOTES + '"':
        return nxt
    return None
