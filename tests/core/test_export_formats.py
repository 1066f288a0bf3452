"""Every export format: golden files, and read-back with independent readers.

Golden files live in tests/data/golden; regenerate them after a deliberate format change with
``KARACHI_UPDATE_GOLDEN=1 pytest tests/core/test_export_formats.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pympi
import pysrt
import pysubs2
import pytest
import webvtt
import xmlschema
from export_fixtures import ANNOTATIONS, CUES, XSD, ann, golden, source

from karachi_review.core import export_eaf
from karachi_review.core.export import FORMATS, export_file, render
from karachi_review.core.export_model import ExportOptions

SUBTITLES = [(f, m) for f in ("srt", "vtt", "ass") for m in ("all", "tagged", "annotations")]
OTHERS = ["csv", "json", "jsonl", "resolve-edl", "avid-edl", "xmeml", "fcpxml"]


@pytest.mark.parametrize(("fmt", "mode"), SUBTITLES)
def test_subtitle_golden(fmt: str, mode: str) -> None:
    data, _ = render(source(), ExportOptions(fmt, mode=mode))
    assert data == golden(f"hunters-{mode}.{fmt}", data)


@pytest.mark.parametrize("fmt", OTHERS)
def test_other_golden(fmt: str) -> None:
    data, _ = render(source(), ExportOptions(fmt))
    assert data == golden(f"hunters.{fmt}", data)


def test_eaf_golden() -> None:
    data, _ = export_eaf.eaf_write(source(), ExportOptions("eaf"), now=0)
    assert data == golden("hunters.eaf", data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exports_and_reads_back(fmt: str, tmp_path: Path) -> None:
    result = export_file(source(), tmp_path / f"out.{fmt}", ExportOptions(fmt))
    assert result.size == (tmp_path / f"out.{fmt}").stat().st_size
    assert result.items > 0
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]


# ------------------------------------------------------------------------------ subtitles


def test_srt_all_cues_read_by_pysrt(tmp_path: Path) -> None:
    out = tmp_path / "a.srt"
    export_file(source(), out, ExportOptions("srt", mode="all"))
    subs = pysrt.open(str(out), error_handling=pysrt.ERROR_RAISE)
    assert len(subs) == len(CUES)
    assert [(s.start.ordinal, s.end.ordinal) for s in subs] == [
        (c.start_ms, c.end_ms) for c in CUES
    ]
    # Cue 2 had a blank line: still one cue, both halves kept, arrow defused.
    assert subs[1].text.splitlines()[:2] == [
        "[RAID] [INTERVIEW] Line one",
        "after a blank line -> arrow <i>x</i>",
    ]
    assert "RAID: overlaps the first raid / second line" in subs[1].text
    assert subs[0].text.startswith("[RAID] Pakistan")
    assert (
        subs[3].text
        == "[STATISTIC CLAIM] The police came at night.\nSTATISTIC CLAIM: 133 -> check source"
    )


def test_srt_tagged_and_annotation_modes(tmp_path: Path) -> None:
    tagged = tmp_path / "t.srt"
    export_file(source(), tagged, ExportOptions("srt", mode="tagged", notes=False))
    subs = pysrt.open(str(tagged), error_handling=pysrt.ERROR_RAISE)
    assert [s.text.split("]")[0] + "]" for s in subs] == [
        "[RAID]",
        "[RAID]",
        "[INTERVIEW]",
        "[STATISTIC CLAIM]",
    ]
    assert all("RAID:" not in s.text for s in subs)
    one = tmp_path / "o.srt"
    export_file(source(), one, ExportOptions("srt", mode="annotations"))
    subs = pysrt.open(str(one), error_handling=pysrt.ERROR_RAISE)
    assert [(s.start.ordinal, s.end.ordinal) for s in subs] == [
        (a.start_ms, a.end_ms) for a in ANNOTATIONS
    ]
    assert subs[0].text == '[RAID] =HYPERLINK("http://x") night raid'
    assert subs[1].text == "[INTERVIEW]"


def test_vtt_read_by_webvtt_py(tmp_path: Path) -> None:
    out = tmp_path / "a.vtt"
    export_file(source(), out, ExportOptions("vtt", mode="annotations"))
    vtt = webvtt.read(str(out))
    assert [c.identifier for c in vtt.captions] == [a.id for a in ANNOTATIONS]
    assert vtt.captions[0].raw_text.startswith("<c.raid>[RAID]</c>")
    assert vtt.captions[3].raw_text.startswith("<c.statistic-claim>[STATISTIC CLAIM]</c>")
    assert vtt.captions[0].comments == ['Raid: =HYPERLINK("http://x") night raid']
    assert vtt.captions[1].comments == []
    styles = "\n".join(s.text for s in vtt.styles)
    assert "::cue(.raid) { color: #d55e00; }" in styles
    assert "::cue(.interview) { color: #0072b2; }" in styles
    # Text a browser would take as markup is escaped, and "-->" cannot end the timing line.
    every = tmp_path / "b.vtt"
    export_file(source(), every, ExportOptions("vtt", mode="all"))
    vtt = webvtt.read(str(every))
    assert len(vtt.captions) == len(CUES)
    assert "&lt;i&gt;x&lt;/i&gt;" in vtt.captions[1].raw_text
    assert "-->" not in vtt.captions[1].raw_text


def test_ass_one_style_per_tag_read_by_pysubs2(tmp_path: Path) -> None:
    out = tmp_path / "a.ass"
    export_file(source(), out, ExportOptions("ass", mode="annotations"))
    subs = pysubs2.load(str(out))
    assert [e.style for e in subs.events] == [a.tag for a in ANNOTATIONS]
    assert [(e.start, e.end) for e in subs.events] == [(a.start_ms, a.end_ms) for a in ANNOTATIONS]
    raid = subs.styles["raid"].primarycolor
    assert (raid.r, raid.g, raid.b) == (0xD5, 0x5E, 0x00)
    claim = subs.styles["statistic-claim"].primarycolor
    assert (claim.r, claim.g, claim.b) != (raid.r, raid.g, raid.b)


# ----------------------------------------------------------------------------------- data


def test_csv_read_by_csv_module(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    export_file(source(), out, ExportOptions("csv"))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["id"] for r in rows] == [a.id for a in ANNOTATIONS]
    assert rows[0]["note"] == '\'=HYPERLINK("http://x") night raid'
    assert rows[0]["start_tc"] == "00:00:01:00" and rows[0]["end_tc"] == "00:00:04:00"
    assert rows[0]["start_frame"] == "25" and rows[0]["end_frame"] == "100"
    assert rows[0]["cue_text"].startswith("Pakistan, a nation under siege.\nLine one")
    assert rows[0]["media"] == "/footage/hunters.mp4"


def test_json_and_jsonl_schema(tmp_path: Path) -> None:
    export_file(source(), tmp_path / "a.json", ExportOptions("json"))
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc["format"] == "karachi-review-annotations" and doc["format_version"] == 2
    assert doc["timecode"] == {"fps": "25", "drop_frame": False, "start_tc": "00:00:00:00"}
    first = doc["annotations"][0]
    assert first["note"] == '=HYPERLINK("http://x") night raid'  # JSON keeps it as written
    assert (first["start_ms"], first["end_ms"], first["start_frame"]) == (1000, 4000, 25)
    export_file(source(), tmp_path / "a.jsonl", ExportOptions("jsonl"))
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == doc["annotations"]
    assert set(first) >= {
        "id", "start_ms", "end_ms", "start_tc", "end_tc", "start_frame", "end_frame",
        "tag", "note", "annotator", "cue_text", "media",
    }  # fmt: skip


def test_data_without_a_frame_rate_has_null_timecodes(tmp_path: Path) -> None:
    export_file(source(fps=None), tmp_path / "a.json", ExportOptions("json"))
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc["annotations"][0]["start_tc"] is None
    assert doc["annotations"][0]["start_frame"] is None


# -------------------------------------------------------------------------------- markers


def _otio_edl(path: Path, rate: float) -> otio.schema.Timeline:
    return otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=rate)


def test_resolve_edl_read_by_opentimelineio(tmp_path: Path) -> None:
    out = tmp_path / "m.edl"
    export_file(source(), out, ExportOptions("resolve-edl"))
    text = out.read_text(encoding="utf-8")
    assert ' |C:ResolveColorRed |M:Raid: =HYPERLINK("http://x") night raid |D:75' in text
    timeline = _otio_edl(out, 25)
    clips = list(timeline.find_clips())
    # OTIO ignores Resolve's |C: lines; it reads the events they hang on.
    assert [c.source_range.start_time.to_timecode() for c in clips] == [
        "01:00:01:00",
        "01:00:02:12",
        "01:00:03:00",
        "01:00:09:01",
    ]


def test_avid_edl_locators_read_by_opentimelineio(tmp_path: Path) -> None:
    out = tmp_path / "m.edl"
    export_file(source(), out, ExportOptions("avid-edl"))
    timeline = _otio_edl(out, 25)
    found = [
        (m.marked_range.start_time.to_timecode(), m.color, m.name)
        for c in timeline.find_clips()
        for m in c.markers
    ]
    assert found == [
        ("01:00:01:00", "RED", 'Raid: =HYPERLINK("http://x") night raid'),
        ("01:00:02:12", "BLUE", "Interview"),
        ("01:00:03:00", "RED", "Raid: overlaps the first raid / second line"),
        ("01:00:09:01", "YELLOW", "Statistic claim: 133 -> check source"),
    ]


def test_xmeml_read_by_opentimelineio(tmp_path: Path) -> None:
    out = tmp_path / "m.xml"
    export_file(source(), out, ExportOptions("xmeml"))
    timeline = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    assert timeline.global_start_time.to_timecode() == "01:00:00:00"
    found = [
        (
            m.name,
            m.marked_range.start_time.to_frames(),
            m.marked_range.duration.to_frames(),
            m.metadata["fcp_xml"]["comment"],
        )
        for m in timeline.tracks.markers
    ]
    assert found == [
        ("Raid", 25, 75, '=HYPERLINK("http://x") night raid'),
        ("Interview", 62, 88, None),
        ("Raid", 75, 12, "overlaps the first raid\nsecond line"),
        ("Statistic claim", 226, 73, "133 -> check source"),
    ]


def test_fcpxml_read_by_opentimelineio(tmp_path: Path) -> None:
    out = tmp_path / "m.fcpxml"
    export_file(source(), out, ExportOptions("fcpxml"))
    collection = otio.adapters.read_from_file(str(out), adapter_name="fcpx_xml")
    assert [t.name for t in collection] == ["Taliban hunters"]
    clips = list(collection[0].find_clips())
    assert [c.name for c in clips] == ["hunters"]  # the media file as an asset-clip

    # OTIO's FCPXML reader truncates float seconds x fps (226/25 s -> 225.99999 -> frame 225);
    # the expected frames go through the same arithmetic from our exact times.
    def otio_frames(frames: int) -> int:
        return int(float(Fraction(frames, 25)) * 25.0)

    found = [
        (m.name, m.marked_range.start_time.value, m.marked_range.duration.value)
        for m in clips[0].markers
    ]
    assert found == [
        (name, otio_frames(first), otio_frames(length))
        for name, first, length in [
            ("Raid", 25, 75),
            ("Interview", 62, 88),
            ("Raid", 75, 12),
            ("Statistic claim", 226, 73),
        ]
    ]
    assert otio_frames(226) == 225  # the truncation is real, so this test checks something
    text = out.read_text(encoding="utf-8")
    assert 'src="file:///footage/hunters.mp4"' in text and 'tcStart="3600s"' in text


# ------------------------------------------------------------------------------------ EAF


def test_eaf_valid_against_the_eaf_3_schema_and_read_by_pympi(tmp_path: Path) -> None:
    out = tmp_path / "a.eaf"
    export_file(source(), out, ExportOptions("eaf"))
    xmlschema.XMLSchema(str(XSD)).validate(str(out))
    eaf = pympi.Eaf(str(out))
    assert sorted(eaf.get_tier_names()) == [
        "interview",
        "raid",
        "raid (2)",
        "statistic-claim",
        "transcript",
    ]
    assert [a[:3] for a in sorted(eaf.get_annotation_data_for_tier("raid"))] == [
        (1000, 4000, '=HYPERLINK("http://x") night raid')
    ]
    assert [a[:3] for a in eaf.get_annotation_data_for_tier("raid (2)")] == [
        (3000, 3500, "overlaps the first raid\nsecond line")
    ]
    assert len(eaf.get_annotation_data_for_tier("transcript")) == len(CUES)
    assert eaf.adocument["VERSION"] == "3.0"


def test_an_invalid_eaf_fails_the_schema() -> None:
    # The schema check is not vacuous: a document without its required HEADER is refused.
    data, _ = export_eaf.eaf_write(source(), ExportOptions("eaf"), now=0)
    broken = data.replace(b"<HEADER", b"<HEADLESS").replace(b"</HEADER>", b"</HEADLESS>")
    assert not xmlschema.XMLSchema(str(XSD)).is_valid(io.BytesIO(broken))


def test_subtitle_times_at_29_97_are_exact(tmp_path: Path) -> None:
    src = source(Fraction(30000, 1001))
    export_file(src, tmp_path / "a.srt", ExportOptions("srt", mode="annotations"))
    subs = pysrt.open(str(tmp_path / "a.srt"))
    assert [s.start.ordinal for s in subs] == [a.start_ms for a in ANNOTATIONS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_notes_survive_every_format(fmt: str, tmp_path: Path) -> None:
    # Blank lines, an arrow, a control character, ASS braces, an EDL field separator, markup.
    note = "first\n\n  \nsecond --> third\x0b {\\b1} | <b>&amp;</b>\r\n"
    annotations = [ann(1, 1000, 4000, "raid", note), ann(2, 4000, 4040, "interview", "-->")]
    result = export_file(source(annotations=annotations), tmp_path / "x", ExportOptions(fmt))
    assert result.annotations == 2
    if fmt == "srt":
        subs = pysrt.open(str(tmp_path / "x"), error_handling=pysrt.ERROR_RAISE)
        assert len(subs) == len(CUES)
    if fmt == "vtt":
        vtt = webvtt.read(str(tmp_path / "x"))
        assert len(vtt.captions) == len(CUES)
        assert vtt.captions[0].comments == [
            "Raid: first\nsecond -> third\x0b {\\b1} | <b>&amp;</b>"
        ]
    if fmt == "eaf":
        xmlschema.XMLSchema(str(XSD)).validate(str(tmp_path / "x"))
