"""Session fixtures: bar-coded clips generated once per run (encoding costs CPU on 2 cores)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from clips import (
    RATES,
    Clip,
    make_audio_only,
    make_clip,
    make_not_video,
    make_two_tone_clip,
    make_unknown_codec_clip,
    make_vfr_clip,
)

# 300 frames: more than one 250-frame GOP, so seeks and steps cross a keyframe.
CLIP_FRAMES = 300
VFR_DURATIONS_MS = [40, 40, 20, 60, 33, 33, 34, 100, 40, 80] * 12


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every generated clip of the session."""
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clips(clip_dir: Path) -> dict[str, Clip]:
    """640x360 H.264 clips (GOP 250, 3 B-frames, 440 Hz tone) at every tested rate."""
    out: dict[str, Clip] = {}
    for name, fps in RATES.items():
        seconds = CLIP_FRAMES / fps
        tc = "00:59:58;00" if fps.denominator == 1001 and fps > 29 else "10:00:00:00"
        out[name] = make_clip(clip_dir / f"clip_{name}.mp4", fps, float(seconds), start_timecode=tc)
    return out


@pytest.fixture(scope="session")
def clip25(clips: dict[str, Clip]) -> Clip:
    """The 25 fps clip."""
    return clips["25"]


@pytest.fixture(scope="session")
def vfr_clip(clip_dir: Path) -> Clip:
    """A variable-frame-rate clip (frame durations 20-100 ms)."""
    return make_vfr_clip(clip_dir / "vfr.mp4", VFR_DURATIONS_MS)


@pytest.fixture(scope="session")
def not_video(clip_dir: Path) -> Path:
    """Text bytes named .mp4."""
    return make_not_video(clip_dir / "not_a_video.mp4")


@pytest.fixture(scope="session")
def audio_only(clip_dir: Path) -> Path:
    """A valid AAC file without video."""
    return make_audio_only(clip_dir / "tone.m4a")


@pytest.fixture(scope="session")
def short_clip(clip_dir: Path) -> Clip:
    """Two seconds at 25 fps, GOP 25: for tests that only need a quick, valid file."""
    return make_clip(clip_dir / "short.mp4", Fraction(25), 2.0, gop=25)


@pytest.fixture(scope="session")
def two_tone_clip(clip_dir: Path) -> Clip:
    """Six seconds of bar-coded video with two audio streams: 440 Hz, then 880 Hz."""
    return make_two_tone_clip(clip_dir / "two_tones.mp4")


@pytest.fixture(scope="session")
def unknown_codec(clip_dir: Path) -> Path:
    """An AVI FFmpeg opens, whose video codec (a made-up fourcc) nothing can decode."""
    return make_unknown_codec_clip(clip_dir / "unknown_codec.avi")


@pytest.fixture(scope="session")
def unknown_audio_codec(clip_dir: Path) -> Path:
    """An AVI with decodable video and an audio stream nothing can decode."""
    return make_unknown_codec_clip(clip_dir / "unknown_audio.avi", unknown="audio")
