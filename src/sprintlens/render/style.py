"""Colours and sizes shared by every picture SprintLens draws (clips, plots, kinograms, pages).

One palette everywhere, so that a coach who learns "orange is the near leg" in the clip reads the
plots and the kinogram the same way.  Colours are RGB tuples (0-255) for the video annotators and
``"#rrggbb"`` strings for matplotlib and CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

#: The leg nearer the camera (the more reliable one in a side view).
NEAR_LEG: RGB = (255, 146, 28)
#: The leg further from the camera.
FAR_LEG: RGB = (64, 170, 255)
#: Trunk, arms and head.
BODY: RGB = (245, 245, 245)
#: Outline drawn under every line and label so it reads on light and dark backgrounds alike.
OUTLINE: RGB = (15, 15, 20)
#: Reference lines (the vertical against which trunk and shin are measured).
REFERENCE: RGB = (255, 235, 90)
#: Touchdown and toe-off markers.
TOUCHDOWN: RGB = (70, 230, 120)
TOEOFF: RGB = (255, 80, 140)
#: Background of labels and the metrics panel.
PANEL: RGB = (18, 20, 28)
#: Text on panels.
TEXT: RGB = (250, 250, 250)
#: Muted text (units, notes).
MUTED: RGB = (175, 182, 196)
#: The second ("ghost") skeleton of a comparison.
GHOST: RGB = (120, 255, 235)
#: Colours of reps 1-4 in comparisons (first rep is the reference).
REPS: tuple[RGB, ...] = ((255, 146, 28), (64, 170, 255), (120, 220, 110), (230, 110, 230))


def hex_colour(rgb: RGB) -> str:
    """Return a colour as a hex string: ``(255, 146, 28)`` -> ``"#ff921c"`` (for matplotlib and CSS)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def leg_colours(near: str | None) -> dict[str, RGB]:
    """Return the colour of each labelled leg (``"left"``/``"right"``) given which one is nearer the camera.

    Without a known near leg, left is drawn as near (orange) and right as far (blue).
    """
    near = near if near in ("left", "right") else "left"
    far = "right" if near == "left" else "left"
    return {near: NEAR_LEG, far: FAR_LEG}


def leg_label(side: str, near: str | None) -> str:
    """Return ``"left (near)"``, ``"right (far)"``, or just the side when the near leg is unknown."""
    if near not in ("left", "right"):
        return side
    return f"{side} ({'near' if side == near else 'far'})"


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for drawing on a video frame, scaled to the frame so text reads on a phone.

    A phone shows a clip scaled to its screen, so sizes follow the frame's short side: at
    720 px (a 720p portrait or landscape clip) the panel text is 30 px high.

    Attributes
    ----------
    line_px, joint_px : int
        Skeleton line thickness and joint dot radius.
    outline_px : int
        Extra thickness of the dark outline under lines.
    label_px, panel_px, banner_px : int
        Font sizes (px) of joint labels, the metrics panel and banners.
    margin_px : int
        Distance of the panel from the frame edge.
    """

    line_px: int
    joint_px: int
    outline_px: int
    label_px: int
    panel_px: int
    banner_px: int
    margin_px: int

    @classmethod
    def for_frame(cls, width: int, height: int) -> Sizes:
        """Return the sizes for a frame of ``width`` x ``height`` pixels (scaled by its short side over 720 px).

        Each size has a floor, so small frames still get readable text and visible lines.
        """
        u = min(width, height) / 720.0
        return cls(
            line_px=max(2, round(4 * u)),
            joint_px=max(2, round(5 * u)),
            outline_px=max(1, round(2 * u)),
            label_px=max(12, round(24 * u)),
            panel_px=max(13, round(30 * u)),
            banner_px=max(15, round(40 * u)),
            margin_px=max(6, round(18 * u)),
        )
