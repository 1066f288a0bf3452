"""libVLC plays (sound, rate, real time); PyAV shows the exact frame; the app owns the playhead.

The only module that imports ``vlc``, and only when a player is first used, so the CLI and the
core run on machines without libVLC. Facts this design rests on (measured, see
docs CONVENTIONS): paused libVLC seeks land on the exact frame 8 times in 100 on long-GOP H.264
with B-frames, ``get_time()`` lags the picture by ~220 ms, there is no previous-frame call,
seeking at a rate other than 1x froze the picture, calling libVLC inside its own callbacks
deadlocked and freed callback objects segfaulted. Hence:

* libVLC decodes into memory through its video callbacks (RV32); the display callback copies
  the picture and emits a queued Qt signal carrying bytes. Callbacks never call libVLC.
* Every libVLC event is stamped with ``time.monotonic()`` in the callback and delivered to the
  GUI thread as a signal of plain data; the playhead interpolates between time events.
* Paused, stepped and seeked pictures come from :class:`FrameDecoder` (PyAV), exact, decoded
  on a worker thread (:class:`ExactFrames`): the playhead moves at once, the picture follows.
* Play resumes libVLC from the playhead: seek at 1x (``:start-time`` when libVLC is stopped),
  hold the playhead until libVLC shows the target (its pictures are matched against PyAV's,
  as the first ones after a seek are stale), then restore the rate 400 ms later (a rate change
  right after a seek corrupted the picture until the next keyframe).
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from karachi_review.core.errors import KarachiError
from karachi_review.core.media import probe
from karachi_review.player.base import Player, PlayerState, VideoPicture, clamp_rate
from karachi_review.player.clock import PlayheadClock
from karachi_review.player.exact import ExactFrames
from karachi_review.player.frames import DEFAULT_CACHE_BUDGET, FrameDecoder, RGBFrame

__all__ = [
    "AUDIO_SINK_CHANNELS",
    "AUDIO_SINK_RATE",
    "INSTALL_COMMAND",
    "AudioSink",
    "PlayerBackendError",
    "VlcPlayer",
    "import_vlc",
    "libvlc_audio_outputs",
    "libvlc_grab",
    "libvlc_sound_levels",
    "libvlc_version",
    "new_instance",
]

INSTALL_COMMAND = "sudo apt-get install libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output"

# --no-xlib: libVLC must not touch X from its own threads (we never give it a window).
# --file-caching: a rate change only reaches the picture after the input buffer drains; with
# the default 1000 ms, 0.5x froze the picture for over a second and 2x skipped 13 frames
# (measured here); with 50 ms, 0.5x holds one picture ~300 ms and 2x skips ~5 frames.
BASE_ARGS = (
    "--no-xlib",
    "--quiet",
    "--no-video-title-show",
    "--no-osd",
    "--no-snapshot-preview",
    "--file-caching=50",
)

# Playhead refresh while playing: above the display rate of 60 fps material.
_TICK_MS = 15

# Seek landing: PyAV pictures compared with libVLC's first pictures after a seek.
_LANDING_FRAMES = 4
_LANDING_TOLERANCE = 6.0  # mean grey-level difference (0-255) on a coarse grid
_LANDING_TIMEOUT_S = 0.5
_THUMB_CELLS = 48

# A rate change within ~100 ms of a seek's first picture corrupted the picture until the next
# keyframe (2x, measured); 300 ms later it did not.
_RATE_SETTLE_MS = 400

# The format libVLC converts the sound to for an audio sink (its "amem" output): 16-bit native
# endian, 48 kHz, stereo (mono sources are duplicated on both channels).
AUDIO_SINK_RATE = 48000
AUDIO_SINK_CHANNELS = 2

# Called on libVLC's audio thread with (samples, pts_us): int16 array of shape (n, channels),
# a view on libVLC's buffer that is only valid during the call (copy what you keep). It must
# not call libVLC or the player (calls into libVLC from its own callbacks deadlocked).
AudioSink = Callable[[np.ndarray, int], None]

_vlc_module: ModuleType | None = None


class PlayerBackendError(KarachiError):
    """libVLC is missing or cannot start."""


def import_vlc() -> ModuleType:
    """``import vlc``, turning a missing libVLC into PlayerBackendError with the fix."""
    global _vlc_module
    if _vlc_module is not None:
        return _vlc_module
    try:
        import vlc
    except Exception as exc:  # python-vlc raises several kinds when libvlc.so is missing
        raise PlayerBackendError(
            f"libVLC is not available ({exc}); install it with: {INSTALL_COMMAND}"
        ) from exc
    _vlc_module = vlc
    return cast(ModuleType, vlc)


def libvlc_version() -> str:
    """The libVLC version string (raises PlayerBackendError when libVLC is missing)."""
    vlc = import_vlc()
    return bytes(vlc.libvlc_get_version()).decode("utf-8", "replace")


def new_instance(extra_args: tuple[str, ...] = ()) -> Any:
    """A libVLC instance with our base arguments (PlayerBackendError when it cannot start)."""
    vlc = import_vlc()
    instance = vlc.Instance([*BASE_ARGS, *extra_args])
    if instance is None:
        raise PlayerBackendError(
            f"libVLC did not start (plugins missing?); install them with: {INSTALL_COMMAND}"
        )
    return instance


class _Frames:
    """The memory libVLC decodes into, and the ctypes callbacks that must outlive the player."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.stride = width * 4
        size = self.stride * height
        # libVLC wants planes aligned on 32 bytes.
        self._raw = np.zeros(size + 64, dtype=np.uint8)
        offset = (-self._raw.ctypes.data) % 32
        self.view = self._raw[offset : offset + size]
        self.address = ctypes.c_void_p(self.view.ctypes.data)


