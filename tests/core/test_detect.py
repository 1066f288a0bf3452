"""Format detection by content: file names never decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from karachi_review.core.errors import UnknownFormatError
from karachi_review.core.formats import ass, srt, timed_lines, vtt
from karachi_review.core.formats.detect import FORMATS, detect_format
from karachi_review.core.reader import read_transcript

SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n"
VTT = "WEBVTT\n\n00:01.000 --> 00:02.500\nHello\n"
ASS = (
    "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    "Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,Hello\n"
)
TIMED = "0:00:05 > 0:00:09Pakistan, a nation under siege.\n0:22:32 > 0:22:37133 children\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SRT, "srt"),
        (SRT.replace(",", "."), "srt"),  # dot milliseconds
        (SRT.replace(",000", "").replace(",500", ""), "srt"),  # missing milliseconds
        ("Subtitles by someone\n\n" + SRT, "srt"),  # stray text before the first cue
        ("\n\n  \n" + SRT, "srt"),
        ("1\n100:00:01,000 --> 100:00:02,000\nLate\n", "srt"),
        (VTT, "vtt"),
        ("WEBVTT - a title\n\n1\n00:00:01.000 --> 00:00:02.000\nx\n", "vtt"),
        (ASS, "ass"),
        (ASS.replace("[Script Info]\nScriptType: v4.00+\n\n", "; a comment\n"), "ass"),
        (TIMED, "timed-lines"),
        ("  0:00:05 > 0:00:09Text\n", "timed-lines"),
        ("Karachi transcript\n\n" + TIMED, "timed-lines"),
    ],
)
def test_detects_by_content(text: str, expected: str) -> None:
    assert detect_format(text, "any.name") == expected


def test_srt_timing_deep_in_the_head_is_found_but_not_beyond_it() -> None:
    preamble = "".join(f"note {i}\n" for i in range(45))
    assert detect_format(preamble + SRT, "x") == "srt"
    preamble = "".join(f"note {i}\n" for i in range(60))
    with pytest.raises(UnknownFormatError):
        detect_format(preamble + SRT, "x")


def test_ass_events_after_a_long_fonts_section() -> None:
    fonts = "[Fonts]\nfontname: a.ttf\n" + "M" * 80 + "\n" * 1
    text = fonts * 100 + ASS.split("\n\n", 1)[1]
    assert detect_format(text, "x") == "ass"


@pytest.mark.parametrize(
    "text",
    [
        "Just some prose.\nNo times here.\n",
        "1\n2\n3\n",
        "<html><body>00:00:01</body></html>\n",
        "12:30 meeting --> lunch\n",
    ],
)
def test_unknown_text_raises_with_line_one(text: str) -> None:
    with pytest.raises(UnknownFormatError) as info:
        detect_format(text, "notes.srt")
    assert info.value.line == 1
    assert info.value.path == "notes.srt"
    assert "SRT, WebVTT, ASS/SSA, timed lines" in info.value.message


def test_format_names_match_the_readers() -> None:
    assert FORMATS == ("srt", "vtt", "ass", "timed-lines")
    assert (srt.FORMAT, vtt.FORMAT, ass.FORMAT, timed_lines.FORMAT) == FORMATS


def test_file_name_does_not_decide(tmp_path: Path) -> None:
    misnamed = tmp_path / "episode.vtt"
    misnamed.write_text(SRT, encoding="utf-8")
    assert read_transcript(misnamed).format == "srt"
    other = tmp_path / "episode.srt"
    other.write_text(TIMED, encoding="utf-8")
    assert read_transcript(other).format == "timed-lines"
