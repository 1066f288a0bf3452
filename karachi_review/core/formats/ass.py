"""ASS/SSA (SubStation Alpha) through pysubs2; Dialogue events become cues.

Text is kept as written in the file (override tags such as ``{\\i1}`` and ``\\N`` line breaks
included); the speaker is the event's Name field. Comment events are not cues and are skipped.

pysubs2 stops the whole file at the first event with a time it cannot read, and fills the
fields missing from a short Dialogue line with defaults (a 10-second end, empty text). So each
event line is checked first: good ones go through pysubs2, the others are read leniently here,
keeping their text, and reported with their line number.
"""

from __future__ import annotations

import warnings as pywarnings
from collections.abc import Iterable
from dataclasses import dataclass

import pysubs2
from pysubs2.formats.substation import EVENT_FIELDS, SECTION_HEADING, SubstationFormat
from pysubs2.time import TIMESTAMP, TIMESTAMP_SHORT

from karachi_review.core.errors import TimecodeError, TranscriptError
from karachi_review.core.timecode import format_hms, parse_time
from karachi_review.core.transcript import Cue, ReadWarning

FORMAT = "ass"

_EVENT_PREFIXES = ("Dialogue:", "Comment:")
# Sections whose lines pysubs2 reads as key/value pairs or attachment data, never as events.
_NON_EVENT_SECTION_WORDS = ("Info", "Aegisub", "Fonts", "Graphics")


@dataclass(slots=True)
class _EventLine:
    """One ``Dialogue:``/``Comment:`` line and, when pysubs2 cannot read it, our reading."""

    line: int
    is_dialogue: bool
    blanked: bool = False  # hidden from pysubs2 because it cannot read it
    repaired: Cue | None = None


def read(text: str, path: str, warnings: list[ReadWarning]) -> list[Cue]:
    """Parse ASS/SSA text into cues (Dialogue events in file order) via pysubs2."""
    format_ = SubstationFormat.guess_format(text) or "ass"
    n_fields = len(EVENT_FIELDS[format_])
    lines = text.split("\n")
    events: list[_EventLine] = []
    in_event_section = True  # pysubs2 reads event lines before any section heading too
    last_end = 0
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if SECTION_HEADING.match(line):
            in_event_section = not any(word in line for word in _NON_EVENT_SECTION_WORDS)
            continue
        if not in_event_section or not line.startswith(_EVENT_PREFIXES):
            continue
        ev_type, rest = line.split(":", 1)
        fields = rest.strip().split(",", n_fields - 1)
        event = _EventLine(lineno, ev_type == "Dialogue")
        problem = _problem(fields, n_fields)
        if problem is not None:
            lines[lineno - 1] = ""  # pysubs2 must not see it; we read it below
            event.blanked = True
            if event.is_dialogue:
                event.repaired = _repair(fields, n_fields, lineno, problem, last_end, warnings)
                last_end = event.repaired.end_ms
        events.append(event)
        if problem is None and event.is_dialogue:
            last_end = _time(fields[2]) or last_end

    any_blanked = any(e.blanked for e in events)
    subs = _parse("\n".join(lines) if any_blanked else text, format_, path, warnings)
    subs_events = iter(subs.events)
    cues: list[Cue] = []
    for event in events:
        if event.repaired is not None:
            cues.append(_renumber(event.repaired, len(cues) + 1))
            continue
        if event.blanked:
            continue
        ev = next(subs_events)
        if ev.is_comment:
            continue
        cues.append(
            Cue(
                index=len(cues) + 1,
                start_ms=int(ev.start),
                end_ms=int(ev.end),
                text=ev.text,
                speaker=ev.name or None,
                line=event.line,
            )
        )
    return cues


def write(cues: Iterable[Cue]) -> str:
    """Write cues as an ASS file through pysubs2 (one Dialogue event per cue, Default style).

    ASS times are centiseconds: pysubs2 rounds to the nearest 10 ms (as Aegisub does) and clamps
    to 0..9:59:59.99. A newline in text is written as ``\\N``, which the reader keeps as written;
    a comma in the speaker name would shift the fields, so it is written as a semicolon.
    """
    subs = pysubs2.SSAFile()
    for cue in cues:
        subs.events.append(
            pysubs2.SSAEvent(
                start=cue.start_ms,
                end=cue.end_ms,
                text=cue.text.replace("\n", "\\N"),
                name=(cue.speaker or "").replace(",", ";"),
            )
        )
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", RuntimeWarning)  # the clamp above is documented
        return subs.to_string("ass")


