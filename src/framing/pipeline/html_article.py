"""One article's HTML page: its text with every claim highlighted by frame (source, cue and
channel marked, stance badges, probabilities on hover and click, low-confidence labels marked),
the sources table, the claims table and the article's shares as small bar charts."""

from __future__ import annotations

from collections import Counter

from framing.pipeline.html_parts import (
    JS,
    OWN_VOICE,
    Palette,
    bar_chart,
    esc,
    legend,
    page,
    pct,
    script_json,
)
from framing.pipeline.html_rows import low_labels, source_type, stances, top_prob

STANCE_SIGN = {"favor": "+", "against": "\u2212", "neutral": "0"}


class ArticleView:
    """What the page needs of one article's rows, computed once."""

    def __init__(self, rows: list[dict], frames: list[str], low_confidence: float) -> None:
        self.rows = rows
        self.frames = frames  # every frame label in palette order (the CSS class index)
        self.low = [low_labels(r, low_confidence) for r in rows]
        self.stances = [stances(r) for r in rows]
        self.targets = list(dict.fromkeys(t for s in self.stances for t, _, _ in s))

    def frame_class(self, row: dict) -> str:
        frame = str(row["frame"])
        return f"fr-{self.frames.index(frame)}" if frame in self.frames else "fr-x"


def article_page(
    article_id: str,
    rows: list[dict],
    text: str | None,
    note: str | None,
    palette: Palette,
    frames: list[str],
    low_confidence: float,
    provenance: dict | None,
    index_href: str = "../index.html",
    group_by: str = "outlet",
) -> str:
    """The whole page of one article. `text` is the article's full text (claims' offsets index
    it) or None, and then the claims are shown alone in their order with `note` saying why."""
    view = ArticleView(rows, frames, low_confidence)
    first = rows[0] if rows else {}
    title = str(first.get("title") or article_id)
    meta = [str(first[k]) for k in ("outlet", "date", "author") if first.get(k)]
    if group_by not in ("outlet", "date", "author", "title") and first.get(group_by):
        meta.append(f"{group_by}: {first[group_by]}")
    n_low = sum(bool(x) for x in view.low)
    meta.append(f"{len(rows)} claims, {n_low} with a low-confidence label")
    body = [
        f'<header><a href="{esc(index_href)}">&larr; all articles</a>'
        f"<h1>{esc(title)}</h1><div class=meta>{esc(' · '.join(meta))}</div>"
        f"<div class=meta>article <code>{esc(article_id)}</code>"
        + (f" · {esc(first['path'])}" if first.get("path") else "")
        + "</div></header><main>",
        f'<div class="legend">Frames: {legend(frames, palette, "fr")}</div>'
        '<div class="legend"><span class="src">source</span> · <span class="cue">cue</span> · '
        '<span class="chan">channel</span> · stance: <span class="st st-favor">+</span> favor '
        '<span class="st st-against">\u2212</span> against <span class="st st-neutral">0</span> '
        f'neutral · <span class="key" style="border-bottom:3px dashed #555">dashed, ?</span> a '
        f"label with top probability under {pct(low_confidence)} · "
        '<label><input type="checkbox" id="only-low"> dim confident claims</label></div>',
    ]
    if note:
        body.append(f'<p class="note">{esc(note)}</p>')
    body.append('<div class="layout"><div>')
    if text is not None:
        body.append(f'<div class="text" id="text">{_highlighted(text, view)}</div>')
    else:
        marks = "".join(_mark(view, k, esc(r["text"])) for k, r in enumerate(rows))
        body.append(f'<div class="text claims-only" id="text">{marks}</div>')
    body.append(
        '</div><aside><div id="detail"><p>Click a claim for its probabilities.</p></div>'
        f"{_charts(view, palette)}</aside></div>"
    )
    body.append(_sources_table(view))
    body.append(_claims_table(view))
    body.append("</main>")
    colors = {x: palette.color(x) for x in frames}
    colors |= {x: palette.color(x) for x in ("favor", "against", "neutral")}
    data = {"claims": {str(k): _claim_data(view, k) for k in range(len(rows))}, "colors": colors}
    body.append(f'<script type="application/json" id="claim-data">{script_json(data)}</script>')
    return page(f"{title} - claims", "".join(body), provenance, palette.css(frames, "fr"), JS)


