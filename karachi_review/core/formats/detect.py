"""Tell a transcript's format from its text, never from its file name.

Files arrive renamed (``.txt`` SRT, ``.srt`` WebVTT), so only the content counts. Only the head
of the text is looked at, except for ASS/SSA, whose ``[Events]`` section may come after
megabytes of embedded fonts.
"""

from __future__ import annotations

import re
from typing import Final

from karachi_review.core.errors import UnknownFormatError

FORMATS: Final = ("srt", "vtt", "ass", "timed-lines")
HEAD_LINES: Final = 50  # non-blank lines searched for an SRT or timed-lines timing

# Same shape as the timed-lines reader: minutes and seconds exactly two digits.
_TIMED_LINE: Final = re.compile(r"[ \t]*\d+:\d{2}:\d{2}[ \t]*>[ \t]*\d+:\d{2}:\d{2}")
# An SRT timing line: two times around "-->"; comma or dot milliseconds (or none, which the
# SRT reader repairs and reports); hours optional so that header-less WebVTT-like timings
# still reach a reader that can keep their text.
_TIME: Final = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[,.:]\d+)?"
_SRT_TIMING: Final = re.compile(rf"[ \t]*{_TIME}[ \t]*-->[ \t]*{_TIME}")
_ASS_HEADER: Final = re.compile(r"[ \t]*\[(?:script info|v4\+? styles|events)\][ \t]*$", re.I)
_ASS_SECTION: Final = re.compile(
    r"^[ \t]*\[(?:script info|events)\][ \t]*$", re.IGNORECASE | re.MULTILINE
)


def detect_format(text: str, path: str) -> str:
    """Return "srt", "vtt", "ass" or "timed-lines"; raise UnknownFormatError otherwise."""
    head = _head_lines(text, HEAD_LINES)
    if head:
        first = head[0].lstrip()
        if first.startswith("WEBVTT"):
            return "vtt"
        if _ASS_HEADER.match(first):
            return "ass"
        if _TIMED_LINE.match(first):
            return "timed-lines"
    if any(_SRT_TIMING.match(line) for line in head):
        return "srt"
    if any(_TIMED_LINE.match(line) for line in head):
        return "timed-lines"
    if _ASS_SECTION.search(text):
        return "ass"
    raise UnknownFormatError(
        "not a transcript format we read (SRT, WebVTT, ASS/SSA, timed lines)", path, line=1
    )


def _head_lines(text: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines, without reading past them in a large file."""
    found: list[str] = []
    pos = 0
    end = len(text)
    while pos < end and len(found) < count:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = end
        line = text[pos:nl]
        if line.strip():
            found.append(line)
        pos = nl + 1
    return found
