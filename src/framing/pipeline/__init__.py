"""The article pipeline, one module per stage: record types (`article`), reading (`ingest`),
layout (`segment`), claims (`claims`), rule attribution (`lexicon`, `phrases`, `cues`,
`sources`, `attribution`), span-tagger attribution (`tagged`, `merge`), learned heads (`heads`),
composition and infer config (`analyze`, batches via `batch`), one claim's row (`rows`),
metadata and provenance (`metadata`), output rows, summaries and the table (`report`), streamed
rows with a resume manifest (`stream`), the infer command and its engines (`infer`,
`ray_engine`), the HTML report (`html_report`, `html_rows`, `html_article`, `html_index`,
`html_index_page`, `html_parts`).

May import: framing.core, framing.data, framing.runs, framing.learning.
"""
