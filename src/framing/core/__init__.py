"""The bottom layer: `InputError` (bad input is one line), the checkout's paths, Hydra
composition of configs/, and lazy "module:attribute" references for registries.

Imports nothing from framing.
"""
