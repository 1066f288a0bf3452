"""VlcPlayer with REAL libVLC (video callbacks, dummy audio) and real PyAV on generated clips.

Every frame is identified by the bar code read from the pixels the player handed to the view.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clips import Clip, read_frame_index
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from karachi_review.core.media import MediaInfo
from karachi_review.core.timecode import frame_to_ms
from karachi_review.player.base import PlayerState, VideoPicture, picture_to_array
from karachi_review.player.vlc_player import VlcPlayer, libvlc_version

SMALL_BUDGET = 10 * 1024 * 1024


class Recorder:
    """Everything a player emitted, with the time it arrived on the GUI thread."""

    def __init__(self, player: VlcPlayer) -> None:
        self.pictures: list[tuple[float, VideoPicture]] = []
        self.playhead_at_picture: list[int] = []  # player.position_ms when each arrived
        self.positions: list[int] = []
        self.frames: list[int] = []
        self.states: list[PlayerState] = []
        self.errors: list[str] = []
        self.loaded: list[MediaInfo] = []
        player.picture_ready.connect(self._on_picture)
        self._player = player
        player.position_changed.connect(self.positions.append)
        player.frame_changed.connect(self.frames.append)
        player.state_changed.connect(self.states.append)
        player.error.connect(self.errors.append)
        player.media_loaded.connect(self.loaded.append)

    def _on_picture(self, picture: VideoPicture) -> None:
        self.pictures.append((time.monotonic(), picture))
        self.playhead_at_picture.append(self._player.position_ms)

    def playhead_lag_frames(self, fps: float, since: float) -> list[int]:
        """Displayed frame minus playhead frame, for libVLC pictures after ``since``."""
        return [
            read_frame_index(picture_to_array(p)) - int(ms * fps / 1000)
            for (t, p), ms in zip(self.pictures, self.playhead_at_picture, strict=True)
            if p.index is None and t >= since
        ]

    def playback_indices(self, since: float = 0.0) -> list[int]:
        """Bar codes of libVLC's pictures (not PyAV's) received after ``since``."""
        return [
            read_frame_index(picture_to_array(p))
            for t, p in self.pictures
            if p.index is None and t >= since
        ]


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[VlcPlayer]:
    """A real player with libVLC's dummy audio output (no sound card here)."""
    p = VlcPlayer(audio_output="dummy", cache_budget_bytes=SMALL_BUDGET)
    yield p
    p.close()


