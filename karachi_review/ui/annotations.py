"""The tag bar and the annotation list (model, filter, editors).

Edits made in the list (tag, note, start, end) and deletions go through the session as undo
commands; the list never writes to the store itself.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from karachi_review.core.errors import KarachiError
from karachi_review.core.store import Annotation, AnnotationSpan
from karachi_review.core.timecode import parse_time
from karachi_review.core.vocabulary import Tag
from karachi_review.ui.commands import DeleteAnnotationCommand, UpdateAnnotationCommand
from karachi_review.ui.session import ReviewSession
from karachi_review.ui.transcript_view import format_time

__all__ = [
    "ANNOTATION_ROLE",
    "A_END",
    "A_NOTE",
    "A_START",
    "A_TAG",
    "A_WHO",
    "AnnotationFilter",
    "AnnotationModel",
    "AnnotationPanel",
    "TagBar",
    "colour_icon",
]

_Index = QModelIndex | QPersistentModelIndex

A_START, A_END, A_TAG, A_NOTE, A_WHO = range(5)
A_HEADERS = ("Start", "End", "Tag", "Note", "Annotator")
ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 10
TAG_NAME_ROLE = Qt.ItemDataRole.UserRole + 11
# Rows whose notes are fetched together: a few screens of the list, one query.
_PAGE_ROWS = 200


def colour_icon(colour: str, size: int = 12) -> QIcon:
    """A square swatch of ``colour``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class TagBar(QWidget):
    """One button per tag ("1 Raid"); a click asks to apply that tag to the selection."""

    tag_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty bar; call set_tags."""
        super().__init__(parent)
        self.setObjectName("tag_bar")
        self.setAccessibleName("Tag bar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self._layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.current = ""

    def set_tags(self, tags: list[Tag]) -> None:
        """Rebuild the buttons for ``tags`` (those with hotkeys first, as numbered)."""
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        while self._layout.count():
            self._layout.takeAt(0)
        for tag in tags:
            text = f"{tag.hotkey} {tag.label}" if tag.hotkey else tag.label
            button = QPushButton(colour_icon(tag.colour), text, self)
            button.setObjectName(f"tag_button_{tag.name}")
            button.setAccessibleName(f"Tag {tag.label}")
            button.setToolTip(tag.description or tag.label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # clicks must not steal the selection
            button.setCheckable(True)
            button.setStyleSheet("QPushButton { padding: 2px 6px; }")
            button.clicked.connect(lambda _=False, name=tag.name: self._clicked(name))
            self._layout.addWidget(button)
            self.buttons[tag.name] = button
        self._layout.addStretch(1)
        if tags and self.current not in self.buttons:
            self.current = tags[0].name
        self._check_current()

    def set_current(self, name: str) -> None:
        """Mark ``name`` as the tag M uses."""
        if name in self.buttons:
            self.current = name
            self._check_current()

    def _check_current(self) -> None:
        for name, button in self.buttons.items():
            button.setChecked(name == self.current)

    def _clicked(self, name: str) -> None:
        self.set_current(name)
        self.tag_clicked.emit(name)


class AnnotationModel(QAbstractTableModel):
    """Live annotations in time order; start, end, tag and note are editable in place.

    Rows are the session's annotation spans (id, times, tag), which the session lists anyway
    for the timeline; notes and annotators are fetched a page at a time for the rows a view
    asks for, so opening a project of 100,000 annotations does not read every note first.
    """

    def __init__(self, session: ReviewSession | None = None, parent: QWidget | None = None):
        """A model over ``session``'s annotations."""
        super().__init__(parent)
        self._session: ReviewSession | None = None
        self._rows: list[AnnotationSpan] = []
        self._row_by_id: dict[str, int] = {}
        self._details: dict[str, Annotation] = {}
        self._all_details = False
        self._fps: Fraction | None = None
        self.set_session(session)

    def set_session(self, session: ReviewSession | None) -> None:
        """Show ``session`` (None: nothing)."""
        if self._session is not None:
            self._session.annotations_changed.disconnect(self.reload)
            self._session.annotations_edited.disconnect(self.apply_edits)
        self._session = session
        if session is not None:
            session.annotations_changed.connect(self.reload)
            session.annotations_edited.connect(self.apply_edits)
            self._fps = session.fps
        self.reload()

    def set_fps(self, fps: Fraction | None) -> None:
        """Show times as SMPTE at ``fps``."""
        self._fps = fps
        if self._rows:
            self.dataChanged.emit(self.index(0, A_START), self.index(len(self._rows) - 1, A_END))

    def reload(self) -> None:
        """Re-read the annotations (the session's spans; details again on demand)."""
        self.beginResetModel()
        # A copy: apply_edits inserts and removes rows, and the session's index is shared.
        self._rows = list(self._session.spans.spans) if self._session is not None else []
        self._row_by_id = {s.id: i for i, s in enumerate(self._rows)}
        self._details = {}
        self._all_details = False
        self.endResetModel()

    def apply_edits(self, changes: list[tuple[str, Annotation | None]]) -> None:
        """Insert, update or remove just the rows of ``changes`` (id, annotation or None)."""
        for annotation_id, found in changes:
            self._details.pop(annotation_id, None)
            if found is not None:
                self._details[annotation_id] = found
            row = self._row_by_id.get(annotation_id, -1)
            if row >= 0 and found is not None and found.start_ms == self._rows[row].start_ms:
                self._rows[row] = _span_of(found)
                last = len(A_HEADERS) - 1
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
                continue
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            if found is not None:
                at = bisect_right(self._rows, found.start_ms, key=_start)
                self.beginInsertRows(QModelIndex(), at, at)
                self._rows.insert(at, _span_of(found))
                self.endInsertRows()
            self._row_by_id = {s.id: i for i, s in enumerate(self._rows)}

    def span_at(self, row: int) -> AnnotationSpan:
        """Id, times and tag of ``row`` (never touches the store).

        Not ``span``: that name is QAbstractItemModel's virtual cell-span method, which the
        proxy calls from C++.
        """
        return self._rows[row]

    def annotation(self, row: int) -> Annotation:
        """The annotation of ``row``, fetched with its page of neighbours when not yet held."""
        span = self._rows[row]
        found = self._details.get(span.id)
        if found is None:
            self._fetch_around(row)
            found = self._details.get(span.id)
        if found is None:
            # Gone from the store behind this view (another instance edits a project we show
            # read-only): show what the span knows rather than fail while painting.
            found = Annotation(span.id, 0, span.start_ms, span.end_ms, span.tag, "", "", "", "", 0)
        return found

    def ensure_all_details(self) -> None:
        """Hold every row's note and annotator (a text filter tests them all)."""
        if self._all_details or self._session is None:
            return
        self._details = {a.id: a for a in self._session.annotations()}
        self._all_details = True

    def _fetch_around(self, row: int) -> None:
        if self._session is None:
            return
        lo = max(0, row - _PAGE_ROWS // 2)
        wanted = [s.id for s in self._rows[lo : lo + _PAGE_ROWS] if s.id not in self._details]
        self._details.update(self._session.annotations_by_id(wanted))

    def row_of(self, annotation_id: str) -> int:
        """Row of the annotation with ``annotation_id`` (-1: not shown)."""
        return self._row_by_id.get(annotation_id, -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Annotations."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Start, end, tag, note, annotator."""
        return 0 if parent.isValid() else len(A_HEADERS)

    def tag_of(self, name: str) -> Tag | None:
        """The vocabulary's tag named ``name``."""
        return self._tag(name)

    def _tag(self, name: str) -> Tag | None:
        return self._session.tag(name) if self._session is not None else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain strings; the annotation itself as ANNOTATION_ROLE."""
        if not index.isValid():
            return None
        span = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == A_START:
                return format_time(span.start_ms, self._fps)
            if col == A_END:
                return format_time(span.end_ms, self._fps)
            if col == A_TAG:
                tag = self._tag(span.tag)
                if role == Qt.ItemDataRole.EditRole:
                    return span.tag
                return tag.label if tag is not None else span.tag
            a = self.annotation(index.row())
            if col == A_NOTE:
                return a.note if role == Qt.ItemDataRole.EditRole else " ".join(a.note.split())
            return a.annotator
        if role == Qt.ItemDataRole.DecorationRole and col == A_TAG:
            tag = self._tag(span.tag)
            return colour_icon(tag.colour) if tag is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and col == A_NOTE:
            note = self.annotation(index.row()).note
            return note or None
        if role == ANNOTATION_ROLE:
            return self.annotation(index.row())
        if role == TAG_NAME_ROLE:
            return span.tag
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Start, end, tag and note are editable (unless the project is read-only)."""
        base = super().flags(index)
        if (
            index.isValid()
            and index.column() != A_WHO
            and self._session is not None
            and not self._session.read_only
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Edit through an undo command; False (and the session's message) when refused."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._session is None:
            return False
        a = self.annotation(index.row())
        col = index.column()
        changes: dict[str, Any] = {}
        try:
            if col == A_START:
                changes["start_ms"] = parse_time(str(value), self._fps)
            elif col == A_END:
                changes["end_ms"] = parse_time(str(value), self._fps)
            elif col == A_TAG:
                changes["tag"] = str(value)
            elif col == A_NOTE:
                changes["note"] = str(value)
            else:
                return False
        except KarachiError as exc:
            self._session.message.emit(str(exc))
            return False
        current = {
            "start_ms": a.start_ms,
            "end_ms": a.end_ms,
            "tag": a.tag,
            "note": a.note,
        }
        if all(current[k] == v for k, v in changes.items()):
            return False
        return self._session.execute(UpdateAnnotationCommand(self._session, a, **changes))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return A_HEADERS[section]
        return None


class AnnotationFilter(QSortFilterProxyModel):
    """Rows of one tag (or all) whose tag label, note or annotator contain a text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """No filter."""
        super().__init__(parent)
        self._tag = ""
        self._text = ""

    def set_tag(self, name: str) -> None:
        """Only annotations of ``name`` ("" for all)."""
        self.beginFilterChange()
        self._tag = name
        self.endFilterChange()

    def set_text(self, text: str) -> None:
        """Only annotations whose note, tag or annotator contain ``text`` (any case)."""
        self.beginFilterChange()
        self._text = text.casefold().strip()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        """Tag and text tests (no filter: every row, without touching the model)."""
        if not self._tag and not self._text:
            return True
        model = self.sourceModel()
        if isinstance(model, AnnotationModel):
            if not self._text:
                return model.span_at(source_row).tag == self._tag  # no note needed, no fetch
            model.ensure_all_details()  # one query, not a page per row
            a = model.annotation(source_row)  # direct: 100,000 index.data() calls cost 0.7 s
        else:
            a = model.index(source_row, A_NOTE, source_parent).data(ANNOTATION_ROLE)
        if a is None:
            return False
        if self._tag and a.tag != self._tag:
            return False
        if self._text:
            tag = model.tag_of(a.tag) if isinstance(model, AnnotationModel) else None
            label = tag.label if tag is not None else a.tag
            haystack = f"{a.note}\n{label}\n{a.tag}\n{a.annotator}".casefold()
            return self._text in haystack
        return True


class _TagEditorDelegate(QStyledItemDelegate):
    """A combo box of the vocabulary for the Tag column; line edits elsewhere."""

    def __init__(self, session_of: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session_of = session_of

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        """A combo for tags."""
        session = self._session_of()
        if index.column() == A_TAG and session is not None:
            combo = QComboBox(parent)
            combo.setObjectName("tag_editor")
            combo.setAccessibleName("Tag")
            for tag in session.tags:
                combo.addItem(colour_icon(tag.colour), tag.label, tag.name)
            return combo
        editor = super().createEditor(parent, option, index)
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Select the current tag in the combo."""
        if isinstance(editor, QComboBox):
            position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(position, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        """Write the chosen tag's name."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class AnnotationTable(QTableView):
    """The list's table: Delete removes the selected annotations."""

    delete_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete / Backspace delete (outside an editor)."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


class AnnotationPanel(QWidget):
    """Filter by tag and text, the list, and a Delete button; double-click seeks."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty panel; call set_session."""
        super().__init__(parent)
        self.setObjectName("annotation_panel")
        self.setAccessibleName("Annotations")
        self.session: ReviewSession | None = None
        self.model = AnnotationModel(parent=self)
        self.proxy = AnnotationFilter(self)
        self.proxy.setSourceModel(self.model)

        self.tag_filter = QComboBox(self)
        self.tag_filter.setObjectName("annotation_tag_filter")
        self.tag_filter.setAccessibleName("Filter annotations by tag")
        self.tag_filter.currentIndexChanged.connect(self._on_tag_filter)
        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("annotation_text_filter")
        self.text_filter.setAccessibleName("Filter annotations by text")
        self.text_filter.setPlaceholderText("Filter notes…")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.proxy.set_text)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("annotation_count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("annotation_delete")
        self.delete_button.setAccessibleName("Delete selected annotations")
        self.delete_button.clicked.connect(self.delete_selected)

        self.table = AnnotationTable(self)
        self.table.setObjectName("annotation_list")
        self.table.setAccessibleName("Annotation list")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(_TagEditorDelegate(lambda: self.session, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(A_NOTE, QHeaderView.ResizeMode.Stretch)
        width = self.fontMetrics().horizontalAdvance("00:00:00:00") + 16
        self.table.setColumnWidth(A_START, width)
        self.table.setColumnWidth(A_END, width)
        self.table.setColumnWidth(A_TAG, 150)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.delete_requested.connect(self.delete_selected)
        self._kept_ids: list[str] = []
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.tag_filter)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def set_session(self, session: ReviewSession | None) -> None:
        """Show ``session``'s annotations."""
        if self.session is not None:
            self.session.tags_changed.disconnect(self._fill_tag_filter)
        self.session = session
        self.model.set_session(session)
        if session is not None:
            session.tags_changed.connect(self._fill_tag_filter)
        self._fill_tag_filter()
        self.delete_button.setEnabled(session is not None and not session.read_only)

    def _fill_tag_filter(self) -> None:
        chosen = self.tag_filter.currentData() or ""
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", "")
        for tag in self.session.tags if self.session is not None else []:
            self.tag_filter.addItem(colour_icon(tag.colour), tag.label, tag.name)
        self.tag_filter.setCurrentIndex(max(self.tag_filter.findData(chosen), 0))
        self.tag_filter.blockSignals(False)
        self._on_tag_filter()

    def _on_tag_filter(self) -> None:
        self.proxy.set_tag(self.tag_filter.currentData() or "")
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total}")

    def _keep_selection(self) -> None:
        # A reload resets the model; keep what was selected (by id) across it.
        self._kept_ids = [a.id for a in self.selected_annotations()]

    def _restore_selection(self) -> None:
        kept, self._kept_ids = self._kept_ids, []
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for annotation_id in kept:
            row = self.model.row_of(annotation_id)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, A_START))
            if index.isValid():
                selection.select(index, flags)
                self.table.scrollTo(index)

    def selected_annotations(self) -> list[Annotation]:
        """The annotations selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return [r.data(ANNOTATION_ROLE) for r in rows if r.data(ANNOTATION_ROLE) is not None]

    def delete_selected(self) -> int:
        """Delete the selected annotations (one undo step each); how many were deleted."""
        if self.session is None:
            return 0
        chosen = self.selected_annotations()
        stack = self.session.undo_stack
        if len(chosen) > 1:
            stack.beginMacro(f"Delete {len(chosen)} annotations")
        done = sum(
            1 for a in chosen if self.session.execute(DeleteAnnotationCommand(self.session, a))
        )
        if len(chosen) > 1:
            stack.endMacro()
        return done

    def select_annotation(self, annotation_id: str) -> None:
        """Select and show the annotation with ``annotation_id`` (if the filter shows it)."""
        row = self.model.row_of(annotation_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, A_START))
        if index.isValid():
            # Not selectRow(): it reads the keyboard modifiers, and Shift+Down got us here.
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def _on_double_click(self, index: QModelIndex) -> None:
        a = index.data(ANNOTATION_ROLE)
        if a is not None:
            self.seek_requested.emit(a.end_ms if index.column() == A_END else a.start_ms)


def _start(span: AnnotationSpan) -> int:
    return span.start_ms


def _span_of(annotation: Annotation) -> AnnotationSpan:
    return AnnotationSpan(annotation.id, annotation.start_ms, annotation.end_ms, annotation.tag)
