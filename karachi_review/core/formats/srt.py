"""SubRip (SRT): read through pysrt without losing a line, and write standard SRT.

pysrt's own stream splits blocks at blank lines: a blank line inside a cue's text cuts the cue
in two, and a missing blank line between cues glues them together (and with its default error
handling it drops what it cannot parse, silently). So the blocks are found here: a timing line
(``-->``) starts a cue, an all-digit line right above it is the cue's number, and the text runs
until the next cue's number or timing line, blank lines included (trailing blank lines are the
separator and are dropped). Each standard timing line is then parsed by pysrt with its
exceptions raised; a timing line pysrt would reject or misread is read leniently instead and
reported. Text is kept exactly as written: markup such as ``<i>`` or ``<img src=...>`` stays
literal text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain
from typing import Any, Final

import pysrt

from karachi_review.core.errors import TimecodeError
from karachi_review.core.timecode import format_ms, parse_time
from karachi_review.core.transcript import Cue, ReadWarning

FORMAT = "srt"

# The standard shape, hours of any length, ',' or '.' before the milliseconds, optional
# position after the end time. Only lines of this shape go to pysrt: its time parser turns any
# non-numeric field into 0 without complaint ("0x:00:01,000" reads as 0 h), so the shape is
# checked first and everything else goes to the lenient reader, which reports what it did.
_TIMING: Final = re.compile(
    r"[ \t]*\d+:[0-5]\d:[0-5]\d([,.])\d{3}[ \t]*-->[ \t]*\d+:[0-5]\d:[0-5]\d([,.])\d{3}"
    r"(?:[ \t].*)?"
)
# The left side of a damaged timing line: digits and time separators only.
_TIME_LIKE: Final = re.compile(r"[\d:;.,\s]*\d[\d:;.,\s]*")
# Lenient times: H:M:S with an optional fraction after , . : or ;, then M:S with a fraction.
_LOOSE_HMS: Final = re.compile(
    r"(\d+)\s*[:;]\s*(\d{1,2})\s*[:;]\s*(\d{1,2})(?:\s*[,.:;]\s*(\d{1,3})(?!\d))?"
)
_LOOSE_MS: Final = re.compile(r"(\d{1,2})\s*:\s*(\d{1,2})\s*[,.]\s*(\d{1,3})(?!\d)")
# (cue number as written, its first line, timing line start and end, where the cue begins)
_Head = tuple[str | None, int, int, int, int]
# The last cue's text ending in a blank line and a lone number: the next cue, cut off.
_TRAILING_NUMBER: Final = re.compile(r"\n[^\S\n]*\n\s*(\d+)[^\S\n]*\Z", re.ASCII)
# A blank (white-space only) line anywhere in a cue's text.
_BLANK_LINE: Final = re.compile(r"^\s*$", re.MULTILINE)


def read(text: str, path: str, warnings: list[ReadWarning]) -> list[Cue]:
    """Parse SRT text into cues in file order; every line of text ends up in a cue.

    ``index`` is the 1-based position, ``id`` the cue number as written, ``line`` the 1-based
    line where the cue begins. Repairs are appended to ``warnings`` in line order.
    """
    del path  # messages carry line numbers; the caller adds the file name
    reader = _Reader(text)
    reader.run()
    reader.warnings.sort(key=lambda w: w.line or 0)
    warnings.extend(reader.warnings)
    return reader.cues


class _Reader:
    """One pass over the text, jumping from one ``-->`` to the next (C-speed ``str.find``).

    The common case (numbered cue, standard timing, blank line after the text) runs inline in
    ``run``; anything unusual goes through a helper that reports it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.cues: list[Cue] = []
        self.warnings: list[ReadWarning] = []
        # Below zero until the first numbered cue, so that cue always takes the checked path.
        self.prev_number = -2
        self.unnumbered: list[int] = []
        self.dot_lines: list[int] = []
        # Positions in self.cues of cues whose end time is unreadable: they end where the next
        # cue starts.
        self.open_ends: list[int] = []
        self.stray = 0  # 1 when text before the first cue became a cue of its own

    def _heads(self) -> Iterator[_Head]:
        """``(number, line, timing_start, timing_end, first)`` of each cue, in file order."""
        text = self.text
        size = len(text)
        search = 0
        line_pos = 0  # a line start whose line number is known
        line_no = 1
        time_like = _TIME_LIKE.fullmatch
        while True:
            arrow = text.find("-->", search)
            if arrow < 0:
                return
            start = text.rfind("\n", 0, arrow) + 1
            end = text.find("\n", arrow)
            if end < 0:
                end = size
            search = end + 1
            number: str | None = None
            first = start
            if start > 0:
                above = text.rfind("\n", 0, start - 1) + 1
                candidate = text[above : start - 1].strip()
                # A cue number is short; a long run of digits is text (and int() refuses
                # more than 4300 digits).
                if candidate.isdigit() and candidate.isascii() and len(candidate) <= 9:
                    number = candidate
                    first = above
            if number is None and not time_like(text, start, arrow):
                continue  # a line of text that happens to contain "-->"
            line_no += text.count("\n", line_pos, first)
            line_pos = first
            yield number, line_no, start, end, first

    def run(self) -> None:
        text = self.text
        size = len(text)
        cues = self.cues
        append = cues.append
        timing_shape = _TIMING.fullmatch
        from_lines = pysrt.SubRipItem.from_lines
        heads = self._heads()
        first_head = next(heads, None)
        if first_head is None:
            return
        head: _Head = first_head
        self._before_first_cue(text[: head[4]])
        expected = self.prev_number + 1  # a local: this loop runs once per cue
        following: _Head | None
        for following in chain(heads, (None,)):
            number, line_no, start, end, _ = head
            body_end = following[4] if following is not None else size
            raw = text[end + 1 : body_end]
            # The text without the trailing blank lines (the separator); the last line keeps
            # its trailing spaces.
            kept = raw.rstrip()
            if kept:
                cut = raw.find("\n", len(kept))
                cue_text = raw if cut < 0 else raw[:cut]
            else:
                cue_text = ""
            timing = text[start:end]
            shape = timing_shape(timing)
            item = None
            if shape is not None and number is not None:
                try:
                    item = from_lines([number, timing, cue_text])
                except pysrt.Error:
                    item = None  # read leniently below, and reported
            if (
                item is None
                or int(number) != expected  # type: ignore[arg-type]
                or "." in timing
                or following is None
                or raw.count("\n", len(cue_text)) < (2 if cue_text else 1)
                or (cue_text and "\n" in cue_text and _BLANK_LINE.search(cue_text))
            ):
                self.prev_number = expected - 1
                self._unusual(head, following, raw, cue_text, shape, item)
                expected = self.prev_number + 1
            else:
                expected += 1
                append(
                    Cue(
                        len(cues) + 1,
                        item.start.ordinal,
                        item.end.ordinal,
                        cue_text,
                        number,
                        None,
                        line_no,
                    )
                )
            if following is not None:
                head = following
        self._finish()

    def _before_first_cue(self, head: str) -> None:
        if not head.strip():
            return
        lines = head.split("\n")
        lead = 0
        while not lines[lead].strip():
            lead += 1
        kept = _strip_trailing_blank(head.split("\n", lead)[-1] if lead else head)
        self.cues.append(Cue(1, 0, 0, kept, None, None, lead + 1))
        self.stray = 1
        self.warnings.append(
            ReadWarning(
                lead + 1,
                "text before the first cue; kept as a zero-length cue at 00:00:00,000",
                "repaired",
            )
        )

    def _unusual(
        self,
        head: _Head,
        following: _Head | None,
        raw: str,
        cue_text: str,
        shape: re.Match[str] | None,
        item: Any,
    ) -> None:
        """Build a cue that needs a repair or a remark, and report it."""
        text = self.text
        number, line_no, start, end, _ = head
        timing = text[start:end]
        timing_line = line_no + 1 if number is not None else line_no
        label = number if number is not None else f"at line {line_no}"

        if number is not None:
            self._check_number(int(number), line_no)
        else:
            self.unnumbered.append(line_no)

        span: tuple[int, int | None] | None
        if item is None and shape is not None and number is None:
            try:
                item = pysrt.SubRipItem.from_lines([timing, cue_text])
            except pysrt.Error:
                item = None
        if item is not None:
            assert shape is not None
            span = int(item.start.ordinal), int(item.end.ordinal)
            if shape.group(1) == "." or shape.group(2) == ".":
                self.dot_lines.append(timing_line)
        else:
            cut_off = following is None and end == len(text)
            span = self._loose_times(timing, timing_line, label, cut_off)

        if span is None:
            start_ms = self.cues[-1].end_ms if self.cues else 0
            end_ms = start_ms
            self.warnings.append(
                ReadWarning(
                    timing_line,
                    f"no time can be read from the timing line {timing.strip()!r} of cue "
                    f"{label}; its text is kept as a zero-length cue at {format_ms(start_ms)}",
                    "repaired",
                )
            )
        else:
            start_ms, maybe_end = span
            if maybe_end is None:
                self.open_ends.append(len(self.cues))
                end_ms = start_ms
            else:
                end_ms = maybe_end

        if following is None and number is not None:
            cue_text = self._cut_trailing_number(cue_text, int(number), timing_line)
        if cue_text and "\n" in cue_text:
            blank = _BLANK_LINE.search(cue_text)
            if blank is not None:
                self.warnings.append(
                    ReadWarning(
                        timing_line + 1 + cue_text.count("\n", 0, blank.start()),
                        f"blank line inside the text of cue {label} kept as part of the text",
                        "repaired",
                    )
                )
        if following is not None:
            # The separator: at least one blank line between this cue's text and the next cue.
            if raw.count("\n", len(cue_text)) < (2 if cue_text else 1):
                self.warnings.append(
                    ReadWarning(
                        following[1],
                        f"no blank line between cue {label} and this cue; split at the timing",
                        "repaired",
                    )
                )
        elif not cue_text and end < len(text) and "\n" not in raw:
            self.warnings.append(
                ReadWarning(
                    timing_line,
                    f"the file ends after the timing line of cue {label} (truncated?)",
                    "repaired",
                )
            )
        self.cues.append(Cue(len(self.cues) + 1, start_ms, end_ms, cue_text, number, None, line_no))

    def _cut_trailing_number(self, cue_text: str, number: int, timing_line: int) -> str:
        """Take off the next cue's number when the file ends right after it (truncated)."""
        found = _TRAILING_NUMBER.search(cue_text)
        if found is None or int(found[1]) != number + 1:
            return cue_text
        line = timing_line + 1 + cue_text.count("\n", 0, found.start(1))
        self.warnings.append(
            ReadWarning(
                line,
                f"the file ends after cue number {found[1]}, before its timing line "
                "(truncated?); the number is not part of the text above",
                "repaired",
            )
        )
        return _strip_trailing_blank(cue_text[: found.start()])

    def _check_number(self, value: int, line_no: int) -> None:
        prev = self.prev_number
        if prev < 0:
            if value != 1:
                self.warnings.append(
                    ReadWarning(line_no, f"the first cue is numbered {value}, not 1", "repaired")
                )
        elif value == prev:
            self.warnings.append(
                ReadWarning(line_no, f"cue number {value} repeats the one above", "repaired")
            )
        elif value != prev + 1:
            self.warnings.append(
                ReadWarning(line_no, f"cue number {value} follows {prev}", "repaired")
            )
        self.prev_number = value

    def _loose_times(
        self, timing: str, line_no: int, label: str, cut_off: bool
    ) -> tuple[int, int | None] | None:
        """``(start_ms, end_ms)`` of a damaged timing line; ``end_ms`` None when unreadable."""
        left, _, right = timing.partition("-->")
        start_ms = _loose_time(left)
        # The end is the first field after "-->"; what follows it is SRT's position or junk.
        end_ms = None if cut_off else _loose_time(right.split("-->")[0])
        if start_ms is None and end_ms is None:
            return None
        if cut_off:
            what = "cut off: the file ends inside this timing line (truncated?)"
        else:
            what = "not a standard SRT timing line"
        if start_ms is None:
            assert end_ms is not None
            reading = f"start unreadable, cue kept at its end {format_ms(end_ms)}, zero length"
            start_ms = end_ms
        elif end_ms is None:
            reading = (
                f"start {format_ms(start_ms)}, end unreadable: the cue ends where the next begins"
            )
        else:
            reading = f"read as {format_ms(start_ms)} --> {format_ms(end_ms)}"
        self.warnings.append(
            ReadWarning(line_no, f"cue {label}: {timing.strip()!r}: {what}; {reading}", "repaired")
        )
        return start_ms, end_ms

    def _finish(self) -> None:
        cues = self.cues
        for pos in self.open_ends:
            cue = cues[pos]
            following = cues[pos + 1].start_ms if pos + 1 < len(cues) else cue.start_ms
            cues[pos] = replace(cue, end_ms=max(following, cue.start_ms))
        if self.unnumbered:
            if len(self.unnumbered) == len(cues) - self.stray:
                self.warnings.append(
                    ReadWarning(self.unnumbered[0], "no cue in this file has a number", "repaired")
                )
            else:
                self.warnings.extend(
                    ReadWarning(line, "cue has no number", "repaired") for line in self.unnumbered
                )
        if self.dot_lines:
            count = len(self.dot_lines)
            self.warnings.append(
                ReadWarning(
                    self.dot_lines[0],
                    f"{count} timing line{'s use' if count > 1 else ' uses'} '.' before the "
                    "milliseconds (WebVTT style) instead of ','; read as milliseconds",
                    "repaired",
                )
            )


