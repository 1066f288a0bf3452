"""The documentary's timed-lines format: ``0:00:05 > 0:00:09Text``."""

from __future__ import annotations

import codecs
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from karachi_review.core.formats import timed_lines
from karachi_review.core.samples import sample_path
from karachi_review.core.transcript import Cue, ReadWarning


def _read(text: str) -> tuple[list[Cue], list[ReadWarning]]:
    warnings: list[ReadWarning] = []
    return timed_lines.read(text, "t.txt", warnings), warnings


# --- the bundled sample ------------------------------------------------------------------------


def test_sample_reads_as_324_cues_from_5s_to_28m07s() -> None:
    from karachi_review.core.reader import read_transcript

    result = read_transcript(sample_path())
    assert result.format == "timed-lines"
    assert len(result.transcript) == 324
    assert result.transcript.start_ms == 5000  # 0:00:05
    assert result.transcript.end_ms == 1687000  # 0:28:07
    assert result.transcript[0].text == "Pakistan, a nation under siege."
    assert result.warnings == []


def test_sample_every_non_blank_line_is_exactly_one_cue() -> None:
    path = sample_path()
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    non_blank = [n for n, line in enumerate(raw_lines, 1) if line.strip()]
    cues, warnings = _read(path.read_text(encoding="utf-8"))
    assert warnings == []
    assert [c.line for c in cues] == non_blank
    assert [c.index for c in cues] == list(range(1, len(non_blank) + 1))
    for cue in cues:
        # every sample line is canonical, so writing its cue gives the line back byte for byte
        assert cue.line is not None
        assert timed_lines.write([cue]) == raw_lines[cue.line - 1] + "\n"


def test_sample_line_with_digits_glued_to_end_time() -> None:
    cues, _ = _read(sample_path().read_text(encoding="utf-8"))
    cue = next(c for c in cues if c.start_ms == 22 * 60_000 + 32_000)
    assert cue.end_ms == 1357000  # 0:22:37, not 37133 seconds
    assert cue.text.startswith("133 children")


# --- good input --------------------------------------------------------------------------------


def test_hours_may_have_several_digits() -> None:
    cues, warnings = _read("123:00:00 > 123:00:05Late\n")
    assert warnings == []
    assert (cues[0].start_ms, cues[0].end_ms) == (123 * 3_600_000, 123 * 3_600_000 + 5000)


def test_text_starting_with_digits_after_end_time() -> None:
    cues, _ = _read("0:00:01 > 0:00:0299 luftballons\n")
    assert (cues[0].end_ms, cues[0].text) == (2000, "99 luftballons")


def test_blank_lines_are_skipped_and_line_numbers_kept() -> None:
    cues, warnings = _read("\n0:00:01 > 0:00:02a\n\n   \n0:00:03 > 0:00:04b\n\n")
    assert warnings == []
    assert [(c.line, c.text) for c in cues] == [(2, "a"), (5, "b")]


def test_text_is_kept_as_written_including_markup() -> None:
    cues, _ = _read("0:00:01 > 0:00:02 <i>spaced</i> & <img src=x>\n")
    assert cues[0].text == " <i>spaced</i> & <img src=x>"


# --- damaged input -----------------------------------------------------------------------------


def test_line_without_times_is_added_to_the_cue_above_and_reported() -> None:
    cues, warnings = _read("0:00:01 > 0:00:02First\nmore of it\n0:00:03 > 0:00:04Second\n")
    assert [c.text for c in cues] == ["First\nmore of it", "Second"]
    assert [(w.line, w.kind) for w in warnings] == [(2, "repaired")]


def test_text_before_the_first_cue_is_kept_as_zero_length_cue() -> None:
    cues, warnings = _read("Transcript of the film\n0:00:05 > 0:00:09Hello\n")
    assert (cues[0].start_ms, cues[0].end_ms, cues[0].text) == (0, 0, "Transcript of the film")
    assert cues[1].index == 2
    assert [(w.line, w.kind) for w in warnings] == [(1, "repaired")]


