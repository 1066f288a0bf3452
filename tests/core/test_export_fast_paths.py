"""The bulk paths exports take over 100,000 annotations give what the one-at-a-time paths give:
covered cue text, formula-cell neutralising, pympi annotations, webvtt-py captions, and the
EAF read-back (which must still catch a file that differs)."""

from __future__ import annotations

from pathlib import Path

import pympi
import pytest
import webvtt
from export_fixtures import STAMP, source
from hypothesis import given, settings
from hypothesis import strategies as st

from karachi_review.core import export_eaf, export_subtitles
from karachi_review.core.annotation_io import (
    neutralise_cell,
    neutralise_cells,
    unneutralise_cell,
    unneutralise_cells,
)
from karachi_review.core.export import ExportVerifyError, compare, export_file, read_back
from karachi_review.core.export_model import ExportOptions, ExportSource
from karachi_review.core.store import Annotation
from karachi_review.core.timecode import format_ms
from karachi_review.core.transcript import Cue
from karachi_review.core.vocabulary import DEFAULT_TAGS

TAGS = [t.name for t in DEFAULT_TAGS]
# Text that trips writers: formula starts, blank lines, arrows, markup, braces, controls,
# separators that str.splitlines breaks at but WebVTT does not.
NASTY = st.sampled_from(
    [
        "",
        "plain",
        "=SUM(A1)",
        "+1",
        "-x",
        "@me",
        "\tTab",
        "\rcr",
        "line\n\nblank",
        "a --> b",
        "{brace}",
        "amp & <b>x</b>",
        "é 漢字 \u2028 sep \x85",
        "  spaced  out  ",
        "\x01ctl",
        "'quoted",
        "'=already",
        "\n",
        "win\r\nend",
    ]
)


def _annotation(n: int, start: int, length: int, tag: str, note: str) -> Annotation:
    return Annotation(f"id-{n}", 1, start, start + length, tag, note, "amna", STAMP, STAMP, 1)


