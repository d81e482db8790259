"""Parts of the body never seen in a clip (feet out of frame, ears hidden) raise no warning.

A real clip (``sprint_side_small_30fps.mp4``, whose feet are rated below the visibility
threshold in nearly every frame) printed NumPy's ``RuntimeWarning: All-NaN slice encountered``
from the direction of travel: a median of a part that is never seen.  Such a part now has no
say, and the results are those of before.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest

from sprintlens.analysis.contacts import Contact, merge_fragments
from sprintlens.analysis.pipeline import analyse_track
from sprintlens.analysis.start import find_start_events
from sprintlens.analysis.travel import direction_of_travel
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.landmarks import hip_centre_x
from sprintlens.core.track import PoseTrack

LEFT_FOOT = [L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
FEET = [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
EARS = [L.LEFT_EAR, L.RIGHT_EAR]


@contextlib.contextmanager
def no_warnings() -> Iterator[None]:
    """A block in which any warning is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def unseen(positions_px: np.ndarray, parts: list[int]) -> np.ndarray:
    out = positions_px.copy()
    out[:, parts] = np.nan
    return out


def facing_body(n: int = 60, facing: int = 1, toe_ahead: int | None = None) -> np.ndarray:
    """An athlete running on the spot (the hips stay put): nose ahead of the ears, toes ahead of the heels."""
    toe_ahead = facing if toe_ahead is None else toe_ahead
    rng = np.random.default_rng(3)
    xy = np.full((n, 33, 2), np.nan)
    x = 500.0 + rng.normal(0, 2, n)
    for side in ("LEFT", "RIGHT"):
        xy[:, L[f"{side}_HIP"]] = np.stack([x, np.full(n, 500.0)], 1)
        xy[:, L[f"{side}_KNEE"]] = np.stack([x, np.full(n, 600.0)], 1)
        xy[:, L[f"{side}_ANKLE"]] = np.stack([x, np.full(n, 700.0)], 1)
        xy[:, L[f"{side}_HEEL"]] = np.stack([x - 10 * toe_ahead, np.full(n, 710.0)], 1)
        xy[:, L[f"{side}_FOOT_INDEX"]] = np.stack([x + 20 * toe_ahead, np.full(n, 712.0)], 1)
        xy[:, L[f"{side}_EAR"]] = np.stack([x, np.full(n, 300.0)], 1)
    xy[:, L.NOSE] = np.stack([x + 15 * facing, np.full(n, 305.0)], 1)
    return xy


def former_direction_sign(positions_px: np.ndarray) -> int:
    """The facing vote as it was computed before (a median of every part, seen or not)."""
    direction = direction_of_travel(positions_px)
    if direction.method == "hip travel":
        return direction.sign
    ears = (positions_px[:, L.LEFT_EAR, 0] + positions_px[:, L.RIGHT_EAR, 0]) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        votes = [np.nanmedian(positions_px[:, L.NOSE, 0] - ears)]
        for side in ("LEFT", "RIGHT"):
            votes.append(np.nanmedian(positions_px[:, L[f"{side}_FOOT_INDEX"], 0]
                                      - positions_px[:, L[f"{side}_HEEL"], 0]))
    score = float(np.nansum(np.sign(votes)))
    hips = hip_centre_x(positions_px)
    good = np.flatnonzero(np.isfinite(hips))
    travel = float(np.median(hips[good[-5:]]) - np.median(hips[good[:5]])) if good.size >= 2 else 0.0
    if score == 0:
        score = travel
    return 1 if score >= 0 else -1


# -- direction of travel ----------------------------------------------------------------------------

@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize(("parts", "what"), [([], "all seen"), (LEFT_FOOT, "a foot never seen"),
                                             (FEET, "the feet never seen"), (EARS, "the ears never seen")])
def test_direction_from_facing_warns_of_nothing_and_is_unchanged(facing: int, parts: list[int], what: str) -> None:
    body = unseen(facing_body(facing=facing), parts)
    with no_warnings():
        direction = direction_of_travel(body)
    assert direction.method == "facing", what
    assert direction.sign == facing == former_direction_sign(body), what


@pytest.mark.parametrize("drift", [1, -1])
def test_with_no_facing_part_seen_the_hips_drift_decides_as_before(drift: int) -> None:
    body = unseen(facing_body(facing=-drift), EARS + FEET)  # the nose alone has no vote
    body[:, [L.LEFT_HIP, L.RIGHT_HIP], 0] += drift * np.linspace(0, 40, len(body))[:, None]  # under a leg
    with no_warnings():
        direction = direction_of_travel(body)
    assert direction.method == "facing"
    assert direction.sign == drift == former_direction_sign(body)


