"""WebVTT through webvtt-py, with a recovery pass for the cue blocks webvtt-py drops.

webvtt-py (non-strict) silently skips a cue block it cannot read (``00:00:01,000`` with a comma,
minutes above 59, a missing end time) and ignores text blocks that have no timing line. This
module splits the text into blocks by the same rules, lines each block up with the caption
webvtt-py made of it, and reads the blocks it dropped leniently, keeping their text and
reporting what was repaired. NOTE, STYLE and REGION blocks never reach cue text.
Cue settings (``line:0 align:start``) are kept as written in ``Cue.settings``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from karachi_review.core.errors import TimecodeError
from karachi_review.core.timecode import format_hms, format_ms, parse_time
from karachi_review.core.transcript import Cue, ReadWarning

FORMAT = "vtt"

ARROW = "-->"
_HEADER = "WEBVTT"
# Lenient timing line: any time parse_time reads, either decimal separator, settings after.
_TIMING = re.compile(r"[ \t]*(?P<start>[^\s-][^\s]*)[ \t]*-->[ \t]*(?P<end>[^\s]*)(?P<rest>.*)")
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t\f]+([^>]*)>")


@dataclass(slots=True)
class _Block:
    """Lines of one WebVTT block and the 1-based line number of its first line."""

    line: int
    lines: list[str]


def read(text: str, path: str, warnings: list[ReadWarning]) -> list[Cue]:
    """Parse WebVTT text into cues in file order; malformed cue blocks are kept and reported."""
    if text.startswith("\ufeff"):
        text = text[1:]
    offset = 0
    if not text.startswith(_HEADER):
        warnings.append(
            ReadWarning(1, "no WEBVTT header on the first line; read as WebVTT anyway", "repaired")
        )
        # The blank line keeps the first line out of the header block; line numbers shift by 2.
        text = f"{_HEADER}\n\n{text}"
        offset = 2
    lines = text.split("\n")
    try:
        captions = list(webvtt.from_string(text).captions)
    except (MalformedFileError, MalformedCaptionError, ValueError):
        captions = []  # every cue block then goes through the lenient pass below

    drafts: list[_Draft] = []
    pending_end: list[_Draft] = []
    seen_cue = False
    j = 0
    for block in _blocks(lines):
        block.line -= offset
        kind = _kind(block.lines)
        if kind == "cue":
            seen_cue = True
            parsed = _parse_block(block)
            if j < len(captions) and _same(captions[j], parsed):
                draft = _from_caption(captions[j], parsed)
                j += 1
            else:
                draft = _recover(parsed, drafts, warnings)
                if draft.end_ms is None:
                    draft.warn_at = len(warnings)
                    pending_end.append(draft)
            if draft.end_ms is not None:
                _fix_missing_ends(pending_end, draft.start_ms, warnings)
            drafts.append(draft)
        elif kind == "text":
            _stray_text(block, drafts, seen_cue, warnings)
    _fix_missing_ends(pending_end, None, warnings)
    return [
        Cue(
            index=i,
            start_ms=d.start_ms,
            end_ms=d.end_ms if d.end_ms is not None else d.start_ms,
            text=d.text,
            id=d.id,
            speaker=_speaker(d.text),
            line=d.line,
            settings=d.settings or None,
        )
        for i, d in enumerate(drafts, 1)
    ]


def write(cues: Iterable[Cue]) -> str:
    """Write cues as WebVTT through webvtt-py, with each cue's id and settings.

    WebVTT cue text cannot hold an empty line or ``-->``: an empty line inside the text is
    written as a line holding one space, and ``-->`` as ``--&gt;`` (which displays the same).
    Times must not be negative (ValueError).
    """
    captions = []
    for cue in cues:
        if cue.start_ms < 0 or cue.end_ms < 0:
            raise ValueError(f"cue {cue.index}: WebVTT cannot hold negative times")
        lines = cue.text.replace(ARROW, "--&gt;").split("\n") if cue.text else []
        while lines and not lines[-1]:
            lines.pop()  # an empty last line would only end the block
        cue_setting = cue.settings or ""
        captions.append(
            webvtt.Caption(
                format_ms(cue.start_ms, "."),
                format_ms(cue.end_ms, "."),
                [line or " " for line in lines],
                cue.id,
                cue_setting,
            )
        )
    return str(webvtt.WebVTT(captions=captions).content)


@dataclass(slots=True)
class _Parsed:
    """A cue block read by our own rules: where each part is and what it says."""

    line: int  # first line of the block (the identifier when there is one)
    timing_line: int
    identifier: str | None
    timing: str
    payload: list[str]
    start_ms: int | None
    end_ms: int | None
    end_missing: bool
    settings: str


@dataclass(slots=True)
class _Draft:
    """A cue being built."""

    line: int
    start_ms: int
    end_ms: int | None  # None: no end time, fixed once the next cue's start is known
    text: str
    id: str | None
    settings: str
    warn_at: int = 0  # where a later warning about this cue goes, to keep warnings in line order


def _blocks(lines: Sequence[str]) -> Iterable[_Block]:
    """Split lines into blocks as webvtt-py does (and as the WebVTT parser does).

    A block ends at an empty line; a line with ``-->`` also starts a new block when it cannot
    be the timing line of the current one (it is not the first or second line).
    """
    block: _Block | None = None
    in_header = True
    for lineno, line in enumerate(lines, 1):
        if block is not None and (
            not line
            or (ARROW in line and (in_header or len(block.lines) > 1 or ARROW in block.lines[0]))
        ):
            if in_header:
                in_header = False  # the header block is not a cue; it is never yielded
            else:
                yield block
            block = None
        if line:
            if block is None:
                block = _Block(lineno, [])
            block.lines.append(line)
    if block is not None and not in_header:
        yield block


def _kind(lines: Sequence[str]) -> str:
    """``cue``, ``note``, ``style``, ``region`` or ``text`` (a block with no timing line)."""
    first = lines[0]
    second_has_arrow = len(lines) > 1 and ARROW in lines[1]
    if first.startswith("NOTE") and not second_has_arrow:
        return "note"
    if ARROW in first or second_has_arrow:
        return "cue"
    if first == "STYLE":
        return "style"
    if first.startswith("REGION") and not first[len("REGION") :].strip():
        return "region"
    return "text"


def _parse_block(block: _Block) -> _Parsed:
    """Split a cue block into identifier, timing line and payload; read the times leniently."""
    has_id = ARROW not in block.lines[0]
    identifier = block.lines[0] if has_id else None
    timing = block.lines[1] if has_id else block.lines[0]
    payload = block.lines[2:] if has_id else block.lines[1:]
    start_ms = end_ms = None
    end_missing = False
    settings = ""
    m = _TIMING.match(timing)
    if m is not None:
        start_ms = _lenient_time(m.group("start"))
        end_missing = not m.group("end")
        end_ms = _lenient_time(m.group("end")) if m.group("end") else None
        settings = m.group("rest").strip()
    return _Parsed(
        line=block.line,
        timing_line=block.line + (1 if has_id else 0),
        identifier=identifier,
        timing=timing,
        payload=payload,
        start_ms=start_ms,
        end_ms=end_ms,
        end_missing=end_missing,
        settings=settings,
    )


def _lenient_time(value: str) -> int | None:
    try:
        return parse_time(value)
    except TimecodeError:
        return None


def _same(caption: webvtt.Caption, parsed: _Parsed) -> bool:
    """Whether webvtt-py's caption is the one made of this block."""
    if caption.identifier != parsed.identifier or list(caption.lines) != parsed.payload:
        return False
    start = int(caption.start_time.in_milliseconds())
    end = int(caption.end_time.in_milliseconds())
    return (parsed.start_ms is None or parsed.start_ms == start) and (
        parsed.end_ms is None or parsed.end_ms == end
    )