@st.composite
def sources(draw: st.DrawFn) -> ExportSource:
    """Cues (overlapping or not, some of zero length) and annotations over them."""
    cues = []
    t = 0
    for n in range(draw(st.integers(0, 12))):
        length = draw(st.integers(0, 3000))
        cues.append(Cue(n + 1, t, t + length, draw(NASTY) + f" {n}"))
        t += draw(st.sampled_from([length, length // 2, length + 500, 0]))
    annotations = [
        _annotation(
            n,
            draw(st.integers(0, t + 1000)),
            draw(st.integers(1, 8000)),
            draw(st.sampled_from([*TAGS, "unknown"])),
            draw(NASTY),
        )
        for n in range(draw(st.integers(0, 15)))
    ]
    annotations.sort(key=lambda a: a.start_ms)
    return ExportSource(annotations, cues, DEFAULT_TAGS, None, "T")


@settings(max_examples=300)
@given(src=sources())
def test_covered_texts_is_covered_text_of_each(src: ExportSource) -> None:
    assert src.covered_texts() == [src.covered_text(a) for a in src.annotations]


@given(cells=st.lists(NASTY | st.text(max_size=6)))
def test_bulk_neutralising_is_the_cell_functions(cells: list[str]) -> None:
    safe = neutralise_cells(list(cells))
    assert safe == [neutralise_cell(c) for c in cells]
    assert unneutralise_cells([c for c in safe if c is not None]) == [
        unneutralise_cell(c) for c in safe if c is not None
    ]
    assert neutralise_cells([None, "=x"]) == [None, "'=x"]


def test_eaf_annotations_are_added_as_pympi_adds_them() -> None:
    items = [("t", 0, 40, "a"), ("u", 40, 80, ""), ("t", 100, 3000, "é & <x>")]
    ours = pympi.Eaf(author="x")
    theirs = pympi.Eaf(author="x")
    for eaf in (ours, theirs):
        eaf.adocument["DATE"] = "0"
        eaf.add_tier("t")
        eaf.add_tier("u")
    export_eaf._add_annotations(ours, items)
    for tier, start, end, value in items:
        theirs.add_annotation(tier, start, end, value)
    assert pympi.Elan.to_string(ours) == pympi.Elan.to_string(theirs)
    assert (ours.maxts, ours.maxaid) == (theirs.maxts, theirs.maxaid)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (("t", 40, 40, ""), "zero"),
        (("t", 80, 40, ""), "negative"),
        (("t", -40, 40, ""), "Start is negative"),
        (("t", 0.5, 40, ""), "integer"),
    ],
)
def test_eaf_bulk_add_refuses_what_pympi_refuses(item: tuple[object, ...], message: str) -> None:
    eaf = pympi.Eaf()
    eaf.add_tier("t")
    with pytest.raises(ValueError, match=message):
        export_eaf._add_annotations(eaf, [item])
    with pytest.raises(ValueError, match=message):
        eaf.add_annotation(*item)


def test_eaf_read_back_reads_what_pympi_reads(tmp_path: Path) -> None:
    out = tmp_path / "a.eaf"
    export_file(source(), out, ExportOptions("eaf"))
    eaf = pympi.Eaf(str(out))
    by_pympi = [
        (tier, start, end, value or "")
        for tier in eaf.get_tier_names()
        for start, end, value, *_ in eaf.get_annotation_data_for_tier(tier)
    ]
    assert export_eaf.eaf_read_back(out) == by_pympi
    assert len(by_pympi) == len(source().cues) + len(source().annotations)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('TIME_VALUE="1000"', 'TIME_VALUE="1040"'),  # a time moved
        ("night raid</ANNOTATION_VALUE>", "night rain</ANNOTATION_VALUE>"),  # a note changed
        ('TIER_ID="interview"', 'TIER_ID="interviews"'),  # a tier renamed
        ("<ANNOTATION_VALUE>", "<ANNOTATION_VALUE_X>"),  # not our structure
    ],
)
def test_eaf_read_back_catches_a_file_that_differs(old: str, new: str, tmp_path: Path) -> None:
    src, options = source(), ExportOptions("eaf")
    data, checks = export_eaf.eaf_write(src, options, now=0)
    text = data.decode()
    assert old in text
    tampered = text.replace(old, new, 1)
    if new.startswith("<ANNOTATION_VALUE_X"):
        tampered = tampered.replace("</ANNOTATION_VALUE>", "</ANNOTATION_VALUE_X>", 1)
    out = tmp_path / "a.eaf"
    out.write_text(tampered, encoding="utf-8")
    try:
        found = read_back(out, "eaf", src, options)
    except Exception:  # an unreadable file fails the export too (see export_file)
        return
    with pytest.raises(ExportVerifyError):
        compare(checks, found, str(out))


def test_eaf_read_back_catches_a_lost_annotation(tmp_path: Path) -> None:
    src, options = source(), ExportOptions("eaf")
    data, checks = export_eaf.eaf_write(src, options, now=0)
    text = data.decode()
    start = text.index("<ANNOTATION>", text.index('TIER_ID="raid"'))
    end = text.index("</ANNOTATION>", start) + len("</ANNOTATION>")
    out = tmp_path / "a.eaf"
    out.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ExportVerifyError, match="does not read back"):
        compare(checks, read_back(out, "eaf", src, options), str(out))


def _vtt_by_constructor(data: bytes, checks: list[tuple[object, ...]]) -> str:
    """The WebVTT file webvtt-py writes for these cues when each Caption comes from its
    constructor (the way vtt_write made them before it copied one caption)."""
    captions = []
    for ident, start_ms, end_ms, text, notes in checks:
        assert isinstance(start_ms, int) and isinstance(end_ms, int)
        caption = webvtt.Caption(format_ms(start_ms, "."), format_ms(end_ms, "."), text, ident)
        caption.comments = list(notes)  # type: ignore[call-overload]
        captions.append(caption)
    styles = webvtt.from_string(data.decode()).styles
    return str(webvtt.WebVTT(captions=captions, styles=styles).content)


