"""Test clips whose every frame carries its own index as a bar code, and the reader of that code.

The clips are encoded with PyAV (FFmpeg inside the wheel): H.264 with long GOPs and B-frames,
the layout on which libVLC's seeks miss, plus a 440 Hz AAC tone. A test decodes a picture by
any route (PyAV, libVLC's callbacks, a painted widget) and reads the index back from the pixels,
so "exact frame" is checked against the picture itself, not against a timestamp.

The bar code itself (draw and read) lives in karachi_review/player/testclip.py, which
``doctor`` also uses; this module adds the variants only tests need (VFR, broken files).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

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
    "make_vfr_clip",
    "read_frame_index",
]

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
