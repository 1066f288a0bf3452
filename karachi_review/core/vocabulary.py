"""The tag vocabulary: the default set for documentary review, and validation of tag fields.

A tag has a ``name`` (the identifier typed on the command line and written in exports:
lower case, words joined by ``-``, e.g. ``statistic-claim``), a ``label`` shown in the window
(``Statistic claim``), a ``colour`` (``#rrggbb``, distinct from every other tag's so that the
timeline lanes can be told apart), an optional ``hotkey`` (``1``-``9``; the first nine default
tags have ``1``-``9`` in order) and a ``description`` saying when to use it.

The store (``core/store.py``) keeps the vocabulary in the project file; this module holds no
state and writes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from karachi_review.core.errors import KarachiError

__all__ = [
    "DEFAULT_TAGS",
    "HOTKEYS",
    "MAX_NAME_LENGTH",
    "Tag",
    "VocabularyError",
    "label_from_name",
    "normalise_colour",
    "normalise_hotkey",
    "normalise_label",
    "normalise_name",
    "validate_vocabulary",
]

MAX_NAME_LENGTH: Final = 40
MAX_LABEL_LENGTH: Final = 80
HOTKEYS: Final = tuple(str(n) for n in range(1, 10))

_NAME_RE: Final = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_COLOUR_RE: Final = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


class VocabularyError(KarachiError):
    """A tag name, label, colour or hotkey that cannot be used."""


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag of the vocabulary; ``position`` is its 1-based place in the list (0: unplaced)."""

    name: str
    label: str
    colour: str
    hotkey: str | None = None
    description: str = ""
    position: int = 0