class VlcPlayer(Player):
    """The real player: libVLC for playback, PyAV for exact frames, one playhead."""

    # (kind, value, monotonic stamp, media generation) from libVLC's threads, delivered queued
    # on the GUI thread; the generation drops what an earlier media sent after a switch.
    _vlc_event = Signal(str, int, float, int)
    _vlc_picture = Signal(object, float, int)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        audio_output: str | None = None,
        vlc_args: tuple[str, ...] = (),
        cache_budget_bytes: int = DEFAULT_CACHE_BUDGET,
        audio_sink: AudioSink | None = None,
    ) -> None:
        """``audio_output="dummy"`` for tests and machines without sound.

        ``audio_sink`` receives the decoded sound instead of the sound card (libVLC's audio
        callbacks, after its volume and mute): for tests and ``doctor``.
        """
        super().__init__(parent)
        self._args = vlc_args + ((f"--aout={audio_output}",) if audio_output else ())
        self._audio_sink = audio_sink
        self._audio_callbacks: list[Any] = []  # live as long as libVLC: freeing them segfaulted
        self._cache_budget = cache_budget_bytes
        self._instance: Any = None
        self._mp: Any = None
        self._media: Any = None
        self._path = ""
        self._frames_mem: _Frames | None = None
        self._callbacks: list[Any] = []  # ctypes callbacks: freeing them segfaulted libVLC
        self._event_handlers: list[tuple[Any, Any]] = []
        self._generation = 0
        self._decoder: FrameDecoder | None = None
        self._exact: ExactFrames | None = None
        self._frame = 0
        self._ms = 0
        self._volume = 100
        self._muted = False
        self._audio_track: int | None = None
        self._clock = PlayheadClock()
        # Playback bookkeeping, touched only on the GUI thread (the callbacks read two flags).
        self._accept_pictures = False
        self._picture_pending = False
        self._vlc_started = False  # libVLC has an input (playing or paused), not stopped
        self._vlc_at_ms: int | None = None  # where libVLC paused, if the playhead did not move
        self._seek_ms: int | None = None  # a seek whose first picture has not arrived yet
        self._seek_stamp = 0.0
        self._seek_thumbs: list[tuple[int, np.ndarray]] = []
        self._hold_clock = False
        self._last_exact: RGBFrame | None = None
        self.last_picture: VideoPicture | None = None
        self.vlc_pictures = 0  # pictures from libVLC shown (tests, benchmarks)
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._vlc_rate = 1.0  # the rate libVLC runs at (self._rate is the one asked for)
        self._rate_timer = QTimer(self)
        self._rate_timer.setSingleShot(True)
        self._rate_timer.setInterval(_RATE_SETTLE_MS)
        self._rate_timer.timeout.connect(self._apply_rate)
        app = QCoreApplication.instance()
        if app is not None:
            # libVLC's threads must be stopped before the interpreter goes away.
            app.aboutToQuit.connect(self.close)
        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._vlc_picture.connect(self._on_vlc_picture, Qt.ConnectionType.QueuedConnection)

    # -- contract -------------------------------------------------------------------------------

    @property
    def frame(self) -> int:
        """Frame number of the playhead."""
        return self._frame

    @property
    def position_ms(self) -> int:
        """Playhead in ms (interpolated while playing)."""
        if self._state is PlayerState.PLAYING:
            return self._clock.position_ms()
        return self._ms

    @property
    def decoder(self) -> FrameDecoder | None:
        """The exact-frame decoder of the loaded media."""
        return self._decoder

    def load(self, path: str | Path) -> bool:
        """Open ``path``; on failure emit ``error`` and return False (never raise)."""
        self._unload()
        try:
            info = probe(path)
            decoder = FrameDecoder(path, self._cache_budget, info=info)
            first = decoder.frame(0)
            self._ensure_vlc()
        except KarachiError as exc:
            self._set_state(PlayerState.EMPTY)
            self.error.emit(str(exc))
            return False
        self._info, self._decoder = info, decoder
        self._exact = ExactFrames(decoder, self)
        self._exact.picture.connect(self._on_exact_picture)
        self._exact.frames.connect(self._on_landing_frames)
        self._exact.failed.connect(self._on_exact_failed)
        self._clock.set_limit(decoder.time_ms(decoder.frame_count - 1))
        self._path = str(path)
        self._set_media(0)
        self._setup_video(info.width, info.height)
        self.media_loaded.emit(info)
        self._show_exact(first)
        self._set_state(PlayerState.PAUSED)
        return True

    def play(self) -> None:
        """Play from the playhead (from the start when ended)."""
        if self._decoder is None or self._state is PlayerState.PLAYING:
            return
        if self._state is PlayerState.ENDED or self._frame >= self._decoder.frame_count - 1:
            self._move_exact(0)
        start_ms = self._decoder.time_ms(self._frame)
        self._set_state(PlayerState.PLAYING)
        if self._vlc_started and self._vlc_at_ms is not None:
            # Nothing moved since libVLC paused (rate included): resume in place, no seek.
            self._accept_pictures = True
            self._clock.set_rate(self._vlc_rate)
            self._clock.start(self._vlc_at_ms)
            self._mp.set_pause(0)
        elif self._vlc_started:
            self._start_seek(start_ms)
            self._mp.set_pause(0)
        else:
            # A stopped libVLC cannot seek; a seek right after play() let stale pictures of
            # the start through (measured), so the media starts at the playhead instead.
            self._set_media(start_ms)
            self._expect_landing(start_ms)
            self._mp.play()
        self._timer.start()

    def pause(self) -> None:
        """Pause, snap the playhead to the frame on screen and show it exactly."""
        if self._state is not PlayerState.PLAYING:
            return
        self._accept_pictures = False
        self._timer.stop()
        self._rate_timer.stop()
        ms = self._clock.stop()
        self._mp.set_pause(1)
        assert self._decoder is not None
        index = self._decoder.index_at_ms(ms)
        # Resuming in place needs libVLC to be where the playhead says.
        in_step = self._seek_ms is None and not self._hold_clock
        self._vlc_at_ms = ms if in_step and self._vlc_rate == self._rate else None
        self._seek_ms = None
        self._hold_clock = False
        self._set_state(PlayerState.PAUSED)
        self._move_exact(index, keep_vlc_position=True)

    def seek_ms(self, ms: int) -> None:
        """Move the playhead to the frame on screen at ``ms``."""
        if self._decoder is not None:
            self.seek_frame(self._decoder.index_at_ms(ms))

    def seek_frame(self, frame: int) -> None:
        """Move the playhead to ``frame``; exact picture when paused, libVLC seek when playing."""
        if self._decoder is None:
            return
        frame = self._decoder.clamp(frame)
        if self._state is PlayerState.PLAYING:
            self._frame = frame
            self._start_seek(self._decoder.time_ms(frame))
            self._emit_position(frame, self._decoder.time_ms(frame))
            # Some picture at once: the exact one, until libVLC's first picture arrives.
            if self._exact is not None:
                self._exact.request(frame)
            return
        if self._state is PlayerState.ENDED:
            self._set_state(PlayerState.PAUSED)
        self._move_exact(frame)

    def step(self, frames: int) -> None:
        """Pause if playing, then move ``frames`` frames (negative: back)."""
        if self._decoder is None:
            return
        if self._state is PlayerState.PLAYING:
            self.pause()
        if self._state is PlayerState.ENDED:
            self._set_state(PlayerState.PAUSED)
        self._move_exact(self._frame + frames)

    def set_rate(self, rate: float) -> None:
        """Speed 0.25x-4x; applied at once while playing (after a pending seek settles)."""
        self._rate = clamp_rate(rate)
        if self._state is not PlayerState.PLAYING:
            if self._rate != self._vlc_rate:
                self._vlc_at_ms = None  # the next play seeks at 1x, then applies the rate
        elif self._seek_ms is None and not self._rate_timer.isActive():
            self._apply_rate()

    def _apply_rate(self) -> None:
        if self._state is not PlayerState.PLAYING or self._seek_ms is not None or self._mp is None:
            return
        if self._rate == self._vlc_rate:
            return
        slower = self._rate < self._vlc_rate
        self._clock.set_rate(self._rate)
        if slower:
            self._hold_for_time_event()
        self._mp.set_rate(self._rate)
        self._vlc_rate = self._rate

    def _hold_for_time_event(self) -> None:
        # Slowing down, libVLC holds its picture (and its clock) for a moment (~300 ms at
        # 0.5x, ~1 s at 0.25x, measured): the playhead waits for the next time event
        # instead of running ahead of the picture.
        self._clock.stop()
        self._hold_clock = True

    def set_volume(self, volume: int) -> None:
        """Volume 0-100."""
        self._volume = min(max(int(volume), 0), 100)
        if self._mp is not None:
            self._mp.audio_set_volume(self._volume)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute."""
        self._muted = bool(muted)
        if self._mp is not None:
            self._mp.audio_set_mute(self._muted)

    def set_audio_track(self, position: int) -> None:
        """Choose the audio stream by its position among ``info.audio_streams``."""
        self._audio_track = position
        self._apply_audio_track()

    def audio_tracks(self) -> list[tuple[int, str]]:
        """libVLC's (id, name) audio tracks; empty until playback has started once."""
        if self._mp is None:
            return []
        tracks = self._mp.audio_get_track_description() or []
        return [(int(i), _text(name)) for i, name in tracks if int(i) >= 0]

    def volume(self) -> int:
        """The volume libVLC reports (-1 before audio output exists)."""
        return int(self._mp.audio_get_volume()) if self._mp is not None else -1

    def close(self) -> None:
        """Stop libVLC and release everything (the callbacks last until libVLC is gone)."""
        self._unload()
        if self._mp is not None:
            for manager_event, handler in self._event_handlers:
                manager, event_type = manager_event
                manager.event_detach(event_type)
                del handler
            self._event_handlers.clear()
            self._mp.release()
            self._mp = None
        if self._instance is not None:
            self._instance.release()
            self._instance = None
        self._callbacks.clear()
        self._audio_callbacks.clear()

    # -- libVLC setup ---------------------------------------------------------------------------

    def _ensure_vlc(self) -> None:
        if self._mp is not None:
            return
        vlc = import_vlc()
        self._instance = new_instance(self._args)
        self._mp = self._instance.media_player_new()
        manager = self._mp.event_manager()
        kinds = {
            vlc.EventType.MediaPlayerTimeChanged: "time",
            vlc.EventType.MediaPlayerPlaying: "playing",
            vlc.EventType.MediaPlayerPaused: "paused",
            vlc.EventType.MediaPlayerEndReached: "end",
            vlc.EventType.MediaPlayerEncounteredError: "error",
        }
        emit = self._vlc_event.emit
        for event_type, kind in kinds.items():

            def handler(event: Any, kind: str = kind) -> None:
                # libVLC thread: stamp and hand over; never call libVLC here.
                stamp = time.monotonic()
                value = int(event.u.new_time) if kind == "time" else 0
                emit(kind, value, stamp, self._generation)

            manager.event_attach(event_type, handler)
            self._event_handlers.append(((manager, event_type), handler))
        if self._audio_sink is not None:

            def sound_started() -> None:
                emit("sound", 0, time.monotonic(), self._generation)

            self._audio_callbacks = _attach_audio_sink(
                vlc, self._mp, self._audio_sink, sound_started
            )

    def _setup_video(self, width: int, height: int) -> None:
        vlc = import_vlc()
        mem = _Frames(width, height)
        address = mem.address.value
        emit_picture = self._vlc_picture.emit

        @vlc.CallbackDecorators.VideoLockCb  # type: ignore[untyped-decorator]
        def lock(opaque: Any, planes: Any) -> None:
            planes[0] = address
            return None

        @vlc.CallbackDecorators.VideoUnlockCb  # type: ignore[untyped-decorator]
        def unlock(opaque: Any, picture: Any, planes: Any) -> None:
            return None

        @vlc.CallbackDecorators.VideoDisplayCb  # type: ignore[untyped-decorator]
        def display(opaque: Any, picture: Any) -> None:
            # libVLC's vout thread. A paused libVLC repeats its picture ~14 times a second;
            # we show PyAV's frame then, so pictures are only taken while playing, and only
            # when the GUI has painted the previous one (no queue build-up).
            if not self._accept_pictures or self._picture_pending:
                return
            self._picture_pending = True
            emit_picture(mem.view.tobytes(), time.monotonic(), self._generation)

        self._frames_mem = mem
        # Kept alive (freed callbacks segfaulted libVLC); the older media's set can go, as
        # libVLC was stopped before this load, but one more is kept as a margin.
        self._callbacks = [*self._callbacks[-4:], lock, unlock, display, mem]
        self._mp.video_set_callbacks(lock, unlock, display, None)
        self._mp.video_set_format("RV32", width, height, mem.stride)

    def _set_media(self, start_ms: int) -> None:
        media = self._instance.media_new_path(self._path)
        if start_ms > 0:
            media.add_option(f":start-time={start_ms / 1000:.3f}")
        self._mp.set_media(media)
        self._media = media

    def _unload(self) -> None:
        self._timer.stop()
        self._rate_timer.stop()
        self._accept_pictures = False
        self._generation += 1
        if self._mp is not None:
            self._mp.stop()  # also when still opening; a no-op when stopped
        self._vlc_started = False
        self._vlc_at_ms = None
        self._seek_ms = None
        self._clock.stop()
        if self._exact is not None:
            self._exact.close()  # stops the worker, then closes the decoder
        elif self._decoder is not None:
            self._decoder.close()
        self._exact = None
        self._decoder = None
        self._info = None
        self._frame = 0
        self._ms = 0

    # -- GUI-thread handlers of libVLC's signals ------------------------------------------------

    def _on_vlc_event(self, kind: str, value: int, stamp: float, generation: int) -> None:
        if self._mp is None or self._decoder is None or generation != self._generation:
            return
        if kind == "playing":
            self._vlc_started = True
            if self._state is not PlayerState.PLAYING:
                # Paused (or stepped) while libVLC was still opening: keep it quiet.
                self._mp.set_pause(1)
                self._vlc_at_ms = None
            self._apply_sound()
            self._apply_audio_track()
        elif kind == "sound":
            # An audio stream (re)started with libVLC's software gain at 1.
            self._apply_sound()
        elif kind == "time":
            if self._state is PlayerState.PLAYING and self._seek_ms is None:
                if self._hold_clock:
                    self._hold_clock = False
                    self._clock.start(value, stamp)
                else:
                    self._clock.anchor(value, stamp)
        elif kind == "end":
            self._on_end()
        elif kind == "error":
            self.error.emit(f"{self._decoder.path}: libVLC could not play this file")
            if self._state is PlayerState.PLAYING:
                self.pause()

    def _on_vlc_picture(self, data: bytes, stamp: float, generation: int) -> None:
        self._picture_pending = False
        if (
            self._state is not PlayerState.PLAYING
            or self._frames_mem is None
            or generation != self._generation
        ):
            return
        if self._seek_ms is not None:
            if stamp < self._seek_stamp:
                return  # decoded before the seek
            landed = self._landing_frame(data)
            if landed is None:
                if stamp - self._seek_stamp < _LANDING_TIMEOUT_S:
                    return
                landed_ms = self._seek_ms  # no match (odd colours?): trust the seek
            else:
                assert self._decoder is not None
                landed_ms = self._decoder.time_ms(landed)
            # The seek has landed: the playhead runs (at 1x) from this picture on.
            self._seek_ms = None
            self._seek_thumbs = []
            self._clock.start(landed_ms, stamp)
            if self._rate != self._vlc_rate:
                self._rate_timer.start()
        mem = self._frames_mem
        picture = VideoPicture(mem.width, mem.height, mem.stride, "RGB32", data, None, False)
        self.vlc_pictures += 1
        self.last_picture = picture
        self.picture_ready.emit(picture)

    def _on_end(self) -> None:
        assert self._decoder is not None
        if self._state is not PlayerState.PLAYING:
            # Paused a moment before the end: libVLC ran out anyway; the playhead stays.
            self._mp.stop()
            self._vlc_started = False
            self._vlc_at_ms = None
            return
        self._timer.stop()
        self._rate_timer.stop()
        self._accept_pictures = False
        self._clock.stop()
        self._seek_ms = None
        # libVLC must be stopped before it can play again; here we are on the GUI thread.
        self._mp.stop()
        self._vlc_started = False
        self._vlc_at_ms = None
        self._move_exact(self._decoder.frame_count - 1)
        self._set_state(PlayerState.ENDED)

    def _tick(self) -> None:
        if self._state is not PlayerState.PLAYING or self._decoder is None:
            return
        ms = self._clock.position_ms()
        frame = self._decoder.index_at_ms(ms)
        self._emit_position(frame, ms)

    # -- helpers --------------------------------------------------------------------------------

    def _start_seek(self, ms: int) -> None:
        """Seek libVLC at 1x; the rate comes back a moment after the seek has landed."""
        self._expect_landing(ms)
        self._mp.set_time(ms)

    def _expect_landing(self, ms: int) -> None:
        """Hold the playhead at ``ms`` until libVLC shows the target (or a frame just after).

        After a seek libVLC still delivers a picture or two of the old position, or of the
        frames between the keyframe and the target (measured: 1, 37, then 40 for a start at
        40). Its pictures carry no timestamp, so each one is compared with PyAV's pictures of
        the target and the next few frames, on a coarse grid of grey levels; identical-looking
        stale pictures are harmless, different ones are dropped.
        """
        assert self._decoder is not None
        self._vlc_at_ms = None
        self._hold_clock = False
        self._rate_timer.stop()
        # Seeking at another rate froze (0.5x) or corrupted (2x) the picture (measured).
        self._mp.set_rate(1.0)
        self._vlc_rate = 1.0
        self._clock.set_rate(1.0)
        self._seek_ms = ms
        self._seek_stamp = time.monotonic()
        self._clock.jump(ms)
        self._clock.stop()
        self._accept_pictures = True
        target = self._decoder.index_at_ms(ms)
        self._seek_thumbs = []  # filled when the worker has decoded them (a few ms)
        if self._exact is not None:
            self._exact.request_run(target, _LANDING_FRAMES, target)

    def _landing_frame(self, data: bytes) -> int | None:
        mem = self._frames_mem
        if mem is None or not self._seek_thumbs:
            return None
        bgrx = np.frombuffer(data, dtype=np.uint8).reshape(mem.height, mem.width, 4)
        thumb = _thumbnail(bgrx[:, :, 2::-1])
        best = min(self._seek_thumbs, key=lambda c: float(np.abs(c[1] - thumb).mean()))
        if float(np.abs(best[1] - thumb).mean()) <= _LANDING_TOLERANCE:
            return best[0]
        return None

    def _move_exact(self, index: int, keep_vlc_position: bool = False) -> None:
        """Move the playhead now; the exact picture follows from the worker."""
        assert self._decoder is not None
        index = self._decoder.clamp(index)
        if not keep_vlc_position:
            self._vlc_at_ms = None
        self._emit_position(index, self._decoder.time_ms(index))
        if self._exact is not None:
            self._exact.request(index)

    def _on_exact_picture(self, rid: int, frame: RGBFrame, final: bool) -> None:
        del rid  # ExactFrames already dropped superseded requests
        if self._state is PlayerState.PLAYING and self._seek_ms is None:
            return  # libVLC's own pictures are showing
        if final:
            self._show_exact(frame)
        else:
            self._show_preview(frame)

    def _on_landing_frames(self, rid: int, run: list[RGBFrame]) -> None:
        del rid
        if self._seek_ms is not None:
            self._seek_thumbs = [(f.index, _thumbnail(f.pixels)) for f in run]

    def _on_exact_failed(self, rid: int, message: str) -> None:
        del rid
        self.error.emit(message)

    def _show_preview(self, frame: RGBFrame) -> None:
        picture = VideoPicture(
            frame.width, frame.height, frame.stride, "RGB888", frame.data, frame.index, False, True
        )
        self.picture_ready.emit(picture)

    def _show_exact(self, frame: RGBFrame) -> None:
        self._last_exact = frame
        picture = VideoPicture(
            frame.width, frame.height, frame.stride, "RGB888", frame.data, frame.index, True
        )
        self.last_picture = picture
        self.picture_ready.emit(picture)

    def _emit_position(self, frame: int, ms: int) -> None:
        if frame != self._frame or self._state is not PlayerState.PLAYING:
            self._frame = frame
            self.frame_changed.emit(frame)
        if ms != self._ms:
            self._ms = ms
            self.position_changed.emit(ms)

    def _apply_sound(self) -> None:
        if self._mp is not None:
            self._mp.audio_set_volume(self._volume)
            self._mp.audio_set_mute(self._muted)

    def _apply_audio_track(self) -> None:
        if self._mp is None or self._audio_track is None:
            return
        tracks = self.audio_tracks()
        if 0 <= self._audio_track < len(tracks):
            self._mp.audio_set_track(tracks[self._audio_track][0])

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)


