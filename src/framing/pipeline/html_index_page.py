"""The index page's HTML from the aggregated tables: group cards side by side with bootstrap
intervals, share tables, the frame x source-type cross-tab, claims by source type, what unnamed
sources say, and every article with a link to its page."""

from __future__ import annotations

from framing.pipeline.html_parts import (
    ALL,
    Palette,
    bar_chart,
    esc,
    page,
    pct,
    stacked_bar,
)


def index_page(
    groups: list[tuple[str, list[dict]]],
    tables: dict[str, list[dict]],
    unnamed: list[dict],
    *,
    palette: Palette,
    group_by: str,
    has_field: bool,
    frames: list[str],
    types: list[str],
    provenance: dict | None,
    low_confidence: float,
    resamples: int,
) -> str:
    articles = groups[0][1]
    claims = sum(a["claims"] for a in articles)
    n_groups = len(groups) - 1
    head = [
        f"<header><h1>Claims report: {_n(len(articles), 'article')}, {_n(claims, 'claim')}</h1>",
        f"<div class=meta>grouped by <code>{esc(group_by)}</code> ({_n(n_groups, 'group')}) · "
        f"low confidence: top probability under {pct(low_confidence)} · tables as CSV: ",
        " ".join(f'<a href="{esc(n)}">{esc(n)}</a>' for n in [*tables, "unnamed_claims.csv"]),
        "</div></header><main>",
    ]
    if not has_field:
        head.append(
            f'<p class="note">No article has a <code>{esc(group_by)}</code> field, so all are '
            f"in one group; name another field with group_by=.</p>"
        )
    targets = list(dict.fromkeys(r["target"] for r in tables["stance_shares.csv"]))
    n_unnamed = sum(
        r["claims"]
        for r in tables["claims_by_source_type.csv"]
        if r["group"] == ALL and r["source_type"] == "unnamed"
    )
    body = [
        *head,
        _cards(groups, tables, palette, resamples),
        _share_table("Frame shares", tables["frame_shares.csv"], frames, "frame_shares.csv"),
        _stance_table(tables["stance_shares.csv"]),
        _cross(tables["frame_by_source_type.csv"], types, [g for g, _ in groups]),
        _by_type(tables["claims_by_source_type.csv"], frames, targets),
        _unnamed(unnamed, n_unnamed, targets),
        _articles(groups[1:], palette),
        "</main>",
    ]
    return page("Claims report", "".join(body), provenance)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _csv_link(name: str) -> str:
    return f'<a class="csv" href="{esc(name)}">CSV</a>'


def _cards(groups, tables, palette: Palette, resamples: int) -> str:
    out = [
        "<h2>Groups side by side</h2><p>Shares of claims; whiskers: 95% intervals from "
        f"{resamples} bootstrap resamples of the group's articles.</p><div class=cards>"
    ]
    for group, articles in groups:
        claims = sum(a["claims"] for a in articles)
        attributed = sum(a["attributed"] for a in articles) / max(1, claims)
        unnamed = sum(a["unnamed"] for a in articles) / max(1, claims)
        out.append(
            f'<div class="card"><h3>{esc(group)}</h3><div class=meta>'
            f"{_n(len(articles), 'article')}, {_n(claims, 'claim')}, attributed "
            f"{pct(attributed)}, unnamed source {pct(unnamed)}</div>"
        )
        frame_rows = [r for r in tables["frame_shares.csv"] if r["group"] == group]
        out.append(_ci_chart("frames", frame_rows, palette))
        stance_rows = [r for r in tables["stance_shares.csv"] if r["group"] == group]
        for target in dict.fromkeys(r["target"] for r in stance_rows):
            rows = [r for r in stance_rows if r["target"] == target]
            out.append(_ci_chart(f"stance: {target}", rows, palette))
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _ci_chart(caption: str, rows: list[dict], palette: Palette) -> str:
    items = [(r["label"], r["share"]) for r in rows]
    intervals = {r["label"]: (r["lo"], r["hi"]) for r in rows}
    svg = bar_chart(items, palette, intervals, width=370, title=caption)
    return f"<figure><figcaption>{esc(caption)}</figcaption>{svg}</figure>"


def _interval(r: dict) -> str:
    return f"{pct(r['share'])} [{pct(r['lo'])}, {pct(r['hi'])}]"


def _share_table(title: str, rows: list[dict], labels: list[str], csv_name: str) -> str:
    out = [f"<h2>{esc(title)} per group {_csv_link(csv_name)}</h2><table><thead><tr>"]
    out += ["<th>group</th><th>articles</th><th>claims</th>"]
    out += [f"<th>{esc(x)}</th>" for x in labels] + ["</tr></thead><tbody>"]
    for group in dict.fromkeys(r["group"] for r in rows):
        mine = {r["label"]: r for r in rows if r["group"] == group}
        first = next(iter(mine.values()))
        out.append(
            f"<tr><td>{esc(group)}</td><td class=num>{first['articles']}</td>"
            f"<td class=num>{first['of_claims']}</td>"
        )
        out += [f"<td class=num>{_interval(mine[x])}</td>" for x in labels if x in mine]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _stance_table(rows: list[dict]) -> str:
    out = []
    targets = list(dict.fromkeys(r["target"] for r in rows))
    for target in targets:
        mine = [r for r in rows if r["target"] == target]
        labels = list(dict.fromkeys(r["label"] for r in mine))
        out.append(_share_table(f"Stance toward {target}", mine, labels, "stance_shares.csv"))
    return "".join(out)


