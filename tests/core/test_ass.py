"""ASS/SSA through pysubs2: Dialogue events as written, damaged event lines kept and reported."""

from __future__ import annotations

import codecs
from pathlib import Path

import pysubs2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from karachi_review.core.errors import TranscriptError
from karachi_review.core.formats import ass
from karachi_review.core.transcript import Cue, ReadWarning

STYLE_FORMAT = (
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
    "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
    "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding"
)
STYLE = (
    "Style: Default,Arial,{size},&H00FFFFFF,&H000000FF,&H00000000,&H00000000,"
    "0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1"
)
EVENT_FORMAT = "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"


def _ass(*events: str, size: str = "20") -> str:
    return "\n".join(
        [
            "[Script Info]",
            "Title: test",
            "ScriptType: v4.00+",
            "",
            "[V4+ Styles]",
            STYLE_FORMAT,
            STYLE.format(size=size),
            "",
            "[Events]",
            EVENT_FORMAT,
            *events,
            "",
        ]
    )


# header lines above: 10, so the first event is on line 11
FIRST_EVENT_LINE = 11


def _read(text: str) -> tuple[list[Cue], list[ReadWarning]]:
    warnings: list[ReadWarning] = []
    return ass.read(text, "t.ass", warnings), warnings


def test_dialogue_text_as_written_speaker_and_lines() -> None:
    cues, warnings = _read(
        _ass(
            r"Dialogue: 0,0:00:01.00,0:00:02.50,Default,Roger,0,0,0,,{\i1}Hello{\i0}\Nworld, yes",
            "Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,not a cue",
            "Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,<b>html</b> & <img src=x>",
            "Dialogue: 0,10:00:00.00,10:00:01.23,Default,Ann,0,0,0,,late",
        )
    )
    assert warnings == []
    assert [(c.index, c.start_ms, c.end_ms, c.speaker, c.line) for c in cues] == [
        (1, 1000, 2500, "Roger", FIRST_EVENT_LINE),
        (2, 5000, 6000, None, FIRST_EVENT_LINE + 2),
        (3, 36_000_000, 36_001_230, "Ann", FIRST_EVENT_LINE + 3),
    ]
    assert cues[0].text == r"{\i1}Hello{\i0}\Nworld, yes"
    assert cues[1].text == "<b>html</b> & <img src=x>"
    assert all(c.id is None for c in cues)


def test_ssa_v4_file() -> None:
    text = "\n".join(
        [
            "[Script Info]",
            "ScriptType: v4.00",
            "",
            "[V4 Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, TertiaryColour, "
            "BackColour, Bold, Italic, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, "
            "MarginV, AlphaLevel, Encoding",
            "Style: Default,Arial,20,16777215,65535,65535,-2147483640,-1,0,1,3,0,2,30,30,30,0,0",
            "",
            "[Events]",
            "Format: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
            "Dialogue: Marked=0,0:00:01.00,0:00:02.00,Default,Bob,0000,0000,0000,,SSA text",
        ]
    )
    cues, warnings = _read(text)
    assert warnings == []
    assert [(c.start_ms, c.end_ms, c.text, c.speaker, c.line) for c in cues] == [
        (1000, 2000, "SSA text", "Bob", 10)
    ]


def test_dialogue_lines_outside_events_follow_pysubs2() -> None:
    # pysubs2 reads [Script Info] lines as key: value pairs, so this is not an event
    text = _ass("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,real").replace(
        "Title: test", "Dialogue: 0,0:00:09.00,0:00:10.00,Default,,0,0,0,,info"
    )
    cues, _ = _read(text)
    assert [c.text for c in cues] == ["real"]


# --- damaged input -----------------------------------------------------------------------------


def test_unreadable_end_time_keeps_text_and_reports_line() -> None:
    cues, warnings = _read(
        _ass(
            "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,before",
            "Dialogue: 0,0:00:05.00,soon,Default,Ann,0,0,0,,bad end",
            "Dialogue: 0,0:00:07.00,0:00:08.00,Default,,0,0,0,,after",
        )
    )
    assert [(c.start_ms, c.end_ms, c.text, c.speaker) for c in cues] == [
        (1000, 2000, "before", None),
        (5000, 5000, "bad end", "Ann"),
        (7000, 8000, "after", None),
    ]
    assert [(w.line, w.kind) for w in warnings] == [(FIRST_EVENT_LINE + 1, "repaired")]


def test_unreadable_start_time_starts_at_previous_end() -> None:
    cues, warnings = _read(
        _ass(
            "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,before",
            "Dialogue: 0,x,y,Default,,0,0,0,,no times",
        )
    )
    assert (cues[1].start_ms, cues[1].end_ms, cues[1].text) == (2000, 2000, "no times")
    assert [w.line for w in warnings] == [FIRST_EVENT_LINE + 1]


