"""Sound through REAL libVLC: volume, mute and audio track measured on the samples it outputs.

The player's ``audio_sink`` routes libVLC's sound to its audio callbacks ("amem") instead of a
sound card; libVLC applies volume and mute to those samples itself (software volume), so the
tests hear what a listener would: the RMS level and the dominant frequency of the samples.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from clips import TONE_AMPLITUDE, TONE_HZ, Clip
from pytestqt.qtbot import QtBot

from karachi_review.cli import main as cli_main
from karachi_review.core.media import MediaError, UnsupportedCodecError, probe
from karachi_review.player.base import PlayerState
from karachi_review.player.vlc_player import AUDIO_SINK_RATE, VlcPlayer, libvlc_sound_levels

# A sine of amplitude A (full scale 1) in 16-bit samples has an RMS of A * 32767 / sqrt(2).
FULL_RMS = TONE_AMPLITUDE * 32767 / np.sqrt(2)
SETTLE_MS = 300  # a change reaches the samples libVLC hands over within this (measured ~50 ms)
WINDOW_MS = 400  # samples measured per level


class AudioTap:
    """Every buffer libVLC handed to the sink, stamped on arrival (on libVLC's audio thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chunks: list[tuple[float, np.ndarray]] = []

    def __call__(self, samples: np.ndarray, pts_us: int) -> None:
        copy = samples.copy()  # the view is libVLC's buffer, valid only during this call
        with self._lock:
            self._chunks.append((time.monotonic(), copy))

    def since(self, start: float) -> np.ndarray:
        """Samples (n, channels) that arrived after ``start``."""
        with self._lock:
            chunks = [c for t, c in self._chunks if t >= start]
        if not chunks:
            return np.zeros((0, 2), dtype=np.int16)
        return np.concatenate(chunks)


def listen(qtbot: QtBot, tap: AudioTap) -> np.ndarray:
    """Let a change settle, then return the next WINDOW_MS of sound (the GUI loop runs)."""
    qtbot.wait(SETTLE_MS)
    start = time.monotonic()
    qtbot.wait(WINDOW_MS)
    return tap.since(start)


def rms(samples: np.ndarray) -> float:
    """Root mean square level (0 for no samples: no callbacks is silence too)."""
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if samples.size else 0.0


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency of the left channel (FFT peak)."""
    left = samples[:, 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(left * np.hanning(len(left))))
    return float(np.argmax(spectrum) * AUDIO_SINK_RATE / len(left))


@pytest.fixture
def tap() -> AudioTap:
    """A fresh sink."""
    return AudioTap()


@pytest.fixture
def player(qtbot: QtBot, tap: AudioTap) -> Iterator[VlcPlayer]:
    """A real player whose sound goes to ``tap``."""
    p = VlcPlayer(audio_sink=tap, cache_budget_bytes=10 * 1024 * 1024)
    yield p
    p.close()


def test_volume_scales_the_sound_and_mute_silences_it(
    qtbot: QtBot, player: VlcPlayer, tap: AudioTap, two_tone_clip: Clip
) -> None:
    assert player.load(two_tone_clip.path)
    player.play()
    full = rms(listen(qtbot, tap))
    player.set_volume(50)
    half = rms(listen(qtbot, tap))
    player.set_volume(25)
    quarter = rms(listen(qtbot, tap))
    player.set_volume(100)
    player.set_muted(True)
    muted = listen(qtbot, tap)
    player.set_muted(False)
    restored = rms(listen(qtbot, tap))
    player.pause()
    print(f"rms full {full:.0f} half {half:.0f} quarter {quarter:.0f} restored {restored:.0f}")
    # Volume 100 is unity gain: the tone as encoded.
    assert abs(full / FULL_RMS - 1) < 0.1, (full, FULL_RMS)
    # libVLC's software volume is cubic in the slider value: 50 -> 0.125, 25 -> 0.0156
    # in amplitude (measured 0.126 and 0.0158).
    assert full > half > quarter > 0
    assert abs(half / full - 0.5**3) < 0.02, half / full
    assert abs(quarter / full - 0.25**3) < 0.005, quarter / full
    assert rms(muted) == 0.0, rms(muted)  # libVLC keeps calling back, with silence
    assert abs(restored / full - 1) < 0.1, (restored, full)


def test_volume_and_mute_set_before_play_apply_when_libvlc_starts(
    qtbot: QtBot, player: VlcPlayer, tap: AudioTap, two_tone_clip: Clip
) -> None:
    player.set_volume(50)  # nothing loaded, libVLC not even created yet
    assert player.load(two_tone_clip.path)
    player.play()
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=1000)
    level = rms(listen(qtbot, tap))
    assert abs(level / FULL_RMS - 0.5**3) < 0.02, level / FULL_RMS
    player.pause()
    player.set_muted(True)
    player.seek_frame(10)  # resuming from another frame restarts libVLC's output
    player.play()
    silent = listen(qtbot, tap)
    player.set_muted(False)
    player.set_volume(100)
    back = rms(listen(qtbot, tap))
    player.pause()
    assert rms(silent) == 0.0
    assert abs(back / FULL_RMS - 1) < 0.1, back / FULL_RMS


def test_audio_track_choice_switches_what_is_heard(
    qtbot: QtBot, player: VlcPlayer, tap: AudioTap, two_tone_clip: Clip
) -> None:
    assert player.load(two_tone_clip.path)
    assert player.info is not None and len(player.info.audio_streams) == 2
    player.play()
    qtbot.waitUntil(lambda: len(player.audio_tracks()) == 2, timeout=3000)
    first = dominant_hz(listen(qtbot, tap))
    player.set_audio_track(1)
    second = dominant_hz(listen(qtbot, tap))
    player.set_audio_track(0)
    again = dominant_hz(listen(qtbot, tap))
    player.pause()
    print(f"dominant Hz: track 0 {first:.0f}, track 1 {second:.0f}, track 0 again {again:.0f}")
    resolution = AUDIO_SINK_RATE / (AUDIO_SINK_RATE * WINDOW_MS / 1000 / 2)  # Hz per FFT bin
    assert abs(first - TONE_HZ[0]) <= resolution * 2, first
    assert abs(second - TONE_HZ[1]) <= resolution * 2, second
    assert abs(again - TONE_HZ[0]) <= resolution * 2, again


def test_audio_track_chosen_before_play_is_heard_from_the_start(
    qtbot: QtBot, player: VlcPlayer, tap: AudioTap, two_tone_clip: Clip
) -> None:
    assert player.load(two_tone_clip.path)
    player.set_audio_track(1)  # libVLC lists no tracks yet: applied on its Playing event
    player.play()
    heard = dominant_hz(listen(qtbot, tap))
    player.pause()
    assert abs(heard - TONE_HZ[1]) < 20, heard


def test_unsupported_codec_is_a_clear_error_not_a_crash(
    qtbot: QtBot, player: VlcPlayer, unknown_codec: Path, two_tone_clip: Clip
) -> None:
    with pytest.raises(UnsupportedCodecError) as caught:
        probe(unknown_codec)
    assert isinstance(caught.value, MediaError)
    assert "video codec" in caught.value.message and "not supported" in caught.value.message
    assert "no decoder" in caught.value.message
    errors: list[str] = []
    player.error.connect(errors.append)
    assert not player.load(unknown_codec)
    assert player.state is PlayerState.EMPTY
    assert len(errors) == 1 and str(unknown_codec) in errors[0], errors
    assert "video codec" in errors[0] and "not supported" in errors[0]
    assert player.load(two_tone_clip.path)  # still usable afterwards


def test_undecodable_audio_stream_is_listed_and_the_video_still_loads(
    qtbot: QtBot, player: VlcPlayer, unknown_audio_codec: Path
) -> None:
    info = probe(unknown_audio_codec)
    assert info.video_codec == "mpeg4" and info.frame_count == 10
    assert [(a.codec, a.channels) for a in info.audio_streams] == [("unknown", 0)]
    assert player.load(unknown_audio_codec)
    assert player.state is PlayerState.PAUSED


def test_probe_cli_reports_unsupported_codec(
    unknown_codec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["probe", str(unknown_codec)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{unknown_codec}: video codec") and "Traceback" not in err


def test_headless_sound_levels_for_doctor(short_clip: Clip, unknown_codec: Path) -> None:
    levels = libvlc_sound_levels(short_clip.path)  # the 440 Hz tone of amplitude 0.3
    assert levels is not None
    assert abs(levels["100"] / FULL_RMS - 1) < 0.1, levels
    assert abs(levels["50"] / levels["100"] - 0.5**3) < 0.02, levels
    assert levels["muted"] == 0.0
    assert libvlc_sound_levels(unknown_codec, timeout_s=1.0) is None  # no sound at all
