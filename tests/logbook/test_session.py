"""Session orchestration: which clips, in what order, stored where, judged against what."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from logbook_data import fatigue_shift, run_at_once, synthetic_rep

from sprintlens.core.errors import StoreError, VideoError
from sprintlens.logbook.session import (
    assess_stored_session,
    athlete_sessions,
    check_sources,
    collect_sources,
    natural_key,
    store_session,
)
from sprintlens.logbook.store import Store

DAY = dt.date(2024, 5, 1)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "logbook.db") as s:
        s.add_athlete("Ann", height_m=1.70)
        s.add_athlete("Bob")
        yield s


def test_folder_clips_in_natural_order_and_clear_errors(tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for name in ("rep10.mp4", "rep2.MOV", "rep1.mp4", "rep1.truth.json", ".hidden.mp4", "notes.txt"):
        (folder / name).write_bytes(b"x")
    assert [p.name for p in collect_sources([folder])] == ["rep1.mp4", "rep2.MOV", "rep10.mp4"]
    assert natural_key(folder / "rep2.mp4") < natural_key(folder / "rep10.mp4")
    given = [folder / "rep10.mp4", folder / "rep1.mp4"]
    assert collect_sources(given) == given  # files keep the order given
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(VideoError, match="no video files in this folder"):
        collect_sources([empty])
    with pytest.raises(VideoError, match="no such file or folder"):
        collect_sources([tmp_path / "missing"])
    with pytest.raises(VideoError, match="named twice"):
        collect_sources([folder, folder / "rep1.mp4"])
    with pytest.raises(VideoError, match="no clips given"):
        collect_sources([])


def test_new_session_then_same_day_appends_and_reruns_update(store):
    first = store_session(store, "Ann", [synthetic_rep(f"r{i}.mp4", seed=i) for i in (1, 2, 3)], date=DAY,
                          phase="speed")
    assert first.created and [r.order for r in first.reps] == [1, 2, 3] and len(first.added) == 3
    later = store_session(store, "Ann", [synthetic_rep("r4.mp4", seed=4)], date=DAY)
    assert not later.created and later.session.id == first.session.id
    assert [r.video_name for r in later.reps] == ["r1.mp4", "r2.mp4", "r3.mp4", "r4.mp4"]
    store.set_rpe(later.reps[1].id, 9)
    again = store_session(store, "Ann", [synthetic_rep(f"r{i}.mp4", seed=i) for i in (1, 2, 3, 4)])
    assert again.session.id == first.session.id and len(again.updated) == 4 and not again.added
    assert [r.order for r in again.reps] == [1, 2, 3, 4] and again.reps[1].rpe == 9
    assert again.session.date == DAY  # no date given: the session keeps its day
    assert store.counts()["reps"] == 4
    other_day = store_session(store, "Ann", [synthetic_rep("r5.mp4", seed=5)], date=DAY + dt.timedelta(days=7))
    assert other_day.created and other_day.session.id != first.session.id
    separate = store_session(store, "Ann", [synthetic_rep("r6.mp4", seed=6)], date=DAY, new_session=True)
    assert separate.created and len(store.sessions(store.athlete("Ann").id)) == 3


def test_a_new_session_takes_the_filming_day_unless_a_date_is_given(store):
    filmed = dt.date(2024, 3, 9)
    made = store_session(store, "Ann", [synthetic_rep("f1.mp4", seed=1)], filmed=filmed)
    assert made.created and made.session.date == filmed
    given = store_session(store, "Ann", [synthetic_rep("f2.mp4", seed=2)], date=DAY, filmed=filmed)
    assert given.created and given.session.date == DAY
    # a session analysed again keeps its day: the filming day only dates new sessions
    again = store_session(store, "Ann", [synthetic_rep("f2.mp4", seed=2)], filmed=filmed)
    assert again.session.id == given.session.id and again.session.date == DAY
    today = store_session(store, "Bob", [synthetic_rep("f3.mp4", seed=3)])
    assert today.session.date == dt.date.today()


def test_check_sources_gives_the_day_of_the_earliest_clip(make_clip):
    late = make_clip("late.mp4", n=3, metadata={"com.apple.quicktime.creationdate": "2024-05-07T09:00:00+0200"})
    early = make_clip("early.mp4", n=3, metadata={"com.apple.quicktime.creationdate": "2024-05-06T18:00:00+0200"})
    untagged = make_clip("untagged.mp4", n=3)
    assert check_sources([late, untagged, early]) == dt.date(2024, 5, 6)
    assert check_sources([untagged]) is None


def test_check_sources_reads_the_filming_time_a_pose_track_kept(tmp_path):
    from sprintlens.capture.trackfile import save_track
    from sprintlens.synth import ClipSpec, FlyingSpec, build_truth, prepare, truth_track

    track = truth_track(build_truth(prepare(ClipSpec(FlyingSpec(duration_s=0.3)))))
    kept = track.replace(provenance={"video": {"recorded_at": "2024-05-06T18:00:00+02:00"}})
    none = track.replace(provenance={"video": {"recorded_at": None}})
    assert check_sources([save_track(kept, tmp_path / "kept.npz")]) == dt.date(2024, 5, 6)
    assert check_sources([save_track(none, tmp_path / "none.npz")]) is None


def test_clips_of_another_athlete_or_two_sessions_are_refused_untouched(store):
    store_session(store, "Ann", [synthetic_rep("a.mp4", seed=1)], date=DAY)
    store_session(store, "Ann", [synthetic_rep("b.mp4", seed=2)], date=DAY + dt.timedelta(days=1))
    before = store.counts()
    with pytest.raises(StoreError, match="already stored as Ann's session 1"):
        store_session(store, "Bob", [synthetic_rep("new.mp4", seed=9), synthetic_rep("a.mp4", seed=1)], date=DAY)
    with pytest.raises(StoreError, match="different sessions"):
        store_session(store, "Ann", [synthetic_rep("a.mp4", seed=1), synthetic_rep("b.mp4", seed=2)])
    with pytest.raises(StoreError, match="unknown athlete 'Cy'"):
        store_session(store, "Cy", [synthetic_rep("c.mp4", seed=3)])
    assert store.counts() == before and store.sessions(store.athlete("Bob").id) == []


def test_stored_session_assessment_uses_reference_and_history(store):
    fresh = [synthetic_rep(f"f{i}.mp4", seed=i) for i in range(1, 5)]
    tired = [synthetic_rep(f"t{i}.mp4", seed=10 + i, shift=fatigue_shift(1.0 if i > 2 else 0.0)) for i in range(1, 5)]
    s1 = store_session(store, "Ann", fresh, date=DAY).session
    s2 = store_session(store, "Ann", tired, date=DAY + dt.timedelta(days=7)).session
    own = assess_stored_session(store, s2.id)
    assert own.baseline.label == "reps 1-2 of this session" and own.compared == (3, 4)
    assert own.baseline.noise_source == "baseline reps of 2 sessions (4 reps, 48 steps)"
    assert own.onset_rep == 3
    alone = assess_stored_session(store, s2.id, use_history=False)
    assert alone.baseline.noise_source == "reps 1-2 (24 steps)"
    store.update_athlete("Ann", reference_session_id=s1.id)
    ref = assess_stored_session(store, s2.id)
    assert ref.baseline.label == "reps 1-2 of reference session 1, 2024-05-01" and ref.compared == (1, 2, 3, 4)
    assert assess_stored_session(store, s2.id, use_reference=False).compared == (3, 4)
    bobs = store_session(store, "Bob", [synthetic_rep("bob.mp4", seed=99)], date=DAY).session
    with pytest.raises(StoreError, match="Bob's, not Ann's"):
        assess_stored_session(store, s2.id, reference_session_id=bobs.id)
    sessions = athlete_sessions(store, store.athlete("Ann").id)
    assert [len(s.reps) for s in sessions] == [4, 4] and sessions[1].date == DAY + dt.timedelta(days=7)


def _writer(db: str, athlete: str, tag: str, n: int, barrier) -> None:
    from logbook_data import synthetic_rep as make

    from sprintlens.logbook.session import store_session as save
    from sprintlens.logbook.store import Store as S

    barrier.wait()
    with S(db) as s:
        for i in range(n):
            save(s, athlete, [make(f"{tag}{i}.mp4", seed=i)], date=dt.date(2024, 5, 1))


def test_two_sessions_stored_at_once_for_the_same_athlete_and_day_make_one_session(tmp_path):
    db = tmp_path / "logbook.db"
    with Store(db) as s:
        s.add_athlete("Ann")
    assert run_at_once(_writer, [(str(db), "Ann", tag, 8) for tag in ("a", "b")]) == [0, 0]
    with Store(db) as s:
        sessions = s.sessions(s.athlete("Ann").id)
        assert len(sessions) == 1
        reps = s.reps(sessions[0].id)
        assert sorted(r.order for r in reps) == list(range(1, 17))
        assert {r.video_name[0] for r in reps} == {"a", "b"}
        assert s.integrity_ok()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
