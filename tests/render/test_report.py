"""The rep report: sections, escaping, flags, embedded pictures; rendered in headless Chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from sprintlens.logbook.flags import Flag
from sprintlens.render.outputs import OUTPUT_NAMES, RenderOptions, render_outputs
from sprintlens.render.report import SECTIONS, ReportImages, report_html

from .conftest import run_chromium

pytestmark = pytest.mark.footage

FLAG = Flag(metric="contact_s", label="contact time", scope="rep", rep=3, change=0.012, change_pct=11.5, unit="s",
            reference="baseline: reps 1-2, mean 0.104 s", noise=0.004, smallest_worthwhile=0.005,
            confidence="very likely (97 %)", severity="warning", message="Contact time is up <12 ms> & rising.")
ATHLETE = "Jo <script>alert('x')</script> O'Neil"


def test_page_has_every_section_and_escapes_what_people_type(treadmill):
    page = report_html(treadmill.analysis, ReportImages(angles=b"png-bytes"), name="rep1", athlete=ATHLETE,
                       notes="Felt <heavy>.\n\nLast rep & tired.", flags=[FLAG], clip="annotated.mp4")
    for section in ("summary", "flags", "clip", "plots", "steps", "notes", "about"):
        assert f'<section id="{section}">' in page
    assert "<script" not in page
    assert "Jo &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; O&#x27;Neil" in page
    assert "Felt &lt;heavy&gt;." in page and "Last rep &amp; tired." in page
    assert "Contact time is up &lt;12 ms&gt; &amp; rising." in page
    assert 'src="annotated.mp4"' in page and 'href="annotated.mp4"' in page
    assert not re.search(r'(src|href)="https?://', page)
    # one table row per step
    steps_html = page.split('<section id="steps">')[1].split("</section>")[0]
    assert steps_html.count("<tr>") == len(treadmill.analysis.steps) + 1


def test_without_flags_the_page_says_so(treadmill):
    page = report_html(treadmill.analysis, ReportImages(), flags=[])
    assert "No flags" in page



def test_a_rep_cut_from_a_clip_where_the_athlete_turns_says_which_pass_it_is(treadmill):
    from conftest import out_and_back_track

    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.analysis.result import AnalysisConfig

    page = report_html(analyse_track(out_and_back_track()[0], AnalysisConfig(height_m=1.8)), ReportImages())
    assert "Only part of the clip is analysed: the athlete turns (2 passes: left to right 0.00-" in page
    assert "this is the fastest pass" in page
    assert "Only part of the clip" not in report_html(treadmill.analysis, ReportImages())  # one pass, all of it

@pytest.fixture(scope="module")
def rendered(treadmill, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    options = RenderOptions(clip=False, athlete=ATHLETE, notes="Windy.", flags=(FLAG,))
    written = render_outputs(treadmill.analysis, treadmill.video, out, options, name=treadmill.name)
    return out, written


def test_outputs_are_written(rendered):
    out, written = rendered
    for name in ("kinogram", "angles.png", "angles.svg", "steps.png", "steps.svg", "velocity.png", "velocity.svg",
                 "report"):
        assert written[name].is_file() and written[name].stat().st_size > 1000, name
    assert written["report"].name == OUTPUT_NAMES["report"]
    page = written["report"].read_text()
    assert page.count("data:image/png;base64,") == 3 and page.count("data:image/jpeg;base64,") == 1


def test_report_renders_in_headless_chromium(rendered, chromium, tmp_path):
    out, written = rendered
    url = written["report"].resolve().as_uri()
    shot = tmp_path / "report.png"
    run_chromium(chromium, url, screenshot=shot, window=(412, 1800))  # a phone's width
    assert shot.is_file(), "chromium wrote no screenshot"
    image = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert image.shape[1] == 412
    assert image.std() > 20  # not blank
    assert len(np.unique(image.reshape(-1, 3)[::97], axis=0)) > 50
    # the page's dark header band at the top: the stylesheet was applied
    assert np.abs(image[5, 5] - np.array([0x14, 0x18, 0x1F])).max() < 12
    dom = run_chromium(chromium, url, dump_dom=True, window=(412, 1800))
    for section in ("summary", "flags", "kinogram", "plots", "steps", "notes", "about"):
        assert f'id="{section}"' in dom, section
    # 0.012 s in ms, 11.5 % whole from 9.5 % on; noise and SWC (spreads) a decimal finer
    assert "contact time: +12 ms (+12 %)" in dom
    assert "noise 4.0 ms, smallest worthwhile change 5.0 ms" in dom
    assert dom.count("<img") == 4
    assert set(SECTIONS) >= {"summary", "flags", "kinogram", "plots", "steps"}
