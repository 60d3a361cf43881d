"""Attribution from the PolNeAR span tagger: claims attributed where its Content spans cover
them, with its Source and Cue spans; and loading a tagger from a recorded run."""

from __future__ import annotations

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


def learned_attribution(
    claims: list[Claim], text: str, tagger: TokenTagger, cover: str = "content"
) -> list[Attribution]:
    """Claim attributions from the tagger run on each claim's sentence: attributed when the
    predicted Content covers at least half of the claim's words (`cover="content"`, the
    PolNeAR claim gold), or when it covers some and Source, Cue and Content together cover at
    least half (`cover="spans"`: "X, a long description, said that Y" is X's claim); source
    and cue are the predicted spans in that sentence (the source as written, not resolved)."""
    order = sorted(range(len(claims)), key=lambda k: claims[k].start)
    ordered = [claims[k] for k in order]
    units = claim_sentences(ordered, text)
    bounds = [(ordered[u[0]].start, ordered[u[-1]].end) for u in units]
    predicted = tagger.predict([text[a:b] for a, b in bounds])
    out: dict[int, Attribution] = {}
    for unit, (base, end), spans in zip(units, bounds, predicted):
        sent = text[base:end]
        offsets = words(sent)
        roles: dict[str, set[int]] = {"Source": set(), "Cue": set(), "Content": set()}
        for role, s, e in spans:
            rng = word_range((s, e), offsets)
            if rng:
                roles[role].update(range(rng[0], rng[1] + 1))
        source = next(((s, e) for r, s, e in spans if r == "Source"), None)
        cue = next(((s, e) for r, s, e in spans if r == "Cue"), None)
        for k in unit:
            c = ordered[k]
            rng = word_range((c.start - base, c.end - base), offsets)
            mine = set(range(rng[0], rng[1] + 1)) if rng else set()
            content = len(roles["Content"] & mine)
            covered = content if cover == "content" else len(set().union(*roles.values()) & mine)
            if not mine or not content or covered < len(mine) / 2:
                out[order[k]] = Attribution()
                continue
            out[order[k]] = Attribution(
                attributed=True,
                source=sent[source[0] : source[1]] if source else None,
                source_span=Span(base + source[0], base + source[1], sent[source[0] : source[1]])
                if source
                else None,
                cue=Span(base + cue[0], base + cue[1], sent[cue[0] : cue[1]]) if cue else None,
            )
    return [out[k] for k in range(len(claims))]


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
