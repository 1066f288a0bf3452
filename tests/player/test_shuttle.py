"""J/K/L shuttle: the pure state machine, and its driver on the FakePlayer."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from karachi_review.player.base import FakePlayer, PlayerState
from karachi_review.player.shuttle import Shuttle, ShuttleCommand, ShuttleDriver, reverse_plan


def test_l_repeated_doubles_up_to_the_cap() -> None:
    s = Shuttle(max_forward=4.0)
    assert [s.press_l().speed for _ in range(5)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert s.direction == 1


def test_j_reverses_and_doubles() -> None:
    s = Shuttle()
    assert s.press_j() == ShuttleCommand("reverse", speed=1.0)
    assert s.press_j() == ShuttleCommand("reverse", speed=2.0)
    assert s.press_j().speed == 4.0
    assert s.press_j().speed == 8.0
    assert s.press_j().speed == 8.0


def test_changing_direction_drops_to_1x() -> None:
    s = Shuttle()
    s.press_l()
    s.press_l()
    assert s.press_j() == ShuttleCommand("reverse", speed=1.0)
    assert s.press_l() == ShuttleCommand("play", speed=1.0)


def test_k_stops_and_k_held_steps() -> None:
    s = Shuttle()
    s.press_l()
    assert s.press_k() == ShuttleCommand("pause")
    assert s.press_l() == ShuttleCommand("step", frames=1)
    assert s.press_j() == ShuttleCommand("step", frames=-1)
    s.release_k()
    assert s.press_l() == ShuttleCommand("play", speed=1.0)


@pytest.mark.parametrize(
    ("speed", "fps", "expected"),
    [
        (1.0, Fraction(25), (40, 1)),
        (2.0, Fraction(25), (40, 2)),
        (8.0, Fraction(25), (40, 8)),
        (1.0, Fraction(60000, 1001), (40, 2)),
        (1.0, Fraction(10), (100, 1)),
    ],
)
def test_reverse_plan_keeps_real_time(
    speed: float, fps: Fraction, expected: tuple[int, int]
) -> None:
    assert reverse_plan(speed, fps) == expected


@pytest.fixture
def fake(tmp_path: Path) -> FakePlayer:
    media = tmp_path / "m.mp4"
    media.write_bytes(b"x")
    player = FakePlayer(Fraction(25), frame_count=500)
    assert player.load(media)
    return player


def test_driver_forward_and_stop(qtbot: QtBot, fake: FakePlayer) -> None:
    driver = ShuttleDriver(fake)
    driver.press_l()
    driver.press_l()
    assert fake.state is PlayerState.PLAYING and fake.rate == 2.0
    driver.press_k()
    assert fake.state is PlayerState.PAUSED
    driver.press_l()  # K still held: one frame
    assert fake.state is PlayerState.PAUSED and fake.frame == 1
    driver.release_k()


def test_driver_reverse_steps_back_in_real_time(qtbot: QtBot, fake: FakePlayer) -> None:
    driver = ShuttleDriver(fake)
    fake.seek_frame(400)
    driver.press_j()
    driver.press_j()  # 2x backwards: 50 frames a second
    assert driver.reversing and driver.shuttle.speed == 2.0
    qtbot.wait(500)
    moved = 400 - fake.frame
    assert 12 <= moved <= 26, moved  # ~25 frames in 0.5 s (timers are not exact)
    assert fake.state is PlayerState.PAUSED
    driver.press_k()
    stopped_at = fake.frame
    qtbot.wait(120)
    assert fake.frame == stopped_at and not driver.reversing


def test_driver_reverse_stops_at_start(qtbot: QtBot, fake: FakePlayer) -> None:
    driver = ShuttleDriver(fake)
    fake.seek_frame(3)
    driver.press_j()
    qtbot.waitUntil(lambda: not driver.reversing, timeout=2000)
    assert fake.frame == 0 and driver.shuttle.direction == 0


def test_pausing_elsewhere_resets_the_shuttle(qtbot: QtBot, fake: FakePlayer) -> None:
    driver = ShuttleDriver(fake)
    driver.press_l()
    driver.press_l()
    fake.pause()  # e.g. Space
    assert driver.shuttle.speed == 0.0
    driver.press_l()
    assert fake.rate == 1.0
