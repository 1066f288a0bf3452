"""Milliseconds, frames and SMPTE labels: the only place where time changes units.

Conventions (every other module relies on them):

* Times are ``int`` milliseconds; frame numbers are ``int`` counted from 0 at the start of the
  media; a frame rate is a :class:`fractions.Fraction` (``30000/1001``, never ``29.97``).
  All arithmetic is exact integer arithmetic on the rate's numerator and denominator.
* A frame is a half-open interval: frame ``f`` is on screen during ``[f / rate, (f + 1) / rate)``
  seconds. Hence :func:`ms_to_frame` is a floor (the frame on screen at that millisecond) and
  :func:`frame_to_ms` is a ceiling (the first whole millisecond at which the frame is on screen).
  With that pair ``ms_to_frame(frame_to_ms(f, r), r) == f`` holds for every frame, and
  ``frame_to_ms(ms_to_frame(ms, r), r)`` is never later than ``ms`` and less than one frame before
  it. This needs a frame to last at least 1 ms, so rates above 1000 fps are refused.
* SMPTE labels are ``HH:MM:SS:FF`` counted at the nominal rate, the rate rounded half up (24 for
  23.976, 30 for 29.97, 60 for 59.94; ``FF`` has three digits at 119.88 and 120). They wrap at
  24 hours. A start timecode (broadcast masters start at 10:00:00:00, NLE timelines at
  01:00:00:00) is given as ``start_frame``, a frame count added to the media frame before
  labelling.
* Drop-frame (the default at exactly ``30000/1001`` and ``60000/1001``; allowed on request at
  ``120000/1001``; refused at every other rate) keeps labels in step with the clock: labels
  ``;00`` and ``;01`` (``;00``-``;03`` at 59.94) are skipped at the start of every minute except
  minutes divisible by 10. No frame is dropped, only labels; drop-frame labels are written
  ``HH:MM:SS;FF``. When reading a label, ``;`` means drop-frame; ``:`` and ``.`` follow
  ``drop_frame`` or, when it is ``None``, the rate's default (people often type colons for a
  drop-frame timecode).
* :func:`parse_time` reads what a human types or a subtitle file holds and returns ms; its error
  messages quote the text and list the accepted forms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Final

from karachi_review.core.errors import TimecodeError

__all__ = [
    "MAX_RATE",
    "format_hms",
    "format_ms",
    "format_ms_all",
    "format_rate",
    "frame_to_ms",
    "frame_to_smpte",
    "is_drop_frame_rate",
    "ms_to_clock",
    "ms_to_frame",
    "ms_to_frames",
    "ms_to_smpte",
    "parse_rate",
    "parse_time",
    "smpte_labeller",
    "smpte_labels",
    "smpte_to_frame",
    "smpte_to_ms",
]

MAX_RATE: Final = Fraction(1000)
"""Highest accepted frame rate: above it a frame lasts less than 1 ms and ms cannot name it."""

# NTSC-family rates are N*1000/1001; decimal spellings ("29.97", "23.98") are rounded values of
# them and are snapped back, since the rounding error adds up (23.98 is 14 frames off after 1 h).
_NTSC_BASES: Final = (24, 30, 48, 60, 120)
_NTSC_TOLERANCE: Final = Fraction(1, 100)

_DROP_FRAME_PAIRS: Final = frozenset({(30000, 1001), (60000, 1001)})

_RATE_DECIMAL_RE: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_RATE_RATIO_RE: Final = re.compile(r"([0-9]+)\s*/\s*([0-9]+)")
_RATE_SUFFIX_RE: Final = re.compile(r"\s*fps\s*$", re.IGNORECASE)

# Some tools write drop-frame labels with semicolons throughout ("00;01;00;02"); any ";" means DF.
_SMPTE_RE: Final = re.compile(r"([0-9]+)[:;]([0-9]{2})[:;]([0-9]{2})([:;.])([0-9]{2,3})")
_FRAMES_TIME_RE: Final = re.compile(r"([0-9]+)[:;]([0-9]{2})[:;]([0-9]{2})[:;]([0-9]+)")
_HMS_RE: Final = re.compile(r"([0-9]+):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?")
_MS_CLOCK_RE: Final = re.compile(r"([0-9]{1,2}):([0-9]{2})(?:[.,]([0-9]+))?")
_SECONDS_RE: Final = re.compile(r"([0-9]+)(?:\.([0-9]+))?\s*s?", re.IGNORECASE)
_MILLIS_RE: Final = re.compile(r"([0-9]+)\s*ms", re.IGNORECASE)

# Longer text is no time anyone means, and int() refuses strings of over 4300 digits with a plain
# ValueError that would escape the CLI's error handling.
_MAX_TEXT: Final = 64

_ACCEPTED_FORMS: Final = (
    "use H:MM:SS, HH:MM:SS.mmm or HH:MM:SS,mmm, MM:SS or MM:SS.mmm, seconds (12, 12.5, 12.5s), "
    "milliseconds (1500ms), or frames HH:MM:SS:FF / HH:MM:SS;FF when the frame rate is known"
)


def parse_rate(value: str | int | float | Fraction) -> Fraction:
    """Read a frame rate ("25", "29.97", "30000/1001", 23.976, ...) as an exact Fraction.

    Values within 0.01 of an NTSC rate N*1000/1001 (N = 24, 30, 48, 60, 120) become that rate.
    """
    rate: Fraction
    if isinstance(value, bool):
        raise TimecodeError(f"{value!r} is not a frame rate")
    if isinstance(value, Fraction):
        rate = value
    elif isinstance(value, int):
        rate = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise TimecodeError(f"{value!r} is not a frame rate")
        # repr() gives the shortest decimal that reads back as this float: 23.976 stays 23.976.
        rate = Fraction(repr(value))
    elif isinstance(value, str):
        rate = _parse_rate_text(value)
    else:
        raise TimecodeError(f"{value!r} is not a frame rate")
    if rate <= 0:
        raise TimecodeError(f"frame rate {value!r} must be above 0")
    if rate > MAX_RATE:
        raise TimecodeError(f"frame rate {value!r} is above {MAX_RATE} fps; not a video frame rate")
    for base in _NTSC_BASES:
        ntsc = Fraction(base * 1000, 1001)
        if abs(rate - ntsc) <= _NTSC_TOLERANCE:
            return ntsc
    return rate


def _check_length(text: str, what: str) -> None:
    if len(text) > _MAX_TEXT:
        raise TimecodeError(f"'{text[:20]}...' ({len(text)} characters) is too long to be {what}")


def _parse_rate_text(value: str) -> Fraction:
    _check_length(value.strip(), "a frame rate")
    text = _RATE_SUFFIX_RE.sub("", value.strip())
    if _RATE_DECIMAL_RE.fullmatch(text):
        return Fraction(text)
    ratio = _RATE_RATIO_RE.fullmatch(text)
    if ratio:
        numerator, denominator = int(ratio[1]), int(ratio[2])
        if denominator == 0:
            raise TimecodeError(f"frame rate '{value}' divides by zero")
        return Fraction(numerator, denominator)
    raise TimecodeError(
        f"'{value}' is not a frame rate; use a number such as 25 or 29.97, or a ratio such as "
        "30000/1001"
    )


def format_rate(rate: Fraction) -> str:
    """Show a rate as people write it: "25", "29.97", "23.976", "59.94", "12.5"."""
    _check_rate(rate)
    if rate.denominator == 1:
        return str(rate.numerator)
    thousandths = math.floor(rate * 1000 + Fraction(1, 2))
    whole, frac = divmod(thousandths, 1000)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".")


def is_drop_frame_rate(rate: Fraction) -> bool:
    """True when the rate uses drop-frame labels by default (30000/1001 and 60000/1001)."""
    # Compared as int pairs: hashing a Fraction costs a Python-level call per label.
    return (rate.numerator, rate.denominator) in _DROP_FRAME_PAIRS


def _check_rate(rate: Fraction) -> None:
    # Integer tests keep this cheap: it runs on every conversion, some at UI tick rates.
    if type(rate) is not Fraction and (
        not isinstance(rate, Fraction | int) or isinstance(rate, bool)
    ):
        raise TimecodeError(f"frame rate {rate!r} is not a Fraction")
    numerator, denominator = rate.numerator, rate.denominator
    if numerator <= 0:
        raise TimecodeError(f"frame rate {rate} must be above 0")
    if numerator > 1000 * denominator:
        raise TimecodeError(f"frame rate {rate} is above {MAX_RATE} fps; not a video frame rate")


def ms_to_frame(ms: int, rate: Fraction) -> int:
    """The frame on screen at ``ms``: floor(ms * rate / 1000); negative ms give negative frames."""
    _check_rate(rate)
    return (ms * rate.numerator) // (1000 * rate.denominator)


def ms_to_frames(values: Iterable[int], rate: Fraction) -> list[int]:
    """:func:`ms_to_frame` of each value, the rate checked once (exports convert 100,000s)."""
    _check_rate(rate)
    numerator, per = rate.numerator, 1000 * rate.denominator
    return [(ms * numerator) // per for ms in values]


def frame_to_ms(frame: int, rate: Fraction) -> int:
    """The first whole millisecond at which ``frame`` is on screen: ceil(frame * 1000 / rate)."""
    _check_rate(rate)
    return -((-frame * 1000 * rate.denominator) // rate.numerator)


@dataclass(frozen=True, slots=True)
class _Layout:
    """How labels are counted at one rate: nominal fps and the drop-frame numbers."""

    fps: int
    drop: int  # labels skipped per minute (0 for non-drop)
    frames_per_minute: int  # in a minute that drops labels
    frames_per_10_minutes: int
    frames_per_day: int

    @property
    def separator(self) -> str:
        return ";" if self.drop else ":"

    @property
    def ff_width(self) -> int:
        return max(2, len(str(self.fps - 1)))


def _layout(rate: Fraction, drop_frame: bool) -> _Layout:
    try:
        numerator, denominator = rate.numerator, rate.denominator
    except AttributeError:
        raise TimecodeError(f"frame rate {rate!r} is not a Fraction") from None
    return _layout_of(numerator, denominator, drop_frame)


@lru_cache(maxsize=32)  # exports label 100,000s of times at one or two rates
def _layout_of(numerator: int, denominator: int, drop_frame: bool) -> _Layout:
    rate = Fraction(numerator, denominator)
    _check_rate(rate)
    # Round half up, not Python's round-half-even: a 12.5 fps rate counts 13 labels a second.
    fps = (2 * rate.numerator + rate.denominator) // (2 * rate.denominator)
    if fps < 1:
        raise TimecodeError(f"frame rate {format_rate(rate)} is too low for SMPTE timecode")
    if not drop_frame:
        return _Layout(fps, 0, fps * 60, fps * 600, fps * 86400)
    if fps % 30 != 0 or rate != Fraction(fps * 1000, 1001):
        raise TimecodeError(
            f"drop-frame timecode exists only at 29.97, 59.94 and 119.88 fps, not at "
            f"{format_rate(rate)} fps; use non-drop labels (HH:MM:SS:FF)"
        )
    drop = fps // 15
    per_minute = fps * 60 - drop
    per_10_minutes = fps * 600 - 9 * drop
    return _Layout(fps, drop, per_minute, per_10_minutes, per_10_minutes * 6 * 24)


def frame_to_smpte(
    frame: int, rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> str:
    """Label ``frame`` as ``HH:MM:SS:FF`` (drop-frame ``HH:MM:SS;FF``), after adding start_frame."""
    layout = _layout(rate, is_drop_frame_rate(rate) if drop_frame is None else drop_frame)
    if frame < 0:
        raise TimecodeError(f"frame {frame} is before the start of the media; no timecode")
    if start_frame < 0:
        raise TimecodeError(f"start frame {start_frame} is negative")
    count = (frame + start_frame) % layout.frames_per_day
    if layout.drop:
        tens, rest = divmod(count, layout.frames_per_10_minutes)
        count += 9 * layout.drop * tens
        if rest >= layout.drop:
            count += layout.drop * ((rest - layout.drop) // layout.frames_per_minute)
    seconds, ff = divmod(count, layout.fps)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{layout.separator}{ff:0{layout.ff_width}d}"


def smpte_labeller(
    rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> Callable[[int], str]:
    """:func:`frame_to_smpte` at one rate, drop-frame choice and start, checked once.

    For labelling many frames: exports label 100,000s. Each second's ``HH:MM:SS`` part is
    formatted once and kept (at most 86,400 of them), which makes a label about five times
    cheaper than :func:`frame_to_smpte`; the labels are the same.
    """
    layout = _layout(rate, is_drop_frame_rate(rate) if drop_frame is None else drop_frame)
    if start_frame < 0:
        raise TimecodeError(f"start frame {start_frame} is negative")
    fps, drop, per_day = layout.fps, layout.drop, layout.frames_per_day
    per_10, per_minute = layout.frames_per_10_minutes, layout.frames_per_minute
    sep = layout.separator
    frames = [f"{ff:0{layout.ff_width}d}" for ff in range(fps)]
    heads: dict[int, str] = {}

    def label(frame: int) -> str:
        if frame < 0:
            raise TimecodeError(f"frame {frame} is before the start of the media; no timecode")
        count = (frame + start_frame) % per_day
        if drop:
            tens, rest = divmod(count, per_10)
            count += 9 * drop * tens
            if rest >= drop:
                count += drop * ((rest - drop) // per_minute)
        seconds, ff = divmod(count, fps)
        head = heads.get(seconds)
        if head is None:
            minutes, ss = divmod(seconds, 60)
            head = heads[seconds] = f"{minutes // 60:02d}:{minutes % 60:02d}:{ss:02d}{sep}"
        return head + frames[ff]

    return label


def smpte_labels(
    frames: Sequence[int], rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> list[str]:
    """:func:`frame_to_smpte` of each frame (exports label 100,000s); the same labels.

    The drop-frame arithmetic of :func:`frame_to_smpte` is written as one expression
    evaluated in a comprehension (no Python call per frame): ``max(0, ...)`` stands for its
    ``if rest >= drop`` (the floor division is -1 exactly when ``rest < drop``).
    """
    layout = _layout(rate, is_drop_frame_rate(rate) if drop_frame is None else drop_frame)
    if start_frame < 0:
        raise TimecodeError(f"start frame {start_frame} is negative")
    if frames and min(frames) < 0:
        raise TimecodeError(f"frame {min(frames)} is before the start of the media; no timecode")
    fps, drop, per_day = layout.fps, layout.drop, layout.frames_per_day
    per_10, per_minute, skip_10 = layout.frames_per_10_minutes, layout.frames_per_minute, 9 * drop
    heads = _ClockHeads(layout.separator)
    ff = [f"{n:0{layout.ff_width}d}" for n in range(fps)]
    if not drop:
        return [heads[(c := (f + start_frame) % per_day) // fps] + ff[c % fps] for f in frames]
    return [
        heads[
            (
                c := (n := (f + start_frame) % per_day)
                + skip_10 * (n // per_10)
                + drop * max(0, (n % per_10 - drop) // per_minute)
            )
            // fps
        ]
        + ff[c % fps]
        for f in frames
    ]


def smpte_to_frame(
    label: str, rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> int:
    """The frame a label names (inverse of frame_to_smpte); ``;`` before FF means drop-frame."""
    _check_length(label.strip(), "a timecode")
    match = _SMPTE_RE.fullmatch(label.strip())
    if not match:
        raise TimecodeError(
            f"'{label}' is not a SMPTE timecode; expected HH:MM:SS:FF or HH:MM:SS;FF"
        )
    hh, mm, ss = int(match[1]), int(match[2]), int(match[3])
    ff = int(match[5])
    if ";" in match[0]:
        if drop_frame is False:
            raise TimecodeError(
                f"'{label}' is a drop-frame label (';' before the frames) but non-drop "
                "timecode was asked for"
            )
        drop = True
    else:
        drop = is_drop_frame_rate(rate) if drop_frame is None else drop_frame
    layout = _layout(rate, drop)
    if start_frame < 0:
        raise TimecodeError(f"start frame {start_frame} is negative")
    if hh >= 24:
        raise TimecodeError(f"'{label}': hours must be below 24 in a SMPTE timecode")
    if mm >= 60 or ss >= 60:
        raise TimecodeError(f"'{label}': minutes and seconds must be below 60")
    if ff >= layout.fps:
        raise TimecodeError(
            f"'{label}': frames must be below {layout.fps} at {format_rate(rate)} fps"
        )
    if layout.drop and ss == 0 and ff < layout.drop and mm % 10 != 0:
        skipped = ", ".join(f"{n:02d}" for n in range(layout.drop))
        raise TimecodeError(
            f"'{label}' does not exist in {format_rate(rate)} fps drop-frame timecode: frame "
            f"labels {skipped} are skipped at the start of every minute except minutes "
            "divisible by 10"
        )
    count = ((hh * 60 + mm) * 60 + ss) * layout.fps + ff
    if layout.drop:
        minutes = hh * 60 + mm
        count -= layout.drop * (minutes - minutes // 10)
    # Labels wrap at 24 h, so a label "before" the start timecode lies after midnight.
    return (count - start_frame) % layout.frames_per_day


def ms_to_smpte(
    ms: int, rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> str:
    """Label of the frame on screen at ``ms`` (see frame_to_smpte)."""
    return frame_to_smpte(ms_to_frame(ms, rate), rate, drop_frame, start_frame)


def smpte_to_ms(
    label: str, rate: Fraction, drop_frame: bool | None = None, start_frame: int = 0
) -> int:
    """First millisecond at which the frame named by ``label`` is on screen."""
    return frame_to_ms(smpte_to_frame(label, rate, drop_frame, start_frame), rate)


def format_ms(ms: int, sep: str = ",") -> str:
    """``HH:MM:SS,mmm`` (SRT; ``sep="."`` for WebVTT); hours grow past 99, negatives get "-"."""
    if sep not in (",", "."):
        raise TimecodeError(f"millisecond separator must be ',' or '.', not {sep!r}")
    sign = "-" if ms < 0 else ""
    seconds, millis = divmod(abs(ms), 1000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{sign}{hh:02d}:{mm:02d}:{ss:02d}{sep}{millis:03d}"


_MILLIS: Final = tuple(f"{n:03d}" for n in range(1000))


class _ClockHeads(dict[int, str]):
    """``HH:MM:SS`` and a separator for each whole second, formatted on first use (shared by
    the bulk clock times and SMPTE labels: a label's seconds count at the nominal rate)."""

    __slots__ = ("sep",)

    def __init__(self, sep: str) -> None:
        super().__init__()
        self.sep = sep

    def __missing__(self, seconds: int) -> str:
        minutes, ss = divmod(seconds, 60)
        head = self[seconds] = f"{minutes // 60:02d}:{minutes % 60:02d}:{ss:02d}{self.sep}"
        return head


def format_ms_all(values: Sequence[int], sep: str = ",") -> list[str]:
    """:func:`format_ms` of each value (exports format 100,000s): each second's ``HH:MM:SS``
    part is formatted once, in one comprehension with no call per value; same text."""
    if sep not in (",", "."):
        raise TimecodeError(f"millisecond separator must be ',' or '.', not {sep!r}")
    if values and min(values) < 0:
        return [format_ms(ms, sep) for ms in values]
    heads = _ClockHeads(sep)
    millis = _MILLIS
    return [heads[ms // 1000] + millis[ms % 1000] for ms in values]


def ms_to_clock(ms: int) -> tuple[int, int, int, int]:
    """Hours, minutes, seconds and milliseconds of ``ms`` >= 0, as :func:`format_ms` shows them."""
    if ms < 0:
        raise TimecodeError(f"{ms} ms is negative; a clock time starts at 0")
    seconds, millis = divmod(ms, 1000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return hh, mm, ss, millis


def format_hms(ms: int) -> str:
    """``H:MM:SS`` like the sample transcript (``0:03:23``), truncated to the whole second."""
    sign = "-" if ms <= -1000 else ""
    seconds = abs(ms) // 1000
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{sign}{hh}:{mm:02d}:{ss:02d}"


def parse_time(text: str, rate: Fraction | None = None) -> int:
    """Read a time a person typed or a file holds and return it in ms.

    Accepted (surrounding white space ignored): ``H:MM:SS``, ``HH:MM:SS.mmm``, ``HH:MM:SS,mmm``,
    ``MM:SS``, ``MM:SS.mmm``, seconds ``12``/``12.5``/``12.5s``, ``1500ms``, and with ``rate``
    the frame forms ``HH:MM:SS:FF`` and ``HH:MM:SS;FF``. Fractions of a second take 1-3 digits
    (``.5`` is 500 ms); minutes and seconds must be below 60; negative times are refused.
    """
    stripped = text.strip()
    if not stripped:
        raise TimecodeError(f"no time given (empty text); {_ACCEPTED_FORMS}")
    _check_length(stripped, "a time")
    if stripped.startswith("-"):
        raise TimecodeError(f"'{stripped}' is negative; times start at 0")

    frames = _FRAMES_TIME_RE.fullmatch(stripped)
    if frames:
        if rate is None:
            raise TimecodeError(
                f"'{stripped}' counts frames (HH:MM:SS:FF); a frame rate is needed to read it, "
                "or write it as HH:MM:SS.mmm"
            )
        return smpte_to_ms(stripped, rate)

    match = _HMS_RE.fullmatch(stripped)
    if match:
        hh, mm, ss, fraction = int(match[1]), int(match[2]), int(match[3]), match[4]
        return _clock_ms(stripped, hh, mm, ss, fraction)
    match = _MS_CLOCK_RE.fullmatch(stripped)
    if match:
        mm, ss, fraction = int(match[1]), int(match[2]), match[3]
        return _clock_ms(stripped, 0, mm, ss, fraction)
    match = _MILLIS_RE.fullmatch(stripped)
    if match:
        return int(match[1])
    match = _SECONDS_RE.fullmatch(stripped)
    if match:
        return int(match[1]) * 1000 + _fraction_ms(stripped, match[2])
    raise TimecodeError(f"'{stripped}' is not a time; {_ACCEPTED_FORMS}")


def _clock_ms(text: str, hh: int, mm: int, ss: int, fraction: str | None) -> int:
    if mm >= 60 or ss >= 60:
        raise TimecodeError(f"'{text}': minutes and seconds must be below 60")
    return ((hh * 60 + mm) * 60 + ss) * 1000 + _fraction_ms(text, fraction)


def _fraction_ms(text: str, fraction: str | None) -> int:
    if fraction is None:
        return 0
    if len(fraction) > 3:
        raise TimecodeError(
            f"'{text}' has {len(fraction)} digits after the decimal point; times are kept to "
            "the millisecond, so use at most 3"
        )
    return int(fraction.ljust(3, "0"))
