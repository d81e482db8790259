"""Drawing the athlete: projected joint positions in, a shaded, anti-aliased figure out.

The figure is built from tapered capsules (limbs, torso, neck) and ellipses (head, fists),
rasterised with signed distances so edges are anti-aliased to a fraction of a pixel, and shaded
as rounded solids lit from the upper front.  Far-side limbs are drawn first and darker, then the
torso and head, then the near-side limbs.  The head has hair, an ear, an eye with a brow, a nose
and a mouth; the calves bulge behind the shin bones and the ankle bones show; the athlete wears a
singlet, shorts and low-cut spikes with a rounded toe box, whose collar stays below the ankle bone
(a pose model places its ankle landmark on the ankle bone and its foot landmarks inside the shoe).

Seen not side on (``view_deg``, the camera's yaw, :mod:`sprintlens.synth.camera`) the figure
keeps its parts and gains what a side view hides: the torso is filled between the projected
hips and shoulders (its breadth shows), the far side is shaded less (both sides face the camera
in a frontal view), a frontal or rear view (beyond 50 deg) draws the head from the front (eyes,
nose, mouth, a hair cap) or from behind (hair), and the shoes beyond 55 deg are rounded solids
around the heel and toe instead of the side outline.  Side on (``view_deg = 0``) the drawing is
exactly what it always was.

No physics here: everything comes from the projected points (:mod:`sprintlens.synth.skeleton`
names) and sizes in units of body height.

Pixel coordinates are continuous with pixel ``(row i, column j)`` covering ``[j, j + 1) x
[i, i + 1)`` (MediaPipe's convention: a landmark at ``x`` lies in column ``floor(x)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import cv2
import numpy as np

__all__ = ["FigureStyle", "STYLES", "draw_figure", "draw_shadow"]

RGB = tuple[int, int, int]

# Radii in units of body height.
_R = {
    "thigh": (0.058, 0.034), "calf": (0.035, 0.039), "shin": (0.038, 0.020),
    "upper_arm": (0.033, 0.025), "forearm": (0.025, 0.018), "fist": 0.023,
    "pelvis": 0.062, "waist": 0.060, "chest": 0.074, "shoulder": 0.052, "neck": 0.031,
}
#: Light direction (image x right, y down, z towards the viewer), normalised below.
_LIGHT = np.array([-0.35, -0.55, 0.75])
_LIGHT = _LIGHT / np.linalg.norm(_LIGHT)
_AMBIENT, _DIFFUSE = 0.52, 0.55


@dataclass(frozen=True)
class FigureStyle:
    """Colours (RGB 0-255) of a figure, and how much darker its far side is drawn."""

    skin: RGB = (190, 128, 92)
    hair: RGB = (34, 27, 22)
    top: RGB = (206, 38, 46)
    shorts: RGB = (30, 34, 78)
    shoes: RGB = (252, 128, 24)
    sole: RGB = (238, 238, 232)
    eye: RGB = (38, 30, 26)
    lips: RGB = (140, 66, 60)
    far_shade: float = 0.7


#: A few outfits (the second person in a clip wears another one).
STYLES: dict[str, FigureStyle] = {
    "red": FigureStyle(),
    "blue": FigureStyle(skin=(228, 180, 150), hair=(120, 80, 40), top=(40, 90, 200), shorts=(20, 20, 24),
                        shoes=(240, 240, 240), sole=(60, 60, 60)),
    "green": FigureStyle(skin=(120, 80, 58), hair=(20, 18, 16), top=(30, 150, 90), shorts=(40, 40, 40),
                         shoes=(30, 200, 220), sole=(240, 240, 240)),
    "grey": FigureStyle(skin=(205, 150, 115), hair=(60, 45, 35), top=(150, 150, 160), shorts=(60, 60, 70),
                        shoes=(90, 90, 100), sole=(200, 200, 200)),
}


# -- rasterising ----------------------------------------------------------------------------------
def _box(img: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[int, int, int, int] | None:
    h, w = img.shape[:2]
    x0, y0 = max(int(np.floor(lo[0])) - 1, 0), max(int(np.floor(lo[1])) - 1, 0)
    x1, y1 = min(int(np.ceil(hi[0])) + 2, w), min(int(np.ceil(hi[1])) + 2, h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _blend(img: np.ndarray, box: tuple[int, int, int, int], alpha: np.ndarray, colour: np.ndarray) -> None:
    x0, y0, x1, y1 = box
    region = img[y0:y1, x0:x1].astype(np.float32)
    a = alpha[..., None]
    img[y0:y1, x0:x1] = np.clip(region * (1 - a) + colour * a + 0.5, 0, 255).astype(np.uint8)


def _shade(nx: np.ndarray, ny: np.ndarray) -> np.ndarray:
    nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0.0, 1.0))
    return _AMBIENT + _DIFFUSE * np.clip(nx * _LIGHT[0] + ny * _LIGHT[1] + nz * _LIGHT[2], 0.0, 1.0)


def capsule(img: np.ndarray, a: np.ndarray, b: np.ndarray, ra: float, rb: float, colour: RGB,
            shaded: bool = True) -> None:
    """Draw a shaded capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``), in place.

    Parameters
    ----------
    img : ndarray, shape (H, W, 3)
        RGB uint8 image, modified in place.
    a, b : ndarray, shape (2,)
        Centres of the two ends, in continuous pixel coordinates (px).
    ra, rb : float
        Radii at ``a`` and at ``b`` (px); the radius varies linearly between them.
    colour : (int, int, int)
        RGB 0-255.
    shaded : bool
        Shade as a rounded solid lit from the upper front; False fills with the flat colour.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    r = max(ra, rb)
    box = _box(img, np.minimum(a, b) - r, np.maximum(a, b) + r)
    if box is None:
        return
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    ab = (b - a).astype(np.float32)
    length2 = float(ab @ ab)
    t = np.zeros_like(xs) if length2 < 1e-9 else np.clip(((xs - a[0]) * ab[0] + (ys - a[1]) * ab[1]) / length2, 0, 1)
    dx, dy = xs - (a[0] + t * ab[0]), ys - (a[1] + t * ab[1])
    radius = ra + (rb - ra) * t
    dist = np.sqrt(dx * dx + dy * dy)
    alpha = np.clip(radius - dist + 0.5, 0.0, 1.0)
    if not alpha.any():
        return
    base = np.asarray(colour, dtype=np.float32)
    if shaded:
        base = base * _shade(dx / radius, dy / radius)[..., None]
    _blend(img, box, alpha, base)


