"""The Export dialog: choices, live preview of the first lines, export to a verified file."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import pysrt
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from karachi_review.core.store import Project
from karachi_review.core.transcript import Cue, Transcript
from karachi_review.ui.export_dialog import ExportDialog


@pytest.fixture
def project(tmp_path: Path) -> Project:
    cues = [Cue(n, n * 2000, n * 2000 + 1500, f"cue {n} <img src=x>") for n in range(1, 30)]
    p = Project.create(tmp_path / "film.kreview", Transcript(cues), title="Film", backups=False)
    p.set_media_info(fps=Fraction(25), duration_ms=70_000)
    p.add_annotation(2000, 3500, "raid", note="night raid", annotator="amna")
    p.add_annotation(6000, 7500, "interview", note="", annotator="bilal")
    yield p
    p.close()


def _dialog(qtbot: QtBot, project: Project) -> ExportDialog:
    dialog = ExportDialog(project)
    qtbot.addWidget(dialog)
    return dialog


def test_preview_follows_the_choices(qtbot: QtBot, project: Project) -> None:
    dialog = _dialog(qtbot, project)
    first = dialog.preview.toPlainText().splitlines()
    assert first[:3] == ["1", "00:00:02,000 --> 00:00:03,500", "[RAID] cue 1 <img src=x>"]
    dialog.set_format("resolve-edl")
    qtbot.waitUntil(lambda: "|C:" in dialog.preview.toPlainText(), timeout=2000)
    text = dialog.preview.toPlainText()
    assert text.startswith("TITLE: Film\nFCM: NON-DROP FRAME")
    assert "01:00:02:00" in text and "|M:Raid: night raid |D:37" in text
    assert dialog.path_edit.text().endswith("film.edl")
    assert not dialog.mode_box.isEnabled() and dialog.fps_edit.isEnabled()
    dialog.start_tc_edit.setText("10:00:00:00")
    qtbot.waitUntil(lambda: "10:00:02:00" in dialog.preview.toPlainText(), timeout=2000)
    dialog.set_tags(["interview"])
    dialog.refresh_preview()
    assert "|M:Raid" not in dialog.preview.toPlainText()
    assert "|M:Interview" in dialog.preview.toPlainText()


def test_bad_entries_are_explained_and_block_export(qtbot: QtBot, project: Project) -> None:
    dialog = _dialog(qtbot, project)
    dialog.set_format("avid-edl")
    dialog.fps_edit.setText("fast")
    dialog.refresh_preview()
    assert dialog.last_error.startswith("Frame rate: 'fast' is not a frame rate")
    assert dialog.message.text() == dialog.last_error
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.export_button.isEnabled()
    dialog.fps_edit.setText("29.97")
    dialog.start_tc_edit.setText("00:01:00;00")  # a label drop-frame skips
    dialog.refresh_preview()
    assert "does not exist" in dialog.last_error
    dialog.start_tc_edit.setText("")
    dialog.refresh_preview()
    assert dialog.last_error == "" and dialog.export_button.isEnabled()
    assert "01:00:01;29" in dialog.preview.toPlainText()  # 2.000 s is frame 59 at 29.97


def test_export_writes_a_verified_file(qtbot: QtBot, project: Project, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, project)
    dialog.mode_box.setCurrentIndex(dialog.mode_box.findData("annotations"))
    target = tmp_path / "out.srt"
    target.write_text("previous")
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=5000) as blocker:
        assert dialog.export()
    assert blocker.args[0].items == 2
    subs = pysrt.open(str(target), error_handling=pysrt.ERROR_RAISE)
    assert [s.text for s in subs] == ["[RAID] night raid", "[INTERVIEW]"]
    assert "checked by reading the file back" in dialog.message.text()
    dialog.path_edit.setText(str(project.path))
    assert not dialog.export()
    assert "over the project file" in dialog.last_error


def test_preview_stays_quick_with_many_annotations(
    qtbot: QtBot, project: Project, tmp_path: Path
) -> None:
    from karachi_review.core.store import AnnotationInput

    rows = [
        AnnotationInput(start_ms=(n * 3) % 60_000, end_ms=(n * 3) % 60_000 + 500, tag="raid")
        for n in range(20_000)
    ]
    project.import_annotations(rows)
    dialog = _dialog(qtbot, project)
    dialog.set_format("vtt")
    started = time.perf_counter()
    dialog.refresh_preview()
    assert time.perf_counter() - started < 1.0
    assert dialog.preview.toPlainText().startswith("WEBVTT")
    assert len(dialog.preview.toPlainText().split("\n")) == 40
