"""The stand-in video: slate with running timecode and the current line, made in the background."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from karachi_review.core.media import probe
from karachi_review.core.transcript import Cue
from karachi_review.player.demo import DemoCancelledError, DemoMaker, demo_path_for, generate_demo
from karachi_review.player.frames import FrameDecoder

CUES = [
    Cue(0, 500, 1500, "First line, spoken."),
    Cue(1, 2000, 3000, "Second line, after a pause."),
]


def _text_band(decoder: FrameDecoder, ms: int) -> np.ndarray:
    pixels = decoder.frame_at_ms(ms).pixels
    return pixels[pixels.shape[0] // 2 : pixels.shape[0] * 3 // 4].astype(np.int16)


def _tc_band(decoder: FrameDecoder, ms: int) -> np.ndarray:
    pixels = decoder.frame_at_ms(ms).pixels
    return pixels[pixels.shape[0] // 6 : pixels.shape[0] * 5 // 12].astype(np.int16)


def test_generates_slate_as_long_as_the_transcript(qapp: object, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = generate_demo(
        CUES, tmp_path / "demo.mp4", Fraction(25), (320, 180), lambda d, t: not seen.append((d, t))
    )
    info = probe(out)
    assert info.fps == 25 and (info.width, info.height) == (320, 180)
    assert abs(info.duration_ms - 5000) <= 80  # last cue end + 2 s of slate
    assert seen[-1] == (info.frame_count, info.frame_count)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with FrameDecoder(out) as decoder:
        quiet = _text_band(decoder, 1800)
        first_a, first_b = _text_band(decoder, 800), _text_band(decoder, 1200)
        second = _text_band(decoder, 2500)
        # The line is on screen while spoken, and changes with the cue.
        assert np.abs(first_a - quiet).mean() > 1.0
        assert np.abs(first_a - first_b).mean() < 0.5
        assert np.abs(first_a - second).mean() > 1.0
        # The timecode runs: two frames apart, the timecode band differs.
        assert np.abs(_tc_band(decoder, 800) - _tc_band(decoder, 880)).mean() > 0.05
    assert [p.name for p in tmp_path.iterdir()] == ["demo.mp4"]


def test_cancel_leaves_no_file(qapp: object, tmp_path: Path) -> None:
    with pytest.raises(DemoCancelledError):
        generate_demo(CUES, tmp_path / "demo.mp4", size=(160, 90), progress=lambda d, t: d < 25)
    assert list(tmp_path.iterdir()) == []


def test_cache_path_follows_the_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "film.txt"
    transcript.write_text("0:00:01 > 0:00:02Hello\n")
    first = demo_path_for(transcript, tmp_path / "cache")
    assert first == demo_path_for(transcript, tmp_path / "cache")
    assert first.parent == tmp_path / "cache" and first.name.startswith("stand-in-film-")
    transcript.write_text("0:00:01 > 0:00:03Hello again\n")
    assert demo_path_for(transcript, tmp_path / "cache") != first


def test_maker_runs_in_background_and_reuses(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "cache" / "demo.mp4"
    maker = DemoMaker(CUES, out, size=(160, 90))
    progress: list[int] = []
    maker.progress.connect(lambda done, total: progress.append(done))
    with qtbot.waitSignal(maker.finished, timeout=60_000) as done:
        maker.start()
    assert done.args == [str(out)] and out.exists() and progress
    assert maker.wait(10)
    again = DemoMaker(CUES, out)
    with qtbot.waitSignal(again.finished, timeout=1000):
        again.start()  # already there: no work