# libVLC's audio setup callback, with the format as a writable pointer (python-vlc's own
# prototype hands the 4-byte format over as a read-only copy).
_AUDIO_SETUP_PROTOTYPE = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)


def _attach_audio_sink(
    vlc: ModuleType, mp: Any, sink: AudioSink, on_start: Callable[[], None]
) -> list[Any]:
    """Route ``mp``'s sound to ``sink`` (libVLC's amem); returns the callbacks to keep alive.

    No volume callback is set, so libVLC applies volume and mute to the samples itself
    (software volume), as a listener would hear them. That software gain belongs to each
    audio stream and starts at 1 (a volume set before the stream existed was dropped, measured),
    so ``on_start`` tells the owner, from libVLC's thread, that a stream has started.
    """

    def setup(opaque: Any, fmt: int, rate: Any, channels: Any) -> int:
        # libVLC's audio thread, inside its output start: fill in the format and report.
        ctypes.memmove(fmt, b"S16N", 4)
        rate[0] = AUDIO_SINK_RATE
        channels[0] = AUDIO_SINK_CHANNELS
        on_start()
        return 0

    @vlc.CallbackDecorators.AudioPlayCb  # type: ignore[untyped-decorator]
    def play(opaque: Any, samples: Any, count: int, pts: int) -> None:
        # libVLC's audio thread: hand the samples over; never call libVLC here.
        if not samples or count <= 0:
            return
        pointer = ctypes.cast(samples, ctypes.POINTER(ctypes.c_int16))
        sink(np.ctypeslib.as_array(pointer, shape=(count, AUDIO_SINK_CHANNELS)), pts)

    setup_cb = _AUDIO_SETUP_PROTOTYPE(setup)
    setup_ptr = ctypes.cast(setup_cb, vlc.CallbackDecorators.AudioSetupCb)
    mp.audio_set_callbacks(play, None, None, None, None, None)
    mp.audio_set_format_callbacks(setup_ptr, None)
    return [play, setup_cb, setup_ptr]


