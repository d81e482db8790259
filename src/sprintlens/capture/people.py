"""Following people from frame to frame and choosing which one is the athlete.

Pure functions on the per-frame :class:`~sprintlens.capture.pose.Detections`; no video, no model.

Following: each person is a chain of detections.  MediaPipe asked for several people sometimes
returns the same person twice (two fits whose torsos coincide); such duplicates are dropped
first, keeping the fit with the higher mean visibility.  A detection then joins the chain whose
last torso centre is nearest, within the distance a sprinter could cover since
(:data:`MAX_SPEED_TORSO_PER_S`).  Distances are in the chain's recent median torso length (one
bad fit does not shrink the scale), and a chain pays :data:`STALE_COST_TORSO_PER_S` for each
second it has gone unseen, so a chain seen in the previous frame wins a detection over one lost a
while ago; a fit whose torso is more than :data:`MAX_TORSO_RATIO` times larger or smaller than
the chain's is not the same person.  Chains survive gaps of up to ``max_gap_s``.  In each frame
the cheapest chain-detection pairs are linked first (a joint optimum would let a stray fit pull
a chain off its person to lower the total).

Listing: the people a user can pick (:func:`listed_people`) are those seen for at least
:data:`MIN_LISTED_S` whose torso, hips, knees and ankles the model saw (median visibility at
least :data:`MIN_PERSON_VISIBILITY`); a chain of fits on scenery, which the model scores near 0,
is never a candidate, so a clip of scenery ends with "nobody found" rather than a phantom.  They
are numbered from 1 in the order they were first seen (``sprintlens people`` draws the numbers).

Choosing (default): among the people listed that were tracked in at least half as many frames
as the most tracked of them, the one who moves most along the direction of travel (mean
horizontal speed of hips and ankles, in torso lengths per second).  With a point ``(x, y)``: the
person nearest that point on the first frame where anyone is there, followed from then on.  With
a number: that person of the list.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sprintlens.capture.pose import Detections
from sprintlens.core.errors import NoAthleteError
from sprintlens.core.landmarks import BODY_CORE, landmark_box
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import empty_landmarks

log = logging.getLogger(__name__)

#: Fastest plausible movement of a torso centre, in torso lengths per second (~12 m/s).
MAX_SPEED_TORSO_PER_S = 25.0
#: Allowance for pose jitter when linking, in torso lengths.
LINK_SLACK_TORSO = 0.5
#: Linking cost added per second a chain has gone unseen, in torso lengths.
STALE_COST_TORSO_PER_S = 3.0
#: Number of a chain's latest detections whose median torso length sets its distance scale.
TORSO_SCALE_WINDOW = 10
#: Largest ratio between a detection's torso length and its chain's for them to be linked.
MAX_TORSO_RATIO = 2.0
#: Two detections in one frame whose torso centres lie closer than this (in torso lengths) are
#: the same person found twice.
DUPLICATE_TORSO = 0.5
#: A person tracked in at least this fraction of the most-tracked person's frames may be the athlete.
MIN_RELATIVE_COVERAGE = 0.5

#: Median model visibility of the torso, hip, knee and ankle landmarks a person needs to be listed.
MIN_PERSON_VISIBILITY = 0.5
#: Shortest time a person must be seen to be listed (s); a fit that flickers for a frame is not a person.
MIN_LISTED_S = 0.2

_CORE = list(BODY_CORE)
_TORSO = [int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER), int(L.LEFT_HIP), int(L.RIGHT_HIP)]
_MOVERS = [int(L.LEFT_HIP), int(L.RIGHT_HIP), int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE)]


def torso_centre_and_length(positions_px: np.ndarray) -> tuple[np.ndarray, float]:
    """Return the centre of shoulders and hips, and the shoulder-to-hip length (px), of one pose (33, 2)."""
    torso = positions_px[_TORSO]
    centre = np.nanmean(torso, axis=0)
    shoulders = np.nanmean(torso[:2], axis=0)
    hips = np.nanmean(torso[2:], axis=0)
    length = float(np.hypot(*(shoulders - hips)))
    if not np.isfinite(length) or length < 1.0:
        extent = np.nanmax(positions_px, axis=0) - np.nanmin(positions_px, axis=0)
        length = max(float(np.nanmax(extent)) / 3.0, 1.0) if np.all(np.isfinite(extent)) else 1.0
    return centre, length


@dataclass
class Person:
    """One person followed through the stream: which detection is theirs in which frame."""

    id: int
    frames: list[int] = field(default_factory=list)  # positions in the stream, increasing
    slots: list[int] = field(default_factory=list)  # index of their detection in that frame
    centres: list[np.ndarray] = field(default_factory=list)
    torso_px: list[float] = field(default_factory=list)

    def add(self, frame: int, slot: int, centre: np.ndarray, torso: float) -> None:
        """Append one detection of this person.

        Parameters
        ----------
        frame : int
            Position of the frame in the stream (after the person's latest frame).
        slot : int
            Index of the person's detection in that frame.
        centre : ndarray, shape (2,)
            Torso centre of the detection (px).
        torso : float
            Shoulder-to-hip length of the detection (px).
        """
        self.frames.append(frame)
        self.slots.append(slot)
        self.centres.append(centre)
        self.torso_px.append(torso)

    @property
    def n_frames(self) -> int:
        """Number of frames in which the person was detected."""
        return len(self.frames)

    @property
    def scale_px(self) -> float:
        """Median torso length (px) over the latest detections: the unit of linking distances."""
        return float(np.median(self.torso_px[-TORSO_SCALE_WINDOW:]))


def follow_people(detections: Sequence[Detections], t_s: np.ndarray, max_gap_s: float = 1.0) -> list[Person]:
    """Link detections into people through the stream.

    Parameters
    ----------
    detections : sequence of Detections
        One entry per frame of the stream.
    t_s : ndarray (T,)
        Real time of each frame (s).
    max_gap_s : float
        Longest time a person may go undetected and still be recognised (s).

    Returns
    -------
    list of Person
        Everyone followed, in the order they were first seen (``Person.id`` is the position).
    """
    people: list[Person] = []
    for k, found in enumerate(detections):
        if found.n_people == 0:
            continue
        stats = {j: torso_centre_and_length(found.positions_px[j]) for j in distinct_detections(found)}
        slots = list(stats)
        active = [p for p in people if t_s[k] - t_s[p.frames[-1]] <= max_gap_s]
        assigned: set[int] = set()
        if active:
            cost = np.full((len(active), len(slots)), np.inf)
            for i, person in enumerate(active):
                dt = t_s[k] - t_s[person.frames[-1]]
                gate = LINK_SLACK_TORSO + MAX_SPEED_TORSO_PER_S * dt
                scale = person.scale_px
                for col, j in enumerate(slots):
                    centre, torso = stats[j]
                    if not 1 / MAX_TORSO_RATIO <= torso / scale <= MAX_TORSO_RATIO:
                        continue
                    distance = float(np.hypot(*(centre - person.centres[-1]))) / scale
                    if np.isfinite(distance) and distance <= gate:
                        cost[i, col] = distance + STALE_COST_TORSO_PER_S * dt
            for i, col in _cheapest_first(cost):
                active[i].add(k, slots[col], *stats[slots[col]])
                assigned.add(slots[col])
        for j in slots:
            if j not in assigned:
                person = Person(id=len(people))
                person.add(k, j, *stats[j])
                people.append(person)
    return people


def _cheapest_first(cost: np.ndarray) -> list[tuple[int, int]]:
    """Take pairs (row, column) in order of increasing finite cost, each row and column once."""
    rows, cols = np.nonzero(np.isfinite(cost))
    pairs: list[tuple[int, int]] = []
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    for n in np.argsort(cost[rows, cols], kind="stable"):
        i, j = int(rows[n]), int(cols[n])
        if i not in used_rows and j not in used_cols:
            pairs.append((i, j))
            used_rows.add(i)
            used_cols.add(j)
    return pairs


def distinct_detections(found: Detections) -> list[int]:
    """Return the indices of the detections in one frame that are distinct people (duplicates dropped).

    Two detections whose torso centres lie within :data:`DUPLICATE_TORSO` torso lengths (the
    larger of the two) are one person; the one with the higher mean visibility is kept.
    Detections with no torso position are dropped.
    """
    stats = [torso_centre_and_length(p) for p in found.positions_px]
    score = [float(np.nanmean(v)) if np.isfinite(v).any() else 0.0 for v in found.visibility]
    kept: list[int] = []
    for j in sorted(range(found.n_people), key=lambda j: -score[j]):
        centre, torso = stats[j]
        if not np.all(np.isfinite(centre)):
            continue
        if all(float(np.hypot(*(centre - stats[i][0]))) > DUPLICATE_TORSO * max(torso, stats[i][1])
               for i in kept):
            kept.append(j)
    return sorted(kept)


def _horizontal_speed_torso_per_s(person: Person, detections: Sequence[Detections], t_s: np.ndarray) -> float:
    """Return the mean horizontal speed of hips and ankles, in torso lengths per second."""
    if person.n_frames < 3:
        return 0.0
    x = np.array([detections[f].positions_px[s][_MOVERS, 0] for f, s in zip(person.frames, person.slots)])
    from scipy.ndimage import (
        median_filter,  # SciPy loads where it is used, not with the pose stage
    )

    x = median_filter(x, size=(3, 1), mode="nearest")  # one-frame glitches are not movement
    t = t_s[person.frames]
    torso = float(np.median(person.torso_px))
    speeds = np.abs(np.diff(x, axis=0)) / np.diff(t)[:, None]
    return float(np.nanmean(speeds) / torso) if np.isfinite(speeds).any() else 0.0


def core_visibility(person: Person, detections: Sequence[Detections]) -> float:
    """Return the median visibility of a person's torso, hip, knee and ankle landmarks (0-1).

    Parameters
    ----------
    person : Person
        Someone followed through the stream.
    detections : sequence of Detections
        The stream they were followed in.

    Returns
    -------
    float
        The median over their frames of the mean visibility of those landmarks (0 if none).
    """
    values = [np.nanmean(detections[f].visibility[s][_CORE]) for f, s in zip(person.frames, person.slots)
              if np.isfinite(detections[f].visibility[s][_CORE]).any()]
    return float(np.median(values)) if values else 0.0


def listed_people(people: Sequence[Person], detections: Sequence[Detections], t_s: np.ndarray) -> list[Person]:
    """Return the people a user can pick, in the order they were first seen (number k is ``[k - 1]``).

    Parameters
    ----------
    people : sequence of Person
        Everyone followed (:func:`follow_people`).
    detections : sequence of Detections
        The stream they were followed in.
    t_s : ndarray, shape (T,)
        Real time of each frame (s).

    Returns
    -------
    list of Person
        Those seen for at least :data:`MIN_LISTED_S` (or in every frame of a shorter stream)
        with a median core visibility of at least :data:`MIN_PERSON_VISIBILITY`.
    """
    period = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0
    min_frames = min(max(int(np.ceil(MIN_LISTED_S / period)) if period > 0 else 1, 1), len(detections))
    kept = [p for p in people if p.n_frames >= min_frames and core_visibility(p, detections) >= MIN_PERSON_VISIBILITY]
    return sorted(kept, key=lambda p: (p.frames[0], p.id))


def person_box(person: Person, detections: Sequence[Detections], frame: int) -> np.ndarray | None:
    """Return ``x0, y0, x1, y1`` (px) around a person's landmarks in one frame of the stream, or ``None``.

    Parameters
    ----------
    person : Person
        Someone followed.
    detections : sequence of Detections
        The stream.
    frame : int
        Position of the frame in the stream.

    Returns
    -------
    ndarray or None
        Their box in that frame, or ``None`` if they were not seen in it.
    """
    if frame not in person.frames:
        return None
    return landmark_box(detections[frame].positions_px[person.slots[person.frames.index(frame)]])


#: A point given to pick the athlete must lie within one body height of them (px, at least this).
MIN_POINT_REACH_PX = 50.0


def _distance_to_box(point: np.ndarray, positions_px: np.ndarray) -> float:
    box = landmark_box(positions_px)
    low, high = box[:2], box[2:]
    outside = np.maximum(np.maximum(low - point, point - high), 0.0)
    centre = (low + high) / 2
    # inside the box counts as 0, ties broken by nearness to the box centre
    return float(np.hypot(*outside)) + 1e-3 * float(np.hypot(*(point - centre)))


@dataclass(frozen=True)
class AthleteChoice:
    """Which person is the athlete and why."""

    person: Person
    rule: str
    n_people: int
    coverage: float
    speed_torso_per_s: float
    number: int = 0  # the athlete's number among the people listed (from 1)

    def as_provenance(self) -> dict[str, object]:
        """Return the choice as a JSON-compatible record for the track's provenance (values rounded)."""
        return {
            "rule": self.rule,
            "people_seen": self.n_people,
            "number": self.number,
            "coverage": round(self.coverage, 4),
            "horizontal_speed_torso_per_s": round(self.speed_torso_per_s, 3),
        }


def choose_athlete(
    people: Sequence[Person],
    detections: Sequence[Detections],
    t_s: np.ndarray,
    point: tuple[float, float] | None = None,
    number: int | None = None,
) -> AthleteChoice:
    """Pick the athlete among the people followed (rules in the module docstring).

    Parameters
    ----------
    people : sequence of Person
        The people followed through the stream (:func:`follow_people`).
    detections : sequence of Detections
        One entry per frame of the stream, those the people were followed in.
    t_s : ndarray, shape (T,)
        Real time of each frame (s), for the people's horizontal speeds.
    point : (float, float), optional
        Pixel ``(x, y)`` of the frame: choose the person nearest it on the first frame where anyone
        is there, instead of the one who moves most.
    number : int, optional
        Choose person ``number`` of :func:`listed_people` (from 1), as ``sprintlens people``
        numbers them.

    Returns
    -------
    AthleteChoice
        The person chosen, the rule that chose them, how many people were seen, the fraction of
        frames the athlete is in and their horizontal speed (torso lengths per second).

    Raises
    ------
    NoAthleteError
        If nobody was found in any frame (fits on scenery do not count), nobody is within one
        body height of ``point``, or there is no person ``number``.
    """
    if not people:
        raise NoAthleteError("nobody was found in the clip")
    n = len(detections)
    listed = listed_people(people, detections, t_s)
    if not listed:
        raise NoAthleteError(
            f"nobody was found in the clip: {len(people)} pose fit(s), none of them a person seen for "
            f"{MIN_LISTED_S:g} s with its torso and legs visible (scenery, or someone too small or hidden)")
    people = listed
    if number is not None:
        if not 1 <= number <= len(listed):
            raise NoAthleteError(f"there is no person {number}: {len(listed)} "
                                 f"{'person was' if len(listed) == 1 else 'people were'} found "
                                 "(`sprintlens people VIDEO` draws their numbers)")
        chosen = listed[number - 1]
        rule = f"person {number} of {len(listed)}, chosen by number"
    elif point is not None:
        target = np.asarray(point, dtype=np.float64)
        first = min(p.frames[0] for p in people)
        candidates = [p for p in people if p.frames[0] == first]
        chosen = min(candidates, key=lambda p: _distance_to_box(target, detections[first].positions_px[p.slots[0]]))
        pose = detections[first].positions_px[chosen.slots[0]]
        size = float(np.nanmax(pose[:, 1]) - np.nanmin(pose[:, 1]))
        away = _distance_to_box(target, pose)
        if not np.isfinite(away) or away > max(size, MIN_POINT_REACH_PX):
            raise NoAthleteError(
                f"nobody is near ({point[0]:g}, {point[1]:g}): the nearest person on frame {first} of the stream "
                f"is {away:.0f} px away; give a point on the athlete")
        rule = f"nearest to ({point[0]:g}, {point[1]:g}) on frame {first} of the stream"
    else:
        most = max(p.n_frames for p in people)
        eligible = [p for p in people if p.n_frames >= MIN_RELATIVE_COVERAGE * most]
        chosen = max(eligible, key=lambda p: (_horizontal_speed_torso_per_s(p, detections, t_s), p.n_frames))
        rule = "tracked through most of the clip, moving most along the direction of travel"
    choice = AthleteChoice(chosen, rule, len(listed), chosen.n_frames / n,
                           _horizontal_speed_torso_per_s(chosen, detections, t_s), listed.index(chosen) + 1)
    log.info("athlete: person %d of %d (%s), in %.0f%% of frames", chosen.id, len(people), rule,
             100 * choice.coverage)
    return choice


def athlete_arrays(person: Person, detections: Sequence[Detections],
                   frame_size: tuple[int, int] | None = None) -> dict[str, np.ndarray]:
    """Return the person's landmarks, and the crops they were found in, as track arrays.

    Parameters
    ----------
    person : Person
        The athlete.
    detections : sequence of Detections
        One entry per frame of the stream.
    frame_size : (int, int), optional
        ``(width, height)`` of the frame: a detection without a crop was made on the whole frame.

    Returns
    -------
    dict of str to ndarray
        ``positions_px``, ``depth_px``, ``visibility``, ``presence`` and ``crop_px`` for T frames,
        NaN where the person was not found.
    """
    arrays = empty_landmarks(len(detections))
    arrays["crop_px"] = np.full((len(detections), 4), np.nan)
    for frame, slot in zip(person.frames, person.slots):
        found = detections[frame]
        if found.crop_px is not None:
            arrays["crop_px"][frame] = found.crop_px[slot]
        elif frame_size is not None:
            arrays["crop_px"][frame] = (0.0, 0.0, *frame_size)
        arrays["positions_px"][frame] = found.positions_px[slot]
        arrays["depth_px"][frame] = found.depth_px[slot]
        arrays["visibility"][frame] = found.visibility[slot]
        arrays["presence"][frame] = found.presence[slot]
    return arrays
