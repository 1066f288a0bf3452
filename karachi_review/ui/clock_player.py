"""A player without a picture: a clock that plays the transcript in real time.

Used when there is no film (a transcript-only project, a media file that moved, libVLC not
installed). It keeps the Player contract, so the transcript, timeline, marks and tagging work
exactly as with the film; frame numbers count at a nominal rate for the status bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from karachi_review.core.media import MediaInfo
from karachi_review.core.timecode import frame_to_ms, ms_to_frame
from karachi_review.player.base import Player, PlayerState, clamp_rate

__all__ = ["CLOCK_FPS", "ClockPlayer"]

CLOCK_FPS = Fraction(25)
_TICK_MS = 40


class ClockPlayer(Player):
    """Real-time clock over ``[0, duration_ms]``; ``load`` is refused (there is no picture)."""

    def __init__(
        self,
        duration_ms: int = 0,
        parent: QObject | None = None,
        now: Callable[[], float] = time.monotonic,
        fps: Fraction = CLOCK_FPS,
    ) -> None:
        """A stopped clock of ``duration_ms``."""
        super().__init__(parent)
        self._now = now
        self._fps = fps
        self._ms = 0
        self._anchor_ms = 0
        self._anchor_t = 0.0
        self._volume = 100
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.set_duration(duration_ms)

    def set_duration(self, duration_ms: int) -> None:
        """Length of the clock (the transcript's end)."""
        duration_ms = max(int(duration_ms), 0)
        frames = ms_to_frame(duration_ms, self._fps) + 1
        self._info = MediaInfo("", duration_ms, self._fps, frames, None, 0, 0, "clock", (), False)
        if self._state is PlayerState.EMPTY:
            self._state = PlayerState.PAUSED
        self.media_loaded.emit(self._info)

    def load(self, path: str | Path) -> bool:
        """A clock has no media."""
        self.error.emit(f"{path}: the transcript clock cannot play media")
        return False

    def play(self) -> None:
        """Run from the playhead."""
        if self._info is None:
            return
        if self._state is PlayerState.ENDED or self._ms >= self._info.duration_ms:
            self._ms = 0
        self._anchor_ms, self._anchor_t = self._ms, self._now()
        self._set_state(PlayerState.PLAYING)
        self._timer.start()

    def pause(self) -> None:
        """Stop where the clock is."""
        if self._state is PlayerState.PLAYING:
            self.tick()
            self._timer.stop()
            if self._state is PlayerState.PLAYING:
                self._set_state(PlayerState.PAUSED)

    def tick(self) -> None:
        """Advance to the current time (called by the timer while playing)."""
        if self._state is not PlayerState.PLAYING or self._info is None:
            return
        elapsed = (self._now() - self._anchor_t) * 1000.0 * self._rate
        ms = self._anchor_ms + round(elapsed)
        if ms >= self._info.duration_ms:
            self._timer.stop()
            self._move(self._info.duration_ms)
            self._set_state(PlayerState.ENDED)
            return
        self._move(ms)

    def seek_ms(self, ms: int) -> None:
        """Jump to ``ms``."""
        if self._info is None:
            return
        ms = min(max(int(ms), 0), self._info.duration_ms)
        self._anchor_ms, self._anchor_t = ms, self._now()
        if self._state is PlayerState.ENDED:
            self._set_state(PlayerState.PAUSED)
        self._move(ms)

    def seek_frame(self, frame: int) -> None:
        """Jump to nominal frame ``frame``."""
        self.seek_ms(frame_to_ms(max(frame, 0), self._fps))

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` nominal frames."""
        self.pause()
        self.seek_frame(self.frame + frames)

    def set_rate(self, rate: float) -> None:
        """Clock speed, 0.25x-4x."""
        self._anchor_ms, self._anchor_t = self._ms, self._now()
        self._rate = clamp_rate(rate)

    def set_volume(self, volume: int) -> None:
        """Nothing to hear; kept for the contract."""
        self._volume = min(max(int(volume), 0), 100)

    def set_muted(self, muted: bool) -> None:
        """Nothing to hear."""

    def set_audio_track(self, position: int) -> None:
        """Nothing to hear."""

    def close(self) -> None:
        """Stop the timer."""
        self._timer.stop()

    @property
    def frame(self) -> int:
        """Nominal frame of the playhead."""
        return ms_to_frame(self._ms, self._fps)

    @property
    def position_ms(self) -> int:
        """Playhead ms."""
        return self._ms

    def _move(self, ms: int) -> None:
        self._ms = ms
        self.frame_changed.emit(self.frame)
        self.position_changed.emit(ms)

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)
