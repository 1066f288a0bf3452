"""The window's Export dialog and Claims dock, on real project files in tmp_path."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pysrt
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu
from pytestqt.qtbot import QtBot
from ui_support import FPS, MakeWindow, fake

from karachi_review.core.claims import detect
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path
from karachi_review.core.store import Claim, Project
from karachi_review.core.timecode import ms_to_frame
from karachi_review.player.base import FakePlayer
from karachi_review.player.frames import FrameDecoder
from karachi_review.player.testclip import encode_clip, read_frame_index
from karachi_review.ui.export_dialog import ExportDialog
from karachi_review.ui.ledger import COL_SOURCES, COL_START, COL_STATUS, ClaimLedger
from karachi_review.ui.main_window import MainWindow

SAMPLE_FRAMES = 30 * 60 * 25  # the sample runs 28 minutes


def _shown(window: MainWindow, qtbot: QtBot) -> MainWindow:
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


@pytest.fixture
def sample_window(
    make_window: MakeWindow, tmp_path: Path, media_file: Path, qtbot: QtBot
) -> MainWindow:
    """The bundled documentary transcript in a project of its own, the fake player on 'film'."""
    path = tmp_path / "sample.kreview"
    transcript = read_transcript(sample_path()).transcript
    Project.create(path, transcript, media_path=media_file).close()
    with Project.open(path) as project:
        project.set_media_info(duration_ms=30 * 60_000, fps=FPS)
    window = make_window(player_factory=lambda: FakePlayer(FPS, SAMPLE_FRAMES))
    assert window.open_project(path)
    return _shown(window, qtbot)


def ledger_of(window: MainWindow) -> ClaimLedger:
    assert window.ledger is not None
    assert window.claims_dock.widget() is window.ledger
    return window.ledger


def row_of(ledger: ClaimLedger, claim_id: str) -> int:
    for row in range(ledger.proxy.rowCount()):
        if ledger.model.claim_at(ledger.proxy.mapToSource(ledger.proxy.index(row, 0)).row()).id == (
            claim_id
        ):
            return row
    raise AssertionError(f"claim {claim_id} not listed")


def cell(ledger: ClaimLedger, claim_id: str, column: int) -> str:
    return str(ledger.proxy.index(row_of(ledger, claim_id), column).data())


def film_claim(window: MainWindow, start: str) -> Claim:
    assert window.session is not None
    return next(c for c in window.session.project.claims() if c.text.startswith(start))


# ------------------------------------------------------------------------------------ export


def test_export_action_needs_a_project(make_window: MakeWindow) -> None:
    window = make_window()
    assert not window.export_action.isEnabled()
    assert not window.detect_action.isEnabled() and not window.add_source_action.isEnabled()
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.export_action.trigger()
    assert window.current_export_dialog is None


def test_export_action_opens_the_dialog_and_writes_a_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    assert window.session is not None
    assert window.add_annotation(9000, 13000, "statistic-claim", "police numbers")
    assert window.add_annotation(1000, 3000, "raid")
    assert window.export_action.isEnabled()
    qtbot.keyClick(window.video_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.current_export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    # It is the dialog of the open project: its default file sits next to the project.
    assert dialog.path_edit.text() == str(window.session.path.with_suffix(".srt"))
    dialog.mode_box.setCurrentIndex(dialog.mode_box.findData("annotations"))
    target = tmp_path / "exported.srt"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=5000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    subs = pysrt.open(str(target), error_handling=pysrt.ERROR_RAISE)
    assert [(s.start.ordinal, s.end.ordinal, s.text) for s in subs] == [
        (1000, 3000, "[RAID]"),
        (9000, 13000, "[STATISTIC CLAIM] police numbers"),
    ]
    assert str(target) in window.statusBar().currentMessage()
    assert window.last_message.startswith("Exported 2 annotations to ")
    # Ctrl+E again brings the open dialog forward rather than a second one.
    window.export_action.trigger()
    assert window.current_export_dialog is dialog
    dialog.close()
    qtbot.waitUntil(lambda: window.current_export_dialog is None, timeout=2000)
    window.close_project()
    assert not window.export_action.isEnabled()


# ------------------------------------------------------------------------------------ claims


def test_claims_dock_is_a_named_toggleable_dock(sample_window: MainWindow) -> None:
    window = sample_window
    dock = window.claims_dock
    assert dock.objectName() == "claims_dock" and dock.accessibleName() == "Claims ledger"
    view_menu = window.menuBar().findChild(QMenu, "menu_view")
    assert view_menu is not None and window.claims_view_action in view_menu.actions()
    assert not dock.isVisible()  # hidden until asked for
    assert window.ledger is None  # and its ledger is built only then (start-up time)
    window.claims_view_action.trigger()
    assert dock.isVisible()
    window.claims_view_action.trigger()
    assert not dock.isVisible()
    ledger = ledger_of(window)
    assert window.session is not None and ledger.undo_stack is window.session.undo_stack
    assert ledger.model.rowCount() == 0
    assert ledger.grab_frame is None  # the fake player decodes no pictures


def test_a_claims_dock_left_open_shows_the_ledger_at_the_next_start(
    make_window: MakeWindow, project_path: Path, qtbot: QtBot
) -> None:
    first = _shown(make_window(), qtbot)
    assert first.open_project(project_path)
    first.claims_view_action.trigger()
    assert ledger_of(first).project.path == project_path
    first.close()  # remembers the open dock; releases the project's lock
    again = make_window()
    assert again.open_project(project_path)
    assert not again.claims_dock.isHidden()
    assert ledger_of(again).project.path == project_path  # built with the project
    again.close_project()
    assert again.ledger is None and again.claims_dock.widget() is again.claims_placeholder


def test_detect_lists_claims_as_one_undo_step(sample_window: MainWindow, qtbot: QtBot) -> None:
    window = sample_window
    assert window.session is not None
    project = window.session.project
    expected = detect(project.cues())
    assert len(expected) > 5
    annotations_before = len(project.annotations())
    window.detect_action.trigger()
    ledger = ledger_of(window)
    assert window.claims_dock.isVisible()
    assert ledger.model.rowCount() == len(expected)
    assert sorted(c.text for c in ledger.visible_claims()) == sorted(s.text for s in expected)
    assert len(project.annotations()) == annotations_before + len(expected)
    stack = window.session.undo_stack
    assert stack.count() == 1 and stack.undoText() == f"Detect {len(expected)} claims"
    # The claims are statistic-claim annotations: the timeline and transcript know them too.
    population = film_claim(window, "Almost 24 million")
    assert [
        s.tag
        for s in window.session.spans_between(
            population.start_ms or 0, (population.start_ms or 0) + 1
        )
    ] == ["statistic-claim"]
    ids = sorted(c.id for c in project.claims())
    ledger.table.setFocus()
    qtbot.keyClick(ledger.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.claims() == []
    assert ledger.model.rowCount() == 0
    assert len(project.annotations()) == annotations_before
    qtbot.keyClick(
        ledger.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert sorted(c.id for c in project.claims()) == ids
    assert ledger.model.rowCount() == len(expected)
    # Detecting again adds nothing and pushes nothing.
    assert window.detect_claims() == 0
    assert stack.count() == 1


def test_double_click_seeks_and_verdict_undoes_with_ctrl_z(
    sample_window: MainWindow, qtbot: QtBot
) -> None:
    window = sample_window
    window.detect_action.trigger()
    ledger = ledger_of(window)
    player = fake(window)
    target = film_claim(window, "133 children")
    assert target.start_ms is not None
    assert ledger.select_claim(target.id)
    index = ledger.proxy.index(row_of(ledger, target.id), COL_START)
    ledger.table.scrollTo(index)
    rect = ledger.table.visualRect(index)
    # A real double-click starts with a press; QTest's mouseDClick alone sends none.
    qtbot.mouseClick(ledger.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert player.calls == ["load"]  # a single click selects, it does not seek
    qtbot.mouseDClick(ledger.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert f"seek_ms {target.start_ms}" in player.calls
    assert player.frame == ms_to_frame(target.start_ms, FPS)
    assert window.transcript_view.transcript_model().current_row >= 0

    assert window.session is not None
    project = window.session.project
    ledger.status_edit.setCurrentIndex(ledger.status_edit.findData("supported"))
    ledger.note_edit.setText("matches the 2014 reports")
    qtbot.mouseClick(ledger.set_button, Qt.MouseButton.LeftButton)
    assert project.claim(target.id).status == "supported"
    assert cell(ledger, target.id, COL_STATUS) == "supported"
    assert window.undo_action.text() == "Undo Set claim to supported"
    ledger.table.setFocus()
    qtbot.keyClick(ledger.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.claim(target.id).status == "unchecked"
    assert cell(ledger, target.id, COL_STATUS) == "unchecked"
    assert len(project.claims()) == ledger.model.rowCount() > 0  # Detect itself stays done


def test_adding_the_article_shows_the_population_disagreement(
    sample_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = sample_window
    window.detect_action.trigger()
    ledger = ledger_of(window)
    population = film_claim(window, "Almost 24 million")
    assert cell(ledger, population.id, COL_SOURCES) == ""
    article = sample_path(SAMPLE_ARTICLE)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(article), ""))
    )
    window.add_source_action.trigger()
    assert window.session is not None
    project = window.session.project
    (source,) = project.sources()
    said = cell(ledger, population.id, COL_SOURCES)
    assert "disagree" in said and "20 million" in said and f"source {source.id}" in said
    (link,) = [link for link in project.claim_links(population.id) if link.relation == "disagree"]
    other = link.claim_b if link.claim_a == population.id else link.claim_a
    assert "almost 20 million" in project.claim(other).text
    # The cell's colour flags it; adding the same file again changes nothing.
    row = row_of(ledger, population.id)
    assert ledger.proxy.index(row, COL_SOURCES).data(Qt.ItemDataRole.ForegroundRole) is not None
    links = project.claim_links()
    assert window.add_source(article)
    assert "already added" in window.last_message
    assert project.claim_links() == links and len(project.sources()) == 1


def test_read_only_project_refuses_claim_edits(
    make_window: MakeWindow, project_path: Path, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.open_project(project_path, read_only=True)
    window.claims_view_action.trigger()  # the ledger is built when the dock is first shown
    ledger = ledger_of(window)
    assert window.export_action.isEnabled()
    assert not window.detect_action.isEnabled() and not window.add_source_action.isEnabled()
    assert not ledger.set_button.isEnabled()


# ------------------------------------------------------------------------------------ stills


class DecodingFakePlayer(FakePlayer):
    """The fake transport over a real clip, with a real exact-frame decoder like VlcPlayer."""

    def __init__(self, fps: Fraction, frame_count: int) -> None:
        super().__init__(fps, frame_count)
        self.decoder: FrameDecoder | None = None

    def load(self, path: str | Path) -> bool:
        self.decoder = FrameDecoder(path)
        return super().load(path)

    def close(self) -> None:
        if self.decoder is not None:
            self.decoder.close()
            self.decoder = None
        super().close()


def test_grab_frame_stores_the_exact_frame_of_the_film(
    make_window: MakeWindow, tmp_path: Path, transcript_file: Path, qtbot: QtBot
) -> None:
    clip = tmp_path / "clip.mp4"
    frames = encode_clip(clip, FPS, 30, width=320, height=180, audio=False)
    path = tmp_path / "film.kreview"
    Project.create(path, read_transcript(transcript_file).transcript, media_path=clip).close()
    window = make_window(player_factory=lambda: DecodingFakePlayer(FPS, frames))
    assert window.open_project(path)
    _shown(window, qtbot)
    assert window.media_mode == "film"
    window.detect_action.trigger()
    ledger = ledger_of(window)
    assert ledger.grab_frame is not None and ledger.grab_button.isEnabled()
    target = film_claim(window, "With a force of just 15,000")
    assert target.start_ms is not None and ledger.select_claim(target.id)
    qtbot.mouseClick(ledger.grab_button, Qt.MouseButton.LeftButton)
    assert window.session is not None
    project = window.session.project
    (still,) = project.evidence(target.id)
    assert still.still_ms == target.start_ms and still.still_png is not None
    image = QImage.fromData(still.still_png, "PNG").convertToFormat(QImage.Format.Format_RGB888)
    assert (image.width(), image.height()) == (320, 180)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(180, image.bytesPerLine())
    picture = pixels[:, : 320 * 3].reshape(180, 320, 3)
    assert read_frame_index(picture) == ms_to_frame(target.start_ms, FPS)
    qtbot.keyClick(ledger.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.evidence(target.id) == []


def test_no_stills_in_clock_mode(
    make_window: MakeWindow, transcript_file: Path, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.open_path(transcript_file)  # no film: the transcript plays on a clock
    assert window.media_mode == "clock"
    window.claims_view_action.trigger()
    ledger = ledger_of(window)
    assert ledger.grab_frame is None and not ledger.grab_button.isEnabled()
    assert window.grabber is None
