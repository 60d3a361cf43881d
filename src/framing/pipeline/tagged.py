"""Attribution from the PolNeAR span tagger: claims attributed where its Content spans cover
them, with its Source and Cue spans; and loading a tagger from a recorded run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from framing.core.errors import InputError
from framing.data.polnear import word_range, words
from framing.pipeline.article import Attribution, Claim, Span
from framing.pipeline.claims import claim_sentences

if TYPE_CHECKING:
    from framing.learning.tagger import TokenTagger

# The shipped attribution tagger (span_tagger=default): scripts/make_default_model.py --attribution
DEFAULT_TAGGER = Path(__file__).resolve().parents[1] / "default_model" / "attribution_spans"


COVERS = ("content", "spans")


@dataclass
class TaggedClaim:
    """What the tagger says about one claim: the shares of its words inside predicted Content,
    Source and Cue spans (and inside any of them), and its sentence's first Source and Cue
    spans (article offsets), which may lie outside the claim."""

    content: float = 0.0
    source: float = 0.0
    cue: float = 0.0
    spans: float = 0.0
    source_span: Span | None = None
    cue_span: Span | None = None


def tag_claims(claims: list[Claim], text: str, tagger: TokenTagger) -> list[TaggedClaim]:
    """The tagger run on each claim's sentence, read per claim (in the order given)."""
    order = sorted(range(len(claims)), key=lambda k: claims[k].start)
    ordered = [claims[k] for k in order]
    units = claim_sentences(ordered, text)
    bounds = [(ordered[u[0]].start, ordered[u[-1]].end) for u in units]
    predicted = tagger.predict([text[a:b] for a, b in bounds])
    out: dict[int, TaggedClaim] = {}
    for unit, (base, end), spans in zip(units, bounds, predicted):
        sent = text[base:end]
        offsets = words(sent)
        roles: dict[str, set[int]] = {"Source": set(), "Cue": set(), "Content": set()}
        for role, s, e in spans:
            rng = word_range((s, e), offsets)
            if rng:
                roles[role].update(range(rng[0], rng[1] + 1))
        first = {r: next(((s, e) for q, s, e in spans if q == r), None) for r in ("Source", "Cue")}
        found = {
            r: Span(base + se[0], base + se[1], sent[se[0] : se[1]]) if se else None
            for r, se in first.items()
        }
        every = set().union(*roles.values())
        for k in unit:
            c = ordered[k]
            rng = word_range((c.start - base, c.end - base), offsets)
            mine = set(range(rng[0], rng[1] + 1)) if rng else set()
            n = len(mine) or 1
            out[order[k]] = TaggedClaim(
                len(roles["Content"] & mine) / n,
                len(roles["Source"] & mine) / n,
                len(roles["Cue"] & mine) / n,
                len(every & mine) / n,
                found["Source"],
                found["Cue"],
            )
    return [out[k] for k in range(len(claims))]


def learned_attribution(
    claims: list[Claim],
    text: str,
    tagger: TokenTagger,
    cover: str = "content",
    tagged: list[TaggedClaim] | None = None,
) -> list[Attribution]:
    """Claim attributions from the tagger run on each claim's sentence: attributed when the
    predicted Content covers at least half of the claim's words (`cover="content"`, the
    PolNeAR claim gold), or when it covers some and Source, Cue and Content together cover at
    least half (`cover="spans"`: "X, a long description, said that Y" is X's claim); source
    and cue are the predicted spans in that sentence (the source as written, not resolved).
    `tagged`: `tag_claims` of these claims, when already made."""
    out = []
    for t in tagged if tagged is not None else tag_claims(claims, text, tagger):
        covered = t.content if cover == "content" else t.spans
        if not t.content or covered < 0.5:
            out.append(Attribution())
            continue
        src = t.source_span
        out.append(
            Attribution(True, source=src.text if src else None, source_span=src, cue=t.cue_span)
        )
    return out


def load_span_tagger(path: str, device: str, backend: str = "torch") -> TokenTagger:
    """A TokenTagger from a polnear_tagger run folder or its model/ folder ("default": the
    shipped one), predicting on `backend` (`TokenTagger.use_backend`)."""
    tagger = _load(path, device)
    tagger.use_backend(backend)
    return tagger


def _load(path: str, device: str) -> TokenTagger:
    from framing.learning.tagger import META_FILE, TokenTagger

    if path == "default":
        if not (DEFAULT_TAGGER / "model" / META_FILE).is_file():
            raise InputError(
                f"the shipped attribution tagger is missing ({DEFAULT_TAGGER}): run "
                "python scripts/make_default_model.py --attribution, or span_tagger=<run folder>"
            )
        return TokenTagger.load(DEFAULT_TAGGER / "model", device=device)
    p = Path(path)
    if (p / "model" / META_FILE).is_file():
        p = p / "model"
    if not (p / META_FILE).is_file():
        raise InputError(
            f"span_tagger={path}: not a span tagger run (no model/{META_FILE}; train one with "
            "python scripts/train.py experiment=polnear_tagger)"
        )
    return TokenTagger.load(p, device=device)
