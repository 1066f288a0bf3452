"""The Export dialog: the CLI's export choices, a live preview of the first lines, and Export.

The dialog reads the project once when it opens (annotations, cues, tags, media) and never
writes to the project. Every change of a choice refreshes the preview shortly after (a
single-shot timer, so typing a timecode does not render on every key); the preview renders
only the first cues and annotations, so it stays instant with 100,000 annotations. Export
writes through ``core.export.export_file`` (atomic, read back and compared); errors are shown
in the dialog as plain text, never as HTML (notes are untrusted text).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Final, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from karachi_review.core import export as exporter
from karachi_review.core.errors import KarachiError
from karachi_review.core.export_model import MODES, ExportOptions, ExportSource
from karachi_review.core.store import Project
from karachi_review.core.timecode import parse_rate, parse_time

__all__ = ["ExportDialog"]

_T = TypeVar("_T")

PREVIEW_LINES: Final = 40
PREVIEW_ITEMS: Final = 200
_DELAY_MS: Final = 150
_MODE_LABELS: Final = {
    "all": "All cues, tagged ones labelled",
    "tagged": "Only tagged cues",
    "annotations": "One cue per annotation",
}
_DROP_CHOICES: Final = (("Automatic", None), ("Drop-frame", True), ("Non-drop-frame", False))


class ExportDialog(QDialog):
    """Choose a format and filters, see the first lines, export to a file."""

    exported = Signal(object)  # core.export.ExportResult

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self._annotations = project.annotations()
        self._cues = project.cues()
        self._tags = project.tags()
        self._media = project.media()
        self._title = project.title
        self._meta = project.meta()
        self._project_path = Path(project.path)
        self.last_error = ""
        self.last_result: exporter.ExportResult | None = None

        self.format_box = QComboBox(self)
        for fmt in exporter.FORMATS:
            self.format_box.addItem(f"{exporter.FORMAT_DESCRIPTIONS[fmt]} ({fmt})", fmt)
        self.mode_box = QComboBox(self)
        for mode in MODES:
            self.mode_box.addItem(_MODE_LABELS[mode], mode)
        self.notes_box = QCheckBox("Notes in labelled cues", self)
        self.notes_box.setChecked(True)
        self.tag_list = QListWidget(self)
        for tag in self._tags:
            item = QListWidgetItem(tag.label, self.tag_list)
            item.setData(Qt.ItemDataRole.UserRole, tag.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.tag_list.setToolTip("Only the checked tags (none checked: every tag)")
        self.annotator_edit = QLineEdit(self)
        self.annotator_edit.setPlaceholderText("every annotator (names separated by commas)")
        self.from_edit = QLineEdit(self)
        self.from_edit.setPlaceholderText("start of the film")
        self.to_edit = QLineEdit(self)
        self.to_edit.setPlaceholderText("end of the film")
        self.fps_edit = QLineEdit(self)
        media_fps = self._media.fps
        self.fps_edit.setPlaceholderText(
            f"media: {float(media_fps):.3f}".rstrip("0").rstrip(".") if media_fps else "unknown"
        )
        self.drop_box = QComboBox(self)
        for label, value in _DROP_CHOICES:
            self.drop_box.addItem(label, value)
        self.start_tc_edit = QLineEdit(self)
        self.start_tc_edit.setPlaceholderText("markers 01:00:00:00; data: the media's")
        self.path_edit = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Subtitles", self.mode_box)
        form.addRow("", self.notes_box)
        form.addRow("Tags", self.tag_list)
        form.addRow("Annotators", self.annotator_edit)
        form.addRow("From", self.from_edit)
        form.addRow("To", self.to_edit)
        form.addRow("Frame rate", self.fps_edit)
        form.addRow("Timecode", self.drop_box)
        form.addRow("Start timecode", self.start_tc_edit)
        form.addRow("File", path_row)
        left = QWidget(self)
        left.setLayout(form)
        right = QVBoxLayout()
        right.addWidget(QLabel("Preview (first lines)", self))
        right.addWidget(self.preview, 1)
        body = QHBoxLayout()
        body.addWidget(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        for box in (self.format_box, self.mode_box, self.drop_box):
            box.currentIndexChanged.connect(self._changed)
        for edit in (
            self.annotator_edit,
            self.from_edit,
            self.to_edit,
            self.fps_edit,
            self.start_tc_edit,
        ):
            edit.textChanged.connect(self._changed)
        self.notes_box.toggled.connect(self._changed)
        self.tag_list.itemChanged.connect(self._changed)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.refresh_preview()

    # ------------------------------------------------------------------------- choices

    def set_format(self, fmt: str) -> None:
        """Select a format by its CLI name (``srt``, ``resolve-edl``...)."""
        index = self.format_box.findData(fmt)
        if index < 0:
            raise ValueError(f"unknown format {fmt}")
        self.format_box.setCurrentIndex(index)

    def set_tags(self, names: list[str]) -> None:
        """Check exactly the tags named."""
        for row in range(self.tag_list.count()):
            item = self.tag_list.item(row)
            wanted = item.data(Qt.ItemDataRole.UserRole) in names
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def options(self) -> ExportOptions:
        """The choices as export options; a bad entry raises KarachiError naming the field."""
        fmt = str(self.format_box.currentData())
        fps_text = self.fps_edit.text().strip()
        rate: Fraction | None = None
        if fps_text:
            rate = _field("Frame rate", lambda: parse_rate(fps_text))
        time_rate = rate or self._media.fps
        from_text = self.from_edit.text().strip()
        to_text = self.to_edit.text().strip()
        tags = tuple(
            str(self.tag_list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.tag_list.count())
            if self.tag_list.item(row).checkState() == Qt.CheckState.Checked
        )
        annotators = tuple(
            name.strip() for name in self.annotator_edit.text().split(",") if name.strip()
        )
        return ExportOptions(
            fmt,
            mode=str(self.mode_box.currentData()),
            tags=tags,
            annotators=annotators,
            from_ms=_field("From", lambda: parse_time(from_text, time_rate)) if from_text else None,
            to_ms=_field("To", lambda: parse_time(to_text, time_rate)) if to_text else None,
            fps=rate,
            drop_frame=self.drop_box.currentData(),
            start_tc=self.start_tc_edit.text().strip() or None,
            notes=self.notes_box.isChecked(),
        )

    def _source(self, options: ExportOptions, *, preview: bool) -> ExportSource:
        annotations, cues = self._annotations, self._cues
        if preview:
            # The first lines come from the first items: the first cues for labelled cues,
            # else the first annotations (and the cues up to the last of them, for EAF).
            if options.format in exporter.SUBTITLE_FORMATS and options.mode != "annotations":
                cues = cues[:PREVIEW_ITEMS]
                limit = cues[-1].end_ms if cues else 0
                annotations = [a for a in annotations if a.start_ms < limit]
            else:
                annotations = annotations[:PREVIEW_ITEMS]
                limit = annotations[-1].end_ms if annotations else 0
                cues = [c for c in cues[:PREVIEW_ITEMS] if c.start_ms < limit]
        return ExportSource.select(
            annotations,
            cues,
            self._tags,
            options,
            media=self._media,
            title=self._title,
            meta=self._meta,
        )

    # ------------------------------------------------------------------------- actions

    def _changed(self) -> None:
        self._timer.start()

    def _format_changed(self) -> None:
        fmt = str(self.format_box.currentData())
        subtitles = fmt in exporter.SUBTITLE_FORMATS
        self.mode_box.setEnabled(subtitles)
        self.notes_box.setEnabled(subtitles)
        timecoded = fmt in exporter.MARKER_FORMATS or fmt in ("csv", "json", "jsonl")
        for widget in (self.fps_edit, self.drop_box, self.start_tc_edit):
            widget.setEnabled(timecoded)
        current = self.path_edit.text().strip()
        suffix = exporter.FORMAT_SUFFIXES[fmt]
        if not current:
            stem = self._project_path.with_suffix("")
            self.path_edit.setText(str(stem) + suffix)
        elif Path(current).suffix != suffix:
            self.path_edit.setText(str(Path(current).with_suffix(suffix)))

    def refresh_preview(self) -> None:
        """Render the first lines of the export with the current choices."""
        self._timer.stop()
        try:
            options = self.options()
            text = exporter.preview(self._source(options, preview=True), options, PREVIEW_LINES)
        except KarachiError as exc:
            self._show_error(_describe(exc))
            self.preview.setPlainText("")
            return
        self._show_error("")
        self.preview.setPlainText(text)

    def _show_error(self, text: str) -> None:
        self.last_error = text
        self.message.setText(text)
        self.export_button.setEnabled(not text)

    def _browse(self) -> None:
        fmt = str(self.format_box.currentData())
        suffix = exporter.FORMAT_SUFFIXES[fmt]
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path_edit.text(), f"{fmt} (*{suffix});;All files (*)"
        )
        if path:
            self.path_edit.setText(path)

    def export(self) -> bool:
        """Write the export to the chosen file; True when written and verified."""
        target = self.path_edit.text().strip()
        if not target:
            self._show_error("Choose a file to write.")
            return False
        if Path(target).resolve() == self._project_path.resolve():
            self._show_error("Refusing to write the export over the project file.")
            return False
        try:
            options = self.options()
            result = exporter.export_file(
                self._source(options, preview=False), Path(target), options
            )
        except KarachiError as exc:
            self.message.setText(_describe(exc))
            self.last_error = _describe(exc)
            return False
        self.last_result = result
        self.last_error = ""
        self.message.setText(
            f"Wrote {result.annotations} annotations to {result.path} "
            f"({result.items} items checked by reading the file back)."
        )
        self.exported.emit(result)
        return True


def _describe(exc: KarachiError) -> str:
    """The message, with the file and line when the error names one."""
    return str(exc) if exc.path else exc.message


def _field(name: str, read: Callable[[], _T]) -> _T:
    """Run ``read``; a KarachiError gets the field's name in front of its message."""
    try:
        return read()
    except KarachiError as exc:
        raise KarachiError(f"{name}: {exc.message}") from None
