"""Rendered side-view sprint clips with ground truth: SprintLens's own test footage.

A sprint model (:mod:`~sprintlens.synth.gait`, :mod:`~sprintlens.synth.scenarios`) moves an
anthropometric figure (:mod:`~sprintlens.synth.body`, :mod:`~sprintlens.synth.skeleton`) with
planted stance feet, flight phases and published sprint kinematics; a pinhole camera
(:mod:`~sprintlens.synth.camera`) films it running along a track (:mod:`~sprintlens.synth.scene`)
as a shaded figure (:mod:`~sprintlens.synth.figure`); :mod:`~sprintlens.synth.clip` writes the
H.264 clip and :mod:`~sprintlens.synth.truth` the ground truth beside it.

>>> from sprintlens.synth import ClipSpec, FlyingSpec, RenderSpec, render_clip
>>> spec = ClipSpec(FlyingSpec(duration_s=1.2), render=RenderSpec(fps=240))
>>> truth = render_clip(spec, "flying.mp4")  # doctest: +SKIP
"""

from __future__ import annotations

from sprintlens.synth.body import Body
from sprintlens.synth.camera import Camera, CameraSpec
from sprintlens.synth.clip import (
    ClipSpec,
    RenderSpec,
    SecondPerson,
    athlete_coverage,
    prepare,
    render_frame,
    render_frames,
)
from sprintlens.synth.fatigue import Fatigue, session_levels
from sprintlens.synth.scenarios import (
    FIRST_STEP,
    AccelerationSpec,
    FlyingSpec,
    Mechanics,
    Run,
    StartSpec,
    build_run,
)
from sprintlens.synth.scene import SceneStyle
from sprintlens.synth.small import (
    SMALL_HEIGHTS_PX,
    body_height_px,
    distance_for_height,
    small_athlete_cases,
    view_cases,
)
from sprintlens.synth.truth import (
    SCHEMA,
    SCHEMA_VERSION,
    build_truth,
    load_truth,
    truth_angles,
    truth_track,
)
from sprintlens.synth.write import render_clip, truth_path_for

__all__ = [
    "FIRST_STEP",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SMALL_HEIGHTS_PX",
    "AccelerationSpec",
    "Body",
    "Camera",
    "CameraSpec",
    "ClipSpec",
    "Fatigue",
    "FlyingSpec",
    "Mechanics",
    "RenderSpec",
    "Run",
    "SceneStyle",
    "SecondPerson",
    "StartSpec",
    "athlete_coverage",
    "body_height_px",
    "build_run",
    "build_truth",
    "distance_for_height",
    "load_truth",
    "prepare",
    "render_clip",
    "render_frame",
    "render_frames",
    "session_levels",
    "small_athlete_cases",
    "truth_angles",
    "truth_path_for",
    "truth_track",
    "view_cases",
]
