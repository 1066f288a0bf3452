"""Annotated subtitles: SRT (pysrt), WebVTT (webvtt-py) and ASS (pysubs2).

Three modes (``ExportOptions.mode``):

``all``
    every cue of the transcript; cues covered by annotations start with their tag labels in
    upper case, ``[RAID] [INTERVIEW] text``;
``tagged``
    only the cues at least one annotation covers, labelled the same way;
``annotations``
    one cue per annotation, at the annotation's times: ``[RAID] note``.

With ``notes`` (the default) the notes of a labelled cue follow on their own line
(``RAID: note``); in WebVTT they go into a ``NOTE`` block before the cue instead, the tag
labels are ``<c.tagname>`` classes coloured by a ``STYLE`` block, and annotation ids are the
cue identifiers of the ``annotations`` mode.

Text is normalised so that every reader finds the cue whole: blank lines inside a cue are
dropped (pysrt and players cut a cue there), ``-->`` becomes ``->``, and a cue with no text left
holds ``…`` (an empty SRT cue ends the block early in some players).
"""

from __future__ import annotations

import re
import warnings as pywarnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final

from karachi_review.core.export_model import Check, ExportOptions, ExportSource, one_line
from karachi_review.core.store import Annotation
from karachi_review.core.timecode import format_ms, ms_to_clock
from karachi_review.core.vocabulary import Tag

__all__ = [
    "SubtitleCue",
    "ass_read_back",
    "ass_write",
    "build_cues",
    "srt_read_back",
    "srt_write",
    "vtt_read_back",
    "vtt_write",
]

_EMPTY: Final = "…"
_CLASS_RE: Final = re.compile(r"[^A-Za-z0-9_-]")


class SubtitleCue:
    """One cue to write: times, plain text lines, labels (tags) and notes."""

    __slots__ = ("end_ms", "ident", "notes", "start_ms", "tags", "text")

    def __init__(
        self,
        start_ms: int,
        end_ms: int,
        text: str,
        tags: Sequence[Tag],
        notes: Sequence[tuple[Tag, str]],
        ident: str | None,
    ) -> None:
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.text = text
        self.tags = tags
        self.notes = notes
        self.ident = ident


def normalise_text(text: str) -> str:
    """Cue text every subtitle reader keeps whole (no blank line, no ``-->``)."""
    if "\n" not in text and "\r" not in text and "-->" not in text:
        return text.rstrip() if text.strip() else ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept = [line.replace("-->", "->") for line in lines if line.strip()]
    return "\n".join(kept)


def _unique(tags: Sequence[Tag]) -> list[Tag]:
    seen: set[str] = set()
    out: list[Tag] = []
    for tag in tags:
        if tag.name not in seen:
            seen.add(tag.name)
            out.append(tag)
    return out


def build_cues(source: ExportSource, options: ExportOptions) -> list[SubtitleCue]:
    """The cues the chosen mode emits, in time order."""
    if options.mode == "annotations":
        known: dict[str, Tag] = {}  # a few tags, 100,000s of annotations
        out = []
        for a in source.annotations:
            tag = known.get(a.tag)
            if tag is None:
                tag = known[a.tag] = source.tag(a.tag)
            note = normalise_text(a.note)
            out.append(SubtitleCue(a.start_ms, a.end_ms, note, (tag,), ((tag, note),), a.id))
        return out
    by_cue = source.annotations_by_cue()
    cues = []
    for cue in source.cues:
        covering: list[Annotation] = by_cue.get(cue.index, [])
        if options.mode == "tagged" and not covering:
            continue
        tags = _unique([source.tag(a.tag) for a in covering])
        notes = [(source.tag(a.tag), normalise_text(a.note)) for a in covering if a.note.strip()]
        cues.append(
            SubtitleCue(
                cue.start_ms,
                cue.end_ms,
                normalise_text(cue.text),
                tags,
                notes if options.notes else [],
                cue.id,
            )
        )
    return cues


def _label(tag: Tag) -> str:
    return _label_of(tag.label)


@lru_cache(maxsize=1024)  # a few tags label 100,000s of cues
def _label_of(label: str) -> str:
    return "[" + one_line(label).upper().replace("]", ")") + "]"


def _plain_text(cue: SubtitleCue, options: ExportOptions) -> str:
    """SRT/ASS text: labels, then the text, then one line per note."""
    tags = cue.tags
    labels = _label(tags[0]) if len(tags) == 1 else " ".join(map(_label, tags))
    if options.mode == "annotations":
        body = f"{labels} {one_line(cue.text)}".strip() if cue.text else labels
        return body
    first = f"{labels} {cue.text}".strip() if labels else cue.text
    lines = [first] if first else []
    for tag, note in cue.notes:
        lines.append(f"{one_line(tag.label).upper()}: {one_line(note)}")
    return "\n".join(lines) if lines else _EMPTY