def _highlighted(text: str, view: ArticleView) -> str:
    """The text with one <mark> per claim; overlapping claims are clipped, never dropped."""
    order = sorted(range(len(view.rows)), key=lambda k: (view.rows[k]["start"] or 0, k))
    out, pos = [], 0
    for k in order:
        row = view.rows[k]
        start = max(int(row["start"]), pos)
        end = max(int(row["end"]), start)
        out.append(esc(text[pos:start]))
        out.append(_mark(view, k, _inner(text, start, end, row)))
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _inner(text: str, start: int, end: int, row: dict) -> str:
    """The claim's text with its source, cue and channel spans marked (those inside it)."""
    spans = []
    for key, cls, what in (
        ("source_span", "src", f"source: {row.get('source')} ({row.get('source_type')})"),
        ("cue_span", "cue", f"cue: {row.get('cue')}"),
        ("channel_span", "chan", f"channel: {row.get('channel')}"),
    ):
        span = row.get(key)
        if row.get("attributed") and isinstance(span, list | tuple) and len(span) == 2:
            a, b = int(span[0]), int(span[1])
            if start <= a < b <= end:
                spans.append((a, b, cls, what))
    out, pos = [], start
    for a, b, cls, what in sorted(spans):
        if a < pos:
            continue  # overlaps the previous span
        out.append(esc(text[pos:a]))
        out.append(f'<span class="{cls}" title="{esc(what)}">{esc(text[a:b])}</span>')
        pos = b
    out.append(esc(text[pos:end]))
    return "".join(out)


def _mark(view: ArticleView, k: int, inner: str) -> str:
    row, low = view.rows[k], view.low[k]
    cls = f"claim {view.frame_class(row)}" + (" low" if low else "")
    tip = [f"{row.get('claim_id')}: frame {row['frame']} {_p(row.get('frame_probs'))}"]
    for target, stance, p in view.stances[k]:
        tip.append(f"stance ({target}): {stance} {_p(p)}")
    tip.append(_who(row))
    if low:
        tip.append("low confidence: " + ", ".join(low))
    badges = "".join(
        f'<span class="st st-{stance if stance in STANCE_SIGN else "other"}'
        f'{" low" if _is_low(low, "stance", target, len(view.stances[k])) else ""}" '
        f'title="{esc(target)}: {esc(stance)} {_p(p)}">{STANCE_SIGN.get(stance, "?")}</span>'
        for target, stance, p in view.stances[k]
    )
    return (
        f'<mark class="{cls}" id="claim-{k}" data-claim="{k}" tabindex="0" '
        f'title="{esc(chr(10).join(tip))}">{inner}</mark>{badges}'
    )


def _is_low(low: list[str], kind: str, target: str, n_targets: int) -> bool:
    return (kind if n_targets == 1 else f"{kind}: {target}") in low


def _p(probs: dict | None) -> str:
    top = top_prob(probs)
    return "" if top is None else f"({pct(top)})"


def _who(row: dict) -> str:
    if not row.get("attributed"):
        return "own voice (unattributed)"
    who = f"source: {row.get('source') or '?'} ({row.get('source_type')})"
    if row.get("cue"):
        who += f", cue: {row['cue']}"
    elif row.get("implicit"):
        who += ", implicit (continues the previous speaker)"
    if row.get("channel"):
        who += f", via {row['channel']}"
    return who


def _claim_data(view: ArticleView, k: int) -> dict:
    row = view.rows[k]
    return {
        "id": row.get("claim_id"),
        **{key: row.get(key) for key in ("source", "source_type", "cue", "channel", "frame")},
        "frame_probs": row.get("frame_probs")
        if isinstance(row.get("frame_probs"), dict)
        else None,
        "stances": [{"target": t, "stance": s, "probs": p} for t, s, p in view.stances[k]],
        "low": view.low[k],
    }