def _text(name: Any) -> str:
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)


def _thumbnail(rgb: np.ndarray) -> np.ndarray:
    """Grey levels on a coarse grid: enough to tell pictures apart, cheap at 1080p."""
    height, width = rgb.shape[:2]
    step = max(1, min(height, width) // _THUMB_CELLS)
    grid = rgb[step // 2 :: step, step // 2 :: step, :3].astype(np.float32)
    grey: np.ndarray = 0.299 * grid[:, :, 0] + 0.587 * grid[:, :, 1] + 0.114 * grid[:, :, 2]
    return grey


def libvlc_grab(path: str | Path, width: int, height: int, timeout_s: float = 5.0) -> Any:
    """Play ``path`` headless through the video callbacks and return its first picture.

    For ``doctor``: no Qt involved. Returns an (h, w, 3) RGB array, or None when libVLC
    produced no picture within ``timeout_s``. Raises PlayerBackendError without libVLC.
    """
    import threading

    vlc = import_vlc()
    instance = new_instance(("--aout=dummy",))
    player = instance.media_player_new()
    mem = _Frames(width, height)
    address = mem.address.value
    got = threading.Event()
    result: list[np.ndarray] = []

    @vlc.CallbackDecorators.VideoLockCb  # type: ignore[untyped-decorator]
    def lock(opaque: Any, planes: Any) -> None:
        planes[0] = address
        return None

    @vlc.CallbackDecorators.VideoUnlockCb  # type: ignore[untyped-decorator]
    def unlock(opaque: Any, picture: Any, planes: Any) -> None:
        return None

    @vlc.CallbackDecorators.VideoDisplayCb  # type: ignore[untyped-decorator]
    def display(opaque: Any, picture: Any) -> None:
        if not got.is_set():
            bgrx = mem.view.reshape(height, width, 4)
            result.append(np.ascontiguousarray(bgrx[:, :, 2::-1]))
            got.set()  # stop() happens on the calling thread, never here

    try:
        player.video_set_callbacks(lock, unlock, display, None)
        player.video_set_format("RV32", width, height, mem.stride)
        player.set_media(instance.media_new_path(str(path)))
        player.play()
        got.wait(timeout_s)
        player.stop()
    finally:
        player.release()
        instance.release()
    return result[0] if result else None


def libvlc_sound_levels(
    path: str | Path, settle_s: float = 0.2, window_s: float = 0.25, timeout_s: float = 5.0
) -> dict[str, float] | None:
    """Play ``path``'s sound headless through libVLC's audio callbacks and measure it.

    For ``doctor``: no Qt, no sound card. Returns the RMS level (16-bit scale) of the samples
    libVLC produced at volume 100, at volume 50 and muted (``"100"``, ``"50"``, ``"muted"``),
    each after ``settle_s``, over ``window_s``; None when libVLC produced no sound within
    ``timeout_s``. The file must last about 3 * (settle_s + window_s) plus a moment.
    """
    import threading

    vlc = import_vlc()
    instance = new_instance(("--no-video",))
    player = instance.media_player_new()
    started = threading.Event()
    lock = threading.Lock()
    chunks: list[tuple[float, float, int]] = []  # arrival, sum of squares, sample count

    def sink(samples: np.ndarray, pts: int) -> None:
        energy = float(np.square(samples, dtype=np.float64).sum())
        with lock:
            chunks.append((time.monotonic(), energy, samples.size))

    def level_since(start: float) -> float:
        with lock:
            got = [(e, n) for t, e, n in chunks if t >= start]
        count = sum(n for _, n in got)
        return float(np.sqrt(sum(e for e, _ in got) / count)) if count else 0.0

    keep = _attach_audio_sink(vlc, player, sink, started.set)
    levels: dict[str, float] = {}
    try:
        player.set_media(instance.media_new_path(str(path)))
        player.play()
        if not started.wait(timeout_s):
            player.stop()
            return None
        # Set from this thread once the stream exists (its software gain starts at 1).
        for label, volume, muted in (("100", 100, False), ("50", 50, False), ("muted", 100, True)):
            player.audio_set_volume(volume)
            player.audio_set_mute(muted)
            time.sleep(settle_s)
            start = time.monotonic()
            time.sleep(window_s)
            levels[label] = level_since(start)
        player.stop()
    finally:
        player.release()
        instance.release()
        del keep  # only once libVLC is gone
    return levels


def libvlc_audio_outputs(instance: Any) -> list[str]:
    """Names of libVLC's audio output plugins (python-vlc hands back a raw linked list)."""
    vlc = import_vlc()
    head = instance.audio_output_list_get()
    names: list[str] = []
    node = head
    while node:
        names.append(_text(node.contents.name))
        node = node.contents.next
    if head:
        vlc.libvlc_audio_output_list_release(head)
    return names
