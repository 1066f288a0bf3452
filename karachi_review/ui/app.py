"""Start the Qt application and its main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from karachi_review.ui.main_window import APP_NAME, MainWindow

SCREENSHOT_DELAY_MS = 1500
SAMPLE_SCREENSHOT_MS = 3 * 60_000 + 25_500


def run_app(args: argparse.Namespace) -> int:
    """Open the window on ``args.file`` (the bundled sample project when none) and run it."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    window = MainWindow()
    if args.file:
        window.open_path(Path(args.file))
    else:
        window.open_sample()
        if args.screenshot:
            # The README's picture: the sample at its first tagged statistic claim.
            window.seek(SAMPLE_SCREENSHOT_MS)
    window.show()
    if args.screenshot:
        target = Path(args.screenshot)

        def grab_and_quit() -> None:
            window.grab().save(str(target))
            print(f"screenshot: {target}")
            window.close()
            app.quit()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, grab_and_quit)
    return int(app.exec())
