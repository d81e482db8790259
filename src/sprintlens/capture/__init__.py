"""Capture: video in (timestamps, rotation, slow motion), the pose model, people found and followed, the pose-track file."""
