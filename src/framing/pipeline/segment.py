"""Layout: split an article into headline, section, byline, dateline, caption, subhead and body
segments with heuristics on each line and its position; score them against gold segments."""

from __future__ import annotations

import re
from collections import Counter

from framing.data.corpus import SEGMENT_KINDS
from framing.pipeline.article import Segment

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
_DATE_WORDS = set(_MONTHS) | set(_WEEKDAYS.split()) | {"at", "on", "am", "pm", "a", "p", "m"}
_MONTH = r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\.?"

# "Published: ...", "Last Updated : ...", "New Delhi | Updated: ..."
_STAMP = re.compile(
    r"(?:^(?:(?:first|last)\s+)?|\|\s*)(?:published|posted|updated|modified)"
    r"(?=\s*:|\s*(?:on\s+)?\d|\s*(?:on\s+)?[a-z]{3,9}\.?,?\s+\d)",
    re.I,
)
_STAMP_INSIDE = re.compile(r"\s(?:Published|Posted|Updated)\b(?=\D{0,4}\d|\D{0,4}[A-Z][a-z]{2})")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")
_MONTH_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b{_MONTH},?\s+\d{{4}}"
)
# A place-date prefix opening the first paragraph: "MOSCOW, March 3 (Agency) -", "TOKYO -",
# "SOCHI, Russia, Oct 3 (Wire) -", "NEW DELHI, March 2:", "Washington (Wire) -".
_PLACE = r"[A-Z][A-Z'.]+(?:[ /-][A-Z][A-Z'.]+)*"
_PREFIX = re.compile(
    rf"(?P<place>{_PLACE}|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?=\s*\())"
    r"(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?"  # country or state
    rf"(?P<date>,\s*{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)?"
    r"(?:\s*\([^()\n]{1,40}\))?"  # agency
    r"\s*(?P<sep>--|-|–|—|:)(?=$|\s+[\"'“‘(]?[A-Z0-9])"
)
# A wire dateline inside a paragraph, after a sentence end (copy pasted together): "...
# customs union. VALDAI, Russia (Wire) - Russian President ...", "Moscow, Nov.17 (Wire) —".
# A place in capitals, or a date, and an agency in brackets are required.
_INLINE_DATELINE = re.compile(
    r"(?<=[.!?\"'’”] )"
    rf"(?:{_PLACE}(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?(?:,\s*{_MONTH}\s*\d{{1,2}})?"
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)?,\s*{_MONTH}\s*\d{{1,2}})"
    r"\s*\([^()\n]{1,30}\)\s*(?:--|-|–|—)(?=\s+[\"'“‘(]?[A-Z0-9])"
)
_BYLINE = re.compile(r"^(?:By|BY)\s+\S|^(?:Reporting|Writing|Additional reporting) by\s", re.I)
_STAFF = re.compile(r"\b(?:[Ss]taff (?:[Rr]eporter|[Ww]riter)s?|[Cc]orrespondents?)$")
# A credit at the end of a caption: "... Photo: Wire", "(Photo: AFP)", "Photo by X", "REUTERS/X".
_CREDIT = re.compile(
    r"(?:\b(?:Photos?|PHOTO|Photograph|Image|Picture|Video|Credit|File photo)\s*(?::|by\b|/)"
    r"\s*[^\n]{1,80}|\b(?:REUTERS|AFP|AP|EPA|Xinhua)/[A-Z][^\n]{0,60})\)?\s*$"
)
_CREDIT_LINE = re.compile(r"^\(?(?:Photos?|PHOTO|Photograph|Image|Picture|Credit)\s*(?::|by\b|/)")
# Weaker cues, trusted only between the headline and the first paragraph.
_PHOTO_CUE = re.compile(
    r"\b(?:undated|file|handout) (?:photo|image|picture)|\b(?:photo|image|picture)s? (?:provided|"
    r"released|distributed|supplied|taken|issued|handed out) by\b|\bcourtesy of\b|"
    r"\bin (?:a|this) (?:file )?(?:photo|image|picture)\b",
    re.I,
)
_LABEL_SEP = re.compile(r"\s[/|>»›]\s")
# A sentence that ends with its attribution in the past ("..., the ministry said."): prose, not
# a headline (headlines write "says"); no headline of PolNeAR or the corpus ends so.
_TRAILING_CUE = re.compile(
    r",\s+(?:[^,]{1,60}\s)?(?:said|told\s+\w+|added|according\s+to\s+[^,]{1,60})"
    r"(?:\s+on\s+\w+)?\.[\"”’']?\s*$"
)
_CLOSERS = "\"'’”»)]"