def test_a_split_vote_still_falls_back_on_the_hips() -> None:
    # nose one way, toes the other, one foot unseen: one vote each way, the hips' drift decides
    body = unseen(facing_body(facing=1, toe_ahead=-1), LEFT_FOOT)
    body[:, [L.LEFT_HIP, L.RIGHT_HIP], 0] += np.linspace(0, -40, len(body))[:, None]  # under a leg length
    with no_warnings():
        direction = direction_of_travel(body)
    assert direction.method == "facing"
    assert direction.sign == -1 == former_direction_sign(body)


def test_nothing_seen_at_all_gives_the_default_without_a_warning() -> None:
    with no_warnings():
        direction = direction_of_travel(np.full((20, 33, 2), np.nan))
    assert (direction.sign, direction.method, direction.hip_travel_legs) == (1, "facing", 0.0)


# -- the whole analysis on a rendered run -----------------------------------------------------------

@cache
def rendered(kind: str) -> PoseTrack:
    """Ground-truth pose track of a rendered flying sprint or block start (120 fps)."""
    from sprintlens.synth import (
        AccelerationSpec,
        ClipSpec,
        FlyingSpec,
        RenderSpec,
        build_truth,
        prepare,
        truth_track,
    )

    run = FlyingSpec(duration_s=1.0) if kind == "flying" else AccelerationSpec(n_steps=3)
    return truth_track(build_truth(prepare(ClipSpec(run, render=RenderSpec(fps=120)))))


def on_a_treadmill(track: PoseTrack) -> PoseTrack:
    """The same run with the hips held in place (a treadmill): the direction comes from facing."""
    hips = hip_centre_x(track.positions_px)
    positions = track.positions_px.copy()
    positions[..., 0] -= (hips - hips[0])[:, None]
    return track.replace(positions_px=positions)


@pytest.mark.parametrize(("parts", "what"), [(LEFT_FOOT, "a foot"), (EARS, "the ears"), (FEET, "the feet")])
def test_analysing_a_treadmill_run_with_a_part_never_seen_warns_of_nothing(parts: list[int], what: str) -> None:
    track = on_a_treadmill(rendered("flying"))
    assert direction_of_travel(track.positions_px).method == "facing"
    with no_warnings():
        analysis = analyse_track(track.replace(positions_px=unseen(track.positions_px, parts)))
    assert analysis.summary.gait, what


def test_a_normal_track_is_analysed_as_before() -> None:
    track = on_a_treadmill(rendered("flying"))
    with no_warnings():
        summary = analyse_track(track).summary
    assert direction_of_travel(track.positions_px).sign == former_direction_sign(track.positions_px) == 1
    assert summary.gait == "running" and summary.n_steps == 4


# -- block start and contacts -----------------------------------------------------------------------

def test_a_block_start_with_a_toe_never_seen_warns_of_nothing() -> None:
    track = rendered("start")
    seen = find_start_events(track, 1)
    assert seen is not None
    hidden = track.replace(positions_px=unseen(track.positions_px, [L.RIGHT_FOOT_INDEX]))
    with no_warnings():
        events = find_start_events(hidden, 1)
    assert events is not None and events.set_position_s == seen.set_position_s
    assert events.first_movement_s == seen.first_movement_s  # from the torso and hands, not the toes


def test_merging_fragments_of_a_contact_without_a_ground_position_warns_of_nothing() -> None:
    def fragment(td: float, to: float, x: float, y: float) -> Contact:
        return Contact(foot="left", touchdown_s=td, toeoff_s=to, first_frame=int(td * 100), last_frame=int(to * 100),
                       uncertainty_s=0.01, x_px=x, y_px=y, starts_in_clip=True, ends_in_clip=True)

    def step(td: float) -> Contact:
        return Contact(foot="right", touchdown_s=td, toeoff_s=td + 0.1, first_frame=int(td * 100),
                       last_frame=int(td * 100) + 10, uncertainty_s=0.01, x_px=0.0, y_px=0.0,
                       starts_in_clip=True, ends_in_clip=True)

    contacts = [step(0.0), fragment(0.25, 0.29, np.nan, np.nan), fragment(0.30, 0.36, 40.0, np.nan), step(0.5)]
    with no_warnings():
        merged = merge_fragments(contacts)
    assert len(merged) == 3
    assert merged[1].x_px == 40.0 and np.isnan(merged[1].y_px)
    contacts[2] = fragment(0.30, 0.36, np.nan, np.nan)
    with no_warnings():
        merged = merge_fragments(contacts)
    assert np.isnan(merged[1].x_px) and np.isnan(merged[1].y_px)
