"""FakePlayer keeps the contract's playhead rules (used by logic tests elsewhere)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pytestqt.qtbot import QtBot

from karachi_review.player.base import FakePlayer, PlayerState, clamp_rate


def test_contract_signals_and_playhead(qtbot: QtBot, tmp_path: Path) -> None:
    media = tmp_path / "m.mp4"
    media.write_bytes(b"x")
    player = FakePlayer(Fraction(30000, 1001), frame_count=100)
    frames: list[int] = []
    positions: list[int] = []
    states: list[PlayerState] = []
    player.frame_changed.connect(frames.append)
    player.position_changed.connect(positions.append)
    player.state_changed.connect(states.append)
    with qtbot.waitSignal(player.media_loaded):
        assert player.load(media)
    assert player.state is PlayerState.PAUSED
    player.seek_frame(30)
    assert (player.frame, player.position_ms) == (30, 1001)
    player.seek_ms(1000)  # frame 29 is on screen at 1000 ms
    assert player.frame == 29
    player.step(-100)
    assert player.frame == 0
    player.step(500)
    assert player.frame == 99
    player.toggle()
    assert player.state is PlayerState.PLAYING
    player.seek_frame(10)
    player.set_rate(2.0)
    player.play()
    player.advance(500)
    assert player.frame == 10 + 29  # 1000 ms of media at 29.97
    player.toggle()
    assert player.state is PlayerState.PAUSED
    player.play()
    player.advance(60_000)
    assert player.state is PlayerState.ENDED and player.frame == 99
    assert PlayerState.PLAYING in states and frames and positions


def test_missing_media_gives_error(qtbot: QtBot, tmp_path: Path) -> None:
    player = FakePlayer()
    with qtbot.waitSignal(player.error) as blocker:
        assert not player.load(tmp_path / "nope.mp4")
    assert "not found" in blocker.args[0]
    assert player.state is PlayerState.EMPTY


def test_rate_clamp() -> None:
    assert clamp_rate(8) == 4.0 and clamp_rate(0.1) == 0.25 and clamp_rate(1.5) == 1.5
