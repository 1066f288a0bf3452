"""Transcript subcommands: ``inspect``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from karachi_review.core.formats import vtt
from karachi_review.core.reader import ImportResult, read_transcript
from karachi_review.core.timecode import format_ms
from karachi_review.core.transcript import Cue, ReadWarning


def register(sub: Any) -> None:
    """Add the transcript subcommands to ``sub`` (an argparse subparsers action)."""
    p = sub.add_parser(
        "inspect",
        help="read a transcript or subtitle file and report what was found",
        description=(
            "Read FILE (timed lines, SRT, WebVTT or ASS/SSA, chosen by content) and print its "
            "format, encoding, cues and every warning. Exit 2 when the file cannot be used."
        ),
    )
    p.add_argument("file", metavar="FILE", help="the transcript or subtitle file")
    p.add_argument(
        "--encoding",
        metavar="ENC",
        help="read the file with this encoding instead of detecting it (e.g. cp1252)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (format, encoding, cues, warnings) instead of a report",
    )
    p.set_defaults(handler=cmd_inspect)


def cmd_inspect(args: argparse.Namespace) -> int:
    """``karachi-review inspect FILE [--encoding ENC] [--json]``."""
    result = read_transcript(args.file, args.encoding)
    if args.json:
        json.dump(inspect_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(inspect_report(result))
    return 0


def inspect_json(result: ImportResult) -> dict[str, Any]:
    """The ``inspect --json`` object: the read report and every cue as written in the file."""
    transcript = result.transcript
    path = transcript.path or "<input>"
    cues = []
    for cue in transcript:
        item: dict[str, Any] = {
            "index": cue.index,
            "start_ms": cue.start_ms,
            "end_ms": cue.end_ms,
            "text": cue.text,
            "id": cue.id,
            "speaker": cue.speaker,
            "line": cue.line,
        }
        if result.format == vtt.FORMAT:
            item["settings"] = cue.settings
        cues.append(item)
    return {
        "path": path,
        "format": result.format,
        "encoding": result.encoding,
        "encoding_confidence": result.encoding_confidence,
        "encoding_guessed": result.encoding_guessed,
        "cue_count": len(transcript),
        "start_ms": transcript.start_ms,
        "end_ms": transcript.end_ms,
        "duration_ms": transcript.duration_ms,
        "cues": cues,
        "warnings": [
            {"line": w.line, "message": w.message, "kind": w.kind} for w in result.warnings
        ],
    }


def inspect_report(result: ImportResult) -> str:
    """The human ``inspect`` report; warnings one per line as ``FILE:LINE: message``."""
    transcript = result.transcript
    path = transcript.path or "<input>"
    encoding = f"{result.encoding} (confidence {result.encoding_confidence:.0%}"
    encoding += ", guessed)" if result.encoding_guessed else ")"
    first, last = transcript[0], transcript[-1]
    lines = [
        f"file:       {path}",
        f"format:     {result.format}",
        f"encoding:   {encoding}",
        f"cues:       {len(transcript)}",
        f"first cue:  {_span(first)}",
        f"last cue:   {_span(last)}",
        f"duration:   {format_ms(transcript.duration_ms, '.')}",
        f"warnings:   {len(result.warnings)}",
    ]
    lines.extend(_warning_line(path, w) for w in result.warnings)
    return "\n".join(lines) + "\n"


def _span(cue: Cue) -> str:
    return f"{format_ms(cue.start_ms, '.')} --> {format_ms(cue.end_ms, '.')}"


def _warning_line(path: str, warning: ReadWarning) -> str:
    where = path if warning.line is None else f"{path}:{warning.line}"
    return f"{where}: {warning.message}"
