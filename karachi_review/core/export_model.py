"""What an export works on: the options, the chosen annotations, and their cues and timecodes.

Every writer (``export_subtitles``, ``export_data``, ``export_markers``, ``export_eaf``) takes an
:class:`ExportSource` and :class:`ExportOptions` and returns the file's bytes plus the list of
:data:`Check` tuples a reader of that file must find again; ``core/export.py`` writes the bytes,
reads the file back and compares (see there).

Selection: annotations are filtered by tag (any of ``tags``), annotator (any of
``annotators``) and time range (an annotation is kept when it overlaps ``[from_ms, to_ms)``);
cues by the same time range. An annotation covers a cue when their half-open ranges overlap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Final

from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.store import Annotation, Media
from karachi_review.core.timecode import (
    frame_to_smpte,
    is_drop_frame_rate,
    ms_to_frame,
    ms_to_frames,
    parse_rate,
    smpte_labeller,
    smpte_to_frame,
)
from karachi_review.core.transcript import Cue
from karachi_review.core.vocabulary import Tag

__all__ = [
    "DEFAULT_MARKER_START_TC",
    "MODES",
    "Check",
    "ExportError",
    "ExportOptions",
    "ExportSource",
    "Timebase",
    "nearest_colour",
    "one_line",
    "xml_text",
]

MODES: Final = ("all", "tagged", "annotations")
"""Subtitle modes: every cue with tag labels; only tagged cues; one cue per annotation."""

DEFAULT_MARKER_START_TC: Final = "01:00:00:00"
"""NLE timelines start at one hour; broadcast masters at 10:00:00:00 (``--start-tc``)."""

Check = tuple[Any, ...]
"""One item a reader must find in the written file (times, text...), compared with ``==``."""


class ExportError(KarachiError):
    """An export that cannot be made as asked, or whose file did not read back the same."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to export and how; every field has a default usable from the CLI and the dialog."""

    format: str
    mode: str = "all"
    tags: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    from_ms: int | None = None
    to_ms: int | None = None
    fps: Fraction | None = None
    drop_frame: bool | None = None
    start_tc: str | None = None
    notes: bool = True  # subtitles: notes as a second line / NOTE blocks
    title: str | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ExportError(f"unknown mode '{self.mode}'; use one of: {', '.join(MODES)}")
        if self.from_ms is not None and self.to_ms is not None and self.to_ms <= self.from_ms:
            raise ExportError("the time range is empty: --to must be after --from")


