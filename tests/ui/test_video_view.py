"""VideoView paints pictures aspect-fit on black; the frame's bar code survives the painting."""

from __future__ import annotations

import numpy as np
import pytest
from clips import draw_frame, read_frame_index
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from karachi_review.player.base import VideoPicture
from karachi_review.ui.video_view import VideoView, fit_rect


def _grab(view: VideoView) -> np.ndarray:
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(bytes(image.constBits()), dtype=np.uint8).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3)


def _rgb888(index: int, w: int = 640, h: int = 360) -> VideoPicture:
    pixels = draw_frame(index, w, h)
    return VideoPicture(w, h, w * 3, "RGB888", pixels.tobytes(), index, True)


def _rgb32(index: int, w: int = 640, h: int = 360) -> VideoPicture:
    rgb = draw_frame(index, w, h)
    bgrx = np.empty((h, w, 4), dtype=np.uint8)
    bgrx[:, :, 0], bgrx[:, :, 1], bgrx[:, :, 2], bgrx[:, :, 3] = (
        rgb[:, :, 2],
        rgb[:, :, 1],
        rgb[:, :, 0],
        255,
    )
    return VideoPicture(w, h, w * 4, "RGB32", bgrx.tobytes(), None, False)


@pytest.mark.parametrize(
    ("w", "h", "area", "expected"),
    [
        (640, 360, QRect(0, 0, 640, 360), QRect(0, 0, 640, 360)),
        (640, 360, QRect(0, 0, 800, 360), QRect(80, 0, 640, 360)),  # pillarbox
        (640, 360, QRect(0, 0, 640, 480), QRect(0, 60, 640, 360)),  # letterbox
        (1920, 1080, QRect(0, 0, 320, 320), QRect(0, 70, 320, 180)),
        (0, 0, QRect(0, 0, 100, 100), QRect(0, 0, 0, 0)),
    ],
)
def test_fit_rect(w: int, h: int, area: QRect, expected: QRect) -> None:
    assert fit_rect(w, h, area) == expected


@pytest.mark.parametrize("make", [_rgb888, _rgb32])
def test_painted_picture_reads_back(qtbot: QtBot, make) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(640, 480)  # letterboxed: 60 px of black above and below
    view.show_picture(make(4321))
    shot = _grab(view)
    assert shot.shape[:2] == (480, 640)
    assert shot[:50].max() == 0 and shot[-50:].max() == 0
    assert read_frame_index(shot[60:420]) == 4321
    assert view.picture is not None


def test_empty_view_is_black_and_clear_resets(qtbot: QtBot) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(320, 180)
    assert _grab(view).max() == 0
    view.show_picture(_rgb888(5))
    assert _grab(view).max() > 0
    view.clear()
    assert _grab(view).max() == 0 and view.picture is None


def test_unknown_format_is_refused(qtbot: QtBot) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    with pytest.raises(ValueError, match="pixel format"):
        view.show_picture(VideoPicture(2, 2, 8, "YUV420", b"\0" * 16, None, False))
