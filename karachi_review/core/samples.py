"""The bundled sample material (shipped inside the package, found with importlib.resources)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SAMPLE_TRANSCRIPT = "karachi-taliban-hunters-transcript.txt"
SAMPLE_ARTICLE = "karachi-kidnap-article.txt"


def sample_path(name: str = SAMPLE_TRANSCRIPT) -> Path:
    """Path of a bundled sample file (the documentary transcript by default)."""
    return Path(str(files("karachi_review.resources").joinpath(name)))
