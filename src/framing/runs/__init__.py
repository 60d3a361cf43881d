"""What one run is and leaves behind: its typed config (`config.TrainConfig`), its record
folder (`records`: status, config, metadata, predictions, log, config identity) and the scores
it reports (`metrics`).

May import: framing.core, framing.data.
"""