def _from_caption(caption: webvtt.Caption, parsed: _Parsed) -> _Draft:
    return _Draft(
        line=parsed.line,
        start_ms=int(caption.start_time.in_milliseconds()),
        end_ms=int(caption.end_time.in_milliseconds()),
        text=str(caption.raw_text),
        id=caption.identifier,
        settings=str(caption.settings),
    )


def _recover(parsed: _Parsed, drafts: Sequence[_Draft], warnings: list[ReadWarning]) -> _Draft:
    """Read a cue block webvtt-py dropped: keep its text, report what was repaired."""
    text = "\n".join(parsed.payload)
    if parsed.start_ms is None:
        start_ms = _last_end(drafts)
        warnings.append(
            ReadWarning(
                parsed.timing_line,
                f"cue timing line {parsed.timing!r} cannot be read; its text is kept as a "
                f"zero-length cue at {format_hms(start_ms)}",
                "repaired",
            )
        )
        return _Draft(parsed.line, start_ms, start_ms, text, parsed.identifier, "")
    if parsed.end_ms is None and not parsed.end_missing:
        warnings.append(
            ReadWarning(
                parsed.timing_line,
                f"cue end time in {parsed.timing!r} cannot be read",
                "repaired",
            )
        )
    elif parsed.end_ms is not None:
        warnings.append(
            ReadWarning(
                parsed.timing_line,
                f"cue timing line {parsed.timing!r} is not valid WebVTT; its times were read "
                "leniently",
                "repaired",
            )
        )
    return _Draft(
        parsed.line, parsed.start_ms, parsed.end_ms, text, parsed.identifier, parsed.settings
    )


def _last_end(drafts: Sequence[_Draft]) -> int:
    if not drafts:
        return 0
    last = drafts[-1]
    return last.end_ms if last.end_ms is not None else last.start_ms


def _fix_missing_ends(
    pending: list[_Draft], next_start_ms: int | None, warnings: list[ReadWarning]
) -> None:
    """Give cues without an end time the start of the next cue (or zero length at the end)."""
    for draft in pending:
        if next_start_ms is not None and next_start_ms > draft.start_ms:
            draft.end_ms = next_start_ms
            message = (
                f"cue has no end time; it now ends where the next cue starts "
                f"({format_hms(next_start_ms)})"
            )
        else:
            draft.end_ms = draft.start_ms
            message = "cue has no end time; kept as a zero-length cue"
        warnings.insert(draft.warn_at, ReadWarning(draft.line, message, "repaired"))
    pending.clear()


def _stray_text(
    block: _Block, drafts: list[_Draft], seen_cue: bool, warnings: list[ReadWarning]
) -> None:
    """A block with no timing line: after a cue it is that cue's text (after a blank line)."""
    text = "\n".join(block.lines)
    if seen_cue and drafts:
        drafts[-1].text += "\n\n" + text
        warnings.append(
            ReadWarning(
                block.line,
                f"text without a timing line; added to the cue of line {drafts[-1].line} "
                "(a blank line inside cue text ends a WebVTT cue)",
                "repaired",
            )
        )
    else:
        warnings.append(
            ReadWarning(
                block.line,
                f"text before the first cue is not a cue and was ignored: {_preview(text)}",
                "ignored",
            )
        )


def _preview(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _speaker(text: str) -> str | None:
    """The voice name when the whole cue is spoken by one voice (``<v Roger>...``)."""
    first = _VOICE.match(text.lstrip())
    if first is None:
        return None
    names = {name.strip() for name in _VOICE.findall(text)}
    return names.pop() if len(names) == 1 else None
