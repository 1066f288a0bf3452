"""ELAN EAF 3.0 through pympi-ling: one tier per tag plus the transcript tier, notes kept.

Tiers: ``transcript`` (one annotation per cue, its text) and one tier per tag used, named by
the tag's name, whose annotation values are the notes. ELAN does not allow two annotations
of one tier to overlap, so overlapping annotations of one tag go to extra tiers named
``raid (2)``, ``raid (3)``...; the import maps them back to the tag. pympi writes EAF 2.8 by
default; the document is marked 3.0 and tests validate it against the EAF 3.0 XSD. The text
is pympi's ``Elan.to_string`` of the pympi document, written by a direct path that the tests
hold identical to it (see :func:`_eaf_text`).

Reading: the EAF import puts the bytes through defusedxml first (entity expansion and external
references refused), then pympi reads the file. The export's read-back of a file this program
has just written reads it with ElementTree's C parser instead (see :func:`eaf_read_back`).
"""

from __future__ import annotations

import operator
import re
import time
import warnings as pywarnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import NoneType
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
    for a in sorted(source.annotations, key=operator.attrgetter("start_ms", "end_ms")):
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
    text = _eaf_text(eaf)
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
    return data, checks


def _add_annotations(eaf: Any, items: Iterable[Check]) -> None:
    """``eaf.add_annotation(tier, start, end, value)`` for each item, in one pass.

    The same time slots, ids and checks as pympi's add_annotation (whose data model, the
    ``timeslots``, ``tiers`` and ``annotations`` dicts, the Eaf class documents), without
    its per-call lookups: a third of the EAF writing time over 100,000 annotations. An
    item pympi refuses raises pympi's error and leaves what pympi would have left.
    """
    timeslots, tiers, owners = eaf.timeslots, eaf.tiers, eaf.annotations
    maxts, maxaid = eaf.maxts, eaf.maxaid
    if not maxts or not maxaid:  # a document read from a file: pympi's own way
        for tier, start, end, value in items:
            eaf.add_annotation(tier, start, end, value)
        return
    try:  # the counters kept up to date as pympi keeps them, if an item is refused
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
    finally:
        eaf.maxts, eaf.maxaid = maxts, maxaid


def _eaf_text(eaf: Any) -> str:
    """``pympi.Elan.to_string(eaf)``, written directly when :func:`_eaf_text_fast` covers it.

    pympi builds an ElementTree (one ``rm_none`` dict per element, then its own ``indent``)
    and the standard library serialises it in pure Python: about 2 s of the 3.1 s EAF
    export of 100,000 annotations in benchmarks/export.py (``to_string`` alone: 1.5-1.9 s of
    CPU, measured 2026-11-21); writing the same 36.5 million characters straight from the
    Eaf's data took 0.19-0.27 s, 7 times less. pympi stays the definition: the tests check
    that the direct text is identical to ``pympi.Elan.to_string`` (hypothesis-generated
    exports and pympi-built documents, the golden file), and whatever the direct path does
    not cover, or a data model it does not follow, goes through pympi, which writes it or
    raises its own error.
    """
    try:
        text = _eaf_text_fast(eaf)
    except (TypeError, ValueError):  # a data model pympi would refuse or write its own way
        text = None
    if text is None:
        import pympi

        text = pympi.Elan.to_string(eaf)
    return str(text)


# The escapes of ElementTree's serializer (xml.etree.ElementTree._escape_cdata and
# _escape_attrib, Python 3.11): the same replacements in the same order.
_CDATA_SPECIAL: Final = re.compile("[&<>]")
_ATTR_SPECIAL: Final = re.compile('[&<>"\r\n\t]')


