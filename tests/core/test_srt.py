"""SRT reading (through pysrt, without losing a line) and writing, end to end on real files."""

from __future__ import annotations

import re
from pathlib import Path

import pysrt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karachi_review.core.formats import srt
from karachi_review.core.reader import ImportResult, read_transcript
from karachi_review.core.transcript import Cue, ReadWarning


def read(tmp_path: Path, text: str, newline: str = "\n", encoding: str = "utf-8") -> ImportResult:
    path = tmp_path / "input.srt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return read_transcript(path)


def spans(result: ImportResult) -> list[tuple[int, int, str]]:
    return [(c.start_ms, c.end_ms, c.text) for c in result.transcript]


def repairs(result: ImportResult) -> list[tuple[int | None, str]]:
    return [(w.line, w.message) for w in result.warnings if w.kind == "repaired"]


def kinds(warnings: list[ReadWarning]) -> list[tuple[int | None, str]]:
    return [(w.line, w.kind) for w in warnings]


CLEAN = """1
00:00:01,000 --> 00:00:02,500
Pakistan, a nation under siege.

2
00:00:03,000 --> 00:00:05,000
Two lines
of text

3
01:02:03,456 --> 01:02:04,000
<i>Karachi</i>
"""


def test_clean_file_reads_like_pysrt_without_warnings(tmp_path: Path) -> None:
    result = read(tmp_path, CLEAN)
    oracle = pysrt.from_string(CLEAN, error_handling=pysrt.ERROR_RAISE)
    assert spans(result) == [(s.start.ordinal, s.end.ordinal, s.text) for s in oracle]
    assert [(c.index, c.id, c.line) for c in result.transcript] == [
        (1, "1", 1),
        (2, "2", 5),
        (3, "3", 10),
    ]
    assert result.warnings == []
    assert result.format == "srt"


def test_missing_blank_lines_split_at_each_timing_line(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nFirst\n"
        "2\n00:00:03,000 --> 00:00:04,000\nSecond\n"
        "00:00:05,000 --> 00:00:06,000\nThird, no number and no blank line\n"
    )
    result = read(tmp_path, text)
    assert spans(result) == [
        (1000, 2000, "First"),
        (3000, 4000, "Second"),
        (5000, 6000, "Third, no number and no blank line"),
    ]
    assert [(c.id, c.line) for c in result.transcript] == [("1", 1), ("2", 4), (None, 7)]
    assert kinds(result.warnings) == [(4, "repaired"), (7, "repaired"), (7, "repaired")]
    messages = [m for _, m in repairs(result)]
    assert "no blank line between cue 1" in messages[0]
    assert "no blank line between cue 2" in messages[1]
    assert messages[2] == "cue has no number"
    # What pysrt does with the same text: glued cues (why the blocks are split here).
    assert len(pysrt.from_string(text)) < 3


def test_blank_line_inside_text_is_kept_and_reported(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:04,000\nFirst part\n\nsecond part after a blank\n\n"
        "2\n00:00:05,000 --> 00:00:06,000\nNext\n"
    )
    result = read(tmp_path, text)
    assert spans(result) == [
        (1000, 4000, "First part\n\nsecond part after a blank"),
        (5000, 6000, "Next"),
    ]
    assert [c.line for c in result.transcript] == [1, 7]
    assert kinds(result.warnings) == [(4, "repaired")]
    with pytest.raises(pysrt.Error):  # pysrt cuts the cue there and chokes on the rest
        pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)


def numbered(*numbers: int) -> str:
    return "".join(
        f"{n}\n00:00:{i:02d},000 --> 00:00:{i:02d},500\ncue {n}\n\n"
        for i, n in enumerate(numbers, 1)
    )


def test_index_gaps_and_duplicates_are_reported_at_their_lines(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(1, 2, 5, 5, 4))
    assert [c.id for c in result.transcript] == ["1", "2", "5", "5", "4"]
    assert [c.index for c in result.transcript] == [1, 2, 3, 4, 5]
    assert repairs(result) == [
        (9, "cue number 5 follows 2"),
        (13, "cue number 5 repeats the one above"),
        (17, "cue number 4 follows 5"),
    ]


