"""The bulk conversions exports use (smpte_labeller, ms_to_frames, format_ms_all, ms_to_clock)
give exactly what the one-at-a-time functions give."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karachi_review.core.errors import TimecodeError
from karachi_review.core.timecode import (
    format_ms,
    format_ms_all,
    frame_to_smpte,
    ms_to_clock,
    ms_to_frame,
    ms_to_frames,
    smpte_labeller,
    smpte_labels,
    smpte_to_frame,
)

NTSC24 = Fraction(24000, 1001)
NTSC30 = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)

# (rate, drop_frame, start timecode): the rates the issue names, broadcast and NLE starts,
# starts just before a dropped label and just before midnight (labels wrap at 24 h).
TIMEBASES = [
    (Fraction(25), False, "00:00:00:00"),
    (Fraction(25), False, "10:00:00:00"),
    (Fraction(25), False, "23:59:59:24"),
    (NTSC30, True, "00:00:00;00"),
    (NTSC30, True, "01:00:00;00"),
    (NTSC30, True, "00:00:59;29"),
    (NTSC30, True, "23:59:59;29"),
    (NTSC30, False, "10:00:00:00"),
    (NTSC60, True, "00:00:00;00"),
    (NTSC60, True, "10:00:00;00"),
    (NTSC60, True, "00:09:59;59"),
    (NTSC24, False, "00:00:00:00"),
    (NTSC24, False, "01:00:00:00"),
    (Fraction(24), False, "23:00:00:00"),
    (Fraction(50), False, "00:00:00:00"),
    (Fraction(120000, 1001), True, "00:00:00;000"),
    (Fraction(25, 2), False, "00:00:00:00"),
]
DAY_FRAMES_AT_120 = 120 * 86_400


@given(
    case=st.sampled_from(TIMEBASES),
    frames=st.lists(st.integers(0, 3 * DAY_FRAMES_AT_120), min_size=1, max_size=50),
)
def test_smpte_labeller_gives_frame_to_smpte_labels(
    case: tuple[Fraction, bool, str], frames: list[int]
) -> None:
    rate, drop, start_tc = case
    start = smpte_to_frame(start_tc, rate, drop)
    label = smpte_labeller(rate, drop, start)
    # Twice over the same labeller: the second pass reads the kept HH:MM:SS parts.
    for _ in range(2):
        assert [label(f) for f in frames] == [frame_to_smpte(f, rate, drop, start) for f in frames]


@given(
    case=st.sampled_from(TIMEBASES),
    frames=st.lists(st.integers(0, 3 * DAY_FRAMES_AT_120), max_size=50),
)
def test_smpte_labels_are_frame_to_smpte_labels(
    case: tuple[Fraction, bool, str], frames: list[int]
) -> None:
    rate, drop, start_tc = case
    start = smpte_to_frame(start_tc, rate, drop)
    assert smpte_labels(frames, rate, drop, start) == [
        frame_to_smpte(f, rate, drop, start) for f in frames
    ]


def test_smpte_labels_refuse_what_frame_to_smpte_refuses() -> None:
    with pytest.raises(TimecodeError, match="before the start"):
        smpte_labels([0, -1], Fraction(25))
    with pytest.raises(TimecodeError, match="negative"):
        smpte_labels([0], Fraction(25), False, -1)
    with pytest.raises(TimecodeError, match="drop-frame timecode exists only"):
        smpte_labels([], Fraction(25), True)
    assert smpte_labels([1800], NTSC30) == ["00:01:00;02"]


@pytest.mark.parametrize(("rate", "drop", "start_tc"), TIMEBASES)
def test_smpte_labeller_around_minute_and_ten_minute_edges(
    rate: Fraction, drop: bool, start_tc: str
) -> None:
    start = smpte_to_frame(start_tc, rate, drop)
    label = smpte_labeller(rate, drop, start)
    fps = round(rate)
    edges = [m * 60 * fps + d for m in (0, 1, 9, 10, 11, 59, 60, 600) for d in (-5, -1, 0, 1, 5)]
    frames = [f for f in edges if f >= 0]
    assert [label(f) for f in frames] == [frame_to_smpte(f, rate, drop, start) for f in frames]
    assert smpte_labels(frames, rate, drop, start) == [label(f) for f in frames]


def test_smpte_labeller_default_drop_frame_follows_the_rate() -> None:
    assert smpte_labeller(NTSC30)(1800) == frame_to_smpte(1800, NTSC30) == "00:01:00;02"
    assert smpte_labeller(Fraction(25))(1800) == frame_to_smpte(1800, Fraction(25))


def test_smpte_labeller_refuses_what_frame_to_smpte_refuses() -> None:
    with pytest.raises(TimecodeError, match="before the start"):
        smpte_labeller(Fraction(25))(-1)
    with pytest.raises(TimecodeError, match="negative"):
        smpte_labeller(Fraction(25), False, -1)
    with pytest.raises(TimecodeError, match="drop-frame timecode exists only"):
        smpte_labeller(Fraction(25), True)
    with pytest.raises(TimecodeError, match="above"):
        smpte_labeller(Fraction(1001))


@given(
    rate=st.sampled_from([r for r, _, _ in TIMEBASES] + [Fraction(1000), Fraction(1, 7)]),
    values=st.lists(st.integers(-(10**10), 10**10), max_size=50),
)
def test_ms_to_frames_is_ms_to_frame_of_each(rate: Fraction, values: list[int]) -> None:
    assert ms_to_frames(values, rate) == [ms_to_frame(ms, rate) for ms in values]


def test_ms_to_frames_checks_the_rate_even_with_no_values() -> None:
    with pytest.raises(TimecodeError):
        ms_to_frames([], Fraction(0))


@given(
    sep=st.sampled_from([",", "."]),
    values=st.lists(st.integers(-(10**9), 10**12), max_size=50),
)
def test_format_ms_all_is_format_ms_of_each(sep: str, values: list[int]) -> None:
    assert format_ms_all(values, sep) == [format_ms(ms, sep) for ms in values]
    positive = [abs(ms) for ms in values]
    assert format_ms_all(positive, sep) == [format_ms(ms, sep) for ms in positive]


def test_format_ms_all_edges() -> None:
    values = [0, 999, 1000, 59_999, 60_000, 3_599_999, 3_600_000, 359_999_999, 360_000_000, 1000]
    assert format_ms_all(values, ".") == [format_ms(ms, ".") for ms in values]
    assert format_ms_all([], ",") == []
    with pytest.raises(TimecodeError, match="separator"):
        format_ms_all([1], ";")


@given(ms=st.integers(0, 10**12))
def test_ms_to_clock_is_what_format_ms_shows(ms: int) -> None:
    hh, mm, ss, millis = ms_to_clock(ms)
    assert f"{hh:02d}:{mm:02d}:{ss:02d}.{millis:03d}" == format_ms(ms, ".")
    assert ((hh * 60 + mm) * 60 + ss) * 1000 + millis == ms


def test_ms_to_clock_refuses_negative_times() -> None:
    with pytest.raises(TimecodeError, match="negative"):
        ms_to_clock(-1)
