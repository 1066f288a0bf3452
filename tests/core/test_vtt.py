"""WebVTT through webvtt-py, with the blocks it drops recovered and reported."""

from __future__ import annotations

import codecs
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from karachi_review.core.formats import vtt
from karachi_review.core.transcript import Cue, ReadWarning

GOOD = """WEBVTT - a documentary
X-TIMESTAMP-MAP=LOCAL:00:00:00.000,MPEGTS:0

STYLE
::cue(v[voice="Roger"]) { color: red }

REGION
id:fred width:40%

NOTE The translator's note,
on two lines

intro
00:00:01.000 --> 00:00:02.500 line:0 align:start position:10%
<v Roger>Hi <b>there</b>
second line

00:00:03.000 --> 00:00:04.000
<v.loud Ann Smith>One voice</v> <v Ann Smith>still Ann</v>

NOTE between cues

3
00:00:05.000 --> 00:00:06.000 region:fred
<v Ann>Two</v> <v Bob>voices</v> &amp; <img src=x>

100:00:00.000 --> 100:00:01.500
Hours above 99
"""


def _read(text: str, path: str = "t.vtt") -> tuple[list[Cue], list[ReadWarning]]:
    warnings: list[ReadWarning] = []
    return vtt.read(text, path, warnings), warnings


def test_good_file_keeps_ids_text_voices_and_lines() -> None:
    cues, warnings = _read(GOOD)
    assert warnings == []
    assert [c.index for c in cues] == [1, 2, 3, 4]
    assert [c.id for c in cues] == ["intro", None, "3", None]
    assert [c.line for c in cues] == [13, 18, 23, 27]
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (1000, 2500),
        (3000, 4000),
        (5000, 6000),
        (360_000_000, 360_001_500),
    ]
    assert cues[0].text == "<v Roger>Hi <b>there</b>\nsecond line"
    assert cues[2].text == "<v Ann>Two</v> <v Bob>voices</v> &amp; <img src=x>"
    assert [c.speaker for c in cues] == ["Roger", "Ann Smith", None, None]


def test_note_style_and_region_blocks_never_reach_cue_text() -> None:
    cues, _ = _read(GOOD)
    joined = "\n".join(c.text for c in cues)
    for word in ("NOTE", "translator", "between cues", "STYLE", "::cue", "REGION", "width:40%"):
        assert word not in joined


def test_style_block_split_by_a_blank_line_stays_out_of_cue_text() -> None:
    text = "WEBVTT\n\nSTYLE\n::cue {\n\n  color: red }\n\n00:00:01.000 --> 00:00:02.000\nfirst\n"
    cues, warnings = _read(text)
    assert [c.text for c in cues] == ["first"]
    assert [(w.line, w.kind) for w in warnings] == [(6, "ignored")]


def test_settings_are_kept_as_written() -> None:
    cues, _ = _read(GOOD, "settings.vtt")
    assert [(c.line, c.settings) for c in cues if c.settings] == [
        (13, "line:0 align:start position:10%"),
        (23, "region:fred"),
    ]
    assert [c.settings for c in cues] == [
        "line:0 align:start position:10%",
        None,
        "region:fred",
        None,
    ]


def test_short_timestamps_are_read() -> None:
    cues, warnings = _read("WEBVTT\n\n01:02.5 --> 1:01:02.250\nshort\n")
    assert warnings == []
    assert (cues[0].start_ms, cues[0].end_ms) == (62_500, 3_662_250)


def test_leading_bom_is_ignored() -> None:
    cues, warnings = _read("\ufeffWEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n")
    assert warnings == []
    assert (cues[0].text, cues[0].line) == ("x", 3)


# --- damaged input -----------------------------------------------------------------------------


def test_comma_decimal_separator_is_repaired_and_reported() -> None:
    text = (
        "WEBVTT\n\n1\n00:00:03.000 --> 00:00:04,000\nsrt style\n\n"
        "00:00:05.000 --> 00:00:06.000\nok\n"
    )
    cues, warnings = _read(text)
    assert [(c.id, c.start_ms, c.end_ms, c.text, c.line) for c in cues] == [
        ("1", 3000, 4000, "srt style", 3),
        (None, 5000, 6000, "ok", 7),
    ]
    assert [(w.line, w.kind) for w in warnings] == [(4, "repaired")]


def test_missing_end_time_ends_at_next_cue() -> None:
    text = "WEBVTT\n\n00:00:05.000 -->\nno end\n\n00:00:09.000 --> 00:00:10.000\nnext\n"
    cues, warnings = _read(text)
    assert [(c.start_ms, c.end_ms, c.text) for c in cues] == [
        (5000, 9000, "no end"),
        (9000, 10000, "next"),
    ]
    assert [(w.line, w.kind) for w in warnings] == [(3, "repaired")]


def test_missing_end_time_on_last_cue_gives_zero_length() -> None:
    cues, warnings = _read("WEBVTT\n\n00:00:05.000 -->\nlast\n")
    assert (cues[0].start_ms, cues[0].end_ms, cues[0].text) == (5000, 5000, "last")
    assert len(warnings) == 1


