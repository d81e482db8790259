"""Fatigue: the same athlete's mechanics degraded by known amounts.

Repeated sprints change technique in athlete-specific ways (Romero et al. 2022, *Front Physiol*
13:892924; Morin, Samozino et al. 2011, *Med Sci Sports Exerc* 43:1680): contact time gets
longer, step length and speed drop, hip extension at toe-off and knee drive shrink, the trunk
leans further at touchdown.  :class:`Fatigue` holds the changes at full fatigue; ``level``
scales them linearly (0 fresh, 1 fully fatigued), so a session of reps can go from fresh to
fatigued with every rep's change known exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from sprintlens.synth.scenarios import Mechanics

__all__ = ["Fatigue", "session_levels"]


@dataclass(frozen=True)
class Fatigue:
    """Changes to :class:`~sprintlens.synth.scenarios.Mechanics` at full fatigue.

    Attributes
    ----------
    contact_time_pct : float
        Contact time change (% of fresh).
    step_length_pct : float
        Step length change (% of fresh).
    speed_pct : float
        Speed change (% of fresh); with step length it sets the step time, and so the flight.
    hip_extension_deg : float
        Change of hip extension at toe-off (deg).
    trunk_lean_deg : float
        Change of trunk lean at touchdown (deg).
    knee_drive_deg : float
        Change of the swing thigh's peak angle (deg).
    """

    contact_time_pct: float = 12.0
    step_length_pct: float = -5.0
    speed_pct: float = -6.0
    hip_extension_deg: float = -6.0
    trunk_lean_deg: float = 5.0
    knee_drive_deg: float = -8.0

    def apply(self, fresh: Mechanics, level: float = 1.0) -> Mechanics:
        """Return ``fresh`` mechanics degraded to fatigue ``level`` (0 fresh, 1 full; may exceed 1)."""
        if not np.isfinite(level) or level < 0:
            raise ValueError(f"fatigue level must be >= 0, got {level}")
        return replace(
            fresh,
            contact_s=fresh.contact_s * (1 + level * self.contact_time_pct / 100),
            step_length_m=fresh.step_length_m * (1 + level * self.step_length_pct / 100),
            speed_mps=fresh.speed_mps * (1 + level * self.speed_pct / 100),
            hip_extension_deg=fresh.hip_extension_deg + level * self.hip_extension_deg,
            trunk_lean_deg=fresh.trunk_lean_deg + level * self.trunk_lean_deg,
            knee_drive_deg=fresh.knee_drive_deg + level * self.knee_drive_deg,
        )

    def at(self, level: float) -> dict[str, float]:
        """Return the changes applied at ``level`` (same keys as the attributes)."""
        return {k: v * level for k, v in asdict(self).items()}


def session_levels(n_reps: int) -> np.ndarray:
    """Return the fatigue levels of ``n_reps`` reps going evenly from fresh (0) to fully fatigued (1)."""
    if n_reps < 1:
        raise ValueError("a session has at least one rep")
    return np.round(np.linspace(0.0, 1.0, n_reps), 12) if n_reps > 1 else np.zeros(1)