def ellipse(img: np.ndarray, centre: np.ndarray, axes: tuple[float, float], angle_rad: float, colour: RGB,
            shaded: bool = True) -> None:
    """Draw a shaded ellipse (semi-axes ``axes`` along and across ``angle_rad``), in place.

    Parameters
    ----------
    img : ndarray, shape (H, W, 3)
        RGB uint8 image, modified in place.
    centre : ndarray, shape (2,)
        Centre, in continuous pixel coordinates (px).
    axes : (float, float)
        Semi-axes along and across the direction ``angle_rad`` (px).
    angle_rad : float
        Direction of the first semi-axis from the image x axis, towards +y (down) (rad).
    colour : (int, int, int)
        RGB 0-255.
    shaded : bool
        Shade as a rounded solid lit from the upper front; False fills with the flat colour.
    """
    c = np.asarray(centre, dtype=np.float64)
    r = max(axes)
    box = _box(img, c - r, c + r)
    if box is None:
        return
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    ca, sa = np.cos(angle_rad), np.sin(angle_rad)
    px, py = xs - c[0], ys - c[1]
    u = (px * ca + py * sa) / axes[0]
    v = (-px * sa + py * ca) / axes[1]
    q = np.sqrt(u * u + v * v)
    alpha = np.clip((1.0 - q) * min(axes) + 0.5, 0.0, 1.0)
    if not alpha.any():
        return
    base = np.asarray(colour, dtype=np.float32)
    if shaded:
        nx, ny = u * ca - v * sa, u * sa + v * ca
        base = base * _shade(nx, ny)[..., None]
    _blend(img, box, alpha, base)


