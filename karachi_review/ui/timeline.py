"""The timeline: a ruler, the cue blocks, one lane per tag with coloured segments, the in/out
marks and the playhead. Click seeks, the wheel zooms around the pointer, and the view pages
along when the playhead leaves it. Only what is inside the visible range is painted.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from karachi_review.core.timecode import format_hms
from karachi_review.core.transcript import Transcript
from karachi_review.core.vocabulary import Tag
from karachi_review.ui.spans import SpanIndex

__all__ = ["MIN_SPAN_MS", "Timeline"]

MIN_SPAN_MS = 2000
_RULER_H = 18
_CUES_H = 12
_LANE_H = 11
_LABEL_W = 120
_TICKS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


class Timeline(QWidget):
    """Lanes over ``[view_start_ms, view_end_ms)``; emits ``seek_requested(ms)`` on a click."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty timeline."""
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        self.duration_ms = 0
        self.view_start_ms = 0
        self.view_end_ms = 1
        self.playhead_ms = 0
        self.mark_in_ms: int | None = None
        self.mark_out_ms: int | None = None
        self.follow = True
        self.tags: list[Tag] = []
        self._spans = SpanIndex()
        self._cue_starts: list[int] = []
        self._cue_ends: list[int] = []
        self._cue_max_end: list[int] = []
        self._lanes: dict[str, tuple[list[int], list[int]]] = {}

    # -- content --------------------------------------------------------------------------

    def set_duration(self, duration_ms: int) -> None:
        """The whole media; the view shows all of it."""
        self.duration_ms = max(int(duration_ms), 1)
        self.view_start_ms, self.view_end_ms = 0, self.duration_ms
        self.update()

    def set_transcript(self, transcript: Transcript | None) -> None:
        """Cue blocks from ``transcript``."""
        cues = list(transcript) if transcript is not None else []
        self._cue_starts = [c.start_ms for c in cues]
        self._cue_ends = [c.end_ms for c in cues]
        running = -(2**62)
        self._cue_max_end = []
        for c in cues:  # running maximum: overlapping cues keep it sorted for bisect
            running = max(running, c.end_ms)
            self._cue_max_end.append(running)
        self.update()

    def set_annotations(self, spans: SpanIndex, tags: list[Tag]) -> None:
        """Segments from ``spans``, one lane per tag of ``tags``."""
        self._spans = spans
        self.tags = list(tags)
        # Per tag: starts and running maximum of ends, for per-pixel drawing of dense lanes.
        lanes: dict[str, tuple[list[int], list[int]]] = {}
        for seg in spans.spans:  # already in start order
            starts, max_ends = lanes.setdefault(seg.tag, ([], []))
            starts.append(seg.start_ms)
            max_ends.append(max(seg.end_ms, max_ends[-1]) if max_ends else seg.end_ms)
        self._lanes = lanes
        self.updateGeometry()
        self.update()

    def set_marks(self, in_ms: int | None, out_ms: int | None) -> None:
        """Show the in and out marks."""
        self.mark_in_ms, self.mark_out_ms = in_ms, out_ms
        self.update()

    def set_playhead(self, ms: int) -> None:
        """Move the playhead; page the view along when following and it left the view."""
        old = self.playhead_ms
        self.playhead_ms = ms
        if self.follow and not self.view_start_ms <= ms < self.view_end_ms:
            span = self.view_end_ms - self.view_start_ms
            start = ms - span // 10
            self._set_view(start, start + span)
            return
        # Repaint only the two thin strips the playhead left and entered.
        for t in (old, ms):
            x = int(self.x_of(t))
            self.update(QRect(x - 2, 0, 5, self.height()))

    def zoom(self, factor: float, around_ms: int | None = None) -> None:
        """Zoom by ``factor`` (>1 in) around ``around_ms`` (the playhead by default)."""
        centre = self.playhead_ms if around_ms is None else around_ms
        span = self.view_end_ms - self.view_start_ms
        new_span = min(max(int(span / factor), MIN_SPAN_MS), max(self.duration_ms, MIN_SPAN_MS))
        ratio = (centre - self.view_start_ms) / span if span else 0.5
        start = centre - int(new_span * ratio)
        self._set_view(start, start + new_span)

    def _set_view(self, start: int, end: int) -> None:
        span = end - start
        start = min(max(start, 0), max(self.duration_ms - span, 0))
        self.view_start_ms, self.view_end_ms = start, start + span
        self.update()

    # -- geometry -------------------------------------------------------------------------

    def x_of(self, ms: int) -> float:
        """Widget x of ``ms``."""
        width = max(self.width() - _LABEL_W, 1)
        span = max(self.view_end_ms - self.view_start_ms, 1)
        return _LABEL_W + (ms - self.view_start_ms) * width / span

    def ms_at(self, x: float) -> int:
        """The time under widget x ``x`` (clamped to the media)."""
        width = max(self.width() - _LABEL_W, 1)
        span = self.view_end_ms - self.view_start_ms
        ms = self.view_start_ms + round((x - _LABEL_W) * span / width)
        return min(max(ms, 0), self.duration_ms)

    def lane_top(self, lane: int) -> int:
        """Top y of tag lane ``lane``."""
        return _RULER_H + _CUES_H + 2 + lane * _LANE_H

    def sizeHint(self) -> QSize:
        """Tall enough for every lane."""
        return QSize(800, self.lane_top(len(self.tags)) + 4)

    def minimumSizeHint(self) -> QSize:
        """Ruler and cues at least."""
        return QSize(200, _RULER_H + _CUES_H + 4)

    # -- input ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Click seeks."""
        if event.button() == Qt.MouseButton.LeftButton and event.position().x() >= _LABEL_W:
            self.seek_requested.emit(self.ms_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Drag scrubs."""
        if event.buttons() & Qt.MouseButton.LeftButton and event.position().x() >= _LABEL_W:
            self.seek_requested.emit(self.ms_at(event.position().x()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Wheel zooms around the pointer."""
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(1.25**steps, self.ms_at(event.position().x()))
        event.accept()

    # -- painting -------------------------------------------------------------------------

    def _paint_runs(
        self,
        p: QPainter,
        starts: list[int],
        max_ends: list[int],
        left: int,
        right: int,
        top: int,
        height: int,
        colour: QColor,
    ) -> None:
        """Fill the pixel columns ``left..right`` that some range covers (dense lanes)."""
        run_start = -1
        for x in range(left, right + 2):
            covered = False
            if x <= right:
                t0, t1 = self.ms_at(x), self.ms_at(x + 1)
                i = bisect_right(starts, t1) - 1
                covered = i >= 0 and max_ends[i] > t0
            if covered and run_start < 0:
                run_start = x
            elif not covered and run_start >= 0:
                p.fillRect(QRect(run_start, top, x - run_start, height), colour)
                run_start = -1

    def paintEvent(self, event: QPaintEvent) -> None:
        """Ruler, cues, lanes, marks, playhead."""
        painter = QPainter(self)
        try:
            self._paint(painter, event.rect())
        finally:
            painter.end()

    def _paint(self, p: QPainter, clip: QRect) -> None:
        w, h = self.width(), self.height()
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        p.fillRect(QRect(0, 0, _LABEL_W, h), pal.window())
        start, end = self.view_start_ms, self.view_end_ms
        text_pen = QPen(pal.text().color())
        # Ruler.
        p.setPen(text_pen)
        font = p.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        p.setFont(font)
        span_s = max((end - start) / 1000, 1)
        step = next((t for t in _TICKS_S if span_s / t <= (w - _LABEL_W) / 70), 3600)
        first = (start // (step * 1000) + 1) * step * 1000 if start else 0
        tick = first
        while tick < end:
            x = self.x_of(tick)
            p.drawLine(QPointF(x, _RULER_H - 5), QPointF(x, _RULER_H))
            p.drawText(QRectF(x + 2, 0, 70, _RULER_H - 3), format_hms(tick))
            tick += step * 1000
        p.drawText(QRectF(4, 0, _LABEL_W - 8, _RULER_H), "Time")
        # Cue blocks.
        y = _RULER_H + 1
        p.drawText(QRectF(4, y - 2, _LABEL_W - 8, _CUES_H + 2), "Cues")
        # Only the part of the view being repainted (the playhead repaints thin strips).
        c0 = max(self.ms_at(clip.left() - 2), start)
        c1 = min(self.ms_at(clip.right() + 2) + 1, end)
        lo = bisect_right(self._cue_max_end, c0)
        hi = bisect_right(self._cue_starts, c1)
        cue_colour = QColor("#90a4ae")
        left, right = max(clip.left(), _LABEL_W), min(clip.right(), w - 1)
        if hi - lo > 2 * max(right - left, 1):
            # More cues than pixels: one bisect per pixel column, runs drawn as one rectangle.
            self._paint_runs(
                p, self._cue_starts, self._cue_max_end, left, right, y, _CUES_H - 2, cue_colour
            )
        else:
            for i in range(lo, hi):
                x0, x1 = self.x_of(self._cue_starts[i]), self.x_of(self._cue_ends[i])
                if x1 < _LABEL_W:
                    continue
                p.fillRect(
                    QRectF(max(x0, _LABEL_W), y, max(x1 - x0 - 1, 1), _CUES_H - 2), cue_colour
                )
        # Tag lanes.
        for lane, tag in enumerate(self.tags):
            top = self.lane_top(lane)
            if lane % 2:
                p.fillRect(QRect(_LABEL_W, top, w - _LABEL_W, _LANE_H), pal.alternateBase())
            p.setPen(text_pen)
            label = f"{tag.hotkey} {tag.label}" if tag.hotkey else tag.label
            p.drawText(QRectF(4, top - 1, _LABEL_W - 8, _LANE_H + 2), label)
            starts, max_ends = self._lanes.get(tag.name, ([], []))
            colour = QColor(tag.colour)
            first = bisect_right(max_ends, c0)
            last = bisect_right(starts, c1)
            if last - first > 2 * max(right - left, 1):
                self._paint_runs(p, starts, max_ends, left, right, top + 1, _LANE_H - 2, colour)
                continue
            for seg in self._spans.overlapping(c0, c1) if last > first else []:
                if seg.tag != tag.name:
                    continue
                x0, x1 = self.x_of(seg.start_ms), self.x_of(seg.end_ms)
                p.fillRect(QRectF(max(x0, _LABEL_W), top + 1, max(x1 - x0, 2), _LANE_H - 2), colour)
        # In/out marks.
        if self.mark_in_ms is not None or self.mark_out_ms is not None:
            a = self.mark_in_ms if self.mark_in_ms is not None else start
            b = self.mark_out_ms if self.mark_out_ms is not None else a
            if b > a:
                shade = QColor(66, 133, 244, 50)
                p.fillRect(QRectF(self.x_of(a), 0, self.x_of(b) - self.x_of(a), h), shade)
            p.setPen(QPen(QColor("#1a73e8"), 2))
            for mark, glyph in ((self.mark_in_ms, "I"), (self.mark_out_ms, "O")):
                if mark is not None and start <= mark <= end:
                    x = self.x_of(mark)
                    p.drawLine(QPointF(x, 0), QPointF(x, h))
                    p.drawText(QRectF(x + 2, h - 14, 12, 12), glyph)
        # Playhead.
        if start <= self.playhead_ms <= end:
            x = self.x_of(self.playhead_ms)
            p.setPen(QPen(QColor("#d50000"), 2))
            p.drawLine(QPointF(x, 0), QPointF(x, h))
