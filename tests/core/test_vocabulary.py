"""The default vocabulary and the validation of tag fields."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pytest

from karachi_review.core.vocabulary import (
    DEFAULT_TAGS,
    Tag,
    VocabularyError,
    label_from_name,
    normalise_colour,
    normalise_hotkey,
    normalise_label,
    normalise_name,
    validate_vocabulary,
)


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour, to measure how far apart two colours look."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_default_set_covers_documentary_review() -> None:
    names = [t.name for t in DEFAULT_TAGS]
    for wanted in (
        "raid",
        "interview",
        "statistic-claim",
        "attack-footage",
        "archive-footage",
        "funeral",
        "interrogation",
        "expert-commentary",
        "official-statement",
        "sound-event",
        "human-rights-concern",
    ):
        assert wanted in names
    archive = next(t for t in DEFAULT_TAGS if t.name == "archive-footage")
    assert "CCTV" in archive.label
    sound = next(t for t in DEFAULT_TAGS if t.name == "sound-event")
    assert "GUNSHOT" in sound.description
    assert all(t.description for t in DEFAULT_TAGS)


def test_default_set_is_valid_with_hotkeys_one_to_nine_in_order() -> None:
    validate_vocabulary(DEFAULT_TAGS)
    assert [t.hotkey for t in DEFAULT_TAGS[:9]] == [str(n) for n in range(1, 10)]
    assert all(t.hotkey is None for t in DEFAULT_TAGS[9:])
    assert [t.position for t in DEFAULT_TAGS] == list(range(1, len(DEFAULT_TAGS) + 1))


def test_default_colours_are_visibly_distinct() -> None:
    labs = {t.name: _lab(t.colour) for t in DEFAULT_TAGS}
    closest = min((math.dist(labs[a], labs[b]), a, b) for a, b in itertools.combinations(labs, 2))
    # CIE76 distance: about 2.3 is "just noticeable"; 15 keeps lanes apart at a glance.
    assert closest[0] > 15, closest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Statistic claim", "statistic-claim"),
        ("statistic_claim", "statistic-claim"),
        ("  STATISTIC--CLAIM ", "statistic-claim"),
        ("Überfall", "überfall"),
        ("raid2", "raid2"),
    ],
)
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "raid!", "a/b", "x" * 41, "--"])
def test_bad_names_are_refused(text: str) -> None:
    with pytest.raises(VocabularyError):
        normalise_name(text)


def test_label_and_colour_and_hotkey() -> None:
    assert label_from_name("statistic-claim") == "Statistic claim"
    assert normalise_label("  Two   words ") == "Two words"
    assert normalise_colour("#D55E00") == "#d55e00"
    assert normalise_colour("abc") == "#aabbcc"
    assert normalise_hotkey("3") == "3"
    assert normalise_hotkey("none") is None
    assert normalise_hotkey(None) is None
    for bad_colour in ("red", "#12345", "#ggg000", ""):
        with pytest.raises(VocabularyError):
            normalise_colour(bad_colour)
    for bad_key in ("0", "10", "a", "F1"):
        with pytest.raises(VocabularyError):
            normalise_hotkey(bad_key)
    with pytest.raises(VocabularyError):
        normalise_label("   ")


def test_validate_refuses_duplicates() -> None:
    raid, interview = DEFAULT_TAGS[0], DEFAULT_TAGS[1]
    with pytest.raises(VocabularyError, match="same colour"):
        validate_vocabulary([raid, replace(interview, colour=raid.colour)])
    with pytest.raises(VocabularyError, match="hotkey"):
        validate_vocabulary([raid, replace(interview, hotkey=raid.hotkey)])
    with pytest.raises(VocabularyError, match="twice"):
        validate_vocabulary([raid, replace(raid, colour="#000001", hotkey=None)])
    with pytest.raises(VocabularyError, match="canonical"):
        validate_vocabulary([Tag("Raid Two", "Raid two", "#123456")])
