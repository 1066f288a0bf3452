"""Annotation rows to import (JSON Lines, CSV, our JSON), formula-cell safety, atomic writes.

The exports themselves are in ``core/export*.py``.

Import rows carry ``start`` and ``end`` (any time :func:`core.timecode.parse_time` reads;
frame timecodes need the media's rate) or ``start_ms``/``end_ms`` integers, a ``tag``, and
optionally ``note``, ``annotator`` and ``id`` (a UUID). Our own exports read back as imports.

CSV exports (``core/export_data.py``) are UTF-8 with a BOM (so spreadsheet programs pick
the encoding) and every cell that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) is prefixed with ``'``; the import takes one such ``'``
off again. Files are written atomically: a temporary file in the same folder, fsync,
``os.replace``: a full disk or a crash never leaves a half-written export in place of the
previous good one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.store import AnnotationInput, InvalidAnnotationError
from karachi_review.core.timecode import format_ms, parse_time

__all__ = [
    "IMPORT_FORMATS",
    "ImportFormatError",
    "detect_import_format",
    "neutralise_cell",
    "neutralise_cells",
    "parse_annotation_rows",
    "unneutralise_cell",
    "unneutralise_cells",
    "write_atomic",
]

IMPORT_FORMATS: Final = ("jsonl", "csv")
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class ImportFormatError(KarachiError):
    """An import file whose rows cannot be read."""


def neutralise_cell(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


_FORMULA_FIRST: Final = frozenset(_FORMULA_STARTS)


def neutralise_cells(cells: list[str | None]) -> list[str | None]:
    """:func:`neutralise_cell` of each cell (None, an empty cell, stays None)."""
    first = _FORMULA_FIRST
    return [
        None if c is None else "'" + c if c[:1] in first else c  # c[:1]: "" for ""
        for c in cells
    ]


def unneutralise_cell(text: str) -> str:
    """Undo :func:`neutralise_cell` (only a ``'`` followed by a formula character goes)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def unneutralise_cells(cells: Iterable[str]) -> list[str]:
    """:func:`unneutralise_cell` of each cell."""
    first = _FORMULA_FIRST
    return [c[1:] if c[:1] == "'" and c[1:2] in first else c for c in cells]


def detect_import_format(name: str, text: str) -> str:
    """``jsonl`` or ``csv`` from the file name, else from the first character."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl" if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else "csv"


def parse_annotation_rows(
    text: str, source: str, fmt: str, rate: Fraction | None = None
) -> list[AnnotationInput]:
    """Read every row of an import file; errors name the file and line."""
    if fmt == "jsonl":
        records = _jsonl_records(text, source)
    elif fmt == "csv":
        records = _csv_records(text, source)
    else:
        raise ImportFormatError(f"unknown import format '{fmt}' (use jsonl or csv)", source)
    return [_row(record, line, source, rate) for line, record in records]


def _jsonl_records(text: str, source: str) -> list[tuple[int | None, Mapping[str, Any]]]:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        return _json_document(stripped, source)
    records: list[tuple[int | None, Mapping[str, Any]]] = []
    lines = text.lstrip("\ufeff").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            if n == 1 and line.strip() == "{":  # a pretty-printed JSON document, not JSON Lines
                return _json_document(stripped, source)
            raise ImportFormatError(f"not a JSON object: {exc.msg}", source, n) from None
        if isinstance(value, dict) and isinstance(value.get("annotations"), list):
            return _json_document(line, source)
        if not isinstance(value, dict):
            raise ImportFormatError("each line must be one JSON object", source, n)
        records.append((n, value))
    return records


def _json_document(text: str, source: str) -> list[tuple[int | None, Mapping[str, Any]]]:
    """A JSON list of rows, or our export (an object with an ``annotations`` list)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not JSON: {exc.msg}", source, exc.lineno) from None
    if isinstance(value, dict):
        value = value.get("annotations")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ImportFormatError("expected a list of annotation objects", source)
    return [(None, v) for v in value]


def _csv_records(text: str, source: str) -> list[tuple[int | None, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if reader.fieldnames is None:
        raise ImportFormatError("the CSV file is empty (no header row)", source, 1)
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames]
    columns = set(reader.fieldnames)
    if "tag" not in columns or not (
        {"start", "end"} <= columns or {"start_ms", "end_ms"} <= columns
    ):
        raise ImportFormatError(
            "the CSV header must name the columns start, end and tag "
            f"(found: {', '.join(reader.fieldnames)})",
            source,
            1,
        )
    records: list[tuple[int | None, Mapping[str, Any]]] = []
    try:
        for record in reader:
            clean = {
                k: unneutralise_cell(v) if isinstance(v, str) else v for k, v in record.items()
            }
            records.append((reader.line_num, clean))
    except csv.Error as exc:
        raise ImportFormatError(f"bad CSV: {exc}", source, reader.line_num) from None
    return records


def _row(
    record: Mapping[str, Any], line: int | None, source: str, rate: Fraction | None
) -> AnnotationInput:
    def text(key: str) -> str | None:
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value)

    start = _time(record, "start", line, source, rate)
    end = _time(record, "end", line, source, rate)
    tag = text("tag")
    if tag is None:
        raise InvalidAnnotationError("the row has no tag", source, line)
    note = record.get("note")
    return AnnotationInput(
        start_ms=start,
        end_ms=end,
        tag=tag,
        note="" if note is None else str(note),
        annotator=text("annotator"),
        id=text("id"),
        line=line,
    )


def _time(
    record: Mapping[str, Any], key: str, line: int | None, source: str, rate: Fraction | None
) -> int:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        ms = record.get(f"{key}_ms")
        if isinstance(ms, int) and not isinstance(ms, bool):
            return ms
        if isinstance(ms, str) and ms.strip().isdigit():
            return int(ms.strip())
        raise InvalidAnnotationError(f"the row has no {key} time", source, line)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidAnnotationError(f"{key}: {value!r} is not a time", source, line)
    try:
        return parse_time(str(value), rate)
    except TimecodeError as exc:
        raise InvalidAnnotationError(f"{key}: {exc.message}", source, line) from None


def _ts(ms: int) -> str:
    return format_ms(ms, ".")


def write_atomic(
    path: str | Path, data: bytes, verify: Callable[[Path], None] | None = None
) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, os.replace.

    ``verify`` (optional) is called with the temporary file after the fsync and before the
    rename; if it raises, the temporary file is removed and the previous file stays as it was.
    """
    target = Path(path)
    folder = target.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KarachiError(f"cannot write here: {exc.strerror}", str(target)) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if verify is not None:
            verify(temp)
        umask = os.umask(0)
        os.umask(umask)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
        os.chmod(temp, mode)  # mkstemp makes 0600; an export should look like any new file
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise KarachiError(
            f"cannot write the file ({exc.strerror}); the previous file is unchanged", str(target)
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