def polygon(img: np.ndarray, points: np.ndarray, colour: RGB) -> None:
    """Fill an anti-aliased polygon (points in continuous pixel coordinates), in place.

    Parameters
    ----------
    img : ndarray, shape (H, W, 3)
        RGB uint8 image, modified in place.
    points : ndarray, shape (N, 2)
        Vertices, in continuous pixel coordinates (px; drawn to 1/16 px).
    colour : (int, int, int)
        RGB 0-255.
    """
    pts = np.round((np.asarray(points, dtype=np.float64) - 0.5) * 16).astype(np.int32)
    cv2.fillPoly(img, [pts], tuple(int(c) for c in colour), lineType=cv2.LINE_AA, shift=4)


def _dim(colour: RGB, factor: float) -> RGB:
    return tuple(int(round(c * factor)) for c in colour)  # type: ignore[return-value]


# -- the figure -----------------------------------------------------------------------------------
def _leg(img: np.ndarray, p: Mapping[str, np.ndarray], side: str, s: float, style: FigureStyle,
         view_deg: float = 0.0, shoe_behind: bool = False) -> None:
    hip, knee, ankle = p[f"{side}_hip"], p[f"{side}_knee"], p[f"{side}_ankle"]
    heel, toe = p[f"{side}_heel"], p[f"{side}_foot_index"]
    end_on = abs(view_deg) > 55.0
    if end_on and shoe_behind:  # seen from the front, a foot swinging up behind is hidden by its shin
        _shoe_end_on(img, ankle, heel, toe, s, style)
    calf = knee + 0.3 * (ankle - knee)
    shank = (ankle - knee) / max(float(np.hypot(*(ankle - knee))), 1e-9)
    back = np.array([shank[1], -shank[0]])
    if float(back @ (toe - heel)) > 0:
        back = -back
    # the calf muscle bulges behind the shin bone, whose front is nearly straight
    ellipse(img, knee + 0.33 * (ankle - knee) + 0.014 * s * back, (0.085 * s, 0.031 * s),
            float(np.arctan2(shank[1], shank[0])), style.skin)
    capsule(img, knee, calf, _R["calf"][0] * s, _R["calf"][1] * s, style.skin)
    capsule(img, calf, ankle, _R["shin"][0] * s, _R["shin"][1] * s, style.skin)
    capsule(img, hip, knee, _R["thigh"][0] * s, _R["thigh"][1] * s, style.skin)
    shorts_end = hip + 0.40 * (knee - hip)
    capsule(img, hip, shorts_end, _R["thigh"][0] * s * 1.04, (_R["thigh"][0] * 0.6 + _R["thigh"][1] * 0.4) * s * 1.04,
            style.shorts)
    ellipse(img, ankle, (0.012 * s, 0.010 * s), 0.0, _dim(style.skin, 0.92))  # the ankle bone
    if end_on and not shoe_behind:
        _shoe_end_on(img, ankle, heel, toe, s, style)
    elif not end_on:
        _shoe(img, ankle, heel, toe, s, style)


def _shoe_end_on(img: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray, s: float,
                 style: FigureStyle) -> None:
    """Draw a shoe seen from the front or behind: a rounded solid from the heel to the toe, a sole under it."""
    mid = 0.5 * (heel + toe)
    capsule(img, heel + [0.0, 0.004 * s], toe + [0.0, 0.004 * s], 0.020 * s, 0.020 * s, style.sole)
    capsule(img, heel, toe, 0.022 * s, 0.020 * s, style.shoes)
    capsule(img, ankle + 0.35 * (mid - ankle), mid, 0.019 * s, 0.022 * s, style.shoes)


