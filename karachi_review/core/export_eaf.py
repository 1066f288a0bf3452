"""ELAN EAF 3.0 through pympi-ling: one tier per tag plus the transcript tier, notes kept.

Tiers: ``transcript`` (one annotation per cue, its text) and one tier per tag used, named by
the tag's name, whose annotation values are the notes. ELAN does not allow two annotations
of one tier to overlap, so overlapping annotations of one tag go to extra tiers named
``raid (2)``, ``raid (3)``...; the import maps them back to the tag. pympi writes EAF 2.8 by
default; the document is marked 3.0 and tests validate it against the EAF 3.0 XSD.

Reading (the export's read-back and the EAF import): the bytes go through defusedxml first
(entity expansion and external references refused), then pympi reads the file.
"""

from __future__ import annotations

import re
import time
import warnings as pywarnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
import pympi  # type: ignore[import-untyped]

from karachi_review.core.export_model import (
    Check,
    ExportError,
    ExportOptions,
    ExportSource,
    xml_text,
)

__all__ = [
    "TRANSCRIPT_TIER",
    "EafAnnotation",
    "eaf_read_back",
    "eaf_write",
    "read_eaf",
    "tier_tag",
]

TRANSCRIPT_TIER: Final = "transcript"
EAF_SCHEMA: Final = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
_EXTRA_TIER_RE: Final = re.compile(r"^(.*) \((\d+)\)$")


def tier_tag(tier: str) -> str:
    """The tag a tier of ours holds: ``raid (2)`` -> ``raid``."""
    m = _EXTRA_TIER_RE.match(tier)
    return m[1] if m else tier


def _date(now: float | None) -> str:
    stamp = time.gmtime(time.time() if now is None else now)
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", stamp)


def eaf_write(
    source: ExportSource, options: ExportOptions, *, now: float | None = None
) -> tuple[bytes, list[Check]]:
    """EAF 3.0; checks are (tier, start_ms, end_ms, value), tier by tier in file order."""
    eaf = pympi.Eaf(author="karachi_review")
    eaf.adocument.update(
        {
            "DATE": _date(now),
            "VERSION": "3.0",
            "FORMAT": "3.0",
            "xsi:noNamespaceSchemaLocation": EAF_SCHEMA,
        }
    )
    eaf.remove_tier("default")
    if source.media is not None and source.media.path:
        eaf.add_linked_file(Path(source.media.path).as_uri(), mimetype="video/mp4")
    # Checks in the order pympi writes them and reads them back: tier by tier in the order
    # the tiers were added, each tier's annotations in the order they were added. That makes
    # the read-back compare order too, and spares sorting 100,000s of checks on both sides.
    by_tier: dict[str, list[Check]] = {TRANSCRIPT_TIER: []}
    eaf.add_tier(TRANSCRIPT_TIER)
    add = eaf.add_annotation
    transcript = by_tier[TRANSCRIPT_TIER]
    for cue in source.cues:
        if cue.end_ms > cue.start_ms:
            text = xml_text(cue.text)
            add(TRANSCRIPT_TIER, cue.start_ms, cue.end_ms, text)
            transcript.append((TRANSCRIPT_TIER, cue.start_ms, cue.end_ms, text))
    # Per tag, lay annotations into the first tier whose last annotation has ended.
    lanes: dict[str, list[tuple[str, int]]] = {}
    for a in sorted(source.annotations, key=lambda a: (a.start_ms, a.end_ms)):
        tier_ends = lanes.setdefault(a.tag, [])
        for k, (tier, end) in enumerate(tier_ends):
            if end <= a.start_ms:
                tier_ends[k] = (tier, a.end_ms)
                break
        else:
            tier = a.tag if not tier_ends else f"{a.tag} ({len(tier_ends) + 1})"
            eaf.add_tier(tier, ann=a.annotator)
            by_tier[tier] = []
            tier_ends.append((tier, a.end_ms))
        note = xml_text(a.note)
        add(tier, a.start_ms, a.end_ms, note)
        by_tier[tier].append((tier, a.start_ms, a.end_ms, note))
    text = pympi.Elan.to_string(eaf)
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
    return data, [check for checks in by_tier.values() for check in checks]


@dataclass(frozen=True, slots=True)
class EafAnnotation:
    """One time-aligned annotation of an EAF tier."""

    tier: str
    start_ms: int
    end_ms: int
    value: str


def _open_eaf(path: str | Path, trusted: bool) -> Any:
    where = str(path)
    if not trusted:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ExportError(f"cannot read the file: {exc.strerror}", where) from None
        try:
            root: Any = SafeET.fromstring(data)
        except Exception as exc:  # ParseError, or defusedxml's refusal of entities / DTD tricks
            raise ExportError(
                f"not a readable EAF file ({type(exc).__name__}: {exc})", where
            ) from None
        if root.tag != "ANNOTATION_DOCUMENT":
            raise ExportError(f"not an EAF file (root element <{root.tag}>)", where)
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        try:
            return pympi.Eaf(where)
        except Exception as exc:  # pympi raises bare Exception / KeyError on odd files
            raise ExportError(f"pympi cannot read this EAF file: {exc}", where) from None


def read_eaf(path: str | Path, *, trusted: bool = False) -> list[EafAnnotation]:
    """Every time-aligned annotation of an EAF file; unsafe or broken XML raises ExportError.

    ``trusted`` skips the defusedxml pass; only for a file this program has just written.
    """
    eaf = _open_eaf(path, trusted)
    found = []
    for tier in eaf.get_tier_names():
        for start, end, value, *_ in eaf.get_annotation_data_for_tier(tier):
            found.append(EafAnnotation(tier, int(start), int(end), value or ""))
    return found


def eaf_read_back(path: Path) -> list[Check]:
    """Read back an EAF export (just written by us) with pympi, tier by tier in file order."""
    eaf = _open_eaf(path, trusted=True)
    return [
        (tier, int(start), int(end), value or "")
        for tier in eaf.get_tier_names()
        for start, end, value, *_ in eaf.get_annotation_data_for_tier(tier)
    ]