def _charts(view: ArticleView, palette: Palette) -> str:
    rows, n = view.rows, max(1, len(view.rows))
    figures = [("frames", Counter(str(r["frame"]) for r in rows))]
    for target in view.targets:
        counts = Counter(s for ss in view.stances for t, s, _ in ss if t == target)
        figures.append((f"stance: {target}", counts))
    figures.append(("source types", Counter(source_type(r) for r in rows)))
    attributed = sum(bool(r.get("attributed")) for r in rows)
    unnamed = sum(source_type(r) == "unnamed" for r in rows)
    parts = []
    for caption, counts in figures:
        items = [(k, v / n) for k, v in counts.most_common()]
        parts.append(_figure(caption, bar_chart(items, palette, width=310, title=caption)))
    items = [("attributed", attributed / n), ("unnamed source", unnamed / n)]
    parts.append(_figure("share of claims", bar_chart(items, palette, width=310)))
    return f'<div class="charts">{"".join(parts)}</div>'


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{esc(caption)}</figcaption>{svg}</figure>"


def _count_text(counts: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.most_common())


def _counted(rows: list[dict], key: str) -> str:
    return _count_text(Counter(str(r[key]) for r in rows if r.get(key)))


def _sources_table(view: ArticleView) -> str:
    """Who speaks: every source with its type, claims, cues, frames and stances."""
    by_source: dict[str, list[int]] = {}
    for k, r in enumerate(view.rows):
        if r.get("attributed"):
            by_source.setdefault(str(r.get("source") or "(unknown source)"), []).append(k)
    heads = ["source", "type", "claims", "cues", "via", "frames"]
    heads += [f"stance: {t}" for t in view.targets] if len(view.targets) > 1 else ["stances"]
    lines = ['<h2>Sources</h2><table id="sources"><thead><tr>']
    lines += [f"<th>{esc(h)}</th>" for h in heads] + ["</tr></thead><tbody>"]
    ranked = sorted(by_source.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    own = [k for k, r in enumerate(view.rows) if not r.get("attributed")]
    for name, ks in [*ranked, *([(OWN_VOICE, own)] if own else [])]:
        rows = [view.rows[k] for k in ks]
        types = Counter(source_type(r) for r in rows)
        cells = [
            f'<td class="source">{esc(name)}</td>'
            if name != OWN_VOICE
            else "<td>(own voice)</td>",
            f"<td>{esc(_count_text(types) if len(types) > 1 else next(iter(types)))}</td>",
            f'<td class="num">{len(rows)}</td>',
            f"<td>{esc(_counted(rows, 'cue'))}</td>",
            f"<td>{esc(_counted(rows, 'channel'))}</td>",
            f"<td>{esc(_count_text(Counter(str(r['frame']) for r in rows)))}</td>",
        ]
        for target in view.targets:
            counts = Counter(s for k in ks for t, s, _ in view.stances[k] if t == target)
            cells.append(f"<td>{esc(_count_text(counts))}</td>")
        lines.append(f"<tr{' class=own' if name == OWN_VOICE else ''}>{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    if not by_source:
        lines.append("<p>No claim in this article is attributed to a source.</p>")
    return "".join(lines)


def _claims_table(view: ArticleView) -> str:
    heads = ["#", "claim", "who", "frame"] + [f"stance: {t}" for t in view.targets]
    lines = ['<h2>Claims</h2><table id="claims"><thead><tr>']
    lines += [f"<th>{esc(h)}</th>" for h in heads] + ["</tr></thead><tbody>"]
    for k, r in enumerate(view.rows):
        low = view.low[k]
        frame = esc(r["frame"]) + " " + _p(r.get("frame_probs"))
        if "frame" in low:
            frame += ' <span class="lowtag">?</span>'
        cells = [
            f'<td><a href="#claim-{k}">{esc(r.get("claim_id"))}</a></td>',
            f"<td>{esc(r['text'])}</td>",
            f"<td>{esc(_who(r))}</td>",
            f"<td>{frame}</td>",
        ]
        by_target = {t: (s, p) for t, s, p in view.stances[k]}
        for target in view.targets:
            stance, p = by_target.get(target, ("-", None))
            flag = _is_low(low, "stance", target, len(view.stances[k]))
            cells.append(
                f"<td>{esc(stance)} {_p(p)}"
                + (' <span class="lowtag">?</span>' if flag else "")
                + "</td>"
            )
        lines.append(f"<tr>{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    return "".join(lines)
