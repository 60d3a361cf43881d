"""The report's index: every article side by side, grouped by a metadata field; frame and stance
shares per group with bootstrap 95% intervals (articles resampled within a group), the frame x
source-type cross-tab, claims by source type and what unnamed sources say; each table as CSV."""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from framing.pipeline.html_index_page import index_page
from framing.pipeline.html_parts import ALL, OWN_VOICE, UNKNOWN, Palette
from framing.pipeline.html_rows import source_type, stances

SHOWN_UNNAMED = 200  # unnamed-source claims listed on the page (the CSV holds them all)
UNNAMED_CSV = "unnamed_claims.csv"
UNNAMED_COLUMNS = ["article_id", "claim_id", "source", "frame", "stance", "text"]
KNOWN_TYPES = ("named_person", "named_organization", "document", "unnamed")


def bootstrap_shares(
    counts: np.ndarray, totals: np.ndarray, resamples: int = 2000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled shares (sum of counts / sum of totals) of each column and their percentile 95%
    intervals from resampling the rows (articles) with replacement.

    >>> share, lo, hi = bootstrap_shares(np.array([[1, 1], [3, 1]]), np.array([2, 4]))
    >>> share.round(3).tolist(), bool(lo[0] <= share[0] <= hi[0])
    ([0.667, 0.333], True)
    """
    m = len(totals)
    share = counts.sum(0) / max(1, totals.sum())
    if m < 2:
        return share, share.copy(), share.copy()
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000_000 // m)  # bounded memory for large groups
    draws = []
    for done in range(0, resamples, chunk):
        weights = rng.multinomial(m, np.full(m, 1.0 / m), size=min(chunk, resamples - done))
        n = weights @ totals
        draws.append((weights @ counts) / np.maximum(n, 1)[:, None])
    stacked = np.concatenate(draws)
    lo, hi = np.percentile(stacked, [2.5, 97.5], axis=0)
    return share, lo, hi


class IndexBuilder:
    """Aggregates articles one at a time (counts only, plus a streamed CSV of unnamed-source
    claims), then writes the tables as CSV and index.html."""

    def __init__(
        self, out_dir: Path, group_by: str, palette: Palette, resamples: int = 2000, seed: int = 0
    ) -> None:
        self.out_dir, self.group_by, self.palette = out_dir, group_by, palette
        self.resamples, self.seed = resamples, seed
        self.articles: list[dict] = []
        self.cross: Counter = Counter()  # (group, frame, source type) -> claims; ALL too
        self.stance_by_type: Counter = Counter()  # (group, source type, target, stance)
        self.frames: list[str] = []
        self.targets: list[str] = []
        self.stance_labels: list[str] = []
        self.types: set[str] = set()
        self.has_field = False
        self.unnamed_shown: list[dict] = []
        self._unnamed_file = open(out_dir / UNNAMED_CSV, "w", encoding="utf-8", newline="")
        self._unnamed = csv.writer(self._unnamed_file)
        self._unnamed.writerow(["group", *UNNAMED_COLUMNS])

    def add(self, article_id: str, href: str, rows: list[dict], low: int) -> None:
        """Count one article's rows (`low`: its claims with a low-confidence label)."""
        first = rows[0]
        value = first.get(self.group_by)
        self.has_field |= self.group_by in first
        group = UNKNOWN if value is None or value == "" else str(value)
        per_target: dict[str, Counter] = {}
        for r in rows:
            kind, frame = source_type(r), str(r["frame"])
            probs = r.get("frame_probs")
            for label in [*(probs if isinstance(probs, dict) else ()), frame]:
                _remember(self.frames, label)
            self.types.add(kind)
            targets = stances(r)
            for g in (group, ALL):
                self.cross[g, frame, kind] += 1
                for target, stance, _ in targets:
                    self.stance_by_type[g, kind, target, stance] += 1
            for target, stance, p in targets:
                per_target.setdefault(target, Counter())[stance] += 1
                for label in [*(p or ()), stance]:
                    _remember(self.stance_labels, label)
                _remember(self.targets, target)
            if kind == "unnamed":
                said = "; ".join(s if len(targets) == 1 else f"{t}: {s}" for t, s, _ in targets)
                line = [article_id, r.get("claim_id"), r.get("source"), frame, said, r["text"]]
                self._unnamed.writerow([group, *line])
                if len(self.unnamed_shown) < SHOWN_UNNAMED:
                    shown = dict(zip(UNNAMED_COLUMNS, line))
                    by_target = {t: s for t, s, _ in targets}
                    self.unnamed_shown.append(
                        shown | {"group": group, "href": href} | {"stances": by_target}
                    )
        types = Counter(source_type(r) for r in rows)
        self.articles.append(
            {
                "article_id": article_id,
                "href": href,
                "group": group,
                "title": str(first.get("title") or article_id),
                "date": first.get("date"),
                "claims": len(rows),
                "attributed": sum(bool(r.get("attributed")) for r in rows),
                "unnamed": types.get("unnamed", 0),
                "low": low,
                "frames": Counter(str(r["frame"]) for r in rows),
                "stances": per_target,
            }
        )

    # ------------------------------------------------------------------ tables

    def groups(self) -> list[tuple[str, list[dict]]]:
        """(group, its articles), all articles first, then the groups by name, unknown last."""
        by: dict[str, list[dict]] = {}
        for a in self.articles:
            by.setdefault(a["group"], []).append(a)
        named = sorted((g for g in by if g != UNKNOWN), key=str.casefold)
        order = named + ([UNKNOWN] if UNKNOWN in by else [])
        return [(ALL, self.articles)] + [(g, by[g]) for g in order]

    def _shares(self, name: str, articles: list[dict], counts_of, labels: list[str]) -> list[dict]:
        counts = np.array([[counts_of(a).get(x, 0) for x in labels] for a in articles], float)
        totals = counts.sum(1)
        seed = self.seed * 1_000_003 + zlib.crc32(name.encode("utf-8"))
        share, lo, hi = bootstrap_shares(counts, totals, self.resamples, seed)
        return [
            {
                "label": x,
                "share": round(float(share[i]), 4),
                "lo": round(float(lo[i]), 4),
                "hi": round(float(hi[i]), 4),
                "claims": int(counts[:, i].sum()),
                "of_claims": int(totals.sum()),
                "articles": len(articles),
            }
            for i, x in enumerate(labels)
        ]

    def share_tables(self) -> tuple[list[dict], list[dict]]:
        """Frame and stance (per target) shares per group with their 95% intervals."""
        frames, stance = [], []
        for group, articles in self.groups():
            for r in self._shares(group, articles, lambda a: a["frames"], self.frames):
                frames.append({"group": group, **r})
            for target in self.targets:

                def of(a: dict, t: str = target) -> Counter:
                    return a["stances"].get(t, Counter())

                for r in self._shares(f"{group}\0{target}", articles, of, self.stance_labels):
                    stance.append({"group": group, "target": target, **r})
        return frames, stance

    def type_labels(self) -> list[str]:
        known = [t for t in KNOWN_TYPES if t in self.types]
        rest = sorted(t for t in self.types if t not in KNOWN_TYPES and t != OWN_VOICE)
        return known + rest + ([OWN_VOICE] if OWN_VOICE in self.types else [])

    def _stance_columns(self) -> list[tuple[str, str, str]]:
        one = len(self.targets) == 1
        return [
            (t, s, f"stance:{s}" if one else f"{t}:{s}")
            for t in self.targets
            for s in self.stance_labels
        ]

    def cross_rows(self) -> list[dict]:
        """frame x source type: claims per group (and over all articles)."""
        return [
            {"group": g, "frame": f} | {t: self.cross[g, f, t] for t in self.type_labels()}
            for g, _ in self.groups()
            for f in self.frames
        ]

    def by_type_rows(self) -> list[dict]:
        """Claims by source type: how many, their frames and stances, per group."""
        out = []
        for g, _ in self.groups():
            total = sum(self.cross[g, f, t] for f in self.frames for t in self.types)
            for t in self.type_labels():
                claims = sum(self.cross[g, f, t] for f in self.frames)
                row = {"group": g, "source_type": t, "claims": claims}
                row["share"] = round(claims / max(1, total), 4)
                row |= {f"frame:{f}": self.cross[g, f, t] for f in self.frames}
                for target, s, name in self._stance_columns():
                    row[name] = self.stance_by_type[g, t, target, s]
                out.append(row)
        return out

    def article_rows(self) -> list[dict]:
        out = []
        for a in self.articles:
            row = {k: a[k] for k in ("group", "article_id", "title", "date", "claims")}
            row["attributed_share"] = round(a["attributed"] / a["claims"], 4)
            row["unnamed_share"] = round(a["unnamed"] / a["claims"], 4)
            row["low_confidence_claims"] = a["low"]
            row |= {f"frame:{f}": a["frames"].get(f, 0) for f in self.frames}
            for target, s, name in self._stance_columns():
                row[name] = a["stances"].get(target, {}).get(s, 0)
            row["page"] = a["href"]
            out.append(row)
        return out

    # ------------------------------------------------------------------ writing

    def close(self) -> None:
        if not self._unnamed_file.closed:
            self._unnamed_file.close()

    def write(self, provenance: dict | None, low_confidence: float) -> Path:
        """Every table as CSV, then index.html; the index path."""
        self.close()
        self.palette.add(self.frames)
        frames, stance = self.share_tables()
        tables = {
            "articles.csv": self.article_rows(),
            "frame_shares.csv": frames,
            "stance_shares.csv": stance,
            "frame_by_source_type.csv": self.cross_rows(),
            "claims_by_source_type.csv": self.by_type_rows(),
        }
        for name, rows in tables.items():
            _write_csv(self.out_dir / name, rows)
        path = self.out_dir / "index.html"
        html = index_page(
            self.groups(),
            tables,
            self.unnamed_shown,
            palette=self.palette,
            group_by=self.group_by,
            has_field=self.has_field,
            frames=self.frames,
            types=self.type_labels(),
            provenance=provenance,
            low_confidence=low_confidence,
            resamples=self.resamples,
        )
        path.write_text(html, encoding="utf-8")
        return path


def _remember(seen: list[str], label: str) -> None:
    if label not in seen:
        seen.append(label)


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        if rows:
            writer = csv.DictWriter(f, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
