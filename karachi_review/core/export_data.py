"""Data exports: CSV, JSON and JSON Lines of the annotations, one documented record each.

Record fields (JSON, JSON Lines and the CSV columns, in this order):

=============  =====================================================================
``id``         the annotation's UUID (importing the file again does not duplicate it)
``start``      start as ``HH:MM:SS.mmm``; ``end`` likewise (end is exclusive)
``start_ms``   start in integer milliseconds; ``end_ms``, ``duration_ms`` likewise
``start_tc``   SMPTE label of the first frame (``HH:MM:SS:FF``, ``;FF`` drop-frame), counted
               from the start timecode; ``end_tc`` labels the first frame after the end.
               Null (empty in CSV) when no frame rate is known and none was given.
``start_frame`` frame numbers from 0 at the start of the media; ``end_frame`` exclusive
``tag``        tag name; ``label`` its label
``note``       the note; ``annotator``; ``created_at``, ``updated_at`` (UTC), ``version``
``cue_text``   text of the transcript cues the annotation covers, one cue per line
``media``      path of the media file (null when unknown)
=============  =====================================================================

The JSON document wraps the records: ``{"format": "karachi-review-annotations",
"format_version": 2, "project": {...}, "media": {...}, "timecode": {"fps", "drop_frame",
"start_tc"}, "tags": [...], "annotations": [records]}``; JSON Lines holds one record per
line. CSV is UTF-8 with a BOM, CRLF line ends, and cells a spreadsheet would run as formulas
are neutralised with a leading ``'`` (``annotation_io.neutralise_cell``). All three read back
through ``import-annotations``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Final

from karachi_review.core.annotation_io import neutralise_cell, unneutralise_cell
from karachi_review.core.export_model import Check, ExportOptions, ExportSource, Timebase
from karachi_review.core.timecode import format_ms, format_rate

__all__ = [
    "RECORD_FIELDS",
    "csv_read_back",
    "csv_write",
    "json_read_back",
    "json_write",
    "jsonl_read_back",
    "jsonl_write",
    "records",
]

RECORD_FIELDS: Final = (
    "id",
    "start",
    "end",
    "start_ms",
    "end_ms",
    "duration_ms",
    "start_tc",
    "end_tc",
    "start_frame",
    "end_frame",
    "tag",
    "label",
    "note",
    "annotator",
    "created_at",
    "updated_at",
    "version",
    "cue_text",
    "media",
)

_TEXT_COLUMNS: Final = tuple(
    RECORD_FIELDS.index(k) for k in ("id", "tag", "label", "note", "annotator", "cue_text", "media")
)


def records(source: ExportSource, options: ExportOptions) -> list[dict[str, Any]]:
    """One record per chosen annotation (see the module docstring)."""
    tb = source.timebase(options, markers=False)
    media_path = source.media.path if source.media is not None else None
    labels = {t.name: t.label for t in source.tags}
    out = []
    for a in source.annotations:
        first = tb.frame(a.start_ms) if tb else None
        after = tb.frame(a.end_ms) if tb else None
        out.append(
            {
                "id": a.id,
                "start": format_ms(a.start_ms, "."),
                "end": format_ms(a.end_ms, "."),
                "start_ms": a.start_ms,
                "end_ms": a.end_ms,
                "duration_ms": a.end_ms - a.start_ms,
                "start_tc": tb.label(first) if tb and first is not None else None,
                "end_tc": tb.label(after) if tb and after is not None else None,
                "start_frame": first,
                "end_frame": after,
                "tag": a.tag,
                "label": labels.get(a.tag, a.tag),
                "note": a.note,
                "annotator": a.annotator,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "version": a.version,
                "cue_text": source.covered_text(a),
                "media": media_path,
            }
        )
    return out


def _check(r: dict[str, Any]) -> Check:
    return (r["id"], int(r["start_ms"]), int(r["end_ms"]), r["tag"], r["note"])


def csv_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """CSV, UTF-8 with BOM; checks are (id, start_ms, end_ms, tag, note)."""
    rows = records(source, options)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECORD_FIELDS)
    for r in rows:
        cells = ["" if r[k] is None else str(r[k]) for k in RECORD_FIELDS]
        for k in _TEXT_COLUMNS:  # numbers and timestamps never start with = + - @
            cells[k] = neutralise_cell(cells[k])
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), [_check(r) for r in rows]


def csv_read_back(data: bytes) -> list[Check]:
    """Read a CSV export with the csv module (neutralised cells restored)."""
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [_check({k: unneutralise_cell(v or "") for k, v in row.items()}) for row in reader]


def _timecode_info(source: ExportSource, options: ExportOptions) -> dict[str, Any]:
    tb: Timebase | None = source.timebase(options, markers=False)
    if tb is None:
        return {"fps": None, "drop_frame": None, "start_tc": None}
    return {"fps": format_rate(tb.rate), "drop_frame": tb.drop_frame, "start_tc": tb.start_tc}


def json_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """One JSON document (format_version 2); checks are (id, start_ms, end_ms, tag, note)."""
    rows = records(source, options)
    media = source.media
    document = {
        "format": "karachi-review-annotations",
        "format_version": 2,
        "project": {"title": source.title, "project_id": source.meta.get("project_id")},
        "media": None
        if media is None
        else {
            "path": media.path,
            "size": media.size,
            "content_hash": media.content_hash,
            "duration_ms": media.duration_ms,
            "fps": None if media.fps is None else f"{media.fps.numerator}/{media.fps.denominator}",
            "start_tc": media.start_tc,
        },
        "timecode": _timecode_info(source, options),
        "tags": [
            {
                "name": t.name,
                "label": t.label,
                "colour": t.colour,
                "hotkey": t.hotkey,
                "description": t.description,
                "position": t.position,
            }
            for t in source.tags
        ],
        "annotations": [],
    }
    # One annotation per line: json's C encoder does not indent, and indenting 100,000
    # records through the pure-Python encoder took seconds.
    head = json.dumps(document, ensure_ascii=False, indent=2)
    assert head.endswith('"annotations": []\n}')
    body = ",\n    ".join(json.dumps(r, ensure_ascii=False) for r in rows)
    text = head[: -len("]\n}")] + (f"\n    {body}\n  " if rows else "") + "]\n}\n"
    return text.encode("utf-8"), [_check(r) for r in rows]


def json_read_back(data: bytes) -> list[Check]:
    """Read a JSON export with the json module."""
    return [_check(r) for r in json.loads(data.decode("utf-8"))["annotations"]]


def jsonl_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """JSON Lines: one record per line."""
    rows = records(source, options)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return text.encode("utf-8"), [_check(r) for r in rows]


def jsonl_read_back(data: bytes) -> list[Check]:
    """Read a JSON Lines export line by line."""
    return [_check(json.loads(line)) for line in data.decode("utf-8").splitlines() if line]
