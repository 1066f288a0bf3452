"""Project subcommands: new, tag, untag, annotations, import-annotations, search, tags, export.

Every command goes through the same store (``core/store.py``) as the window. Results go to
stdout (ids, tables, JSON); reports and warnings go to stderr. A user error exits 2 with one
``FILE[:LINE]: message`` line and changes nothing (``cli/__init__.py`` prints it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from karachi_review.cli import export_cmds
from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.reader import read_transcript
from karachi_review.core.store import (
    Annotation,
    Project,
    UpgradeNeededError,
)
from karachi_review.core.timecode import format_ms, parse_time

_MAX_WARNINGS = 20
_CUE_RE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


def register(sub: Any) -> None:
    """Add the project subcommands to ``sub`` (an argparse subparsers action)."""
    _register_new(sub)
    _register_tag(sub)
    _register_untag(sub)
    _register_annotations(sub)
    _register_search(sub)
    _register_tags(sub)
    # export and import-annotations live in cli/export_cmds.py (issue 6).
    export_cmds.register(sub)


# ------------------------------------------------------------------------------- helpers


def _open_for_reading(path: str) -> Project:
    try:
        return Project.open(path, read_only=True)
    except UpgradeNeededError:
        Project.open(path).close()  # an older file is upgraded once (with a snapshot first)
        return Project.open(path, read_only=True)


def _parse_option_time(option: str, text: str, rate: Fraction | None, where: str) -> int:
    try:
        return parse_time(text, rate)
    except TimecodeError as exc:
        raise TimecodeError(f"{option}: {exc.message}", where) from None


def _ts(ms: int) -> str:
    return format_ms(ms, ".")


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", " ")


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _annotation_json(a: Annotation, labels: dict[str, str]) -> dict[str, Any]:
    data = a.as_dict()
    data["start"] = _ts(a.start_ms)
    data["end"] = _ts(a.end_ms)
    data["label"] = labels.get(a.tag, a.tag)
    return data


# ----------------------------------------------------------------------------------- new


def _register_new(sub: Any) -> None:
    p = sub.add_parser(
        "new",
        help="create a project from a transcript (and its media)",
        description=(
            "Create the project file PROJECT (an SQLite database; .kreview is the usual "
            "suffix) holding the transcript, the media's path, size and fingerprint, and the "
            "default tag vocabulary. An existing file is never overwritten."
        ),
    )
    p.add_argument("project", metavar="PROJECT", help="the project file to create")
    p.add_argument("--transcript", metavar="FILE", required=True, help="transcript or subtitles")
    p.add_argument("--media", metavar="FILE", help="the video or audio the transcript belongs to")
    p.add_argument("--title", metavar="T", help="project title (default: the transcript's name)")
    p.add_argument("--encoding", metavar="ENC", help="read the transcript with this encoding")
    p.set_defaults(handler=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    """``karachi-review new PROJECT --transcript FILE [--media FILE] [--title T]``."""
    target = Path(args.project)
    if target.exists():
        raise KarachiError("a file of that name already exists; choose another", str(target))
    if args.media is not None and not Path(args.media).is_file():
        raise KarachiError("no such media file", args.media)
    try:
        result = read_transcript(args.transcript, args.encoding)
    except IsADirectoryError:
        raise KarachiError("is a folder, not a transcript file", args.transcript) from None
    except OSError as exc:
        raise KarachiError(f"cannot read the transcript: {exc.strerror}", args.transcript) from None
    with Project.create(
        target,
        result.transcript,
        title=args.title,
        media_path=args.media,
        transcript_path=args.transcript,
    ) as project:
        for w in result.warnings[:_MAX_WARNINGS]:
            where = f"{args.transcript}:{w.line}" if w.line else args.transcript
            print(f"{where}: warning: {w.message}", file=sys.stderr)
        if len(result.warnings) > _MAX_WARNINGS:
            more = len(result.warnings) - _MAX_WARNINGS
            print(
                f"{args.transcript}: {more} more warnings (karachi-review inspect "
                f"{args.transcript} lists them all)",
                file=sys.stderr,
            )
        media = project.media()
        print(
            f"created {target}: '{project.title}', {len(result.transcript)} cues "
            f"({result.format}, {result.encoding}), ends {_ts(result.transcript.end_ms)}"
        )
        if media.path:
            print(f"media: {media.path} ({media.size} bytes, {media.content_hash})")
        print(f"tags: {', '.join(t.name for t in project.tags())}")
    return 0


# ----------------------------------------------------------------------------------- tag


def _register_tag(sub: Any) -> None:
    p = sub.add_parser(
        "tag",
        help="tag a time range or cues; prints the new annotation's id",
        description=(
            "Add one annotation, either from --start to --end (times like 00:01:02.500, "
            "1:02, 62.5, or HH:MM:SS:FF when the media's frame rate is known) or over cues "
            "N to M (--cue 12 or --cue 12-15, numbers as 'annotations' and 'search' show)."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--start", metavar="TC", help="start time")
    p.add_argument("--end", metavar="TC", help="end time (after the start)")
    p.add_argument("--cue", metavar="N[-M]", help="cue number or range of cue numbers")
    p.add_argument("--tag", metavar="NAME", required=True, help="tag name (see 'tags')")
    p.add_argument("--note", metavar="TEXT", default="", help="free text")
    p.add_argument(
        "--annotator",
        metavar="NAME",
        help="who tags (default: $KARACHI_REVIEW_ANNOTATOR, else the login name)",
    )
    p.set_defaults(handler=cmd_tag)


def cmd_tag(args: argparse.Namespace) -> int:
    """``karachi-review tag PROJECT (--start TC --end TC | --cue N[-M]) --tag NAME ...``."""
    where = args.project
    by_time = args.start is not None or args.end is not None
    if args.cue is not None and by_time:
        raise KarachiError("give either --start/--end or --cue, not both", where)
    with Project.open(args.project) as project:
        if args.cue is not None:
            match = _CUE_RE.fullmatch(args.cue)
            if not match:
                raise KarachiError(f"--cue '{args.cue}' must be N or N-M (e.g. 12 or 12-15)", where)
            first = int(match[1])
            last = int(match[2]) if match[2] else first
            start_ms, end_ms = project.cue_span(first, last)
        elif args.start is not None and args.end is not None:
            rate = project.media().fps
            start_ms = _parse_option_time("--start", args.start, rate, where)
            end_ms = _parse_option_time("--end", args.end, rate, where)
        else:
            raise KarachiError("give --start and --end, or --cue", where)
        annotation = project.add_annotation(
            start_ms, end_ms, args.tag, note=args.note, annotator=args.annotator
        )
        print(annotation.id, flush=True)
        twins = project.same_span(annotation)
        if twins:
            print(
                f"{args.project}: warning: {len(twins)} other {annotation.tag} annotation"
                f"{'s cover' if len(twins) > 1 else ' covers'} exactly this span "
                f"({', '.join(t.id for t in twins[:3])}); 'untag' removes one",
                file=sys.stderr,
            )
    return 0


# --------------------------------------------------------------------------------- untag


def _register_untag(sub: Any) -> None:
    p = sub.add_parser(
        "untag",
        help="delete an annotation (kept as a tombstone; the window can undo it)",
        description="Delete annotation ID (the full id, or a unique start of it).",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_untag)


def cmd_untag(args: argparse.Namespace) -> int:
    """``karachi-review untag PROJECT ID``."""
    with Project.open(args.project) as project:
        full = project.resolve_annotation_id(args.id)
        current = project.annotation(full, include_deleted=True)
        if current.deleted:
            print(f"{full}: already deleted at {current.deleted_at}", file=sys.stderr)
            return 0
        old = project.delete_annotation(full)
        print(old.id)
        print(
            f"deleted {old.tag} {_ts(old.start_ms)}-{_ts(old.end_ms)}",
            file=sys.stderr,
        )
    return 0


# --------------------------------------------------------------------------- annotations


def _register_annotations(sub: Any) -> None:
    p = sub.add_parser(
        "annotations",
        help="list annotations in time order",
        description="List the annotations of the project in time order.",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--tag", metavar="NAME", help="only this tag")
    p.add_argument("--json", action="store_true", help="a JSON list of objects")
    p.add_argument("--deleted", action="store_true", help="include deleted annotations")
    p.set_defaults(handler=cmd_annotations)


def cmd_annotations(args: argparse.Namespace) -> int:
    """``karachi-review annotations PROJECT [--tag NAME] [--json]``."""
    with _open_for_reading(args.project) as project:
        found = project.annotations(tag=args.tag, include_deleted=args.deleted)
        labels = {t.name: t.label for t in project.tags()}
    if args.json:
        _print_json([_annotation_json(a, labels) for a in found])
        return 0
    if not found:
        print("no annotations", file=sys.stderr)
        return 0
    width = max(len(a.tag) for a in found)
    for a in found:
        flag = " (deleted)" if a.deleted else ""
        print(
            f"{a.id}  {_ts(a.start_ms)}  {_ts(a.end_ms)}  {a.tag:<{width}}  "
            f"{_one_line(a.annotator)}{flag}  {_one_line(a.note)}".rstrip()
        )
    return 0


# -------------------------------------------------------------------------------- search


def _register_search(sub: Any) -> None:
    p = sub.add_parser(
        "search",
        help="full-text search over cue text and annotation notes",
        description=(
            'Search words, "exact phrases" and prefix* (AND, OR, NOT and parentheses '
            "combine them) over the transcript and the notes; hits are listed in time order."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--json", action="store_true", help="a JSON list of hits")
    p.add_argument("--limit", type=int, default=200, help="at most this many of each kind")
    p.set_defaults(handler=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    """``karachi-review search PROJECT QUERY [--json]``."""
    with _open_for_reading(args.project) as project:
        hits = project.search(args.query, limit=args.limit)
    if args.json:
        _print_json([h.as_dict() for h in hits])
        return 0
    if not hits:
        print("no matches", file=sys.stderr)
    for h in hits:
        what = f"cue {h.cue_number}" if h.kind == "cue" else f"note {h.tag} {h.annotation_id}"
        print(f"{_ts(h.start_ms)}  {_ts(h.end_ms)}  {what}  {_one_line(h.snippet)}")
    return 0


# ---------------------------------------------------------------------------------- tags


def _register_tags(sub: Any) -> None:
    p = sub.add_parser(
        "tags",
        help="list or change the tag vocabulary",
        description="List the vocabulary, or add, edit or remove a tag.",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(handler=cmd_tags)
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    add = actions.add_parser("add", help="add a tag")
    add.add_argument("name", metavar="NAME", help="e.g. 'drone strike' (becomes drone-strike)")
    add.add_argument("--label", help="shown in the window (default: from the name)")
    add.add_argument("--colour", "--color", dest="colour", help="#rrggbb (default: unused one)")
    add.add_argument("--hotkey", help="1-9 or none (default: the lowest free key)")
    add.add_argument("--description", default="", help="when to use the tag")
    add.add_argument("--position", type=int, help="1-based place in the list (default: last)")

    edit = actions.add_parser("edit", help="rename, relabel, recolour, rekey or move a tag")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--rename", metavar="NEW", help="new name (annotations follow)")
    edit.add_argument("--label")
    edit.add_argument("--colour", "--color", dest="colour")
    edit.add_argument("--hotkey", help="1-9, or none to clear")
    edit.add_argument("--description")
    edit.add_argument("--position", type=int, metavar="N", help="move to place N (1-based)")

    remove = actions.add_parser("remove", help="remove a tag (one in use needs --replace-with)")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--replace-with", metavar="OTHER", help="tag for its annotations")


def cmd_tags(args: argparse.Namespace) -> int:
    """``karachi-review tags PROJECT [add|edit|remove ...]``."""
    if args.action is None:
        return _list_tags(args)
    with Project.open(args.project) as project:
        if args.action == "add":
            kwargs: dict[str, Any] = {}
            if args.hotkey is not None:
                kwargs["hotkey"] = args.hotkey
            tag = project.add_tag(
                args.name,
                label=args.label,
                colour=args.colour,
                description=args.description,
                position=args.position,
                **kwargs,
            )
            print(f"added {tag.name} ({tag.label}, {tag.colour}, hotkey {tag.hotkey or 'none'})")
        elif args.action == "edit":
            kwargs = {}
            if args.hotkey is not None:
                kwargs["hotkey"] = args.hotkey
            old = project.update_tag(
                args.name,
                rename=args.rename,
                label=args.label,
                colour=args.colour,
                description=args.description,
                position=args.position,
                **kwargs,
            )
            new = project.tag(args.rename or old.name)
            print(f"changed {old.name}: {_describe(new)}")
        else:
            removal = project.remove_tag(args.name, replace_with=args.replace_with)
            count = len(removal.annotation_ids)
            moved = (
                f"; {count} annotation{'s' if count != 1 else ''} now tagged {removal.replaced_by}"
                if removal.replaced_by
                else ""
            )
            print(f"removed {removal.tag.name}{moved}")
    return 0


def _describe(tag: Any) -> str:
    return (
        f"{tag.name} '{tag.label}' {tag.colour} hotkey {tag.hotkey or 'none'} "
        f"position {tag.position}"
    )


def _list_tags(args: argparse.Namespace) -> int:
    with _open_for_reading(args.project) as project:
        tags = project.tags()
        usage = project.tag_usage()
    if args.json:
        _print_json(
            [
                {
                    "name": t.name,
                    "label": t.label,
                    "colour": t.colour,
                    "hotkey": t.hotkey,
                    "description": t.description,
                    "position": t.position,
                    "annotations": usage.get(t.name, 0),
                }
                for t in tags
            ]
        )
        return 0
    width = max((len(t.name) for t in tags), default=4)
    print(f"{'#':>2}  K  {'NAME':<{width}}  COLOUR   {'USES':>5}  LABEL - DESCRIPTION")
    for t in tags:
        print(
            f"{t.position:>2}  {t.hotkey or '-'}  {t.name:<{width}}  {t.colour}  "
            f"{usage.get(t.name, 0):>5}  {t.label}"
            + (f" - {t.description}" if t.description else "")
        )
    return 0


__all__ = ["register"]
