"""core.media.probe on clips generated with PyAV (real files on disk)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from clips import RATES, make_audio_only, make_clip, make_not_video, make_vfr_clip

from karachi_review.core.errors import KarachiError
from karachi_review.core.media import (
    MediaNotFoundError,
    NotMediaError,
    NoVideoStreamError,
    probe,
)


@pytest.mark.parametrize("name", list(RATES))
def test_probe_reads_exact_rate_count_and_timecode(tmp_path: Path, name: str) -> None:
    fps = RATES[name]
    frames = 30
    clip = make_clip(
        tmp_path / "c.mp4",
        fps,
        float(frames / fps),
        width=320,
        height=180,
        gop=12,
        start_timecode="10:00:00:00",
    )
    info = probe(clip.path)
    assert info.fps == fps
    assert isinstance(info.fps, Fraction)
    assert info.frame_count == frames
    assert abs(info.duration_ms - round(frames * 1000 / fps)) <= 1
    assert info.start_timecode == "10:00:00:00"
    assert (info.width, info.height) == (320, 180)
    assert info.video_codec == "h264"
    assert not info.variable_frame_rate
    assert len(info.audio_streams) == 1
    audio = info.audio_streams[0]
    assert (audio.codec, audio.channels, audio.sample_rate) == ("aac", 1, 48000)
    assert info.to_dict()["fps"] == f"{fps.numerator}/{fps.denominator}"


def test_no_timecode_metadata_gives_none_and_mkv_works(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mkv", Fraction(25), 1.0, 160, 90, gop=10, audio=False)
    info = probe(clip.path)
    assert info.start_timecode is None
    assert info.audio_streams == ()
    assert info.fps == 25
    assert abs(info.duration_ms - 1000) <= 40


def test_variable_frame_rate_is_flagged(tmp_path: Path) -> None:
    durations = [40, 40, 20, 60, 33, 33, 34, 100] * 5
    clip = make_vfr_clip(tmp_path / "vfr.mp4", durations, 160, 90)
    info = probe(clip.path)
    assert info.variable_frame_rate
    assert info.frame_count == len(durations)
    assert abs(info.duration_ms - sum(durations)) <= 100


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaNotFoundError) as err:
        probe(tmp_path / "nope.mp4")
    assert err.value.path == str(tmp_path / "nope.mp4")
    assert isinstance(err.value, KarachiError)


def test_folder_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(MediaNotFoundError):
        probe(tmp_path)


def test_text_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(NotMediaError) as err:
        probe(make_not_video(tmp_path / "x.mp4"))
    assert "not a media file" in str(err.value)


def test_audio_only_has_no_video(tmp_path: Path) -> None:
    with pytest.raises(NoVideoStreamError) as err:
        probe(make_audio_only(tmp_path / "a.m4a"))
    assert "no video stream" in str(err.value)
