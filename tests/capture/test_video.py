"""Video input and output, on clips made in a temporary folder with known timestamps and content."""

from __future__ import annotations

import datetime as dt
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import sprintlens.capture.video as video
from sprintlens.capture.video import (
    FrameSpan,
    frame_intervals_s,
    frames_in_file,
    probe,
    read_frames,
)
from sprintlens.core.errors import OutputError, VideoError
from sprintlens.core.video_writer import VideoWriter

# -- probe ----------------------------------------------------------------------------------------


def test_probe_reports_a_fractional_frame_rate_exactly(make_clip) -> None:
    info = probe(make_clip(n=45, fps=Fraction(30000, 1001), size=(96, 64)))
    assert info.fps == pytest.approx(30000 / 1001, abs=1e-9)  # 29.97, not 29 or 30
    assert info.capture_fps == info.fps and info.capture_fps_source == "header"
    assert info.n_frames == 45
    assert info.duration_s == pytest.approx(45 * 1001 / 30000)
    assert (info.width, info.height, info.orientation) == (96, 64, "landscape")
    assert info.rotation_deg == 0
    assert info.codec == "h264"
    assert info.slow_motion_factor == 1.0
    assert info.frame_period_s == pytest.approx(1001 / 30000)


def test_probe_portrait_and_square(make_clip) -> None:
    assert probe(make_clip("p.mp4", n=3, size=(64, 96))).orientation == "portrait"
    assert probe(make_clip("s.mp4", n=3, size=(64, 64))).orientation == "square"


def test_variable_frame_rate_timestamps_are_the_ones_written(make_clip, clips) -> None:
    pts_ms = [0, 33, 66, 110, 140, 150, 190, 230, 240, 300, 333, 366, 400, 433, 466, 500, 533, 566, 600, 700]
    path = make_clip(n=len(pts_ms), pts=pts_ms, time_base=Fraction(1, 1000))
    info = probe(path)
    frames = list(read_frames(info))
    assert [f.index for f in frames] == list(range(len(pts_ms)))
    np.testing.assert_allclose([f.t_s for f in frames], np.array(pts_ms) / 1000, atol=1e-9)
    assert [clips.frame_number_of(f.rgb) for f in frames] == list(range(len(pts_ms)))
    np.testing.assert_allclose(np.sort(frame_intervals_s(path)), np.sort(np.diff(pts_ms) / 1000), atol=1e-9)


@pytest.mark.parametrize(("degrees", "corner"), [(0, "top-left"), (90, "top-right"), (180, "bottom-right"),
                                                  (270, "bottom-left")])
def test_rotated_clips_are_read_upright(make_clip, clips, degrees: int, corner: str) -> None:
    # a red block in the top-left corner of the stored (landscape) picture
    stored = np.zeros((64, 96, 3), np.uint8)
    stored[:16, :16] = (255, 0, 0)
    path = make_clip(frames=[stored] * 3)
    clips.set_rotation(path, degrees)
    info = probe(path)
    assert info.rotation_deg == degrees
    upright = (96, 64) if degrees in (0, 180) else (64, 96)
    assert (info.width, info.height) == upright
    rgb = next(iter(read_frames(info, prefetch=0))).rgb
    assert rgb.shape == (upright[1], upright[0], 3)
    corners = {"top-left": rgb[:16, :16], "top-right": rgb[:16, -16:],
               "bottom-left": rgb[-16:, :16], "bottom-right": rgb[-16:, -16:]}
    for name, block in corners.items():
        red = block[..., 0].mean() > 200 and block[..., 1:].mean() < 40
        assert red == (name == corner), f"{degrees} deg: red block expected at {corner}, found at {name}"


def test_capture_fps_override_puts_frames_on_the_real_time_axis(make_clip) -> None:
    path = make_clip(n=16, fps=30)
    info = probe(path, capture_fps=240)
    assert (info.fps, info.capture_fps, info.capture_fps_source) == (30.0, 240.0, "user")
    assert info.slow_motion_factor == pytest.approx(8.0)
    assert info.real_duration_s == pytest.approx(16 / 240)
    times = [f.t_s for f in read_frames(info)]
    np.testing.assert_allclose(times, np.arange(16) / 30 / 8, atol=1e-9)  # t = pts / 8


def test_android_capture_fps_tag_sets_the_real_rate(make_clip) -> None:
    info = probe(make_clip(n=8, fps=30, metadata={"com.android.capture.fps": "240.000000"}))
    assert info.capture_fps == 240.0
    assert info.capture_fps_source == "com.android.capture.fps"
    np.testing.assert_allclose([f.t_s for f in read_frames(info)], np.arange(8) / 240, atol=1e-9)


