"""The picture of who is in a clip: each person found, boxed and numbered (``sprintlens people``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sprintlens.render import style
from sprintlens.render.text import put_label


@dataclass(frozen=True)
class PersonMark:
    """One person to draw: their number, box (``x0, y0, x1, y1`` px) and whether they are the athlete."""

    number: int
    box: tuple[float, float, float, float]
    athlete: bool = False


def draw_people(rgb: np.ndarray, marks: Sequence[PersonMark], caption: str = "") -> np.ndarray:
    """Return a copy of a frame with each person boxed and numbered, the athlete in the near-leg colour.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3)
        The frame (uint8 RGB).
    marks : sequence of PersonMark
        Who to draw.
    caption : str
        A line along the top (e.g. the frame's time).

    Returns
    -------
    ndarray
        The picture.
    """
    out = np.ascontiguousarray(rgb.copy())
    h, w = out.shape[:2]
    size = max(14, round(min(h, w) / 28))
    thick = max(2, round(min(h, w) / 360))
    for mark in marks:
        colour = style.NEAR_LEG if mark.athlete else style.GHOST
        x0, y0, x1, y1 = (int(round(v)) for v in mark.box)
        pad = max(4, round(0.08 * (y1 - y0)))
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        cv2.rectangle(out, (x0, y0), (x1, y1), style.OUTLINE, thick + 2, cv2.LINE_AA)
        cv2.rectangle(out, (x0, y0), (x1, y1), colour, thick, cv2.LINE_AA)
        label = f"{mark.number}" + ("  athlete" if mark.athlete else "")
        put_label(out, label, (x0, y0 - 2), size, fg=style.OUTLINE, bg=colour, anchor="lb")
    if caption:
        put_label(out, caption, (8, 8), size, anchor="lt")
    return out
