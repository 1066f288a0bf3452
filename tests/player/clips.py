"""Test clips whose every frame carries its own index as a bar code, and the reader of that code.

The clips are encoded with PyAV (FFmpeg inside the wheel): H.264 with long GOPs and B-frames,
the layout on which libVLC's seeks miss, plus a 440 Hz AAC tone. A test decodes a picture by
any route (PyAV, libVLC's callbacks, a painted widget) and reads the index back from the pixels,
so "exact frame" is checked against the picture itself, not against a timestamp.

The bar code itself (draw and read) lives in karachi_review/player/testclip.py, which
``doctor`` also uses; this module adds the variants only tests need (VFR, broken files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from karachi_review.player.testclip import (
    MAX_INDEX,
    BarcodeError,
    code_bits,
    draw_frame,
    encode_clip,
    read_frame_index,
    write_tone,
)

__all__ = [
    "MAX_INDEX",
    "RATES",
    "BarcodeError",
    "Clip",
    "code_bits",
    "draw_frame",
    "make_audio_only",
    "make_clip",
    "make_not_video",
    "make_two_tone_clip",
    "make_unknown_codec_clip",
    "make_vfr_clip",
    "read_frame_index",
]

# The two-tone clip's audio: stream n holds a sine of TONE_HZ[n] at TONE_AMPLITUDE (full scale 1).
TONE_HZ = (440.0, 880.0)
TONE_AMPLITUDE = 0.3
UNKNOWN_FOURCC = "KRVW"

RATES: dict[str, Fraction] = {
    "25": Fraction(25),
    "29.97": Fraction(30000, 1001),
    "23.976": Fraction(24000, 1001),
    "50": Fraction(50),
    "59.94": Fraction(60000, 1001),
}


@dataclass(frozen=True)
class Clip:
    """A generated clip and what was written into it."""

    path: Path
    fps: Fraction
    frame_count: int
    width: int
    height: int
    gop: int
    start_timecode: str | None
    vfr_pts_ms: tuple[int, ...] | None = None


def make_clip(
    path: Path,
    fps: Fraction,
    seconds: float,
    width: int = 640,
    height: int = 360,
    gop: int = 250,
    bframes: int = 3,
    audio: bool = True,
    start_timecode: str | None = None,
) -> Clip:
    """Encode a constant-frame-rate H.264 (+AAC tone) clip to ``path`` (mp4/mkv/mov)."""
    frames = encode_clip(path, fps, seconds, width, height, gop, bframes, audio, start_timecode)
    return Clip(path, fps, frames, width, height, gop, start_timecode)


def make_vfr_clip(path: Path, durations_ms: list[int], width: int = 320, height: int = 180) -> Clip:
    """Encode a variable-frame-rate clip: frame i lasts ``durations_ms[i]`` milliseconds."""
    pts_ms: list[int] = []
    t = 0
    for d in durations_ms:
        pts_ms.append(t)
        t += d
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.time_base = Fraction(1, 1000)
        video.time_base = Fraction(1, 1000)
        video.options = {
            "preset": "veryfast",
            "x264-params": "keyint=50:min-keyint=50:scenecut=0:bframes=2",
        }
        for index, pts in enumerate(pts_ms):
            frame = av.VideoFrame.from_ndarray(draw_frame(index, width, height), format="rgb24")
            frame.pts = pts
            frame.time_base = Fraction(1, 1000)
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
    avg = Fraction(len(pts_ms) * 1000, t)
    return Clip(path, avg, len(pts_ms), width, height, 50, None, tuple(pts_ms))


def make_not_video(path: Path) -> Path:
    """A file with a video extension that holds no media at all."""
    path.write_bytes(b"this is not a video, only text named like one\n" * 50)
    return path


def make_audio_only(path: Path, seconds: float = 1.0) -> Path:
    """A valid media file without a video stream (an AAC tone in .m4a)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=48000, layout="mono")
        write_tone(out, stream, Fraction(seconds))
    return path


def _encode_sine(out: Any, stream: Any, hz: float, seconds: float, rate: int = 48000) -> None:
    total = int(seconds * rate)
    chunk = 1024
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        t = np.arange(start, start + n, dtype=np.float64) / rate
        samples = (TONE_AMPLITUDE * np.sin(2 * math.pi * hz * t)).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def make_two_tone_clip(
    path: Path, seconds: float = 6.0, width: int = 320, height: int = 180
) -> Clip:
    """Bar-coded H.264 video plus TWO AAC streams: TONE_HZ[0] first, TONE_HZ[1] second."""
    fps = Fraction(25)
    count = int(seconds * fps)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "x264-params": "keyint=25:scenecut=0"}
        tracks = []
        for hz in TONE_HZ:
            audio = out.add_stream("aac", rate=48000, layout="mono")
            tracks.append((audio, hz))
        for index in range(count):
            frame = av.VideoFrame.from_ndarray(draw_frame(index, width, height), format="rgb24")
            frame.pts = index
            frame.time_base = 1 / fps
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        for audio, hz in tracks:
            _encode_sine(out, audio, hz, seconds)
    return Clip(path, fps, count, width, height, 25, None)


def make_unknown_codec_clip(path: Path, frames: int = 10, unknown: str = "video") -> Path:
    """A valid AVI with a stream whose codec tag no FFmpeg decoder knows.

    ``unknown="video"``: the video stream carries UNKNOWN_FOURCC (its packets are real
    MPEG-4 Part 2; only the tag is made up, as with a camera's proprietary codec).
    ``unknown="audio"``: the video is plain MPEG-4 and a PCM audio stream carries a made-up
    WAVE format tag. FFmpeg refuses unknown tags unless told to be lenient.
    """
    with av.open(str(path), "w", options={"strict": "unofficial"}) as out:
        video = out.add_stream("mpeg4", rate=25)
        video.width, video.height, video.pix_fmt = 64, 36, "yuv420p"
        if unknown == "video":
            video.codec_tag = UNKNOWN_FOURCC
        audio = None
        if unknown == "audio":
            audio = out.add_stream("pcm_s16le", rate=48000, layout="mono")
            audio.codec_tag = "\x34\x12\x00\x00"  # WAVE format 0x1234: registered to no one
        for index in range(frames):
            picture = np.full((36, 64, 3), index * 20, np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio is not None:
            sound = av.AudioFrame.from_ndarray(
                np.zeros((1, 48000 * frames // 25), np.int16), format="s16", layout="mono"
            )
            sound.sample_rate, sound.pts = 48000, 0
            for packet in [*audio.encode(sound), *audio.encode(None)]:
                out.mux(packet)
    return path
