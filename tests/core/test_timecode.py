"""ms <-> frame <-> SMPTE conversions and the time parser (karachi_review.core.timecode)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.timecode import (
    format_hms,
    format_ms,
    format_rate,
    frame_to_ms,
    frame_to_smpte,
    is_drop_frame_rate,
    ms_to_frame,
    ms_to_smpte,
    parse_rate,
    parse_time,
    smpte_to_frame,
    smpte_to_ms,
)

NTSC30 = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)
NTSC24 = Fraction(24000, 1001)

# (rate, drop_frame) pairs the project labels: every common rate, DF and NDF where both exist.
LABELLED = [
    (NTSC24, False),
    (Fraction(24), False),
    (Fraction(25), False),
    (NTSC30, True),
    (NTSC30, False),
    (Fraction(30), False),
    (Fraction(50), False),
    (NTSC60, True),
    (NTSC60, False),
]
RATES = sorted({rate for rate, _ in LABELLED} | {Fraction(48000, 1001), Fraction(120000, 1001)})
DAY_MS = 24 * 3600 * 1000


# --- parse_rate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25", Fraction(25)),
        ("24", Fraction(24)),
        ("30", Fraction(30)),
        ("50", Fraction(50)),
        ("12.5", Fraction(25, 2)),
        ("29.97", NTSC30),
        ("29.970", NTSC30),
        ("23.976", NTSC24),
        ("23.98", NTSC24),
        ("59.94", NTSC60),
        ("47.952", Fraction(48000, 1001)),
        ("119.88", Fraction(120000, 1001)),
        ("30000/1001", NTSC30),
        ("24/1", Fraction(24)),
        (" 25 fps ", Fraction(25)),
        ("25FPS", Fraction(25)),
        ("30000 / 1001", NTSC30),
        ("60000/1001", NTSC60),
        ("2997/100", NTSC30),
        (25, Fraction(25)),
        (29.97, NTSC30),
        (23.976, NTSC24),
        (12.5, Fraction(25, 2)),
        (NTSC60, NTSC60),
        (Fraction(50), Fraction(50)),
    ],
)
def test_parse_rate_accepts(text: str | int | float | Fraction, expected: Fraction) -> None:
    rate = parse_rate(text)
    assert rate == expected
    assert isinstance(rate, Fraction)


@pytest.mark.parametrize(
    "value",
    [
        *("0", "-25", "0/1001", "25/0", "nan", "inf", "", "fast", "25.0.0", "1e3", "2000"),
        *("25/", "/25", "fps", "25 fps fps"),
        *(0, -1, 0.0, float("nan"), float("inf"), Fraction(-30000, 1001), True),
    ],
)
def test_parse_rate_rejects(value: str | int | float | Fraction) -> None:
    with pytest.raises(TimecodeError):
        parse_rate(value)


def test_parse_rate_does_not_snap_integer_rates_to_ntsc() -> None:
    # 24 and 23.976 differ by 0.024: only spellings within 0.01 of N*1000/1001 snap.
    assert parse_rate("24") != NTSC24
    assert parse_rate("23.96") == Fraction(599, 25)


@pytest.mark.parametrize("rate", [*RATES, Fraction(25, 2)])
def test_format_rate_reads_back(rate: Fraction) -> None:
    assert parse_rate(format_rate(rate)) == rate


def test_format_rate_spellings() -> None:
    assert [format_rate(r) for r in (NTSC24, NTSC30, NTSC60, Fraction(25))] == [
        "23.976",
        "29.97",
        "59.94",
        "25",
    ]


def test_is_drop_frame_rate() -> None:
    assert is_drop_frame_rate(NTSC30)
    assert is_drop_frame_rate(NTSC60)
    for rate in (NTSC24, Fraction(24), Fraction(25), Fraction(30), Fraction(60)):
        assert not is_drop_frame_rate(rate)
    assert not is_drop_frame_rate(Fraction(120000, 1001))


# --- ms <-> frame ----------------------------------------------------------------------------


def test_ms_to_frame_is_the_frame_on_screen() -> None:
    # At 25 fps frame 1 covers [40, 80) ms.
    assert [ms_to_frame(ms, Fraction(25)) for ms in (0, 39, 40, 79, 80)] == [0, 0, 1, 1, 2]
    # At 29.97 frame 1 covers [33.366..., 66.733...) ms.
    assert [ms_to_frame(ms, NTSC30) for ms in (33, 34, 66, 67)] == [0, 1, 1, 2]
    # One hour of 29.97 is 107892.107... frames.
    assert ms_to_frame(3_600_000, NTSC30) == 107892


def test_ms_to_frame_floors_negative_ms() -> None:
    assert ms_to_frame(-1, Fraction(25)) == -1
    assert ms_to_frame(-40, Fraction(25)) == -1
    assert ms_to_frame(-41, Fraction(25)) == -2


def test_frame_to_ms_is_the_first_ms_on_screen() -> None:
    assert [frame_to_ms(f, Fraction(25)) for f in (0, 1, 2)] == [0, 40, 80]
    assert [frame_to_ms(f, NTSC30) for f in (1, 2, 3)] == [34, 67, 101]
    assert frame_to_ms(107892, NTSC30) == 3_599_997  # 107892 * 1001 / 30 = 3599996.4
    assert frame_to_ms(-1, Fraction(25)) == -40


@pytest.mark.parametrize("rate", [Fraction(0), Fraction(-25), Fraction(1001)])
def test_conversions_refuse_impossible_rates(rate: Fraction) -> None:
    with pytest.raises(TimecodeError):
        ms_to_frame(1000, rate)
    with pytest.raises(TimecodeError):
        frame_to_ms(10, rate)


any_rate = st.sampled_from(RATES) | st.builds(
    Fraction, st.integers(1, 1_000_000), st.integers(1, 1_000_000)
).filter(lambda r: r <= 1000)


@settings(max_examples=500)
@given(frame=st.integers(-(10**9), 10**9), rate=any_rate)
def test_frame_to_ms_to_frame_is_exact(frame: int, rate: Fraction) -> None:
    assert ms_to_frame(frame_to_ms(frame, rate), rate) == frame


@given(ms=st.integers(-(10**10), 10**10), rate=any_rate)
def test_ms_to_frame_to_ms_stays_within_one_frame(ms: int, rate: Fraction) -> None:
    back = frame_to_ms(ms_to_frame(ms, rate), rate)
    assert back <= ms
    assert (ms - back) < 1000 / rate


# --- frame -> SMPTE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "label"),
    [
        (0, "00:00:00;00"),
        (1799, "00:00:59;29"),
        (1800, "00:01:00;02"),
        (1801, "00:01:00;03"),
        (3597, "00:01:59;29"),
        (3598, "00:02:00;02"),
        (17981, "00:09:59;29"),
        (17982, "00:10:00;00"),
        (17983, "00:10:00;01"),
        (19781, "00:10:59;29"),
        (19782, "00:11:00;02"),
        (107892, "01:00:00;00"),
        (6 * 24 * 17982 - 1, "23:59:59;29"),
    ],
)
def test_drop_frame_labels_at_29_97(frame: int, label: str) -> None:
    assert frame_to_smpte(frame, NTSC30) == label
    assert smpte_to_frame(label, NTSC30) == frame


@pytest.mark.parametrize(
    ("frame", "label"),
    [
        # Minute 0 drops nothing: 3600 labels ;00-;59 per second.
        (3596, "00:00:59;56"),
        (3599, "00:00:59;59"),
        (3600, "00:01:00;04"),
        (3600 + 3595, "00:01:59;59"),
        (3600 + 3596, "00:02:00;04"),
        # 3600 + 9 * 3596 frames in ten minutes.
        (35963, "00:09:59;59"),
        (35964, "00:10:00;00"),
        (35968, "00:10:00;04"),
        (35964 + 3600, "00:11:00;04"),
        (6 * 35964, "01:00:00;00"),
    ],
)
def test_drop_frame_labels_at_59_94(frame: int, label: str) -> None:
    assert frame_to_smpte(frame, NTSC60) == label
    assert smpte_to_frame(label, NTSC60) == frame


@pytest.mark.parametrize(
    ("frame", "rate", "label"),
    [
        (0, Fraction(25), "00:00:00:00"),
        (24, Fraction(25), "00:00:00:24"),
        (25, Fraction(25), "00:00:01:00"),
        (90000, Fraction(25), "01:00:00:00"),
        (86400 - 1, NTSC24, "00:59:59:23"),
        (86400, NTSC24, "01:00:00:00"),
        (1800, NTSC30, "00:01:00:00"),
        (107892, Fraction(30), "00:59:56:12"),
        (179999, Fraction(50), "00:59:59:49"),
        (3600, NTSC60, "00:01:00:00"),
        (119, Fraction(120000, 1001), "00:00:00:119"),
    ],
)
def test_non_drop_labels(frame: int, rate: Fraction, label: str) -> None:
    assert frame_to_smpte(frame, rate, drop_frame=False) == label
    assert smpte_to_frame(label, rate, drop_frame=False) == frame


def test_nominal_rate_rounds_half_up() -> None:
    # 12.5 fps counts labels 00-12 each second (13 labels), as round(12.5) == 12 would not.
    assert frame_to_smpte(12, Fraction(25, 2)) == "00:00:00:12"
    assert frame_to_smpte(13, Fraction(25, 2)) == "00:00:01:00"


def test_drop_frame_on_request_at_119_88() -> None:
    rate = Fraction(120000, 1001)
    assert frame_to_smpte(7200, rate) == "00:01:00:000"
    assert frame_to_smpte(7199, rate, drop_frame=True) == "00:00:59;119"
    assert frame_to_smpte(7200, rate, drop_frame=True) == "00:01:00;008"
    assert frame_to_smpte(7200 + 9 * 7192, rate, drop_frame=True) == "00:10:00;000"
    assert smpte_to_frame("00:01:00;008", rate) == 7200
    with pytest.raises(TimecodeError, match="does not exist"):
        smpte_to_frame("00:01:00;007", rate)


def test_drop_frame_default_follows_rate() -> None:
    assert frame_to_smpte(1800, NTSC30) == "00:01:00;02"
    assert frame_to_smpte(1800, NTSC30, drop_frame=False) == "00:01:00:00"
    assert frame_to_smpte(3600, NTSC60, drop_frame=False) == "00:01:00:00"
    assert frame_to_smpte(1440, NTSC24) == "00:01:00:00"


@pytest.mark.parametrize("rate", [Fraction(25), Fraction(30), NTSC24, Fraction(24)])
def test_drop_frame_refused_where_it_does_not_exist(rate: Fraction) -> None:
    with pytest.raises(TimecodeError, match="drop-frame"):
        frame_to_smpte(100, rate, drop_frame=True)
    with pytest.raises(TimecodeError, match="drop-frame"):
        smpte_to_frame("00:00:01;00", rate)


def test_start_frame_offsets() -> None:
    one_hour_df = smpte_to_frame("01:00:00;00", NTSC30)
    assert one_hour_df == 107892
    assert frame_to_smpte(0, NTSC30, start_frame=one_hour_df) == "01:00:00;00"
    assert frame_to_smpte(1800, NTSC30, start_frame=one_hour_df) == "01:01:00;02"
    ten_hours = smpte_to_frame("10:00:00:00", Fraction(25))
    assert ten_hours == 900000
    assert frame_to_smpte(25, Fraction(25), start_frame=ten_hours) == "10:00:01:00"
    assert smpte_to_frame("10:00:01:00", Fraction(25), start_frame=ten_hours) == 25
    assert smpte_to_frame("01:01:00;02", NTSC30, start_frame=one_hour_df) == 1800
    assert ms_to_smpte(1000, Fraction(25), start_frame=ten_hours) == "10:00:01:00"
    assert smpte_to_ms("10:00:01:00", Fraction(25), start_frame=ten_hours) == 1000


def test_labels_wrap_at_24_hours() -> None:
    day = 24 * 3600 * 25
    assert frame_to_smpte(day - 1, Fraction(25)) == "23:59:59:24"
    assert frame_to_smpte(day, Fraction(25)) == "00:00:00:00"
    assert frame_to_smpte(25, Fraction(25), start_frame=day - 25) == "00:00:00:00"
    df_day = 6 * 24 * 17982
    assert frame_to_smpte(df_day, NTSC30) == "00:00:00;00"
    assert frame_to_smpte(df_day + 1800, NTSC30) == "00:01:00;02"
    # A broadcast master starting at 23:00:00:00 runs past midnight.
    start = smpte_to_frame("23:00:00:00", Fraction(25))
    assert smpte_to_frame("00:30:00:00", Fraction(25), start_frame=start) == 90 * 60 * 25


def test_negative_frames_and_offsets_are_refused() -> None:
    with pytest.raises(TimecodeError):
        frame_to_smpte(-1, Fraction(25))
    with pytest.raises(TimecodeError):
        frame_to_smpte(0, Fraction(25), start_frame=-1)
    with pytest.raises(TimecodeError):
        ms_to_smpte(-1, Fraction(25))
    with pytest.raises(TimecodeError):
        smpte_to_frame("00:00:00:00", Fraction(25), start_frame=-1)


def frames_per_day(rate: Fraction, drop: bool) -> int:
    """Frames in 24 hours of labels, counted by hand (not by the module under test)."""
    if drop:
        per_10_minutes = {NTSC30: 17982, NTSC60: 35964}[rate]
        return per_10_minutes * 6 * 24
    return {NTSC24: 24, NTSC30: 30, NTSC60: 60}.get(rate, int(rate)) * 86400


@st.composite
def labelled_frame(draw: st.DrawFn) -> tuple[Fraction, bool, int, int]:
    rate, drop = draw(st.sampled_from(LABELLED))
    day = frames_per_day(rate, drop)
    frame = draw(st.integers(0, day - 1) | st.integers(0, 40_000))
    start = draw(st.just(0) | st.integers(0, day - 1))
    return rate, drop, frame, start


@settings(max_examples=1000)
@given(labelled_frame())
def test_frame_to_smpte_to_frame_is_exact(case: tuple[Fraction, bool, int, int]) -> None:
    rate, drop, frame, start = case
    label = frame_to_smpte(frame, rate, drop_frame=drop, start_frame=start)
    assert (";" in label) == drop
    assert smpte_to_frame(label, rate, drop_frame=drop, start_frame=start) == frame
    if drop == is_drop_frame_rate(rate):
        assert smpte_to_frame(label, rate, start_frame=start) == frame


@given(labelled_frame())
def test_smpte_labels_increase_with_frames(case: tuple[Fraction, bool, int, int]) -> None:
    rate, drop, frame, _ = case
    if frame + 1 < frames_per_day(rate, drop):
        assert frame_to_smpte(frame, rate, drop) < frame_to_smpte(frame + 1, rate, drop)


@given(ms=st.integers(0, 23 * 3_600_000), case=st.sampled_from(LABELLED))
def test_ms_to_smpte_names_the_frame_on_screen(ms: int, case: tuple[Fraction, bool]) -> None:
    rate, drop = case
    label = ms_to_smpte(ms, rate, drop_frame=drop)
    start_ms = smpte_to_ms(label, rate, drop_frame=drop)
    assert start_ms <= ms < start_ms + 1000 / rate


# --- SMPTE -> frame --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    ["00:01:00;00", "00:01:00;01", "00:02:00;01", "01:01:00;00", "00:01:00:00", "23:59:00:01"],
)
def test_dropped_labels_are_refused(label: str) -> None:
    with pytest.raises(TimecodeError, match=label):
        smpte_to_frame(label, NTSC30, drop_frame=True)


@pytest.mark.parametrize("label", ["00:01:00;00", "00:01:00;03", "00:09:00;02"])
def test_dropped_labels_are_refused_at_59_94(label: str) -> None:
    with pytest.raises(TimecodeError, match="does not exist"):
        smpte_to_frame(label, NTSC60)
    assert smpte_to_frame("00:01:00;04", NTSC60) == 3600


def test_labels_kept_each_tenth_minute() -> None:
    assert smpte_to_frame("00:10:00;00", NTSC30) == 17982
    assert smpte_to_frame("00:20:00;01", NTSC30) == 2 * 17982 + 1


def test_separators() -> None:
    # ';' means drop-frame; ':' and '.' follow the argument or the rate's default.
    assert smpte_to_frame("00:01:00;02", NTSC30) == 1800
    assert smpte_to_frame("00:01:00:02", NTSC30) == 1800
    assert smpte_to_frame("00:01:00.02", NTSC30) == 1800
    assert smpte_to_frame("00:01:00:02", NTSC30, drop_frame=False) == 1802
    assert smpte_to_frame("00:01:00.02", NTSC30, drop_frame=False) == 1802
    assert smpte_to_frame("00:00:01.00", Fraction(25)) == 25
    assert smpte_to_frame(" 00:00:01:00\n", Fraction(25)) == 25
    assert smpte_to_frame("00;01;00;02", NTSC30) == 1800
    assert parse_time("00;01;00;02", NTSC30) == frame_to_ms(1800, NTSC30)
    with pytest.raises(TimecodeError, match="drop-frame"):
        smpte_to_frame("00;00;01:00", Fraction(25))
    with pytest.raises(TimecodeError, match="drop-frame"):
        smpte_to_frame("00:01:00;02", NTSC30, drop_frame=False)


@pytest.mark.parametrize(
    ("label", "rate", "needle"),
    [
        ("00:00:00:25", Fraction(25), "below 25"),
        ("00:00:00:30", NTSC30, "below 30"),
        ("00:00:00;60", NTSC60, "below 60"),
        ("00:00:00:24", NTSC24, "below 24"),
        ("00:60:00:00", Fraction(25), "below 60"),
        ("00:00:60:00", Fraction(25), "below 60"),
        ("24:00:00:00", Fraction(25), "below 24"),
        ("00:00:00", Fraction(25), "SMPTE"),
        ("0:0:0:0", Fraction(25), "SMPTE"),
        ("00:00:00,00", Fraction(25), "SMPTE"),
        ("aa:bb:cc:dd", Fraction(25), "SMPTE"),
        ("", Fraction(25), "SMPTE"),
    ],
)
def test_smpte_to_frame_rejects(label: str, rate: Fraction, needle: str) -> None:
    with pytest.raises(TimecodeError, match=needle) as caught:
        smpte_to_frame(label, rate)
    assert f"'{label}'" in caught.value.message


def test_overlong_text_is_a_timecode_error() -> None:
    # int() refuses over 4300 digits with a bare ValueError; we must say something useful.
    digits = "1" * 5000
    for call in (
        lambda: parse_time(digits),
        lambda: parse_time(digits + ":00:00"),
        lambda: parse_rate(digits),
        lambda: smpte_to_frame(digits + ":00:00:00", Fraction(25)),
    ):
        with pytest.raises(TimecodeError, match="too long"):
            call()


def test_timecode_error_is_a_karachi_error_and_value_error() -> None:
    with pytest.raises(KarachiError):
        smpte_to_frame("nonsense", Fraction(25))
    with pytest.raises(ValueError):
        parse_time("nonsense")


# --- format_ms / format_hms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "srt", "hms"),
    [
        (0, "00:00:00,000", "0:00:00"),
        (1, "00:00:00,001", "0:00:00"),
        (999, "00:00:00,999", "0:00:00"),
        (203_999, "00:03:23,999", "0:03:23"),
        (3_599_999, "00:59:59,999", "0:59:59"),
        (3_600_000, "01:00:00,000", "1:00:00"),
        (DAY_MS, "24:00:00,000", "24:00:00"),
        (99 * 3_600_000 + 3_599_999, "99:59:59,999", "99:59:59"),
        (100 * 3_600_000, "100:00:00,000", "100:00:00"),
    ],
)
def test_format_ms_and_hms(ms: int, srt: str, hms: str) -> None:
    assert format_ms(ms) == srt
    assert format_ms(ms, sep=".") == srt.replace(",", ".")
    assert format_hms(ms) == hms


def test_format_negative_and_bad_separator() -> None:
    assert format_ms(-1500) == "-00:00:01,500"
    assert format_hms(-61_000) == "-0:01:01"
    with pytest.raises(TimecodeError):
        format_ms(0, sep=":")


@given(ms=st.integers(0, 10**12), sep=st.sampled_from([",", "."]))
def test_parse_time_reads_format_ms(ms: int, sep: str) -> None:
    assert parse_time(format_ms(ms, sep)) == ms


@given(ms=st.integers(0, 10**12))
def test_parse_time_reads_format_hms(ms: int) -> None:
    assert parse_time(format_hms(ms)) == ms - ms % 1000


# --- parse_time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        # HH:MM:SS,mmm and HH:MM:SS.mmm, 1-3 fraction digits
        ("00:00:01,500", 1500),
        ("00:00:01.500", 1500),
        ("01:02:03,004", 3_723_004),
        ("00:00:01.5", 1500),
        ("00:00:01,5", 1500),
        ("00:00:01.05", 1050),
        ("00:00:01.050", 1050),
        ("123:00:00.000", 123 * 3_600_000),
        # H:MM:SS, hours any number of digits
        ("0:03:23", 203_000),
        ("0:22:37", 1_357_000),
        ("1:00:00", 3_600_000),
        ("100:00:00", 360_000_000),
        ("1:00:00.25", 3_600_250),
        # MM:SS and MM:SS.mmm
        ("03:23", 203_000),
        ("3:23", 203_000),
        ("59:59", 3_599_000),
        ("03:23.5", 203_500),
        ("03:23,250", 203_250),
        # plain seconds and ms
        ("12", 12_000),
        ("0", 0),
        ("12.5", 12_500),
        ("12.5s", 12_500),
        ("12s", 12_000),
        ("12.125 s", 12_125),
        ("90S", 90_000),
        ("1500ms", 1500),
        ("1500 ms", 1500),
        ("0ms", 0),
        # surrounding white space
        ("  0:03:23\n", 203_000),
        ("\t12.5s ", 12_500),
    ],
)
def test_parse_time_accepts(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize(
    ("text", "rate", "ms"),
    [
        ("00:00:01:00", Fraction(25), 1000),
        ("00:00:01:12", Fraction(25), 1480),
        ("01:00:00:00", Fraction(25), 3_600_000),
        ("01:00:00;00", NTSC30, 3_599_997),
        ("00:01:00;02", NTSC30, frame_to_ms(1800, NTSC30)),
        ("01:00:00:00", NTSC30, 3_599_997),  # colons at 29.97 read as drop-frame by default
        ("10:00:00:00", NTSC24, frame_to_ms(864000, NTSC24)),
        # the millisecond forms still work when a rate is given
        ("00:00:01.500", Fraction(25), 1500),
        ("12.5s", NTSC30, 12_500),
    ],
)
def test_parse_time_frame_forms(text: str, rate: Fraction, ms: int) -> None:
    assert parse_time(text, rate) == ms


@pytest.mark.parametrize("text", ["01:00:00:00", "00:00:01;12"])
def test_parse_time_frame_forms_need_a_rate(text: str) -> None:
    with pytest.raises(TimecodeError, match="frame rate is needed") as caught:
        parse_time(text)
    assert f"'{text}'" in caught.value.message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-1", "negative"),
        ("-00:00:01,000", "negative"),
        ("00:60:00", "below 60"),
        ("00:00:60", "below 60"),
        ("0:61:00", "below 60"),
        ("60:00", "below 60"),
        ("00:60", "below 60"),
        ("00:00:01.5000", "at most 3"),
        ("1.2345", "at most 3"),
        ("0:3:23", "not a time"),
        ("0:03:2", "not a time"),
        ("123:45", "not a time"),
        ("1:2", "not a time"),
        ("12.5ms", "not a time"),
        ("12m", "not a time"),
        ("twelve", "not a time"),
        ("1,5", "not a time"),
        ("00:00:01,", "not a time"),
        ("00:00:01.", "not a time"),
        (".5", "not a time"),
        ("00:00:00:00:00", "not a time"),
        ("1 2", "not a time"),
        ("١٢", "not a time"),  # Arabic-Indic digits are refused, not silently read
    ],
)
def test_parse_time_rejects(text: str, needle: str) -> None:
    with pytest.raises(TimecodeError, match=needle) as caught:
        parse_time(text)
    message = caught.value.message
    if needle != "empty":
        assert f"'{text.strip()}'" in message
    if needle == "not a time":
        assert "H:MM:SS" in message and "1500ms" in message


@pytest.mark.parametrize(
    ("text", "rate", "needle"),
    [
        ("00:01:00;00", NTSC30, "does not exist"),
        ("00:00:00:25", Fraction(25), "below 25"),
        ("24:00:00:00", Fraction(25), "below 24"),
        ("00:00:01;00", Fraction(25), "drop-frame"),
    ],
)
def test_parse_time_rejects_bad_frame_labels(text: str, rate: Fraction, needle: str) -> None:
    with pytest.raises(TimecodeError, match=needle):
        parse_time(text, rate)
