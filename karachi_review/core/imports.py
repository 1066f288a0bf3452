"""Imports of what people bring back: ELAN EAF, Resolve marker EDLs, and our CSV / JSON.

Each reader returns :class:`~karachi_review.core.store.AnnotationInput` rows for
:meth:`Project.import_annotations` (which checks every row before writing any).

EAF
    The user chooses which tiers become which tags (``{"Tier name": "tag"}``); without a
    choice, every tier named like a tag of the vocabulary (also our overflow tiers
    ``raid (2)``) is taken and the others are listed in the error when none match. Each
    time-aligned annotation becomes one annotation; its value becomes the note.
Resolve marker EDL
    Each `` |C:... |M:name |D:frames`` marker becomes an annotation from its frame for
    ``frames`` frames. The tag is the one whose label or name starts the marker name
    (``Raid: note`` -> tag raid, note "note"); else the tag whose colour maps to the marker's
    Resolve colour; else ``default_tag``. Frame rate and start timecode must match the export
    (default: the media's rate, 01:00:00:00).
CSV / JSON / JSON Lines
    ``core/annotation_io.py`` (our own exports read back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Final

from karachi_review.core import annotation_io
from karachi_review.core.export_eaf import TRANSCRIPT_TIER, read_eaf, tier_tag
from karachi_review.core.export_markers import RESOLVE_COLOURS, parse_resolve_edl
from karachi_review.core.export_model import (
    DEFAULT_MARKER_START_TC,
    ExportError,
    Timebase,
    nearest_colour,
)
from karachi_review.core.store import AnnotationInput
from karachi_review.core.timecode import frame_to_ms, parse_rate
from karachi_review.core.vocabulary import Tag

__all__ = [
    "IMPORT_FORMATS",
    "ImportFileError",
    "detect_format",
    "eaf_rows",
    "eaf_tiers",
    "resolve_edl_rows",
    "rows_from_file",
]

IMPORT_FORMATS: Final = ("jsonl", "csv", "eaf", "resolve-edl")


class ImportFileError(ExportError):
    """An import file that cannot be turned into annotations."""


def detect_format(path: str, data: bytes) -> str:
    """``eaf``, ``resolve-edl``, ``jsonl`` or ``csv`` from the name, else the content."""
    lower = path.lower()
    if lower.endswith(".eaf"):
        return "eaf"
    if lower.endswith(".edl"):
        return "resolve-edl"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"ANNOTATION_DOCUMENT" in head:
        return "eaf"
    if b"|C:" in data[:65536] and b"TITLE:" in head[:200].upper():
        return "resolve-edl"
    return annotation_io.detect_import_format(path, data[:4096].decode("utf-8", "replace"))


def _tag_lookup(tags: Sequence[Tag]) -> dict[str, str]:
    table: dict[str, str] = {}
    for t in tags:
        table[t.label.lower()] = t.name
        table[t.name.lower()] = t.name
    return table


def eaf_tiers(path: str | Path) -> dict[str, int]:
    """Tier name -> number of time-aligned annotations (for choosing tiers)."""
    counts: dict[str, int] = {}
    for a in read_eaf(path):
        counts[a.tier] = counts.get(a.tier, 0) + 1
    return counts


def eaf_rows(
    path: str | Path,
    tags: Sequence[Tag],
    tier_map: Mapping[str, str] | None = None,
    *,
    annotator: str | None = None,
) -> list[AnnotationInput]:
    """Annotations from the chosen tiers of an EAF file (see the module docstring)."""
    where = str(path)
    found = read_eaf(path)
    tiers = {a.tier for a in found}
    lookup = _tag_lookup(tags)
    chosen: dict[str, str] = {}
    if tier_map:
        for tier, tag in tier_map.items():
            if tier not in tiers:
                raise ImportFileError(
                    f"no tier '{tier}' in this file; its tiers: {', '.join(sorted(tiers))}",
                    where,
                )
            chosen[tier] = tag
    else:
        for tier in tiers:
            name = lookup.get(tier_tag(tier).lower())
            if tier != TRANSCRIPT_TIER and name is not None:
                chosen[tier] = name
        if not chosen:
            raise ImportFileError(
                "no tier is named like a tag; choose tiers with --tier TIER=TAG "
                f"(tiers: {', '.join(sorted(tiers))})",
                where,
            )
    rows = []
    for a in found:
        if a.tier in chosen:
            rows.append(
                AnnotationInput(
                    start_ms=a.start_ms,
                    end_ms=a.end_ms,
                    tag=chosen[a.tier],
                    note=a.value,
                    annotator=annotator,
                )
            )
    rows.sort(key=lambda r: (r.start_ms, r.end_ms, r.tag))
    return rows


def resolve_edl_rows(
    text: str,
    tags: Sequence[Tag],
    rate: Fraction | None,
    *,
    source: str = "<edl>",
    drop_frame: bool | None = None,
    start_tc: str | None = None,
    default_tag: str | None = None,
    annotator: str | None = None,
) -> list[AnnotationInput]:
    """Annotations from a Resolve marker EDL (see the module docstring)."""
    if rate is None:
        raise ImportFileError(
            "the frame rate is unknown; give it with --fps (the EDL's timeline rate)", source
        )
    tb = Timebase.make(parse_rate(rate), drop_frame, start_tc or DEFAULT_MARKER_START_TC)
    lookup = _tag_lookup(tags)
    by_colour: dict[str, str] = {}
    for t in tags:
        by_colour.setdefault("ResolveColor" + nearest_colour(t.colour, RESOLVE_COLOURS), t.name)
    rows = []
    for m in parse_resolve_edl(text, tb, source):
        head, sep, rest = m.name.partition(": ")
        if head.lower() in lookup:
            tag, note = lookup[head.lower()], rest if sep else ""
        elif m.name.lower() in lookup:
            tag, note = lookup[m.name.lower()], ""
        elif m.colour in by_colour:
            tag, note = by_colour[m.colour], m.name
        elif default_tag:
            tag, note = default_tag, m.name
        else:
            raise ImportFileError(
                f"marker '{m.name}' ({m.colour}) names no tag; give --tag for such markers",
                source,
                m.line,
            )
        rows.append(
            AnnotationInput(
                start_ms=frame_to_ms(m.frame, tb.rate),
                end_ms=frame_to_ms(m.frame + max(1, m.duration), tb.rate),
                tag=tag,
                note=note,
                annotator=annotator,
                line=m.line,
            )
        )
    return rows


def rows_from_file(
    path: str | Path,
    fmt: str | None,
    tags: Sequence[Tag],
    *,
    rate: Fraction | None = None,
    tier_map: Mapping[str, str] | None = None,
    drop_frame: bool | None = None,
    start_tc: str | None = None,
    default_tag: str | None = None,
    annotator: str | None = None,
) -> list[AnnotationInput]:
    """Read any supported import file into rows (format guessed when ``fmt`` is None)."""
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read the file: {exc.strerror}", where) from None
    fmt = fmt or detect_format(where, data)
    if fmt == "eaf":
        return eaf_rows(path, tags, tier_map, annotator=annotator)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"not UTF-8 text (byte {exc.start})", where) from None
    if fmt == "resolve-edl":
        return resolve_edl_rows(
            text,
            tags,
            rate,
            source=where,
            drop_frame=drop_frame,
            start_tc=start_tc,
            default_tag=default_tag,
            annotator=annotator,
        )
    return annotation_io.parse_annotation_rows(text, where, fmt, rate)
