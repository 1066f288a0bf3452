"""Exports other tools accept, written safely and checked by reading them back.

Formats (:data:`FORMATS`): annotated subtitles ``srt``, ``vtt``, ``ass``
(``core/export_subtitles.py``); data ``csv``, ``json``, ``jsonl`` (``core/export_data.py``);
editor markers ``resolve-edl``, ``avid-edl``, ``xmeml``, ``fcpxml``
(``core/export_markers.py``); ELAN ``eaf`` (``core/export_eaf.py``).

Safety: :func:`export_file` writes a temporary file beside the target, fsyncs it, reads the
temporary file back with that format's reader and compares what it finds (count, times, text,
notes) with what was meant to be written; only then is it renamed over the target. Any
difference raises :class:`ExportVerifyError` naming the first differing item, and a full disk
raises an error too: in both cases the previous file is left byte for byte as it was.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from karachi_review.core import export_data, export_eaf, export_markers, export_subtitles
from karachi_review.core.annotation_io import write_atomic
from karachi_review.core.export_model import (
    Check,
    ExportError,
    ExportOptions,
    ExportSource,
    Timebase,
)
from karachi_review.core.store import Project

__all__ = [
    "FORMATS",
    "FORMAT_SUFFIXES",
    "MARKER_FORMATS",
    "SUBTITLE_FORMATS",
    "ExportResult",
    "ExportVerifyError",
    "export_file",
    "preview",
    "read_back",
    "render",
    "source_from_project",
]

SUBTITLE_FORMATS: Final = ("srt", "vtt", "ass")
DATA_FORMATS: Final = ("csv", "json", "jsonl")
MARKER_FORMATS: Final = ("resolve-edl", "avid-edl", "xmeml", "fcpxml")
FORMATS: Final = (*SUBTITLE_FORMATS, *DATA_FORMATS, *MARKER_FORMATS, "eaf")
FORMAT_SUFFIXES: Final = {
    "srt": ".srt",
    "vtt": ".vtt",
    "ass": ".ass",
    "csv": ".csv",
    "json": ".json",
    "jsonl": ".jsonl",
    "resolve-edl": ".edl",
    "avid-edl": ".edl",
    "xmeml": ".xml",
    "fcpxml": ".fcpxml",
    "eaf": ".eaf",
}
FORMAT_DESCRIPTIONS: Final = {
    "srt": "SubRip subtitles with tag labels",
    "vtt": "WebVTT with coloured tag classes and NOTE blocks",
    "ass": "ASS subtitles, one coloured style per tag",
    "csv": "CSV spreadsheet (UTF-8 with BOM)",
    "json": "JSON document",
    "jsonl": "JSON Lines, one annotation per line",
    "resolve-edl": "DaVinci Resolve timeline markers (EDL)",
    "avid-edl": "Avid Media Composer locators (EDL)",
    "xmeml": "Premiere Pro / FCP7 XML markers",
    "fcpxml": "Final Cut Pro X markers (FCPXML)",
    "eaf": "ELAN EAF 3.0 (one tier per tag)",
}

_Writer = Callable[[ExportSource, ExportOptions], tuple[bytes, list[Check]]]
_WRITERS: Final[dict[str, _Writer]] = {
    "srt": export_subtitles.srt_write,
    "vtt": export_subtitles.vtt_write,
    "ass": export_subtitles.ass_write,
    "csv": export_data.csv_write,
    "json": export_data.json_write,
    "jsonl": export_data.jsonl_write,
    "resolve-edl": export_markers.resolve_edl_write,
    "avid-edl": export_markers.avid_edl_write,
    "xmeml": export_markers.xmeml_write,
    "fcpxml": export_markers.fcpxml_write,
    "eaf": export_eaf.eaf_write,
}


class ExportVerifyError(ExportError):
    """The written file did not read back as what was meant to be written."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the file, its format, how many items were checked, bytes."""

    path: Path
    format: str
    items: int
    annotations: int
    size: int
    seconds: float
    phases: tuple[tuple[str, float], ...] = ()
    """Wall-clock seconds of each step: render, write (with fsync and rename), read, compare."""


def _check_format(fmt: str) -> None:
    if fmt not in _WRITERS:
        raise ExportError(f"unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}")


def source_from_project(project: Project, options: ExportOptions) -> ExportSource:
    """Gather and filter what ``options`` asks for from an open project."""
    return ExportSource.select(
        project.annotations(),
        project.cues(),
        project.tags(),
        options,
        media=project.media(),
        title=project.title,
        meta=project.meta(),
    )


