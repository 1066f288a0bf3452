"""ELAN EAF 3.0 through pympi-ling: one tier per tag plus the transcript tier, notes kept.

Tiers: ``transcript`` (one annotation per cue, its text) and one tier per tag used, named by
the tag's name, whose annotation values are the notes. ELAN does not allow two annotations
of one tier to overlap, so overlapping annotations of one tag go to extra tiers named
``raid (2)``, ``raid (3)``...; the import maps them back to the tag. pympi writes EAF 2.8 by
default; the document is marked 3.0 and tests validate it against the EAF 3.0 XSD.

Reading: the EAF import puts the bytes through defusedxml first (entity expansion and external
references refused), then pympi reads the file. The export's read-back of a file this program
has just written reads it with ElementTree's C parser instead (see :func:`eaf_read_back`).
"""

from __future__ import annotations

import re
import time
import warnings as pywarnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

# pympi and defusedxml are imported inside the functions that use them: heavy imports the
# window does not need to start.
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
    import pympi  # type: ignore[import-untyped]

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
    transcript = by_tier[TRANSCRIPT_TIER]
    for cue in source.cues:
        if cue.end_ms > cue.start_ms:
            transcript.append((TRANSCRIPT_TIER, cue.start_ms, cue.end_ms, xml_text(cue.text)))
    # Added in this order (time slot and annotation ids follow it): the transcript, then
    # the annotations in time order.
    added = list(transcript)
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
        check = (tier, a.start_ms, a.end_ms, xml_text(a.note))
        by_tier[tier].append(check)
        added.append(check)
    _add_annotations(eaf, added)
    checks = [check for tier_checks in by_tier.values() for check in tier_checks]
    text = pympi.Elan.to_string(eaf)
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
    return data, checks


def _add_annotations(eaf: Any, items: Iterable[Check]) -> None:
    """``eaf.add_annotation(tier, start, end, value)`` for each item, in one pass.

    The same time slots, ids and checks as pympi's add_annotation (whose data model, the
    ``timeslots``, ``tiers`` and ``annotations`` dicts, the Eaf class documents), without
    its per-call lookups: a third of the EAF writing time over 100,000 annotations.
    """
    timeslots, tiers, owners = eaf.timeslots, eaf.tiers, eaf.annotations
    maxts, maxaid = eaf.maxts, eaf.maxaid
    if not maxts or not maxaid:  # a document read from a file: pympi's own way
        for tier, start, end, value in items:
            eaf.add_annotation(tier, start, end, value)
        return
    for tier, start, end, value in items:
        aligned, refs = tiers[tier][0], tiers[tier][1]
        if refs:
            raise ValueError("Tier already contains ref annotations...")
        if not isinstance(start, int) or not isinstance(end, int):
            raise ValueError("start and end must be an integer...")
        if start == end:
            raise ValueError("Annotation length is zero...")
        if start > end:
            raise ValueError("Annotation length is negative...")
        if start < 0:
            raise ValueError("Start is negative...")
        start_ts, end_ts, aid = f"ts{maxts + 1}", f"ts{maxts + 2}", f"a{maxaid + 1}"
        maxts += 2
        maxaid += 1
        timeslots[start_ts] = start
        timeslots[end_ts] = end
        owners[aid] = tier
        aligned[aid] = (start_ts, end_ts, value, None)
    eaf.maxts, eaf.maxaid = maxts, maxaid


@dataclass(frozen=True, slots=True)
class EafAnnotation:
    """One time-aligned annotation of an EAF tier."""

    tier: str
    start_ms: int
    end_ms: int
    value: str


def _open_eaf(path: str | Path, trusted: bool) -> Any:
    import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
    import pympi

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
    """Read back an EAF export (just written by us), tier by tier in file order.

    Read with ElementTree's C parser and the EAF structure (time slots, tiers, alignable
    annotations) rather than pympi: this checks the file independently of the library that
    wrote it, and pympi's reader took 1.5 times as long over 100,000 annotations (it also
    builds the whole document model). EAF files from elsewhere are read through defusedxml
    and pympi (:func:`read_eaf`); the tests read our exports with pympi and validate them
    against the EAF 3.0 schema.
    """
    root = ET.parse(path).getroot()  # from the file: faster than fromstring on 36 MB
    if root.tag != "ANNOTATION_DOCUMENT":
        raise ExportError(f"not an EAF file (root element <{root.tag}>)", str(path))
    slots: dict[str | None, int] = {
        slot.get("TIME_SLOT_ID"): int(slot.attrib["TIME_VALUE"])
        for order in root.findall("TIME_ORDER")
        for slot in order
    }
    out: list[Check] = []
    for tier in root.findall("TIER"):
        name = tier.get("TIER_ID")
        # Children walked directly (ElementPath patterns cost a Python generator each).
        for annotation in tier:
            for aligned in annotation:
                value = aligned.find("ANNOTATION_VALUE")
                if aligned.tag != "ALIGNABLE_ANNOTATION" or value is None:
                    raise ExportError(f"tier {name}: unexpected <{aligned.tag}>", str(path))
                out.append(
                    (
                        name,
                        slots[aligned.get("TIME_SLOT_REF1")],
                        slots[aligned.get("TIME_SLOT_REF2")],
                        value.text or "",
                    )
                )
    return out