def _strip_trailing_blank(raw: str) -> str:
    """``raw`` without its trailing white-space-only lines; the last line keeps its spaces."""
    kept = raw.rstrip()
    if not kept:
        return ""
    cut = raw.find("\n", len(kept))
    return raw if cut < 0 else raw[:cut]


def _loose_time(field: str) -> int | None:
    """Milliseconds from a damaged time field, or None when nothing time-like is in it."""
    field = field.strip()
    if not field:
        return None
    try:
        return parse_time(field.split()[0] if " " in field else field)
    except TimecodeError:
        pass
    m = _LOOSE_HMS.search(field)
    if m is not None:
        hh, mm, ss, frac = int(m[1]), int(m[2]), int(m[3]), m[4]
    else:
        m = _LOOSE_MS.search(field)
        if m is None:
            return None
        hh, mm, ss, frac = 0, int(m[1]), int(m[2]), m[3]
    # Out-of-range minutes or seconds are added up as written ("00:75:00" is 1 h 15 min).
    millis = int(frac.ljust(3, "0")) if frac else 0
    return ((hh * 60 + mm) * 60 + ss) * 1000 + millis


def write(cues: Iterable[Cue]) -> str:
    """Standard SRT: numbers 1..n, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, a blank line after each cue.

    Text is written as it is. A blank line inside a cue's text is written as an empty line:
    this module's reader keeps it, but pysrt-based players and tools cut the cue there. SRT
    has no escaping, so a text line that itself looks like a timing line (``... --> ...``) or
    trailing blank lines cannot survive a round trip. Raises ValueError for negative times.
    """
    parts: list[str] = []
    for n, cue in enumerate(cues, 1):
        if cue.start_ms < 0 or cue.end_ms < 0:
            raise ValueError(f"cue {n} has a negative time; SRT cannot hold it")
        timing = f"{format_ms(cue.start_ms)} --> {format_ms(cue.end_ms)}"
        if cue.text:
            parts.append(f"{n}\n{timing}\n{cue.text}\n\n")
        else:
            parts.append(f"{n}\n{timing}\n\n")
    return "".join(parts)