def test_a_capture_fps_tag_equal_to_the_playback_rate_is_not_slow_motion(make_clip) -> None:
    info = probe(make_clip(n=4, fps=30, metadata={"com.android.capture.fps": "30.000000"}))
    assert (info.capture_fps, info.capture_fps_source) == (30.0, "header")


def test_the_user_capture_fps_wins_over_the_tag(make_clip) -> None:
    info = probe(make_clip(n=4, fps=30, metadata={"com.android.capture.fps": "240"}), capture_fps=120)
    assert (info.capture_fps, info.capture_fps_source) == (120.0, "user")


@pytest.mark.parametrize("bad", [0.0, -30.0, float("nan"), float("inf"), 1e9])
def test_an_impossible_capture_fps_is_refused(make_clip, bad: float) -> None:
    with pytest.raises(VideoError, match="capture fps"):
        probe(make_clip(n=2), capture_fps=bad)


def test_the_recording_time_comes_from_the_containers_creation_time(make_clip) -> None:
    info = probe(make_clip(n=4, fps=30, metadata={"creation_time": "2024-05-06T08:12:33.000000Z"}))
    assert info.recorded_at == dt.datetime(2024, 5, 6, 8, 12, 33, tzinfo=dt.timezone.utc)


def test_a_clip_without_a_creation_time_has_no_recording_time(make_clip) -> None:
    assert probe(make_clip(n=4, fps=30)).recorded_at is None


@pytest.mark.parametrize(("tags", "expected"), [
    # an iPhone's local time with its offset wins over the UTC creation_time
    ({"com.apple.quicktime.creationdate": "2024-05-06T23:30:00+0200", "creation_time": "2024-05-06T21:30:00Z"},
     dt.datetime(2024, 5, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ({"creation_time": "2024-05-06 08:12:33"}, dt.datetime(2024, 5, 6, 8, 12, 33, tzinfo=dt.timezone.utc)),
    ({"creation_time": "1970-01-01T00:00:00Z"}, None),  # an encoder's placeholder
    ({"creation_time": "1904-01-01T00:00:00Z"}, None),
    ({"creation_time": "yesterday"}, None),
    ({}, None),
])
def test_recorded_at_reads_the_tags_phones_write(tags: dict, expected) -> None:
    assert video.recorded_at(tags) == expected


def test_the_filming_day_is_the_local_day_of_the_tag_or_of_this_computer(monkeypatch) -> None:
    late_in_paris = dt.datetime(2024, 5, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert video.filming_day(late_in_paris) == dt.date(2024, 5, 6)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert video.filming_day(dt.datetime(2024, 5, 6, 21, 30, tzinfo=dt.timezone.utc)) == dt.date(2024, 5, 7)
    finally:
        monkeypatch.undo()
        time.tzset()


# -- bad input ------------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        probe(tmp_path / "nope.mp4")


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="is a folder"):
        probe(tmp_path)


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").touch()
    with pytest.raises(VideoError, match="empty file"):
        probe(tmp_path / "empty.mp4")


def test_a_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 20)
    with pytest.raises(VideoError, match="cannot be read as a video"):
        probe(path)


def test_a_file_with_no_video_frames(clips, tmp_path: Path) -> None:
    path = clips.zero_frame_mp4(tmp_path / "zero.mp4")
    assert path.stat().st_size > 0
    with pytest.raises(VideoError, match="no video"):
        probe(path)


def test_an_audio_only_file(tmp_path: Path) -> None:
    import av

    path = tmp_path / "audio.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=44100)
        for i in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(VideoError, match="no video stream"):
        probe(path)


@pytest.mark.parametrize("prefetch", [0, 4])
def test_a_truncated_file_stops_early_with_a_video_error(make_clip, clips, prefetch: int) -> None:
    rng = np.random.default_rng(1)  # noise does not compress: the frames fill the file evenly
    path = make_clip(frames=[rng.integers(0, 255, (64, 96, 3), dtype=np.uint8) for _ in range(40)])
    clips.truncate(path, 0.5)
    info = probe(path)  # the index (moov first) survives, so the header still says 40 frames
    assert info.n_frames == 40
    seen = []
    with pytest.raises(VideoError, match="truncated"):
        for frame in read_frames(info, prefetch=prefetch):
            seen.append(frame.index)
    assert 0 < len(seen) < 40
    assert seen == list(range(len(seen)))
    assert len(seen) - 2 <= frames_in_file(path) < 40  # the packets that are there tell so without decoding


def test_frames_in_file(make_clip, tmp_path: Path) -> None:
    assert frames_in_file(make_clip(n=17)) == 17
    (tmp_path / "x.mp4").write_text("no")
    assert frames_in_file(tmp_path / "x.mp4") is None


def test_a_file_cut_before_its_first_frame(make_clip, clips) -> None:
    path = clips.truncate(make_clip(n=10), 0.3)
    with pytest.raises(VideoError):
        probe(path)


# -- frame spans ----------------------------------------------------------------------------------


def test_span_parse() -> None:
    assert FrameSpan.parse("120", None) == FrameSpan(start_frame=120)
    assert FrameSpan.parse(None, "4.5s") == FrameSpan(end_s=4.5)
    assert FrameSpan.parse(" 2S ", "10") == FrameSpan(start_s=2.0, end_frame=10)
    assert FrameSpan.parse(None, "").is_whole
    assert not FrameSpan.parse("0", None).is_whole


@pytest.mark.parametrize(("start", "end", "message"), [
    ("abc", None, "bad start"), ("-1", None, "bad start"), (None, "1.5", "bad end"), ("nans", None, "bad start"),
    ("-2s", None, "bad start"), ("10", "10", "empty frame range"), ("3s", "2s", "empty time range"),
])
def test_span_parse_rejects(start, end, message: str) -> None:
    with pytest.raises(VideoError, match=message):
        FrameSpan.parse(start, end)


def test_span_by_frame(make_clip, clips) -> None:
    info = probe(make_clip(n=30))
    frames = list(read_frames(info, FrameSpan(start_frame=5, end_frame=10)))
    assert [f.index for f in frames] == [5, 6, 7, 8, 9]
    assert [clips.frame_number_of(f.rgb) for f in frames] == [5, 6, 7, 8, 9]
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(5, 10) / 30, atol=1e-9)


