"""End to end on a rendered clip: the pose stage follows a figure whose every landmark is known."""

from __future__ import annotations

import numpy as np

from sprintlens import PoseConfig, track_video
from sprintlens.core.landmarks import Landmark as L
from sprintlens.synth import CameraSpec, ClipSpec, FlyingSpec, RenderSpec, render_clip

#: Median landmark error allowed, in pixels, for a figure about 200 px tall (~2.5 cm on the athlete).
MAX_MEDIAN_ERROR_PX = 8.0
#: The limb joints the analysis relies on.
JOINTS = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE,
          L.LEFT_ANKLE, L.RIGHT_ANKLE]


def test_pose_stage_follows_a_rendered_sprinter(tmp_path):
    spec = ClipSpec(FlyingSpec(duration_s=1.5), camera=CameraSpec(pan=True),
                    render=RenderSpec(fps=30, size=(640, 360)), seed=7)
    video = tmp_path / "rendered.mp4"
    truth = render_clip(spec, video)

    track = track_video(video, PoseConfig())

    assert track.n_frames == truth["video"]["n_frames"] == 46
    np.testing.assert_allclose(track.t_s, truth["frames"]["t_s"], atol=1e-6)
    assert track.coverage >= 0.95
    error = np.linalg.norm(track.positions_px - np.asarray(truth["frames"]["landmarks_px"]), axis=-1)
    assert np.nanmedian(error) < MAX_MEDIAN_ERROR_PX
    assert np.nanmedian(error[:, JOINTS]) < MAX_MEDIAN_ERROR_PX
