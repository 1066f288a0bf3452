"""Project subcommands (new, tag, untag, annotations, import-annotations, search, tags, export)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the project subcommands to ``sub`` (an argparse subparsers action)."""
    del sub