def test_span_by_playback_time(make_clip) -> None:
    info = probe(make_clip(n=30))
    frames = list(read_frames(info, FrameSpan.parse("0.2s", "0.5s")))
    assert [f.index for f in frames] == list(range(6, 15))  # 6/30 = 0.2 s up to before 15/30 = 0.5 s


def test_span_times_are_playback_times_in_a_slow_motion_clip(make_clip) -> None:
    # --start 0.2s means what the video player shows, frame 6; its real time is 6/240 s
    info = probe(make_clip(n=30), capture_fps=240)
    frames = list(read_frames(info, FrameSpan.parse("0.2s", "0.3s")))
    assert [f.index for f in frames] == [6, 7, 8]
    np.testing.assert_allclose([f.t_s for f in frames], np.array([6, 7, 8]) / 240, atol=1e-9)


def test_a_span_beyond_the_end_yields_nothing(make_clip) -> None:
    info = probe(make_clip(n=10))
    assert list(read_frames(info, FrameSpan(start_frame=50))) == []


def test_a_span_ending_early_does_not_count_as_truncation(make_clip) -> None:
    info = probe(make_clip(n=30))
    assert [f.index for f in read_frames(info, FrameSpan(end_frame=3))] == [0, 1, 2]


# -- the decode thread ----------------------------------------------------------------------------


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sprintlens-decode"]


def test_the_reader_holds_at_most_prefetch_frames_ahead_and_stops_when_closed(make_clip, monkeypatch) -> None:
    decoded: list[int] = []
    real_decode = video._decode

    def counting_decode(info, span):
        for frame in real_decode(info, span):
            decoded.append(frame.index)
            yield frame

    monkeypatch.setattr(video, "_decode", counting_decode)
    prefetch = 3
    frames = read_frames(probe(make_clip(n=60)), prefetch=prefetch)
    first = next(frames)
    assert first.index == 0
    time.sleep(0.5)  # give the decode thread every chance to run ahead
    # one frame handed out, `prefetch` waiting in the queue, one decoded and waiting for room
    assert len(decoded) <= 1 + prefetch + 1
    assert len(_decode_threads()) == 1
    frames.close()
    assert _decode_threads() == []
    assert len(decoded) <= 1 + prefetch + 1


def test_the_decode_thread_ends_when_the_consumer_fails(make_clip) -> None:
    info = probe(make_clip(n=60))

    def consume() -> None:
        for frame in read_frames(info, prefetch=2):
            if frame.index == 3:
                raise RuntimeError("analysis failed")

    with pytest.raises(RuntimeError, match="analysis failed"):
        consume()
    assert _decode_threads() == []


