"""Every tagging path creates the right annotation; undo and redo restore the store exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from ui_support import fake, snapshot

from karachi_review.core.store import Project
from karachi_review.ui.annotations import A_END, A_NOTE, A_START, A_TAG
from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.transcript_view import COL_TEXT


def live(window: MainWindow) -> list[tuple[int, int, str, str]]:
    """What the project file holds, read through a second connection."""
    assert window.session is not None
    with Project.open(window.session.path, read_only=True) as project:
        return [(a.start_ms, a.end_ms, a.tag, a.note) for a in project.annotations()]


def select_rows(window: MainWindow, rows: list[int]) -> None:
    view = window.transcript_view
    view.setFocus()
    model = view.selectionModel()
    model.clearSelection()
    for r in rows:
        model.select(
            window.model.index(r, COL_TEXT),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_selected_cues_and_a_number_key_tag_their_span(window: MainWindow, qtbot: QtBot) -> None:
    select_rows(window, [4, 5])
    qtbot.keyClick(window.transcript_view, Qt.Key.Key_3)
    assert live(window) == [(9000, 13000, "statistic-claim", "")]
    assert window.undo_action.text() == "Undo Tag 0:00:09-0:00:13 as statistic claim"
    assert window.tag_bar.current == "statistic-claim"
    # The new annotation is selected in the list, and stays selected across the next reload.
    assert [a.start_ms for a in window.annotation_panel.selected_annotations()] == [9000]
    window.session.reload_annotations()
    assert [a.start_ms for a in window.annotation_panel.selected_annotations()] == [9000]


def test_clicking_a_tag_in_the_tag_bar_tags_the_selection(window: MainWindow, qtbot: QtBot) -> None:
    select_rows(window, [0])
    qtbot.mouseClick(window.tag_bar.buttons["raid"], Qt.MouseButton.LeftButton)
    assert live(window) == [(1000, 3000, "raid", "")]


def test_in_out_marks_then_number_key_and_enter_with_picker(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = fake(window)
    view = window.video_view
    view.setFocus()
    player.seek_ms(2000)
    qtbot.keyClick(view, Qt.Key.Key_I)
    player.seek_ms(4000)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert (window.mark_in_ms, window.mark_out_ms) == (2000, 4040)  # out: end of the frame
    assert window.timeline.mark_in_ms == 2000
    qtbot.keyClick(view, Qt.Key.Key_2)
    monkeypatch.setattr(window, "pick_tag", lambda: "funeral")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert live(window) == [(2000, 4040, "interview", ""), (2000, 4040, "funeral", "")]
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms == 2000
    qtbot.keyClick(view, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms == 4040
    qtbot.keyClick(view, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert window.mark_in_ms is None and window.mark_out_ms is None


def test_enter_without_marks_asks_nothing_and_adds_nothing(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(window, "pick_tag", lambda: pytest.fail("no picker without marks"))
    window.focus_video()
    qtbot.keyClick(window.video_view, Qt.Key.Key_Return)
    assert live(window) == []
    assert "Set in (I) and out (O)" in window.last_message


def test_m_drops_a_one_frame_marker_and_ctrl_m_asks_a_note(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = fake(window)
    window.focus_video()
    window.tag_bar.set_current("sound-event")
    player.seek_ms(6000)
    qtbot.keyClick(window.video_view, Qt.Key.Key_M)
    monkeypatch.setattr(window, "ask_note", lambda: "second shot")
    player.seek_ms(10_000)
    qtbot.keyClick(window.video_view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert live(window) == [
        (6000, 6040, "sound-event", ""),
        (10_000, 10_040, "sound-event", "second shot"),
    ]


def test_nothing_selected_says_what_to_do(window: MainWindow, qtbot: QtBot) -> None:
    window.focus_video()
    qtbot.keyClick(window.video_view, Qt.Key.Key_1)
    assert live(window) == []
    assert "Select cues" in window.last_message


def test_annotation_list_edits_in_place_filters_deletes_and_seeks(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.add_annotation(1000, 3000, "raid", "first")
    window.add_annotation(9000, 13000, "statistic-claim", "24 million")
    panel = window.annotation_panel
    model = panel.model
    assert model.rowCount() == 2
    assert model.setData(model.index(0, A_NOTE), "first raid")
    assert model.setData(model.index(0, A_TAG), "interview")
    assert model.setData(model.index(1, A_START), "00:00:08:00")
    assert model.setData(model.index(1, A_END), "0:00:14")
    assert not model.setData(model.index(1, A_END), "not a time")
    assert "not" in window.last_message or "time" in window.last_message
    assert live(window) == [
        (1000, 3000, "interview", "first raid"),
        (8000, 14000, "statistic-claim", "24 million"),
    ]
    labels = [window.session.undo_stack.text(i) for i in range(window.session.undo_stack.count())]
    assert labels[2:] == [
        "Edit note of raid at 0:00:01-0:00:03",
        "Retag 0:00:01-0:00:03 from raid to interview",
        "Move statistic claim 0:00:09-0:00:13 to 0:00:08-0:00:13",
        "Move statistic claim 0:00:08-0:00:13 to 0:00:08-0:00:14",
    ]
    # Filter by tag, then by text.
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("statistic-claim"))
    assert panel.proxy.rowCount() == 1
    panel.tag_filter.setCurrentIndex(0)
    panel.text_filter.setText("RAID")
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, A_NOTE).data() == "first raid"
    panel.text_filter.setText("")
    # Double-click seeks.
    index = panel.proxy.index(1, A_START)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fake(window).position_ms == 8000
    # Delete (button) the selected one.
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert live(window) == [(8000, 14000, "statistic-claim", "24 million")]
    panel.table.selectRow(0)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert live(window) == []


def assert_same(actual: list[tuple], expected: list[tuple], where: str) -> None:
    """Identical rows; a row the expected state never had may only be a tombstone (undoing
    an add soft-deletes it, by the store's design, so a merge can tell it was deleted)."""
    known = {row[0] for row in expected}
    assert [r for r in actual if r[0] in known] == expected, where
    assert all(r[-1] for r in actual if r[0] not in known), where


def test_undo_and_redo_twice_restore_identical_store_snapshots(
    window: MainWindow, qtbot: QtBot
) -> None:
    stack = window.session.undo_stack
    states = [snapshot(window)]
    select_rows(window, [0, 1])
    qtbot.keyClick(window.transcript_view, Qt.Key.Key_1)
    states.append(snapshot(window))
    model = window.annotation_panel.model
    assert model.setData(model.index(0, A_NOTE), "a note")
    states.append(snapshot(window))
    assert model.setData(model.index(0, A_TAG), "funeral")
    states.append(snapshot(window))
    assert model.setData(model.index(0, A_END), "0:00:04")
    states.append(snapshot(window))
    window.annotation_panel.table.selectRow(0)
    window.annotation_panel.delete_selected()
    states.append(snapshot(window))
    assert stack.count() == 5
    for _round in range(2):
        for i in range(5, 0, -1):
            qtbot.keyClick(window.video_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            assert_same(snapshot(window), states[i - 1], f"undo to state {i - 1}")
        for i in range(1, 6):
            qtbot.keyClick(
                window.video_view,
                Qt.Key.Key_Z,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            assert_same(snapshot(window), states[i], f"redo to state {i}")
    # The list and the chips follow the store after undo.
    window.undo_group.undo()
    assert model.rowCount() == 1
    assert model.index(0, A_END).data() == "00:00:04:00"


def test_read_only_project_refuses_tags_and_says_why(
    make_window, project_path: Path, qtbot: QtBot
) -> None:
    with Project.open(project_path) as project:
        project.add_annotation(1000, 3000, "raid", note="kept")
    w = make_window()
    assert w.open_project(project_path, read_only=True)
    assert w.status_read_only.text() == "read-only"
    assert "[read-only]" in w.windowTitle()
    assert w.add_annotation(1000, 2000, "raid") is False
    assert "read-only" in w.last_message
    model = w.annotation_panel.model
    assert not model.flags(model.index(0, A_NOTE)) & Qt.ItemFlag.ItemIsEditable
    assert not w.tag_bar.isEnabled()
    assert not w.annotation_panel.delete_button.isEnabled()
    with Project.open(project_path, read_only=True) as project:
        assert [(a.start_ms, a.note) for a in project.annotations()] == [(1000, "kept")]
