"""The documentary's own transcript format: ``0:00:05 > 0:00:09Pakistan, a nation under siege.``

One cue per line: start ``H:MM:SS``, ``>``, end ``H:MM:SS``, then the text glued to the end time.
Hours have one or more digits; minutes and seconds have EXACTLY two, which is what tells the end
time from text that starts with a digit (``0:22:37133 children`` ends at 0:22:37).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from karachi_review.core.timecode import format_hms, parse_time
from karachi_review.core.transcript import Cue, ReadWarning

FORMAT = "timed-lines"

# Exactly two digits for minutes and seconds: a greedy \d+ would read "0:22:37133" as 37133 s.
_TIME = r"(\d+):(\d{2}):(\d{2})"
TIMED_LINE = re.compile(rf"[ \t]*{_TIME}[ \t]*>[ \t]*{_TIME}(?P<text>.*)")
# A line that starts like a timed line but has no readable end time ("0:00:05 > oops").
_START_ONLY = re.compile(rf"[ \t]*{_TIME}[ \t]*>(?P<text>.*)")


def read(text: str, path: str, warnings: list[ReadWarning]) -> list[Cue]:
    """Parse timed-lines text into cues in file order; lines that are not timed are kept.

    A non-blank line that is not a timed line is appended (after a newline) to the text of the
    cue above it, or kept as a zero-length cue at 0 when no cue came before; both are reported.
    A line with a start time and no end time becomes a cue ending where the next cue starts.
    """
    del path  # messages carry line numbers; the caller adds the file name
    cues: list[_Draft] = []
    missing_end: list[_Draft] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        m = TIMED_LINE.fullmatch(line)
        if m is not None:
            start_ms = _time_ms(m.group(1, 2, 3), lineno, warnings)
            end_ms = _time_ms(m.group(4, 5, 6), lineno, warnings)
            draft = _Draft(start_ms, end_ms, m.group("text"), lineno)
            _fix_missing_ends(missing_end, draft.start_ms, warnings)
            cues.append(draft)
            continue
        m = _START_ONLY.fullmatch(line)
        if m is not None:
            start_ms = _time_ms(m.group(1, 2, 3), lineno, warnings)
            _fix_missing_ends(missing_end, start_ms, warnings)
            draft = _Draft(start_ms, start_ms, m.group("text"), lineno, warn_at=len(warnings))
            missing_end.append(draft)
            cues.append(draft)
            continue
        if cues:
            cues[-1].text += "\n" + line
            warnings.append(
                ReadWarning(
                    lineno,
                    f"line has no times; its text was added to the cue of line {cues[-1].line}",
                    "repaired",
                )
            )
        else:
            cues.append(_Draft(0, 0, line, lineno))
            warnings.append(
                ReadWarning(
                    lineno,
                    "line has no times and comes before the first cue; "
                    "kept as a zero-length cue at 0:00:00",
                    "repaired",
                )
            )
    _fix_missing_ends(missing_end, None, warnings)
    return [
        Cue(index=i, start_ms=d.start_ms, end_ms=d.end_ms, text=d.text, line=d.line)
        for i, d in enumerate(cues, 1)
    ]


def write(cues: Iterable[Cue]) -> str:
    """Write cues as timed lines (one per cue, ``\\n`` line ends, no final blank line).

    The format has whole seconds only: milliseconds are truncated, so a round trip compares at
    second precision. Text lines after the first of a cue are written on lines of their own,
    which the reader appends back to the cue (with a warning); blank lines inside text are lost.
    """
    lines = [f"{format_hms(c.start_ms)} > {format_hms(c.end_ms)}{c.text}" for c in cues]
    return "\n".join(lines) + "\n" if lines else ""


class _Draft:
    """A cue being built; text grows while continuation lines are read."""

    __slots__ = ("end_ms", "line", "start_ms", "text", "warn_at")

    def __init__(self, start_ms: int, end_ms: int, text: str, line: int, warn_at: int = 0) -> None:
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.text = text
        self.line = line
        self.warn_at = warn_at  # where its warning goes, so that warnings stay in line order


def _fix_missing_ends(
    pending: list[_Draft], next_start_ms: int | None, warnings: list[ReadWarning]
) -> None:
    """Give cues without an end time the start of the next cue (or zero length at the end)."""
    for draft in pending:
        if next_start_ms is not None and next_start_ms > draft.start_ms:
            draft.end_ms = next_start_ms
            message = (
                f"no end time; the cue now ends where the next cue starts "
                f"({format_hms(next_start_ms)})"
            )
        else:
            message = "no end time; kept as a zero-length cue"
        warnings.insert(draft.warn_at, ReadWarning(draft.line, message, "repaired"))
    pending.clear()


def _time_ms(parts: tuple[str, ...], lineno: int, warnings: list[ReadWarning]) -> int:
    """Milliseconds of ``H:MM:SS``; minutes or seconds above 59 are reported and kept."""
    hours, minutes, seconds = parts
    if int(minutes) < 60 and int(seconds) < 60:
        return parse_time(f"{hours}:{minutes}:{seconds}")
    warnings.append(
        ReadWarning(
            lineno,
            f"time {hours}:{minutes}:{seconds} has minutes or seconds above 59; read as written",
            "time",
        )
    )
    # Carry the overflow into the larger units so that timecode.parse_time does the conversion.
    total_s = int(minutes) * 60 + int(seconds)
    carried_min, secs = divmod(total_s, 60)
    carried_h, mins = divmod(carried_min, 60)
    return parse_time(f"{int(hours) + carried_h}:{mins:02d}:{secs:02d}")