def segment(text: str) -> list[Segment]:
    """Segment every non-blank line of `text`; segments are trimmed and cover all its non-space
    characters. A place-date prefix opening the first paragraph becomes its own dateline.

    >>> [(s.kind, s.start, s.end) for s in segment("WORLD\\nShips sail\\n\\nOSLO - Ships sail.")]
    [('section', 0, 5), ('headline', 6, 16), ('dateline', 18, 24), ('body', 25, 36)]
    """
    out: list[Segment] = []
    titled = in_body = False
    lines = _lines(text)
    for i, (start, end) in enumerate(lines):
        line = text[start:end]
        kind = _classify(line, titled, in_body)
        bodylike = kind == "body" or (kind == "headline" and _punctuated(line))
        if not titled and bodylike and _promote_label(out, text):
            titled = True  # an all-caps headline was taken for a desk label
            kind = _classify(line, titled, in_body)
        if kind == "body" and _credit_follows(text, lines, i) and len(line.split()) <= 60:
            kind = "caption"
        if kind == "byline" and (m := _STAMP_INSIDE.search(line)):
            cut = start + m.start() + 1  # "By X Published: ..." -> byline and dateline
            out += [
                Segment("byline", start, _trim_end(text, start, cut)),
                Segment("dateline", cut, end),
            ]
            continue
        if kind == "body" and not in_body and (m := _dateline_prefix(line)):
            out.append(Segment("dateline", start, start + m.end()))
            start = _trim_start(text, start + m.end(), end)
            if start == end:
                continue
        titled = titled or kind in ("headline", "body", "subhead")
        in_body = in_body or kind == "body"
        out += (
            _split_inline_datelines(text, start, end)
            if kind == "body"
            else [Segment(kind, start, end)]
        )
    if not any(s.kind == "headline" for s in out):
        _promote_label(out, text)
    if not any(s.kind == "body" for s in out):
        _body_from_headings(out)
    return out


def _split_inline_datelines(text: str, start: int, end: int) -> list[Segment]:
    """A body line, cut around the wire datelines inside it (`_INLINE_DATELINE`)."""
    out, pos = [], start
    for m in _INLINE_DATELINE.finditer(text, start, end):
        out += [
            Segment("body", pos, _trim_end(text, pos, m.start())),
            Segment("dateline", m.start(), m.end()),
        ]
        pos = _trim_start(text, m.end(), end)
    return out + [Segment("body", pos, end)] if pos < end else out


def _body_from_headings(segs: list[Segment]) -> None:
    """A text with no body line reads its subheads as body ("headline + one sentence without a
    full stop"), or else its headline (a text of one line is that line's claim)."""
    subheads = [s for s in segs if s.kind == "subhead"]
    for s in subheads or [s for s in segs if s.kind == "headline"]:
        s.kind = "body"


# A sentence end inside a line: ".", "!" or "?" (closing quotes after it), space, capital.
_SENTENCE_END = re.compile(r"(\S*)[.!?][\"'’”)\]]*\s+[\"'“‘(]?[A-Z0-9]")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "st", "jr", "sr", "inc", "co", "corp",
    "ltd", "no", "vs", "lt", "col", "capt", "sgt", "prof", "rev", "mt", "dept", "adm", "maj",
}  # fmt: skip


def _lead_paragraph(line: str, words: list[str]) -> bool:
    """A first line that is prose, not a headline: long, and of two sentences or more (two-part
    headlines, "Game over. Will X come down?", are short)."""
    return len(words) >= 25 and several_sentences(line)


def several_sentences(line: str) -> bool:
    """Does the line hold two sentences or more (not a headline: a pasted paragraph)?

    >>> several_sentences("Sen. Warren asks U.S. Fed chief to go.")
    False
    >>> several_sentences("Ships sail. Critics object.")
    True
    """
    for m in _SENTENCE_END.finditer(line):
        word = m.group(1).lstrip("\"'“‘(")
        if word.lower().rstrip(".") in _ABBREVIATIONS or "." in word or len(word) <= 1:
            continue  # "Sen. Warren", "U.S. Fed", "J. Smith"
        return True
    return False


def _classify(line: str, titled: bool, in_body: bool) -> str:
    words = line.split()
    if len(line) <= 400 and _CREDIT.search(line):
        return "caption"
    if _is_stamp(line, words):
        return "dateline"
    if len(words) <= 40 and not _punctuated(line, ".,;:"):
        if _BYLINE.match(line) or (not in_body and len(words) <= 8 and _STAFF.search(line)):
            return "byline"
    if not titled:
        if _is_label(line, words):
            return "section"
        prose = _lead_paragraph(line, words) or _TRAILING_CUE.search(line)
        return "headline" if len(line) <= 250 and not prose else "body"
    if not in_body:
        if len(words) <= 50 and _PHOTO_CUE.search(line):
            return "caption"
        if _is_label(line, words):
            return "section"
    if len(words) <= 12 and len(line) <= 100 and not _punctuated(line, ".,;:"):
        return "subhead"
    return "body"


