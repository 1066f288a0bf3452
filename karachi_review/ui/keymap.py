"""Keyboard: the actions of the CONVENTIONS table, their rebindable keys, the two focus modes.

``BINDINGS`` lists every action with its default keys. Bindings the user changed are kept in
QSettings under ``shortcuts/<id>``. ``FocusModeFilter`` gives bare keys (Space, J, 1, I, ...)
to a text field that has focus instead of firing the transport shortcut; modified keys
(Ctrl+Space, Ctrl+Z), function keys and Esc keep working everywhere.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "BINDINGS",
    "Binding",
    "FocusModeFilter",
    "PreferencesDialog",
    "is_text_field",
    "load_keys",
    "save_keys",
]


@dataclass(frozen=True, slots=True)
class Binding:
    """One rebindable action: id, menu text, default keys (portable text)."""

    id: str
    text: str
    keys: tuple[str, ...]


BINDINGS: tuple[Binding, ...] = (
    Binding("play_pause", "Play / pause", ("Space", "Ctrl+Space")),
    Binding("shuttle_back", "Shuttle back (J)", ("J",)),
    Binding("shuttle_stop", "Shuttle stop (K)", ("K",)),
    Binding("shuttle_forward", "Shuttle forward (L)", ("L",)),
    Binding("frame_back", "One frame back", ("Left",)),
    Binding("frame_forward", "One frame forward", ("Right",)),
    Binding("jump_back", "Jump back (10 frames)", ("Shift+Left",)),
    Binding("jump_forward", "Jump forward (10 frames)", ("Shift+Right",)),
    Binding("prev_cue", "Previous cue boundary", ("Ctrl+Left",)),
    Binding("next_cue", "Next cue boundary", ("Ctrl+Right",)),
    Binding("prev_annotation", "Previous annotation", ("Shift+Up",)),
    Binding("next_annotation", "Next annotation", ("Shift+Down",)),
    Binding("mark_in", "Mark in", ("I",)),
    Binding("mark_out", "Mark out", ("O",)),
    Binding("go_in", "Go to in", ("Shift+I",)),
    Binding("go_out", "Go to out", ("Shift+O",)),
    Binding("clear_marks", "Clear in and out", ("Alt+X",)),
    Binding("annotate_range", "Annotate in-out range…", ("Return", "Enter")),
    Binding("marker", "Drop a marker", ("M",)),
    Binding("marker_note", "Drop a marker with a note…", ("Ctrl+M",)),
    Binding("go_start", "Go to start", ("Home",)),
    Binding("go_end", "Go to end", ("End",)),
    Binding("go_to", "Go to timecode…", ("Ctrl+G",)),
    Binding("find", "Find in transcript", ("Ctrl+F",)),
    Binding("find_next", "Find next", ("F3",)),
    Binding("find_previous", "Find previous", ("Shift+F3",)),
    Binding("follow", "Follow the playhead", ("F",)),
    Binding("focus_video", "Back to the video", ("Esc",)),
    *(Binding(f"tag_{n}", f"Apply tag {n}", (str(n),)) for n in range(1, 10)),
)

_TEXT_TYPES = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QKeySequenceEdit)
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def is_text_field(widget: QWidget | None) -> bool:
    """True for a widget that takes typed text (line edits, editable combos, item editors)."""
    if widget is None:
        return False
    if isinstance(widget, _TEXT_TYPES):
        return True
    return isinstance(widget, QComboBox) and widget.isEditable()


def _in_item_editor(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def load_keys(settings: QSettings) -> dict[str, list[QKeySequence]]:
    """Every action's keys: the user's where set, else the defaults."""
    keys: dict[str, list[QKeySequence]] = {}
    for b in BINDINGS:
        stored = settings.value(f"shortcuts/{b.id}")
        if stored is None:
            texts = list(b.keys)
        elif isinstance(stored, str):
            texts = [t for t in stored.split("|") if t]  # "" stored: the user removed the key
        else:
            texts = [str(t) for t in stored]
        keys[b.id] = [QKeySequence(t) for t in texts]
    return keys


def save_keys(settings: QSettings, keys: dict[str, list[QKeySequence]]) -> None:
    """Store the bindings that differ from the defaults (and forget those that do not)."""
    for b in BINDINGS:
        texts = [k.toString(QKeySequence.SequenceFormat.PortableText) for k in keys.get(b.id, [])]
        defaults = [
            QKeySequence(t).toString(QKeySequence.SequenceFormat.PortableText) for t in b.keys
        ]
        if texts == defaults:
            settings.remove(f"shortcuts/{b.id}")
        else:
            settings.setValue(f"shortcuts/{b.id}", "|".join(texts))
    settings.sync()


class FocusModeFilter(QObject):
    """Event filter on the focused text field: it keeps bare keys for typing.

    It watches only the widget that has focus, and only while that is a text field (it
    follows ``QApplication.focusChanged``). An application-wide Python filter would be called
    for every event of every object (over a thousand while the window starts), and each new
    kind of object handed to Python costs PySide a type lookup: 20-30 ms of the launch.
    """

    def __init__(self, app: QApplication) -> None:
        """Follow the focus of ``app`` (the filter's parent)."""
        super().__init__(app)
        self._watched: QWidget | None = None
        app.focusChanged.connect(self._on_focus_changed)
        self._on_focus_changed(None, QApplication.focusWidget())

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None:
            with contextlib.suppress(RuntimeError):  # the field may be gone already
                self._watched.removeEventFilter(self)
            self._watched = None
        if is_text_field(new):
            assert new is not None
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept ShortcutOverride for unmodified keys in text fields (the field gets them)."""
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        focus = QApplication.focusWidget()
        if not is_text_field(focus):
            return False
        assert focus is not None
        key = event.key()
        if _in_item_editor(focus):
            # Editing a cell: every key belongs to the editor (Esc cancels it, Enter commits).
            if not event.modifiers() & _MODIFIERS:
                event.accept()
            return False
        if event.modifiers() & _MODIFIERS:
            return False
        if key == Qt.Key.Key_Escape or Qt.Key.Key_F1 <= key <= Qt.Key.Key_F35:
            return False
        event.accept()
        return False


JUMPS: dict[str, str] = {"10f": "10 frames", "5f": "5 frames", "1s": "1 second"}
DEFAULT_JUMP = "10f"


def load_jump(settings: QSettings) -> str:
    """What Shift+Left/Right jump by: "10f", "5f" or "1s"."""
    value = str(settings.value("keys/jump", DEFAULT_JUMP))
    return value if value in JUMPS else DEFAULT_JUMP


class PreferencesDialog(QDialog):
    """Rebind shortcuts: one row per action, a key editor per binding; the jump size."""

    def __init__(
        self,
        keys: dict[str, list[QKeySequence]],
        parent: QWidget | None = None,
        jump: str = DEFAULT_JUMP,
    ) -> None:
        """Show ``keys`` for editing; ``result_keys()`` gives the edited ones."""
        super().__init__(parent)
        self.jump = QComboBox(self)
        self.jump.setObjectName("jump_size")
        self.jump.setAccessibleName("Shift+Left and Shift+Right jump by")
        for value, label in JUMPS.items():
            self.jump.addItem(label, value)
        self.jump.setCurrentIndex(max(self.jump.findData(jump), 0))
        self.setObjectName("preferences")
        self.setAccessibleName("Preferences")
        self.setWindowTitle("Preferences: keyboard shortcuts")
        self.table = QTableWidget(len(BINDINGS), 3, self)
        self.table.setObjectName("shortcut_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Action", "Key", "Alternative key"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.editors: dict[str, tuple[QKeySequenceEdit, QKeySequenceEdit]] = {}
        for row, b in enumerate(BINDINGS):
            item = QTableWidgetItem(b.text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, item)
            current = keys.get(b.id, [])
            pair = []
            for col in (1, 2):
                edit = QKeySequenceEdit(self.table)
                edit.setObjectName(f"key_{b.id}_{col}")
                edit.setAccessibleName(f"{b.text}, key {col}")
                edit.setMaximumSequenceLength(1)
                edit.setClearButtonEnabled(True)
                if len(current) >= col:
                    edit.setKeySequence(current[col - 1])
                self.table.setCellWidget(row, col, edit)
                pair.append(edit)
            self.editors[b.id] = (pair[0], pair[1])
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        jump_row = QHBoxLayout()
        jump_row.addWidget(QLabel("Shift+Left / Shift+Right jump by", self))
        jump_row.addWidget(self.jump)
        jump_row.addStretch(1)
        layout.addLayout(jump_row)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 600)

    def restore_defaults(self) -> None:
        """Put every default key back in the editors."""
        for b in BINDINGS:
            first, second = self.editors[b.id]
            first.setKeySequence(QKeySequence(b.keys[0]) if b.keys else QKeySequence())
            second.setKeySequence(QKeySequence(b.keys[1]) if len(b.keys) > 1 else QKeySequence())

    def result_jump(self) -> str:
        """The jump size chosen ("10f", "5f" or "1s")."""
        return str(self.jump.currentData())

    def result_keys(self) -> dict[str, list[QKeySequence]]:
        """The bindings as edited."""
        out: dict[str, list[QKeySequence]] = {}
        for b in BINDINGS:
            out[b.id] = [
                e.keySequence() for e in self.editors[b.id] if not e.keySequence().isEmpty()
            ]
        return out


_FILTERS: dict[int, FocusModeFilter] = {}


def install_focus_filter() -> None:
    """Install the focus-mode filter on the running QApplication (once per application)."""
    app = QApplication.instance()
    if app is None or id(app) in _FILTERS:
        return
    assert isinstance(app, QApplication)
    _FILTERS[id(app)] = FocusModeFilter(app)
