"""Claim detection: each pattern, sentences across cues, timecodes, non-claims, the labelled set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from karachi_review.core.claims import (
    THRESHOLD,
    assemble_sentences,
    detect,
    detect_text,
    evaluate,
    find_quantities,
    measure_of,
    parse_number_words,
    strip_timecodes,
)
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path
from karachi_review.core.transcript import Cue

LABELS = Path(__file__).resolve().parent.parent / "data" / "claims_labels.json"


def values(text: str) -> list[tuple[str, int | float, str]]:
    """(written, value, kind) of the figures detect_text suggests in ``text``."""
    return [(q.text, q.value, q.kind) for s in detect_text(text) for q in s.values]


def one(text: str) -> dict[str, object]:
    (suggestion,) = detect_text(text)
    return suggestion.as_dict()


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("Almost 24 million people live in Karachi.", "24 million", 24_000_000),
        ("With a force of just 15,000 officers, they patrol.", "15,000", 15_000),
        ("It's under 6% conviction rate.", "6%", 6),
        ("Unemployment reached 6 per cent in 2014.", "6 per cent", 6),
        ("Turnout was 7.5 percent last year.", "7.5 percent", 7.5),
        ("Some 1.5 million people live there.", "1.5 million", 1_500_000),
        ("Kidnappers demanded $4m in ransom.", "$4m", 4_000_000),
        ("They paid Rs 50,000 in ransom money last year.", "Rs 50,000", 50_000),
        (
            "It's estimated that robberies cost Karachi millions of dollars every day.",
            "millions of",
            1_000_000,
        ),
        ("A dozen officers were killed in 2013.", "A dozen", 12),
        ("On average, ten people die from violence in Karachi every day.", "ten", 10),
        ("At least twenty-five people died every day.", "twenty-five", 25),
        ("Two hundred families were evicted last year and reported it.", "Two hundred", 200),
        ("More than 100 cases were reported in 2010.", "100", 100),
        ("Police say 1,234,567 rupees were seized in 2012.", "1,234,567", 1_234_567),
        ("Nearly half of Canadians have suffered advances at work.", "half", 50),
        ("Two thirds of the cases were dropped in 2013.", "Two thirds", 66.7),
    ],
)
def test_each_quantity_pattern_is_found_and_normalised(
    text: str, written: str, value: int | float
) -> None:
    found = values(text)
    assert (written, value) in [(w, v) for w, v, _ in found], found
    assert all(isinstance(v, int) for w, v, _ in found if "." not in w and "thirds" not in w)


@pytest.mark.parametrize(
    ("text", "kind", "unit"),
    [
        ("It's under 6% conviction rate.", "percent", "%"),
        ("Kidnappers demanded $4m in ransom.", "money", "USD"),
        ("They paid Rs 50,000 in ransom money last year.", "money", "PKR"),
        (
            "With an estimated 4 million handed over in ransom money to the Taliban.",
            "money",
            "money",
        ),
        ("133 children were killed in the massacre.", "count", "children"),
    ],
)
def test_kind_and_unit(text: str, kind: str, unit: str) -> None:
    (suggestion,) = detect_text(text)
    first = suggestion.values[0]
    assert (first.kind, first.unit) == (kind, unit)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Almost 24 million people live in Karachi.", "almost"),
        ("They are under 6% now, officials reported in 2015.", "under"),
        ("More than 100 cases were reported in 2010.", "more than"),
        ("At least 40 people were killed yesterday.", "at least"),
        ("With an estimated 4 million handed over in ransom money.", "estimated"),
        ("A force of just 15,000 officers polices the city.", "just"),
        ("On average, ten people die from violence every day.", "on average"),
        ("Nearly 300 children were killed in 2014.", "nearly"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    assert one(text)["qualifier"] == qualifier


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("On average, ten people die from violence in Karachi every day.", "every day"),
        ("They lost 156 of their colleagues in just one year.", "in just one year"),
        ("132 cases of kidnapping were reported in Karachi in 2014.", "in 2014"),
        ("There were almost 200 reported last year.", "last year"),
        (
            "Of 115 cases of kidnap over a 12-month period, none ended in court.",
            "over a 12-month period",
        ),
        ("Just last month, two police officers were killed.", "last month"),
    ],
)
def test_periods(text: str, period: str) -> None:
    data = one(text)
    assert period in str(data["period"]).lower()
    # A year or a duration is the period of the claim, never a figure to check.
    figures = [q for q in data["values"] if q["role"] == "value"]  # type: ignore[attr-defined]
    assert all(q["kind"] not in ("year", "duration") for q in figures)


def test_the_thing_counted() -> None:
    assert one("A force of just 15,000 officers polices the city.")["unit"] == "officers"
    assert one("132 cases of kidnapping were reported in 2014.")["subject"] == (
        "cases of kidnapping"
    )
    assert one("133 children were killed in the massacre.")["subject"] == "children"


def test_number_words() -> None:
    assert parse_number_words("ten") == 10
    assert parse_number_words("twenty-five") == 25
    assert parse_number_words("two hundred") == 200
    assert parse_number_words("three thousand five hundred") == 3500
    assert parse_number_words("a lot") is None


def test_sentence_split_across_cues_is_one_claim_with_its_numbers() -> None:
    cues = [
        Cue(1, 0, 2000, "Recently released figures show that,", line=1),
        Cue(2, 2000, 6000, "of 115 cases of kidnap over a 12-month period,", line=2),
        Cue(3, 6000, 8000, "there wasn't a single conviction.", line=3),
        Cue(4, 8000, 9000, "Two of them walked in.", line=4),
    ]
    (suggestion,) = detect(cues)
    assert suggestion.sentence.cues == (1, 2, 3)
    assert (suggestion.sentence.start_ms, suggestion.sentence.end_ms) == (0, 8000)
    written = [(q.text, q.value, q.role) for q in suggestion.quantities]
    assert ("115", 115, "value") in written
    assert ("12", 12, "period") in written
    assert ("wasn't a single", 0, "value") in written
    assert "over a 12-month period" in suggestion.period


def test_cues_far_apart_or_ended_are_separate_sentences() -> None:
    cues = [
        Cue(1, 0, 2000, "With a force of just 15,000 officers", line=1),
        Cue(2, 9000, 11000, "the film cuts to a market", line=2),
        Cue(3, 11000, 12000, "Done.", line=3),
        Cue(4, 12000, 13000, "GUNSHOT", line=4),
    ]
    sentences = assemble_sentences(cues)
    assert [s.cues for s in sentences] == [(1,), (2, 3)]


def test_numbers_glued_to_timecodes_in_the_sample_format() -> None:
    line = "0:22:32 > 0:22:37133 children were killed in the massacre at the Army Public School."
    cleaned = strip_timecodes(line)
    assert len(cleaned) == len(line)  # offsets are kept
    assert "37133" not in cleaned and "133 children" in cleaned
    assert values(line) == [("133", 133, "count")]
    # Read through the transcript reader, the sample's own cue says 133 too, never 37133.
    cues = read_transcript(sample_path()).transcript.cues
    found = [q.value for s in detect(cues) for q in s.values]
    assert 133 in found and 37133 not in found and 37 not in found
    assert not any(v == 22 for v in found)


def test_timecodes_and_cue_numbers_in_raw_srt_do_not_flood() -> None:
    srt = (
        "1\n00:00:05,000 --> 00:00:09,000\nPakistan, a nation under siege.\n\n"
        "2\n00:01:59,000 --> 00:02:03,000\nAlmost 24 million people live in Karachi.\n\n"
        "3\n00:02:03,000 --> 00:02:05,000\nIt's a big city.\n"
    )
    assert values(srt) == [("24 million", 24_000_000, "count")]


@pytest.mark.parametrize(
    "text",
    [
        "Two of them walked in.",
        "Half of them walked in.",
        "These two guys were standing here.",
        "There is one guy towards the driving seat.",
        "It's one of the largest cities in the world.",
        "The officer shows me CCTV footage of two Shia preachers being gunned down.",
        "They've been planning this raid for four weeks.",
        "A 2014 Human Rights Watch report said so.",
        "It was around 10 o'clock in the night.",
        "Last Modified: 29 Dec 2011 12:21",
        "It airs at the following times GMT: Wednesday: 2230; Thursday: 0930.",
        "Hanna Lalango, 16, was attacked on a bus.",
        "The family home must be guarded 24 hours a day.",
    ],
)
def test_non_claims_are_not_suggested(text: str) -> None:
    assert detect_text(text) == []


def test_each_suggestion_has_a_score_and_reasons() -> None:
    (strong,) = detect_text("132 cases of kidnapping were reported in Karachi in 2014.")
    assert strong.score >= THRESHOLD
    assert "written in digits" in strong.reasons
    assert any("event verb" in r for r in strong.reasons)
    assert "period or date in the sentence" in strong.reasons
    weak = [q for q in find_quantities("These two guys were standing here.") if q.role == "value"]
    assert weak and weak[0].score < THRESHOLD
    assert any("scene" in r for r in weak[0].reasons)


def test_place_and_document_offsets() -> None:
    text = "Intro line.\n\nKarachi is home to almost 20 million people.\n"
    (suggestion,) = detect_text(text)
    assert suggestion.place == "Karachi"
    assert suggestion.sentence.line == 3
    assert text[suggestion.sentence.char_start :].startswith("Karachi is home")


def test_article_claims() -> None:
    text = sample_path(SAMPLE_ARTICLE).read_text(encoding="utf-8")
    found = values(text)
    assert ("20 million", 20_000_000, "count") in found
    assert ("100", 100, "count") in found
    assert all(v not in (2230, 930, 330, 1630, 2011, 12, 21, 10) for _, v, _ in found)


def test_measures_link_population_and_kidnapping() -> None:
    assert measure_of("people", "Almost 24 million people live in Karachi.") == "population"
    assert measure_of("cases of kidnapping") == "kidnapping cases"
    assert measure_of("instances of kidnapping for ransom") == "kidnapping cases"


# ------------------------------------------------------------------------- labelled set


def _labels() -> list[dict[str, object]]:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    numbers: list[dict[str, object]] = data["numbers"]
    return numbers


def test_every_number_of_the_sample_is_labelled() -> None:
    labels = {(int(str(x["line"])), str(x["text"]).lower()) for x in _labels()}
    cues = read_transcript(sample_path()).transcript.cues
    number = re.compile(
        r"\d[\d,]*(?:\.\d+)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
        r"twenty|hundred|thousand|million|dozen)\b",
        re.I,
    )
    unlabelled = []
    for cue in cues:
        for m in number.finditer(cue.text):
            token = m.group(0).lower().rstrip(",")
            if token in ("million",):
                continue  # part of "24 million"
            if not any(
                line == cue.line and (token in text or text in token) for line, text in labels
            ):
                unlabelled.append((cue.line, token))
    assert unlabelled == []


def test_article_labels_match_the_article() -> None:
    data = json.loads((LABELS.parent / "claims_labels_article.json").read_text(encoding="utf-8"))
    lines = sample_path(SAMPLE_ARTICLE).read_text(encoding="utf-8").splitlines()
    for label in data["numbers"]:
        assert str(label["text"]).lower() in lines[int(label["line"]) - 1].lower(), label
    result = evaluate(
        detect_text(sample_path(SAMPLE_ARTICLE).read_text(encoding="utf-8")), data["numbers"]
    )
    assert result.false_positives == ()
    assert result.recall >= 0.8, result.missed


def test_labelled_set_precision_and_recall_meet_the_targets() -> None:
    cues = read_transcript(sample_path()).transcript.cues
    result = evaluate(detect(cues), _labels())
    assert result.recall >= 0.95, result.missed
    assert result.precision >= 0.85, result.false_positives


def test_evaluate_counts_wrong_values_and_misses() -> None:
    cues = [Cue(1, 0, 1000, "Almost 24 million people live in Karachi.", line=1)]
    right = [{"line": 1, "text": "24 million", "value": 24_000_000, "claim": True}]
    wrong = [{"line": 1, "text": "24 million", "value": 24, "claim": True}]
    not_claim = [{"line": 1, "text": "24 million", "value": 24_000_000, "claim": False}]
    assert evaluate(detect(cues), right).recall == 1.0
    bad = evaluate(detect(cues), wrong)
    assert (bad.recall, bad.precision) == (0.0, 0.0)
    assert evaluate(detect(cues), not_claim).precision == 0.0
    assert evaluate([], right).missed == ((1, "24 million"),)
