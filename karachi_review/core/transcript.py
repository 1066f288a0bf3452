"""The transcript model: immutable cues in int milliseconds, looked up by bisect."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed piece of text, ``[start_ms, end_ms)``; ``text`` is as written in the file."""

    index: int
    start_ms: int
    end_ms: int
    text: str
    id: str | None = None
    speaker: str | None = None
    line: int | None = None  # 1-based line in the source file where the cue begins
    settings: str | None = None  # WebVTT cue settings as written (``line:0 align:start``)

    @property
    def duration_ms(self) -> int:
        """Length of the cue (negative for inverted times, which readers report)."""
        return self.end_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class ReadWarning:
    """Something a reader noticed or repaired; ``line`` is 1-based in the source file."""

    line: int | None
    message: str
    kind: str = "warning"


@dataclass(slots=True)
class Transcript:
    """Cues in time order (by start, then file order) with the facts of where they came from.

    ``cue_at`` is correct with overlapping cues: ``_max_end`` holds the running maximum of end
    times, so the backward walk from the bisected position stops as soon as no earlier cue can
    still be running. Times live in flat ``array('q')`` rather than in the cue objects, and a
    coarse time index (about one cue per bucket, built on the first lookup) narrows each bisect
    to a few neighbours: at a million cues a random lookup then touches three small regions of
    memory and the one cue it returns, instead of twenty scattered places.
    """

    cues: Sequence[Cue]
    source_format: str = "unknown"
    encoding: str = "utf-8"
    path: str | None = None
    _starts: array[int] = field(init=False, repr=False)
    _max_end: array[int] = field(init=False, repr=False)
    _ends: array[int] = field(init=False, repr=False)  # end_i, max_end_i pairs side by side
    _bucket: array[int] | None = field(init=False, repr=False, default=None)
    _bucket_ms: int = field(init=False, repr=False, default=1)

    def __post_init__(self) -> None:
        self.cues = tuple(self.cues)
        starts = array("q", [c.start_ms for c in self.cues])
        if any(a > b for a, b in pairwise(starts)):
            raise ValueError("Transcript cues must be sorted by start_ms")
        self._starts = starts
        max_end = array("q")
        pairs = array("q")
        running = -(2**63)
        for cue in self.cues:
            # The start counts too, so an inverted cue (end before start) still lies within
            # the transcript's span; a larger bound keeps every lookup below correct.
            running = max(running, cue.end_ms, cue.start_ms)
            max_end.append(running)
            pairs.append(cue.end_ms)
            pairs.append(running)
        self._max_end = max_end
        self._ends = pairs

    def __len__(self) -> int:
        return len(self.cues)

    def __iter__(self) -> Iterator[Cue]:
        return iter(self.cues)

    def __getitem__(self, i: int) -> Cue:
        return self.cues[i]

    @property
    def start_ms(self) -> int:
        """Start of the first cue (0 when empty)."""
        return self._starts[0] if self._starts else 0

    @property
    def end_ms(self) -> int:
        """Latest end (or start, for an inverted cue) of any cue (0 when empty)."""
        return self._max_end[-1] if self._max_end else 0

    @property
    def duration_ms(self) -> int:
        """Time from 0 to the end of the last cue: how much media the transcript covers."""
        return self.end_ms

    def _build_index(self) -> array[int]:
        # bucket[k] = bisect_right(starts, first + k * width): one merge pass over the starts.
        starts = self._starts
        n = len(starts)
        first = starts[0]
        width = max(1, (starts[-1] - first) // n)
        edges = (starts[-1] - first) // width + 2
        bucket = array("q", bytes(8 * edges))
        j = 0
        edge = first
        for k in range(edges):
            while j < n and starts[j] <= edge:
                j += 1
            bucket[k] = j
            edge += width
        self._bucket_ms = width
        self._bucket = bucket
        return bucket

    def _after(self, ms: int) -> int:
        """``bisect_right(starts, ms)``: how many cues start at or before ``ms``."""
        starts = self._starts
        if not starts or ms < starts[0]:
            return 0
        bucket = self._bucket if self._bucket is not None else self._build_index()
        k = (ms - starts[0]) // self._bucket_ms
        if k >= len(bucket) - 1:
            return len(starts)
        return bisect_right(starts, ms, bucket[k], bucket[k + 1])

    def position_at(self, ms: int) -> int:
        """Position (0-based) of the cue shown at ``ms``, or -1 when none is."""
        i = self._after(ms) - 1
        pairs = self._ends
        while i >= 0 and pairs[2 * i + 1] > ms:
            if pairs[2 * i] > ms:
                return i
            i -= 1
        return -1

    def cue_at(self, ms: int) -> Cue | None:
        """The cue shown at ``ms``; of overlapping cues, the one that started last."""
        i = self.position_at(ms)
        return self.cues[i] if i >= 0 else None

    def cues_at(self, ms: int) -> list[Cue]:
        """Every cue shown at ``ms``, in time order."""
        found: list[Cue] = []
        i = self._after(ms) - 1
        while i >= 0 and self._max_end[i] > ms:
            if self.cues[i].end_ms > ms:
                found.append(self.cues[i])
            i -= 1
        found.reverse()
        return found

    def cues_between(self, start_ms: int, end_ms: int) -> list[Cue]:
        """Cues that overlap ``[start_ms, end_ms)``, in time order.

        A cue with no extent (zero length, or inverted) counts as a point at its start.
        """
        if end_ms <= start_ms:
            return []
        hi = bisect_right(self._starts, end_ms - 1)
        # _max_end never decreases, so the first cue that could reach into the range is found
        # by bisect too (>= rather than >: a point cue may sit exactly at start_ms).
        lo = bisect_left(self._max_end, start_ms)
        return [c for c in self.cues[lo:hi] if _reaches(c, start_ms)]


def _reaches(cue: Cue, ms: int) -> bool:
    """Whether ``cue`` is still running at or after ``ms`` (point cues: starts at or after)."""
    if cue.end_ms > cue.start_ms:
        return cue.end_ms > ms
    return cue.start_ms >= ms