def _escape_cdata(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attrib(text: str) -> str:
    text = _escape_cdata(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _escape_all(items: Sequence[str], special: re.Pattern[str], escape: Any) -> Sequence[str]:
    """``items`` escaped; one search over all of them finds that most need nothing."""
    return [escape(x) for x in items] if special.search("".join(items)) else items


def _attrs(attrib: Any, drop_none: bool) -> str | None:
    """`` NAME="value"`` for each attribute, as ElementTree writes them (names as they are,
    values escaped); ``drop_none`` is pympi's ``rm_none`` (None left out, the rest str()).
    None where this path does not follow ElementTree: namespaced or non-string names, values
    that are not plain strings."""
    if type(attrib) is not dict:
        return None
    out = []
    for name, value in attrib.items():
        if type(name) is not str or name[:1] == "{":
            return None
        if drop_none:
            if value is None:
                continue
            if not isinstance(value, str):
                value = str(value)
        if type(value) is not str:
            return None
        out.append(f' {name}="{_escape_attrib(value)}"')
    return "".join(out)


def _eaf_text_fast(eaf: Any) -> str | None:
    """pympi's ``to_string(eaf)`` (``to_adocument`` with its ``indent``, then ElementTree's
    ``tostring(..., encoding="unicode")``) for documents without licences, controlled
    vocabularies, lexicon or external references and reference annotations; None for the
    others. Element by element as pympi builds them: ``indent`` gives every element at depth
    d a tail of a newline and d tabs, and an element with children the text of a newline and
    d + 1 tabs (so closing tags sit one tab deeper than their opening tags)."""
    if eaf.licenses or eaf.controlled_vocabularies or eaf.lexicon_refs or eaf.external_refs:
        return None
    tiers = sorted(eaf.tiers.values(), key=lambda tier: tier[3])
    if any(refs for _, refs, _, _ in tiers):
        return None
    root = _attrs(eaf.adocument, drop_none=False)
    header_attrs = _attrs(eaf.header, drop_none=False)
    if root is None or header_attrs is None:
        return None
    parts = [f"<ANNOTATION_DOCUMENT{root}>\n\t"]
    header = []
    for tag, descriptors in (
        ("MEDIA_DESCRIPTOR", eaf.media_descriptors),
        ("LINKED_FILE_DESCRIPTOR", eaf.linked_file_descriptors),
    ):
        for descriptor in descriptors:
            attrs = _attrs(descriptor, drop_none=True)
            if attrs is None:
                return None
            header.append(f"<{tag}{attrs} />\n\t\t")
    for name, value in eaf.properties:
        text = str(value)
        if type(name) is not str or type(text) is not str:
            return None
        name = _escape_attrib(name)
        header.append(
            f'<PROPERTY NAME="{name}">{_escape_cdata(text)}</PROPERTY>\n\t\t'
            if text
            else f'<PROPERTY NAME="{name}" />\n\t\t'
        )
    parts.append(
        f"<HEADER{header_attrs}>\n\t\t{''.join(header)}</HEADER>\n\t"
        if header
        else f"<HEADER{header_attrs} />\n\t"
    )
    slots = _time_slots(eaf.timeslots)
    if slots is None:
        return None
    parts.append(f"<TIME_ORDER>\n\t\t{slots}</TIME_ORDER>\n\t" if slots else "<TIME_ORDER />\n\t")
    for aligned, _, attrib, _ in tiers:
        attrs = _attrs(attrib, drop_none=True)
        body = _alignable_annotations(aligned)
        if attrs is None or body is None:
            return None
        parts.append(f"<TIER{attrs}>\n\t\t{body}</TIER>\n\t" if body else f"<TIER{attrs} />\n\t")
    leaves: list[tuple[str, Any]] = [
        *(("LINGUISTIC_TYPE", lt) for lt in eaf.linguistic_types.values()),
        *(
            ("LOCALE", {"LANGUAGE_CODE": code, "COUNTRY_CODE": country, "VARIANT": variant})
            for code, (country, variant) in eaf.locales.items()
        ),
        *(
            ("LANGUAGE", {"LANG_ID": lang, "LANG_DEF": definition, "LANG_LABEL": label})
            for lang, (definition, label) in eaf.languages.items()
        ),
        *(
            ("CONSTRAINT", {"STEREOTYPE": stereotype, "DESCRIPTION": description})
            for stereotype, description in eaf.constraints.items()
        ),
    ]
    for tag, attrib in leaves:
        attrs = _attrs(attrib, drop_none=True)
        if attrs is None:
            return None
        parts.append(f"<{tag}{attrs} />\n\t")
    parts.append("</ANNOTATION_DOCUMENT>\n")
    return "".join(parts)


_SLOT_IDS: Final = re.compile(r"ts[0-9]+(?:\nts[0-9]+)*")


def _time_slots(timeslots: Any) -> str | None:
    """The TIME_SLOT elements in pympi's order (by the number in the id, then the id); None
    unless every id is ``ts`` and ASCII digits (where pympi's ``re.findall(r"ts(\\d+)", id)``
    finds those digits) and every value an int or None."""
    if type(timeslots) is not dict:
        return None
    if not timeslots:
        return ""
    ids: Sequence[str] = list(timeslots)
    if {*map(type, ids)} != {str} or not {*map(type, timeslots.values())} <= {int, NoneType}:
        return None
    joined = "\n".join(ids)
    if joined.count("\n") != len(ids) - 1 or not _SLOT_IDS.fullmatch(joined):
        return None
    numbers = [int(i[2:]) for i in ids]
    values: Sequence[int | None] = list(timeslots.values())
    if not all(map(operator.lt, numbers, numbers[1:])):  # not already in pympi's order
        # (number, id) pairs are unique, so their order is pympi's key order and the values
        # never take part in the comparison.
        _, ids, values = zip(*sorted(zip(numbers, ids, values, strict=True)), strict=True)
    return "".join(
        [
            f'<TIME_SLOT TIME_SLOT_ID="{i}" TIME_VALUE="{value}" />\n\t\t'
            if value is not None
            else f'<TIME_SLOT TIME_SLOT_ID="{i}" />\n\t\t'
            for i, value in zip(ids, values, strict=True)
        ]
    )


def _alignable_annotations(aligned: Any) -> str | None:
    """A tier's ANNOTATION elements (depth 2); None unless ids and slot references are
    strings and values and SVG references strings or None."""
    if type(aligned) is not dict:
        return None
    if not aligned:
        return ""
    ids: Sequence[str] = list(aligned)
    refs1: Sequence[str]
    refs2: Sequence[str]
    refs1, refs2, values, svgs = zip(*aligned.values(), strict=True)
    if {*map(type, ids), *map(type, refs1), *map(type, refs2)} != {str}:
        return None
    if not {*map(type, values), *map(type, svgs)} <= {str, NoneType}:
        return None
    ids = _escape_all(ids, _ATTR_SPECIAL, _escape_attrib)
    refs1 = _escape_all(refs1, _ATTR_SPECIAL, _escape_attrib)
    refs2 = _escape_all(refs2, _ATTR_SPECIAL, _escape_attrib)
    # ElementTree writes an element without text (None or "") as <TAG />.
    texts = [
        f"<ANNOTATION_VALUE>{text}</ANNOTATION_VALUE>" if text else "<ANNOTATION_VALUE />"
        for text in _escape_all([v or "" for v in values], _CDATA_SPECIAL, _escape_cdata)
    ]
    svg_refs = ["" if svg is None else f' SVG_REF="{_escape_attrib(svg)}"' for svg in svgs]
    return "".join(
        [
            f'<ANNOTATION>\n\t\t\t<ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" '
            f'TIME_SLOT_REF1="{ref1}" TIME_SLOT_REF2="{ref2}"{svg}>\n\t\t\t\t{text}'
            "\n\t\t\t\t</ALIGNABLE_ANNOTATION>\n\t\t\t</ANNOTATION>\n\t\t"
            for aid, ref1, ref2, svg, text in zip(ids, refs1, refs2, svg_refs, texts, strict=True)
        ]
    )


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
