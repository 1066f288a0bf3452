"""Fixed data for export tests: a small transcript, annotations and media (deterministic)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

from karachi_review.core.export_model import ExportSource
from karachi_review.core.store import Annotation, Media
from karachi_review.core.transcript import Cue
from karachi_review.core.vocabulary import DEFAULT_TAGS

GOLDEN = Path(__file__).resolve().parent / "golden"
XSD = Path(__file__).resolve().parent / "eaf" / "EAFv3.0.xsd"
UPDATE = os.environ.get("KARACHI_UPDATE_GOLDEN") == "1"
STAMP = "2026-01-02T03:04:05.000Z"

CUES = [
    Cue(1, 0, 2000, "Pakistan, a nation under siege."),
    Cue(2, 2000, 5000, "Line one\n\nafter a blank line --> arrow <i>x</i>"),
    Cue(3, 5000, 8040, "Karachi: 133 children were killed."),
    Cue(4, 9000, 12_000, "The police came at night."),
]


def ann(n: int, start: int, end: int, tag: str, note: str = "", who: str = "amna") -> Annotation:
    """An annotation with a fixed id and timestamps."""
    return Annotation(
        f"{n:08d}-0000-4000-8000-{n:012d}", 1, start, end, tag, note, who, STAMP, STAMP, 1
    )


ANNOTATIONS = [
    ann(1, 1000, 4000, "raid", '=HYPERLINK("http://x") night raid'),
    ann(2, 2500, 6000, "interview", "", who="bilal"),
    ann(3, 3000, 3500, "raid", "overlaps the first raid\nsecond line"),
    ann(4, 9040, 11_960, "statistic-claim", "133 -> check source", who="bilal"),
]


def media(fps: Fraction | None = Fraction(25), start_tc: str | None = None) -> Media:
    """A media record with a fixed path."""
    return Media(1, "/footage/hunters.mp4", 1000, "x", 12_000, fps, start_tc, STAMP)


def source(
    fps: Fraction | None = Fraction(25), annotations: list[Annotation] | None = None
) -> ExportSource:
    """The fixed export source."""
    return ExportSource(
        ANNOTATIONS if annotations is None else annotations,
        CUES,
        DEFAULT_TAGS,
        media(fps),
        "Taliban hunters",
        {"project_id": "p-1"},
    )


def golden(name: str, data: bytes) -> bytes:
    """The stored golden file ``name`` (written first when KARACHI_UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path.read_bytes()
