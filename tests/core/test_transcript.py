"""Transcript model: lookups by bisect, correct with overlapping cues (checked by brute force)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karachi_review.core.transcript import Cue, Transcript


def make(spans: list[tuple[int, int]]) -> Transcript:
    ordered = sorted(spans, key=lambda s: s[0])
    return Transcript([Cue(i, a, b, f"cue {i}") for i, (a, b) in enumerate(ordered, 1)])


def brute_cues_at(t: Transcript, ms: int) -> list[Cue]:
    return [c for c in t.cues if c.start_ms <= ms < c.end_ms]


def test_cue_at_half_open_and_gaps() -> None:
    t = make([(1000, 2000), (2000, 3000), (5000, 6000)])
    assert t.cue_at(999) is None
    assert t.cue_at(1000) is t[0]
    assert t.cue_at(1999) is t[0]
    assert t.cue_at(2000) is t[1]
    assert t.cue_at(3000) is None
    assert t.cue_at(5500) is t[2]
    assert t.cue_at(6000) is None


def test_cue_at_prefers_latest_start_when_cues_overlap() -> None:
    # A long cue under two short ones: after the short ones end, the long one shows again.
    t = make([(0, 10_000), (2000, 3000), (2500, 4000)])
    assert t.cue_at(2200) is t[1]
    assert t.cue_at(2700) is t[2]
    assert t.cue_at(4500) is t[0]
    assert t.cues_at(2700) == [t[0], t[1], t[2]]


def test_cues_between_includes_partial_overlaps() -> None:
    t = make([(0, 10_000), (2000, 3000), (5000, 6000), (7000, 8000)])
    assert t.cues_between(2500, 5001) == [t[0], t[1], t[2]]
    assert t.cues_between(6000, 7000) == [t[0]]
    assert t.cues_between(10_000, 20_000) == []
    assert t.cues_between(3000, 3000) == []


def test_duration_and_bounds() -> None:
    t = make([(5000, 9000), (6000, 20_000), (11_000, 12_000)])
    assert (t.start_ms, t.end_ms, t.duration_ms) == (5000, 20_000, 20_000)
    empty = Transcript([])
    assert (len(empty), empty.duration_ms, empty.cue_at(0)) == (0, 0, None)


def test_unsorted_cues_are_refused() -> None:
    with pytest.raises(ValueError):
        Transcript([Cue(1, 5000, 6000, "b"), Cue(2, 1000, 2000, "a")])


spans = st.lists(
    st.tuples(st.integers(0, 50_000), st.integers(0, 8000)).map(lambda s: (s[0], s[0] + s[1])),
    max_size=40,
)


@given(spans, st.lists(st.integers(-100, 60_000), min_size=1, max_size=30))
def test_lookups_agree_with_brute_force(
    span_list: list[tuple[int, int]], probes: list[int]
) -> None:
    t = make(span_list)
    for ms in probes:
        expected = brute_cues_at(t, ms)
        assert t.cues_at(ms) == expected
        # The cue shown is the one that started last; among equal starts, the later in order.
        assert t.cue_at(ms) == (expected[-1] if expected else None)


@given(spans, st.integers(-100, 60_000), st.integers(0, 20_000))
def test_cues_between_agrees_with_brute_force(
    span_list: list[tuple[int, int]], a: int, length: int
) -> None:
    t = make(span_list)
    b = a + length

    def touches(c: Cue) -> bool:
        if c.end_ms > c.start_ms:
            return c.start_ms < b and c.end_ms > a
        return a <= c.start_ms < b  # a cue with no extent is a point at its start

    expected = [c for c in t.cues if touches(c)] if b > a else []
    assert t.cues_between(a, b) == expected


def test_an_inverted_cue_stays_within_the_span_and_is_never_shown() -> None:
    t = Transcript([Cue(1, 1000, 2000, "a"), Cue(2, 5000, 4000, "inverted")])
    assert t.end_ms == 5000
    assert t.cue_at(4500) is None
    assert t.cues_between(0, 10_000) == [t[0], t[1]]  # a point at its start
    assert t.cues_between(0, 5000) == [t[0]]
    assert t.cues_between(4500, 10_000) == [t[1]]