def test_unreadable_timing_keeps_text_as_zero_length_cue() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na\n\nid7\nsoon --> later\ngarbage times\n"
    cues, warnings = _read(text)
    assert [(c.id, c.start_ms, c.end_ms, c.text) for c in cues] == [
        (None, 1000, 2000, "a"),
        ("id7", 2000, 2000, "garbage times"),
    ]
    assert [(w.line, w.kind) for w in warnings] == [(7, "repaired")]


def test_text_after_a_blank_line_inside_a_cue_is_kept() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfirst\n\nsecond paragraph\n"
    cues, warnings = _read(text)
    assert [c.text for c in cues] == ["first\n\nsecond paragraph"]
    assert [(w.line, w.kind) for w in warnings] == [(6, "repaired")]


def test_text_before_the_first_cue_is_reported_not_made_a_cue() -> None:
    text = "WEBVTT\n\nstray words\n\n00:00:01.000 --> 00:00:02.000\nfirst\n"
    cues, warnings = _read(text)
    assert [c.text for c in cues] == ["first"]
    assert [(w.line, w.kind) for w in warnings] == [(3, "ignored")]
    assert "stray words" in warnings[0].message


def test_missing_header_is_reported_and_lines_stay_true() -> None:
    cues, warnings = _read("00:00:01.000 --> 00:00:02.000\nno header\n")
    assert [(c.text, c.line) for c in cues] == [("no header", 1)]
    assert [(w.line, w.kind) for w in warnings] == [(1, "repaired")]


def test_missing_blank_line_follows_the_webvtt_rules() -> None:
    # a timing line that cannot belong to the current block starts a new cue
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none\n00:00:03.000 --> 00:00:04.000\ntwo\n"
    cues, warnings = _read(text)
    assert [(c.start_ms, c.text, c.line) for c in cues] == [(1000, "one", 3), (3000, "two", 5)]
    assert warnings == []


def test_cue_right_after_the_header_line() -> None:
    cues, warnings = _read("WEBVTT\n00:00:01.000 --> 00:00:02.000\ntext\n")
    assert [(c.text, c.line) for c in cues] == [("text", 2)]
    assert warnings == []


def test_truncated_file_keeps_the_last_cue() -> None:
    cues, _ = _read("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwhole\n\n00:00:03.000 --> 00:00:0")
    assert [c.text for c in cues] == ["whole", ""]
    assert cues[1].start_ms == 3000


# --- through the whole reader (decoding and detection) ------------------------------------------


def test_crlf_bom_and_utf16_files_read_the_same(tmp_path: Path) -> None:
    from karachi_review.core.reader import read_transcript

    expected = [(c.start_ms, c.end_ms, c.text, c.id, c.line) for c in _read(GOOD)[0]]
    variants = {
        "crlf.vtt": GOOD.replace("\n", "\r\n").encode("utf-8"),
        "bom.vtt": codecs.BOM_UTF8 + GOOD.encode("utf-8"),
        "utf16.vtt": GOOD.encode("utf-16"),
        "noext.txt": GOOD.encode("utf-8"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = read_transcript(path)
        assert result.format == "vtt", name
        got = [(c.start_ms, c.end_ms, c.text, c.id, c.line) for c in result.transcript]
        assert got == expected, name


# --- writing -----------------------------------------------------------------------------------


def test_write_escapes_arrow_and_keeps_blank_lines_as_space() -> None:
    out = vtt.write([Cue(1, 1000, 2000, "a --> b\n\nc", id="x")])
    cues, warnings = _read(out)
    assert warnings == []
    assert (cues[0].id, cues[0].text) == ("x", "a --&gt; b\n \nc")


def test_write_rejects_negative_times() -> None:
    import pytest

    with pytest.raises(ValueError):
        vtt.write([Cue(1, -1, 2000, "a")])


_line = st.text(st.characters(codec="utf-8", blacklist_characters="\n\r"), min_size=1).filter(
    lambda s: "-->" not in s
)
_identifier = st.none() | _line
_settings = st.lists(
    st.sampled_from(["line:0", "align:start", "position:10%", "size:50%", "vertical:rl"]),
    max_size=3,
    unique=True,
).map(" ".join)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 200 * 3_600_000),
            st.integers(0, 3_600_000),
            st.lists(_line, max_size=3).map("\n".join),
            _identifier,
            _settings,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_round_trip(items: list[tuple[int, int, str, str | None, str]]) -> None:
    cues = [
        Cue(i, start, start + length, text, id=ident, line=i, settings=setting or None)
        for i, (start, length, text, ident, setting) in enumerate(items, 1)
    ]
    back, warnings = _read(vtt.write(cues), "round-trip.vtt")
    assert warnings == []
    assert [(c.start_ms, c.end_ms, c.text, c.id) for c in back] == [
        (c.start_ms, c.end_ms, c.text, c.id) for c in cues
    ]
    assert [c.settings or "" for c in back] == [s for *_, s in items]
