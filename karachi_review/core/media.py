"""Probe a media file with PyAV: duration, exact frame rate, frame count, start timecode, streams.

Only container and packet headers are read (no picture is decoded), so probing a feature film
takes milliseconds. The frame rate is the container's rational rate; a file whose frame
timestamps are not evenly spaced is flagged ``variable_frame_rate`` (its ``fps`` is then the
average rate and frame numbers follow the real timestamps).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from karachi_review.core.errors import KarachiError

__all__ = [
    "AudioStreamInfo",
    "MediaError",
    "MediaInfo",
    "MediaNotFoundError",
    "NoVideoStreamError",
    "NotMediaError",
    "UnsupportedCodecError",
    "probe",
]

# Packets sampled to tell constant from variable frame rate: enough to span several GOPs of
# B-frame reordering, few enough to stay in the millisecond range.
_VFR_SAMPLE_PACKETS = 600
# Sorted timestamps near the end of the sample may miss a B-frame that is demuxed later.
_VFR_TAIL_IGNORED = 8


class MediaError(KarachiError):
    """A media file that cannot be used for review."""


class MediaNotFoundError(MediaError):
    """The media file does not exist (or is a folder)."""


class NotMediaError(MediaError):
    """The file exists but FFmpeg cannot read it as audio or video."""


class NoVideoStreamError(MediaError):
    """A readable media file without any video stream (audio only, data only)."""


class UnsupportedCodecError(MediaError):
    """The container is readable but FFmpeg has no decoder for its video codec."""


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    """One audio stream: its position among audio streams, codec, layout and language."""

    index: int
    codec: str
    channels: int
    sample_rate: int
    language: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What the player and the CLI need to know about a media file."""

    path: str
    duration_ms: int
    fps: Fraction
    frame_count: int
    start_timecode: str | None
    width: int
    height: int
    video_codec: str
    audio_streams: tuple[AudioStreamInfo, ...]
    variable_frame_rate: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (fps as ``"num/den"``)."""
        return {
            "path": self.path,
            "duration_ms": self.duration_ms,
            "fps": f"{self.fps.numerator}/{self.fps.denominator}",
            "frame_count": self.frame_count,
            "start_timecode": self.start_timecode,
            "width": self.width,
            "height": self.height,
            "video_codec": self.video_codec,
            "variable_frame_rate": self.variable_frame_rate,
            "audio_streams": [
                {
                    "index": a.index,
                    "codec": a.codec,
                    "channels": a.channels,
                    "sample_rate": a.sample_rate,
                    "language": a.language,
                    "title": a.title,
                }
                for a in self.audio_streams
            ],
        }


def open_media(path: str | Path) -> Any:
    """Open ``path`` with PyAV, turning missing files and unreadable data into MediaError."""
    p = Path(path)
    if not p.exists():
        raise MediaNotFoundError("media file not found", str(p))
    if p.is_dir():
        raise MediaNotFoundError("is a folder, not a media file", str(p))
    import av  # on first use: importing PyAV costs ~45 ms of the window's start-up

    try:
        return av.open(str(p))
    except PermissionError as exc:
        raise MediaError(f"cannot read the file: {exc.strerror}", str(p)) from exc
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise NotMediaError(f"not a media file FFmpeg can read ({exc})", str(p)) from exc


def probe(path: str | Path) -> MediaInfo:
    """Read the media facts of ``path`` (raises MediaError subclasses for unusable files)."""
    container = open_media(path)
    try:
        return _probe_open(container, str(path))
    finally:
        container.close()


def _probe_open(container: Any, path: str) -> MediaInfo:
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams}) or ["no streams"]
        raise NoVideoStreamError(f"no video stream (found: {', '.join(kinds)})", path)
    video = container.streams.video[0]
    ctx = video.codec_context
    if ctx is None or ctx.codec is None:
        # PyAV gives no codec context when FFmpeg has no decoder (an unknown fourcc, or a
        # codec left out of this build); it then cannot tell the codec's name either.
        import av

        codec = f"'{ctx.name}'" if ctx is not None and ctx.name else "(unknown to FFmpeg)"
        raise UnsupportedCodecError(
            f"video codec {codec} not supported: the FFmpeg in PyAV {av.__version__} has no "
            "decoder for it; export the video again as H.264 or ProRes",
            path,
        )
    time_base: Fraction | None = video.time_base
    pts = _sample_pts(container, video)
    variable = _is_variable(pts, video.base_rate, time_base)
    fps = _frame_rate(video, variable)
    if fps is None:
        raise NotMediaError("the video stream has no frame rate", path)

    duration_ms = _duration_ms(container, video)
    frame_count = int(video.frames or 0)
    if frame_count <= 0:
        frame_count = (duration_ms * fps.numerator) // (1000 * fps.denominator)
    width, height = int(ctx.width or 0), int(ctx.height or 0)
    codec = ctx.name
    return MediaInfo(
        path=path,
        duration_ms=duration_ms,
        fps=fps,
        frame_count=frame_count,
        start_timecode=_start_timecode(container, video),
        width=width,
        height=height,
        video_codec=str(codec),
        audio_streams=tuple(_audio_info(n, s) for n, s in enumerate(container.streams.audio)),
        variable_frame_rate=variable,
    )


def _sample_pts(container: Any, video: Any) -> list[int]:
    import av

    pts: list[int] = []
    try:
        for packet in container.demux(video):
            if packet.pts is not None:
                pts.append(int(packet.pts))
            if len(pts) >= _VFR_SAMPLE_PACKETS:
                break
    except av.error.FFmpegError:
        pass  # a damaged tail still leaves the header facts usable
    return pts


def _is_variable(pts: list[int], base_rate: Fraction | None, time_base: Fraction | None) -> bool:
    import statistics  # only when probing a film: not on the window's start-up path

    if len(pts) < 3 or time_base is None:
        return False
    ordered = sorted(set(pts))
    keep = len(ordered) - _VFR_TAIL_IGNORED if len(ordered) > 2 * _VFR_TAIL_IGNORED else None
    diffs = [b - a for a, b in itertools.pairwise(ordered[:keep])]
    if not diffs:
        return False
    expected = 1 / (base_rate * time_base) if base_rate else Fraction(statistics.median(diffs))
    # One tick of slack: 1/30000 time bases hold 29.97 exactly, but 1/1000 ones round.
    return any(abs(d - expected) > 1 for d in diffs)


def _frame_rate(video: Any, variable: bool) -> Fraction | None:
    candidates = (
        (video.average_rate, video.guessed_rate, video.base_rate)
        if variable
        else (video.base_rate, video.average_rate, video.guessed_rate)
    )
    for rate in candidates:
        if rate:
            return Fraction(rate)
    return None


def _duration_ms(container: Any, video: Any) -> int:
    if video.duration is not None and video.time_base is not None:
        return int(video.duration * video.time_base * 1000)
    if container.duration is not None:
        # container.duration is in AV_TIME_BASE units (microseconds)
        return int(container.duration) // 1000
    return 0


def _start_timecode(container: Any, video: Any) -> str | None:
    sources = [video.metadata]
    sources += [s.metadata for s in container.streams if s.type == "data"]
    sources.append(container.metadata)
    for meta in sources:
        value = meta.get("timecode")
        if value:
            return str(value)
    return None


def _audio_info(position: int, stream: Any) -> AudioStreamInfo:
    ctx = stream.codec_context
    if ctx is None:  # no decoder for this audio codec: listed, but not playable
        return AudioStreamInfo(
            position,
            "unknown",
            0,
            0,
            _language(stream.metadata.get("language")),
            stream.metadata.get("title"),
        )
    return AudioStreamInfo(
        index=position,
        codec=str(ctx.name) if ctx.codec is not None else "unknown",
        channels=int(ctx.channels or 0),
        sample_rate=int(ctx.sample_rate or 0),
        language=_language(stream.metadata.get("language")),
        title=stream.metadata.get("title"),
    )


def _language(code: str | None) -> str | None:
    # "und" is FFmpeg's placeholder for "not tagged"
    return None if not code or code == "und" else code
