"""The background: a running track seen side on, with lanes, grass, distant trees and sky.

Optionally advertising boards and a grandstand with a crowd.

Everything is laid out in world metres and projected through the clip's
:class:`~sprintlens.synth.camera.Camera`, so a tracking camera sees the near lanes, the boards
and the stands slide by at their own depths (parallax).  The athlete runs along the centre of
lane ``athlete_lane``; lane 1 is nearest the camera.

A camera with a yaw (:mod:`sprintlens.synth.camera`) sees the track, its lane lines, marks and
start line as ground polygons in perspective (clipped in front of the camera), running towards
a vanishing point in a frontal view; the trees, and the stands and boards if any, stay a
backdrop across the image.

Flat colours and smooth gradients keep the clips small after compression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from sprintlens.synth.camera import Camera

__all__ = ["Prop", "Scene", "SceneStyle"]

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class SceneStyle:
    """Colours (RGB) and layout of the track scene (lengths in m)."""

    sky_top: RGB = (112, 158, 214)
    sky_horizon: RGB = (205, 222, 238)
    stands: tuple[RGB, RGB] = ((92, 104, 128), (112, 124, 146))
    crowd: tuple[RGB, ...] = ((220, 60, 60), (240, 240, 240), (50, 80, 170), (240, 200, 60), (40, 40, 40),
                              (90, 160, 90))
    board_colours: tuple[RGB, ...] = ((20, 60, 150), (210, 40, 40), (30, 30, 30), (0, 130, 90))
    track: RGB = (178, 74, 54)
    track_far: RGB = (160, 78, 62)
    lines: RGB = (238, 238, 232)
    grass: RGB = (78, 138, 66)
    kerb: RGB = (200, 200, 196)
    trees: RGB = (64, 104, 70)
    trees_far: RGB = (128, 156, 150)
    n_lanes: int = 8
    lane_width_m: float = 1.22
    athlete_lane: int = 3
    stands: bool = False
    boards: bool = False
    crowd_density: float = 0.3


@dataclass(frozen=True)
class Prop:
    """A flat object in the scene (a starting block): a world polygon (N, 3) in metres."""

    points_m: np.ndarray
    colour: RGB


@dataclass
class Scene:
    """The track scene, with its crowd placed once from ``seed``.

    Parameters
    ----------
    style : SceneStyle
        Colours and layout.
    seed : int
        Seeds the crowd's places and colours.
    x_range_m : (float, float)
        Stretch of track (world x, m) that must be decorated.
    props : sequence of Prop
        Objects standing on the track.
    """

    style: SceneStyle = field(default_factory=SceneStyle)
    seed: int = 0
    x_range_m: tuple[float, float] = (-40.0, 80.0)
    props: Sequence[Prop] = ()

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        lo, hi = self.x_range_m[0] - 60.0, self.x_range_m[1] + 60.0
        n = int((hi - lo) * 6 * self.style.crowd_density)
        self._crowd_x = rng.uniform(lo, hi, n)
        self._crowd_row = rng.integers(0, 12, n)
        self._crowd_colour = rng.integers(0, len(self.style.crowd), n)
        self._phase = rng.uniform(0, 2 * np.pi, 2)
        self._cache: tuple[float, np.ndarray] | None = None

    # depths of the layout (m from the camera)
    def _lane_lines(self, camera: Camera) -> np.ndarray:
        s = self.style
        k = np.arange(s.n_lanes + 1)
        return camera.distance_m + (k - (s.athlete_lane - 0.5)) * s.lane_width_m

    def render(self, camera: Camera, frame: int) -> np.ndarray:
        """Draw the background seen from the camera at ``frame`` (H x W x 3 uint8 RGB, a new array)."""
        cam_x = float(camera.x_m[frame])
        if self._cache is not None and self._cache[0] == cam_x:
            return self._cache[1].copy()
        img = self._draw(camera, frame)
        self._cache = (cam_x, img)
        return img.copy()

    def _u(self, camera: Camera, x: np.ndarray, depth: float, frame: int) -> np.ndarray:
        return camera.width_px / 2 + camera.direction * camera.focal_px * (np.asarray(x) - camera.x_m[frame]) / depth

    def _v(self, camera: Camera, y: float, depth: float) -> float:
        return float(camera.horizon_px - camera.focal_px * (y - camera.height_m) / depth)

    def _draw(self, camera: Camera, frame: int) -> np.ndarray:
        if camera.yaw_deg != 0.0:
            return self._draw_yawed(camera, frame)
        s = self.style
        w, h = camera.width_px, camera.height_px
        img = np.empty((h, w, 3), dtype=np.uint8)
        rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
        img[:] = (np.asarray(s.sky_top, np.float32) * (1 - rows) + np.asarray(s.sky_horizon, np.float32) * rows
                  ).astype(np.uint8)[:, None, :]

        lines = self._lane_lines(camera)
        near_edge, far_edge = max(float(lines[0]), 1.0), float(lines[-1])
        far_ground = far_edge + 40.0
        self._draw_trees(img, camera, frame, far_ground)
        _band(img, camera.ground_row(far_ground), camera.ground_row(far_edge + 0.3), s.grass)
        if s.stands:
            self._draw_stands(img, camera, frame, far_edge + 9.0)
        if s.boards:
            self._draw_boards(img, camera, frame, far_edge + 2.5)
        # the track, shaded slightly darker far away, and its lane lines
        track_top, track_bottom = camera.ground_row(far_edge + 0.3), camera.ground_row(near_edge)
        _gradient(img, track_top, min(float(track_bottom), h), s.track_far, s.track)
        _band(img, camera.ground_row(far_edge + 0.3), camera.ground_row(far_edge + 0.15), s.kerb)
        for d in lines:
            row = float(camera.ground_row(d))
            half = max(0.5 * 0.05 * camera.focal_px * camera.height_m / (d * d), 0.45)
            _band(img, row - half, row + half, s.lines)
        if near_edge > 1.0:
            _band(img, camera.ground_row(near_edge), h, s.grass)
        # marks on the lane lines every 10 m (the relay-zone marks of a real track)
        for x in np.arange(np.floor((self.x_range_m[0] - 20) / 10) * 10, self.x_range_m[1] + 20, 10.0):
            for d in lines[1:-1]:
                self._ground_quad(img, camera, frame, x - 0.05, x + 0.05, d - 0.15, d + 0.15, (250, 210, 40))
        # the start line (x = 0) across every lane
        self._ground_quad(img, camera, frame, -0.05, 0.0, near_edge, far_edge, s.lines)
        for prop in self.props:
            pts = camera.project(prop.points_m, frame)
            cv2.fillPoly(img, [np.round((pts - 0.5) * 16).astype(np.int32)], prop.colour, cv2.LINE_AA, shift=4)
        return img

    def _draw_yawed(self, camera: Camera, frame: int) -> np.ndarray:
        """Draw the background for a camera that is not side on: the track as ground polygons."""
        s = self.style
        w, h = camera.width_px, camera.height_px
        img = np.empty((h, w, 3), dtype=np.uint8)
        rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
        img[:] = (np.asarray(s.sky_top, np.float32) * (1 - rows) + np.asarray(s.sky_horizon, np.float32) * rows
                  ).astype(np.uint8)[:, None, :]
        lines = self._lane_lines(camera)
        near_edge, far_edge = float(lines[0]), float(lines[-1])
        self._draw_trees(img, camera, frame, far_edge + 60.0)
        _band(img, camera.ground_row(far_edge + 400.0), h, s.grass)
        if s.stands:
            self._draw_stands(img, camera, frame, far_edge + 9.0)
        if s.boards:
            self._draw_boards(img, camera, frame, far_edge + 2.5)
        x0, x1 = self.x_range_m[0] - 80.0, self.x_range_m[1] + 80.0
        self._ground_quad(img, camera, frame, x0, x1, near_edge, far_edge + 0.3, s.track)
        self._ground_quad(img, camera, frame, x0, x1, far_edge + 0.15, far_edge + 0.3, s.kerb)
        for d in lines:
            self._ground_quad(img, camera, frame, x0, x1, d - 0.025, d + 0.025, s.lines)
        for x in np.arange(np.floor((self.x_range_m[0] - 20) / 10) * 10, self.x_range_m[1] + 20, 10.0):
            for d in lines[1:-1]:
                self._ground_quad(img, camera, frame, x - 0.05, x + 0.05, d - 0.15, d + 0.15, (250, 210, 40))
        self._ground_quad(img, camera, frame, -0.05, 0.0, near_edge, far_edge, s.lines)
        for prop in self.props:
            pts = _in_front(camera, prop.points_m, frame)
            if len(pts) >= 3:
                pts = camera.project(pts, frame)
                cv2.fillPoly(img, [np.round((pts - 0.5) * 16).astype(np.int32)], prop.colour, cv2.LINE_AA, shift=4)
        return img

    def _draw_trees(self, img: np.ndarray, camera: Camera, frame: int, depth: float) -> None:
        """Draw a soft line of distant trees and a hazier hill behind it, across the whole image."""
        s = self.style
        w = camera.width_px
        u = np.arange(0, w + 8, 8, dtype=np.float64)
        x = camera.x_m[frame] + camera.direction * (u - w / 2) * depth / camera.focal_px  # world x at the tree line
        ground = float(camera.ground_row(depth))
        for layer, (colour, scale, height) in enumerate(((s.trees_far, 1.6, 14.0), (s.trees, 1.0, 9.0))):
            d = depth * scale
            xs = camera.x_m[frame] + (x - camera.x_m[frame]) * scale
            top = height * (0.75 + 0.25 * np.sin(xs * 0.11 + self._phase[layer])
                            + 0.12 * np.sin(xs * 0.53 + 2 * self._phase[layer]))
            v = camera.horizon_px - camera.focal_px * (top - camera.height_m) / d
            poly = np.vstack([np.c_[u, v], [[u[-1], ground + 1], [u[0], ground + 1]]])
            cv2.fillPoly(img, [np.round((poly - 0.5) * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)

    def _draw_stands(self, img: np.ndarray, camera: Camera, frame: int, depth: float) -> None:
        s = self.style
        tiers = 14
        for i in range(tiers - 1, -1, -1):
            d0, d1 = depth + 0.9 * i, depth + 0.9 * (i + 1)
            top = self._v(camera, 1.6 + 0.55 * (i + 1), d1)
            bottom = self._v(camera, 1.6 + 0.55 * i, d0) if i else self._v(camera, 0.0, d0)
            _band(img, top, bottom, s.stands[i % 2])
        self._draw_crowd(img, camera, frame, depth)
        for x in np.arange(np.floor((self.x_range_m[0] - 80) / 12) * 12, self.x_range_m[1] + 80, 12.0):
            u = float(self._u(camera, x, depth, frame))
            top, bottom = self._v(camera, 1.6 + 0.55 * tiers, depth + 0.9 * tiers), self._v(camera, 0.0, depth)
            _rect(img, u - 2.5, top, u + 2.5, bottom, (70, 78, 92))

    def _draw_boards(self, img: np.ndarray, camera: Camera, frame: int, depth: float) -> None:
        s = self.style
        top, bottom = self._v(camera, 1.0, depth), self._v(camera, 0.0, depth)
        for k, x in enumerate(np.arange(np.floor((self.x_range_m[0] - 60) / 5) * 5, self.x_range_m[1] + 60, 5.0)):
            u0, u1 = sorted(float(v) for v in self._u(camera, np.array([x, x + 5.0]), depth, frame))
            _rect(img, u0, top, u1, bottom, s.board_colours[k % len(s.board_colours)])
            _rect(img, u0 + 0.2 * (u1 - u0), top + 0.35 * (bottom - top), u0 + 0.8 * (u1 - u0),
                  top + 0.6 * (bottom - top), (245, 245, 245))

    def _ground_quad(self, img: np.ndarray, camera: Camera, frame: int, x0: float, x1: float,
                     d0: float, d1: float, colour: RGB) -> None:
        z0, z1 = (d0 - camera.distance_m) * camera.direction, (d1 - camera.distance_m) * camera.direction
        quad = np.array([[x0, 0.0, z0], [x1, 0.0, z0], [x1, 0.0, z1], [x0, 0.0, z1]])
        if camera.yaw_deg != 0.0:
            quad = _in_front(camera, quad, frame)
            if len(quad) < 3:
                return
        pts = camera.project(quad, frame)
        if np.all(pts[:, 0] < -50) or np.all(pts[:, 0] > camera.width_px + 50):
            return
        cv2.fillPoly(img, [np.round((pts - 0.5) * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)

    def _draw_crowd(self, img: np.ndarray, camera: Camera, frame: int, stands_depth: float) -> None:
        s = self.style
        for x, row, c in zip(self._crowd_x, self._crowd_row, self._crowd_colour):
            d = stands_depth + 0.9 * row + 0.45
            u = float(self._u(camera, x, d, frame))
            if u < -10 or u > camera.width_px + 10:
                continue
            seat = 1.6 + 0.55 * row
            scale = camera.focal_px / d
            _rect(img, u - 0.2 * scale, self._v(camera, seat + 0.55, d), u + 0.2 * scale, self._v(camera, seat, d),
                  s.crowd[c])
            cv2.circle(img, (int(round(u - 0.5)), int(round(self._v(camera, seat + 0.68, d) - 0.5))),
                       max(int(round(0.11 * scale)), 1), (190, 140, 110), -1, cv2.LINE_AA)


#: Nearest depth (m) of a ground polygon drawn for a camera with a yaw.
_NEAR_M = 0.3


def _in_front(camera: Camera, polygon_m: np.ndarray, frame: int) -> np.ndarray:
    """Clip a world polygon (N, 3) to its part at least :data:`_NEAR_M` in front of the camera.

    Sutherland-Hodgman clipping against one plane; depth is affine in world coordinates, so the
    cut points interpolate linearly.
    """
    depth = camera.point_depth(polygon_m, frame)
    out = []
    for a, b, da, db in zip(polygon_m, np.roll(polygon_m, -1, axis=0), depth, np.roll(depth, -1)):
        a_in, b_in = da >= _NEAR_M, db >= _NEAR_M
        if a_in:
            out.append(a)
        if a_in != b_in:
            out.append(a + (_NEAR_M - da) / (db - da) * (b - a))
    return np.asarray(out).reshape(-1, 3)


def _band(img: np.ndarray, top: float, bottom: float, colour: RGB) -> None:
    """Fill rows ``top..bottom`` (continuous), blending the partly covered edge rows."""
    h = img.shape[0]
    top, bottom = max(top, 0.0), min(bottom, float(h))
    if bottom <= top:
        return
    i0, i1 = int(np.floor(top)), int(np.ceil(bottom))
    c = np.asarray(colour, dtype=np.float32)
    for i in range(i0, i1):
        cover = min(bottom, i + 1) - max(top, i)
        if cover >= 1.0:
            img[i] = c.astype(np.uint8)
        elif cover > 0:
            img[i] = (img[i] * (1 - cover) + c * cover + 0.5).astype(np.uint8)


def _gradient(img: np.ndarray, top: float, bottom: float, c_top: RGB, c_bottom: RGB) -> None:
    i0, i1 = int(np.ceil(top)), int(np.floor(bottom))
    if i1 <= i0:
        return
    w = np.linspace(0.0, 1.0, i1 - i0, dtype=np.float32)[:, None, None] ** 0.5
    img[i0:i1] = (np.asarray(c_top, np.float32) * (1 - w) + np.asarray(c_bottom, np.float32) * w
                  ).astype(np.uint8).repeat(img.shape[1], axis=1)


def _rect(img: np.ndarray, u0: float, v0: float, u1: float, v1: float, colour: RGB) -> None:
    pts = np.array([[u0, v0], [u1, v0], [u1, v1], [u0, v1]])
    cv2.fillPoly(img, [np.round((pts - 0.5) * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)