def test_a_file_without_any_cue_number_gets_one_warning(tmp_path: Path) -> None:
    text = "00:00:01,000 --> 00:00:02,000\nA\n\n00:00:03,000 --> 00:00:04,000\nB\n"
    result = read(tmp_path, text)
    assert [(c.id, c.line) for c in result.transcript] == [(None, 1), (None, 4)]
    assert repairs(result) == [(1, "no cue in this file has a number")]


def test_numbering_that_does_not_start_at_one(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(0, 1, 2))
    assert repairs(result) == [(1, "the first cue is numbered 0, not 1")]


def test_overlaps_and_inverted_times_are_reported(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\nA\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\nB overlaps A\n\n"
        "3\n00:00:06,000 --> 00:00:05,000\nC ends before it starts\n"
    )
    result = read(tmp_path, text)
    assert spans(result) == [
        (1000, 3000, "A"),
        (2000, 4000, "B overlaps A"),
        (6000, 5000, "C ends before it starts"),
    ]
    assert kinds(result.warnings) == [(5, "overlap"), (9, "inverted")]


def test_dot_milliseconds_are_read_and_reported_once(tmp_path: Path) -> None:
    result = read(tmp_path, re.sub(r"(\d),(\d)", r"\1.\2", CLEAN))
    assert spans(result) == spans(read(tmp_path, CLEAN))
    assert len(repairs(result)) == 1
    line, message = repairs(result)[0]
    assert line == 2
    assert message.startswith("3 timing lines use '.'")


def test_hours_above_99(tmp_path: Path) -> None:
    text = "1\n123:04:05,678 --> 123:04:06,000\nLate\n"
    result = read(tmp_path, text)
    assert spans(result) == [((((123 * 60 + 4) * 60) + 5) * 1000 + 678, 443_046_000, "Late")]
    assert result.warnings == []


def test_markup_is_kept_as_literal_text(tmp_path: Path) -> None:
    texts = [
        "<i>Italic</i> and <b>bold</b>",
        '<font color="#ff0000">red</font>',
        '<img src="file:///etc/passwd"> look',
        "{\\an8}top & <u>under</u> &amp; &lt;",
    ]
    text = "".join(
        f"{n}\n00:00:0{n},000 --> 00:00:0{n},500\n{t}\n\n" for n, t in enumerate(texts, 1)
    )
    result = read(tmp_path, text)
    assert [c.text for c in result.transcript] == texts