def settle(player: VlcPlayer, timeout_s: float = 5.0) -> None:
    """Let the event loop run until the exact picture of the playhead has arrived."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        picture = player.last_picture
        if picture is not None and picture.exact and picture.index == player.frame:
            return
        QCoreApplication.processEvents()
        time.sleep(0.0005)


def shown(player: VlcPlayer) -> int:
    """Bar code of the exact picture of the playhead, once the decoder has delivered it."""
    settle(player)
    assert player.last_picture is not None
    return read_frame_index(picture_to_array(player.last_picture))


def load(qtbot: QtBot, player: VlcPlayer, clip: Clip) -> Recorder:
    rec = Recorder(player)
    assert player.load(clip.path), rec.errors
    return rec


def test_libvlc_is_present() -> None:
    assert libvlc_version().startswith("3.")


def test_load_shows_exact_frame_zero(qtbot: QtBot, player: VlcPlayer, clip25: Clip) -> None:
    rec = load(qtbot, player, clip25)
    assert player.state is PlayerState.PAUSED
    assert rec.loaded[0].fps == clip25.fps and rec.loaded[0].frame_count == clip25.frame_count
    assert player.last_picture is not None and player.last_picture.exact
    assert shown(player) == 0 and player.frame == 0  # frame 0 is decoded before load returns


def test_100_random_paused_seeks_are_exact(
    qtbot: QtBot, player: VlcPlayer, clips: dict[str, Clip]
) -> None:
    clip = clips["29.97"]
    rec = load(qtbot, player, clip)
    rng = random.Random("vlc-seeks")
    for n in range(100):
        target = rng.randrange(clip.frame_count)
        if n % 2:
            player.seek_frame(target)
        else:
            player.seek_ms(frame_to_ms(target, clip.fps))
        assert (shown(player), player.frame) == (target, target)
        assert player.position_ms == frame_to_ms(target, clip.fps)
        assert rec.positions[-1] == frame_to_ms(target, clip.fps)
    assert player.state is PlayerState.PAUSED
    assert not rec.errors


@pytest.mark.parametrize("name", ["59.94", "23.976"])
def test_200_steps_forward_and_200_back_are_exact(
    qtbot: QtBot, player: VlcPlayer, clips: dict[str, Clip], name: str
) -> None:
    clip = clips[name]
    rec = load(qtbot, player, clip)
    player.seek_frame(99)
    for expected in range(100, 300):
        player.step(1)
        assert shown(player) == expected == player.frame
    player.step(1)  # past the end: stays on the last frame
    assert shown(player) == 299
    for expected in range(298, 98, -1):
        player.step(-1)
        assert shown(player) == expected == player.frame
    assert rec.frames[-1] == 99


def test_play_then_pause_shows_exact_frame_at_playhead(
    qtbot: QtBot, player: VlcPlayer, clip25: Clip
) -> None:
    rec = load(qtbot, player, clip25)
    player.seek_frame(40)
    started = time.monotonic()
    player.play()
    assert player.state is PlayerState.PLAYING
    qtbot.wait(900)
    paused_at = time.monotonic()
    player.pause()
    assert player.state is PlayerState.PAUSED
    assert shown(player) == player.frame
    assert player.last_picture is not None and player.last_picture.exact
    played = rec.playback_indices()
    assert len(played) >= 10, played
    assert played == sorted(played)
    assert 40 <= played[0] <= 42
    # The playhead stops on (or one frame next to) the last picture libVLC showed,
    # and where real time says it should be (25 fps).
    assert abs(player.frame - played[-1]) <= 2, (player.frame, played[-1])
    lags = sorted(rec.playhead_lag_frames(25, since=started))
    assert abs(lags[len(lags) // 2]) <= 1, lags
    # From libVLC's first picture on, the playhead kept real time (25 fps).
    first_t = next(t for t, p in rec.pictures if p.index is None)
    assert abs(player.frame - (played[0] + (paused_at - first_t) * 25)) <= 4
    # While playing the playhead advanced smoothly: many small moves, none backwards.
    moving = [f for f in rec.frames if f > 40]
    assert moving == sorted(moving) and len(set(moving)) >= 10


def test_pause_then_play_resumes_where_it_paused(
    qtbot: QtBot, player: VlcPlayer, clip25: Clip
) -> None:
    rec = load(qtbot, player, clip25)
    player.play()
    qtbot.wait(500)
    player.pause()
    paused_at = player.frame
    resumed = time.monotonic()
    player.play()
    qtbot.wait(400)
    player.pause()
    after = rec.playback_indices(since=resumed)
    assert after, "no picture after resuming"
    assert paused_at <= after[0] <= paused_at + 3
    assert shown(player) == player.frame >= after[-1] - 1


def test_play_starts_from_a_paused_seek(qtbot: QtBot, player: VlcPlayer, clip25: Clip) -> None:
    rec = load(qtbot, player, clip25)
    player.play()
    qtbot.wait(300)
    player.pause()
    player.seek_frame(200)
    assert shown(player) == 200
    resumed = time.monotonic()
    player.play()
    qtbot.waitUntil(lambda: len(rec.playback_indices(since=resumed)) >= 3, timeout=3000)
    first = rec.playback_indices(since=resumed)
    assert 200 <= first[0] <= 202, first
    player.pause()
    assert shown(player) == player.frame


def test_seek_while_playing_continues_from_target(
    qtbot: QtBot, player: VlcPlayer, clip25: Clip
) -> None:
    rec = load(qtbot, player, clip25)
    player.play()
    qtbot.wait(300)
    sought = time.monotonic()
    player.seek_frame(220)
    assert player.state is PlayerState.PLAYING and player.frame == 220

    def near_target() -> bool:
        return any(
            220 <= read_frame_index(picture_to_array(p)) <= 222
            for t, p in rec.pictures
            if t >= sought and not p.preview
        )

    # A picture of the target soon: PyAV's exact one or libVLC's, whichever comes first.
    qtbot.waitUntil(near_target, timeout=1000)
    qtbot.waitUntil(lambda: len(rec.playback_indices(since=sought)) >= 5, timeout=3000)
    after = rec.playback_indices(since=sought)
    assert 220 <= after[0] <= 223 and after == sorted(after), after
    player.pause()
    assert player.frame >= 220


@pytest.mark.parametrize(("rate", "low", "high"), [(2.0, 1.5, 2.6), (0.5, 0.3, 0.7)])
def test_rate_changes_take_effect(
    qtbot: QtBot, player: VlcPlayer, clip25: Clip, rate: float, low: float, high: float
) -> None:
    rec = load(qtbot, player, clip25)
    player.seek_frame(20)
    player.set_rate(rate)
    player.play()
    # libVLC's rate change settles: it skips a few frames (faster) or holds one picture
    # for up to a second (slower).
    qtbot.wait(1500)
    t0, f0 = time.monotonic(), rec.playback_indices()[-1]
    p0 = player.position_ms
    qtbot.wait(1000)
    t1, f1 = time.monotonic(), rec.playback_indices()[-1]
    p1 = player.position_ms
    player.pause()
    speed = (f1 - f0) / 25 / (t1 - t0)
    assert low <= speed <= high, speed
    assert low <= (p1 - p0) / 1000 / (t1 - t0) <= high
    assert player.rate == rate


def test_rate_change_while_playing(qtbot: QtBot, player: VlcPlayer, clip25: Clip) -> None:
    rec = load(qtbot, player, clip25)
    player.play()
    qtbot.wait(400)
    player.set_rate(2.0)
    qtbot.wait(900)
    t0, f0, p0 = time.monotonic(), rec.playback_indices()[-1], player.position_ms
    qtbot.wait(800)
    t1, f1, p1 = time.monotonic(), rec.playback_indices()[-1], player.position_ms
    player.pause()
    assert 1.5 <= (f1 - f0) / 25 / (t1 - t0) <= 2.6
    assert 1.5 <= (p1 - p0) / 1000 / (t1 - t0) <= 2.6
    # The playhead followed the picture, not just the wall clock.
    lags = sorted(rec.playhead_lag_frames(25, since=t0))
    assert len(lags) >= 20 and abs(lags[len(lags) // 2]) <= 1, lags


def test_rates_are_clamped(player: VlcPlayer) -> None:
    player.set_rate(16)
    assert player.rate == 4.0
    player.set_rate(0.01)
    assert player.rate == 0.25


def test_end_of_media_shows_last_frame(qtbot: QtBot, player: VlcPlayer, clip25: Clip) -> None:
    rec = load(qtbot, player, clip25)
    player.seek_frame(clip25.frame_count - 15)
    player.play()
    qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=5000)
    assert shown(player) == clip25.frame_count - 1 == player.frame
    assert rec.states[-2:] == [PlayerState.PLAYING, PlayerState.ENDED]
    # Play again after the end: from the start.
    again = time.monotonic()
    player.play()
    qtbot.waitUntil(lambda: len(rec.playback_indices(since=again)) >= 2, timeout=3000)
    assert rec.playback_indices(since=again)[0] <= 2
    player.pause()


def test_audio_track_listed_while_playing(qtbot: QtBot, player: VlcPlayer, clip25: Clip) -> None:
    load(qtbot, player, clip25)
    player.play()
    qtbot.waitUntil(lambda: len(player.audio_tracks()) == 1, timeout=3000)
    player.pause()
    assert player.audio_tracks()[0][0] >= 0
    # What volume, mute and the track choice do to the sound: test_vlc_audio.py (measured).


def test_missing_file_gives_error_signal(
    qtbot: QtBot, player: VlcPlayer, tmp_path: Path, clip25: Clip
) -> None:
    rec = Recorder(player)
    with qtbot.waitSignal(player.error, timeout=1000):
        assert not player.load(tmp_path / "missing.mp4")
    assert "not found" in rec.errors[0] and "missing.mp4" in rec.errors[0]
    assert player.state is PlayerState.EMPTY
    player.play()
    player.step(1)  # nothing loaded: no crash, nothing happens
    assert player.state is PlayerState.EMPTY
    assert player.load(clip25.path)  # still usable afterwards
    assert shown(player) == 0


def test_not_a_video_gives_error_signal(
    qtbot: QtBot, player: VlcPlayer, not_video: Path, audio_only: Path
) -> None:
    rec = Recorder(player)
    assert not player.load(not_video)
    assert not player.load(audio_only)
    assert len(rec.errors) == 2
    assert "not a media file" in rec.errors[0]
    assert "no video stream" in rec.errors[1]
    assert player.state is PlayerState.EMPTY


def test_loading_while_playing_switches_media(
    qtbot: QtBot, player: VlcPlayer, clips: dict[str, Clip]
) -> None:
    load(qtbot, player, clips["25"])
    player.play()
    qtbot.wait(300)
    assert player.load(clips["50"].path)
    assert player.state is PlayerState.PAUSED and shown(player) == 0
    assert player.info is not None and player.info.fps == 50
    player.seek_frame(123)
    assert shown(player) == 123


def test_far_paused_seek_shows_a_preview_first(qtbot: QtBot, clip25: Clip) -> None:
    player = VlcPlayer(audio_output="dummy", cache_budget_bytes=0)
    try:
        rec = load(qtbot, player, clip25)
        rec.pictures.clear()
        player.seek_frame(230)
        assert player.frame == 230  # the playhead moves at once; pictures follow
        assert shown(player) == 230
        kinds = [(p.preview, p.exact, p.index) for _, p in rec.pictures]
        assert kinds == [(True, False, 0), (False, True, 230)]
    finally:
        player.close()
