"""The video surface: paints the player's latest picture, aspect-fit on black.

Both engines hand pictures here as plain bytes (``VideoPicture``): libVLC's playback pictures
(RV32, through its video callbacks) and PyAV's exact frames (RGB888) when paused. No native
window is involved, so the same code runs offscreen in CI, on X11, Wayland, Windows and macOS.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from karachi_review.player.base import VideoPicture

__all__ = ["VideoView", "fit_rect", "picture_to_qimage"]

_FORMATS = {
    "RGB888": QImage.Format.Format_RGB888,
    "RGB32": QImage.Format.Format_RGB32,
}


def picture_to_qimage(picture: VideoPicture) -> QImage:
    """A QImage over the picture's bytes (the caller keeps ``picture`` alive while it is used)."""
    fmt = _FORMATS.get(picture.pixel_format)
    if fmt is None:
        raise ValueError(f"unknown pixel format {picture.pixel_format!r}")
    return QImage(picture.data, picture.width, picture.height, picture.stride, fmt)


def fit_rect(width: int, height: int, area: QRect) -> QRect:
    """The largest rectangle of aspect ``width:height`` centred in ``area``."""
    if width <= 0 or height <= 0 or area.width() <= 0 or area.height() <= 0:
        return QRect(area.x(), area.y(), 0, 0)
    scale = min(area.width() / width, area.height() / height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    x = area.x() + (area.width() - w) // 2
    y = area.y() + (area.height() - h) // 2
    return QRect(x, y, w, h)


class VideoView(QWidget):
    """Paints the latest VideoPicture; black bars keep the aspect ratio."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty (black) view."""
        super().__init__(parent)
        self._picture: VideoPicture | None = None
        self._image: QImage | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(160, 90)

    def show_picture(self, picture: VideoPicture) -> None:
        """Show ``picture`` from the next paint on (connect Player.picture_ready here)."""
        self._picture = picture  # the QImage borrows picture.data: keep both together
        self._image = picture_to_qimage(picture)
        self.update()

    def clear(self) -> None:
        """Show black."""
        self._picture = None
        self._image = None
        self.update()

    @property
    def picture(self) -> VideoPicture | None:
        """The picture currently shown."""
        return self._picture

    def sizeHint(self) -> QSize:
        """16:9 at 640 wide."""
        return QSize(640, 360)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Black, then the picture aspect-fit."""
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(Qt.GlobalColor.black))
            image = self._image
            if image is None or self._picture is None:
                return
            target = fit_rect(image.width(), image.height(), self.rect())
            # Smooth scaling costs milliseconds at 1080p; worth it for a still, not in playback.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._picture.exact)
            painter.drawImage(target, image)
        finally:
            painter.end()
