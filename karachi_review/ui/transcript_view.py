"""The transcript table: a thin Qt model over a core Transcript, shown as plain text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from karachi_review.core.timecode import format_ms
from karachi_review.core.transcript import Transcript

_Index = QModelIndex | QPersistentModelIndex

COL_NUMBER, COL_START, COL_END, COL_TEXT = range(4)
HEADERS = ("#", "Start", "End", "Text")


class TranscriptModel(QAbstractTableModel):
    """One row per cue. DisplayRole strings only: a QTableView never renders them as HTML."""

    def __init__(self, transcript: Transcript | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._transcript = transcript

    def set_transcript(self, transcript: Transcript | None) -> None:
        """Replace the whole transcript shown."""
        self.beginResetModel()
        self._transcript = transcript
        self.endResetModel()

    def transcript(self) -> Transcript | None:
        """The transcript shown (None when empty)."""
        return self._transcript

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._transcript is None:
            return 0
        return len(self._transcript)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._transcript is None:
            return None
        cue = self._transcript[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NUMBER:
                return str(cue.index)
            if col == COL_START:
                return format_ms(cue.start_ms)
            if col == COL_END:
                return format_ms(cue.end_ms)
            return cue.text.replace("\n", " / ")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TEXT:
            return cue.text
        if role == Qt.ItemDataRole.TextAlignmentRole and col != COL_TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class TranscriptView(QTableView):
    """The transcript table with sizes that suit timecodes and long lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Qt's default row height leaves half the rows off screen; a line and a little air.
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        for col in (COL_NUMBER, COL_START, COL_END):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
