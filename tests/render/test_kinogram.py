"""Kinogram: the right key positions, one scale, one ground line, the feet on it."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.core.errors import AnalysisError
from sprintlens.core.landmarks import Landmark as L
from sprintlens.render.kinogram import (
    KinogramOptions,
    default_step,
    kinogram_layout,
    kinogram_panels,
    render_kinogram,
    soft_mask,
)

pytestmark = pytest.mark.footage


def test_panels_are_toeoff_separation_then_the_next_touchdown_and_support(treadmill):
    a = treadmill.analysis
    n = default_step(a)
    panels = kinogram_panels(a, n)
    this, nxt = a.steps[n - 1], a.steps[n]
    by_key = {p.key: p for p in panels}
    assert sorted(by_key) == sorted(["toeoff", "max_separation", "touchdown", "full_support"])
    assert [by_key[k].frame for k in ("toeoff", "max_separation", "touchdown", "full_support")] == [
        this.toeoff_frame, this.max_separation_frame, nxt.touchdown_frame, nxt.full_support_frame]
    assert [p.frame for p in panels] == sorted(p.frame for p in panels)  # time order
    assert [p.key for p in panels][2:] == ["touchdown", "full_support"]
    assert by_key["toeoff"].foot == this.foot and by_key["touchdown"].foot == nxt.foot != this.foot
    toeoff = by_key["toeoff"]
    assert toeoff.labels[0] == "hip ext " + f"{a.angles[f'hip_extension_{this.foot}_deg'][toeoff.row]:.0f}°"


def test_feet_on_the_ground_sit_on_the_common_ground_line(treadmill):
    a = treadmill.analysis
    panels = kinogram_panels(a, 2)
    layout = kinogram_layout(a, panels, KinogramOptions(panel_height_px=500))
    assert layout.size[1] == 500
    tolerance = 0.08 * a.scale.leg_px * layout.scale
    for i, p in enumerate(panels):
        if p.key not in ("touchdown", "full_support"):
            continue
        foot = a.cleaned.smooth.positions_px[p.row][[L[f"{p.foot.upper()}_HEEL"], L[f"{p.foot.upper()}_FOOT_INDEX"]]]
        lowest = layout.to_panel(i, foot)[:, 1].max()
        assert abs(lowest - layout.ground_row) < tolerance, (p.key, lowest, layout.ground_row)
        # the hips are centred
        hips = layout.to_panel(i, a.cleaned.smooth.positions_px[p.row][[L.LEFT_HIP, L.RIGHT_HIP]])
        assert np.mean(hips[:, 0]) == pytest.approx(layout.size[0] / 2, abs=1)


def test_image_has_four_panels_side_by_side(treadmill):
    image = render_kinogram(treadmill.analysis, treadmill.video, options=KinogramOptions(panel_height_px=300))
    assert image.dtype == np.uint8 and image.ndim == 3
    assert image.shape[1] > 3.5 * image.shape[0] * 0.5  # four panels, each narrower than tall: wide overall
    # white gaps between panels: a column of pure white between the pictures
    white_cols = np.all(image[20:300] == 255, axis=(0, 2))
    assert white_cols.sum() >= 5 * 8


def test_missing_step_is_an_error(treadmill):
    with pytest.raises(AnalysisError, match="does not exist"):
        kinogram_panels(treadmill.analysis, 999)


def test_soft_mask_covers_limbs_not_background():
    pts = np.full((33, 2), np.nan)
    pts[L.LEFT_HIP], pts[L.LEFT_KNEE], pts[L.LEFT_ANKLE] = (100, 100), (100, 200), (100, 300)
    mask = soft_mask(pts, (400, 300), 20)
    assert mask[150, 100] == pytest.approx(1.0, abs=0.05)
    assert mask[150, 250] == 0.0
    assert 0.0 < mask[150, 111] < 1.0  # feathered edge
