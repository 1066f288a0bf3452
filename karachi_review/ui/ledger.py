"""The claims ledger: a sortable, filterable table of the film's claims with their verdicts.

A standalone widget (not wired into the main window yet). One model row per claim; the status
cell is painted in the verdict's colour; a "Sources" column says where a source disagrees or
measures another period. Double-click (or Enter) asks the window to seek to the claim
(``seekRequested``). The editor below the table sets a verdict with a note and an evidence URL,
and "Grab frame" stores the exact frame as an evidence still through ``grab_frame`` (a callable
the window gives: time in ms -> PNG bytes). Every edit goes through the store and, when an
undo stack is given, is one undoable command (``set_claim_status``/``revert_status``,
``add_evidence``/``remove_evidence``). Cell text is plain text: markup in a quote stays literal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from karachi_review.core.claims import STATUSES
from karachi_review.core.claims_report import STATUS_COLOURS, values_text
from karachi_review.core.store import Claim, EvidenceInput, Project, StatusChange
from karachi_review.core.timecode import format_hms

__all__ = ["COLUMNS", "ClaimLedger", "ClaimTableModel", "LedgerFilter"]

COLUMNS = ("Start", "Status", "Figures", "Counts", "Qualifier", "Period", "Sources", "Claim")
COL_START, COL_STATUS, COL_FIGURES, COL_UNIT, COL_QUAL, COL_PERIOD, COL_SOURCES, COL_TEXT = range(
    len(COLUMNS)
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CLAIM_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class ClaimTableModel(QAbstractTableModel):
    """The film's claims of a project, one row each, reloaded after every edit."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project = project
        self._claims: list[Claim] = []
        self._links: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Read the claims and links again from the project."""
        self.beginResetModel()
        self._claims = self._project.claims()
        by_id = {c.id: c for c in self._project.claims(include_sources=True)}
        notes: dict[str, list[str]] = {}
        for link in self._project.claim_links():
            if link.relation == "agree":
                continue
            for mine, other in ((link.claim_a, link.claim_b), (link.claim_b, link.claim_a)):
                theirs = by_id.get(other)
                if theirs is None:
                    continue
                where = "film" if theirs.source_id is None else f"source {theirs.source_id}"
                notes.setdefault(mine, []).append(
                    f"{link.relation}: {values_text(theirs) or theirs.text[:30]} ({where})"
                )
        self._links = {k: "; ".join(v) for k, v in notes.items()}
        self.endResetModel()

    def claim_at(self, row: int) -> Claim:
        """The claim shown in ``row``."""
        return self._claims[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows: claims of the film."""
        return 0 if parent.isValid() else len(self._claims)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns: see COLUMNS."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Plain text per cell; the status cell's colour; sort keys; the claim id."""
        if not index.isValid():
            return None
        c = self._claims[index.row()]
        col = index.column()
        if role == CLAIM_ID_ROLE:
            return c.id
        if role == SORT_ROLE:
            if col == COL_START:
                return c.start_ms or 0
            if col == COL_STATUS:
                return STATUSES.index(c.status)
            if col == COL_FIGURES:
                figures = [v["value"] for v in c.values if v.get("role") == "value"]
                return float(figures[0]) if figures else -1.0
            return str(self.data(index, Qt.ItemDataRole.DisplayRole)).lower()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                format_hms(c.start_ms or 0),
                c.status,
                values_text(c),
                c.unit,
                c.qualifier,
                c.period,
                self._links.get(c.id, ""),
                c.text,
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_TEXT, COL_SOURCES):
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_STATUS:
            return QBrush(QColor(STATUS_COLOURS[c.status]))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return QBrush(QColor("#ffffff"))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_SOURCES and c.id in self._links:
            return QBrush(QColor(STATUS_COLOURS["false"]))
        return None


class LedgerFilter(QSortFilterProxyModel):
    """Filter by status and by text (any column), sort by the model's sort keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, status: str | None, text: str) -> None:
        """Show only ``status`` (None: all) and rows containing ``text`` (any case)."""
        self.beginFilterChange()
        self.status, self.text = status, text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Status and text filter."""
        model = self.sourceModel()
        assert isinstance(model, ClaimTableModel)
        claim = model.claim_at(source_row)
        if self.status is not None and claim.status != self.status:
            return False
        if not self.text:
            return True
        cells = (str(model.data(model.index(source_row, col)) or "") for col in range(len(COLUMNS)))
        return any(self.text in cell.lower() for cell in cells)


