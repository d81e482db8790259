"""The event reps are synchronised on (``sprintlens compare --event``): light, so it is checked early."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sprintlens.core.errors import AnalysisError


@dataclass(frozen=True)
class SyncEvent:
    """The event reps are aligned on: ``"first_movement"``, or the n-th ``"touchdown"`` (n from 1)."""

    kind: str = "touchdown"
    n: int = 1

    @classmethod
    def parse(cls, text: str) -> SyncEvent:
        """``"first-movement"``, ``"touchdown"``, ``"touchdown:3"`` (also ``td3``)."""
        raw = str(text).strip().lower().replace("_", "-").replace(" ", "")
        if raw in ("first-movement", "firstmovement", "start", "fm"):
            return cls("first_movement", 1)
        m = re.fullmatch(r"(?:touchdown|td)(?::?(\d+))?", raw)
        if m:
            n = int(m.group(1) or 1)
            if n < 1:
                raise AnalysisError("touchdowns are counted from 1")
            return cls("touchdown", n)
        raise AnalysisError(f"unknown sync event {text!r}: use first-movement, or touchdown:N (N from 1)")

    def describe(self) -> str:
        """Name the event in words (``"touchdown 2"``)."""
        return "first movement" if self.kind == "first_movement" else f"touchdown {self.n}"
