"""Errors SprintLens raises on bad input.

Every error a user can cause is a :class:`SprintLensError`; the command line turns it into
a one-line message and a non-zero exit code.  Anything else is a bug.
"""

from __future__ import annotations


class SprintLensError(Exception):
    """Base class of every error caused by the input rather than by a bug."""

    exit_code: int = 1


class VideoError(SprintLensError):
    """The video cannot be opened, decoded or written."""


class ModelError(SprintLensError):
    """The pose model is missing, corrupt or cannot be loaded."""


class NoAthleteError(SprintLensError):
    """Nobody was found in the clip (or at the point the user gave)."""


class TrackFormatError(SprintLensError):
    """A pose-track file or structure is invalid."""


class OutputError(SprintLensError):
    """An output file or folder cannot be written."""


class AnalysisError(SprintLensError):
    """The clip cannot be analysed as asked (for example: too short, or no running found)."""


class StoreError(SprintLensError):
    """The session database cannot be read or written as asked."""