def normalise_name(text: str) -> str:
    """The canonical form of a tag name: lower case, runs of spaces/``_``/``-`` become ``-``.

    ``"Statistic claim"``, ``"statistic_claim"`` and ``"STATISTIC-CLAIM"`` all give
    ``statistic-claim``. Letters of any script and digits are allowed; nothing else.
    """
    folded = unicodedata.normalize("NFC", text).strip().lower()
    name = re.sub(r"[\s_\-]+", "-", folded).strip("-")
    if not name:
        raise VocabularyError("a tag name cannot be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise VocabularyError(f"tag name '{name}' is longer than {MAX_NAME_LENGTH} characters")
    if not _NAME_RE.fullmatch(name):
        raise VocabularyError(
            f"tag name '{text.strip()}' may only hold letters, digits, spaces and '-' "
            "(e.g. 'statistic-claim')"
        )
    return name


def label_from_name(name: str) -> str:
    """A readable label for a name: ``statistic-claim`` -> ``Statistic claim``."""
    words = name.replace("-", " ")
    return words[:1].upper() + words[1:]


def normalise_label(text: str) -> str:
    """A label: one line of visible text, at most MAX_LABEL_LENGTH characters."""
    label = " ".join(text.split())
    if not label:
        raise VocabularyError("a tag label cannot be empty")
    if len(label) > MAX_LABEL_LENGTH:
        raise VocabularyError(f"tag label '{label}' is longer than {MAX_LABEL_LENGTH} characters")
    return label


def normalise_colour(text: str) -> str:
    """``#rrggbb`` in lower case from ``#RRGGBB``, ``RRGGBB``, ``#rgb`` or ``rgb``."""
    match = _COLOUR_RE.fullmatch(text.strip())
    if not match:
        raise VocabularyError(f"colour '{text}' is not a hex colour like #d55e00")
    digits = match[1].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


def normalise_hotkey(text: str | None) -> str | None:
    """``"1"``-``"9"``, or None for ``None``, ``""``, ``"none"`` and ``"-"`` (no hotkey)."""
    if text is None:
        return None
    key = text.strip().lower()
    if key in ("", "none", "-"):
        return None
    if key not in HOTKEYS:
        raise VocabularyError(f"hotkey '{text}' must be one of 1-9 (or 'none')")
    return key


def validate_vocabulary(tags: Iterable[Tag]) -> None:
    """Raise VocabularyError unless names, colours and hotkeys are each distinct and valid."""
    names: dict[str, str] = {}
    colours: dict[str, str] = {}
    hotkeys: dict[str, str] = {}
    for tag in tags:
        name = normalise_name(tag.name)
        if name != tag.name:
            raise VocabularyError(f"tag name '{tag.name}' is not in canonical form ('{name}')")
        normalise_label(tag.label)
        colour = normalise_colour(tag.colour)
        hotkey = normalise_hotkey(tag.hotkey)
        if name in names:
            raise VocabularyError(f"tag '{name}' appears twice")
        if colour in colours:
            raise VocabularyError(
                f"tags '{colours[colour]}' and '{name}' have the same colour {colour}"
            )
        if hotkey is not None and hotkey in hotkeys:
            raise VocabularyError(f"tags '{hotkeys[hotkey]}' and '{name}' share hotkey {hotkey}")
        names[name] = name
        colours[colour] = name
        if hotkey is not None:
            hotkeys[hotkey] = name


def _default(name: str, label: str, colour: str, description: str) -> tuple[str, str, str, str]:
    return (name, label, colour, description)


# Order matters: the first nine get hotkeys 1-9. Colours come from the Okabe-Ito and Paul Tol
# colour-blind-safe palettes, so neighbouring lanes stay distinguishable for most viewers.
_DEFAULTS: Final = (
    _default(
        "raid", "Raid", "#d55e00", "A police, paramilitary or army raid, arrest or operation."
    ),
    _default("interview", "Interview", "#0072b2", "An on-camera interview or testimony."),
    _default(
        "statistic-claim",
        "Statistic claim",
        "#e69f00",
        "A number given as fact (deaths, arrests, percentages, money): to be checked.",
    ),
    _default(
        "attack-footage",
        "Attack footage",
        "#882255",
        "Footage of an attack, a bombing or its immediate aftermath.",
    ),
    _default(
        "archive-footage",
        "CCTV / archive footage",
        "#56b4e9",
        "CCTV, news archive, phone or third-party footage: source and date to be checked.",
    ),
    _default("funeral", "Funeral", "#777777", "A funeral, burial or mourning."),
    _default(
        "interrogation",
        "Interrogation",
        "#cc79a7",
        "Questioning of a suspect or detainee, on camera or described.",
    ),
    _default(
        "expert-commentary",
        "Expert commentary",
        "#009e73",
        "An analyst, academic, journalist or other expert explaining context.",
    ),
    _default(
        "official-statement",
        "Official statement",
        "#332288",
        "A statement by police, army, government or a militant group's spokesperson.",
    ),
    _default(
        "sound-event",
        "Sound event",
        "#999933",
        "A non-speech sound captioned in the transcript, e.g. [GUNSHOT], [EXPLOSION], [SIREN].",
    ),
    _default(
        "human-rights-concern",
        "Human-rights concern",
        "#ee3377",
        "Possible abuse: extrajudicial killing, torture, treatment of detainees, consent.",
    ),
    _default(
        "graphic-content",
        "Graphic content",
        "#661100",
        "Bodies, injuries or violence that may need a warning, a blur or a cut.",
    ),
    _default(
        "identity-protection",
        "Identity protection",
        "#44aa99",
        "A face, name, voice or number plate that may need hiding (informant, minor, victim).",
    ),
    _default(
        "location",
        "Location",
        "#117733",
        "A place named or recognisable on screen: to be verified.",
    ),
    _default(
        "reconstruction",
        "Reconstruction",
        "#ddcc77",
        "A staged, re-enacted or illustrative scene that viewers might take for real footage.",
    ),
    _default(
        "translation-check",
        "Translation check",
        "#aa4499",
        "Translated or subtitled speech whose translation should be checked.",
    ),
)

DEFAULT_TAGS: Final[tuple[Tag, ...]] = tuple(
    Tag(
        name=name,
        label=label,
        colour=colour,
        hotkey=HOTKEYS[i] if i < len(HOTKEYS) else None,
        description=description,
        position=i + 1,
    )
    for i, (name, label, colour, description) in enumerate(_DEFAULTS)
)
"""The vocabulary a new project starts with."""
