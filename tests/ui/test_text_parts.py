"""Speaker turns and caption sound events, as the transcript shows them."""

from __future__ import annotations

import pytest

from karachi_review.ui.text_parts import TextPart, display_parts, display_text, is_sound_event


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GUNSHOT", True),
        ("ALARM RINGS", True),
        ("[EXPLOSION]", True),
        ("(SIREN WAILS)", True),
        ("Pakistan, a nation under siege.", False),
        ("TTP members attack", False),
        ("OK", False),
        ("133", False),
    ],
)
def test_sound_events(text: str, expected: bool) -> None:
    assert is_sound_event(text) is expected


def test_glued_speaker_turns_are_split() -> None:
    text = "- It could have got really dangerous if we'd stayed any longer?- Yes, exactly."
    assert display_parts(text) == [
        TextPart("turn", "It could have got really dangerous if we'd stayed any longer?"),
        TextPart("turn", "Yes, exactly."),
    ]
    assert display_text(
        "- OK, so, he's arriving for work?- He is arriving. This was in the morning."
    ) == ("— OK, so, he's arriving for work?  — He is arriving. This was in the morning.")
    # Lines of a two-speaker SRT cue.
    assert [p.text for p in display_parts("- Where?\n- Here.")] == ["Where?", "Here."]


def test_plain_text_and_hyphens_inside_sentences_stay_whole() -> None:
    assert display_parts("A well-known - and feared - man.") == [
        TextPart("text", "A well-known - and feared - man.")
    ]
    assert display_text("line one\nline two") == "line one line two"
    assert display_text("<b>bold</b>") == "<b>bold</b>"