def test_missing_end_time_ends_at_next_cue() -> None:
    cues, warnings = _read("0:00:05 > \n0:00:09 > 0:00:10b\n0:00:11 >c\n")
    assert [(c.start_ms, c.end_ms) for c in cues] == [(5000, 9000), (9000, 10000), (11000, 11000)]
    assert [c.text for c in cues] == [" ", "b", "c"]
    assert [(w.line, w.kind) for w in warnings] == [(1, "repaired"), (3, "repaired")]


def test_minutes_or_seconds_above_59_are_kept_and_reported() -> None:
    cues, warnings = _read("0:00:01 > 0:00:02a\n0:61:70 > 0:62:00b\n")
    assert cues[1].start_ms == (61 * 60 + 70) * 1000
    assert cues[1].end_ms == 62 * 60_000
    assert [(w.line, w.kind) for w in warnings] == [(2, "time"), (2, "time")]


def test_warnings_come_in_line_order() -> None:
    _, warnings = _read("0:00:05 > oops\n0:99:00 > 1:40:00x\n")
    assert [w.line for w in warnings] == sorted(w.line or 0 for w in warnings)


def test_one_digit_minutes_is_not_a_timed_line() -> None:
    cues, warnings = _read("0:00:01 > 0:00:02a\n0:0:03 > 0:0:04b\n")
    assert len(cues) == 1
    assert cues[0].text == "a\n0:0:03 > 0:0:04b"
    assert warnings[0].line == 2


# --- through the whole reader (decoding and detection) ------------------------------------------


def test_crlf_bom_and_utf16_files_read_the_same(tmp_path: Path) -> None:
    text = "0:00:05 > 0:00:09Pakistan, a nation under siege.\n0:00:11 > 0:00:15Café\n"
    expected = [(c.start_ms, c.end_ms, c.text) for c in _read(text)[0]]
    from karachi_review.core.reader import read_transcript

    variants = {
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": text.replace("\n", "\r").encode("utf-8"),
        "bom.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
        "cp1252.txt": text.encode("cp1252"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = read_transcript(path)
        assert result.format == "timed-lines", name
        assert [(c.start_ms, c.end_ms, c.text) for c in result.transcript] == expected, name


def test_reader_reports_overlap_of_timed_lines() -> None:
    from karachi_review.core.reader import read_transcript_bytes

    result = read_transcript_bytes(b"0:00:01 > 0:00:05a\n0:00:03 > 0:00:06b\n", "o.txt")
    assert [(w.line, w.kind) for w in result.warnings] == [(2, "overlap")]


# --- writing -----------------------------------------------------------------------------------


def test_write_uses_h_mm_ss_and_glues_text() -> None:
    out = timed_lines.write([Cue(1, 1_352_400, 1_357_999, "133 children")])
    assert out == "0:22:32 > 0:22:37133 children\n"


def test_write_nothing_is_empty() -> None:
    assert timed_lines.write([]) == ""


_one_line = st.text(st.characters(blacklist_characters="\n"), max_size=30)


@given(
    st.lists(
        st.tuples(st.integers(0, 400 * 3_600_000), st.integers(0, 10 * 3_600_000), _one_line),
        min_size=1,
        max_size=20,
    )
)
def test_round_trip_at_second_precision(items: list[tuple[int, int, str]]) -> None:
    cues = [Cue(i, start, start + length, text) for i, (start, length, text) in enumerate(items, 1)]
    back, warnings = _read(timed_lines.write(cues))
    assert warnings == []
    assert [(c.start_ms, c.end_ms, c.text) for c in back] == [
        (c.start_ms // 1000 * 1000, c.end_ms // 1000 * 1000, c.text) for c in cues
    ]


def test_multi_line_text_round_trips_with_warnings() -> None:
    cues = [Cue(1, 1000, 2000, "one\ntwo"), Cue(2, 3000, 4000, "three")]
    back, warnings = _read(timed_lines.write(cues))
    assert [c.text for c in back] == ["one\ntwo", "three"]
    assert [(w.line, w.kind) for w in warnings] == [(2, "repaired")]