#: Outline of the shoe's side in the foot frame: (along the sole from the heel landmark, up from
#: the sole), in units of body height, with ``"L"`` standing for the foot length (heel to toe
#: tip).  A low-cut spike: a rounded toe box 3-5 cm tall near the tip, rising over the ball of
#: the foot and the instep to the tongue in front of the shin; the collar dips below the ankle
#: bone (the joint centre is 3.9 % of the height above the sole) and the heel counter is rounded.
_SHOE_OUTLINE: tuple[tuple[float | str, float, float], ...] = (
    # (anchor, offset along, up): anchor 0 = heel landmark, "L" = toe tip
    (0, -0.005, 0.001), (0, 0.012, -0.003), ("L", -0.030, -0.003), ("L", 0.001, -0.0025),
    ("L", 0.008, 0.006), ("L", 0.007, 0.018), ("L", -0.004, 0.027), ("L", -0.030, 0.031),
    ("L", -0.070, 0.039), (0, 0.058, 0.052), (0, 0.046, 0.060), (0, 0.036, 0.046),
    (0, 0.026, 0.032), (0, 0.006, 0.031), (0, -0.003, 0.036), (0, -0.008, 0.022),
)
#: Thickness of the sole (units of body height).
_SOLE = 0.008


def _chaikin(points: np.ndarray, iterations: int = 3) -> np.ndarray:
    """Smooth a closed polygon (N, 2) by Chaikin corner cutting."""
    out = np.asarray(points, dtype=np.float64)
    for _ in range(iterations):
        nxt = np.roll(out, -1, axis=0)
        out = np.stack([0.75 * out + 0.25 * nxt, 0.25 * out + 0.75 * nxt], axis=1).reshape(-1, 2)
    return out


def _below(points: np.ndarray, level: float) -> np.ndarray:
    """Clip a closed polygon (N, 2) in (along, up) coordinates to its part with ``up <= level``.

    Sutherland-Hodgman clipping against one half-plane.
    """
    out = []
    for a, b in zip(points, np.roll(points, -1, axis=0)):
        a_in, b_in = a[1] <= level, b[1] <= level
        if a_in:
            out.append(a)
        if a_in != b_in:
            out.append(a + (level - a[1]) / (b[1] - a[1]) * (b - a))
    return np.asarray(out)


def _shoe(img: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray, s: float, style: FigureStyle) -> None:
    """Draw a low-cut sprint spike around the heel and toe-tip landmarks (on its sole), in place."""
    along = toe - heel
    length = float(np.hypot(*along))
    if length < 1e-6:
        return
    u = along / length
    n = np.array([u[1], -u[0]])  # towards the ankle side of the sole
    if float(n @ (ankle - heel)) < 0:
        n = -n
    foot = length / s
    local = np.array([[(foot if anchor == "L" else 0.0) + du, dn] for anchor, du, dn in _SHOE_OUTLINE])
    outline = _chaikin(local)

    def to_image(pts: np.ndarray) -> np.ndarray:
        return heel + s * (pts[:, :1] * u + pts[:, 1:] * n)

    polygon(img, to_image(outline), style.shoes)
    stripe = np.array([[0.064, _SOLE], [0.080, _SOLE], [0.058, 0.034], [0.049, 0.034]])
    polygon(img, to_image(stripe), style.sole)
    polygon(img, to_image(_below(outline, _SOLE)), style.sole)


def _arm(img: np.ndarray, p: Mapping[str, np.ndarray], side: str, s: float, style: FigureStyle) -> None:
    shoulder, elbow, wrist = p[f"{side}_shoulder"], p[f"{side}_elbow"], p[f"{side}_wrist"]
    capsule(img, shoulder, elbow, _R["upper_arm"][0] * s, _R["upper_arm"][1] * s, style.skin)
    capsule(img, elbow, wrist, _R["forearm"][0] * s, _R["forearm"][1] * s, style.skin)
    fist = p[f"{side}_fist"]
    d = fist - wrist
    ellipse(img, fist, (_R["fist"] * s * 1.15, _R["fist"] * s), float(np.arctan2(d[1], d[0])), style.skin)
    capsule(img, p[f"{side}_thumb"], fist, 0.007 * s, 0.008 * s, _dim(style.skin, 0.85))