def _problem(fields: list[str], n_fields: int) -> str | None:
    """Why pysubs2 cannot read this event line as written, or None when it can."""
    if len(fields) < n_fields:
        return f"has {len(fields)} of the {n_fields} fields of an event"
    for name, value in (("start", fields[1]), ("end", fields[2])):
        v = value.strip().removeprefix("-")
        if TIMESTAMP.match(v) is None and TIMESTAMP_SHORT.match(v) is None:
            return f"has a time pysubs2 cannot read ({name} {value.strip()!r})"
    return None


def _repair(
    fields: list[str],
    n_fields: int,
    lineno: int,
    problem: str,
    last_end: int,
    warnings: list[ReadWarning],
) -> Cue:
    """Read an event line pysubs2 cannot: keep its text; fill times that cannot be read."""
    start = _time(fields[1]) if len(fields) > 1 else None
    end = _time(fields[2]) if len(fields) > 2 else None
    text = fields[-1] if len(fields) > 3 else ""
    speaker = (fields[4].strip() or None) if len(fields) == n_fields else None
    start_ms = start if start is not None else last_end
    end_ms = end if end is not None else start_ms
    fixes = []
    if start is None:
        fixes.append(f"start set to {format_hms(start_ms)}")
    if end is None:
        fixes.append("end set to its start")
    if start is not None and end is not None and len(fields) >= n_fields:
        fixes.append("times read leniently")
    if len(fields) < n_fields and len(fields) > 3:
        fixes.append("its last field kept as the text")
    detail = f"; {', '.join(fixes)}" if fixes else ""
    warnings.append(ReadWarning(lineno, f"Dialogue line {problem}{detail}", "repaired"))
    return Cue(0, start_ms, end_ms, text, speaker=speaker, line=lineno)


def _time(value: str) -> int | None:
    v = value.strip()
    sign = -1 if v.startswith("-") else 1
    try:
        return sign * parse_time(v.removeprefix("-"))
    except TimecodeError:
        return None


def _renumber(cue: Cue, index: int) -> Cue:
    return Cue(index, cue.start_ms, cue.end_ms, cue.text, cue.id, cue.speaker, cue.line)


def _parse(text: str, format_: str, path: str, warnings: list[ReadWarning]) -> pysubs2.SSAFile:
    """Run pysubs2 on the lines it can read; a failure becomes a TranscriptError.

    With the event lines checked beforehand, what pysubs2 still fails on is a Style line (a
    font size that is not a number): styles do not change cue text or times, so the file is
    read again without them and the first unreadable style is reported.
    """
    try:
        return _from_string(text, format_)
    except (ValueError, TypeError, pysubs2.Pysubs2Error) as exc:
        lines = text.split("\n")
        style_lines = [i for i, line in enumerate(lines) if line.strip().startswith("Style:")]
        if not style_lines:
            raise TranscriptError(f"pysubs2 cannot read this file: {exc}", path) from exc
        bad = next((i for i in style_lines if not _style_readable(lines[i], format_)), None)
        for i in style_lines:
            lines[i] = ""
        try:
            subs = _from_string("\n".join(lines), format_)
        except (ValueError, TypeError, pysubs2.Pysubs2Error) as exc2:
            raise TranscriptError(f"pysubs2 cannot read this file: {exc2}", path) from exc2
        line = (bad if bad is not None else style_lines[0]) + 1
        warnings.append(
            ReadWarning(
                line,
                f"style definition cannot be read ({exc}); styles ignored, cues unaffected",
                "style",
            )
        )
        return subs


def _style_readable(line: str, format_: str) -> bool:
    heading = "[V4+ Styles]" if format_ == "ass" else "[V4 Styles]"
    try:
        _from_string(f"{heading}\n{line.strip()}\n", format_)
    except (ValueError, TypeError, pysubs2.Pysubs2Error):
        return False
    return True


def _from_string(text: str, format_: str) -> pysubs2.SSAFile:
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", RuntimeWarning)  # fields it replaces with defaults
        return pysubs2.SSAFile.from_string(text, format_=format_)
