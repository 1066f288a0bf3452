"""J/K/L shuttle, as editors know it from Premiere, Resolve and Avid.

L plays forward; each further L doubles the speed (1x, 2x, 4x, ...). J does the same
backwards; libVLC 3 ignores negative rates (``set_rate(-1)`` plays forwards, measured), so
reverse is emulated by exact frame steps back on a timer. K stops. With K held, J and L step
one frame back or forward. J while going forward (or L while going back) first drops to 1x in
the new direction. ``Shuttle`` is the pure state machine; ``ShuttleDriver`` applies it to a
Player with a QTimer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QObject, QTimer

from karachi_review.player.base import MAX_RATE, Player, PlayerState

__all__ = ["REVERSE_TICK_MS", "Shuttle", "ShuttleCommand", "ShuttleDriver", "reverse_plan"]

SPEEDS = (1.0, 2.0, 4.0, 8.0)
# Reverse refreshes at most 25 times a second: each tick is an exact decode, and stepping
# backwards across a long GOP is the expensive direction.
REVERSE_TICK_MS = 40


@dataclass(frozen=True, slots=True)
class ShuttleCommand:
    """What the player should do after a key.

    ``kind`` is "play" (forward at ``speed``), "reverse" (backwards at ``speed``, emulated),
    "pause", or "step" (``frames`` frames, negative = back).
    """

    kind: str
    speed: float = 0.0
    frames: int = 0


class Shuttle:
    """J/K/L state: direction (-1, 0, +1) and speed."""

    def __init__(self, max_forward: float = MAX_RATE, max_reverse: float = 8.0) -> None:
        """Speeds double up to ``max_forward`` (libVLC rate cap) and ``max_reverse``."""
        self.direction = 0
        self.speed = 0.0
        self._k_held = False
        self._forward = tuple(s for s in SPEEDS if s <= max_forward) or (1.0,)
        self._reverse = tuple(s for s in SPEEDS if s <= max_reverse) or (1.0,)

    def press_l(self) -> ShuttleCommand:
        """L: play forward, or faster when already going forward."""
        if self._k_held:
            return ShuttleCommand("step", frames=1)
        return self._push(+1, self._forward)

    def press_j(self) -> ShuttleCommand:
        """J: play backwards, or faster when already going backwards."""
        if self._k_held:
            return ShuttleCommand("step", frames=-1)
        return self._push(-1, self._reverse)

    def press_k(self) -> ShuttleCommand:
        """K: stop (and, while held, J/L step single frames)."""
        self._k_held = True
        return self.stop()

    def release_k(self) -> None:
        """K released."""
        self._k_held = False

    def stop(self) -> ShuttleCommand:
        """Forget direction and speed (also when the user pauses by other means)."""
        self.direction, self.speed = 0, 0.0
        return ShuttleCommand("pause")

    def _push(self, direction: int, ladder: tuple[float, ...]) -> ShuttleCommand:
        if self.direction == direction:
            faster = [s for s in ladder if s > self.speed]
            self.speed = faster[0] if faster else ladder[-1]
        else:
            self.direction, self.speed = direction, ladder[0]
        return ShuttleCommand("play" if direction > 0 else "reverse", speed=self.speed)


def reverse_plan(speed: float, fps: Fraction) -> tuple[int, int]:
    """(timer interval ms, frames per tick) to go backwards at ``speed`` times real time."""
    frames_per_second = float(fps) * speed
    interval = max(REVERSE_TICK_MS, math.ceil(1000 / frames_per_second))
    frames = max(1, round(frames_per_second * interval / 1000))
    return interval, frames


class ShuttleDriver(QObject):
    """Applies Shuttle commands to a Player; emulates reverse play with a timer."""

    def __init__(self, player: Player, parent: QObject | None = None) -> None:
        """Drive ``player``."""
        super().__init__(parent)
        self.player = player
        self.shuttle = Shuttle()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._reverse_tick)
        self._frames_per_tick = 1
        self._applying = False
        player.state_changed.connect(self._on_state)

    @property
    def reversing(self) -> bool:
        """True while the reverse timer runs."""
        return self._timer.isActive()

    def press_j(self) -> None:
        """J key."""
        self._apply(self.shuttle.press_j())

    def press_k(self) -> None:
        """K key pressed."""
        self._apply(self.shuttle.press_k())

    def release_k(self) -> None:
        """K key released."""
        self.shuttle.release_k()

    def press_l(self) -> None:
        """L key."""
        self._apply(self.shuttle.press_l())

    def _apply(self, command: ShuttleCommand) -> None:
        self._applying = True
        try:
            self._apply_now(command)
        finally:
            self._applying = False

    def _apply_now(self, command: ShuttleCommand) -> None:
        if command.kind == "step":
            self._timer.stop()
            self.player.step(command.frames)
        elif command.kind == "pause":
            self._timer.stop()
            self.player.pause()
        elif command.kind == "play":
            self._timer.stop()
            self.player.set_rate(command.speed)
            self.player.play()
        elif command.kind == "reverse":
            info = self.player.info
            if info is None:
                return
            self.player.pause()
            interval, self._frames_per_tick = reverse_plan(command.speed, info.fps)
            self._timer.start(interval)

    def _reverse_tick(self) -> None:
        if self.player.frame <= 0:
            self._timer.stop()
            self.shuttle.stop()
            return
        self.player.step(-self._frames_per_tick)

    def _on_state(self, state: object) -> None:
        # Space, a click on the transcript or the end of the media end the shuttle too.
        if self._applying:
            return
        if state in (PlayerState.ENDED, PlayerState.EMPTY) or (
            state is PlayerState.PAUSED and not self._timer.isActive()
        ):
            self.shuttle.direction, self.shuttle.speed = 0, 0.0
