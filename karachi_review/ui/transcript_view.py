"""The transcript: a thin Qt model over a core Transcript, a painting delegate, and a view
that follows the playhead until the user scrolls or selects by hand.

One model row per cue (no widget per row), uniform row heights and fixed column widths, so a
playhead update costs two ``dataChanged`` rows and at most one scroll at any transcript size.
Cue text is drawn with ``QPainter.drawText`` as plain text: markup in a subtitle stays literal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from karachi_review.core.store import AnnotationSpan
from karachi_review.core.timecode import format_ms, ms_to_smpte
from karachi_review.core.transcript import Transcript
from karachi_review.core.vocabulary import Tag
from karachi_review.ui.text_parts import display_parts, display_text

__all__ = [
    "COL_TAGS",
    "COL_TEXT",
    "COL_TIME",
    "CUE_ROLE",
    "CURRENT_ROLE",
    "HEADERS",
    "HIT_ROLE",
    "TAGS_ROLE",
    "TranscriptDelegate",
    "TranscriptModel",
    "TranscriptView",
    "format_time",
]

_Index = QModelIndex | QPersistentModelIndex

COL_TIME, COL_TEXT, COL_TAGS = range(3)
HEADERS = ("Time", "Text", "Tags")

CUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Cue
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 2  # True on the cue under the playhead
TAGS_ROLE = Qt.ItemDataRole.UserRole + 3  # list[Tag] overlapping the cue
HIT_ROLE = Qt.ItemDataRole.UserRole + 4  # the find text when the cue matches it

CURRENT_COLOUR = QColor("#fff1b8")
HIT_COLOUR = QColor("#ffd54f")
TURN_COLOUR = QColor("#1565c0")
SOUND_COLOUR = QColor("#6d4c41")


def format_time(ms: int, fps: Fraction | None, start_frame: int = 0) -> str:
    """SMPTE when the frame rate is known, else ``HH:MM:SS.mmm``."""
    if fps is not None:
        return ms_to_smpte(max(ms, 0), fps, start_frame=start_frame)
    return format_ms(ms, ".")


SpansFor = Callable[[int, int], Sequence[AnnotationSpan]]


class TranscriptModel(QAbstractTableModel):
    """One row per cue; display strings only (never HTML), chips and highlight as roles."""

    def __init__(self, transcript: Transcript | None = None, parent: QWidget | None = None):
        """A model over ``transcript`` (empty when None)."""
        super().__init__(parent)
        self._transcript = transcript
        self._current = -1
        self._fps: Fraction | None = None
        self._find = ""
        self._hits: list[int] = []
        self._spans_for: SpansFor | None = None
        self._tags: dict[str, Tag] = {}
        self._order: dict[str, int] = {}

    # -- content --------------------------------------------------------------------------

    def set_transcript(self, transcript: Transcript | None) -> None:
        """Replace the whole transcript shown."""
        self.beginResetModel()
        self._transcript = transcript
        self._current = -1
        self._hits = []
        self.endResetModel()
        if self._find:
            self.set_find_text(self._find)

    def transcript(self) -> Transcript | None:
        """The transcript shown (None when empty)."""
        return self._transcript

    def set_fps(self, fps: Fraction | None) -> None:
        """Show times as SMPTE at ``fps`` (None: milliseconds)."""
        self._fps = fps
        self._column_changed(COL_TIME)

    def set_annotations(self, spans_for: SpansFor | None, tags: Sequence[Tag]) -> None:
        """Where tag chips come from: ``spans_for(start, end)`` and the vocabulary."""
        self._spans_for = spans_for
        self._tags = {t.name: t for t in tags}
        self._order = {t.name: i for i, t in enumerate(tags)}
        self._column_changed(COL_TAGS)

    def _column_changed(self, column: int) -> None:
        rows = self.rowCount()
        if rows:
            self.dataChanged.emit(self.index(0, column), self.index(rows - 1, column))

    def cue_tags(self, row: int) -> list[Tag]:
        """Tags of the annotations overlapping cue ``row``, in vocabulary order."""
        if self._spans_for is None or self._transcript is None:
            return []
        cue = self._transcript[row]
        names = {s.tag for s in self._spans_for(cue.start_ms, max(cue.end_ms, cue.start_ms + 1))}
        found = [self._tags[n] for n in names if n in self._tags]
        return sorted(found, key=lambda t: self._order.get(t.name, 0))

    # -- playhead -------------------------------------------------------------------------

    @property
    def current_row(self) -> int:
        """Row of the cue under the playhead (-1: none)."""
        return self._current

    def row_at(self, ms: int) -> int:
        """Row of the cue shown at ``ms`` (-1: none)."""
        if self._transcript is None:
            return -1
        return self._transcript.position_at(ms)

    def set_current_row(self, row: int) -> bool:
        """Highlight ``row``; True when it changed. Emits dataChanged for the two rows only."""
        if row == self._current:
            return False
        old, self._current = self._current, row
        last = len(HEADERS) - 1
        for r in (old, row):
            if r >= 0:
                self.dataChanged.emit(self.index(r, 0), self.index(r, last), [CURRENT_ROLE])
        return True

    # -- find -----------------------------------------------------------------------------

    @property
    def find_text(self) -> str:
        """The text being found ("" when none)."""
        return self._find

    @property
    def hits(self) -> list[int]:
        """Rows whose text contains the find text, in order."""
        return self._hits

    def set_find_text(self, text: str) -> list[int]:
        """Mark the rows containing ``text`` (case-insensitive); return them."""
        self._find = text
        needle = text.casefold()
        if not needle or self._transcript is None:
            self._hits = []
        else:
            self._hits = [
                i for i, cue in enumerate(self._transcript) if needle in cue.text.casefold()
            ]
        self._column_changed(COL_TEXT)
        return self._hits

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Cues (0 under any parent: a flat table)."""
        if parent.isValid() or self._transcript is None:
            return 0
        return len(self._transcript)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Time, text, tags."""
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain strings for display; the cue, highlight, chips and find hits as custom roles."""
        if not index.isValid() or self._transcript is None:
            return None
        row, col = index.row(), index.column()
        cue = self._transcript[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                return format_time(cue.start_ms, self._fps)
            if col == COL_TEXT:
                return display_text(cue.text)
            return ", ".join(t.label for t in self.cue_tags(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TEXT:
                return cue.text
            if col == COL_TIME:
                return f"{format_ms(cue.start_ms, '.')} - {format_ms(cue.end_ms, '.')}"
            return None
        if role == CUE_ROLE:
            return cue
        if role == CURRENT_ROLE:
            return row == self._current
        if role == TAGS_ROLE:
            return self.cue_tags(row) if col == COL_TAGS else None
        if role == HIT_ROLE:
            if self._find and col == COL_TEXT and self._find.casefold() in cue.text.casefold():
                return self._find
            return None
        if role == Qt.ItemDataRole.BackgroundRole and row == self._current:
            return CURRENT_COLOUR
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{format_ms(cue.start_ms, '.')} {display_text(cue.text)}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class TranscriptDelegate(QStyledItemDelegate):
    """Paints cue text as plain text (turns and sound events marked, find hits highlighted)
    and tag chips in their tag's colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Background by the style, then our own plain-text drawing."""
        col = index.column()
        if col == COL_TIME:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        try:
            rect = opt.rect.adjusted(4, 0, -4, 0)
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            text_colour = opt.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
            if col == COL_TEXT:
                self._paint_text(painter, rect, opt, index, text_colour)
            else:
                self._paint_chips(painter, rect, opt, index.data(TAGS_ROLE) or [])
        finally:
            painter.restore()

    def _paint_text(
        self,
        painter: QPainter,
        rect: QRect,
        opt: QStyleOptionViewItem,
        index: _Index,
        colour: QColor,
    ) -> None:
        cue = index.data(CUE_ROLE)
        if cue is None:
            return
        font = QFont(opt.font)
        metrics = QFontMetrics(font)
        x = rect.left()
        right = rect.right()
        baseline_rect = QRect(rect)
        needle = index.data(HIT_ROLE)
        for n, part in enumerate(display_parts(cue.text)):
            if x >= right:
                break
            if part.kind == "sound":
                italic = QFont(font)
                italic.setItalic(True)
                painter.setFont(italic)
                painter.setPen(SOUND_COLOUR)
                label = f"[{part.text}]"
                x = self._draw_run(painter, baseline_rect, x, right, label, needle)
                painter.setFont(font)
                continue
            if part.kind == "turn":
                painter.setFont(font)
                painter.setPen(TURN_COLOUR)
                marker = ("  " if n else "") + "— "
                x = self._draw_run(painter, baseline_rect, x, right, marker, None)
            painter.setFont(font)
            painter.setPen(colour)
            x = self._draw_run(painter, baseline_rect, x, right, part.text, needle)
        del metrics

    def _draw_run(
        self, painter: QPainter, rect: QRect, x: int, right: int, text: str, needle: str | None
    ) -> int:
        """Draw ``text`` from ``x`` (elided at ``right``), highlighting ``needle``; new x."""
        metrics = painter.fontMetrics()
        available = right - x
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, available)
        if needle:
            folded = shown.casefold()
            key = needle.casefold()
            start = folded.find(key)
            while start >= 0:
                left = x + metrics.horizontalAdvance(shown[:start])
                width = metrics.horizontalAdvance(shown[start : start + len(needle)])
                painter.fillRect(QRect(left, rect.top() + 2, width, rect.height() - 4), HIT_COLOUR)
                start = folded.find(key, start + len(key))
        target = QRect(x, rect.top(), available, rect.height())
        painter.drawText(
            target,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            | int(Qt.TextFlag.TextSingleLine),
            shown,
        )
        return x + metrics.horizontalAdvance(shown)

    def _paint_chips(
        self, painter: QPainter, rect: QRect, opt: QStyleOptionViewItem, tags: list[Tag]
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        small = QFont(opt.font)
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        x = rect.left()
        height = min(rect.height() - 4, metrics.height() + 2)
        top = rect.top() + (rect.height() - height) // 2
        for tag in tags:
            label = tag.hotkey or tag.label[:1]
            width = metrics.horizontalAdvance(tag.label) + 10
            if x + width > rect.right():
                width = metrics.horizontalAdvance(label) + 10
                text = label
            else:
                text = tag.label
            if x + width > rect.right():
                break
            colour = QColor(tag.colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, top, width, height), 4, 4)
            painter.setPen(QColor("#ffffff") if colour.lightness() < 150 else QColor("#000000"))
            painter.drawText(QRect(x, top, width, height), int(Qt.AlignmentFlag.AlignCenter), text)
            x += width + 3

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """One line."""
        return QSize(100, option.fontMetrics.height() + 8)


class TranscriptView(QTableView):
    """The transcript table. Follows the playhead; scrolling or selecting by hand pauses that.

    Signals: ``seek_requested(ms)`` on a plain click, Up/Down, or Enter (through the window);
    ``follow_changed(bool)`` when following pauses or resumes.
    """

    seek_requested = Signal(int)
    follow_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty view; call setModel."""
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName("Transcript")
        self._following = True
        self._auto_scroll = False
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setItemDelegate(TranscriptDelegate(self))
        self.verticalScrollBar().actionTriggered.connect(self._on_scrollbar_action)
        self.clicked.connect(self._on_clicked)

    def setModel(self, model: Any) -> None:
        """Fixed column widths (ResizeToContents would walk every row)."""
        super().setModel(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_TAGS, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(COL_TIME, self.fontMetrics().horizontalAdvance("00:00:00:000") + 16)
        self.setColumnWidth(COL_TAGS, 170)
        self.selectionModel().selectionChanged.connect(self._on_selection)

    def transcript_model(self) -> TranscriptModel:
        """The model shown."""
        model = self.model()
        assert isinstance(model, TranscriptModel)
        return model

    # -- follow mode ----------------------------------------------------------------------

    @property
    def following(self) -> bool:
        """True while the view keeps the current cue in view."""
        return self._following

    def set_following(self, on: bool) -> None:
        """Pause or resume following; resuming scrolls to the current cue at once."""
        if on != self._following:
            self._following = on
            self.follow_changed.emit(on)
        if on:
            self.reveal_current(force=True)

    def show_position(self, ms: int) -> int:
        """Highlight the cue at ``ms`` and, when following, keep it in view; return its row."""
        model = self.transcript_model()
        row = model.row_at(ms)
        if model.set_current_row(row) and self._following:
            self.reveal_current()
        return row

    def reveal_current(self, force: bool = False) -> None:
        """Scroll so the current cue sits in the middle band of the view."""
        model = self.transcript_model()
        row = model.current_row
        if row < 0:
            return
        height = self.viewport().height()
        y = self.rowViewportPosition(row)
        row_h = self.rowHeight(row)
        if not force and height / 6 <= y and y + row_h <= height * 5 / 6:
            return
        self._auto_scroll = True
        try:
            self.scrollTo(model.index(row, COL_TEXT), QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._auto_scroll = False

    def resizeEvent(self, event: Any) -> None:
        """Keep the current cue in view when the view is shown or resized (while following)."""
        super().resizeEvent(event)
        if self._following and self.model() is not None:
            self.reveal_current()

    def _pause_follow(self) -> None:
        if self._following:
            self._following = False
            self.follow_changed.emit(False)

    def _on_scrollbar_action(self, action: int) -> None:
        if action != QAbstractSlider.SliderAction.SliderNoAction.value and not self._auto_scroll:
            self._pause_follow()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """A wheel scroll is a manual scroll: pause following."""
        self._pause_follow()
        super().wheelEvent(event)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        # The view never selects by itself (the playhead is a highlight, not a selection), so
        # every selection is the user's; more than one row is a selection to work on.
        if len(self.selected_rows()) > 1:
            self._pause_follow()

    def selected_rows(self) -> list[int]:
        """Selected rows in order."""
        model = self.selectionModel()
        if model is None:
            return []
        return sorted(i.row() for i in model.selectedRows())

    def _on_clicked(self, index: QModelIndex) -> None:
        modifiers = self._last_modifiers
        if modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            return
        self.seek_to_row(index.row())

    _last_modifiers = Qt.KeyboardModifier.NoModifier

    def mousePressEvent(self, event: Any) -> None:
        """Remember the modifiers of the click (Shift/Ctrl-click selects, does not seek)."""
        self._last_modifiers = event.modifiers()
        super().mousePressEvent(event)

    def seek_to_row(self, row: int) -> None:
        """Seek to the cue at ``row`` and follow again."""
        cue = self.transcript_model().data(self.transcript_model().index(row, 0), CUE_ROLE)
        if cue is None:
            return
        self.set_following(True)
        self.seek_requested.emit(cue.start_ms)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up/Down move to the previous/next cue and seek; PageUp/PageDown scroll by hand."""
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            model = self.transcript_model()
            rows = model.rowCount()
            if not rows:
                return
            base = self.currentIndex().row() if self.currentIndex().isValid() else -1
            if model.current_row >= 0 and (base < 0 or self._following):
                base = model.current_row
            row = base + (1 if key == Qt.Key.Key_Down else -1)
            row = min(max(row, 0), rows - 1)
            index = model.index(row, COL_TEXT)
            self.setCurrentIndex(index)
            self.seek_to_row(row)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self._pause_follow()
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        """Keep Up/Down for the view even when a window shortcut uses them."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            event.accept()
            return True
        return super().event(event)

    # -- find -----------------------------------------------------------------------------

    def find_next(self, backwards: bool = False) -> int:
        """Select and show the next (or previous) find hit after the selection; its row or -1."""
        model = self.transcript_model()
        hits = model.hits
        if not hits:
            return -1
        rows = self.selected_rows()
        base = rows[-1] if rows else max(model.current_row, -1)
        if backwards:
            earlier = [h for h in hits if h < base]
            row = earlier[-1] if earlier else hits[-1]
        else:
            later = [h for h in hits if h > base]
            row = later[0] if later else hits[0]
        self._pause_follow()
        index = model.index(row, COL_TEXT)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)  # not selectRow: Shift+F3
        self._auto_scroll = True
        try:
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._auto_scroll = False
        return row
