"""How a cue's text is shown: speaker turns and caption sound events, as plain text parts.

Pure Python (no Qt), so it is tested on its own and shared by the transcript delegate and the
timeline's tooltips. Nothing here interprets markup: every part is drawn as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["TextPart", "display_parts", "display_text", "is_sound_event", "speaker_turns"]

# "- It could...?- Yes, exactly.": a dash that opens the cue, then dashes glued after the end
# of a sentence (the seed format loses the line break between turns).
_TURN_SPLIT: Final = re.compile(r"(?:(?<=[.?!…\"'”’])|\n)\s*[-–—]\s+(?=\S)")
_OPENING_DASH: Final = re.compile(r"^\s*[-–—]\s+")
# GUNSHOT, ALARM RINGS, [EXPLOSION], (SIREN WAILS): capitals only, optionally bracketed.
_SOUND_EVENT: Final = re.compile(r"[\[(]?\s*[A-Z][A-Z0-9'’ ,&/-]*[A-Z0-9]\s*[\])]?")


@dataclass(frozen=True, slots=True)
class TextPart:
    """A piece of a cue as displayed: ``kind`` is "text", "turn" (a new speaker) or "sound"."""

    kind: str
    text: str


def is_sound_event(text: str) -> bool:
    """True for a caption of a non-speech sound: capitals only (GUNSHOT, [ALARM RINGS])."""
    stripped = text.strip()
    if len(stripped) < 3 or not any(c.isalpha() for c in stripped):
        return False
    return _SOUND_EVENT.fullmatch(stripped) is not None


def speaker_turns(text: str) -> list[str]:
    """The turns of a cue glued as ``- A?- B`` (one element when there is a single speaker)."""
    if not _OPENING_DASH.match(text):
        return [text]
    body = _OPENING_DASH.sub("", text, count=1)
    turns = [t.strip() for t in _TURN_SPLIT.split(body)]
    return [t for t in turns if t] or [text]


def display_parts(text: str) -> list[TextPart]:
    """The parts to draw for ``text``: sound events and speaker turns marked as such."""
    if is_sound_event(text):
        return [TextPart("sound", text.strip().strip("[]()").strip())]
    turns = speaker_turns(text)
    if len(turns) == 1 and turns[0] == text:
        return [TextPart("text", " ".join(text.split()))]
    return [TextPart("turn", " ".join(t.split())) for t in turns]


def display_text(text: str) -> str:
    """One line of plain text for ``text`` (turns as "— A  — B", sounds as "[GUNSHOT]")."""
    parts = display_parts(text)
    out: list[str] = []
    for part in parts:
        if part.kind == "sound":
            out.append(f"[{part.text}]")
        elif part.kind == "turn":
            out.append(f"— {part.text}")
        else:
            out.append(part.text)
    return "  ".join(out)