@dataclass(frozen=True, slots=True)
class Timebase:
    """Frame rate, drop-frame choice and start timecode (as a frame count) of an export."""

    rate: Fraction
    drop_frame: bool
    start_frame: int
    start_tc: str
    _label: Callable[[int], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Markers label 100,000s of frames at one rate: checked once here (smpte_labeller).
        label = smpte_labeller(self.rate, self.drop_frame, self.start_frame)
        object.__setattr__(self, "_label", label)

    @classmethod
    def make(cls, rate: Fraction, drop_frame: bool | None, start_tc: str) -> Timebase:
        """Check the combination; a start timecode that does not exist at the rate raises."""
        drop = is_drop_frame_rate(rate) if drop_frame is None else drop_frame
        try:
            start = smpte_to_frame(start_tc, rate, drop)
            label = frame_to_smpte(0, rate, drop, start)
        except TimecodeError as exc:
            raise ExportError(f"start timecode / frame rate: {exc.message}") from None
        return cls(rate, drop, start, label)

    def frame(self, ms: int) -> int:
        """Media frame on screen at ``ms`` (not counting the start timecode)."""
        return ms_to_frame(ms, self.rate)

    def label(self, frame: int) -> str:
        """SMPTE label of a media frame, start timecode added."""
        return self._label(frame)

    def frames(self, values: Sequence[int]) -> list[int]:
        """:meth:`frame` of each ms value."""
        return ms_to_frames(values, self.rate)


@dataclass(slots=True)
class ExportSource:
    """The annotations (already filtered), the cues, the vocabulary and the media of an export."""

    annotations: Sequence[Annotation]
    cues: Sequence[Cue]
    tags: Sequence[Tag]
    media: Media | None = None
    title: str = "karachi_review"
    meta: dict[str, str] = field(default_factory=dict)
    _by_name: dict[str, Tag] = field(init=False, repr=False)
    _cue_starts: list[int] = field(init=False, repr=False)
    _max_end: list[int] = field(init=False, repr=False)
    _ends_in_order: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.tags}
        self.cues = sorted(self.cues, key=lambda c: (c.start_ms, c.index))
        self._cue_starts = [c.start_ms for c in self.cues]
        running = -1
        self._max_end = []
        for c in self.cues:
            running = max(running, c.end_ms)
            self._max_end.append(running)
        # The usual transcript: no cue ends before an earlier one ends (see covered_texts).
        self._ends_in_order = all(
            c.end_ms == m for c, m in zip(self.cues, self._max_end, strict=True)
        )

    @classmethod
    def select(
        cls,
        annotations: Sequence[Annotation],
        cues: Sequence[Cue],
        tags: Sequence[Tag],
        options: ExportOptions,
        *,
        media: Media | None = None,
        title: str = "karachi_review",
        meta: dict[str, str] | None = None,
    ) -> ExportSource:
        """Apply the options' tag, annotator and time filters; unknown tags raise."""
        known = {t.name.lower(): t.name for t in tags} | {t.label.lower(): t.name for t in tags}
        wanted: set[str] = set()
        for name in options.tags:
            key = name.strip().lower()
            if key not in known:
                names = ", ".join(t.name for t in tags)
                raise ExportError(f"unknown tag '{name}'; known tags: {names}")
            wanted.add(known[key])
        who = {a.strip().lower() for a in options.annotators}
        lo = options.from_ms
        hi = options.to_ms
        chosen = [
            a
            for a in annotations
            if (not wanted or a.tag in wanted)
            and (not who or a.annotator.lower() in who)
            and (lo is None or a.end_ms > lo)
            and (hi is None or a.start_ms < hi)
        ]
        kept_cues = [
            c for c in cues if (lo is None or c.end_ms > lo) and (hi is None or c.start_ms < hi)
        ]
        return cls(chosen, kept_cues, tags, media, title, dict(meta or {}))

    def tag(self, name: str) -> Tag:
        """The vocabulary entry of ``name`` (a stand-in for a tag no longer in the list)."""
        found = self._by_name.get(name)
        return found if found is not None else Tag(name, name, "#888888")

    def cues_in(self, start_ms: int, end_ms: int) -> list[Cue]:
        """Cues overlapping ``[start_ms, end_ms)``, in time order."""
        hi = bisect_left(self._cue_starts, end_ms)
        found: list[Cue] = []
        i = hi - 1
        while i >= 0 and self._max_end[i] > start_ms:
            cue = self.cues[i]
            if cue.end_ms > start_ms or cue.start_ms == start_ms:
                found.append(cue)
            i -= 1
        found.reverse()
        return found

    def annotations_by_cue(self) -> dict[int, list[Annotation]]:
        """For each cue index, the annotations covering it (in annotation order)."""
        result: dict[int, list[Annotation]] = {}
        for a in self.annotations:
            for cue in self.cues_in(a.start_ms, a.end_ms):
                result.setdefault(cue.index, []).append(a)
        return result

    def covered_text(self, a: Annotation) -> str:
        """Text of the cues an annotation covers, one cue per line."""
        cues = self.cues_in(a.start_ms, a.end_ms)
        return cues[0].text if len(cues) == 1 else "\n".join([c.text for c in cues])

    def covered_texts(self) -> list[str]:
        """:meth:`covered_text` of each annotation, in order (for exports of 100,000s)."""
        starts, max_end, cues = self._cue_starts, self._max_end, self.cues
        if not self._ends_in_order:
            return [self.covered_text(a) for a in self.annotations]
        # cues_in walks back from the last cue starting before the end while the running
        # maximum of cue ends is after the start: since that maximum never decreases, it
        # visits exactly cues[lo:hi]. When each cue's end is that maximum (ends in order),
        # every one of them overlaps, so the covered cues are the slice itself.
        texts = [c.text for c in cues]
        joined: dict[tuple[int, int], str] = {}
        out: list[str] = []
        for a in self.annotations:
            hi = bisect_left(starts, a.end_ms)
            lo = bisect_right(max_end, a.start_ms)
            if hi - lo == 1:
                out.append(texts[lo])
                continue
            key = (lo, hi)
            text = joined.get(key)
            if text is None:
                text = joined[key] = "\n".join(texts[lo:hi]) if hi > lo else ""
            out.append(text)
        return out

    def timebase(self, options: ExportOptions, *, markers: bool) -> Timebase | None:
        """Rate and start of timecodes: the options, else the media's; None if no rate known.

        Markers default to a 01:00:00:00 start (NLE timelines); data exports to the media's
        own start timecode, else 00:00:00:00.
        """
        rate = options.fps
        if rate is None and self.media is not None:
            rate = self.media.fps
        if rate is None:
            return None
        rate = parse_rate(rate)
        start = options.start_tc
        if start is None:
            if markers:
                start = DEFAULT_MARKER_START_TC
            elif self.media is not None and self.media.start_tc:
                start = self.media.start_tc
            else:
                start = "00:00:00:00"
        return Timebase.make(rate, options.drop_frame, start)


_XML_BAD: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 keeps as written: controls other than tab and newline dropped, CR LF and
    CR as LF (an XML parser turns them into LF anyway)."""
    return _XML_BAD.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Text on one line: line breaks become " / ", tabs and other controls spaces."""
    if text.isprintable() and "  " not in text:
        return text.strip()  # the usual case, 30 times cheaper than splitting
    lines = [" ".join(part.split()) for part in text.splitlines()]
    return " / ".join(line for line in lines if line)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return 136, 136, 136


@lru_cache(maxsize=256)
def nearest_colour(colour: str, palette: tuple[tuple[str, str], ...]) -> str:
    """Name of the palette entry (name, #rrggbb) nearest to ``colour`` (weighted RGB distance)."""
    r, g, b = _rgb(colour)

    def distance(entry: tuple[str, str]) -> float:
        pr, pg, pb = _rgb(entry[1])
        mean_r = (r + pr) / 2
        # "redmean" weighting: closer to perceived distance than plain RGB, still cheap.
        return (
            (2 + mean_r / 256) * (r - pr) ** 2
            + 4 * (g - pg) ** 2
            + (2 + (255 - mean_r) / 256) * (b - pb) ** 2
        )

    return min(palette, key=distance)[0]
