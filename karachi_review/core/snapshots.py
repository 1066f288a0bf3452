"""Rotating backups of a project file, made with ``VACUUM INTO`` and checked with quick_check.

Backups live in a folder beside the project, ``NAME.backups/`` (``review.kreview`` ->
``review.kreview.backups/``), named ``NAME-YYYYMMDDTHHMMSSffffffZ.kreview`` so that names sort
by time. Rules, each for a reason:

* Never copy the live file: a copy taken while another process writes (or of a file with
  un-checkpointed WAL) can be torn. ``VACUUM INTO`` writes a consistent, compact database.
* A snapshot is written under a temporary name, checked with ``PRAGMA quick_check``, fsynced,
  then renamed: a crash or a damaged result never replaces a good backup.
* Only automatic backups rotate (the newest ``keep`` stay); ``before-vN`` snapshots made
  before a migration are kept until the user removes them.
* The store takes an automatic backup when a project is opened for writing and after an edit,
  but only when the newest automatic backup is older than the interval: a burst of CLI calls
  then cannot rotate every older backup away in seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from karachi_review.core.errors import KarachiError

__all__ = [
    "DEFAULT_INTERVAL_S",
    "DEFAULT_KEEP",
    "SnapshotError",
    "auto_snapshots",
    "backup_dir",
    "newest_auto_age_s",
    "take_snapshot",
]

DEFAULT_KEEP: Final = 5
DEFAULT_INTERVAL_S: Final = 300.0
_STALE_PARTIAL_S: Final = 3600.0


class SnapshotError(KarachiError):
    """A backup could not be written or did not pass its check."""


def backup_dir(project: Path) -> Path:
    """The folder holding the backups of ``project``."""
    return project.with_name(project.name + ".backups")


def _auto_re(project: Path) -> re.Pattern[str]:
    return re.compile(re.escape(project.stem) + r"-(\d{8}T\d{12}Z)" + re.escape(".kreview"))


def auto_snapshots(project: Path) -> list[Path]:
    """Automatic backups of ``project``, oldest first."""
    folder = backup_dir(project)
    if not folder.is_dir():
        return []
    pattern = _auto_re(project)
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))


def newest_auto_age_s(project: Path) -> float | None:
    """Seconds since the newest automatic backup was written, or None when there is none."""
    found = auto_snapshots(project)
    if not found:
        return None
    return max(0.0, time.time() - found[-1].stat().st_mtime)


def take_snapshot(
    project: Path,
    *,
    label: str | None = None,
    keep: int = DEFAULT_KEEP,
) -> Path:
    """Write a checked backup of ``project``; return its path.

    The snapshot is read through a connection of its own (read-only), so it can run in a
    worker thread while the window keeps writing through its connection (WAL lets both
    proceed). ``label`` (e.g. ``before-v2``) makes a kept snapshot; without it the backup is
    an automatic one and older automatic backups beyond ``keep`` are removed.
    """
    folder = backup_dir(project)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise SnapshotError(f"cannot create the backup folder: {exc}", str(folder)) from exc
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{project.stem}-{stamp}" + (f"-{label}" if label else "") + ".kreview"
    final = folder / name
    partial = folder / f".{name}.{os.getpid()}.partial"
    _remove_stale_partials(folder)
    try:
        source = sqlite3.connect(f"{project.absolute().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            source.execute("VACUUM INTO ?", (str(partial),))
        finally:
            source.close()
        _check(partial)
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, final)
        _fsync_dir(folder)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise SnapshotError(f"backup failed: {exc}", str(final)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    if label is None:
        for old in auto_snapshots(project)[:-keep] if keep > 0 else []:
            with contextlib.suppress(OSError):
                old.unlink()
    return final


def _check(path: Path) -> None:
    check = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        result = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise SnapshotError(f"the backup failed its check ({result}); it was not kept", str(path))


def _remove_stale_partials(folder: Path) -> None:
    # A partial backup left by a killed process; one younger than an hour may still be in
    # the making by another process.
    now = time.time()
    for p in folder.glob(".*.partial"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > _STALE_PARTIAL_S:
                p.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
