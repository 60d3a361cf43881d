"""BIO tags for attribution spans: word pieces labelled from character spans, and predicted
tags decoded back to character spans (the token tagger's input and output)."""

from __future__ import annotations

ROLES = ("Source", "Cue", "Content")


TAGS = ["O"] + [f"{p}-{r}" for r in ROLES for p in ("B", "I")]


Span = tuple[str, int, int]  # role, start, end (character offsets in the sentence)


def token_tags(offsets: list[tuple[int, int]], spans: list[Span]) -> list[int]:
    """A tag id per token (-100 for special tokens, whose offsets are (0, 0)).

    >>> [TAGS[i] if i >= 0 else None for i in token_tags([(0, 0), (0, 2), (3, 7), (8, 9)],
    ...     [("Source", 0, 2), ("Cue", 3, 9)])]
    [None, 'B-Source', 'B-Cue', 'I-Cue']
    """
    out = []
    prev_span = None
    for a, b in offsets:
        if a == b:
            out.append(-100)
            prev_span = None
            continue
        hit = next((k for k, (_, s, e) in enumerate(spans) if s <= a < e), None)
        if hit is None:
            out.append(0)
        else:
            role = spans[hit][0]
            out.append(TAGS.index(("I-" if hit == prev_span else "B-") + role))
        prev_span = hit
    return out


def decode(tags: list[int], offsets: list[tuple[int, int]]) -> list[Span]:
    """Spans from predicted tags: a span starts at B-X, or at I-X after another tag.

    >>> decode([0, 1, 2, 3, 0], [(0, 0), (0, 2), (3, 5), (6, 9), (0, 0)])
    [('Source', 0, 5), ('Cue', 6, 9)]
    """
    out: list[list] = []
    prev = None
    for t, (a, b) in zip(tags, offsets):
        if a == b:
            prev = None
            continue
        name = TAGS[t]
        if name == "O":
            prev = None
            continue
        bio, role = name.split("-", 1)
        if bio == "I" and prev == role and out:
            out[-1][2] = b
        else:
            out.append([role, a, b])
        prev = role
    return [(r, s, e) for r, s, e in out]
