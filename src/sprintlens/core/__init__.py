"""Core: the pose track, landmarks, NaN/series helpers, safe file writing, errors, the metric catalogue and formatting.

Imports nothing of SprintLens's other layers.
"""
