#!/usr/bin/env bash
# The README screenshots: the HTML report of the 90 real Ukraine-crisis articles (data/ukraine),
# one article page and the index, taken with headless Chromium and shrunk to 256 colours.
#   bash docs/screenshots/make.sh [WORK_DIR]      (from the repository root; needs the dataset
#   under the data root: python scripts/download_data.py ukraine_news_bias)
# The articles are written into WORK_DIR/articles as infer.py reads them (headline line, then
# the body). The dataset names no outlets, so the report is grouped by the topic of each
# article: the stance target its annotator recorded in data/ukraine/labels, given to infer.py
# as a manifest column.
set -euo pipefail
WORK=${1:-/tmp/framing_screenshots}
ARTICLE=${ARTICLE:-article_55}
SHOTS=docs/screenshots
ARTICLES="$WORK/articles"
mkdir -p "$ARTICLES"

python - "$ARTICLES" "$WORK/topics.csv" <<'EOF'
import csv, sys
from pathlib import Path
from framing.data.datasets import default_root
from framing.data.ukraine import load_real
articles, out = Path(sys.argv[1]).resolve(), sys.argv[2]
real, _ = load_real(default_root() / "ukraine_news_bias", "data/ukraine")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["path", "topic"])
    for a in sorted((a for s in real.values() for a in s), key=lambda a: int(a.article_id[8:])):
        (articles / f"{a.article_id}.txt").write_text(a.text + "\n", encoding="utf-8")
        w.writerow([articles / f"{a.article_id}.txt", a.target])
EOF

rm -f "$WORK/rows.jsonl" "$WORK/rows.jsonl.manifest.jsonl"
python scripts/infer.py "$ARTICLES" manifest="$WORK/topics.csv" out="$WORK/rows.jsonl" \
  "targets=[Western policy in the Ukraine crisis,the Ukrainian government]"
python scripts/report.py "$WORK/rows.jsonl" out="$WORK/report" group_by=topic

shot() {  # page, png, height
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,"$3" \
    --screenshot="$WORK/$2" "file://$WORK/report/$1" >/dev/null 2>&1
  python -c "from PIL import Image; import sys; Image.open(sys.argv[1]).convert('RGB')\
.quantize(256).save(sys.argv[2], optimize=True)" "$WORK/$2" "$SHOTS/$2"
}
shot "articles/$ARTICLE.html" report_article.png 1500
shot index.html report_index.png 2200
ls -l "$SHOTS"/report_*.png
