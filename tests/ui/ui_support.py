"""Shared test data and helpers of the UI tests (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from karachi_review.player.base import FakePlayer
from karachi_review.ui.main_window import MainWindow

FPS = Fraction(25)

# Twelve cues, with a speaker turn, a sound event and markup that must stay literal.
SRT = """1
00:00:01,000 --> 00:00:03,000
Pakistan, a nation under siege.

2
00:00:03,000 --> 00:00:05,000
Almost every day, the police are attacked.

3
00:00:05,000 --> 00:00:07,000
GUNSHOT

4
00:00:07,000 --> 00:00:09,000
- Is it dangerous?- Yes, exactly.

5
00:00:09,000 --> 00:00:11,000
With a force of just 15,000 officers,

6
00:00:11,000 --> 00:00:13,000
they police a city of 24 million people.

7
00:00:13,000 --> 00:00:15,000
<img src="x.png"> <b>bold</b>

8
00:00:15,000 --> 00:00:17,000
ALARM RINGS

9
00:00:17,000 --> 00:00:19,000
The police chief speaks.

10
00:00:19,000 --> 00:00:21,000
Another line.

11
00:00:21,000 --> 00:00:23,000
And another one.

12
00:00:23,000 --> 00:00:25,000
The last line about police.
"""

DURATION_FRAMES = 30 * 25  # 30 s of fake media

MakeWindow = Callable[..., MainWindow]


def fake(window: MainWindow) -> FakePlayer:
    """The window's fake player."""
    assert isinstance(window.player, FakePlayer)
    return window.player


def snapshot(window: MainWindow) -> list[tuple[Any, ...]]:
    """Every annotation (deleted ones too) minus version and updated_at."""
    assert window.session is not None
    rows = window.session.project.annotations(include_deleted=True)
    return sorted(
        (
            a.id,
            a.media_id,
            a.start_ms,
            a.end_ms,
            a.tag,
            a.note,
            a.annotator,
            a.created_at,
            a.deleted_at is not None,
        )
        for a in rows
    )
