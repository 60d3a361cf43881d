"""Record types passed along the article pipeline: Document -> Segment -> Claim -> Attribution.

Every span is a pair of character offsets into `Document.text`, the decoded original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """One article: `text` is the decoded original; offsets everywhere index it."""

    id: str
    text: str
    meta: dict = field(default_factory=dict)  # path, format, encoding, warnings


@dataclass
class Segment:
    """A layout unit: headline, section, byline, dateline, caption, subhead or body."""

    kind: str
    start: int
    end: int


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Attribution:
    """Who a claim is attributed to, and how; all None/False for the outlet's own voice."""

    attributed: bool = False
    implicit: bool = False
    source: str | None = None  # resolved fullest name, e.g. "Zhang Hong" for "Zhang said"
    source_span: Span | None = None  # the mention in the text
    source_type: str | None = None  # named_person | named_organization | document | unnamed
    cue: Span | None = None
    channel: Span | None = None  # who passed the words on: "TASS" in "X said ..., TASS reported"


@dataclass
class Claim:
    """One assertion: a body sentence or part of one (or the headline)."""

    id: str
    start: int
    end: int
    text: str
    kind: str = "body"
    attribution: Attribution = field(default_factory=Attribution)