def test_the_decode_thread_ends_after_the_last_frame(make_clip) -> None:
    assert len(list(read_frames(probe(make_clip(n=12)), prefetch=2))) == 12
    assert _decode_threads() == []


def test_decode_errors_reach_the_consumer(make_clip, monkeypatch) -> None:
    def failing_decode(info, span):
        yield from ()
        raise VideoError("boom while decoding")

    monkeypatch.setattr(video, "_decode", failing_decode)
    with pytest.raises(VideoError, match="boom while decoding"):
        list(read_frames(probe(make_clip(n=5)), prefetch=2))
    assert _decode_threads() == []


def test_inline_and_threaded_reading_give_the_same_frames(make_clip) -> None:
    info = probe(make_clip(n=20))
    inline = list(read_frames(info, prefetch=0))
    threaded = list(read_frames(info, prefetch=4))
    assert [(f.index, f.t_s) for f in inline] == [(f.index, f.t_s) for f in threaded]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(inline, threaded))


# -- writing --------------------------------------------------------------------------------------


def _stream_facts(path: Path) -> tuple[str, str, int, int, int]:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        n = sum(1 for _ in container.decode(stream))
        return stream.codec_context.name, stream.codec_context.pix_fmt, stream.width, stream.height, n


def test_video_writer_round_trip(tmp_path: Path, clips) -> None:
    path = tmp_path / "out.mp4"
    frames = clips.gray_frames(12, 96, 64)
    with VideoWriter(path, 25.0, (96, 64), preset="ultrafast", crf=12) as writer:
        for rgb in frames:
            writer.write(rgb)
    assert writer.frames_written == 12
    assert _stream_facts(path) == ("h264", "yuv420p", 96, 64, 12)
    info = probe(path)
    assert (info.fps, info.n_frames) == (25.0, 12)
    assert [clips.frame_number_of(f.rgb) for f in read_frames(info)] == list(range(12))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]


def test_video_writer_pads_odd_sizes(tmp_path: Path) -> None:
    path = tmp_path / "odd.mp4"
    with VideoWriter(path, 30.0, (63, 47), preset="ultrafast") as writer:
        for _ in range(3):
            writer.write(np.full((47, 63, 3), 128, np.uint8))
    assert _stream_facts(path)[2:] == (64, 48, 3)


def test_video_writer_output_is_reproducible(tmp_path: Path, clips) -> None:
    def write(name: str) -> bytes:
        with VideoWriter(tmp_path / name, 30.0, (96, 64), preset="ultrafast") as writer:
            for rgb in clips.gray_frames(5):
                writer.write(rgb)
        return (tmp_path / name).read_bytes()

    assert write("a.mp4") == write("b.mp4")


def test_an_error_inside_the_writer_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="render failed"):
        with VideoWriter(path, 30.0, (64, 48), preset="ultrafast") as writer:
            writer.write(np.zeros((48, 64, 3), np.uint8))
            raise RuntimeError("render failed")
    assert list(tmp_path.iterdir()) == []


def test_writing_nothing_is_an_error_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no frames"):
        with VideoWriter(tmp_path / "out.mp4", 30.0, (64, 48)):
            pass
    assert list(tmp_path.iterdir()) == []


def test_a_frame_of_the_wrong_size_or_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not fit"):
        with VideoWriter(tmp_path / "out.mp4", 30.0, (64, 48)) as writer:
            writer.write(np.zeros((48, 65, 3), np.uint8))
    with pytest.raises(OutputError, match="uint8"):
        with VideoWriter(tmp_path / "out.mp4", 30.0, (64, 48)) as writer:
            writer.write(np.zeros((48, 64, 3), np.float32))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("fps", "size"), [(0.0, (64, 48)), (float("nan"), (64, 48)), (30.0, (0, 48))])
def test_impossible_writer_settings(tmp_path: Path, fps: float, size: tuple[int, int]) -> None:
    with pytest.raises(OutputError):
        VideoWriter(tmp_path / "out.mp4", fps, size)


def test_writing_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        with VideoWriter(tmp_path / "missing" / "out.mp4", 30.0, (64, 48)):
            pass


def test_frame_intervals_of_a_non_video_are_empty(tmp_path: Path) -> None:
    (tmp_path / "x.mp4").write_text("no")
    assert frame_intervals_s(tmp_path / "x.mp4").size == 0


def test_file_sha256_known_answer(tmp_path: Path) -> None:
    (tmp_path / "abc").write_bytes(b"abc")
    assert video.file_sha256(tmp_path / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