def _torso_breadth(img: np.ndarray, p: Mapping[str, np.ndarray], s: float, style: FigureStyle) -> None:
    """Fill the torso between the projected hip and shoulder joints (its breadth, seen off side on)."""
    hip, shoulder = p["mid_hip"], p["mid_shoulder"]
    # the outline runs inside the joint centres: the arms and thighs round off the corners
    lh, rh = hip + 0.8 * (p["left_hip"] - hip), hip + 0.8 * (p["right_hip"] - hip)
    ls, rs = shoulder + 0.72 * (p["left_shoulder"] - shoulder), shoulder + 0.72 * (p["right_shoulder"] - shoulder)
    polygon(img, np.array([lh, rh, rs, ls]), _dim(style.top, 0.95))
    capsule(img, lh, ls, 0.042 * s, 0.040 * s, style.top)
    capsule(img, rh, rs, 0.042 * s, 0.040 * s, style.top)
    capsule(img, ls, rs, 0.034 * s, 0.034 * s, style.top)
    capsule(img, lh, rh, 0.048 * s, 0.048 * s, style.shorts)


def _torso(img: np.ndarray, p: Mapping[str, np.ndarray], s: float, style: FigureStyle) -> None:
    hip, shoulder = p["mid_hip"], p["mid_shoulder"]
    waist = hip + 0.35 * (shoulder - hip)
    chest = hip + 0.72 * (shoulder - hip)
    capsule(img, hip, waist, _R["pelvis"] * s, _R["waist"] * s, style.top)
    capsule(img, waist, chest, _R["waist"] * s, _R["chest"] * s, style.top)
    capsule(img, chest, shoulder, _R["chest"] * s, _R["shoulder"] * s, style.top)
    belt = hip + 0.18 * (shoulder - hip)
    capsule(img, hip, belt, _R["pelvis"] * s * 1.02, _R["pelvis"] * s * 0.99, style.shorts)


def _head(img: np.ndarray, p: Mapping[str, np.ndarray], near: str, s: float, facing: int, style: FigureStyle) -> None:
    centre, crown, chin = p["head_centre"], p["crown"], p["chin"]
    up = crown - centre
    up = up / max(float(np.hypot(*up)), 1e-9)
    fwd = np.array([-up[1], up[0]]) * facing
    if float(fwd @ (p["nose"] - centre)) < 0:
        fwd = -fwd
    capsule(img, p["mid_shoulder"], p["neck"], _R["neck"] * s * 1.1, _R["neck"] * s, style.skin)
    angle = float(np.arctan2(fwd[1], fwd[0]))
    skull = (0.058 * s, 0.066 * s)
    ellipse(img, centre, skull, angle, style.skin)
    jaw = centre + 0.018 * s * fwd - 0.030 * s * up
    ellipse(img, jaw, (0.042 * s, 0.036 * s), angle, style.skin)
    capsule(img, jaw, chin, 0.030 * s, 0.016 * s, style.skin)
    # hair: the back and top of the skull, a little proud of it
    theta = np.linspace(np.radians(75), np.radians(260), 36)  # from front-top over the crown to the nape
    ring = np.array([centre + 1.07 * (skull[0] * np.cos(th) * fwd + skull[1] * np.sin(th) * up) for th in theta])
    inner = np.array([centre + 0.55 * (skull[0] * np.cos(th) * fwd + skull[1] * np.sin(th) * up)
                      for th in theta[::-1]])
    polygon(img, np.vstack([ring, inner]), style.hair)
    # ear, eye and brow, nose, mouth
    ear = p[f"{near}_ear"]
    ellipse(img, ear, (0.013 * s, 0.020 * s), angle + 0.2 * facing, _dim(style.skin, 0.85))
    eye = p[f"{near}_eye"]
    ellipse(img, eye, (0.0085 * s, 0.0045 * s), angle, (236, 232, 226), shaded=False)
    ellipse(img, eye + 0.003 * s * fwd, (0.0042 * s, 0.0042 * s), angle, style.eye, shaded=False)
    capsule(img, eye + 0.009 * s * up - 0.008 * s * fwd, eye + 0.011 * s * up + 0.008 * s * fwd,
            0.0028 * s, 0.0022 * s, style.hair, shaded=False)
    nose = p["nose"]
    polygon(img, np.array([nose - 0.006 * s * fwd + 0.030 * s * up, nose + 0.002 * s * fwd,
                           nose - 0.010 * s * fwd - 0.006 * s * up]), style.skin)
    mouth = p[f"mouth_{near}"]
    capsule(img, mouth, mouth + 0.012 * s * fwd + 0.002 * s * up, 0.0025 * s, 0.0022 * s, style.lips, shaded=False)