def render(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """The file's bytes and the checks its read-back must satisfy."""
    _check_format(options.format)
    return _WRITERS[options.format](source, options)


def read_back(path: Path, fmt: str, source: ExportSource, options: ExportOptions) -> list[Check]:
    """Read a written export with that format's independent reader."""
    _check_format(fmt)
    data = path.read_bytes()
    tb: Timebase | None = None
    if fmt in MARKER_FORMATS:
        tb = source.timebase(options, markers=True)
    readers: dict[str, Callable[[], list[Check]]] = {
        "srt": lambda: export_subtitles.srt_read_back(data),
        "vtt": lambda: export_subtitles.vtt_read_back(data),
        "ass": lambda: export_subtitles.ass_read_back(data),
        "csv": lambda: export_data.csv_read_back(data),
        "json": lambda: export_data.json_read_back(data),
        "jsonl": lambda: export_data.jsonl_read_back(data),
        "resolve-edl": lambda: export_markers.resolve_edl_read_back(data, _tb(tb)),
        "avid-edl": lambda: export_markers.avid_edl_read_back(data, _tb(tb)),
        "xmeml": lambda: export_markers.xmeml_read_back(data),
        "fcpxml": lambda: export_markers.fcpxml_read_back(data, _tb(tb)),
        "eaf": lambda: export_eaf.eaf_read_back(path),
    }
    return readers[fmt]()


def _tb(tb: Timebase | None) -> Timebase:
    assert tb is not None
    return tb


def compare(expected: Sequence[Check], found: Sequence[Check], where: str) -> None:
    """Raise ExportVerifyError at the first difference (count, then item by item)."""
    if list(expected) == list(found):  # one comparison in C; the loop only to name a difference
        return
    for n, (want, got) in enumerate(zip(expected, found, strict=False), 1):
        if want != got:
            raise ExportVerifyError(
                f"the written file does not read back as written: item {n} should be "
                f"{_short(want)} but reads as {_short(got)}; the previous file was kept",
                where,
            )
    if len(expected) != len(found):
        raise ExportVerifyError(
            f"the written file does not read back as written: {len(expected)} items were "
            f"written but {len(found)} read back; the previous file was kept",
            where,
        )


def _short(item: Check) -> str:
    text = repr(item)
    return text if len(text) <= 160 else text[:157] + "..."


def export_file(
    project_or_source: Project | ExportSource,
    path: str | Path,
    options: ExportOptions,
) -> ExportResult:
    """Export to ``path`` atomically, verified by reading the file back before it replaces
    the previous one."""
    started = time.perf_counter()
    # The cyclic garbage collector kept walking the 100,000s of objects the writers and
    # readers make (none of them cyclic): pausing it halved SRT and EAF exports (measured,
    # benchmarks/export.py). It is switched back on however the export ends.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _export_file(project_or_source, Path(path), options, started)
    finally:
        if was_enabled:
            gc.enable()


def _export_file(
    project_or_source: Project | ExportSource, target: Path, options: ExportOptions, started: float
) -> ExportResult:
    source = (
        source_from_project(project_or_source, options)
        if isinstance(project_or_source, Project)
        else project_or_source
    )
    t0 = time.perf_counter()
    data, checks = render(source, options)
    t1 = time.perf_counter()
    spent = {"read": 0.0, "compare": 0.0}

    def verify(temp: Path) -> None:
        t2 = time.perf_counter()
        try:
            found = read_back(temp, options.format, source, options)
        except ExportVerifyError:
            raise
        except Exception as exc:  # a reader that cannot parse our file is a failed check
            raise ExportVerifyError(
                f"the written file cannot be read back ({type(exc).__name__}: {exc}); "
                "the previous file was kept",
                str(target),
            ) from exc
        t3 = time.perf_counter()
        compare(checks, found, str(target))
        spent["read"] = t3 - t2
        spent["compare"] = time.perf_counter() - t3

    write_atomic(target, data, verify)
    t4 = time.perf_counter()
    phases = (
        ("render", t1 - t0),
        ("write", t4 - t1 - spent["read"] - spent["compare"]),
        ("read", spent["read"]),
        ("compare", spent["compare"]),
    )
    return ExportResult(
        target,
        options.format,
        len(checks),
        len(source.annotations),
        len(data),
        time.perf_counter() - started,
        phases,
    )


def preview(source: ExportSource, options: ExportOptions, lines: int = 40) -> str:
    """The first ``lines`` lines of the export as text (for the dialog)."""
    data, _ = render(source, options)
    text = data[:200_000].decode("utf-8", errors="replace").lstrip("\ufeff")
    return "\n".join(text.splitlines()[:lines])
