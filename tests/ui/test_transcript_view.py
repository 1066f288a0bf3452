"""The transcript model and view: highlight, follow mode, click/Enter/Up/Down seek, find."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractSlider
from pytestqt.qtbot import QtBot
from ui_support import fake

from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import sample_path
from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.transcript_view import (
    COL_TAGS,
    COL_TEXT,
    COL_TIME,
    CURRENT_ROLE,
    HIT_ROLE,
    TAGS_ROLE,
    TranscriptModel,
)


def test_model_passes_the_model_tester_through_resets_and_highlights(window: MainWindow) -> None:
    model = TranscriptModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_transcript(read_transcript(sample_path()).transcript)
    model.set_current_row(10)
    model.set_current_row(11)
    model.set_find_text("police")
    model.set_transcript(None)
    assert model.rowCount() == 0
    QAbstractItemModelTester(window.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    del tester


def test_cells_are_plain_text_with_smpte_times_turns_and_sound_events(window: MainWindow) -> None:
    model = window.model
    assert model.rowCount() == 12
    assert model.data(model.index(0, COL_TIME)) == "00:00:01:00"  # 25 fps SMPTE
    assert model.data(model.index(2, COL_TEXT)) == "[GUNSHOT]"
    assert model.data(model.index(3, COL_TEXT)) == "— Is it dangerous?  — Yes, exactly."
    markup = model.index(6, COL_TEXT)
    assert model.data(markup) == '<img src="x.png"> <b>bold</b>'
    assert model.data(markup, Qt.ItemDataRole.ToolTipRole) == '<img src="x.png"> <b>bold</b>'


def test_highlight_and_scroll_follow_a_moving_playhead(window: MainWindow, qtbot: QtBot) -> None:
    view = window.transcript_view
    view.resize(600, 80)  # a few rows visible, so following has to scroll
    window.resize(900, 300)
    player = fake(window)
    player.play()
    seen = []
    for _ in range(24):
        player.advance(1000)
        row = window.model.current_row
        seen.append(row)
        if row >= 0:
            assert window.model.data(window.model.index(row, 0), CURRENT_ROLE) is True
            rect = view.visualRect(window.model.index(row, COL_TEXT))
            assert view.viewport().rect().contains(rect.center()), row
    assert seen[0] == 0 and max(seen) == 11
    assert seen == sorted(seen)
    # Only the current row says it is current.
    assert (
        sum(bool(window.model.data(window.model.index(r, 0), CURRENT_ROLE)) for r in range(12)) == 1
    )


def test_follow_pauses_on_manual_scroll_and_resumes_by_button(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.transcript_view
    window.resize(900, 300)
    view.resize(600, 80)
    view.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    assert not view.following
    assert not window.follow_button.isChecked()
    top = view.verticalScrollBar().value()
    window.seek(1500)  # cue 0, now off screen
    assert window.model.current_row == 0
    assert view.verticalScrollBar().value() == top  # did not scroll back
    qtbot.mouseClick(window.follow_button, Qt.MouseButton.LeftButton)
    assert view.following
    rect = view.visualRect(window.model.index(0, COL_TEXT))
    assert view.viewport().rect().contains(rect.center())


def test_wheel_and_multi_selection_pause_follow_and_the_shortcut_resumes(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.transcript_view
    view.setFocus()
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(window.model.index(1, 1)).center(),
    )
    assert view.following
    rect = view.visualRect(window.model.index(3, COL_TEXT))
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, rect.center()
    )
    assert view.selected_rows() == [1, 2, 3]
    assert not view.following
    window.focus_video()
    qtbot.keyClick(window.video_view, Qt.Key.Key_F)
    assert view.following


def test_click_seeks_and_enter_and_arrows_seek(window: MainWindow, qtbot: QtBot) -> None:
    view = window.transcript_view
    player = fake(window)
    rect = view.visualRect(window.model.index(4, COL_TEXT))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert player.position_ms == 9000
    assert window.model.current_row == 4
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert player.position_ms == 11000
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert player.position_ms == 7000
    view.setCurrentIndex(window.model.index(8, COL_TEXT))
    player.seek_ms(0)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert player.position_ms == 17000


def test_ctrl_f_finds_highlights_and_f3_goes_to_next_hit(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.video_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_field.hasFocus()
    qtbot.keyClicks(window.find_field, "POLICE")
    hits = window.model.hits
    assert hits == [1, 5, 8, 11]
    assert window.model.data(window.model.index(1, COL_TEXT), HIT_ROLE) == "POLICE"
    assert window.model.data(window.model.index(0, COL_TEXT), HIT_ROLE) is None
    qtbot.keyClick(window.find_field, Qt.Key.Key_Return)
    assert window.transcript_view.selected_rows() == [1]
    qtbot.keyClick(window.find_field, Qt.Key.Key_F3)
    assert window.transcript_view.selected_rows() == [5]
    assert window.find_count.text() == "2 of 4"
    window.find_next(backwards=True)
    assert window.transcript_view.selected_rows() == [1]


def test_tag_chips_show_the_tags_over_each_cue(window: MainWindow) -> None:
    assert window.add_annotation(9000, 13000, "statistic-claim")
    assert window.add_annotation(12000, 14000, "raid")
    model = window.model
    names = [
        [t.name for t in model.data(model.index(r, COL_TAGS), TAGS_ROLE)] for r in (3, 4, 5, 6)
    ]
    assert names == [[], ["statistic-claim"], ["raid", "statistic-claim"], ["raid"]]
    assert model.data(model.index(5, COL_TAGS)) == "Raid, Statistic claim"


def test_painting_the_view_with_chips_hits_and_turns_does_not_fail(window: MainWindow) -> None:
    window.add_annotation(1000, 9000, "raid")
    window.model.set_find_text("police")
    window.seek(7500)
    image = window.transcript_view.viewport().grab().toImage()
    assert not image.isNull()
    # The current row is painted in the highlight colour somewhere on its line.
    rect = window.transcript_view.visualRect(window.model.index(3, COL_TEXT))
    colours = {
        image.pixelColor(QPoint(x, rect.center().y())).name()
        for x in range(rect.left(), rect.right(), 7)
    }
    assert "#fff1b8" in colours


def test_a_seek_before_the_window_is_shown_is_in_view_once_shown(
    make_window, project_path, qtbot: QtBot
) -> None:
    w = make_window()
    w.open_project(project_path)
    w.resize(900, 300)
    w.seek(23_500)  # the last cue, while the view has no size yet
    w.show()
    qtbot.waitExposed(w)
    view = w.transcript_view
    rect = view.visualRect(w.model.index(11, COL_TEXT))
    assert view.viewport().rect().contains(rect.center())
