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
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, Final

from karachi_review.core.annotation_io import neutralise_cell, unneutralise_cell
from karachi_review.core.export_model import Check, ExportOptions, ExportSource, Timebase
from karachi_review.core.timecode import format_ms, format_rate, frame_to_smpte, ms_to_frame

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


def _rows(source: ExportSource, options: ExportOptions) -> list[tuple[Any, ...]]:
    """One tuple per chosen annotation: the values of :data:`RECORD_FIELDS`, in order."""
    tb = source.timebase(options, markers=False)
    media_path = source.media.path if source.media is not None else None
    labels = {t.name: t.label for t in source.tags}
    covered = source.covered_text
    if tb is not None:
        rate, drop, start_frame = tb.rate, tb.drop_frame, tb.start_frame
    # Annotations often share a frame (one's end is the next one's start): label each once.
    tc: dict[int, str] = {}
    out: list[tuple[Any, ...]] = []
    for a in source.annotations:
        start_ms, end_ms = a.start_ms, a.end_ms
        first = after = start_tc = end_tc = None
        if tb is not None:
            first = ms_to_frame(start_ms, rate)
            after = ms_to_frame(end_ms, rate)
            start_tc = tc.get(first)
            if start_tc is None:
                start_tc = tc[first] = frame_to_smpte(first, rate, drop, start_frame)
            end_tc = tc.get(after)
            if end_tc is None:
                end_tc = tc[after] = frame_to_smpte(after, rate, drop, start_frame)
        out.append(
            (
                a.id,
                format_ms(start_ms, "."),
                format_ms(end_ms, "."),
                start_ms,
                end_ms,
                end_ms - start_ms,
                start_tc,
                end_tc,
                first,
                after,
                a.tag,
                labels.get(a.tag, a.tag),
                a.note,
                a.annotator,
                a.created_at,
                a.updated_at,
                a.version,
                covered(a),
                media_path,
            )
        )
    return out


def records(source: ExportSource, options: ExportOptions) -> list[dict[str, Any]]:
    """One record per chosen annotation (see the module docstring)."""
    return [dict(zip(RECORD_FIELDS, row, strict=True)) for row in _rows(source, options)]


# A record as json.dumps(record, ensure_ascii=False) writes it, filled in with %: strings go
# through json's own C string encoder; the numbers are ints and "start"/"end" are digits and
# separators. Twice as fast as building a dict per record and encoding the dicts.
_RECORD_JSON: Final = (
    '{"id": %s, "start": "%s", "end": "%s", "start_ms": %d, "end_ms": %d, "duration_ms": %d, '
    '"start_tc": %s, "end_tc": %s, "start_frame": %s, "end_frame": %s, "tag": %s, '
    '"label": %s, "note": %s, "annotator": %s, "created_at": %s, "updated_at": %s, '
    '"version": %d, "cue_text": %s, "media": %s}'
)


def _json_records(source: ExportSource, options: ExportOptions) -> list[str]:
    """Each record as one line of JSON, as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    q = encode_basestring
    out = []
    for (
        id_,
        start,
        end,
        start_ms,
        end_ms,
        duration_ms,
        start_tc,
        end_tc,
        start_frame,
        end_frame,
        tag,
        label,
        note,
        annotator,
        created_at,
        updated_at,
        version,
        cue_text,
        media,
    ) in _rows(source, options):
        framed = start_frame is not None
        out.append(
            _RECORD_JSON
            % (
                q(id_),
                start,
                end,
                start_ms,
                end_ms,
                duration_ms,
                q(start_tc) if framed else "null",
                q(end_tc) if framed else "null",
                start_frame if framed else "null",
                end_frame if framed else "null",
                q(tag),
                q(label),
                q(note),
                q(annotator),
                q(created_at),
                q(updated_at),
                version,
                q(cue_text),
                "null" if media is None else q(media),
            )
        )
    return out


def _checks(source: ExportSource) -> list[Check]:
    return [(a.id, a.start_ms, a.end_ms, a.tag, a.note) for a in source.annotations]


_CHECK_FIELDS: Final = ("id", "start_ms", "end_ms", "tag", "note")
_check_of = itemgetter(*_CHECK_FIELDS)


def csv_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """CSV, UTF-8 with BOM; checks are (id, start_ms, end_ms, tag, note)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECORD_FIELDS)
    # The csv module writes None as an empty cell and numbers through str(), in C.
    # Numbers and timestamps never start with = + - @, so only text cells are neutralised.
    nc = neutralise_cell
    rows = [
        [
            nc(id_),
            start,
            end,
            start_ms,
            end_ms,
            duration_ms,
            start_tc,
            end_tc,
            start_frame,
            end_frame,
            nc(tag),
            nc(label),
            nc(note),
            nc(annotator),
            created_at,
            updated_at,
            version,
            nc(cue_text),
            None if media is None else nc(media),
        ]
        for (
            id_,
            start,
            end,
            start_ms,
            end_ms,
            duration_ms,
            start_tc,
            end_tc,
            start_frame,
            end_frame,
            tag,
            label,
            note,
            annotator,
            created_at,
            updated_at,
            version,
            cue_text,
            media,
        ) in _rows(source, options)
    ]
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), _checks(source)


def csv_read_back(data: bytes) -> list[Check]:
    """Read a CSV export with the csv module (neutralised cells restored)."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return []
    i_id, i_start, i_end, i_tag, i_note = (header.index(k) for k in _CHECK_FIELDS)
    un = unneutralise_cell
    return [
        (un(row[i_id]), int(row[i_start]), int(row[i_end]), un(row[i_tag]), un(row[i_note]))
        for row in reader
        if row
    ]


def _timecode_info(source: ExportSource, options: ExportOptions) -> dict[str, Any]:
    tb: Timebase | None = source.timebase(options, markers=False)
    if tb is None:
        return {"fps": None, "drop_frame": None, "start_tc": None}
    return {"fps": format_rate(tb.rate), "drop_frame": tb.drop_frame, "start_tc": tb.start_tc}


def json_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """One JSON document (format_version 2); checks are (id, start_ms, end_ms, tag, note)."""
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
    lines = _json_records(source, options)
    body = "\n    " + ",\n    ".join(lines) + "\n  " if lines else ""
    text = head[: -len("]\n}")] + body + "]\n}\n"
    return text.encode("utf-8"), _checks(source)


def json_read_back(data: bytes) -> list[Check]:
    """Read a JSON export with the json module."""
    return list(map(_check_of, json.loads(data.decode("utf-8"))["annotations"]))


def jsonl_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """JSON Lines: one record per line."""
    text = "".join(line + "\n" for line in _json_records(source, options))
    return text.encode("utf-8"), _checks(source)


def jsonl_read_back(data: bytes) -> list[Check]:
    """Read a JSON Lines export (one record per line) with the json module."""
    # Lines end at "\n" only (str.splitlines also breaks at U+2028 and U+0085, which the JSON
    # encoder leaves unescaped inside strings), and no string holds a raw "\n": the lines,
    # joined by commas, are one JSON array, parsed in one C call instead of 100,000.
    # In bytes: a UTF-8 multi-byte character never holds the byte "\n"; json.loads decodes.
    array = b"[" + data.rstrip(b"\n").replace(b"\n", b",") + b"]"
    return list(map(_check_of, json.loads(array)))
