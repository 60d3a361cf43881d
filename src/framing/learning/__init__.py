"""The model families: the `Classifier` interface and model config (`base`), the families
(`tfidf`, `encoders` with encoder_logreg and zero_shot, `finetune`, `tagger` for token spans),
shared logistic regression (`logreg`), resumable training checkpoints (`checkpoint`), LoRA
adapters over a shipped base (`lora`), and the registry that names them (`registry`).

May import: framing.core, framing.data, framing.runs.
"""
