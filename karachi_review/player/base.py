"""The player contract: a QObject that speaks frames and milliseconds, and a fake of it.

The window talks only to this contract. ``VlcPlayer`` (vlc_player.py) is the real one; the
``FakePlayer`` here keeps the same playhead rules without any decoding, for tests of logic
(shuttle keys, transcript follow mode) that must not depend on libVLC's timing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from karachi_review.core.media import MediaInfo
from karachi_review.core.timecode import frame_to_ms, ms_to_frame

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "MAX_RATE",
    "MIN_RATE",
    "FakePlayer",
    "Player",
    "PlayerState",
    "VideoPicture",
    "clamp_rate",
    "picture_to_array",
]

MIN_RATE = 0.25
MAX_RATE = 4.0


class PlayerState(enum.Enum):
    """Where the player is; carried by ``state_changed``."""

    EMPTY = "empty"  # nothing loaded (or the last load failed)
    PAUSED = "paused"  # the exact frame at the playhead is shown
    PLAYING = "playing"
    ENDED = "ended"  # played to the end; the last frame is shown


@dataclass(frozen=True, slots=True, eq=False)
class VideoPicture:
    """A picture to paint: packed pixels plus their layout, handed across threads as plain data.

    ``pixel_format`` is ``"RGB888"`` (3 bytes R, G, B: PyAV's exact frames) or ``"RGB32"``
    (4 bytes B, G, R, X in memory: libVLC's RV32). ``index`` is the frame number when it is
    known (PyAV), None for libVLC's playback pictures. A ``preview`` is a nearby frame shown
    while the exact one is still being decoded (long GOPs); the exact picture follows.
    """

    width: int
    height: int
    stride: int
    pixel_format: str
    data: bytes
    index: int | None
    exact: bool
    preview: bool = False  # a stand-in shown while the exact frame is decoded


def picture_to_array(picture: VideoPicture) -> np.ndarray:
    """The picture's pixels as an (h, w, 3) or (h, w, 4) uint8 array view."""
    channels = 3 if picture.pixel_format == "RGB888" else 4
    import numpy as np  # not at import time: the window starts ~50 ms sooner without it

    rows = np.frombuffer(picture.data, dtype=np.uint8).reshape(picture.height, picture.stride)
    return rows[:, : picture.width * channels].reshape(picture.height, picture.width, channels)


def clamp_rate(rate: float) -> float:
    """``rate`` limited to the supported 0.25x-4x."""
    return min(max(float(rate), MIN_RATE), MAX_RATE)


class Player(QObject):
    """Playback contract. Positions are int ms and frame numbers; rates are multiples of 1x."""

    position_changed = Signal(int)  # ms of the playhead
    frame_changed = Signal(int)  # frame number of the playhead
    state_changed = Signal(object)  # PlayerState
    media_loaded = Signal(object)  # MediaInfo
    error = Signal(str)  # a message the user can act on
    picture_ready = Signal(object)  # VideoPicture for the video view

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The state every player keeps alike; subclasses change these, the properties read them.
        self._state = PlayerState.EMPTY
        self._info: MediaInfo | None = None
        self._rate = 1.0

    def load(self, path: str | Path) -> bool:
        """Open a media file; False (and ``error``) when it cannot be used."""
        raise NotImplementedError

    def play(self) -> None:
        """Play from the playhead at the current rate."""
        raise NotImplementedError

    def pause(self) -> None:
        """Stop at the frame on screen and show it exactly."""
        raise NotImplementedError

    def toggle(self) -> None:
        """Play when paused or ended, pause when playing."""
        if self.state is PlayerState.PLAYING:
            self.pause()
        else:
            self.play()

    def seek_ms(self, ms: int) -> None:
        """Move the playhead to the frame on screen at ``ms``."""
        raise NotImplementedError

    def seek_frame(self, frame: int) -> None:
        """Move the playhead to frame ``frame`` (clamped to the media)."""
        raise NotImplementedError

    def step(self, frames: int) -> None:
        """Pause (if playing) and move ``frames`` frames (negative: back)."""
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        """Playback speed, clamped to 0.25x-4x."""
        raise NotImplementedError

    def set_volume(self, volume: int) -> None:
        """Volume 0-100."""
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the sound."""
        raise NotImplementedError

    def set_audio_track(self, position: int) -> None:
        """Choose the audio stream by its position among MediaInfo.audio_streams."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the media and any decoder."""

    @property
    def state(self) -> PlayerState:
        """Current state."""
        return self._state

    @property
    def info(self) -> MediaInfo | None:
        """Facts of the loaded media."""
        return self._info

    @property
    def frame(self) -> int:
        """Frame number of the playhead."""
        raise NotImplementedError

    @property
    def position_ms(self) -> int:
        """Playhead in ms (interpolated while playing)."""
        raise NotImplementedError

    @property
    def rate(self) -> float:
        """Current playback rate."""
        return self._rate


class FakePlayer(Player):
    """A player without decoding: ``advance(ms)`` stands in for real time while playing."""

    def __init__(self, fps: Fraction = Fraction(25), frame_count: int = 250) -> None:
        """A fake of ``frame_count`` frames at ``fps``; ``load`` accepts any existing path."""
        super().__init__()
        self._fps = fps
        self._frame_count = frame_count
        self._frame = 0
        self._ms = 0
        self.volume = 100
        self.muted = False
        self.audio_track = 0
        self.calls: list[str] = []

    def load(self, path: str | Path) -> bool:
        """Pretend to open ``path``; a missing file gives the error signal."""
        self.calls.append("load")
        if not Path(path).exists():
            self._set_state(PlayerState.EMPTY)
            self.error.emit(f"{path}: media file not found")
            return False
        duration = frame_to_ms(self._frame_count, self._fps)
        self._info = MediaInfo(
            str(path), duration, self._fps, self._frame_count, None, 640, 360, "fake", (), False
        )
        self.media_loaded.emit(self._info)
        self._move_to(0)
        self._set_state(PlayerState.PAUSED)
        return True

    def play(self) -> None:
        """Start playing (time only moves through ``advance``)."""
        self.calls.append("play")
        if self._info is None:
            return
        if self._state is PlayerState.ENDED:
            self._move_to(0)
        self._set_state(PlayerState.PLAYING)

    def pause(self) -> None:
        """Snap the playhead to its frame."""
        self.calls.append("pause")
        if self._state is PlayerState.PLAYING:
            self._move_to(self._frame)
            self._set_state(PlayerState.PAUSED)

    def seek_ms(self, ms: int) -> None:
        """Move to the frame on screen at ``ms``."""
        self.calls.append(f"seek_ms {ms}")
        self._move_to(ms_to_frame(ms, self._fps))

    def seek_frame(self, frame: int) -> None:
        """Move to ``frame``."""
        self.calls.append(f"seek_frame {frame}")
        self._move_to(frame)

    def step(self, frames: int) -> None:
        """Pause and move by ``frames``."""
        self.calls.append(f"step {frames}")
        if self._info is None:
            return
        if self._state is not PlayerState.PAUSED:
            self._set_state(PlayerState.PAUSED)
        self._move_to(self._frame + frames)

    def set_rate(self, rate: float) -> None:
        """Store the clamped rate."""
        self.calls.append(f"rate {rate}")
        self._rate = clamp_rate(rate)

    def set_volume(self, volume: int) -> None:
        """Store the volume."""
        self.volume = min(max(int(volume), 0), 100)

    def set_muted(self, muted: bool) -> None:
        """Store the mute flag."""
        self.muted = bool(muted)

    def set_audio_track(self, position: int) -> None:
        """Store the audio track."""
        self.audio_track = position

    def advance(self, ms: int) -> None:
        """Let ``ms`` of wall time pass: the playhead moves ms * rate while playing."""
        if self._state is not PlayerState.PLAYING:
            return
        target = self._ms + round(ms * self._rate)
        end = frame_to_ms(self._frame_count - 1, self._fps)
        if target >= end:
            self._move_to(self._frame_count - 1)
            self._set_state(PlayerState.ENDED)
            return
        self._ms = target
        self._emit_frame(ms_to_frame(target, self._fps))
        self.position_changed.emit(target)

    @property
    def frame(self) -> int:
        """Playhead frame."""
        return self._frame

    @property
    def position_ms(self) -> int:
        """Playhead ms."""
        return self._ms

    def _move_to(self, frame: int) -> None:
        if self._info is None:
            return
        frame = min(max(frame, 0), self._frame_count - 1)
        self._ms = frame_to_ms(frame, self._fps)
        self._emit_frame(frame)
        self.position_changed.emit(self._ms)

    def _emit_frame(self, frame: int) -> None:
        if frame != self._frame:
            self._frame = frame
        self.frame_changed.emit(frame)

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)
