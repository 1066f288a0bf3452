"""The bundled sample material (shipped inside the package, found with importlib.resources)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_TRANSCRIPT = "karachi-taliban-hunters-transcript.txt"
SAMPLE_ARTICLE = "karachi-kidnap-article.txt"


def sample_path(name: str = SAMPLE_TRANSCRIPT) -> Path:
    """Path of a bundled sample file (the documentary transcript by default)."""
    # Here, not at import: importlib.resources and its readers cost the window ~5 ms of start-up,
    # and the window opens the sample without asking where it is (its project records that).
    from importlib.resources import files

    return Path(str(files("karachi_review.resources").joinpath(name)))
