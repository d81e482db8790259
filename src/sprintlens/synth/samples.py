"""The specs of the shipped sample session and of the week after it, in one place.

``scripts/make_sample_videos.py`` renders week 1 into ``sample_videos/``; the tests
(``tests/truth_sessions.py``) and ``scripts/session_validation.py`` use both weeks as known
answers for the logbook.  A rep's spec is the same everywhere, so a track made for a test is
the track of the shipped clip (or of the clip the validation renders).
"""

from __future__ import annotations

from dataclasses import replace

from sprintlens.synth.camera import CameraSpec
from sprintlens.synth.clip import ClipSpec, RenderSpec
from sprintlens.synth.fatigue import Fatigue, session_levels
from sprintlens.synth.scenarios import FlyingSpec, Mechanics

#: A tracking camera 7 m from the running line, athlete about 55 % of the frame height.
TRACKING_CAMERA = CameraSpec(distance_m=7.0, hfov_deg=45.0, pan=True)
#: Week 1 (the sample session): six reps evenly from fresh to fully fatigued.
WEEK1_LEVELS = tuple(float(v) for v in session_levels(6))
#: Week 2, seven days later: faster and with shorter contacts ...
WEEK2_MECHANICS = replace(Mechanics(), speed_mps=9.8, contact_s=0.096, step_length_m=2.14)
#: ... four fresh reps, then fatigue.
WEEK2_LEVELS = (0.0, 0.0, 0.0, 0.0, 0.6, 1.0)


def session_rep_spec(week: int, rep: int, level: float, render: RenderSpec | None = None,
                     seed: int | None = None) -> ClipSpec:
    """Return the spec of rep ``rep`` of week 1 or 2 at fatigue ``level``: a flying 120 fps rep, left to right.

    Parameters
    ----------
    week : {1, 2}
        Week 1 (the sample session, :class:`~sprintlens.synth.scenarios.Mechanics` defaults) or
        week 2 (:data:`WEEK2_MECHANICS`).
    rep : int
        Number of the rep in its week, from 1.
    level : float
        Fatigue level (0 fresh, 1 fully fatigued), applied with the default :class:`Fatigue`.
    render : RenderSpec, optional
        How to render the clip; ``RenderSpec(fps=120.0)`` by default (120 frames/s).
    seed : int, optional
        Seed of the picture (the crowd), ``10 * week + rep`` by default; it never changes the motion.

    Returns
    -------
    ClipSpec
        A 1.4 s flying sprint filmed by :data:`TRACKING_CAMERA`, left to right, in the green outfit.

    Raises
    ------
    ValueError
        If ``week`` is neither 1 nor 2.
    """
    if week not in (1, 2):
        raise ValueError(f"week is 1 or 2, got {week}")
    mechanics = Mechanics() if week == 1 else WEEK2_MECHANICS
    return ClipSpec(FlyingSpec(mechanics=mechanics, duration_s=1.4, phase=0.5), camera=TRACKING_CAMERA,
                    render=render or RenderSpec(fps=120.0), direction="left_to_right", style="green",
                    fatigue=Fatigue(), fatigue_level=float(level), seed=10 * week + rep if seed is None else seed)