def test_hours_above_9_are_read_leniently() -> None:
    cues, warnings = _read(_ass("Dialogue: 0,100:00:00.00,100:00:01.50,Default,,0,0,0,,long"))
    assert (cues[0].start_ms, cues[0].end_ms) == (360_000_000, 360_001_500)
    assert [w.kind for w in warnings] == ["repaired"]


def test_short_event_lines_keep_their_text() -> None:
    cues, warnings = _read(
        _ass(
            "Dialogue: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,nine fields",
            "Dialogue: 0,0:00:08.00",
            "Comment: 0,0:00:09",
        )
    )
    assert [(c.start_ms, c.end_ms, c.text) for c in cues] == [
        (6000, 7000, "nine fields"),
        (8000, 8000, ""),
    ]
    assert [(w.line, w.kind) for w in warnings] == [
        (FIRST_EVENT_LINE, "repaired"),
        (FIRST_EVENT_LINE + 1, "repaired"),
    ]


def test_unreadable_style_is_reported_and_cues_still_read() -> None:
    cues, warnings = _read(
        _ass("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,fine", size="huge")
    )
    assert [c.text for c in cues] == ["fine"]
    assert [(w.line, w.kind) for w in warnings] == [(7, "style")]


def test_negative_times_are_kept() -> None:
    cues, _ = _read(_ass("Dialogue: 0,-0:00:01.00,0:00:02.00,Default,,0,0,0,,early"))
    assert (cues[0].start_ms, cues[0].end_ms) == (-1000, 2000)


def test_events_only_file_without_sections() -> None:
    cues, warnings = _read("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,bare\n")
    assert [(c.text, c.line) for c in cues] == [("bare", 1)]
    assert warnings == []


def test_pysubs2_failure_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # a fake pysubs2 failure: no real file makes pysubs2 fail once event lines are checked
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(pysubs2.SSAFile, "from_string", broken)
    with pytest.raises(TranscriptError) as info:
        _read("[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x\n")
    assert info.value.path == "t.ass"
    assert "boom" in info.value.message


# --- through the whole reader (decoding and detection) ------------------------------------------


def test_crlf_bom_and_utf16_files_read_the_same(tmp_path: Path) -> None:
    from karachi_review.core.reader import read_transcript

    text = _ass(
        r"Dialogue: 0,0:00:01.00,0:00:02.50,Default,Roger,0,0,0,,{\i1}Héllo{\i0}\Nworld",
        "Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,second",
    )
    expected = [(c.start_ms, c.end_ms, c.text, c.speaker, c.line) for c in _read(text)[0]]
    variants = {
        "crlf.ass": text.replace("\n", "\r\n").encode("utf-8"),
        "bom.ass": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16.ass": text.encode("utf-16"),
        "named.txt": text.encode("utf-8"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = read_transcript(path)
        assert result.format == "ass", name
        got = [(c.start_ms, c.end_ms, c.text, c.speaker, c.line) for c in result.transcript]
        assert got == expected, name


# --- writing -----------------------------------------------------------------------------------


def test_write_newline_becomes_backslash_n_and_comma_in_name_is_replaced() -> None:
    out = ass.write([Cue(1, 1000, 2000, "one\ntwo, three", speaker="Smith, J")])
    cues, warnings = _read(out)
    assert warnings == []
    assert (cues[0].text, cues[0].speaker) == (r"one\Ntwo, three", "Smith; J")


_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40).filter(
    lambda s: s == s.rstrip()
)
_name = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=","),
    max_size=12,
)
MAX_ASS_MS = 35_999_990  # 9:59:59.99


@given(
    st.lists(
        st.tuples(st.integers(0, MAX_ASS_MS), st.integers(0, MAX_ASS_MS), _text, _name),
        min_size=1,
        max_size=12,
    )
)
def test_round_trip_at_centisecond_precision(items: list[tuple[int, int, str, str]]) -> None:
    cues = [
        Cue(i, start, end, text, speaker=name or None)
        for i, (start, end, text, name) in enumerate(items, 1)
    ]
    back, warnings = _read(ass.write(cues))
    assert warnings == []

    def centi(ms: int) -> int:
        return min((ms + 5) // 10 * 10, MAX_ASS_MS)

    assert [(c.start_ms, c.end_ms, c.text, c.speaker) for c in back] == [
        (centi(c.start_ms), centi(c.end_ms), c.text, c.speaker) for c in cues
    ]
