"""The side-on camera: world metres to image pixels, still or tracking along the track.

A pinhole camera looks horizontally across the track, its optical axis perpendicular to the
athlete's running line.  The athlete's sagittal midplane is ``distance_m`` from the camera, so a
point there is imaged at ``px_per_m = focal_px / distance_m`` pixels per metre; points nearer the
camera (the near limbs) come out slightly larger, far ones slightly smaller.  Because every limb
moves in a plane parallel to the image plane, its joint angles are imaged without distortion.

A *tracking* camera keeps its orientation and slides along the track (a camera on a rail or a
cart, or a phone carried alongside): the image of the running line shifts by
``-(camera_x - camera_x[0]) * px_per_m`` pixels, with no change of scale.  (A phone that only
turns to follow would add perspective distortion; this model keeps the ground truth exact.)

World frame: ``x`` forward along the run, ``y`` up from the track, ``z`` to the athlete's left.
The camera stands on the athlete's right when the athlete runs left to right in the image
(``direction = +1``), on the athlete's left otherwise.

A camera that is not side on (``yaw_deg``, still cameras only) is the side-on camera swung about
the vertical axis through the running line at the point ``x_m`` on its optical axis: world
points are rotated by ``yaw_deg`` about that axis and then imaged by the same pinhole.  In the
side-on camera's coordinates (``a = direction * (x - x_m)`` across the image, ``c = direction * z``
away from the camera) the rotation is ``a' = a cos(r) - c sin(r)``, ``c' = a sin(r) + c cos(r)`` with
``r = direction * yaw``; the point is imaged ``a'`` across at depth ``distance_m + c'``.  Yaw 0 is
the side-on view; yaw +90 films the athlete from behind as they run straight away, yaw -90 from
the front as they run straight at the camera; 30-45 deg either way is an oblique view.  The pivot
stays ``distance_m`` from the camera, so a frontal camera should stand further away than the run
is long.  Joint angles are then no
longer imaged without distortion: the sagittal plane is foreshortened across the image by
``cos(yaw)`` (see :mod:`sprintlens.synth.truth`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Camera", "CameraSpec"]


@dataclass(frozen=True)
class CameraSpec:
    """Where the camera is and how it moves.

    Attributes
    ----------
    distance_m : float
        Camera to the athlete's running line (m).
    hfov_deg : float
        Horizontal field of view (deg); a phone's main camera is about 65-70 deg, its 2x zoom
        about 40 deg.  The defaults make the athlete about 55 % of the frame height: MediaPipe's
        pose *detector* finds the rendered figure reliably from about 50 % (at 35-40 % it finds
        it in only some frames, as it does real runners; its landmark model, once it has the
        athlete, tracks much smaller figures).
    height_m : float
        Camera height above the track (m).
    horizon : float
        Image row of the horizon as a fraction of the image height (0 top, 1 bottom).
    pan : bool
        Track the athlete (see the module docstring) instead of standing still.
    lead_m : float
        A tracking camera frames the hips this far ahead of the image centre (m, along the run).
    x_m : float or None
        World x (m) on the optical axis of a still camera; ``None``: chosen by the clip.
    yaw_deg : float
        Swing of the camera about the vertical axis through the running line at ``x_m`` (deg;
        see the module docstring): 0 side on, +90 from behind (the athlete runs straight away),
        -90 from the front (straight at the camera), 30-45 oblique.  Only for a still camera.
    """

    distance_m: float = 7.0
    hfov_deg: float = 45.0
    height_m: float = 1.1
    horizon: float = 0.42
    pan: bool = False
    lead_m: float = 0.0
    x_m: float | None = None
    yaw_deg: float = 0.0

    def __post_init__(self) -> None:
        if not (self.distance_m > 1.0 and 5.0 < self.hfov_deg < 150.0 and self.height_m > 0.0):
            raise ValueError("camera: distance > 1 m, field of view 5-150 deg and height > 0 are required")
        if not -90.0 <= self.yaw_deg <= 90.0:
            raise ValueError(f"camera yaw must be within -90..90 deg, got {self.yaw_deg}")
        if self.yaw_deg != 0.0 and self.pan:
            raise ValueError("a camera with a yaw must stand still (pan=False)")


@dataclass(frozen=True)
class Camera:
    """A camera of a given image size, per-frame position and running direction.

    Attributes
    ----------
    width_px, height_px : int
        Image size (pixels).
    focal_px : float
        Focal length (pixels).
    distance_m : float
        Camera to the athlete's midplane (m).
    height_m : float
        Camera height above the track (m).
    horizon_px : float
        Image row of the horizon (the principal point's row).
    direction : int
        +1: the athlete runs left to right in the image; -1: right to left.
    x_m : ndarray (T,)
        World x on the optical axis at each frame (m).
    yaw_deg : float
        Swing about the vertical axis through the running line at ``x_m`` (deg; 0 side on).
    """

    width_px: int
    height_px: int
    focal_px: float
    distance_m: float
    height_m: float
    horizon_px: float
    direction: int
    x_m: np.ndarray
    yaw_deg: float = 0.0

    @classmethod
    def from_spec(cls, spec: CameraSpec, size: tuple[int, int], direction: int, x_m: np.ndarray) -> Camera:
        """Make a camera with ``spec``'s geometry, image ``size`` (width, height) and positions ``x_m``.

        Parameters
        ----------
        spec : CameraSpec
            Distance, field of view, height and horizon of the camera.
        size : (int, int)
            Image ``(width, height)`` in pixels.
        direction : {+1, -1}
            +1: the athlete runs left to right in the image; -1: right to left.
        x_m : ndarray, shape (T,)
            World x on the optical axis at each frame (m).

        Returns
        -------
        Camera
            The camera, its focal length (px) set by the horizontal field of view and image width.

        Raises
        ------
        ValueError
            If ``direction`` is neither +1 nor -1.
        """
        if direction not in (1, -1):
            raise ValueError(f"direction must be +1 or -1, got {direction}")
        width, height = int(size[0]), int(size[1])
        focal = (width / 2) / math.tan(math.radians(spec.hfov_deg) / 2)
        return cls(width, height, focal, spec.distance_m, spec.height_m, spec.horizon * height, direction,
                   np.asarray(x_m, dtype=np.float64), float(spec.yaw_deg))

    @property
    def px_per_m(self) -> float:
        """Image scale in the athlete's midplane (pixels per metre)."""
        return self.focal_px / self.distance_m

    @property
    def n_frames(self) -> int:
        """Number of frames (T) the camera has a position for."""
        return int(self.x_m.shape[0])

    def depth(self, z_m: np.ndarray | float) -> np.ndarray:
        """Return the distance along the optical axis (m) of points at lateral position ``z_m`` (m), side on.

        Parameters
        ----------
        z_m : ndarray or float
            Lateral world position (m, to the athlete's left).

        Returns
        -------
        ndarray
            Depth (m) of such points seen side on (yaw 0); :meth:`point_depth` holds for any yaw.
        """
        return self.distance_m + self.direction * np.asarray(z_m, dtype=np.float64)

    def _rotated(self, p: np.ndarray, frame: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the across-image offset (m) and the depth (m) of world points (..., 3) at a yaw."""
        a = self.direction * (p[..., 0] - self.x_m[frame])
        c = self.direction * p[..., 2]
        yaw = math.radians(self.direction * self.yaw_deg)  # +yaw sends the run away whichever way it goes
        return a * math.cos(yaw) - c * math.sin(yaw), self.distance_m + a * math.sin(yaw) + c * math.cos(yaw)

    def point_depth(self, points_m: np.ndarray, frame: int | np.ndarray) -> np.ndarray:
        """Return the distance along the optical axis (m) of world points as seen at ``frame``.

        Parameters
        ----------
        points_m : ndarray, shape (..., 3)
            World points (m).
        frame : int or ndarray
            Camera instant (an array broadcasting against ``points_m[..., 0]``).

        Returns
        -------
        ndarray, shape (...)
            Depth (m); equal to :meth:`depth` of the points' ``z`` at yaw 0.
        """
        p = np.asarray(points_m, dtype=np.float64)
        if self.yaw_deg == 0.0:
            return self.depth(p[..., 2])
        return self._rotated(p, frame)[1]

    def project(self, points_m: np.ndarray, frame: int | np.ndarray) -> np.ndarray:
        """Project world points (..., 3) in m to image pixels (..., 2) as seen from the camera at ``frame``.

        ``frame`` may be an array broadcasting against ``points_m[..., 0]`` (one camera position
        per point).  Points at or behind the camera (depth below 1 cm) come out NaN.

        Parameters
        ----------
        points_m : ndarray, shape (..., 3)
            World points (m).
        frame : int or ndarray
            Camera instant.

        Returns
        -------
        ndarray, shape (..., 2)
            Continuous pixel coordinates (x right, y down).
        """
        p = np.asarray(points_m, dtype=np.float64)
        if self.yaw_deg == 0.0:
            depth = self.depth(p[..., 2])
            u = self.width_px / 2 + self.direction * self.focal_px * (p[..., 0] - self.x_m[frame]) / depth
        else:
            across, depth = self._rotated(p, frame)
            depth = np.where(depth > 0.01, depth, np.nan)
            u = self.width_px / 2 + self.focal_px * across / depth
        v = self.horizon_px - self.focal_px * (p[..., 1] - self.height_m) / depth
        return np.stack([u, v], axis=-1)

    def scale(self, z_m: np.ndarray | float) -> np.ndarray:
        """Return the image scale (pixels per metre) at lateral position ``z_m`` (m)."""
        return self.focal_px / self.depth(z_m)

    def ground_row(self, depth_m: np.ndarray | float) -> np.ndarray:
        """Return the image row (px) of the track surface at a given depth (m)."""
        return self.horizon_px + self.focal_px * self.height_m / np.asarray(depth_m, dtype=np.float64)

    def offset_px(self) -> np.ndarray:
        """Return the (T,) horizontal image shift of the running line relative to the first frame (pixels)."""
        return -self.direction * (self.x_m - self.x_m[0]) * self.px_per_m
