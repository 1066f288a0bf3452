"""The checks every import runs, whatever the format: nothing dropped, everything reported."""

from __future__ import annotations

from karachi_review.core.reader import check_cues
from karachi_review.core.transcript import Cue, ReadWarning


def kinds(warnings: list[ReadWarning]) -> list[tuple[int | None, str]]:
    return [(w.line, w.kind) for w in warnings]


def test_clean_cues_give_no_warnings() -> None:
    warnings: list[ReadWarning] = []
    cues = [Cue(1, 0, 1000, "a", line=1), Cue(2, 1000, 2000, "b", line=5)]
    assert check_cues(cues, warnings) == cues
    assert warnings == []


def test_each_problem_is_reported_with_its_line() -> None:
    warnings: list[ReadWarning] = []
    cues = [
        Cue(1, 0, 1000, "a", line=1),
        Cue(2, 500, 1500, "overlaps", line=5),
        Cue(3, 2000, 2000, "zero", line=9),
        Cue(4, 3000, 2500, "inverted", line=13),
        Cue(5, 4000, 5000, "  ", line=17),
    ]
    out = check_cues(cues, warnings)
    assert out == cues  # nothing dropped, nothing changed
    assert kinds(warnings) == [(5, "overlap"), (9, "zero"), (13, "inverted"), (17, "empty")]
    assert "500 ms" in warnings[0].message


def test_out_of_order_cues_are_sorted_renumbered_and_reported() -> None:
    warnings: list[ReadWarning] = []
    cues = [
        Cue(1, 5000, 6000, "late", id="1", line=1),
        Cue(2, 1000, 2000, "early", id="2", line=5),
        Cue(3, 7000, 8000, "last", id="3", line=9),
    ]
    out = check_cues(cues, warnings)
    assert [c.text for c in out] == ["early", "late", "last"]
    assert [c.index for c in out] == [1, 2, 3]
    assert [c.id for c in out] == ["2", "1", "3"]  # the file's own numbers are kept
    assert kinds(warnings) == [(5, "order")]