class _StoreCommand(QUndoCommand):
    def __init__(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._do, self._undo = do, undo

    def redo(self) -> None:
        self._do()

    def undo(self) -> None:
        self._undo()


class ClaimLedger(QWidget):
    """The ledger: filters, the table, and the verdict editor of the selected claim."""

    seekRequested = Signal(int)

    def __init__(
        self,
        project: Project,
        *,
        undo_stack: QUndoStack | None = None,
        grab_frame: Callable[[int], bytes | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self.grab_frame = grab_frame
        self.model = ClaimTableModel(project, self)
        self.proxy = LedgerFilter(self)
        self.proxy.setSourceModel(self.model)

        self.status_filter = QComboBox()
        self.status_filter.addItem("All verdicts", None)
        for status in STATUSES:
            self.status_filter.addItem(status, status)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter claims…")
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.status_filter)
        top.addWidget(self.text_filter, 1)
        top.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_START, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()

        self.status_edit = QComboBox()
        for status in STATUSES:
            self.status_edit.addItem(status, status)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Why (kept in the history)")
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setPlaceholderText("Evidence URL or document")
        self.set_button = QPushButton("Set verdict")
        self.grab_button = QPushButton("Grab frame")
        self.grab_button.setEnabled(grab_frame is not None)
        editor = QHBoxLayout()
        editor.addWidget(self.status_edit)
        editor.addWidget(self.note_edit, 1)
        editor.addWidget(self.evidence_edit, 1)
        editor.addWidget(self.set_button)
        editor.addWidget(self.grab_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(editor)

        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.text_filter.textChanged.connect(self._apply_filter)
        self.table.doubleClicked.connect(self._seek_to)
        self.table.activated.connect(self._seek_to)
        self.set_button.clicked.connect(self.apply_verdict)
        self.grab_button.clicked.connect(self.grab_still)
        self._update_count()

    def set_grab_frame(self, grab_frame: Callable[[int], bytes | None] | None) -> None:
        """Take stills with ``grab_frame`` from now on (None: no film, the button is off)."""
        self.grab_frame = grab_frame
        self.grab_button.setEnabled(grab_frame is not None and not self.project.read_only)

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid verdicts and stills (a read-only project refuses every write)."""
        self.set_button.setEnabled(editable)
        self.grab_button.setEnabled(editable and self.grab_frame is not None)

    # ------------------------------------------------------------------------- reading

    def reload(self) -> None:
        """Re-read claims from the project (after edits made elsewhere)."""
        selected = self.selected_claim()
        self.model.reload()
        self._update_count()
        if selected is not None:
            self.select_claim(selected.id)

    def visible_claims(self) -> list[Claim]:
        """The claims shown, in the table's order."""
        return [
            self.model.claim_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

    def selected_claim(self) -> Claim | None:
        """The claim of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.claim_at(self.proxy.mapToSource(rows[0]).row())

    def select_claim(self, claim_id: str) -> bool:
        """Select the row of ``claim_id``; False when it is filtered out or unknown."""
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(CLAIM_ID_ROLE) == claim_id:
                self.table.selectRow(r)
                return True
        return False

    # ------------------------------------------------------------------------- editing

    def apply_verdict(self) -> StatusChange | None:
        """Give the selected claim the editor's verdict, note and evidence (one undo step)."""
        claim = self.selected_claim()
        if claim is None:
            return None
        status = str(self.status_edit.currentData())
        ref = self.evidence_edit.text().strip()
        evidence = []
        if ref:
            is_url = "://" in ref
            evidence.append(
                EvidenceInput(url=ref if is_url else None, document=None if is_url else ref)
            )
        note = self.note_edit.text()
        done: list[StatusChange] = []

        def do() -> None:
            done.append(
                self.project.set_claim_status(claim.id, status, note=note, evidence=evidence)
            )
            self.reload()

        def undo() -> None:
            self.project.revert_status(done[-1])
            self.reload()

        self._run(f"Set claim to {status}", do, undo)
        self.note_edit.clear()
        self.evidence_edit.clear()
        return done[-1] if done else None

    def grab_still(self) -> bool:
        """Store the exact frame at the claim's start as an evidence still (one undo step)."""
        claim = self.selected_claim()
        if claim is None or self.grab_frame is None or claim.start_ms is None:
            return False
        at = claim.start_ms
        png = self.grab_frame(at)
        if not png:
            return False
        added: list[int] = []

        def do() -> None:
            ev = self.project.add_evidence(claim.id, EvidenceInput(still_png=png, still_ms=at))
            added.append(ev.id)

        def undo() -> None:
            self.project.remove_evidence(added[-1])

        self._run("Grab evidence still", do, undo)
        return True

    def _run(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(_StoreCommand(text, do, undo))  # push() calls redo()
        else:
            do()

    # ------------------------------------------------------------------------ internals

    def _apply_filter(self) -> None:
        status = self.status_filter.currentData()
        self.proxy.set_filter(None if status is None else str(status), self.text_filter.text())
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} claims")

    def _seek_to(self, index: QModelIndex) -> None:
        claim = self.model.claim_at(self.proxy.mapToSource(index).row())
        if claim.start_ms is not None:
            self.seekRequested.emit(claim.start_ms)
