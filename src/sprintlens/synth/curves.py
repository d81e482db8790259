"""Smooth curves through keyframes: the joint-angle and trajectory curves of the gait model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicHermiteSpline

__all__ = ["Keys", "smoothstep"]


@dataclass(frozen=True)
class Keys:
    """A C1 cubic Hermite curve through keyframes ``(t, value, slope)``.

    A slope of ``None`` is estimated from the neighbouring keyframes (the mean of the two
    secants inside the curve, the one secant at its ends), so ``Keys.of((0, 0), (1, 2))`` is a
    straight line and a keyframe given slope 0 is a local extremum.  Outside the keyframes the
    curve holds its end values.

    Attributes
    ----------
    t : tuple of float
        Keyframe times, strictly increasing (any unit; seconds in the gait model).
    value : tuple of float
        Curve value at each keyframe.
    slope : tuple of float
        Derivative at each keyframe (value per unit of ``t``).
    """

    t: tuple[float, ...]
    value: tuple[float, ...]
    slope: tuple[float, ...]

    @classmethod
    def of(cls, *keys: Sequence[float | None]) -> Keys:
        """Build from ``(t, value)`` or ``(t, value, slope)`` tuples (slope may be ``None``)."""
        if len(keys) < 2:
            raise ValueError("a curve needs at least two keyframes")
        t = np.array([float(k[0]) for k in keys])
        v = np.array([float(k[1]) for k in keys])  # type: ignore[arg-type]
        if not np.all(np.diff(t) > 0):
            raise ValueError(f"keyframe times must increase strictly, got {t.tolist()}")
        secant = np.diff(v) / np.diff(t)
        slopes = []
        for i, k in enumerate(keys):
            given = k[2] if len(k) > 2 else None
            if given is not None:
                slopes.append(float(given))
            elif i == 0:
                slopes.append(float(secant[0]))
            elif i == len(keys) - 1:
                slopes.append(float(secant[-1]))
            else:
                slopes.append(float((secant[i - 1] + secant[i]) / 2))
        return cls(tuple(t.tolist()), tuple(v.tolist()), tuple(slopes))

    def _spline(self) -> CubicHermiteSpline:
        return CubicHermiteSpline(self.t, self.value, self.slope, extrapolate=False)

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        """Curve value at ``t`` (ends held outside the keyframes)."""
        tt = np.clip(np.asarray(t, dtype=np.float64), self.t[0], self.t[-1])
        return self._spline()(tt)

    def derivative(self, t: np.ndarray | float) -> np.ndarray:
        """Return the derivative at ``t`` (0 outside the keyframes)."""
        tt = np.asarray(t, dtype=np.float64)
        inside = (tt >= self.t[0]) & (tt <= self.t[-1])
        out = self._spline().derivative()(np.clip(tt, self.t[0], self.t[-1]))
        return np.where(inside, out, 0.0)


def smoothstep(x: np.ndarray | float) -> np.ndarray:
    """Return a C1 blend weight: 0 below 0, 1 above 1, ``3x^2 - 2x^3`` between."""
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)
