"""Editor markers, written in-house (no library writes these faithfully; see CONVENTIONS.md).

One marker per chosen annotation, at the frame on screen at its start, lasting until the frame
on screen at its end (at least one frame). Timecodes count from the start timecode
(``--start-tc``, default 01:00:00:00 as NLE timelines do; 10:00:00:00 for broadcast masters)
at the export's frame rate (``--fps``, default the media's) and drop-frame choice (default:
drop-frame at 29.97 and 59.94). Marker names are the tag label, then ``: note`` when there is a
note, on one line.

``resolve-edl``
    DaVinci Resolve timeline-marker EDL: a one-frame event per marker followed by
    `` |C:ResolveColorRed |M:name |D:frames``; tag colours map to the nearest of Resolve's 16
    marker colours. Import with Timeline > Import > Timeline Markers from EDL.
``avid-edl``
    Avid Media Composer locators: a one-frame event per marker with
    ``* LOC: 01:00:05:00 RED     name``; tag colours map to the nearest of the eight classic
    locator colours. Locators are points (no duration).
``xmeml``
    Final Cut Pro 7 XML (version 4), which Premiere Pro imports: a sequence holding
    ``<marker>`` elements with name (the tag label), comment (the note) and in/out frames
    relative to the sequence start. xmeml has no marker colour.
``fcpxml``
    Final Cut Pro X FCPXML 1.9: a project whose spine holds the media file as an asset-clip
    (a gap when the media file is unknown) carrying ``<marker>`` elements (value: the tag
    label; note: the note). FCP X markers have no free colour.

EDL timecodes are SMPTE labels (``;`` before the frames when drop-frame) and the ``FCM:`` line
says whether they are drop-frame. Readers of these formats (``parse_*``) serve the export's
read-back check and the Resolve EDL import. XML from elsewhere goes through defusedxml; the
read-back of a file this program has just written uses ElementTree's C parser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from pathlib import Path
from typing import Final

from karachi_review.core.errors import TimecodeError
from karachi_review.core.export_model import (
    Check,
    ExportError,
    ExportOptions,
    ExportSource,
    Timebase,
    nearest_colour,
    one_line,
    xml_text,
)
from karachi_review.core.timecode import smpte_to_frame

__all__ = [
    "AVID_COLOURS",
    "RESOLVE_COLOURS",
    "Marker",
    "avid_edl_read_back",
    "avid_edl_write",
    "fcpxml_read_back",
    "fcpxml_write",
    "markers",
    "parse_resolve_edl",
    "resolve_edl_read_back",
    "resolve_edl_write",
    "xmeml_read_back",
    "xmeml_write",
]

# Approximate sRGB of each program's marker colours, for choosing the nearest.
RESOLVE_COLOURS: Final = (
    ("Blue", "#2c6bd6"),
    ("Cyan", "#1fc2d4"),
    ("Green", "#2fa84f"),
    ("Yellow", "#e8c31c"),
    ("Red", "#d62c2c"),
    ("Pink", "#f060b0"),
    ("Purple", "#8d4fd0"),
    ("Fuchsia", "#c2218f"),
    ("Rose", "#f5a0b4"),
    ("Lavender", "#a99be0"),
    ("Sky", "#8fd4f5"),
    ("Mint", "#6fdcb0"),
    ("Lemon", "#d9e85a"),
    ("Sand", "#c4995e"),
    ("Cocoa", "#6e4f3c"),
    ("Cream", "#f3e7d3"),
)
AVID_COLOURS: Final = (
    ("RED", "#e02020"),
    ("GREEN", "#20b020"),
    ("BLUE", "#2040e0"),
    ("CYAN", "#20c0d0"),
    ("MAGENTA", "#d020c0"),
    ("YELLOW", "#e0d020"),
    ("BLACK", "#202020"),
    ("WHITE", "#f0f0f0"),
)

_EDL_EVENT_RE: Final = re.compile(
    r"^(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+"
    r"(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+"
    r"(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s*$"
)
_RESOLVE_RE: Final = re.compile(r"^\s*\|C:(?P<c>[^|]*?)\s*\|M:(?P<m>.*?)\s*\|D:(?P<d>\d+)\s*$")
_LOC_RE: Final = re.compile(r"^\*\s*LOC:\s*(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+(\w*)(?:\s+(.*))?$")


@dataclass(frozen=True, slots=True)
class Marker:
    """One marker: media frame, length in frames, tag name and label, note, colour hex."""

    frame: int
    duration: int
    tag: str
    label: str
    note: str
    colour: str

    @property
    def name(self) -> str:
        """``Label`` or ``Label: note`` on one line, without ``|`` (EDL field separator)."""
        text = one_line(self.label)
        note = one_line(self.note)
        if note:
            text = f"{text}: {note}"
        return text.replace("|", "/")


def markers(source: ExportSource, options: ExportOptions) -> tuple[Timebase, list[Marker]]:
    """The timebase and one marker per chosen annotation, in time order."""
    tb = source.timebase(options, markers=True)
    if tb is None:
        raise ExportError(
            "the media's frame rate is unknown; give it with --fps (e.g. 25, 29.97, 23.976)"
        )
    anns = source.annotations
    firsts = tb.frames([a.start_ms for a in anns])
    afters = tb.frames([a.end_ms for a in anns])
    out = []
    for a, first, after in zip(anns, firsts, afters, strict=True):
        tag = source.tag(a.tag)
        out.append(Marker(first, max(1, after - first), tag.name, tag.label, a.note, tag.colour))
    return tb, out


def _edl_tc(tb: Timebase, frame: int) -> str:
    return tb.label(frame)


def _edl_head(title: str, tb: Timebase) -> list[str]:
    fcm = "DROP FRAME" if tb.drop_frame else "NON-DROP FRAME"
    return [f"TITLE: {one_line(title)[:70] or 'Markers'}", f"FCM: {fcm}", ""]


def _event(n: int, reel: str, tb: Timebase, frame: int, tc_in: str | None = None) -> str:
    if tc_in is None:
        tc_in = _edl_tc(tb, frame)
    tc_out = _edl_tc(tb, frame + 1)
    return f"{n:03d}  {reel:<8} V     C        {tc_in} {tc_out} {tc_in} {tc_out}"


def _edl_frame(label: str, tb: Timebase, where: str, line: int) -> int:
    try:
        return smpte_to_frame(label, tb.rate, tb.drop_frame, tb.start_frame)
    except TimecodeError as exc:
        raise ExportError(exc.message, where, line) from None


# ---------------------------------------------------------------------------- Resolve EDL


def resolve_edl_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """Resolve marker EDL; checks are (frame, duration, colour, name)."""
    tb, items = markers(source, options)
    lines = _edl_head(options.title or source.title, tb)
    checks: list[Check] = []
    for n, m in enumerate(items, 1):
        colour = "ResolveColor" + nearest_colour(m.colour, RESOLVE_COLOURS)
        name = m.name
        lines.append(_event(n, "001", tb, m.frame) + "  ")
        lines.append(f" |C:{colour} |M:{name} |D:{m.duration}")
        lines.append("")
        checks.append((m.frame, m.duration, colour, name))
    return ("\n".join(lines) + "\n").encode("utf-8"), checks


@dataclass(frozen=True, slots=True)
class EdlMarker:
    """A marker read from an EDL: media frame, duration (1 for locators), colour, name, line."""

    frame: int
    duration: int
    colour: str
    name: str
    line: int


def _fcm(text: str) -> bool | None:
    for line in text.splitlines():
        if line.strip().upper().startswith("FCM:"):
            return "NON" not in line.upper()
    return None


def parse_resolve_edl(text: str, tb: Timebase, where: str = "<edl>") -> list[EdlMarker]:
    """Markers of a Resolve marker EDL (the record-in of the event before each ``|C:`` line)."""
    drop = _fcm(text)
    if drop is not None and drop != tb.drop_frame:
        tb = Timebase.make(tb.rate, drop, tb.start_tc.replace(";", ":"))
    found: list[EdlMarker] = []
    record_in: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        event = _EDL_EVENT_RE.match(line.strip())
        if event:
            record_in = event[7]
            continue
        marker = _RESOLVE_RE.match(line)
        if marker:
            if record_in is None:
                raise ExportError("a |C: marker line with no event line above it", where, n)
            found.append(
                EdlMarker(
                    _edl_frame(record_in, tb, where, n),
                    int(marker["d"]),
                    marker["c"].strip(),
                    marker["m"],
                    n,
                )
            )
            record_in = None
    return found


def resolve_edl_read_back(data: bytes, tb: Timebase) -> list[Check]:
    """Read back a Resolve marker EDL."""
    return [
        (m.frame, m.duration, m.colour, m.name) for m in parse_resolve_edl(data.decode("utf-8"), tb)
    ]


# ------------------------------------------------------------------------------- Avid EDL


def avid_edl_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """Avid locator EDL; checks are (frame, colour, name)."""
    tb, items = markers(source, options)
    lines = _edl_head(options.title or source.title, tb)
    checks: list[Check] = []
    for n, m in enumerate(items, 1):
        colour = nearest_colour(m.colour, AVID_COLOURS)
        name = m.name
        tc_in = _edl_tc(tb, m.frame)
        lines.append(_event(n, "AX", tb, m.frame, tc_in))
        lines.append(f"* LOC: {tc_in} {colour:<7} {name}")
        lines.append("")
        checks.append((m.frame, colour, name))
    return ("\n".join(lines) + "\n").encode("utf-8"), checks


def avid_edl_read_back(data: bytes, tb: Timebase) -> list[Check]:
    """Read back the ``* LOC:`` lines of an Avid EDL."""
    out: list[Check] = []
    for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
        m = _LOC_RE.match(line.strip())
        if m:
            out.append((_edl_frame(m[1], tb, "<edl>", n), m[2], m[3] or ""))
    return out


# ---------------------------------------------------------------------------------- xmeml


def _nominal(rate: Fraction) -> int:
    return int((2 * rate.numerator + rate.denominator) // (2 * rate.denominator))


def _rate_element(parent: ET.Element, rate: Fraction) -> None:
    r = ET.SubElement(parent, "rate")
    ET.SubElement(r, "timebase").text = str(_nominal(rate))
    ET.SubElement(r, "ntsc").text = "TRUE" if rate.denominator == 1001 else "FALSE"


def _xml_bytes(root: ET.Element, doctype: str) -> bytes:
    ET.indent(root, "  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {doctype}>\n{body}\n'.encode()


def xmeml_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """FCP7 XML for Premiere; checks are (in, out, name, comment) in sequence frames."""
    tb, items = markers(source, options)
    end = max((m.frame + m.duration for m in items), default=1)
    root = ET.Element("xmeml", version="4")
    seq = ET.SubElement(root, "sequence", id="karachi-review-markers")
    ET.SubElement(seq, "name").text = xml_text(one_line(options.title or source.title)) or "Markers"
    ET.SubElement(seq, "duration").text = str(end)
    _rate_element(seq, tb.rate)
    tc = ET.SubElement(seq, "timecode")
    _rate_element(tc, tb.rate)
    ET.SubElement(tc, "string").text = tb.start_tc
    ET.SubElement(tc, "frame").text = str(tb.start_frame)
    ET.SubElement(tc, "displayformat").text = "DF" if tb.drop_frame else "NDF"
    media = ET.SubElement(seq, "media")
    ET.SubElement(ET.SubElement(media, "video"), "track")
    ET.SubElement(ET.SubElement(media, "audio"), "track")
    checks: list[Check] = []
    for m in items:
        el = ET.SubElement(seq, "marker")
        name, note = xml_text(one_line(m.label)), xml_text(m.note)
        ET.SubElement(el, "name").text = name
        ET.SubElement(el, "comment").text = note
        ET.SubElement(el, "in").text = str(m.frame)
        ET.SubElement(el, "out").text = str(m.frame + m.duration)
        checks.append((m.frame, m.frame + m.duration, name, note))
    return _xml_bytes(root, "xmeml"), checks


def _parse_xml(data: bytes, where: str, *, trusted: bool = False) -> ET.Element:
    """Parse XML through defusedxml; ``trusted`` (only for a file this program has just
    written, as the read-back does) uses ElementTree's C parser directly: defusedxml's
    pure-Python parser took three times as long over 100,000 markers."""
    # defusedxml is imported only when needed: a heavy import the window does not need to start.
    import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]

    try:
        root: ET.Element = ET.fromstring(data) if trusted else SafeET.fromstring(data)
    except ET.ParseError as exc:
        raise ExportError(f"not well-formed XML: {exc}", where) from None
    except Exception as exc:  # defusedxml refuses entities and external references
        raise ExportError(f"refused unsafe XML ({type(exc).__name__}: {exc})", where) from None
    return root


def xmeml_read_back(data: bytes) -> list[Check]:
    """Read back the sequence markers of an xmeml file we have just written."""
    root = _parse_xml(data, "<xmeml>", trusted=True)
    out: list[Check] = []
    for el in root.iter("marker"):
        out.append(
            (
                int(el.findtext("in") or "-1"),
                int(el.findtext("out") or "-1"),
                el.findtext("name") or "",
                el.findtext("comment") or "",
            )
        )
    return out


# --------------------------------------------------------------------------------- FCPXML


def _seconds(frames: int, rate: Fraction) -> str:
    """FCPXML rational time of ``frames`` frames: ``N/Ds`` or ``Ns``."""
    # frames / rate in lowest terms with ints: building Fractions cost 5 us a marker.
    num, den = frames * rate.denominator, rate.numerator
    g = gcd(num, den)
    if g != den:
        return f"{num // g}/{den // g}s"
    return f"{num // g}s"


def _frames_of(text: str, rate: Fraction) -> int:
    body = text.rstrip("s")
    num_text, slash, den_text = body.partition("/")
    if num_text.isdecimal() and (not slash or (den_text.isdecimal() and int(den_text) != 0)):
        # "N/D" or "N" (what we write), in ints: frames = N * rate / D
        num = int(num_text) * rate.numerator
        den = (int(den_text) if slash else 1) * rate.denominator
        if num % den:
            raise ExportError(f"FCPXML time {text} is not on a frame boundary")
        return num // den
    value = Fraction(body) if body else Fraction(0)
    frames = value * rate
    if frames.denominator != 1:
        raise ExportError(f"FCPXML time {text} is not on a frame boundary")
    return int(frames)


def _asset_start(source: ExportSource, tb: Timebase) -> int:
    """Frame count of the media's own start timecode (0 when unknown or unreadable)."""
    media = source.media
    if media is None or not media.start_tc:
        return 0
    try:
        return smpte_to_frame(media.start_tc, tb.rate, tb.drop_frame)
    except TimecodeError:
        return 0


