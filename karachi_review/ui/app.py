"""Start the Qt application and its main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from karachi_review.core.samples import sample_path
from karachi_review.ui.main_window import APP_NAME, MainWindow

SCREENSHOT_DELAY_MS = 500


def run_app(args: argparse.Namespace) -> int:
    """Open the window on ``args.file`` (the bundled sample when none) and run the event loop."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    window = MainWindow()
    path = Path(args.file) if args.file else sample_path()
    window.open_transcript(path)
    window.show()
    if args.screenshot:
        target = Path(args.screenshot)

        def grab_and_quit() -> None:
            window.grab().save(str(target))
            print(f"screenshot: {target}")
            app.quit()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, grab_and_quit)
    return int(app.exec())
