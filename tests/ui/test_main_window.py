"""The real main window, offscreen, on the bundled sample and on damaged input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from karachi_review.core.samples import sample_path
from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.transcript_view import COL_START, COL_TEXT


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def test_sample_lists_every_cue_with_timecodes(window: MainWindow) -> None:
    assert window.open_transcript(sample_path())
    model = window.model
    assert model.rowCount() == 324
    first = model.index(0, COL_TEXT)
    assert model.data(first) == "Pakistan, a nation under siege."
    assert model.data(model.index(0, COL_START)) == "00:00:05,000"
    last = model.index(323, COL_TEXT)
    assert model.data(last).startswith("We just can't leave the battlefield")
    assert "324 cues" in window.summary.text()
    assert "timed-lines" in window.summary.text()
    assert window.windowTitle().startswith("karachi-taliban-hunters-transcript.txt")


def test_markup_in_cue_text_stays_literal(window: MainWindow, tmp_path: Path) -> None:
    srt = tmp_path / "markup.srt"
    srt.write_text('1\n00:00:01,000 --> 00:00:02,000\n<img src="x.png"> <b>bold</b>\n\n')
    assert window.open_transcript(srt)
    text_index = window.model.index(0, COL_TEXT)
    assert window.model.data(text_index) == '<img src="x.png"> <b>bold</b>'
    # The view must not treat the string as rich text: the delegate draws DisplayRole verbatim,
    # and the model never offers a rich-text role.
    assert window.model.data(text_index, Qt.ItemDataRole.ToolTipRole) == window.model.data(
        text_index
    )


def test_unusable_file_is_reported_not_raised(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text: shown.append(text) or 0
    )
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    assert not window.open_transcript(empty)
    assert shown and str(empty) in shown[0] and "empty" in shown[0]
    missing = tmp_path / "nope.srt"
    assert not window.open_transcript(missing)
    assert str(missing) in shown[1]
    assert window.model.rowCount() == 0


def test_screenshot_option_opens_the_window_and_saves_a_picture(tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "karachi_review", "--screenshot", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