# ----------------------------------------------------------------------------------- SRT


def srt_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """SRT through pysrt; checks are (number, start_ms, end_ms, text)."""
    import pysrt  # imported here: a heavy import the window does not need to start

    items = []
    checks: list[Check] = []
    for n, cue in enumerate(build_cues(source, options), 1):
        text = _plain_text(cue, options)
        items.append(
            pysrt.SubRipItem(
                index=n,
                start=pysrt.SubRipTime.from_ordinal(cue.start_ms),
                end=pysrt.SubRipTime.from_ordinal(cue.end_ms),
                text=text,
            )
        )
        checks.append((n, cue.start_ms, cue.end_ms, text))
    lines = [str(item) for item in items]
    return "\n".join(lines).encode("utf-8") if lines else b"", checks


def srt_read_back(data: bytes) -> list[Check]:
    """Read an SRT export with pysrt, errors raised (no silent drop)."""
    import pysrt

    subs = pysrt.from_string(data.decode("utf-8"), error_handling=pysrt.ERROR_RAISE)
    return [(s.index, s.start.ordinal, s.end.ordinal, s.text) for s in subs]


# -------------------------------------------------------------------------------- WebVTT


def css_class(tag: Tag) -> str:
    """The ``<c.NAME>`` class of a tag: its name with anything but letters, digits, -, _ dropped."""
    return _CLASS_RE.sub("", tag.name.replace(" ", "-")) or "tag"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_note(text: str) -> str:
    # A NOTE block ends at a blank line and must not hold "-->".
    return normalise_text(text).replace("-->", "->")


def _vtt_time(ms: int, Timestamp: Any) -> Any:
    """webvtt-py's Timestamp of ``ms``, as its Caption makes from ``HH:MM:SS.mmm``."""
    if ms < 0:  # refused by webvtt-py, as before
        return Timestamp.from_string(format_ms(ms, "."))
    return Timestamp(*ms_to_clock(ms))


def vtt_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """WebVTT through webvtt-py; checks are (identifier, start_ms, end_ms, raw text, notes)."""
    import webvtt  # imported here: a heavy import the window does not need to start
    from webvtt.models import Timestamp

    used: dict[str, Tag] = {}
    # The same few tags label 100,000s of cues: the markup of each is made once.
    markup: dict[str, str] = {}
    captions = []
    checks: list[Check] = []
    with_notes = options.notes or options.mode == "annotations"
    annotations_mode = options.mode == "annotations"
    # webvtt-py's Caption() parses its time strings and builds and validates empty cue
    # settings (a dozen Python calls): two thirds of the writing time over 100,000 cues.
    # Each caption is instead a copy of one made by Caption() (what copy.copy does, without
    # its generic dispatch), then given its times (Timestamp, as Caption makes them), its
    # text (through the Caption.text setter), identifier and comments. All share the
    # template's empty cue settings, and cues at the same time one Timestamp: the writer
    # only reads them.
    Caption = webvtt.Caption
    template = vars(Caption("00:00:00.000", "00:00:00.000", ""))
    new = Caption.__new__
    times: dict[int, Any] = {}
    for cue in build_cues(source, options):
        parts = []
        for tag in cue.tags:
            found = markup.get(tag.name)
            if found is None:
                name = css_class(tag)
                used.setdefault(name, tag)
                found = markup[tag.name] = f"<c.{name}>{_escape(_label(tag))}</c>"
            parts.append(found)
        labels = " ".join(parts)
        if annotations_mode:
            text = f"{labels} {_escape(one_line(cue.text))}".strip() if cue.text else labels
        else:
            body = _escape(cue.text)
            text = f"{labels} {body}".strip() if labels else body
        text = text or _EMPTY
        caption = new(Caption)
        vars(caption).update(template)
        start = times.get(cue.start_ms)
        if start is None:
            start = times[cue.start_ms] = _vtt_time(cue.start_ms, Timestamp)
        end = times.get(cue.end_ms)
        if end is None:
            end = times[cue.end_ms] = _vtt_time(cue.end_ms, Timestamp)
        caption.start_time = start
        caption.end_time = end
        caption.text = text
        caption.identifier = cue.ident
        notes = [
            _vtt_note(f"{tag.label}: {note}") for tag, note in cue.notes if note and with_notes
        ]
        caption.comments = notes
        captions.append(caption)
        checks.append((cue.ident, cue.start_ms, cue.end_ms, text, tuple(notes)))
    styles = [
        webvtt.Style(f"::cue(.{name}) {{ color: {tag.colour}; }}") for name, tag in used.items()
    ]
    vtt = webvtt.WebVTT(captions=captions, styles=styles)
    return str(vtt.content).encode("utf-8"), checks


_VTT_TIMING = re.compile(
    r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})[ \t]+-->[ \t]+"
    r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})(?:[ \t][^\n]*)?"
)