def fcpxml_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """FCPXML 1.9 for Final Cut Pro X; checks are (frame, duration, value, note).

    With a media file, the spine holds that file as an asset-clip and the markers sit on it
    (times in the asset's own time, from its start timecode); without one, on a gap.
    """
    tb, items = markers(source, options)
    end = max((m.frame + m.duration for m in items), default=1)
    media = source.media
    if media is not None and media.duration_ms:
        end = max(end, tb.frame(media.duration_ms))
    rate = tb.rate
    title = xml_text(one_line(options.title or source.title)) or "Markers"
    root = ET.Element("fcpxml", version="1.9")
    resources = ET.SubElement(root, "resources")
    ET.SubElement(
        resources,
        "format",
        id="r1",
        name="FFVideoFormat1080p",
        frameDuration=_seconds(1, rate),
        width="1920",
        height="1080",
    )
    library = ET.SubElement(root, "library")
    event = ET.SubElement(library, "event", name="karachi_review")
    project = ET.SubElement(event, "project", name=title)
    start = _seconds(tb.start_frame, rate)
    duration = _seconds(end, rate)
    sequence = ET.SubElement(
        project,
        "sequence",
        format="r1",
        duration=duration,
        tcStart=start,
        tcFormat="DF" if tb.drop_frame else "NDF",
    )
    spine = ET.SubElement(sequence, "spine")
    if media is not None and media.path:
        clip_start = _asset_start(source, tb)
        name = xml_text(Path(media.path).stem) or "media"
        ET.SubElement(
            resources,
            "asset",
            id="r2",
            name=name,
            src=Path(media.path).as_uri(),
            start=_seconds(clip_start, rate),
            duration=duration,
            hasVideo="1",
            hasAudio="1",
            format="r1",
        )
        holder = ET.SubElement(
            spine,
            "asset-clip",
            ref="r2",
            name=name,
            offset=start,
            start=_seconds(clip_start, rate),
            duration=duration,
            format="r1",
            tcFormat="DF" if tb.drop_frame else "NDF",
        )
    else:
        clip_start = tb.start_frame
        holder = ET.SubElement(
            spine, "gap", name="Gap", offset=start, start=start, duration=duration
        )
    checks: list[Check] = []
    for m in items:
        label, note = xml_text(one_line(m.label)), xml_text(m.note)
        attrs = {
            "start": _seconds(clip_start + m.frame, rate),
            "duration": _seconds(m.duration, rate),
            "value": label,
        }
        if note:
            attrs["note"] = note
        ET.SubElement(holder, "marker", attrs)
        checks.append((m.frame, m.duration, label, note))
    return _xml_bytes(root, "fcpxml"), checks


def fcpxml_read_back(data: bytes, tb: Timebase) -> list[Check]:
    """Read back the markers of an FCPXML export's gap or asset-clip, just written by us."""
    root = _parse_xml(data, "<fcpxml>", trusted=True)
    out: list[Check] = []
    for holder in root.iter():
        if holder.tag not in ("gap", "asset-clip"):
            continue
        clip_start = _frames_of(holder.get("start", "0s"), tb.rate)
        for el in holder.findall("marker"):
            first = _frames_of(el.get("start", "0s"), tb.rate) - clip_start
            out.append(
                (
                    first,
                    _frames_of(el.get("duration", "0s"), tb.rate),
                    el.get("value", ""),
                    el.get("note", ""),
                )
            )
    return out