def _head_end_on(img: np.ndarray, p: Mapping[str, np.ndarray], s: float, front: bool, style: FigureStyle) -> None:
    """Draw the head seen from the front (a face under a hair cap) or from behind (hair)."""
    centre, crown = p["head_centre"], p["crown"]
    up = crown - centre
    up = up / max(float(np.hypot(*up)), 1e-9)
    side = np.array([-up[1], up[0]])
    angle = float(np.arctan2(up[1], up[0]))
    capsule(img, p["mid_shoulder"], p["neck"], _R["neck"] * s * 1.1, _R["neck"] * s, style.skin)
    for ear in ("left_ear", "right_ear"):
        ellipse(img, p[ear], (0.020 * s, 0.012 * s), angle, _dim(style.skin, 0.85))
    skull = (0.066 * s, 0.052 * s)
    ellipse(img, centre - 0.01 * s * up, skull, angle, style.skin)
    theta = np.linspace(-0.15 * np.pi, 1.15 * np.pi, 40) if front else np.linspace(-0.55 * np.pi, 1.55 * np.pi, 48)
    ring = np.array([centre + 1.06 * (skull[1] * np.cos(th) * side + skull[0] * np.sin(th) * up) for th in theta])
    if front:
        inner = np.array([centre + 0.02 * s * up
                          + 0.75 * (skull[1] * np.cos(th) * side + 0.5 * skull[0] * np.sin(th) * up)
                          for th in theta[::-1]])
        polygon(img, np.vstack([ring, inner]), style.hair)
        for eye in ("left_eye", "right_eye"):
            ellipse(img, p[eye], (0.0085 * s, 0.0045 * s), angle + np.pi / 2, (236, 232, 226), shaded=False)
            ellipse(img, p[eye], (0.0042 * s, 0.0042 * s), 0.0, style.eye, shaded=False)
        capsule(img, p["nose"] + 0.012 * s * up, p["nose"], 0.005 * s, 0.007 * s, _dim(style.skin, 0.9))
        capsule(img, p["mouth_left"], p["mouth_right"], 0.0028 * s, 0.0028 * s, style.lips, shaded=False)
    else:
        polygon(img, ring, style.hair)


