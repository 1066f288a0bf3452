"""PlayheadClock: anchored on time events, interpolated, never backwards while playing."""

from __future__ import annotations

from karachi_review.player.clock import PlayheadClock


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_paused_clock_stays_put() -> None:
    t = FakeTime()
    clock = PlayheadClock(t)
    clock.jump(1234)
    t.now += 5
    assert clock.position_ms() == 1234 and not clock.running


def test_interpolates_between_events_at_rate() -> None:
    t = FakeTime()
    clock = PlayheadClock(t)
    clock.start(1000)
    t.now += 0.1
    assert clock.position_ms() == 1100
    clock.anchor(1150, stamp=t.now)  # the picture was ahead: follow it
    t.now += 0.05
    assert clock.position_ms() == 1200
    clock.set_rate(2.0)
    t.now += 0.1
    assert clock.position_ms() == 1400
    clock.set_rate(0.5)
    t.now += 0.2
    assert clock.position_ms() == 1500


def test_event_stamp_taken_in_callback_is_used() -> None:
    t = FakeTime()
    clock = PlayheadClock(t)
    clock.start(0)
    # The event fired 30 ms ago on libVLC's thread and was delivered late on the GUI thread.
    clock.anchor(2000, stamp=t.now - 0.03)
    assert clock.position_ms() == 2030


def test_small_backward_correction_holds_instead_of_going_back() -> None:
    t = FakeTime()
    clock = PlayheadClock(t)
    clock.start(0)
    t.now += 1.0
    assert clock.position_ms() == 1000
    clock.anchor(960, stamp=t.now)  # 40 ms behind: hold, do not flicker back a frame
    assert clock.position_ms() == 1000
    t.now += 0.02
    assert clock.position_ms() == 1000
    t.now += 0.03
    assert clock.position_ms() == 1010
    clock.anchor(500, stamp=t.now)  # far behind: that is a seek, follow it
    assert clock.position_ms() == 500


def test_stop_returns_position_and_limit_caps() -> None:
    t = FakeTime()
    clock = PlayheadClock(t)
    clock.set_limit(1500)
    clock.start(1000)
    t.now += 0.3
    assert clock.stop() == 1300
    t.now += 1
    assert clock.position_ms() == 1300
    clock.start()
    t.now += 1
    assert clock.position_ms() == 1500
