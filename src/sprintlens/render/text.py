"""Readable text on video frames: anti-aliased DejaVu Sans on a translucent dark box.

OpenCV's built-in Hershey fonts are hard to read on a phone; this draws TrueType text with Pillow
(DejaVu Sans Bold, shipped inside matplotlib, so no system font is needed) into small RGBA
patches, cached by content, and blends them into the frame.  Numbers that repeat (angles in whole
degrees) hit the cache, so labels cost little per frame.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sprintlens.render import style

#: The font used on frames (ships with matplotlib).
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"

Box = tuple[int, int, int, int]
"""(x0, y0, x1, y1) in pixels, x1/y1 exclusive."""


@functools.lru_cache(maxsize=64)
def font(size_px: int) -> ImageFont.FreeTypeFont:
    """Return DejaVu Sans Bold at ``size_px`` pixels (cached)."""
    return ImageFont.truetype(str(FONT_FILE), size=max(6, int(size_px)))


def text_size(text: str, size_px: int) -> tuple[int, int]:
    """Return the width and height (px) of ``text`` drawn at ``size_px`` (ink box, without padding)."""
    left, top, right, bottom = font(size_px).getbbox(text)
    return int(right - left), int(bottom - top)


@functools.lru_cache(maxsize=4096)
def label_patch(text: str, size_px: int, fg: style.RGB = style.TEXT, bg: style.RGB | None = style.PANEL,
                bg_alpha: float = 0.72, pad_px: int | None = None) -> np.ndarray:
    """Return an RGBA patch (H x W x 4, uint8) of ``text`` on a rounded translucent box (or none: ``bg=None``).

    Without a box the text gets a dark outline so it still reads on any background.  Patches are
    cached by their arguments and read-only.

    Parameters
    ----------
    text : str
        The text to draw.
    size_px : int
        Font size in pixels.
    fg : RGB
        Text colour.
    bg : RGB or None
        Colour of the box behind the text; ``None`` draws no box and outlines the text instead.
    bg_alpha : float
        Opacity of the box, 0 to 1.
    pad_px : int or None
        Padding (px) between the text and the box edge; ``None`` is a quarter of ``size_px``
        (at least 2 px).

    Returns
    -------
    numpy.ndarray
        The patch, H x W x 4, uint8, not writeable.
    """
    f = font(size_px)
    pad = max(2, size_px // 4) if pad_px is None else pad_px
    ascent, descent = f.getmetrics()
    width = int(f.getlength(text))
    h = ascent + descent + 2 * pad
    w = width + 2 * pad
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if bg is not None:
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=max(2, size_px // 4),
                               fill=(*bg, int(round(255 * bg_alpha))))
        draw.text((pad, pad), text, font=f, fill=(*fg, 255))
    else:
        stroke = max(1, size_px // 10)
        draw.text((pad, pad), text, font=f, fill=(*fg, 255), stroke_width=stroke, stroke_fill=(*style.OUTLINE, 255))
    patch = np.asarray(img)
    patch.setflags(write=False)
    return patch


def blend_patch(frame: np.ndarray, patch: np.ndarray, x: int, y: int, opacity: float = 1.0) -> Box:
    """Alpha-blend an RGBA ``patch`` into ``frame`` (RGB, in place) with its top-left at (x, y).

    Parts outside the frame are clipped.

    Parameters
    ----------
    frame : numpy.ndarray
        The RGB frame (H x W x 3, uint8), changed in place.
    patch : numpy.ndarray
        The RGBA patch (h x w x 4, uint8); its alpha channel weights the blend.
    x, y : int
        Position (px) in the frame of the patch's top-left corner; may lie outside the frame.
    opacity : float
        Overall opacity, multiplied into the patch's alpha (values above 1 count as 1; 0 or
        less draws nothing).

    Returns
    -------
    Box
        The box covered, clipped to the frame (empty when nothing was drawn).
    """
    h, w = patch.shape[:2]
    fh, fw = frame.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(fw, x + w), min(fh, y + h)
    if x1 <= x0 or y1 <= y0 or opacity <= 0:
        return (x0, y0, x0, y0)
    sub = patch[y0 - y:y1 - y, x0 - x:x1 - x]
    alpha = sub[..., 3:4].astype(np.float32) * (float(min(opacity, 1.0)) / 255.0)
    roi = frame[y0:y1, x0:x1]
    roi[:] = (roi.astype(np.float32) * (1.0 - alpha) + sub[..., :3].astype(np.float32) * alpha + 0.5).astype(np.uint8)
    return (x0, y0, x1, y1)


_ANCHORS = {"l": 0.0, "c": 0.5, "r": 1.0, "t": 0.0, "m": 0.5, "b": 1.0}


def put_label(frame: np.ndarray, text: str, xy: tuple[float, float], size_px: int, *, fg: style.RGB = style.TEXT,
              bg: style.RGB | None = style.PANEL, anchor: str = "lt", opacity: float = 1.0,
              keep_inside: bool = True) -> Box:
    """Draw a label into ``frame`` (in place).

    Parameters
    ----------
    frame : numpy.ndarray
        The RGB frame (H x W x 3, uint8), changed in place.
    text : str
        The label's text.
    xy : (float, float)
        Anchor point in pixels.
    size_px : int
        Font size in pixels.
    fg : RGB
        Text colour.
    bg : RGB or None
        Colour of the translucent box behind the text; ``None`` draws no box and outlines the
        text instead.
    anchor : str
        Two letters: horizontal ``l``/``c``/``r`` and vertical ``t``/``m``/``b`` side of the label
        that sits on ``xy`` (``"cm"`` centres it).
    opacity : float
        Overall opacity of the label, 0 to 1.
    keep_inside : bool
        Shift the label so it stays wholly inside the frame.

    Returns
    -------
    Box
        Where the label went.
    """
    patch = label_patch(text, int(size_px), fg, bg)
    h, w = patch.shape[:2]
    x = int(round(xy[0] - _ANCHORS[anchor[0]] * w))
    y = int(round(xy[1] - _ANCHORS[anchor[1]] * h))
    if keep_inside:
        x = min(max(0, x), max(0, frame.shape[1] - w))
        y = min(max(0, y), max(0, frame.shape[0] - h))
    return blend_patch(frame, patch, x, y, opacity)


def panel_patch(rows: Sequence[tuple[str, style.RGB, int]], *, bg: style.RGB = style.PANEL, bg_alpha: float = 0.78,
                pad_px: int = 10, gap_px: int = 4, min_width_px: int = 0) -> np.ndarray:
    """Return a box of text rows, each ``(text, colour, size_px)``, as an RGBA patch.

    Parameters
    ----------
    rows : sequence of (str, RGB, int)
        The rows from top to bottom: text, its colour and its font size in pixels.
    bg : RGB
        Colour of the rounded box.
    bg_alpha : float
        Opacity of the box, 0 to 1.
    pad_px : int
        Padding (px) between the text and the box edge; also the corner radius.
    gap_px : int
        Vertical gap (px) between rows.
    min_width_px : int
        Smallest width (px) of the patch.

    Returns
    -------
    numpy.ndarray
        The patch, H x W x 4, uint8.
    """
    fonts = [font(size) for _, _, size in rows]
    heights = [sum(f.getmetrics()) for f in fonts]
    widths = [int(f.getlength(text)) for (text, _, _), f in zip(rows, fonts)]
    w = max([min_width_px, *(wd + 2 * pad_px for wd in widths)])
    h = sum(heights) + gap_px * max(0, len(rows) - 1) + 2 * pad_px
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad_px, fill=(*bg, int(round(255 * bg_alpha))))
    y = pad_px
    for (text, colour, _), f, height in zip(rows, fonts, heights):
        draw.text((pad_px, y), text, font=f, fill=(*colour, 255))
        y += height + gap_px
    return np.asarray(img)

