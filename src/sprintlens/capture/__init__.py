"""Capture: video in (timestamps, rotation, slow motion), the pose model, people found and followed.

Also the pose-track file.
"""