def _credit_follows(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """Is the next line a credit alone ("Photo: X") directly below this one (no blank line)?"""
    if i + 1 >= len(lines):
        return False
    start, end = lines[i + 1]
    between = text[lines[i][1] : start]
    return between.count("\n") <= 1 and bool(_CREDIT_LINE.match(text[start:end]))


def _is_stamp(line: str, words: list[str]) -> bool:
    """A publication stamp ("Published: ...") or a line that is only a date (and a place)."""
    if len(line) > 160 or not any(ch.isdigit() for ch in line):
        return False
    if _STAMP.search(line):
        return True
    if len(line) > 80 or not (_NUMERIC_DATE.search(line) or _MONTH_DATE.search(line)):
        return False
    if (m := _dateline_prefix(line)) and m.end() == len(line):
        return True
    bare = re.sub(r"\([^()]*\)", " ", line)
    other = [
        w
        for w in re.findall(r"[A-Za-z]+", bare)
        if w.lower() not in _DATE_WORDS and not (w.isupper() and len(w) <= 5)
    ]
    return len(other) <= 2 and all(w[0].isupper() for w in other)


def _is_label(line: str, words: list[str]) -> bool:
    """A desk label: "WORLD / ASIA", "ANALYSIS", "Politics > Defense"."""
    if len(words) > 6 or len(line) > 60 or _punctuated(line, ".,;:!?"):
        return False
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and (
        all(ch.isupper() for ch in letters) or bool(_LABEL_SEP.search(line))
    )


def _dateline_prefix(line: str) -> re.Match[str] | None:
    m = _PREFIX.match(line)
    if not m or (m.group("sep") == ":" and not m.group("date")):
        return None
    return m


def _punctuated(line: str, marks: str = ".") -> bool:
    """Does the line end (before closing quotes and brackets) with one of `marks`?"""
    core = line.rstrip().rstrip(_CLOSERS)
    return bool(core) and core[-1] in marks


def _promote_label(segs: list[Segment], text: str) -> bool:
    """Make the last desk label the headline (an all-caps title looks like one); True if done."""
    labels = [
        s for s in segs if s.kind == "section" and not _LABEL_SEP.search(text[s.start : s.end])
    ]
    if labels:
        labels[-1].kind = "headline"
    return bool(labels)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, trimmed of surrounding whitespace."""
    spans = []
    for m in re.finditer(r"[^\r\n]+", text):
        start = _trim_start(text, m.start(), m.end())
        if start < m.end():
            spans.append((start, _trim_end(text, start, m.end())))
    return spans


def _trim_start(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def segment_accuracy(gold: list[dict], pred: list[Segment]) -> float:
    """Share of gold segments (dicts with kind, start, end) predicted with the same span and kind.

    >>> segment_accuracy([{"kind": "body", "start": 0, "end": 4}], [Segment("body", 0, 4)])
    1.0
    """
    if not gold:
        raise ValueError("segment_accuracy: no gold segments to score")
    return _matches(gold, pred) / len(gold)


def _matches(gold: list[dict], pred: list[Segment]) -> int:
    predicted = {(s.kind, s.start, s.end) for s in pred}
    return sum((g["kind"], g["start"], g["end"]) in predicted for g in gold)


def segment_scores(docs: list[dict]) -> dict[str, float | int]:
    """Segment each corpus article (dict with text and gold segments) and score the lot.

    `accuracy` is the exact-match share over all gold segments (micro-averaged over articles),
    `accuracy_<kind>` the same per gold kind, `char_accuracy` the share of non-space characters
    inside gold segments whose predicted kind is the gold one.
    """
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    chars = chars_ok = 0
    for doc in docs:
        pred = segment(doc["text"])
        kind_at = {}
        for s in pred:
            kind_at.update(dict.fromkeys(range(s.start, s.end), s.kind))
        for g in doc["segments"]:
            total[g["kind"]] += 1
            hits[g["kind"]] += _matches([g], pred)
            span = [i for i in range(g["start"], g["end"]) if not doc["text"][i].isspace()]
            chars += len(span)
            chars_ok += sum(kind_at.get(i) == g["kind"] for i in span)
    scores: dict[str, float | int] = {"segments": sum(total.values())}
    scores["accuracy"] = sum(hits.values()) / max(1, scores["segments"])
    scores["char_accuracy"] = chars_ok / max(1, chars)
    for kind in SEGMENT_KINDS:
        if total[kind]:
            scores[f"accuracy_{kind}"] = hits[kind] / total[kind]
    return scores
