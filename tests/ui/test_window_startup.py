"""The window's start-up path loads only what the first window needs (no timing here:
benchmarks/ui.py measures the launch; this guards what it depends on, in fresh processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from ui_support import MakeWindow

from karachi_review.core.samples import sample_path
from karachi_review.player.demo import demo_path_for
from karachi_review.ui.keymap import FocusModeFilter, install_focus_filter
from karachi_review.ui.samples import ensure_sample_project

# Modules that only a dialog, a menu command or a subcommand needs. Each of them once sat on
# the start-up path (export libraries, transcript readers, the claims ledger, PyAV, numpy).
NOT_AT_START = (
    "karachi_review.cli.claims_cmds",
    "karachi_review.cli.export_cmds",
    "karachi_review.cli.media_cmds",
    "karachi_review.cli.project_cmds",
    "karachi_review.cli.transcript_cmds",
    "karachi_review.core.annotation_io",
    "karachi_review.core.claims_report",
    "karachi_review.core.export",
    "karachi_review.core.export_data",
    "karachi_review.core.export_eaf",
    "karachi_review.core.export_markers",
    "karachi_review.core.export_subtitles",
    "karachi_review.core.imports",
    "karachi_review.core.reader",
    "karachi_review.core.sources",
    "karachi_review.ui.export_dialog",
    "karachi_review.ui.ledger",
    "av",
    "charset_normalizer",
    "defusedxml",
    "numpy",
    "pympi",
    "pysrt",
    "pysubs2",
    "vlc",
    "webvtt",
)

# What `make run` does up to the shown, painted window, then what a user does next.
SCRIPT = r"""
import json, sys
from karachi_review.cli import build_gui_parser
from karachi_review.ui.app import open_window
from PySide6.QtWidgets import QApplication

window = open_window(build_gui_parser().parse_args([]))
QApplication.processEvents()
window.repaint()
at_start = sorted(set(sys.argv[1:]) & set(sys.modules))
shown = {
    "project": window.session.path.name if window.session else None,
    "cues": window.model.rowCount(),
    "annotations": window.annotation_panel.model.rowCount(),
    "claims_dock": window.claims_dock.isVisible(),
}
window.claims_view_action.trigger()
dialog = window.export_dialog()
QApplication.processEvents()
later = {
    "ledger": window.ledger is not None and window.claims_dock.widget() is window.ledger,
    "dialog": dialog is not None and dialog.isVisible(),
    "modules": sorted({"karachi_review.ui.ledger", "karachi_review.ui.export_dialog"}
                      & set(sys.modules)),
}
window.close()
print(json.dumps({"at_start": at_start, "shown": shown, "later": later}))
"""


def test_make_run_window_starts_without_dialog_and_export_modules(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    # The sample project exists after the first run; making it reads the transcript (the
    # readers are imported then, once), so it is made beforehand, where the window looks.
    sample = ensure_sample_project(tmp_path / "xdg_data_home" / "karachi_review" / "karachi_review")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *NOT_AT_START],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["at_start"] == []
    assert result["shown"] == {
        "project": sample.name,  # the window opened the very sample made above
        "cues": 324,
        "annotations": 13,
        "claims_dock": False,
    }
    assert result["later"] == {
        "ledger": True,
        "dialog": True,
        "modules": ["karachi_review.ui.export_dialog", "karachi_review.ui.ledger"],
    }


def test_the_focus_filter_watches_only_a_focused_text_field(qtbot: QtBot) -> None:
    # Not an application-wide filter (called for every event of every object at start-up):
    # it follows the focus and watches the focused widget only while it is a text field.
    install_focus_filter()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    host = QWidget()
    layout = QVBoxLayout(host)
    field, button = QLineEdit(host), QPushButton("b", host)
    layout.addWidget(field)
    layout.addWidget(button)
    host.show()
    host.activateWindow()
    qtbot.waitExposed(host)
    field.setFocus()
    qtbot.waitUntil(lambda: app.focusWidget() is field)
    watched = [f for f in app.children() if isinstance(f, FocusModeFilter)]
    assert len(watched) == 1 and watched[0]._watched is field
    button.setFocus()
    qtbot.waitUntil(lambda: app.focusWidget() is button)
    assert watched[0]._watched is None  # a button is not a text field: nothing watched
    host.close()


def test_the_sample_finds_its_stand_in_where_the_bundled_sample_points(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    # The window takes the sample's location from its project rather than asking
    # importlib.resources at every start; the stand-in video is the same file either way.
    made = tmp_path / "cache" / demo_path_for(sample_path(), tmp_path / "cache").name
    made.parent.mkdir(parents=True)
    made.write_bytes(b"an earlier stand-in")
    w = make_window()
    assert w.open_sample() and w.session is not None
    assert w._stand_in_for(w.session) == made
    assert w.media_mode == "stand-in"  # the fake player plays whatever file is there
