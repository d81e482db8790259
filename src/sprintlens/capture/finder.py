"""Finding people at phone-on-tripod scale: search the frame in tiles, follow each person in a crop.

MediaPipe's pose detector sees the whole frame squeezed into 224 x 224 px.  A coach's phone on
a tripod, with the whole rep in view, makes the athlete 150-220 px tall in a 720p frame, so the
detector sees a figure 25-45 px tall: it misses them, or settles on a "person" in the trees.
:class:`CropFinder` gives the landmarker images in which the athlete is large:

- **Search.**  The whole frame, squares as tall as its short side and squares half as tall
  (overlapping by half) are each given to a landmarker in IMAGE mode.  A 150-220 px athlete
  fills 40-60 % of a 360 px square, which the detector finds, crouched in the blocks or not.
  The first frame gets the full sweep, and so does every :data:`FULL_SWEEP_S` while nobody is
  followed.  Otherwise every :data:`SEARCH_EVERY_S`, the few squares where the picture changed
  since the last search (a grey thumbnail's difference, opened so that the edges a shaking camera
  makes flicker vanish, people already followed masked out)
  are searched, so someone running into the frame is found within a tenth of a second at little
  cost.  Where several regions find one person, the fit with the best-seen torso and legs that
  no square's edge cuts is kept, and a small fit lying inside a larger body is part of it.  No
  search runs while ``max_people`` people are followed.
- **Follow.**  Each person found gets a landmarker of their own in VIDEO mode, fed a square crop
  centred on where their torso is predicted to be (constant velocity, smoothed so the crop stays
  steady), :data:`CROP_MARGIN` times the body's extent on a side and upscaled to at least
  :data:`MIN_INPUT_PX`.  Landmarks come back in frame pixels, with the crop each came from.  A
  person the follower loses is looked for again at once in the same crop from scratch, then in
  a crop that grows each frame, for up to :data:`LOST_S`; then they are dropped.  (A crop may
  reach outside the frame, which is black there; a crop wider than the frame's long side is
  the whole frame, so an athlete who fills the frame is seen as a plain landmarker sees them.)
- **No phantoms.**  A pose is kept only if it :func:`looks_human`: its torso, hips, knees and
  ankles are visible to the model (:data:`MIN_CORE_VISIBILITY`; scenery fits score near 0),
  it is at least :data:`MIN_BODY_PX` tall and its thighs and shins are in human proportion to
  its torso.  Two followed people on one body are one person (the one followed longer stays).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from sprintlens.capture.model import DEFAULT_MODEL, resolve_model
from sprintlens.capture.pose import MEDIAPIPE_STEP_MS, Detections, create_landmarker, poses_in_frame
from sprintlens.capture.video import VideoInfo, frames_at
from sprintlens.core.landmarks import BODY_CORE, landmark_box
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.native_output import native_stderr_silenced

log = logging.getLogger(__name__)

#: Side of a followed person's crop, in multiples of their body's extent (its larger side).
CROP_MARGIN = 2.2
#: Share of the way a crop moves to the torso centre found each frame (the rest is the predicted
#: motion), and share of the way its side moves to the body's extent.
CENTRE_GAIN = 0.5
SIDE_GAIN = 0.2
#: Crops smaller than this (px) are upscaled to it before the landmarker sees them.
MIN_INPUT_PX = 256
#: Each frame a person is not found, their crop grows by this factor (up to :data:`MAX_LOST_GROWTH`).
LOST_GROWTH = 1.25
MAX_LOST_GROWTH = 2.5
#: A followed person not found for this long (s of real time) is dropped.
LOST_S = 0.5
#: Seconds between searches for people not yet followed (squares where the picture changed).
SEARCH_EVERY_S = 0.1
#: Seconds between full sweeps of the frame while nobody is followed.
FULL_SWEEP_S = 1.0
#: Most squares searched in one motion-led search (the ones that changed most).
MAX_SEARCH_TILES = 3
#: A square is searched when at least this fraction of its thumbnail pixels changed ...
MOTION_FRACTION = 0.004
#: ... by more than this many grey levels (0-255).
MOTION_LEVELS = 25
#: Short side of the grey thumbnail the motion is measured on (px).
THUMB_SIDE_PX = 180
#: Smallest mean model visibility of the torso, hip, knee and ankle landmarks of a person.
MIN_CORE_VISIBILITY = 0.5
#: Smallest body extent (px in the frame) the landmarker can resolve into joints.
MIN_BODY_PX = 40.0
#: Longest thigh or shin in torso lengths (shoulder to hip centre) for a human body seen from any
#: side: about 0.8 in a standing adult (Winter, *Biomechanics and Motor Control of Human Movement*,
#: segment lengths 0.245 H thigh, 0.246 H shin, 0.30 H trunk), up to about 2.5 when the trunk
#: leans towards the camera.  (No shortest: a limb pointing at the camera, or a knee the model
#: put on the ankle, is short in a real person's pose too.)
MAX_LIMB_TORSO = 3.0
#: Shortest torso (shoulder to hip centre) as a share of the body's extent: about 0.3 standing,
#: 0.2-0.25 with the arms swung out or lying flat; a fit on scenery is often a flat smear.
MIN_TORSO_SHARE = 0.12
#: Shortest side of a body's box as a share of its longest: even lying flat a body is about a
#: fifth as thick as it is long.
MIN_BOX_ASPECT = 0.2
#: A person found fewer than this many times is dropped the first frame they are not found again
#: (a fit on scenery is rarely found twice running).
CONFIRM_FRAMES = 3
#: A pose at most :data:`PART_EXTENT` times as large as another, with :data:`PART_INSIDE` of its
#: box inside the other's, is a fit on part of that body (the legs of a runner found as a small
#: "person"), not someone else.
PART_EXTENT = 0.75
PART_INSIDE = 0.7
#: A pose within this share of a square's side from its edge is taken to be cut by the square.
EDGE_MARGIN = 0.02
#: Two poses whose torso centres lie within this many torso lengths are one person.
SAME_PERSON_TORSO = 0.5

_CORE = list(BODY_CORE)
_SHOULDERS = [int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER)]
_HIPS = [int(L.LEFT_HIP), int(L.RIGHT_HIP)]
_LEGS = [(int(L.LEFT_HIP), int(L.LEFT_KNEE), int(L.LEFT_ANKLE)),
         (int(L.RIGHT_HIP), int(L.RIGHT_KNEE), int(L.RIGHT_ANKLE))]




def torso_px(positions_px: np.ndarray) -> tuple[np.ndarray, float]:
    """Return the centre of the shoulders and hips (px) and the shoulder-to-hip length (px) of a pose."""
    shoulders = np.nanmean(positions_px[_SHOULDERS], axis=0)
    hips = np.nanmean(positions_px[_HIPS], axis=0)
    return (shoulders + hips) / 2, float(np.hypot(*(shoulders - hips)))


def looks_human(positions_px: np.ndarray, visibility: np.ndarray, min_body_px: float = MIN_BODY_PX) -> str | None:
    """Say why a pose is not a person's, or ``None`` if it could be one (rules in the module docstring).

    Parameters
    ----------
    positions_px : ndarray, shape (33, 2)
        Landmarks in frame pixels.
    visibility : ndarray, shape (33,)
        The model's visibility of each landmark (0-1).
    min_body_px : float
        Smallest body extent accepted (px).

    Returns
    -------
    str or None
        A short reason ("torso and legs barely visible (0.06)", ...), or ``None``.
    """
    core = visibility[_CORE]
    seen = float(np.nanmean(core)) if np.isfinite(core).any() else 0.0
    if seen < MIN_CORE_VISIBILITY:
        return f"torso and legs barely visible ({seen:.2f})"
    box = landmark_box(positions_px)
    extent = float(np.max(box[2:] - box[:2])) if np.all(np.isfinite(box)) else 0.0
    if extent < min_body_px:
        return f"{extent:.0f} px tall, too small to measure"
    if float(np.min(box[2:] - box[:2])) < MIN_BOX_ASPECT * extent:
        return "a flat smear, not a body"
    _, torso = torso_px(positions_px)
    if not (np.isfinite(torso) and torso >= MIN_TORSO_SHARE * extent):
        return "no torso to speak of"
    for hip, knee, ankle in _LEGS:
        for a, b, name in ((hip, knee, "thigh"), (knee, ankle, "shin")):
            ratio = float(np.hypot(*(positions_px[a] - positions_px[b]))) / torso
            if np.isfinite(ratio) and ratio > MAX_LIMB_TORSO:
                return f"{name} {ratio:.1f} torso lengths, not a human proportion"
    return None


@dataclass(frozen=True)
class Region:
    """A part of the frame given to the landmarker: ``x0, y0`` top left, ``width, height`` (px)."""

    x0: float
    y0: float
    width: float
    height: float

    @classmethod
    def square(cls, centre: np.ndarray, side: float) -> Region:
        """Make the square of side ``side`` (px) centred on ``centre`` (x, y), whole pixels.

        Parameters
        ----------
        centre : ndarray, shape (2,)
            Centre of the square (px).
        side : float
            Its side (px).

        Returns
        -------
        Region
            The square (it may reach outside the frame; the outside is black).
        """
        side = float(max(round(side), 8))
        return cls(float(round(centre[0] - side / 2)), float(round(centre[1] - side / 2)), side, side)

    def cut(self, rgb: np.ndarray) -> np.ndarray:
        """Return the region's pixels (black outside the frame), upscaled to :data:`MIN_INPUT_PX` if smaller.

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3)
            The frame.

        Returns
        -------
        ndarray
            A contiguous RGB image of the region.
        """
        h, w = rgb.shape[:2]
        x0, y0, rw, rh = int(self.x0), int(self.y0), int(self.width), int(self.height)
        xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + rw, w), min(y0 + rh, h)
        if (xa, ya, xb, yb) == (x0, y0, x0 + rw, y0 + rh):
            image = rgb[ya:yb, xa:xb]
        else:
            image = np.zeros((rh, rw, 3), dtype=rgb.dtype)
            if xb > xa and yb > ya:
                image[ya - y0:yb - y0, xa - x0:xb - x0] = rgb[ya:yb, xa:xb]
        if min(rw, rh) < MIN_INPUT_PX:
            factor = MIN_INPUT_PX / min(rw, rh)
            image = cv2.resize(image, (round(rw * factor), round(rh * factor)), interpolation=cv2.INTER_LINEAR)
        return np.ascontiguousarray(image)

    @property
    def as_tuple(self) -> tuple[float, float, float, float]:
        """``(x0, y0, width, height)``."""
        return (self.x0, self.y0, self.width, self.height)


def search_regions(width: int, height: int) -> list[Region]:
    """Return the regions of a full sweep: the whole frame, then squares of its short side and of half that.

    Parameters
    ----------
    width, height : int
        Frame size (px).

    Returns
    -------
    list of Region
        The whole frame first, then the squares row by row; neighbouring squares overlap by half.
    """
    regions = [Region(0.0, 0.0, float(width), float(height))]
    short = min(width, height)
    for side in (short, short // 2):
        if side < 64:
            continue
        stride = max(side // 2, 1)
        xs = sorted({*range(0, max(width - side, 0) + 1, stride), max(width - side, 0)})
        ys = sorted({*range(0, max(height - side, 0) + 1, stride), max(height - side, 0)})
        if side == short and len(xs) * len(ys) == 1:
            continue  # a square frame: the whole frame already
        regions += [Region(float(x), float(y), float(side), float(side)) for y in ys for x in xs]
    return regions


@dataclass
class _Followed:
    """One person being followed: their landmarker and where their crop is."""

    id: int
    landmarker: object
    box: np.ndarray  # x0, y0, x1, y1 of the latest pose (px)
    centre: np.ndarray  # centre of the crop (px): the torso centre, smoothed
    side: float  # crop side (px)
    last_frame: int
    last_t_s: float
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))  # of the torso centre, px per frame
    missed: int = 0
    hits: int = 1

    def predicted(self, frame: int) -> np.ndarray:
        return self.centre + self.velocity * (frame - self.last_frame)

    def crop(self, frame: int) -> Region:
        growth = min(LOST_GROWTH ** self.missed, MAX_LOST_GROWTH)
        return Region.square(self.predicted(frame), self.side * growth)

    def distance_px(self, pose: np.ndarray, frame: int) -> float:
        return float(np.hypot(*(torso_px(pose)[0] - self.predicted(frame))))

    def update(self, pose: np.ndarray, frame: int, t_s: float) -> None:
        box = landmark_box(pose)
        torso_centre = torso_px(pose)[0]
        ahead = max(frame - self.last_frame, 1)
        predicted = self.predicted(frame)
        if np.all(np.isfinite(torso_centre)):
            self.velocity = 0.5 * self.velocity + 0.5 * (torso_centre - self.centre) / ahead
            # a steady crop keeps the landmarker's own tracking steady: follow the torso, not the
            # swinging limbs, and move only part of the way to it each frame
            self.centre = predicted + CENTRE_GAIN * (torso_centre - predicted)
        self.side = (1 - SIDE_GAIN) * self.side + SIDE_GAIN * CROP_MARGIN * float(np.max(box[2:] - box[:2]))
        self.box, self.last_frame, self.last_t_s, self.missed = box, frame, t_s, 0
        self.hits += 1


class CropFinder:
    """A pose estimator that finds small people: tiles to search, a crop per person to follow.

    Satisfies :class:`~sprintlens.capture.pose.PoseEstimator`; the rules are in the module
    docstring.  Detections carry the crop each person was found in.

    Parameters
    ----------
    fps : float
        Real frame rate of the stream (frames/s): sets how often to search and how long a lost
        person is looked for.
    model_path : path-like, optional
        A ``.task`` bundle instead of a shipped one.
    model : {"full", "heavy"}
        Which shipped bundle to use without ``model_path``.
    max_people : int
        Most people followed at once.
    min_confidence : float
        MediaPipe's detection, presence and tracking thresholds (0-1).
    """

    def __init__(self, fps: float, model_path: str | Path | None = None, *, model: str = DEFAULT_MODEL,
                 max_people: int = 3, min_confidence: float = 0.5) -> None:
        if max_people < 1:
            raise ValueError("max_people must be at least 1")
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError("fps must be positive")
        self._bundle, checksum = resolve_model(model_path, model)
        import mediapipe as mp

        self._mp = mp
        self._confidence = min_confidence
        self._searcher = create_landmarker(self._bundle, video=False, num_poses=max_people,
                                           min_detection_confidence=min_confidence,
                                           min_presence_confidence=min_confidence,
                                           min_tracking_confidence=min_confidence)
        self.model_id = f"{Path(self._bundle).name} sha256:{checksum}"
        self.model_version = f"mediapipe {mp.__version__}"
        self.max_people = max_people
        self.fps = float(fps)
        self._followed: list[_Followed] = []
        self._next_id = 0
        self._thumb: np.ndarray | None = None
        self._followed_at_search: list[Region] = []
        self._last_search = -math.inf
        self._last_sweep = -math.inf
        self._frames = 0
        self.searches = 0  # regions given to the searching landmarker (for benchmarks)

    # -- the landmarker calls ----------------------------------------------------------------
    def _detect(self, landmarker: object, rgb: np.ndarray, region: Region, timestamp_ms: int | None) -> Detections:
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=region.cut(rgb))
        with native_stderr_silenced():  # new landmarkers log their first pose
            result = (landmarker.detect(image) if timestamp_ms is None  # type: ignore[attr-defined]
                      else landmarker.detect_for_video(image, timestamp_ms))  # type: ignore[attr-defined]
        return poses_in_frame(result.pose_landmarks, region.as_tuple)

    def _human_fits(self, rgb: np.ndarray, regions: list[Region]) -> list[tuple[Detections, np.ndarray, Region]]:
        """Give each region to the searching landmarker; return each fit that looks human, its box and region."""
        fits = []
        for region in regions:
            found = self._detect(self._searcher, rgb, region, None)
            fits += [(_one(found, j), landmark_box(found.positions_px[j]), region) for j in self._humans(found)]
        return fits

    def _humans(self, found: Detections) -> list[int]:
        return [j for j in range(found.n_people) if looks_human(found.positions_px[j], found.visibility[j]) is None]

    # -- one frame ---------------------------------------------------------------------------
    def estimate(self, rgb: np.ndarray, frame_number: int) -> Detections:
        """Find the people in one RGB frame (H x W x 3, uint8); ``frame_number`` increases through the stream.

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3)
            The frame.
        frame_number : int
            Its number in the stream (increasing).

        Returns
        -------
        Detections
            Everyone followed or newly found in this frame, with the crop each was found in.
        """
        t_s = frame_number / self.fps
        kept: list[tuple[_Followed, Detections]] = []
        height, width = rgb.shape[:2]
        for person in list(self._followed):
            region = person.crop(frame_number)
            if region.width >= max(width, height):  # larger than the frame: the frame, as it is
                region = Region(0.0, 0.0, float(width), float(height))
            found = self._detect(person.landmarker, rgb, region, frame_number * MEDIAPIPE_STEP_MS)
            humans = self._humans(found)
            if not humans:  # the follower lost its hold: look again in the same crop, from scratch
                found = self._detect(self._searcher, rgb, region, None)
                humans = sorted(self._humans(found), key=lambda j: person.distance_px(found.positions_px[j],
                                                                                      frame_number))
            if humans:
                j = humans[0]
                person.update(found.positions_px[j], frame_number, t_s)
                kept.append((person, _one(found, j)))
            else:
                person.missed += 1
                if t_s - person.last_t_s > LOST_S or person.hits < CONFIRM_FRAMES:
                    self._drop(person)
        out = self._one_per_body(kept)
        if len(self._followed) < self.max_people:
            out += self._search(rgb, frame_number, t_s)
        self._frames += 1
        return Detections.stack(out)

    def _one_per_body(self, kept: list[tuple[_Followed, Detections]]) -> list[Detections]:
        """Drop the later-found of two followed people whose poses coincide (one body, two followers)."""
        out: list[Detections] = []
        for person, det in kept:  # in order of following: the older follow comes first
            centre, torso = torso_px(det.positions_px[0])
            if any(_same_body(centre, torso, o.positions_px[0]) for o in out):
                self._drop(person)
                continue
            out.append(det)
        return out

    def _drop(self, person: _Followed) -> None:
        self._followed.remove(person)
        with native_stderr_silenced():
            person.landmarker.close()  # type: ignore[attr-defined]

    def _search(self, rgb: np.ndarray, frame_number: int, t_s: float) -> list[Detections]:
        h, w = rgb.shape[:2]
        thumb_scale = THUMB_SIDE_PX / min(w, h)
        if self._followed or t_s - self._last_sweep < FULL_SWEEP_S:
            if t_s - self._last_search < SEARCH_EVERY_S:
                return []
            thumb = _thumbnail(rgb, thumb_scale)
            regions = self._changed_regions(thumb, thumb_scale, w, h, frame_number)
            log.debug("frame %d: %d changed squares searched", frame_number, len(regions))
            self._thumb, self._last_search = thumb, t_s
        else:
            regions = search_regions(w, h)
            log.debug("frame %d: full sweep", frame_number)
            self._thumb = _thumbnail(rgb, thumb_scale)
            self._last_search = self._last_sweep = t_s
        self.searches += len(regions)
        candidates: list[tuple[float, Detections]] = []
        for det, box, region in self._human_fits(rgb, regions):
            whole = region.as_tuple == (0.0, 0.0, float(w), float(h))
            # a body cut by a square's edge is found whole in a larger square: prefer that fit
            cut = not whole and _touches_edge(box, region)
            candidates.append((float(np.nanmean(det.visibility[0][_CORE])) - (1.0 if cut else 0.0), det))
        new: list[Detections] = []
        boxes = [p.box for p in self._followed]
        every_box = [landmark_box(det.positions_px[0]) for _, det in candidates] + boxes
        candidates = [c for c, box in zip(candidates, every_box)
                      if not any(_part_of(box, other) for other in every_box)]
        for _, det in sorted(candidates, key=lambda c: -c[0]):
            if len(self._followed) >= self.max_people:
                break
            centre, torso = torso_px(det.positions_px[0])
            if any(_inside(centre, box) for box in boxes) or any(_same_body(centre, torso, d.positions_px[0])
                                                                 for d in new):
                continue
            self._follow(det, frame_number, t_s)
            boxes.append(landmark_box(det.positions_px[0]))
            new.append(det)
        return new

    def _changed_regions(self, thumb: np.ndarray, scale: float, w: int, h: int, frame_number: int) -> list[Region]:
        if self._thumb is None or self._thumb.shape != thumb.shape:
            return []
        changed = (cv2.absdiff(thumb, self._thumb) > MOTION_LEVELS).astype(np.uint8)
        # a body that moves changes a solid patch; a camera that shakes makes edges flicker: open
        # the mask so that lines one or two pixels wide vanish
        changed = cv2.morphologyEx(changed, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
        followed = [p.crop(frame_number) for p in self._followed]
        # motion of people already followed is not news: where they are now and where they were
        for r in followed + self._followed_at_search:
            x0, y0 = max(int(r.x0 * scale), 0), max(int(r.y0 * scale), 0)
            changed[y0:int((r.y0 + r.height) * scale) + 1, x0:int((r.x0 + r.width) * scale) + 1] = False
        self._followed_at_search = followed
        scored = []
        for region in search_regions(w, h)[1:]:
            x0, y0 = int(region.x0 * scale), int(region.y0 * scale)
            patch = changed[y0:int((region.y0 + region.height) * scale), x0:int((region.x0 + region.width) * scale)]
            fraction = float(patch.mean()) if patch.size else 0.0
            if fraction >= MOTION_FRACTION:
                scored.append((fraction, region))
        scored.sort(key=lambda s: -s[0])
        return [region for _, region in scored[:MAX_SEARCH_TILES]]

    def _follow(self, det: Detections, frame_number: int, t_s: float) -> None:
        box = landmark_box(det.positions_px[0])
        landmarker = create_landmarker(self._bundle, video=True, num_poses=1,
                                       min_detection_confidence=self._confidence,
                                       min_presence_confidence=self._confidence,
                                       min_tracking_confidence=self._confidence)
        side = CROP_MARGIN * float(np.max(box[2:] - box[:2]))
        centre = torso_px(det.positions_px[0])[0]
        if not np.all(np.isfinite(centre)):
            centre = (box[:2] + box[2:]) / 2
        self._followed.append(_Followed(self._next_id, landmarker, box, centre, side, frame_number, t_s))
        log.debug("following person %d from frame %d at (%.0f, %.0f), %.0f px", self._next_id, frame_number,
                  *((box[:2] + box[2:]) / 2), box[3] - box[1])
        self._next_id += 1

    def close(self) -> None:
        """Release every landmarker; closing again does nothing."""
        for person in list(self._followed):
            self._drop(person)
        if self._searcher is not None:
            with native_stderr_silenced():
                self._searcher.close()  # type: ignore[attr-defined]
            self._searcher = None

    def __enter__(self) -> CropFinder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Survey:
    """How large the people in a clip are, from a full sweep of a few frames (``sprintlens info``).

    Attributes
    ----------
    frames : tuple of int
        The frames swept.
    tallest_px : tuple of float
        Per frame, the height (px) of the tallest person found there; NaN where nobody was.
    shoulders_torso : tuple of float
        Per frame, that person's shoulder separation in the image, in torso lengths (how far the
        view is from side on: :mod:`sprintlens.analysis.view`); NaN where nobody was.
    """

    frames: tuple[int, ...]
    tallest_px: tuple[float, ...]
    shoulders_torso: tuple[float, ...] = ()

    @property
    def shoulder_torso(self) -> float:
        """Median shoulder separation (torso lengths) of the tallest person; NaN if nobody."""
        found = [v for v in self.shoulders_torso if np.isfinite(v)]
        return float(np.median(found)) if found else float("nan")

    @property
    def athlete_px(self) -> float:
        """Median height (px) of the tallest person over the frames where someone was found; NaN if nobody."""
        found = [h for h in self.tallest_px if np.isfinite(h)]
        return float(np.median(found)) if found else float("nan")


def survey(info: VideoInfo, samples: int = 5, model: str = DEFAULT_MODEL, model_path: str | Path | None = None,
           min_confidence: float = 0.5) -> Survey:
    """Sweep a few frames spread through a clip for people, as the finder's search does.

    Parameters
    ----------
    info : VideoInfo
        The probed clip.
    samples : int
        Frames to sweep, evenly spread (the first and last tenth left out).
    model, model_path : str, path, optional
        The pose model.
    min_confidence : float
        MediaPipe's thresholds (0-1).

    Returns
    -------
    Survey
        The frames swept and the tallest person's height in each.
    """
    n = max(info.n_frames, 1)
    wanted = sorted({int(round(n * (0.1 + 0.8 * (k + 0.5) / samples))) for k in range(samples)})
    pictures = frames_at(info, wanted)
    frames, tallest, shoulders = [], [], []
    with CropFinder(info.capture_fps, model_path, model=model, min_confidence=min_confidence) as finder:
        for index in sorted(pictures):
            rgb = pictures[index]
            h, w = rgb.shape[:2]
            fits = [(det.positions_px[0], box) for det, box, region in finder._human_fits(rgb, search_regions(w, h))
                    if not _touches_edge(box, region)]
            kept = [k for k, (_, b) in enumerate(fits) if not any(_part_of(b, o) for _, o in fits)]
            frames.append(index)
            if kept:
                pose, box = fits[max(kept, key=lambda k: float(fits[k][1][3] - fits[k][1][1]))]
                tallest.append(float(box[3] - box[1]))
                _, torso = torso_px(pose)
                spread = abs(float(pose[_SHOULDERS[0], 0] - pose[_SHOULDERS[1], 0]))
                shoulders.append(spread / torso if torso > 0 else float("nan"))
            else:
                tallest.append(float("nan"))
                shoulders.append(float("nan"))
    return Survey(tuple(frames), tuple(tallest), tuple(shoulders))


def _thumbnail(rgb: np.ndarray, scale: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (max(round(w * scale), 1), max(round(h * scale), 1)), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)


def _one(found: Detections, j: int) -> Detections:
    return Detections(*(getattr(found, name)[j:j + 1] for name in Detections._fields))


def _part_of(box: np.ndarray, other: np.ndarray) -> bool:
    """Tell whether ``box`` is a part of a larger body's ``other``: mostly inside it and much smaller."""
    extent, other_extent = float(np.max(box[2:] - box[:2])), float(np.max(other[2:] - other[:2]))
    if not extent < PART_EXTENT * other_extent:
        return False
    inner = np.clip(np.minimum(box[2:], other[2:]) - np.maximum(box[:2], other[:2]), 0, None)
    area = float(np.prod(box[2:] - box[:2]))
    return area > 0 and float(np.prod(inner)) / area >= PART_INSIDE


def _touches_edge(box: np.ndarray, region: Region) -> bool:
    margin = EDGE_MARGIN * region.width
    return bool(box[0] < region.x0 + margin or box[1] < region.y0 + margin
                or box[2] > region.x0 + region.width - margin or box[3] > region.y0 + region.height - margin)


def _inside(point: np.ndarray, box: np.ndarray) -> bool:
    return bool(box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3])


def _same_body(centre: np.ndarray, torso: float, other_pose: np.ndarray) -> bool:
    other, other_torso = torso_px(other_pose)
    return float(np.hypot(*(centre - other))) < SAME_PERSON_TORSO * max(torso, other_torso)
