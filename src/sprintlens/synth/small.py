"""Named clips for a person finder: small athletes on a still phone, and views that are not side on.

Every case is a :class:`~sprintlens.synth.clip.ClipSpec` of a short (1-2.5 s) rep filmed by a
phone on a tripod, with the whole rep in view.  The athlete's size is set through the camera
alone: an athlete ``H`` m tall whose running line is ``D`` m from a camera of horizontal field
of view ``F`` in an image ``W`` px wide stands

    ``height_px = H * (W / 2) / tan(F / 2) / D``

pixels tall (:func:`body_height_px`; the near limbs come out about 1 % larger, the far ones
smaller).  The cases (athlete 1.80 m tall; the small ones from a camera 1.2 m high with a 50 deg
field of view, 19.0 m away for 130 px at 720p, 20.6 m for 120 px at 720p, 23.2 m for 160 px at
1080p):

=====================  ===========  =====  =========================================  ==============
name                   frame        fps    what                                       athlete (px)
=====================  ===========  =====  =========================================  ==============
``small_blocks``       1280 x 720   60     block start, 6 steps, 2.5 s                130
``small_blocks_pair``  1280 x 720   60     the same start, a 1.70 m second sprinter   130 (and 115)
                                           from blocks one lane further out, on the
                                           same line, reacting 0.12 s later: hidden
                                           behind the athlete in the set position,
                                           then behind and apart
``small_flying``       1920 x 1080  120    flying sprint across the frame, 1.6 s      160
``small_running``      1280 x 720   60     flying sprint, 1.6 s                       120
``oblique``            1280 x 720   60     flying sprint, camera yawed +40 deg (the   about 225 -> 145
                                           athlete runs away obliquely), 1.0 s
``frontal``            1280 x 720   60     flying sprint straight at the camera       about 150 -> 290
                                           (yaw -85 deg), 1.0 s
``rear``               1280 x 720   60     flying sprint straight away from the       about 290 -> 150
                                           camera (yaw +85 deg), 1.0 s
=====================  ===========  =====  =========================================  ==============

:func:`small_athlete_cases` and :func:`view_cases` return them by name;
:func:`~sprintlens.synth.accuracy.finder_accuracy` scores a pose track against a rendered case's
truth.

>>> from sprintlens.synth import render_clip, small_athlete_cases
>>> truth = render_clip(small_athlete_cases()["small_blocks"], "small_blocks.mp4")  # doctest: +SKIP
"""

from __future__ import annotations

import math

from sprintlens.synth.camera import CameraSpec
from sprintlens.synth.clip import ClipSpec, RenderSpec, SecondPerson
from sprintlens.synth.scenarios import AccelerationSpec, FlyingSpec, StartSpec

__all__ = ["SMALL_HEIGHTS_PX", "body_height_px", "distance_for_height", "small_athlete_cases", "view_cases"]

#: Height of the athlete (m) in every case.
ATHLETE_M = 1.80

#: The athlete's height in the image (px) each small case is made for.
SMALL_HEIGHTS_PX = {"small_blocks": 130.0, "small_blocks_pair": 130.0, "small_flying": 160.0,
                    "small_running": 120.0}


def body_height_px(height_m: float, distance_m: float, hfov_deg: float, width_px: int) -> float:
    """Return how tall (px) an athlete standing on the running line is imaged.

    Parameters
    ----------
    height_m : float
        Athlete's height (m).
    distance_m : float
        Camera to the running line (m).
    hfov_deg : float
        Horizontal field of view (deg).
    width_px : int
        Image width (px).

    Returns
    -------
    float
        ``height_m * focal_px / distance_m`` (px), the focal length set by the field of view.
    """
    return height_m * (width_px / 2) / math.tan(math.radians(hfov_deg) / 2) / distance_m


