"""End to end with REAL libVLC and PyAV on a generated bar-coded clip: open, play, pause, step
with the arrow keys, tag with a number key, undo; checked on the store and on the picture.

The test runs in the suite's offscreen Qt, and once more under Xvfb on the xcb platform (a
real X server, as on a desktop) in a child pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from ui_support import MakeWindow

from karachi_review.core.reader import read_transcript
from karachi_review.core.store import Project
from karachi_review.player.base import PlayerState, picture_to_array
from karachi_review.player.testclip import encode_clip, read_frame_index
from karachi_review.player.vlc_player import VlcPlayer
from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.transcript_view import COL_TEXT

FPS = Fraction(25)


def wait_until(condition: Callable[[], bool], timeout_s: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if condition():
            return True
        time.sleep(0.002)
    return condition()


def shown_frame(window: MainWindow) -> int:
    """Bar code of the picture the video widget paints, once it is the exact playhead frame."""
    view = window.video_view

    def exact() -> bool:
        p = view.picture
        return p is not None and p.exact and p.index == window.player.frame

    assert wait_until(exact), "the exact picture of the playhead never arrived"
    assert view.picture is not None
    return read_frame_index(picture_to_array(view.picture))


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "film.mp4"
    encode_clip(path, FPS, 8.0, 320, 180, 25, 2, True, None)
    return path


def test_open_play_pause_step_tag_undo_with_real_libvlc(
    make_window: MakeWindow, film: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    srt = tmp_path / "film.srt"
    srt.write_text(
        "1\n00:00:00,500 --> 00:00:02,500\nFirst line.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nSecond line.\n\n"
        "3\n00:00:04,000 --> 00:00:07,000\nThird line.\n",
        encoding="utf-8",
    )
    w = make_window(player_factory=lambda: VlcPlayer(audio_output="dummy"))
    target = tmp_path / "film.kreview"
    assert w.new_project(target, srt, film)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    assert isinstance(w.player, VlcPlayer) and w.media_mode == "film"
    assert shown_frame(w) == 0
    video = w.video_view
    video.setFocus()
    qtbot.keyClick(video, Qt.Key.Key_Space)
    assert w.player.state is PlayerState.PLAYING
    assert wait_until(lambda: w.player.position_ms > 1200)
    qtbot.keyClick(video, Qt.Key.Key_Space)
    assert wait_until(lambda: w.player.state is PlayerState.PAUSED)
    paused = w.player.frame
    assert paused >= 25
    assert shown_frame(w) == paused
    assert w.model.current_row == w.model.row_at(w.player.position_ms)
    for _ in range(3):
        qtbot.keyClick(video, Qt.Key.Key_Right)
    assert shown_frame(w) == paused + 3 == w.player.frame
    qtbot.keyClick(video, Qt.Key.Key_Left)
    assert shown_frame(w) == paused + 2 == w.player.frame
    assert w.status_frame.text() == f"frame {paused + 2}"
    # Tag cue 2 with key 3 (statistic claim), then undo with Ctrl+Z.
    view = w.transcript_view
    view.setFocus()
    view.selectionModel().select(
        w.model.index(1, COL_TEXT),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(view, Qt.Key.Key_3)
    with Project.open(target, read_only=True) as project:
        assert [(a.start_ms, a.end_ms, a.tag) for a in project.annotations()] == [
            (2500, 4000, "statistic-claim")
        ]
        assert project.media().fps == FPS  # probed facts stored on first load
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Project.open(target, read_only=True) as project:
        assert project.annotations() == []
        assert len(project.annotations(include_deleted=True)) == 1
    # The frame on screen did not move while tagging.
    assert shown_frame(w) == paused + 2
    assert read_transcript(srt).transcript[1].start_ms == 2500


@pytest.mark.slow
def test_the_same_under_xvfb_on_xcb() -> None:
    xvfb = shutil.which("xvfb-run")
    assert xvfb is not None, "xvfb-run is missing: run `make system-deps` (package xvfb)"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            xvfb,
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_open_play_pause_step_tag_undo_with_real_libvlc",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