def test_text_is_kept_exactly_as_written(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n  indented\ttab   \nHe said --> go  \n\n"
    result = read(tmp_path, text)
    assert [c.text for c in result.transcript] == ["  indented\ttab   \nHe said --> go  "]
    assert result.warnings == []


def test_crlf_and_lone_cr_files_read_like_lf(tmp_path: Path) -> None:
    reference = read(tmp_path, CLEAN)
    for newline in ("\r\n", "\r"):
        result = read(tmp_path, CLEAN, newline=newline)
        assert spans(result) == spans(reference)
        assert [c.line for c in result.transcript] == [c.line for c in reference.transcript]
        assert result.warnings == []


def test_file_cut_inside_a_timing_line(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(1, 2) + "3\n00:00:05,000 --> 00:00:0")
    cue = result.transcript[2]
    assert (cue.start_ms, cue.end_ms, cue.text, cue.id, cue.line) == (5000, 5000, "", "3", 9)
    assert repairs(result)[0][0] == 10
    assert "truncated" in repairs(result)[0][1]
    assert (9, "empty") in kinds(result.warnings)


def test_file_cut_after_a_timing_line(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(1, 2) + "3\n00:00:05,000 --> 00:00:06,000\n")
    assert spans(result)[-1] == (5000, 6000, "")
    assert repairs(result) == [
        (10, "the file ends after the timing line of cue 3 (truncated?)"),
    ]


def test_file_cut_after_a_cue_number(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(1, 2) + "3")
    assert spans(result) == [(1000, 1500, "cue 1"), (2000, 2500, "cue 2")]
    assert [line for line, _ in repairs(result)] == [9]
    assert "cue number 3" in repairs(result)[0][1]


def test_file_cut_inside_text_keeps_what_is_there(tmp_path: Path) -> None:
    result = read(tmp_path, numbered(1) + "2\n00:00:05,000 --> 00:00:06,000\nHalf a sen")
    assert spans(result)[-1] == (5000, 6000, "Half a sen")


def test_missing_milliseconds_are_repaired(tmp_path: Path) -> None:
    result = read(
        tmp_path, "1\n00:00:01 --> 00:00:02\nNo ms\n\n2\n00:00:03,000 --> 00:00:04,000\nOk\n"
    )
    assert spans(result) == [(1000, 2000, "No ms"), (3000, 4000, "Ok")]
    assert repairs(result) == [
        (
            2,
            "cue 1: '00:00:01 --> 00:00:02': not a standard SRT timing line; "
            "read as 00:00:01,000 --> 00:00:02,000",
        )
    ]


def test_damaged_timings_keep_their_text(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nGood\n\n"
        "2\nxx:yy --> zz\nGarbage timing, text kept\n\n"
        "3\n00:75:00,000 --> 01:15:01,000\nMinutes out of range\n\n"
        "4\n01:20:00,000 --> ??\nNo end time\n\n"
        "5\n01:30:00,000 --> 01:30:01,000\nLast\n"
    )
    result = read(tmp_path, text)
    assert spans(result) == [
        (1000, 2000, "Good"),
        (2000, 2000, "Garbage timing, text kept"),  # at the previous cue's end
        (4_500_000, 4_501_000, "Minutes out of range"),
        (4_800_000, 5_400_000, "No end time"),  # ends where the next cue starts
        (5_400_000, 5_401_000, "Last"),
    ]
    assert [line for line, _ in repairs(result)] == [6, 10, 14]
    assert "no time can be read" in repairs(result)[0][1]
    assert "read as 01:15:00,000 --> 01:15:01,000" in repairs(result)[1][1]
    assert "end unreadable" in repairs(result)[2][1]


def test_text_before_the_first_cue_is_kept(tmp_path: Path) -> None:
    result = read(tmp_path, "\nSubtitles by someone\nsecond line\n\n" + numbered(1, 2))
    assert spans(result)[0] == (0, 0, "Subtitles by someone\nsecond line")
    assert [(c.id, c.line) for c in result.transcript] == [(None, 2), ("1", 5), ("2", 9)]
    assert repairs(result)[0][0] == 2
    assert "before the first cue" in repairs(result)[0][1]


def test_position_coordinates_and_tight_arrows(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000 X1:100 X2:200 Y1:10 Y2:20\nA\n\n"
        "2\n00:00:03,000-->00:00:04,000\nB\n"
    )
    result = read(tmp_path, text)
    assert spans(result) == [(1000, 2000, "A"), (3000, 4000, "B")]
    assert result.warnings == []


def test_urdu_cp1256_end_to_end(tmp_path: Path) -> None:
    urdu = "کراچی میں طالبان کے خلاف کارروائی".replace("ی", "ي")
    result = read(tmp_path, f"1\n00:00:05,000 --> 00:00:09,000\n{urdu}\n", encoding="cp1256")
    assert result.encoding == "cp1256"
    assert spans(result) == [(5000, 9000, urdu)]


def test_warnings_come_in_line_order(tmp_path: Path) -> None:
    text = numbered(1, 3) + "00:00:07,000 --> 00:00:08,000\nx\n\n5\n00:00:09.000 --> 00:00:10\ny\n"
    result = read(tmp_path, text)
    lines = [w.line or 0 for w in result.warnings if w.kind == "repaired"]
    assert lines == sorted(lines)
    assert lines == [5, 9, 12, 13]  # 3 follows 1, no number, 5 follows 3, no end ms


def test_a_long_run_of_digits_above_a_timing_is_text_not_a_number(tmp_path: Path) -> None:
    digits = "9" * 5000
    text = f"1\n00:00:01,000 --> 00:00:02,000\n{digits}\n00:00:03,000 --> 00:00:04,000\nB\n"
    result = read(tmp_path, text)
    assert spans(result) == [(1000, 2000, digits), (3000, 4000, "B")]
    assert result.transcript[1].id is None


def test_reader_alone_returns_no_cue_for_text_without_timings() -> None:
    warnings: list[ReadWarning] = []
    assert srt.read("just words\n", "x.srt", warnings) == []


# Writing.


def test_write_standard_srt() -> None:
    cues = [Cue(7, 1000, 2500, "Hello\nworld", id="x"), Cue(8, 360_000_000, 360_000_001, "")]
    assert srt.write(cues) == (
        "1\n00:00:01,000 --> 00:00:02,500\nHello\nworld\n\n2\n100:00:00,000 --> 100:00:00,001\n\n"
    )


def test_write_refuses_negative_times() -> None:
    with pytest.raises(ValueError, match="negative"):
        srt.write([Cue(1, -1, 10, "x")])


# Round trips: any text SRT can hold, any time from 0 to past 100 hours.

_LINE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(
        [
            "<i>x</i>",
            '<img src="file:///etc/passwd">',
            "<font color=red>",
            "42",
            "  ",
            "کراچی",
            "\u2028",
            "&amp;",
        ]
    ),
)


