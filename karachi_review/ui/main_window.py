"""The main window: the one place that wires widgets, models and signals together."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from karachi_review import __version__
from karachi_review.core.errors import KarachiError
from karachi_review.core.reader import ImportResult, read_transcript
from karachi_review.core.timecode import format_hms
from karachi_review.ui.transcript_view import TranscriptModel, TranscriptView

APP_NAME = "karachi_review"


class MainWindow(QMainWindow):
    """The review window. Today: the transcript with its timecodes; later issues add the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptModel(parent=self)
        self.transcript_view = TranscriptView(self)
        self.transcript_view.setModel(self.model)
        self.setCentralWidget(self.transcript_view)
        self.summary = QLabel(self)
        self.statusBar().addPermanentWidget(self.summary)
        self.result: ImportResult | None = None
        self.resize(1100, 720)
        self.setWindowTitle(f"{APP_NAME} {__version__}")

    def open_transcript(self, path: Path) -> bool:
        """Show the transcript at ``path``; on unusable input, say why in a dialog."""
        try:
            result = read_transcript(path)
        except KarachiError as exc:
            QMessageBox.warning(self, f"{APP_NAME}: cannot open transcript", str(exc))
            return False
        self.result = result
        self.model.set_transcript(result.transcript)
        t = result.transcript
        self.setWindowTitle(f"{path.name} — {APP_NAME}")
        warnings = f" · {len(result.warnings)} warnings" if result.warnings else ""
        self.summary.setText(
            f"{len(t)} cues · {format_hms(t.start_ms)}–{format_hms(t.end_ms)} · "
            f"{result.format} · {result.encoding}{warnings}"
        )
        return True
