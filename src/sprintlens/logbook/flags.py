"""A flag: a change in technique or output worth a coach's attention, and why it was raised.

Flags come from :mod:`sprintlens.logbook.fatigue` (rep against the athlete's baseline, or the trend
over the steps of one rep) and are shown by the reports.  Every flag says which metric, by how
much, against what reference, beyond what noise, and with what confidence.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Flag:
    """One flagged change.

    Attributes
    ----------
    metric : str
        Metric name as in the step/rep tables (``"contact_s"``, ``"hip_extension_toeoff_deg"``).
    label : str
        Words for it (``"contact time"``).
    scope : str
        ``"rep"`` (a rep against the baseline) or ``"within rep"`` (the trend over its steps).
    rep : int or None
        Rep number in the session (None for a single rep on its own).
    change : float
        Signed change in the metric's unit.
    change_pct : float or None
        The same as a percentage of the reference, where that is meaningful.
    unit : str
        Unit of ``change`` (``"s"``, ``"deg"``, ``"m"`` ...).
    reference : str
        What the change is measured against (``"baseline: reps 1-2, mean 0.104 s"``).
    noise : float
        The athlete's own rep-to-rep (or step-to-step) noise in that metric, same unit.
    smallest_worthwhile : float
        Smallest worthwhile change used, same unit.
    confidence : str
        How sure (``"likely"``, ``"very likely"``), with the probability where computed.
    severity : str
        ``"warning"`` (technique breaking down) or ``"info"`` (a notable change, e.g. an improvement).
    message : str
        One sentence for the coach.
    probability : float
        The probability behind ``confidence`` (0-1): that the true change is worse (or, for
        ``severity="info"``, better) by more than ``smallest_worthwhile``; NaN where not computed.
    threshold : float
        The smallest change that would have been flagged (the larger of ``smallest_worthwhile``
        and the change the noise alone makes unlikely), same unit; NaN where not computed.
    """

    metric: str
    label: str
    scope: str
    rep: int | None
    change: float
    change_pct: float | None
    unit: str
    reference: str
    noise: float
    smallest_worthwhile: float
    confidence: str
    severity: str
    message: str
    probability: float = math.nan
    threshold: float = math.nan

    def as_dict(self) -> dict[str, object]:
        """Return the flag as a dict of its fields (JSON-ready)."""
        return asdict(self)