@settings(max_examples=100)
@given(src=sources(), mode=st.sampled_from(["all", "tagged", "annotations"]), notes=st.booleans())
def test_vtt_captions_made_by_copying_write_what_the_constructor_writes(
    src: ExportSource, mode: str, notes: bool
) -> None:
    data, checks = export_subtitles.vtt_write(src, ExportOptions("vtt", mode=mode, notes=notes))
    assert data.decode() == _vtt_by_constructor(data, checks)


def test_vtt_long_programme_times(tmp_path: Path) -> None:
    hours = 101 * 3_600_000  # past 99 hours the hour field grows a digit
    src = ExportSource(
        [_annotation(1, hours, 1234, "raid", "late")],
        [],
        DEFAULT_TAGS,
        None,
        "T",
    )
    data, checks = export_subtitles.vtt_write(src, ExportOptions("vtt", mode="annotations"))
    assert "101:00:00.000 --> 101:00:01.234" in data.decode()
    assert data.decode() == _vtt_by_constructor(data, checks)
    export_file(src, tmp_path / "a.vtt", ExportOptions("vtt", mode="annotations"))


def _vtt_by_webvtt(data: bytes) -> list[tuple[object, ...]]:
    """What webvtt-py reads from a WebVTT file, in the shape of the export's checks."""
    vtt = webvtt.from_string(data.decode("utf-8"))
    return [
        (
            c.identifier,
            c.start_time.in_milliseconds(),
            c.end_time.in_milliseconds(),
            c.raw_text,
            tuple(c.comments),
        )
        for c in vtt.captions
    ]


@settings(max_examples=150)
@given(src=sources(), mode=st.sampled_from(["all", "tagged", "annotations"]), notes=st.booleans())
def test_vtt_read_back_reads_what_webvtt_py_reads(
    src: ExportSource, mode: str, notes: bool
) -> None:
    data, checks = export_subtitles.vtt_write(src, ExportOptions("vtt", mode=mode, notes=notes))
    found = export_subtitles.vtt_read_back(data)
    assert found == _vtt_by_webvtt(data)
    compare(checks, found, "x.vtt")  # raises at the first difference


@pytest.mark.parametrize("name", ["all", "tagged", "annotations"])
def test_vtt_read_back_of_the_golden_files(name: str) -> None:
    data = (Path(__file__).parent.parent / "data" / "golden" / f"hunters-{name}.vtt").read_bytes()
    assert export_subtitles.vtt_read_back(data) == _vtt_by_webvtt(data)
    assert len(export_subtitles.vtt_read_back(data)) > 3


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("00:00:03.000 --> 00:00:03.500", "00:00:03.000 --> 00:00:03.600"),  # a time moved
        ("NOTE Statistic claim: 133 -> check source\n\n", ""),  # a note lost
        ("second line", "second lime"),  # a note changed
        ("<c.raid>[RAID]</c> overlaps", "<c.raid>[RAID]</c> overlap"),  # text changed
        ("00000002-0000-4000-8000-000000000002\n", ""),  # an identifier lost
    ],
)
def test_vtt_read_back_catches_a_file_that_differs(old: str, new: str) -> None:
    golden = Path(__file__).parent.parent / "data" / "golden" / "hunters-annotations.vtt"
    data = golden.read_bytes()
    assert old.encode() in data
    assert export_subtitles.vtt_read_back(data) != export_subtitles.vtt_read_back(
        data.replace(old.encode(), new.encode(), 1)
    )


@pytest.mark.parametrize(
    "broken",
    [
        b"",
        b"WEBVTX\n\n00:00:01.000 --> 00:00:02.000\nx\n",
        b"WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nx\n",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n\nNOTE dangling\n",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n\nSTYLE\n::cue { color: red; }\n",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n\nstray words\n",
    ],
)
def test_vtt_read_back_refuses_what_is_not_our_webvtt(broken: bytes) -> None:
    with pytest.raises(ValueError):
        export_subtitles.vtt_read_back(broken)
