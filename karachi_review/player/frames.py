"""Exact frames with PyAV: seek to the keyframe before the target, decode forward to it.

libVLC cannot land on an exact frame of a long-GOP H.264 file with B-frames; FFmpeg can, when
asked to decode from the preceding keyframe and to compare presentation timestamps. Decoded
pictures are kept (in the decoder's own YUV format, half the size of RGB) in a cache around
the playhead, bounded by a memory budget, so stepping back is as fast as stepping forward:
a step back past the cache decodes from the keyframe before it and keeps the frames just
before the target. Frame numbers come from timestamps: on a constant-rate file index =
(pts - start) * time_base * fps; on a variable-rate file the index is the frame's rank among
all presentation timestamps (read once from the packet headers), so steps follow real time.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from karachi_review.core.media import MediaError, MediaInfo, open_media, probe
from karachi_review.core.timecode import frame_to_ms, ms_to_frame

__all__ = ["DEFAULT_CACHE_BUDGET", "DecodeCancelled", "FrameDecoder", "RGBFrame"]

DEFAULT_CACHE_BUDGET = 256 * 1024 * 1024
"""Bytes of decoded pictures kept around the playhead (about 80 frames at 1080p)."""

# Continuing to decode from the current position beats a new seek when the target is close
# ahead: a seek restarts at a keyframe that may lie up to a whole GOP before the target.
_FORWARD_WINDOW_S = 2
# A keyframe this close to the target is not worth a preview: the exact frame follows at once.
_PREVIEW_MIN_FRAMES = 5
# Decoding on towards a far target: past this, the picture reached so far is shown as a
# preview, so a window has something new on screen within 100 ms of any seek.
_PREVIEW_AFTER_S = 0.05
# How far before the target each retry seeks when the demuxer lands after it (B-frame delay).
_SEEK_BACKOFF_S = 1


@dataclass(frozen=True, slots=True, eq=False)
class RGBFrame:
    """One decoded picture as packed RGB888 rows (``stride`` bytes per row)."""

    index: int
    time_ms: int
    pixels: np.ndarray  # (height, width, 3) uint8, C-contiguous

    @property
    def width(self) -> int:
        """Picture width in pixels."""
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        """Picture height in pixels."""
        return int(self.pixels.shape[0])

    @property
    def stride(self) -> int:
        """Bytes per row."""
        return int(self.pixels.strides[0])

    @property
    def data(self) -> bytes:
        """The pixels as bytes (QImage.Format_RGB888 with ``stride``)."""
        return self.pixels.tobytes()


class DecodeCancelled(Exception):
    """Raised inside ``FrameDecoder.frame`` when its ``cancelled`` callback says so."""


class FrameDecoder:
    """Random access to the exact frames of one video file, with a bounded cache."""

    def __init__(
        self,
        path: str | Path,
        cache_budget_bytes: int = DEFAULT_CACHE_BUDGET,
        info: MediaInfo | None = None,
    ) -> None:
        """Open ``path`` (raises MediaError subclasses like core.media.probe)."""
        self.path = str(path)
        self.info = info if info is not None else probe(path)
        self.cache_budget_bytes = max(0, int(cache_budget_bytes))
        self._container: Any = open_media(path)
        self._stream: Any = self._container.streams.video[0]
        if self._stream.codec_context.codec is None:
            raise MediaError(
                f"unsupported video codec ({self.info.video_codec}); FFmpeg cannot decode it",
                self.path,
            )
        self._stream.thread_type = "AUTO"
        self._time_base = Fraction(self._stream.time_base)
        self._start_pts = int(self._stream.start_time or 0)
        self._fps = self.info.fps
        self._vfr_pts: list[int] | None = None
        if self.info.variable_frame_rate:
            self._vfr_pts = self._all_pts()
        self.frame_count = (
            len(self._vfr_pts) if self._vfr_pts is not None else max(1, self.info.frame_count)
        )
        # One reformatter for the decoder's life: frame.to_ndarray(format=...) built a new
        # conversion context per call, 10 ms at 640x360 against 0.2 ms reused (measured).
        self._reformatter = VideoReformatter()
        self._cache: dict[int, Any] = {}
        self._cache_bytes = 0
        self._playhead = 0
        self._direction = 1
        self._frames: Iterator[Any] | None = None
        self._last_index: int | None = None  # last index the current decode run produced
        self._preview: Callable[[RGBFrame], None] | None = None
        self._preview_due = 0.0  # monotonic time after which a preview is shown
        self._cancelled: Callable[[], bool] | None = None
        self.frames_decoded = 0  # total, for benchmarks and tests
        self.seeks = 0

    # -- public ---------------------------------------------------------------------------------

    @property
    def variable_frame_rate(self) -> bool:
        """True when frame timestamps are uneven (steps then follow the real timestamps)."""
        return self._vfr_pts is not None

    @property
    def cache_bytes(self) -> int:
        """Bytes of decoded pictures held now."""
        return self._cache_bytes

    @property
    def cached_indices(self) -> list[int]:
        """Frame numbers held in the cache, ascending."""
        return sorted(self._cache)

    def set_cache_budget(self, budget_bytes: int) -> None:
        """Change the memory budget (evicts at once if it shrank)."""
        self.cache_budget_bytes = max(0, int(budget_bytes))
        self._evict(self._playhead)

    def clamp(self, index: int) -> int:
        """``index`` limited to the frames of the file."""
        return min(max(index, 0), self.frame_count - 1)

    def time_ms(self, index: int) -> int:
        """First millisecond at which frame ``index`` is on screen."""
        index = self.clamp(index)
        if self._vfr_pts is not None:
            ticks = self._vfr_pts[index] - self._vfr_pts[0]
            return _ceil(ticks * self._time_base * 1000)
        return frame_to_ms(index, self._fps)

    def index_at_ms(self, ms: int) -> int:
        """The frame on screen at ``ms`` (clamped to the file)."""
        if self._vfr_pts is not None:
            ticks = self._vfr_pts[0] + ms * Fraction(1, 1000) / self._time_base
            return self.clamp(bisect.bisect_right(self._vfr_pts, ticks) - 1)
        return self.clamp(ms_to_frame(ms, self._fps))

    def frame(
        self,
        index: int,
        preview: Callable[[RGBFrame], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RGBFrame:
        """The exact picture of frame ``index`` (clamped to the file) as RGB.

        When the frame must be decoded from a keyframe far before it, ``preview`` is called
        first with a nearby picture (the nearest cached frame, else the keyframe), so a
        window can show something at once while the exact frame is decoded. ``cancelled`` is
        polled between decoded frames; when it returns True, DecodeCancelled is raised (the
        frames decoded so far stay cached).
        """
        index = self.clamp(index)
        if index != self._playhead:
            self._direction = 1 if index > self._playhead else -1
        self._playhead = index
        picture = self._cache.get(index)
        if picture is None:
            self._preview = preview
            self._preview_due = time.monotonic() + _PREVIEW_AFTER_S
            self._cancelled = cancelled
            try:
                if preview is not None and not self._can_continue(index):
                    near = self._nearest_cached(index, int(self._fps * _FORWARD_WINDOW_S))
                    if near is not None:
                        self._preview = None
                        preview(self._rgb(near, self._cache[near]))
                picture = self._decode_to(index)
            finally:
                self._preview = None
                self._cancelled = None
        self._evict(index)
        return self._rgb(index, picture)

    def _rgb(self, index: int, picture: Any) -> RGBFrame:
        pixels = self._reformatter.reformat(picture, format="rgb24").to_ndarray()
        return RGBFrame(index, self.time_ms(index), np.ascontiguousarray(pixels))

    def frame_at_ms(self, ms: int) -> RGBFrame:
        """The exact picture on screen at ``ms``."""
        return self.frame(self.index_at_ms(ms))

    def close(self) -> None:
        """Release the file and the cache."""
        self._frames = None
        self._cache.clear()
        self._cache_bytes = 0
        self._container.close()

    def __enter__(self) -> FrameDecoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- decoding -------------------------------------------------------------------------------

    def _index_of(self, pts: int) -> int:
        if self._vfr_pts is not None:
            pos = bisect.bisect_left(self._vfr_pts, pts)
            if pos < len(self._vfr_pts) and self._vfr_pts[pos] == pts:
                return pos
            return max(0, pos - 1)
        exact = (pts - self._start_pts) * self._time_base * self._fps
        return int(exact + Fraction(1, 2)) // 1  # round half up: pts are rounded to ticks

    def _pts_of(self, index: int) -> int:
        if self._vfr_pts is not None:
            return self._vfr_pts[index]
        return self._start_pts + int(index / (self._fps * self._time_base))

    def _can_continue(self, target: int) -> bool:
        """True when decoding on from the current position reaches ``target`` soon."""
        last = self._last_index
        window = int(self._fps * _FORWARD_WINDOW_S)
        return self._frames is not None and last is not None and last < target <= last + window

    def _decode_to(self, target: int) -> Any:
        if self._can_continue(target):
            found = self._run_until(target)
            if found is not None:
                return found
        backoff = 0
        while True:
            seek_pts = self._pts_of(target) - int(backoff / self._time_base)
            self._seek(seek_pts)
            first = self._next_decoded()
            if first is None:
                raise MediaError(f"frame {target} could not be decoded", self.path)
            first_index, picture = first
            if first_index <= target or seek_pts <= self._start_pts:
                if first_index >= target:
                    return picture
                if self._preview is not None and target - first_index > _PREVIEW_MIN_FRAMES:
                    show, self._preview = self._preview, None
                    show(self._rgb(first_index, picture))
                found = self._run_until(target)
                if found is not None:
                    return found
                raise MediaError(f"frame {target} could not be decoded", self.path)
            backoff += _SEEK_BACKOFF_S

    def _seek(self, pts: int) -> None:
        self._container.seek(max(pts, self._start_pts), stream=self._stream, backward=True)
        self._frames = self._decode_iter()
        self._last_index = None
        self.seeks += 1

    def _decode_iter(self) -> Iterator[Any]:
        try:
            for packet in self._container.demux(self._stream):
                yield from packet.decode()
        except av.error.FFmpegError as exc:
            raise MediaError(f"cannot decode the video ({exc})", self.path) from exc

    def _next_decoded(self) -> tuple[int, Any] | None:
        """Decode one more picture into the cache; None at the end of the file."""
        assert self._frames is not None
        for picture in self._frames:
            pts = picture.pts if picture.pts is not None else picture.dts
            if pts is None:
                continue
            index = self._index_of(int(pts))
            self.frames_decoded += 1
            self._last_index = index
            self._store(index, picture)
            return index, picture
        self._frames = None
        return None

    def _run_until(self, target: int) -> Any | None:
        while True:
            if self._cancelled is not None and self._cancelled():
                raise DecodeCancelled(target)
            step = self._next_decoded()
            if step is None:
                return self._cache.get(target)
            index, picture = step
            if index == target:
                return picture
            if self._preview is not None and time.monotonic() > self._preview_due:
                show, self._preview = self._preview, None
                show(self._rgb(index, picture))
            if index > target:
                # A timestamp gap (damaged or trimmed file): show the nearest earlier picture.
                earlier = self._nearest_cached(target)
                return self._cache[earlier] if earlier is not None else picture

    def _nearest_cached(self, target: int, within: int = 0) -> int | None:
        """The cached index nearest ``target`` (at most ``within`` away; 0: any earlier one)."""
        if within <= 0:
            earlier = [i for i in self._cache if i <= target]
            return max(earlier) if earlier else None
        near = [i for i in self._cache if abs(i - target) <= within]
        return min(near, key=lambda i: abs(i - target)) if near else None

    # -- cache ----------------------------------------------------------------------------------

    def _store(self, index: int, picture: Any) -> None:
        if index in self._cache:
            return
        self._cache[index] = picture
        self._cache_bytes += _picture_bytes(picture)
        # Frames decoded on the way to a target sit before it: judged by distance from the
        # target, a long GOP leaves the frames just before the playhead (the next steps back).
        self._evict(self._playhead)

    def _evict(self, centre: int) -> None:
        if self._cache_bytes <= self.cache_budget_bytes:
            return
        direction = self._direction

        def distance(i: int) -> int:
            # Frames already passed in the direction of travel go first: stepping back keeps
            # more frames behind the playhead, stepping forward more frames ahead.
            return abs(i - centre) * (3 if (i - centre) * direction < 0 else 1)

        for index in sorted(self._cache, key=distance, reverse=True):
            if self._cache_bytes <= self.cache_budget_bytes or index == centre:
                break
            self._cache_bytes -= _picture_bytes(self._cache.pop(index))

    def _all_pts(self) -> list[int]:
        pts: list[int] = []
        self._container.seek(0, stream=self._stream, backward=True)
        for packet in self._container.demux(self._stream):
            if packet.pts is not None:
                pts.append(int(packet.pts))
        self._container.seek(0, stream=self._stream, backward=True)
        return sorted(set(pts))


def _picture_bytes(picture: Any) -> int:
    return sum(int(plane.buffer_size) for plane in picture.planes)


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def measure_decode(decoder: FrameDecoder, index: int) -> tuple[RGBFrame, float]:
    """``decoder.frame(index)`` and its wall time in seconds (for benchmarks)."""
    start = time.perf_counter()
    frame = decoder.frame(index)
    return frame, time.perf_counter() - start
