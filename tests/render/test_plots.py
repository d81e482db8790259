"""Plots hold the curves and bars of the analysis, take an ``ax``, return ``(fig, ax)`` and save PNG/SVG."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sprintlens.render import plots

pytestmark = pytest.mark.footage


def _line(ax, gid):
    found = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    assert found, f"no line {gid} in {[ln.get_gid() for ln in ax.get_lines()]}"
    return found[0]


@pytest.mark.parametrize("group", ["hip", "knee", "trunk", "shin"])
def test_angle_curves_are_the_analysis_angles(treadmill, group):
    a = treadmill.analysis
    fig, ax = plots.plot_angles(a, group)
    assert isinstance(fig.canvas, FigureCanvasAgg)
    for column in plots.ANGLE_GROUPS[group][2]:
        line = _line(ax, column)
        np.testing.assert_array_equal(line.get_xdata(), a.t_s)
        np.testing.assert_array_equal(line.get_ydata(), a.angles[column])
    # one shaded span per contact, one marker per filmed touchdown and toe-off
    assert len(ax.patches) == len(a.contacts)
    for patch, contact in zip(sorted(ax.patches, key=lambda p: p.get_x()),
                              sorted(a.contacts, key=lambda c: c.touchdown_s)):
        assert patch.get_x() == pytest.approx(contact.touchdown_s)
        assert patch.get_width() == pytest.approx(contact.toeoff_s - contact.touchdown_s)
    assert sum(ln.get_gid() == "touchdown" for ln in ax.get_lines()) == sum(c.starts_in_clip for c in a.contacts)
    assert sum(ln.get_gid() == "toeoff" for ln in ax.get_lines()) == sum(c.ends_in_clip for c in a.contacts)


def test_plot_uses_the_given_axes(treadmill):
    fig = plots.new_figure()
    ax = fig.add_subplot()
    fig2, ax2 = plots.plot_velocity(treadmill.analysis, ax=ax)
    assert fig2 is fig and ax2 is ax
    line = _line(ax, "velocity")
    np.testing.assert_array_equal(line.get_ydata(), treadmill.analysis.velocity)


def test_step_bars_are_the_step_metrics(treadmill):
    a = treadmill.analysis
    fig, ax = plots.plot_step_metric(a, "contact_s")
    heights = [p.get_height() for p in ax.patches]
    expected = [1000 * s.contact_s for s in a.steps]
    assert heights == pytest.approx(expected)
    fig, ax = plots.plot_step_metric(a, "step_length")
    assert [p.get_height() for p in ax.patches] == pytest.approx([s.step_length for s in a.steps])
    assert "legs" in ax.get_ylabel()


def test_panels_and_files(treadmill, tmp_path):
    fig, axes = plots.plot_angle_panels(treadmill.analysis)
    assert [ax.get_title(loc="left") for ax in axes] == ["Hip", "Knee", "Trunk", "Shin"]
    written = plots.save_figure(fig, tmp_path / "angles")
    assert written["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = written["svg"].read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    fig, axes = plots.plot_step_panels(treadmill.analysis)
    assert len(axes) == 4


def test_comparison_curves_are_shifted_to_the_event(treadmill, jog):
    reps = [treadmill.analysis, jog.analysis]
    events = [float(treadmill.analysis.t_s[10]), float(jog.analysis.t_s[5])]
    fig, ax = plots.plot_angle_comparison(reps, ["A", "B"], ["knee_flexion_left_deg", "knee_flexion_right_deg"],
                                          events)
    for i, (a, t0, col) in enumerate(zip(reps, events, ["knee_flexion_left_deg", "knee_flexion_right_deg"])):
        line = _line(ax, f"rep{i + 1}")
        np.testing.assert_allclose(line.get_xdata(), a.t_s - t0)
        np.testing.assert_array_equal(line.get_ydata(), a.angles[col])


def test_unknown_names_are_refused(treadmill):
    with pytest.raises(ValueError):
        plots.plot_angles(treadmill.analysis, "elbow")
    with pytest.raises(ValueError):
        plots.plot_step_metric(treadmill.analysis, "speed")
