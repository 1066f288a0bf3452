"""The timeline: lanes and segments, click seeks, wheel zooms, the view follows the playhead."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from pytestqt.qtbot import QtBot
from ui_support import fake

from karachi_review.ui.main_window import MainWindow
from karachi_review.ui.timeline import MIN_SPAN_MS


def test_click_seeks_and_segments_are_painted_in_tag_colours(
    window: MainWindow, qtbot: QtBot
) -> None:
    timeline = window.timeline
    timeline.resize(1000, timeline.sizeHint().height())
    window.add_annotation(9000, 13000, "statistic-claim")
    assert timeline.view_start_ms == 0 and timeline.view_end_ms == 30_000
    x = round(timeline.x_of(12_000))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert abs(fake(window).position_ms - 12_000) <= 40
    image = timeline.grab().toImage()
    lane = [t.name for t in timeline.tags].index("statistic-claim")
    y = timeline.lane_top(lane) + 5
    assert image.pixelColor(QPoint(round(timeline.x_of(11_000)), y)).name() == "#e69f00"
    assert image.pixelColor(QPoint(round(timeline.x_of(20_000)), y)).name() != "#e69f00"
    # The playhead line is drawn where the player is.
    assert (
        image.pixelColor(QPoint(round(timeline.x_of(fake(window).position_ms)), 2)).name()
        == "#d50000"
    )


def test_wheel_zooms_around_the_pointer_and_view_follows_playhead(
    window: MainWindow, qtbot: QtBot
) -> None:
    timeline = window.timeline
    timeline.resize(1000, 200)
    x = timeline.x_of(10_000)
    for _ in range(6):
        event = QWheelEvent(
            QPointF(x, 20),
            QPointF(timeline.mapToGlobal(QPoint(round(x), 20))),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        timeline.wheelEvent(event)
    span = timeline.view_end_ms - timeline.view_start_ms
    assert MIN_SPAN_MS <= span < 30_000 / 3
    assert timeline.view_start_ms <= 10_000 < timeline.view_end_ms
    assert abs(timeline.ms_at(x) - 10_000) < span / 50  # the time under the pointer stayed put
    player = fake(window)
    player.seek_ms(timeline.view_end_ms + 3000)
    assert timeline.view_start_ms <= player.position_ms < timeline.view_end_ms
    assert timeline.view_end_ms - timeline.view_start_ms == span
    # Zooming out never goes past the whole media.
    timeline.zoom(1 / 100)
    assert (timeline.view_start_ms, timeline.view_end_ms) == (0, 30_000)


def test_marks_are_shown(window: MainWindow) -> None:
    player = fake(window)
    player.seek_ms(2000)
    window.mark_in()
    player.seek_ms(6000)
    window.mark_out()
    assert (window.timeline.mark_in_ms, window.timeline.mark_out_ms) == (2000, 6040)
    window.clear_marks()
    assert window.timeline.mark_in_ms is None
