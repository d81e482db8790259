"""The result of analysing one rep: every stage's output, with the options that made it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sprintlens.analysis.cleaning import CleanedTrack, CleaningConfig
from sprintlens.analysis.contacts import Contact, GaitVerdict
from sprintlens.analysis.ground import ContactConfig, FootSignals, GroundMotion
from sprintlens.analysis.quality import Verdict
from sprintlens.analysis.scale import Scale
from sprintlens.analysis.start import StartEvents
from sprintlens.analysis.steps import RepSummary, Step
from sprintlens.analysis.travel import Direction, Pass
from sprintlens.analysis.view import ViewVerdict
from sprintlens.core.step_table import StepTable
from sprintlens.core.track import PoseTrack


@dataclass(frozen=True)
class AnalysisConfig:
    """Options of the analysis (the pose stage has its own, :class:`sprintlens.capture.tracking.PoseConfig`).

    Attributes
    ----------
    height_m : float, optional
        Athlete's standing height (m): sets the metric scale.
    calibration : (x1, y1, x2, y2, metres), optional
        Two image points (px) a known distance apart on the running line: sets the metric scale.
    direction : {+1, -1}, optional
        Force the direction of travel (+1 left to right) instead of deciding it from the clip.
    cleaning, contacts : configs
        Options of the cleaning and contact-detection stages.
    """

    height_m: float | None = None
    calibration: tuple[float, float, float, float, float] | None = None
    direction: int | None = None
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)
    contacts: ContactConfig = field(default_factory=ContactConfig)


@dataclass(frozen=True)
class Analysis:
    """Everything known about one rep.

    Attributes
    ----------
    track : PoseTrack
        The raw pose track.
    cleaned : CleanedTrack
        Its cleaned versions (timing, smooth) and what cleaning did.
    direction : Direction
        Direction of travel and how it was decided.
    angles : dict of str to ndarray (T,)
        Per-frame angles of the smoothed track (:mod:`sprintlens.analysis.angles`).
    contacts : list of Contact
        Every foot contact found (both feet, sorted).
    gait : GaitVerdict
        Running, walking, standing or unknown.
    start : StartEvents or None
        Block-start events when the clip starts crouched and still.
    steps : list of Step
        Per-step metrics.
    summary : RepSummary
        Per-rep metrics and trends.
    scale : Scale
        How distances were converted.
    velocity : ndarray (T,)
        Forward speed of the hips over the ground per frame, in ``scale.unit`` per second.
    near_leg : {"left", "right"} or None
        The leg nearer the camera over the rep (:func:`sprintlens.analysis.travel.near_leg`).
    travel : ndarray (T,)
        Direction of travel at each frame (+1, -1; 0 where unclear), from
        :func:`sprintlens.analysis.travel.travel_by_frame`.
    foot : FootSignals
        Both feet's heights above the ground line (px) and speeds (px/s), from which contacts
        were found.
    ground : GroundMotion
        The ground's image speed (px/s) per frame and per foot (treadmill belt, camera pan).
    height_band_px : float
        A foot lower than this above its ground line (px) can be in contact.
    config : AnalysisConfig
        The options used.
    passes : tuple of Pass
        The clip's passes across the image (:func:`sprintlens.analysis.travel.passes_of_travel`), rows of
        ``whole_track``.  When the athlete turns (passes both ways), the rep is the fastest pass
        (in the given direction, if one was given) and every other field describes that pass.
    whole_track : PoseTrack or None
        The clip's whole raw track when the rep is one of several passes; None otherwise.
    contact_verdicts : tuple of Verdict
        One per contact: trusted or not, and why (:func:`sprintlens.analysis.quality.judge_contacts`);
        empty when not judged.
    view : ViewVerdict or None
        Whether the camera sees the athlete side on (:func:`sprintlens.analysis.view.judge_view`).
    """

    track: PoseTrack
    cleaned: CleanedTrack
    direction: Direction
    angles: dict[str, np.ndarray]
    contacts: list[Contact]
    gait: GaitVerdict
    start: StartEvents | None
    steps: list[Step]
    summary: RepSummary
    scale: Scale
    velocity: np.ndarray
    near_leg: str | None
    travel: np.ndarray
    foot: FootSignals
    ground: GroundMotion
    height_band_px: float
    config: AnalysisConfig
    passes: tuple[Pass, ...] = ()
    whole_track: PoseTrack | None = None
    contact_verdicts: tuple[Verdict, ...] = ()
    view: ViewVerdict | None = None

    @property
    def chosen_pass(self) -> Pass | None:
        """The pass analysed when the clip holds passes both ways, else None."""
        if self.whole_track is None:
            return None
        start = int(np.searchsorted(self.whole_track.frame_index, self.track.frame_index[0]))
        return next((p for p in self.passes if p.start == start), None)

    @property
    def step_table(self) -> StepTable:
        """The steps as a :class:`~sprintlens.core.step_table.StepTable` (distances in ``scale.unit``)."""
        return StepTable.from_steps(self.steps, Step, self.scale.unit)

    @property
    def ground_speed_px_s(self) -> np.ndarray:
        """(T,) image speed of the ground (px/s); 0 for a static camera overground."""
        return self.ground.true_speed_px_s

    @property
    def t_s(self) -> np.ndarray:
        """(T,) time of each frame of the track (s)."""
        return self.track.t_s
