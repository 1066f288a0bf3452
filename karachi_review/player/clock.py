"""The playhead while playing: anchored on libVLC's time events, interpolated in between.

``get_time()`` lags the picture by about 220 ms and moves in 250-500 ms steps, but the
``MediaPlayerTimeChanged`` event fires within a millisecond of the picture. Each event is
stamped with ``time.monotonic()`` inside the callback (before any queueing), and the position
between events is ``anchor_ms + (now - stamp) * rate``. Pure Python, no Qt, no libVLC.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["PlayheadClock"]


class PlayheadClock:
    """Interpolated media position in ms from (media_ms, monotonic stamp) anchors."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        """``now`` returns seconds on a monotonic clock (injectable for tests)."""
        self._now = now
        self._anchor_ms = 0
        self._stamp = now()
        self._rate = 1.0
        self._running = False
        self._last = 0
        self._limit_ms: int | None = None

    @property
    def running(self) -> bool:
        """True while time advances (playing)."""
        return self._running

    @property
    def rate(self) -> float:
        """Multiplier of wall time."""
        return self._rate

    def set_limit(self, limit_ms: int | None) -> None:
        """Never report beyond ``limit_ms`` (the media's last frame)."""
        self._limit_ms = limit_ms

    def anchor(self, media_ms: int, stamp: float | None = None) -> None:
        """A time event: the picture of ``media_ms`` was shown at monotonic ``stamp``."""
        self._anchor_ms = int(media_ms)
        self._stamp = self._now() if stamp is None else stamp
        # Interpolation may run a few ms ahead of the next event; moving the playhead back
        # would flicker the highlight, so it holds until time catches up. A jump back of
        # more than 100 ms is a seek and is followed.
        if not (self._running and self._last - 100 < media_ms < self._last):
            self._last = int(media_ms)

    def jump(self, media_ms: int) -> None:
        """A seek: position ``media_ms`` from now, forgetting the previous anchor."""
        self._anchor_ms = int(media_ms)
        self._stamp = self._now()
        self._last = int(media_ms)

    def start(self, media_ms: int | None = None, stamp: float | None = None) -> None:
        """Start advancing (from ``media_ms`` shown at monotonic ``stamp``, if given)."""
        if media_ms is not None:
            self.jump(media_ms)
            if stamp is not None:
                self._stamp = stamp
        else:
            self._stamp = self._now()
            self._anchor_ms = self._last
        self._running = True

    def stop(self) -> int:
        """Stop advancing; returns the position at which it stopped."""
        position = self.position_ms()
        self._running = False
        self._anchor_ms = position
        self._last = position
        return position

    def set_rate(self, rate: float) -> None:
        """Change speed from now on (re-anchors at the current position)."""
        position = self.position_ms()
        self._anchor_ms = position
        self._stamp = self._now()
        self._rate = float(rate)

    def position_ms(self) -> int:
        """Where the playhead is now."""
        if not self._running:
            return self._last
        elapsed = max(0.0, self._now() - self._stamp)
        position = self._anchor_ms + round(elapsed * 1000 * self._rate)
        if self._limit_ms is not None:
            position = min(position, self._limit_ms)
        self._last = max(self._last, position)
        return self._last