def draw_figure(img: np.ndarray, points_px: Mapping[str, np.ndarray], px_per_m: float, height_m: float,
                near: str, facing: int, style: FigureStyle = FigureStyle(), view_deg: float = 0.0,
                depth_m: Mapping[str, float] | None = None) -> np.ndarray:
    """Draw the figure onto ``img`` (H x W x 3 uint8 RGB, modified in place) and return it.

    Parameters
    ----------
    img : ndarray, shape (H, W, 3)
        RGB uint8 image, modified in place.
    points_px : mapping of str to ndarray (2,)
        Projected landmark and extra points (:func:`sprintlens.synth.skeleton.forward_kinematics`
        names), in continuous pixel coordinates.
    px_per_m : float
        Image scale at the figure (pixels per metre).
    height_m : float
        Body height (m); part sizes are fractions of it.
    near : {"left", "right"}
        The side facing the camera.
    facing : {+1, -1}
        +1 when the figure faces the right of the image.
    style : FigureStyle
        Colours.
    view_deg : float
        The camera's yaw (deg; 0 side on, +90 from behind, -90 from the front; see the module
        docstring).
    depth_m : mapping of str to float, optional
        Distance from the camera (m) of the points, by name; with a yaw, the limbs and the
        trunk are then drawn farthest first (the near side's limbs can be behind the trunk in a
        frontal view).  Side on, or without depths, the far side's limbs go first and the near
        side's last.

    Returns
    -------
    ndarray
        ``img``, with the figure drawn.
    """
    far = "left" if near == "right" else "right"
    s = px_per_m * height_m
    shade = style.far_shade
    if view_deg != 0.0:
        shade = 1.0 - (1.0 - shade) * abs(float(np.cos(np.radians(view_deg))))
    dark = replace(style, skin=_dim(style.skin, shade), shorts=_dim(style.shorts, shade),
                   shoes=_dim(style.shoes, shade), sole=_dim(style.sole, shade))
    if view_deg == 0.0:
        _arm(img, points_px, far, s, dark)
        _leg(img, points_px, far, s, dark)
        _torso(img, points_px, s, style)
        _head(img, points_px, near, s, facing, style)
        _leg(img, points_px, near, s, style)
        _arm(img, points_px, near, s, style)
        return img

    def trunk() -> None:
        _torso_breadth(img, points_px, s, style)
        _torso(img, points_px, s, style)
        if abs(view_deg) > 50.0:
            _head_end_on(img, points_px, s, view_deg < 0, style)
        else:
            _head(img, points_px, near, s, facing, style)

    def behind(side: str) -> bool:
        return depth_m is not None and depth_m[f"{side}_foot_index"] > depth_m[f"{side}_knee"]

    parts = [(lambda: _arm(img, points_px, far, s, dark), ("shoulder", "elbow", "wrist"), far),
             (lambda: _leg(img, points_px, far, s, dark, view_deg, behind(far)), ("hip", "knee", "ankle"), far),
             (trunk, None, None),
             (lambda: _leg(img, points_px, near, s, style, view_deg, behind(near)), ("hip", "knee", "ankle"), near),
             (lambda: _arm(img, points_px, near, s, style), ("shoulder", "elbow", "wrist"), near)]
    if depth_m is not None:
        def how_far(joints: tuple[str, ...] | None, side: str | None) -> float:
            if joints is None:
                return 0.5 * (depth_m["mid_hip"] + depth_m["mid_shoulder"])
            return float(np.mean([depth_m[f"{side}_{j}"] for j in joints]))
        # stable: equal depths keep the side-on order
        parts = sorted(parts, key=lambda part: -how_far(part[1], part[2]))
    for draw, _, _ in parts:
        draw()
    return img


def draw_shadow(img: np.ndarray, centre: np.ndarray, half_width_px: float, half_height_px: float,
                strength: float = 0.35) -> np.ndarray:
    """Darken a soft elliptical patch of ground (the figure's shadow), in place; return ``img``.

    Parameters
    ----------
    img : ndarray, shape (H, W, 3)
        RGB uint8 image, modified in place.
    centre : ndarray, shape (2,)
        Centre of the patch, in continuous pixel coordinates (px).
    half_width_px, half_height_px : float
        Semi-axes of the patch, horizontal and vertical (px).
    strength : float
        Darkening at the centre (0-1: the share of the colour taken away), fading to 0 at the edge.

    Returns
    -------
    ndarray
        ``img``, with the shadow drawn.
    """
    c = np.asarray(centre, dtype=np.float64)
    box = _box(img, c - [half_width_px, half_height_px], c + [half_width_px, half_height_px])
    if box is None:
        return img
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    q = ((xs - c[0]) / half_width_px) ** 2 + ((ys - c[1]) / max(half_height_px, 1e-3)) ** 2
    alpha = strength * np.clip(1.0 - q, 0.0, 1.0)
    _blend(img, box, alpha, np.zeros(3, dtype=np.float32))
    return img
