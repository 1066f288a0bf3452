"""Start the Qt application and its main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# isort: split
# The core modules the window needs, imported before PySide6 on purpose: once loaded, PySide6
# reads the source of every module imported after it (its __feature__ check, 0.1-0.2 ms a
# module), and these bring some hundred modules with them: about 15 ms of the launch.
from karachi_review.core import media, samples, store  # noqa: F401

# isort: split
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from karachi_review.ui.main_window import APP_NAME, MainWindow

SCREENSHOT_DELAY_MS = 1500
SAMPLE_SCREENSHOT_MS = 3 * 60_000 + 25_500


def open_window(args: argparse.Namespace) -> MainWindow:
    """The application and its shown window on ``args.file`` (the bundled sample when none).

    What ``run_app`` does before the event loop; benchmarks/ui.py times this very path.
    """
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
    return window


def run_app(args: argparse.Namespace) -> int:
    """Open the window on ``args.file`` (the bundled sample project when none) and run it."""
    window = open_window(args)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if args.screenshot:
        target = Path(args.screenshot)

        def grab_and_quit() -> None:
            window.grab().save(str(target))
            print(f"screenshot: {target}")
            window.close()
            app.quit()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, grab_and_quit)
    return int(app.exec())