def distance_for_height(height_px: float, hfov_deg: float, width_px: int, height_m: float = ATHLETE_M) -> float:
    """Return the camera distance (m) that images an athlete ``height_px`` tall.

    Parameters
    ----------
    height_px : float
        Wanted height in the image (px).
    hfov_deg : float
        Horizontal field of view (deg).
    width_px : int
        Image width (px).
    height_m : float
        Athlete's height (m).

    Returns
    -------
    float
        Distance (m) from the camera to the running line; the inverse of :func:`body_height_px`.
    """
    return height_m * (width_px / 2) / math.tan(math.radians(hfov_deg) / 2) / height_px


def _still(height_px: float, size: tuple[int, int], hfov_deg: float = 50.0, **kwargs: float) -> CameraSpec:
    return CameraSpec(distance_m=distance_for_height(height_px, hfov_deg, size[0]), hfov_deg=hfov_deg,
                      height_m=1.2, horizon=0.45, **kwargs)


def _blocks(n_steps: int = 6) -> AccelerationSpec:
    return AccelerationSpec(start=StartSpec.blocks(), n_steps=n_steps)


def small_athlete_cases() -> dict[str, ClipSpec]:
    """Return the small-athlete cases by name (see the module docstring for their sizes).

    Returns
    -------
    dict of str to ClipSpec
        ``small_blocks``, ``small_blocks_pair``, ``small_flying`` and ``small_running``: still
        cameras 19-23 m from the running line (50 deg field of view), 60 frames/s (``small_flying``
        120), the whole rep in view; heights in :data:`SMALL_HEIGHTS_PX`.
    """
    hd, fhd = (1280, 720), (1920, 1080)
    r720, r1080 = RenderSpec(size=hd, fps=60.0), RenderSpec(size=fhd, fps=120.0)
    blocks = ClipSpec(_blocks(), camera=_still(SMALL_HEIGHTS_PX["small_blocks"], hd), render=r720,
                      style="red", seed=1)
    pair = ClipSpec(_blocks(), camera=_still(SMALL_HEIGHTS_PX["small_blocks_pair"], hd), render=r720, style="red",
                    seed=2, second_person=SecondPerson(lanes_further=1, x_m=0.0, style="blue",
                                                       sprint=_blocks(7), delay_s=0.12))
    flying = ClipSpec(FlyingSpec(duration_s=1.6, phase=0.5), camera=_still(SMALL_HEIGHTS_PX["small_flying"], fhd),
                      render=r1080, style="green", seed=3)
    running = ClipSpec(FlyingSpec(duration_s=1.6, phase=0.2), camera=_still(SMALL_HEIGHTS_PX["small_running"], hd),
                       render=r720, direction="right_to_left", style="grey", seed=4)
    return {"small_blocks": blocks, "small_blocks_pair": pair, "small_flying": flying, "small_running": running}


def view_cases() -> dict[str, ClipSpec]:
    """Return the cases filmed not side on, by name: ``oblique``, ``frontal`` and ``rear``.

    Returns
    -------
    dict of str to ClipSpec
        One-second flying sprints at 1280 x 720, 60 frames/s, from a still camera:
        ``oblique`` yawed 40 deg, 14 m away; ``frontal`` yawed -85 deg, 16 m from the middle of
        the run, the athlete running at the camera (growing from about 150 to 290 px);
        ``rear`` yawed +85 deg, running away from it (shrinking likewise).
    """
    r = RenderSpec(size=(1280, 720), fps=60.0)
    run = FlyingSpec(duration_s=1.0, phase=0.4)
    oblique = ClipSpec(run, camera=CameraSpec(distance_m=14.0, hfov_deg=50.0, height_m=1.2, yaw_deg=40.0),
                       render=r, style="red", seed=5)
    end_on = CameraSpec(distance_m=16.0, hfov_deg=40.0, height_m=1.2, horizon=0.4)
    frontal = ClipSpec(run, camera=CameraSpec(**{**end_on.__dict__, "yaw_deg": -85.0}), render=r, style="blue",
                       seed=6)
    rear = ClipSpec(run, camera=CameraSpec(**{**end_on.__dict__, "yaw_deg": 85.0}), render=r, style="green",
                    seed=7)
    return {"oblique": oblique, "frontal": frontal, "rear": rear}
