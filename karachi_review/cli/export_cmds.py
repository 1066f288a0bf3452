"""Export and import subcommands: ``export`` (every format of core/export.py) and
``import-annotations`` (JSON Lines, CSV, ELAN EAF, Resolve marker EDL).

``export PROJECT --format F [-o FILE]`` writes atomically and reads the file back before it
replaces the previous one; without ``-o`` (or with ``-o -``) the export goes to standard output
(no read-back: there is no file). Reports go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from karachi_review.core import annotation_io, imports
from karachi_review.core import export as exporter
from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.export_model import MODES, ExportOptions
from karachi_review.core.store import Project, UpgradeNeededError
from karachi_review.core.timecode import parse_rate, parse_time

__all__ = ["cmd_export", "cmd_import", "register"]


def register(sub: Any) -> None:
    """Add ``export`` and ``import-annotations`` to ``sub`` (an argparse subparsers action)."""
    _register_import(sub)
    _register_export(sub)


def _open_for_reading(path: str) -> Project:
    try:
        return Project.open(path, read_only=True)
    except UpgradeNeededError:
        Project.open(path).close()  # an older file is upgraded once (with a snapshot first)
        return Project.open(path, read_only=True)


def _rate(text: str | None) -> Fraction | None:
    if text is None:
        return None
    try:
        return parse_rate(text)
    except TimecodeError as exc:
        raise TimecodeError(f"--fps: {exc.message}") from None


def _time(option: str, text: str | None, rate: Fraction | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_time(text, rate)
    except TimecodeError as exc:
        raise TimecodeError(f"{option}: {exc.message}") from None


def _drop(args: argparse.Namespace) -> bool | None:
    if args.drop_frame:
        return True
    if args.non_drop_frame:
        return False
    return None


def _timecode_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fps", metavar="F", help="frame rate (25, 29.97, 30000/1001); default: media")
    drop = p.add_mutually_exclusive_group()
    drop.add_argument(
        "--drop-frame", action="store_true", help="drop-frame timecode (29.97 / 59.94 default)"
    )
    drop.add_argument("--non-drop-frame", action="store_true", help="non-drop-frame timecode")
    p.add_argument(
        "--start-tc",
        metavar="TC",
        help="timecode of the media's first frame (markers: default 01:00:00:00)",
    )


# -------------------------------------------------------------------------------- export


def _register_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export annotations: subtitles, CSV/JSON, editor markers, ELAN",
        description=(
            "Write the annotations as annotated subtitles (srt, vtt, ass), data (csv: UTF-8 "
            "with BOM, formula cells neutralised; json; jsonl), editor markers (resolve-edl, "
            "avid-edl, xmeml for Premiere, fcpxml for Final Cut Pro X) or ELAN eaf. -o writes "
            "the file atomically and reads it back before replacing the previous file; "
            "without -o the export goes to standard output."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", choices=exporter.FORMATS, required=True)
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    p.add_argument(
        "--tag",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="only these tags (--tag raid interview, or --tag repeated)",
    )
    p.add_argument(
        "--annotator",
        action="append",
        default=[],
        metavar="NAME",
        help="only this annotator (repeat for several)",
    )
    p.add_argument("--from", dest="from_", metavar="TIME", help="only from this time")
    p.add_argument("--to", metavar="TIME", help="only up to this time")
    p.add_argument(
        "--mode",
        choices=MODES,
        default="all",
        help="subtitles: all cues with labels (default), only tagged cues, or one cue per "
        "annotation",
    )
    p.add_argument(
        "--no-notes", action="store_true", help="subtitles: leave notes out of labelled cues"
    )
    _timecode_options(p)
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """``karachi-review export PROJECT --format F [--tag NAME ...] [--fps F] [--start-tc TC]
    [-o FILE]``."""
    rate = _rate(args.fps)
    with _open_for_reading(args.project) as project:
        media_rate = rate or project.media().fps
        options = ExportOptions(
            args.format,
            mode=args.mode,
            tags=tuple(args.tag),
            annotators=tuple(args.annotator),
            from_ms=_time("--from", args.from_, media_rate),
            to_ms=_time("--to", args.to, media_rate),
            fps=rate,
            drop_frame=_drop(args),
            start_tc=args.start_tc,
            notes=not args.no_notes,
        )
        source = exporter.source_from_project(project, options)
    if args.output and args.output != "-":
        if Path(args.output).resolve() == Path(args.project).resolve():
            raise KarachiError("refusing to write the export over the project file", args.output)
        result = exporter.export_file(source, args.output, options)
        print(
            f"wrote {result.annotations} annotations ({result.items} items checked by reading "
            f"the file back) to {args.output}",
            file=sys.stderr,
        )
    else:
        data, _ = exporter.render(source, options)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


# -------------------------------------------------------------------- import-annotations


def _register_import(sub: Any) -> None:
    p = sub.add_parser(
        "import-annotations",
        help="import annotations (JSON Lines, CSV, ELAN EAF, Resolve marker EDL); prints ids",
        description=(
            "Import rows with start, end (times), tag and optionally note, annotator, id; or "
            "the tiers of an ELAN file (--tier TIER=TAG, default: tiers named like tags); or "
            "the markers of a DaVinci Resolve marker EDL. Every row is checked before anything "
            "is written; then each id is printed (and flushed) as soon as the transaction "
            "holding it is committed. Importing an id already in the project does not "
            "duplicate it."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("file", metavar="FILE", help="the rows, or - for standard input")
    p.add_argument("--format", choices=imports.IMPORT_FORMATS, help="default: guessed")
    p.add_argument("--annotator", metavar="NAME", help="for rows without an annotator")
    p.add_argument(
        "--tier",
        action="append",
        default=[],
        metavar="TIER=TAG",
        help="EAF: import tier TIER as tag TAG (repeat for several)",
    )
    p.add_argument(
        "--tag", metavar="NAME", help="EDL: tag for markers whose name and colour match none"
    )
    _timecode_options(p)
    p.set_defaults(handler=cmd_import)


def _tier_map(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        tier, sep, tag = item.rpartition("=")
        if not sep or not tier.strip() or not tag.strip():
            raise KarachiError(f"--tier {item!r}: write TIER=TAG, e.g. --tier 'Raids=raid'")
        mapping[tier.strip()] = tag.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    """``karachi-review import-annotations PROJECT (FILE|-) [--format F] [--tier TIER=TAG]``."""
    tier_map = _tier_map(args.tier)
    if args.file == "-":
        data = sys.stdin.buffer.read()
        temp_source = "<stdin>"
    else:
        temp_source = args.file
        data = b""
    with Project.open(args.project) as project:
        rate = _rate(args.fps) or project.media().fps
        if args.file == "-":
            fmt = args.format or imports.detect_format("", data)
            if fmt == "eaf":
                raise KarachiError("read EAF files from a file, not standard input", temp_source)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise KarachiError(f"not UTF-8 text (byte {exc.start})", temp_source) from None
            if fmt == "resolve-edl":
                rows = imports.resolve_edl_rows(
                    text,
                    project.tags(),
                    rate,
                    source=temp_source,
                    drop_frame=_drop(args),
                    start_tc=args.start_tc,
                    default_tag=args.tag,
                )
            else:
                rows = annotation_io.parse_annotation_rows(text, temp_source, fmt, rate)
        else:
            rows = imports.rows_from_file(
                args.file,
                args.format,
                project.tags(),
                rate=rate,
                tier_map=tier_map,
                drop_frame=_drop(args),
                start_tc=args.start_tc,
                default_tag=args.tag,
            )

        def committed(ids: Any) -> None:
            sys.stdout.write("".join(f"{i}\n" for i in ids))
            sys.stdout.flush()

        report = project.import_annotations(
            rows, annotator=args.annotator, source=temp_source, on_commit=committed
        )
    summary = f"{len(report.added)} added, {len(report.present)} already present"
    if report.differing:
        summary += (
            f" ({len(report.differing)} differ from the file; the project's version was kept: "
            f"{', '.join(report.differing[:5])}{' ...' if len(report.differing) > 5 else ''})"
        )
    print(summary, file=sys.stderr)
    return 0
