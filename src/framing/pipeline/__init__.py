"""The article pipeline, one module per stage: record types (`article`), reading (`ingest`),
layout (`segment`), claims (`claims`), rule attribution (`lexicon`, `cues`, `sources`,
`attribution`), span-tagger attribution (`tagged`), learned heads (`heads`), composition and
infer config (`analyze`), output rows and summaries (`report`), the infer command (`infer`).

May import: framing.core, framing.data, framing.runs, framing.learning.
"""
