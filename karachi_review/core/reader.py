"""Read any transcript file we support: decode, detect the format by content, parse, check."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from karachi_review.core.errors import EmptyFileError, FileAccessError, NoCuesError
from karachi_review.core.formats import ass, srt, timed_lines, vtt
from karachi_review.core.formats.decode import decode
from karachi_review.core.formats.detect import detect_format
from karachi_review.core.transcript import Cue, ReadWarning, Transcript

READERS = {
    timed_lines.FORMAT: timed_lines.read,
    srt.FORMAT: srt.read,
    vtt.FORMAT: vtt.read,
    ass.FORMAT: ass.read,
}


@dataclass(slots=True)
class ImportResult:
    """A transcript and the report of how it was read."""

    transcript: Transcript
    warnings: list[ReadWarning]
    format: str
    encoding: str
    encoding_confidence: float
    encoding_guessed: bool


def read_transcript(path: str | Path, encoding: str | None = None) -> ImportResult:
    """Read a transcript file; ``encoding`` overrides detection. Raises TranscriptError."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise FileAccessError("is a directory, not a transcript file", name) from None
    except FileNotFoundError:
        raise FileAccessError("no such file", name) from None
    except OSError as exc:
        raise FileAccessError(f"cannot read the file: {exc.strerror or exc}", name) from None
    return read_transcript_bytes(data, name, encoding)


def read_transcript_bytes(
    data: bytes, path: str = "<input>", encoding: str | None = None
) -> ImportResult:
    """Read a transcript from bytes; ``path`` is only used in messages."""
    if not data.strip():
        raise EmptyFileError("the file is empty", path)
    decoded = decode(data, path, encoding)
    warnings: list[ReadWarning] = list(decoded.warnings)
    if decoded.guessed:
        warnings.append(
            ReadWarning(
                None,
                f"encoding guessed as {decoded.encoding} "
                f"(confidence {decoded.confidence:.0%}); use --encoding to override",
                "encoding",
            )
        )
    fmt = detect_format(decoded.text, path)
    cues = READERS[fmt](decoded.text, path, warnings)
    if not cues:
        raise NoCuesError(f"no cue found in this {fmt} file", path)
    cues = check_cues(cues, warnings)
    transcript = Transcript(cues, source_format=fmt, encoding=decoded.encoding, path=path)
    return ImportResult(
        transcript=transcript,
        warnings=warnings,
        format=fmt,
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
        encoding_guessed=decoded.guessed,
    )


def check_cues(cues: list[Cue], warnings: list[ReadWarning]) -> list[Cue]:
    """Report empty, zero-length, inverted, out-of-order and overlapping cues; sort by start.

    Nothing is dropped or changed but the order; the index is renumbered only when sorting
    moved a cue, so that ``index`` is always the position in the transcript (1-based).
    """
    out_of_order = False
    prev: Cue | None = None
    running: Cue | None = None  # the earlier cue that ends last: the one a new cue may overlap
    for cue in cues:
        if not cue.text.strip():
            warnings.append(ReadWarning(cue.line, f"cue {_label(cue)} has no text", "empty"))
        if cue.end_ms == cue.start_ms:
            warnings.append(ReadWarning(cue.line, f"cue {_label(cue)} lasts zero ms", "zero"))
        elif cue.end_ms < cue.start_ms:
            warnings.append(
                ReadWarning(
                    cue.line,
                    f"cue {_label(cue)} ends before it starts "
                    f"({cue.start_ms} ms -> {cue.end_ms} ms)",
                    "inverted",
                )
            )
        if prev is not None and cue.start_ms < prev.start_ms:
            out_of_order = True
            warnings.append(
                ReadWarning(
                    cue.line,
                    f"cue {_label(cue)} starts before the cue above it; sorted by time",
                    "order",
                )
            )
        elif running is not None and cue.start_ms < running.end_ms:
            warnings.append(
                ReadWarning(
                    cue.line,
                    f"cue {_label(cue)} overlaps cue {_label(running)} by "
                    f"{min(running.end_ms, cue.end_ms) - cue.start_ms} ms",
                    "overlap",
                )
            )
        prev = cue
        if running is None or cue.end_ms > running.end_ms:
            running = cue
    if out_of_order:
        ordered = sorted(cues, key=lambda c: c.start_ms)  # stable: file order breaks ties
        cues = [replace(c, index=i) for i, c in enumerate(ordered, 1)]
    return cues


def _label(cue: Cue) -> str:
    return cue.id if cue.id else str(cue.index)