def _cross(rows: list[dict], types: list[str], groups: list[str]) -> str:
    out = [
        f"<h2>Frames by source type {_csv_link('frame_by_source_type.csv')}</h2>"
        "<p>Claims (share of the column): how each kind of source is framed.</p>"
    ]
    for k, group in enumerate(groups):
        mine = [r for r in rows if r["group"] == group]
        table = _cross_table(mine, types)
        if k == 0:
            out.append(table)
        else:
            out.append(f"<details><summary>{esc(group)}</summary>{table}</details>")
    return "".join(out)


def _cross_table(rows: list[dict], types: list[str]) -> str:
    totals = {t: sum(r[t] for r in rows) for t in types}
    out = ["<table><thead><tr><th>frame</th>"]
    out += [f"<th>{esc(t)}</th>" for t in types] + ["</tr></thead><tbody>"]
    for r in rows:
        out.append(f"<tr><td>{esc(r['frame'])}</td>")
        out += [
            f"<td class=num>{r[t]} ({pct(r[t] / totals[t]) if totals[t] else '-'})</td>"
            for t in types
        ]
        out.append("</tr>")
    out.append("<tr><th>all</th>")
    out += [f"<th class=num>{totals[t]}</th>" for t in types] + ["</tr></tbody></table>"]
    return "".join(out)


def _by_type(rows: list[dict], frames: list[str], targets: list[str]) -> str:
    mine = [r for r in rows if r["group"] == ALL]
    heads = [f"stance: {t}" for t in targets] if len(targets) > 1 else ["stances"]
    out = [
        f"<h2>Claims by source type {_csv_link('claims_by_source_type.csv')}</h2>"
        "<table><thead><tr><th>source type</th><th>claims</th><th>share</th><th>frames</th>"
        + "".join(f"<th>{esc(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
    ]
    for r in mine:
        fr = ", ".join(f"{f} {r[f'frame:{f}']}" for f in frames if r[f"frame:{f}"])
        out.append(
            f"<tr><td>{esc(r['source_type'])}</td><td class=num>{r['claims']}</td>"
            f"<td class=num>{pct(r['share'])}</td><td>{esc(fr)}</td>"
        )
        for target in targets:
            prefix = "stance:" if len(targets) == 1 else f"{target}:"
            counts = [(k.removeprefix(prefix), n) for k, n in r.items() if k.startswith(prefix)]
            out.append(f"<td>{esc(', '.join(f'{k} {n}' for k, n in counts if n))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _unnamed(rows: list[dict], total: int, targets: list[str]) -> str:
    shown = f"the first {len(rows)} of {total}" if len(rows) < total else f"all {total}"
    out = [
        f"<h2>What unnamed sources say {_csv_link('unnamed_claims.csv')}</h2>"
        f"<p>{shown} claims attributed to unnamed sources.</p>"
    ]
    if not rows:
        return "".join(out)
    heads = [f"stance: {t}" for t in targets] if len(targets) > 1 else ["stance"]
    out.append(
        "<table><thead><tr><th>group</th><th>article</th><th>source</th><th>frame</th>"
        + "".join(f"<th>{esc(h)}</th>" for h in heads)
        + "<th>claim</th></tr></thead><tbody>"
    )
    for r in rows:
        stances = "".join(f"<td>{esc(r['stances'].get(t, '-'))}</td>" for t in targets)
        out.append(
            f'<tr><td>{esc(r["group"])}</td><td><a href="{esc(r["href"])}">'
            f"{esc(r['article_id'])}</a></td><td>{esc(r['source'])}</td><td>{esc(r['frame'])}</td>"
            f"{stances}<td>{esc(r['text'])}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _articles(groups, palette: Palette) -> str:
    out = [
        f"<h2>Articles {_csv_link('articles.csv')}</h2><table id=articles><thead><tr>"
        "<th>article</th><th>date</th><th>claims</th><th>attributed</th><th>unnamed</th>"
        "<th>low conf.</th><th>frames</th><th>stance</th></tr></thead><tbody>"
    ]
    for group, articles in groups:
        out.append(f'<tr class="group"><th colspan="8">{esc(group)} ({len(articles)})</th></tr>')
        for a in articles:
            first_target = next(iter(a["stances"].values()), {})
            title = a["title"] if a["title"] == a["article_id"] else f"{a['title']}"
            out.append(
                f'<tr><td><a class="article" href="{esc(a["href"])}">{esc(title)}</a>'
                f" <small>{esc(a['article_id'])}</small></td><td>{esc(a['date'] or '')}</td>"
                f"<td class=num>{a['claims']}</td>"
                f"<td class=num>{pct(a['attributed'] / a['claims'])}</td>"
                f"<td class=num>{pct(a['unnamed'] / a['claims'])}</td>"
                f"<td class=num>{a['low']}</td>"
                f"<td>{stacked_bar(dict(a['frames'].most_common()), palette)}</td>"
                f"<td>{stacked_bar(dict(first_target), palette, 100)}</td></tr>"
            )
    out.append("</tbody></table>")
    return "".join(out)
