"""UI fixtures: real project files in tmp_path, settings in an INI file, the fake player."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import DURATION_FRAMES, FPS, SRT, MakeWindow

from karachi_review.core.reader import read_transcript
from karachi_review.core.store import Project
from karachi_review.player.base import FakePlayer
from karachi_review.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of one test, in an INI file of its own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def transcript_file(tmp_path: Path) -> Path:
    """The twelve-cue SRT on disk."""
    path = tmp_path / "talk.srt"
    path.write_text(SRT, encoding="utf-8")
    return path


@pytest.fixture
def media_file(tmp_path: Path) -> Path:
    """A file standing for the film (the fake player only checks that it exists)."""
    path = tmp_path / "film.mp4"
    path.write_bytes(b"not decoded by the fake player")
    return path


@pytest.fixture
def project_path(tmp_path: Path, transcript_file: Path, media_file: Path) -> Path:
    """A real project file with the transcript and the film attached."""
    path = tmp_path / "review.kreview"
    transcript = read_transcript(transcript_file).transcript
    Project.create(path, transcript, media_path=media_file, transcript_path=transcript_file).close()
    with Project.open(path) as project:
        project.set_media_info(duration_ms=30_000, fps=FPS)
    return path


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings, tmp_path: Path) -> Iterator[MakeWindow]:
    """Windows with the fake player (closed at the end of the test)."""
    made: list[MainWindow] = []

    def make(**kwargs: Any) -> MainWindow:
        kwargs.setdefault("settings", settings)
        kwargs.setdefault("data_dir", tmp_path / "data")
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        kwargs.setdefault("player_factory", lambda: FakePlayer(FPS, DURATION_FRAMES))
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


@pytest.fixture
def window(make_window: MakeWindow, project_path: Path, qtbot: QtBot) -> MainWindow:
    """A shown, active window on the project, with the fake player on the film."""
    w = make_window()
    assert w.open_project(project_path)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    return w