def _vtt_ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def vtt_read_back(data: bytes) -> list[Check]:
    """Read a WebVTT export back: identifier, times, raw text and the NOTE blocks before each cue.

    A strict reader of WebVTT's block structure (header, then blocks apart by blank lines; a
    cue is an optional identifier line, a timing line and its payload; NOTE and STYLE blocks),
    reading what webvtt-py's parser reads from our files: that parser took 1.7 of the 3 s an
    export of 100,000 cues cost. The tests read every WebVTT export with webvtt-py itself and
    check that it finds what this finds. Anything unexpected raises: a failed check.
    """
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n")]
    header = blocks[0] if blocks else ""
    if header != "WEBVTT" and not header.startswith(("WEBVTT ", "WEBVTT\t", "WEBVTT\n")):
        raise ValueError("no WEBVTT header")
    found: list[Check] = []
    notes: list[str] = []
    for block in blocks[1:]:
        if not block:
            continue
        if block == "NOTE" or block.startswith(("NOTE ", "NOTE\t", "NOTE\n")):
            notes.append(block[5:].strip())
            continue
        if block == "STYLE" or block.startswith(("STYLE\n", "STYLE ")):
            if notes or found:
                raise ValueError("a STYLE block after the first cue or note")
            continue
        lines = block.split("\n")
        identifier = None
        if "-->" not in lines[0]:
            identifier, lines = lines[0], lines[1:]
        timing = _VTT_TIMING.fullmatch(lines[0]) if lines else None
        if timing is None:
            raise ValueError(f"not a cue, a NOTE or a STYLE block: {block[:60]!r}")
        g = timing.groups()
        found.append(
            (
                identifier,
                _vtt_ms(*g[:4]),
                _vtt_ms(*g[4:]),
                "\n".join(lines[1:]),
                tuple(notes),
            )
        )
        notes = []
    if notes:
        raise ValueError("NOTE blocks after the last cue")
    return found


# ----------------------------------------------------------------------------------- ASS


def _ass_ms(ms: int) -> int:
    """What ASS keeps of a time: pysubs2 rounds to centiseconds, clamped to 9:59:59.99."""
    clamped = min(max(0, ms), 35_999_990)
    return (clamped + 5) // 10 * 10  # half up, as pysubs2 and Aegisub round


def _style_name(tag: Tag) -> str:
    return _style_name_of(tag.name)


@lru_cache(maxsize=1024)  # one per tag, asked for by 100,000s of cues
def _style_name_of(name: str) -> str:
    return one_line(name).replace(",", ";") or "tag"


def ass_write(source: ExportSource, options: ExportOptions) -> tuple[bytes, list[Check]]:
    """ASS through pysubs2, one style per tag in its colour; checks are (start, end, style, text).

    ASS keeps centiseconds, so the checks hold the times rounded as pysubs2 writes them.
    """
    import pysubs2  # imported here: a heavy import the window does not need to start

    subs = pysubs2.SSAFile()
    subs.info["Title"] = one_line(source.title)
    for tag in source.tags:
        r, g, b = (int(tag.colour.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4))
        tag_style = subs.styles["Default"].copy()
        tag_style.primarycolor = pysubs2.Color(r, g, b)
        subs.styles[_style_name(tag)] = tag_style
    checks: list[Check] = []
    for cue in build_cues(source, options):
        text = _plain_text(cue, options).replace("\n", "\\N")
        # ASS override blocks start with "{": a literal brace in a note would hide text.
        text = text.replace("{", "(").replace("}", ")")
        style = _style_name(cue.tags[0]) if cue.tags else "Default"
        if style not in subs.styles:
            subs.styles[style] = subs.styles["Default"].copy()
        subs.events.append(
            pysubs2.SSAEvent(start=cue.start_ms, end=cue.end_ms, text=text, style=style)
        )
        checks.append((_ass_ms(cue.start_ms), _ass_ms(cue.end_ms), style, text))
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", RuntimeWarning)  # the 10 h clamp is documented
        return subs.to_string("ass").encode("utf-8"), checks


def ass_read_back(data: bytes) -> list[Check]:
    """Read an ASS export with pysubs2."""
    import pysubs2

    subs = pysubs2.SSAFile.from_string(data.decode("utf-8"), format_="ass")
    return [(e.start, e.end, e.style, e.text) for e in subs.events]


def ass_style_colours(data: bytes) -> dict[str, tuple[int, int, int]]:
    """Style name -> primary colour of an ASS file (for tests and the dialog's preview)."""
    import pysubs2

    subs = pysubs2.SSAFile.from_string(data.decode("utf-8"), format_="ass")
    return {
        name: (s.primarycolor.r, s.primarycolor.g, s.primarycolor.b)
        for name, s in subs.styles.items()
    }