def _representable(text: str) -> bool:
    # SRT has no escaping: a line with "-->" reads as a timing line, trailing blank lines are
    # the separator. Everything else must come back unchanged.
    return "-->" not in text and (text == "" or bool(text.split("\n")[-1].strip()))


_TEXT = st.lists(_LINE, max_size=4).map("\n".join).filter(_representable)
_MS = st.integers(min_value=0, max_value=110 * 3_600_000)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(_MS, _MS, _TEXT), min_size=1, max_size=6))
def test_round_trip_write_then_read(tmp_path: Path, items: list[tuple[int, int, str]]) -> None:
    items.sort(key=lambda item: item[0])  # in time order, as a Transcript holds them
    cues = [Cue(i, start, end, text) for i, (start, end, text) in enumerate(items, 1)]
    path = tmp_path / "round.srt"
    path.write_text(srt.write(cues), encoding="utf-8")
    result = read_transcript(path)
    assert [(c.start_ms, c.end_ms, c.text) for c in result.transcript] == items
    assert [c.id for c in result.transcript] == [str(i) for i in range(1, len(items) + 1)]
    assert not [w for w in result.warnings if w.kind == "repaired" and "blank" not in w.message]


# Damaged files: whatever the mix of lines, no line of text is lost and nothing crashes.

_DAMAGED_LINE = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "7",
            "00:00:01,000 --> 00:00:02,000",
            "00:00:03.5 --> 00:00:04",
            "100:00:00,000 --> 100:00:01,000 X1:1",
            "00:0",
            "xx --> yy",
            "00:00:09,000 -->",
            "--> 00:00:05,000",
            "<i>markup</i>",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=10),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_DAMAGED_LINE, min_size=1, max_size=25))
def test_damaged_files_lose_no_text(lines: list[str]) -> None:
    text = "1\n00:00:00,000 --> 00:00:01,000\nstart\n\n" + "\n".join(lines)
    warnings: list[ReadWarning] = []
    cues = srt.read(text, "fuzz.srt", warnings)
    kept = [line for cue in cues for line in cue.text.split("\n")]
    for line in lines:
        if line.strip() and "-->" not in line and not line.strip().isdigit():
            assert line in kept
    assert all(w.line is not None and w.line >= 1 for w in warnings)
    assert [c.index for c in cues] == list(range(1, len(cues) + 1))
