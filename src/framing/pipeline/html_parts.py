"""Pieces every report page shares: escaping, label colours, small inline SVG bar charts, the
page shell (inline CSS and JS, no network) and the provenance footer."""

from __future__ import annotations

import json
from html import escape

# Colour-blind-safe strong colours (Okabe-Ito, then Tableau); highlights use a light tint.
PALETTE = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#7f7f7f",
    "#8c564b",
    "#bcbd22",
    "#17becf",
    "#9467bd",
    "#f0e442",
)
FIXED = {
    "favor": "#1a9850",
    "against": "#d73027",
    "neutral": "#8a8a8a",
    "own voice": "#8a8a8a",
    "unnamed": "#d55e00",
    "none": "#8a8a8a",
}
OWN_VOICE = "own voice"  # the "source type" of an unattributed claim
ALL = "all articles"  # the group of every article
UNKNOWN = "unknown"  # the group of articles without the grouping field


def esc(value: object) -> str:
    """Text for HTML text and attribute values.

    >>> esc('<b title="x">&</b>')
    '&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;'
    """
    return escape("" if value is None else str(value), quote=True)


def script_json(data: object) -> str:
    """JSON safe inside a <script> element (no `</script>` or `<!--` can close it)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pct(share: float | None, digits: int = 0) -> str:
    """A share as a percentage.

    >>> pct(0.4567), pct(0.4567, 1), pct(None)
    ('46%', '45.7%', '-')
    """
    return "-" if share is None else f"{100 * share:.{digits}f}%"


class Palette:
    """A stable colour per label, in the order labels are first seen (the scheme's order)."""

    def __init__(self) -> None:
        self._colors: dict[str, str] = {}

    def add(self, labels) -> None:
        for label in labels:
            self.color(label)

    def color(self, label: str) -> str:
        if label in FIXED:
            return FIXED[label]
        if label not in self._colors:
            self._colors[label] = PALETTE[len(self._colors) % len(PALETTE)]
        return self._colors[label]

    def css(self, labels, prefix: str) -> str:
        """CSS classes `.PREFIX-k` for the labels (a light background, a strong underline)."""
        return "".join(
            f".{prefix}-{k}{{background:{self.color(x)}2e;border-bottom:2px solid "
            f"{self.color(x)}}}"
            for k, x in enumerate(labels)
        )


def bar_chart(
    items: list[tuple[str, float]],
    palette: Palette,
    intervals: dict[str, tuple[float, float]] | None = None,
    width: int = 300,
    title: str = "",
) -> str:
    """Horizontal bars of shares (0-1) with their value, optional 95% interval whiskers."""
    value_w = 118 if intervals else 42
    row, label_w, bar_w = 18, 130, width - 130 - value_w
    height = row * max(1, len(items)) + 4
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(title)}</title>"
    ]
    for k, (label, share) in enumerate(items):
        y = 2 + k * row
        w = max(0.0, min(1.0, share)) * bar_w
        value = pct(share)
        parts.append(
            f'<text x="{label_w - 4}" y="{y + 12}" text-anchor="end">{esc(_short(label))}'
            f"<title>{esc(label)}</title></text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{palette.color(label)}"/>'
        )
        ci = (intervals or {}).get(label)
        if ci:
            lo, hi = (label_w + max(0.0, min(1.0, v)) * bar_w for v in ci)
            mid = y + row / 2 - 1
            parts.append(
                f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {mid - 4}V{mid + 4}'
                f'M{hi:.1f} {mid - 4}V{mid + 4}" stroke="#222" stroke-width="1.2"/>'
            )
            value += f" [{pct(ci[0])}, {pct(ci[1])}]"
        parts.append(f'<text x="{label_w + bar_w + 4}" y="{y + 12}">{esc(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(counts: dict[str, int], palette: Palette, width: int = 160) -> str:
    """One bar split by label counts (a row of the articles table)."""
    total = sum(counts.values())
    if not total:
        return ""
    x, parts = 0.0, []
    for label, n in counts.items():
        w = width * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="12" fill="{palette.color(label)}">'
            f"<title>{esc(label)}: {n} ({pct(n / total)})</title></rect>"
        )
        x += w
    return (
        f'<svg class="stack" width="{width}" height="12" viewBox="0 0 {width} 12" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _short(label: str, n: int = 20) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def legend(labels, palette: Palette, prefix: str) -> str:
    return "".join(
        f'<span class="key {prefix}-{k}" style="border-color:{palette.color(x)}">{esc(x)}</span>'
        for k, x in enumerate(labels)
    )


def provenance_footer(provenance: dict | None) -> str:
    if not provenance:
        return "<footer>No provenance was recorded with these rows.</footer>"
    git = provenance.get("git") or {}
    commit = git.get("commit") if isinstance(git, dict) else git
    dirty = " (uncommitted changes)" if isinstance(git, dict) and git.get("dirty") else ""
    models = provenance.get("models") or {}
    made = [f"framing {provenance.get('framing') or '?'}", f"git {str(commit or '?')[:12]}{dirty}"]
    if isinstance(models, dict) and models:
        made.append("models: " + ", ".join(str(k) for k in models))
    full = json.dumps(provenance, indent=1, ensure_ascii=False, default=str)
    return (
        f"<footer><details><summary>Made by {esc('; '.join(made))}</summary>"
        f"<pre>{esc(full)}</pre></details></footer>"
    )


CSS = """
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
header,main,footer{max-width:1280px;margin:0 auto;padding:8px 20px}
header h1{font-size:20px;margin:8px 0 2px}
.meta{color:#555}
h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #ddd}
a{color:#0b5cad}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:20px;align-items:start}
.text{background:#fff;border:1px solid #e3e3e3;padding:12px 18px;white-space:pre-wrap;
font-size:15px;line-height:1.75}
.text.claims-only{white-space:normal}
.text.claims-only mark{display:block;margin:0 0 6px}
aside{position:sticky;top:8px;background:#fff;border:1px solid #e3e3e3;padding:10px 12px}
mark.claim{color:inherit;cursor:pointer;border-radius:2px;padding:1px 0}
mark.claim:focus,mark.claim.sel{outline:2px solid #222}
mark.claim.low{border-bottom-style:dashed;border-bottom-width:3px}
mark.claim.low::after{content:"?";font-size:11px;font-weight:700;color:#b00;
vertical-align:super;margin-left:1px}
.src{font-weight:650;text-decoration:underline 2px #333}
.cue{font-style:italic;text-decoration:underline dotted 2px #333}
.chan{text-decoration:underline double #333}
.st{font-size:11px;font-weight:700;padding:0 3px;border-radius:3px;margin-left:2px;color:#fff}
.st-favor{background:#1a9850}.st-against{background:#d73027}.st-neutral{background:#8a8a8a}
.st-other{background:#555}.st.low{opacity:.55;outline:1px dashed #b00}
.key{display:inline-block;margin:2px 6px 2px 0;padding:0 6px;border-bottom:3px solid}
.legend{margin:6px 0}
.charts{display:flex;flex-wrap:wrap;gap:6px 24px}
figure{margin:6px 0}
figcaption{font-weight:600;font-size:13px}
svg.chart text{font-size:11px;fill:#222}
table{border-collapse:collapse;background:#fff;margin:4px 0 8px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.group th{background:#e4ebf3}
tr.own td{color:#666;font-style:italic}
.note{color:#8a5a00;background:#fff6e0;border:1px solid #f0d89c;padding:6px 10px}
.lowtag{color:#b00;font-weight:700}
#detail dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:4px 0}
#detail dt{color:#555}
.pbar{display:flex;align-items:center;gap:6px;font-size:12px}
.pbar span.l{width:140px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pbar span.b{height:10px;display:inline-block}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(390px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e3e3e3;padding:8px 12px}
.card h3{margin:2px 0;font-size:15px}
footer{color:#666;font-size:12px;margin-top:20px}
footer pre{white-space:pre-wrap;background:#fff;border:1px solid #e3e3e3;padding:6px}
.csv{font-size:12px;margin-left:8px}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside{position:static}}
"""

# Clicking (or Enter on) a claim shows its probabilities; text goes in with textContent only.
JS = """
(function(){
var data=JSON.parse(document.getElementById('claim-data').textContent);
var box=document.getElementById('detail');
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;
if(text!==undefined)e.textContent=text;return e;}
function probs(title,p,color){var d=el('div');d.appendChild(el('div','',title));
Object.keys(p).sort(function(a,b){return p[b]-p[a];}).forEach(function(k){
var r=el('div','pbar');r.appendChild(el('span','l',k));var b=el('span','b');
b.style.width=Math.round(p[k]*120)+'px';b.style.background=color[k]||'#555';r.appendChild(b);
r.appendChild(el('span','',(100*p[k]).toFixed(1)+'%'));d.appendChild(r);});return d;}
function show(id){var c=data.claims[id];if(!c)return;
document.querySelectorAll('mark.claim.sel').forEach(function(m){m.classList.remove('sel');});
var m=document.getElementById('claim-'+id);if(m)m.classList.add('sel');
box.textContent='';box.appendChild(el('h3','','Claim '+(c.id||id)));
var dl=el('dl');[['source',c.source],['type',c.source_type],['cue',c.cue],
['via',c.channel],['frame',c.frame]].forEach(function(kv){if(kv[1]){
dl.appendChild(el('dt','',kv[0]));dl.appendChild(el('dd','',kv[1]));}});box.appendChild(dl);
if(c.low.length)box.appendChild(el('div','lowtag','low confidence: '+c.low.join(', ')));
if(c.frame_probs)box.appendChild(probs('frame probabilities',c.frame_probs,data.colors));
c.stances.forEach(function(s){box.appendChild(s.probs?probs('stance: '+s.target+' ('+
s.stance+')',s.probs,data.colors):el('div','','stance: '+s.target+': '+s.stance));});}
document.querySelectorAll('mark.claim').forEach(function(m){var id=m.dataset.claim;
m.addEventListener('click',function(){show(id);});
m.addEventListener('keydown',function(e){if(e.key==='Enter')show(id);});});
var only=document.getElementById('only-low');
if(only)only.addEventListener('change',function(){document.querySelectorAll('mark.claim')
.forEach(function(m){m.style.opacity=(only.checked&&!m.classList.contains('low'))?0.3:1;});});
})();
"""


def page(title: str, body: str, provenance: dict | None, extra_css: str = "", js: str = "") -> str:
    """A whole self-contained HTML page."""
    script = f"<script>{js}</script>" if js else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{CSS}{extra_css}</style></head>"
        f"<body>{body}{provenance_footer(provenance)}{script}</body></html>\n"
    )
