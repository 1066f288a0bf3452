"""The CONVENTIONS keyboard: transport keys, the two focus modes, rebinding that persists."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot
from ui_support import fake

from karachi_review.player.base import PlayerState
from karachi_review.ui.keymap import BINDINGS, PreferencesDialog, load_keys
from karachi_review.ui.main_window import MainWindow


def test_space_plays_and_pauses_arrows_step_home_end(window: MainWindow, qtbot: QtBot) -> None:
    player = fake(window)
    video = window.video_view
    video.setFocus()
    qtbot.keyClick(video, Qt.Key.Key_Space)
    assert player.state is PlayerState.PLAYING
    qtbot.keyClick(video, Qt.Key.Key_Space)
    assert player.state is PlayerState.PAUSED
    player.seek_frame(100)
    qtbot.keyClick(video, Qt.Key.Key_Right)
    assert player.frame == 101
    qtbot.keyClick(video, Qt.Key.Key_Left)
    qtbot.keyClick(video, Qt.Key.Key_Left)
    assert player.frame == 99
    qtbot.keyClick(video, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.frame == 109
    qtbot.keyClick(video, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert player.frame == 99
    qtbot.keyClick(video, Qt.Key.Key_End)
    assert player.frame == player.info.frame_count - 1
    qtbot.keyClick(video, Qt.Key.Key_Home)
    assert player.frame == 0
    # The status bar shows SMPTE, the frame and the rate.
    player.seek_frame(251)
    assert window.status_timecode.text() == "00:00:10:01"
    assert window.status_frame.text() == "frame 251"
    assert window.status_rate.text().startswith("25 fps")


def test_jkl_shuttle_and_hold_k(window: MainWindow, qtbot: QtBot) -> None:
    player = fake(window)
    video = window.video_view
    video.setFocus()
    qtbot.keyClick(video, Qt.Key.Key_L)
    assert player.state is PlayerState.PLAYING and player.rate == 1.0
    qtbot.keyClick(video, Qt.Key.Key_L)
    assert player.rate == 2.0
    assert window.transport.shuttle_label.text() == "▶▶ 2x"
    qtbot.keyClick(video, Qt.Key.Key_K)
    assert player.state is PlayerState.PAUSED
    frame = player.frame
    qtbot.keyPress(video, Qt.Key.Key_K)
    qtbot.keyClick(video, Qt.Key.Key_L)
    qtbot.keyClick(video, Qt.Key.Key_L)
    assert player.frame == frame + 2
    qtbot.keyClick(video, Qt.Key.Key_J)
    assert player.frame == frame + 1
    qtbot.keyRelease(video, Qt.Key.Key_K)
    qtbot.keyClick(video, Qt.Key.Key_L)
    assert player.state is PlayerState.PLAYING


def test_cue_boundaries_and_annotations_navigation(window: MainWindow, qtbot: QtBot) -> None:
    player = fake(window)
    window.add_annotation(5000, 7000, "raid")
    window.add_annotation(11_000, 12_000, "funeral")
    video = window.video_view
    video.setFocus()
    player.seek_ms(4000)
    qtbot.keyClick(video, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert player.position_ms == 5000
    qtbot.keyClick(video, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert player.position_ms == 3000
    qtbot.keyClick(video, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms == 5000
    qtbot.keyClick(video, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms == 11_000
    assert window.annotation_panel.selected_annotations()[0].tag == "funeral"
    qtbot.keyClick(video, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms == 5000


def test_ctrl_g_goes_to_a_typed_timecode(window: MainWindow, qtbot: QtBot) -> None:
    player = fake(window)
    qtbot.keyClick(window.video_view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    field = window.transport.timecode
    assert field.hasFocus()
    field.clear()
    qtbot.keyClicks(field, "00:00:12:05")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert player.frame == 12 * 25 + 5
    assert window.video_view.hasFocus()  # back to transport keys
    assert not window.go_to_text("99:99")
    assert window.last_message


def test_bare_keys_do_nothing_while_a_text_field_has_focus(
    window: MainWindow, qtbot: QtBot
) -> None:
    player = fake(window)
    player.seek_ms(2000)
    field = window.annotation_panel.text_filter
    field.setFocus()
    assert field.hasFocus()
    before = list(player.calls)
    for key in (
        Qt.Key.Key_Space,
        Qt.Key.Key_J,
        Qt.Key.Key_K,
        Qt.Key.Key_L,
        Qt.Key.Key_I,
        Qt.Key.Key_O,
        Qt.Key.Key_M,
        Qt.Key.Key_3,
        Qt.Key.Key_Left,
        Qt.Key.Key_Home,
        Qt.Key.Key_F,
    ):
        qtbot.keyClick(field, key)
    assert player.calls == before
    assert player.state is PlayerState.PAUSED
    assert window.mark_in_ms is None and window.mark_out_ms is None
    assert window.session.project.annotations() == []
    # Every key was typed into the field (Left and Home moved its cursor, so F went first).
    assert field.text() == "f jkliom3"
    # Ctrl+Space always plays; Esc gives the keys back to the video.
    qtbot.keyClick(field, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert player.state is PlayerState.PLAYING
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert window.video_view.hasFocus()
    qtbot.keyClick(window.video_view, Qt.Key.Key_Space)
    assert player.state is PlayerState.PAUSED


def test_rebound_shortcuts_work_and_persist(
    window: MainWindow, qtbot: QtBot, settings: QSettings, make_window
) -> None:
    player = fake(window)
    keys = {b.id: window.key_actions[b.id].shortcuts() for b in BINDINGS}
    keys["mark_in"] = [QKeySequence("E")]
    window.apply_keys(keys)
    window.focus_video()
    player.seek_ms(3000)
    qtbot.keyClick(window.video_view, Qt.Key.Key_I)
    assert window.mark_in_ms is None
    qtbot.keyClick(window.video_view, Qt.Key.Key_E)
    assert window.mark_in_ms == 3000
    stored = load_keys(QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert stored["mark_in"] == [QKeySequence("E")]
    assert stored["mark_out"] == [QKeySequence("O")]
    again = make_window()
    assert again.key_actions["mark_in"].shortcuts() == [QKeySequence("E")]


def test_preferences_dialog_edits_and_restores_defaults(qtbot: QtBot) -> None:
    keys = {b.id: [QKeySequence(k) for k in b.keys] for b in BINDINGS}
    dialog = PreferencesDialog(keys)
    qtbot.addWidget(dialog)
    first, _second = dialog.editors["marker"]
    first.setKeySequence(QKeySequence("N"))
    assert dialog.result_keys()["marker"] == [QKeySequence("N")]
    assert dialog.result_keys()["play_pause"] == [QKeySequence("Space"), QKeySequence("Ctrl+Space")]
    dialog.restore_defaults()
    assert dialog.result_keys()["marker"] == [QKeySequence("M")]


def test_jump_size_preference(window: MainWindow, qtbot: QtBot, settings: QSettings) -> None:
    player = fake(window)
    window.focus_video()
    player.seek_frame(100)
    settings.setValue("keys/jump", "5f")
    qtbot.keyClick(window.video_view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.frame == 105
    settings.setValue("keys/jump", "1s")
    qtbot.keyClick(window.video_view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.frame == 130
    qtbot.keyClick(window.video_view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert player.frame == 105
    dialog = PreferencesDialog({}, jump="1s")
    qtbot.addWidget(dialog)
    assert dialog.result_jump() == "1s"
    dialog.jump.setCurrentIndex(dialog.jump.findData("10f"))
    assert dialog.result_jump() == "10f"
