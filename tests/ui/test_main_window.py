"""The window around the project: opening things, missing media, locks, layout, menus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QCoreApplication,
    QLockFile,
    QMimeData,
    QPointF,
    QSettings,
    QSysInfo,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from ui_support import FPS, MakeWindow, fake

from karachi_review.core.store import Project
from karachi_review.player.base import PlayerState
from karachi_review.player.vlc_player import PlayerBackendError
from karachi_review.ui.clock_player import ClockPlayer
from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.samples import SAMPLE_TAGS, transcript_project_path
from karachi_review.ui.transcript_view import COL_TEXT


def test_sample_opens_as_a_project_with_example_tags(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    w = make_window()
    assert w.open_sample()
    assert w.model.rowCount() == 324
    assert w.model.data(w.model.index(0, COL_TEXT)) == "Pakistan, a nation under siege."
    assert w.annotation_panel.model.rowCount() == len(SAMPLE_TAGS)
    assert w.windowTitle().startswith("Karachi's Taliban hunters (sample) — karachi-sample.kreview")
    assert (tmp_path / "data" / "karachi-sample.kreview").is_file()
    # A second open finds the same project (and the tags a user added stay).
    w.add_annotation(5000, 9000, "raid")
    again = make_window()
    assert again.open_sample()
    assert again.annotation_panel.model.rowCount() == len(SAMPLE_TAGS) + 1


def test_transcript_opens_in_its_own_project_in_the_data_folder(
    make_window: MakeWindow, transcript_file: Path, tmp_path: Path
) -> None:
    w = make_window()
    assert w.open_path(transcript_file)
    expected = transcript_project_path(transcript_file, tmp_path / "data")
    assert w.session is not None and w.session.path == expected
    assert not list(transcript_file.parent.glob("*.kreview"))  # nothing written beside it
    # No film: transcript-only mode on a clock, with a banner offering to attach it.
    assert isinstance(w.player, ClockPlayer)
    assert w.media_mode == "clock"
    assert "No film attached" in w.banner.label.text()
    assert w.banner.button("banner_attach") is not None
    assert w.recent_projects()[0] == str(expected)


def test_transcript_clock_plays_in_real_time(
    make_window: MakeWindow, transcript_file: Path
) -> None:
    w = make_window()
    w.open_path(transcript_file)
    clock = w.player
    assert isinstance(clock, ClockPlayer)
    assert clock.info is not None and clock.info.duration_ms == 25_000
    now = [100.0]
    clock._now = lambda: now[0]  # a hand-driven clock: no sleeping in tests
    clock.seek_ms(4000)
    clock.play()
    now[0] += 1.5
    clock.tick()
    assert clock.position_ms == 5500
    assert w.model.current_row == 2  # the GUNSHOT cue
    assert w.status_timecode.text() == "00:00:05.500"
    assert w.video_stack.currentWidget() is w.clock_face
    assert w.clock_face.text() == "00:00:05.500\n\n[GUNSHOT]"
    clock.set_rate(2.0)
    now[0] += 1.0
    clock.tick()
    assert clock.position_ms == 7500
    now[0] += 60
    clock.tick()
    assert clock.state is PlayerState.ENDED and clock.position_ms == 25_000


def test_unusable_transcript_is_reported_not_raised(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text) or 0)
    w = make_window()
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    assert not w.open_path(empty)
    assert shown and str(empty) in shown[0]
    assert w.session is None and w.model.rowCount() == 0


def test_missing_media_opens_transcript_only_with_locate(
    make_window: MakeWindow, project_path: Path, media_file: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "moved.mp4"
    media_file.rename(moved)
    w = make_window()
    assert w.open_project(project_path)
    assert isinstance(w.player, ClockPlayer)
    assert "was not found" in w.banner.label.text() and str(media_file) in w.banner.label.text()
    assert w.banner.button("banner_locate") is not None
    assert w.attach_media(moved)
    assert w.media_mode == "film" and not w.banner.isVisible()
    assert w.video_stack.currentWidget() is w.video_view
    assert fake(w).info is not None
    with Project.open(project_path, read_only=True) as project:
        assert project.media().path == str(moved.absolute())


def test_no_libvlc_shows_the_install_command(make_window: MakeWindow, project_path: Path) -> None:
    def missing() -> ClockPlayer:
        raise PlayerBackendError(
            "libVLC is not available (test); install it with: sudo apt-get install libvlc5"
        )

    w = make_window(player_factory=missing)
    assert w.open_project(project_path)
    assert isinstance(w.player, ClockPlayer)
    assert "sudo apt-get install libvlc5" in w.banner.label.text()
    assert w.add_annotation(1000, 2000, "raid")  # tagging still works on the clock


def test_project_open_in_another_instance_is_read_only(
    make_window: MakeWindow, project_path: Path
) -> None:
    first = make_window()
    assert first.open_project(project_path)
    assert not first.session.read_only
    second = make_window()
    assert second.open_project(project_path)
    assert second.session.read_only
    assert "open in another karachi_review window" in second.banner.label.text()
    assert second.status_read_only.text() == "read-only"
    assert not second.add_annotation(1000, 2000, "raid")
    first.close_project()
    third = make_window()
    assert third.open_project(project_path)
    assert not third.session.read_only


def test_stale_lock_of_a_dead_process_is_taken_over(
    make_window: MakeWindow, project_path: Path
) -> None:
    lock = Path(str(project_path) + ".lock")
    # The format QLockFile writes: pid, application name, host name.
    lock.write_text(f"999999\nkarachi_review\n{QSysInfo.machineHostName()}\n")
    w = make_window()
    assert w.open_project(project_path)
    assert not w.session.read_only


def test_new_project_with_media_and_attach(
    make_window: MakeWindow, transcript_file: Path, media_file: Path, tmp_path: Path
) -> None:
    w = make_window()
    target = tmp_path / "new.kreview"
    assert w.new_project(target, transcript_file, media_file)
    assert w.media_mode == "film" and w.player.info is not None
    assert w.session.path == target
    assert "new.kreview" in w.windowTitle()
    # The fake player's rate is stored as the media's facts once loaded.
    with Project.open(target, read_only=True) as project:
        assert project.media().fps == FPS


def test_drop_opens_a_project_and_attaches_a_film(
    make_window: MakeWindow, project_path: Path, transcript_file: Path, media_file: Path
) -> None:
    w = make_window()
    w.open_path(transcript_file)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(media_file))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    assert w.media_mode == "film"
    assert w.session.project.media().path == str(media_file.absolute())
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(project_path))])
    w.dropEvent(
        QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    assert w.session.path == project_path


def test_splitters_are_remembered(
    make_window: MakeWindow, project_path: Path, settings: QSettings, qtbot: QtBot
) -> None:
    w = make_window()
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.top_splitter.setSizes([300, 900])
    sizes = w.top_splitter.sizes()
    w.close()
    again = make_window()
    again.resize(1200, 800)
    again.show()
    qtbot.waitExposed(again)
    assert again.top_splitter.sizes() == sizes


def test_important_widgets_have_object_and_accessible_names(window: MainWindow) -> None:
    for name in (
        "video",
        "transport",
        "timecode_field",
        "seek_slider",
        "transcript",
        "follow_button",
        "find_field",
        "annotation_list",
        "annotation_tag_filter",
        "annotation_text_filter",
        "tag_bar",
        "timeline",
        "status_timecode",
        "status_frame",
        "status_rate",
        "status_project",
        "status_read_only",
        "rate",
        "volume",
        "play_pause",
    ):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_screenshot_option_opens_the_sample_and_saves_a_picture(tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_CACHE_HOME": str(tmp_path / "c"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "karachi_review", "--screenshot", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list((tmp_path / "d").rglob("karachi-sample.kreview"))


def test_lock_file_is_released_on_close(make_window: MakeWindow, project_path: Path) -> None:
    w = make_window()
    w.open_project(project_path)
    w.close()
    probe = QLockFile(str(project_path) + ".lock")
    assert probe.tryLock(0)
    probe.unlock()


def test_sample_without_stand_in_offers_to_make_one_and_plays_it(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = make_window()
    assert w.open_sample()
    assert w.media_mode == "clock"
    button = w.banner.button("banner_stand_in")
    assert button is not None
    made: list[Path] = []

    def fake_start(self: object) -> None:  # the real encode takes a minute: write a file
        out = Path(self._out)  # type: ignore[attr-defined]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"stand-in")
        made.append(out)
        self.finished.emit(str(out))  # type: ignore[attr-defined]

    monkeypatch.setattr("karachi_review.ui.main_window.DemoMaker.start", fake_start)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert made and made[0].parent == tmp_path / "cache"
    assert w.media_mode == "stand-in"
    assert "stand-in video" in w.banner.label.text()


def test_backups_are_taken_in_the_background_at_open_and_after_edits(
    make_window: MakeWindow, project_path: Path
) -> None:
    w = make_window()
    assert w.open_project(project_path)
    session = w.session
    assert session is not None
    session.wait_for_backup()
    QCoreApplication.processEvents()
    first = session.project.backups()
    assert len(first) == 1 and session.backup_error == ""
    with Project.open(first[0], read_only=True) as copy:
        assert copy.cue_count() == 12
    # Within the interval an edit takes no new backup; once it is due, the next edit does.
    w.add_annotation(1000, 2000, "raid")
    session.wait_for_backup()
    assert len(session.project.backups()) == 1
    session._backup_interval_s = 0.0
    session._backup_due = 0.0
    w.add_annotation(3000, 4000, "raid")
    session.wait_for_backup()
    QCoreApplication.processEvents()
    backups = session.project.backups()
    assert len(backups) == 2
    with Project.open(backups[-1], read_only=True) as copy:
        assert len(copy.annotations()) == 2
