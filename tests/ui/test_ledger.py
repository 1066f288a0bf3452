"""The claims ledger widget on a real project: sorting, filtering, seeking, verdicts, stills."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from karachi_review.core.claims import detect, detect_text
from karachi_review.core.claims_report import STATUS_COLOURS
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path
from karachi_review.core.sources import compare, read_source
from karachi_review.core.store import Project
from karachi_review.ui.ledger import COL_FIGURES, COL_SOURCES, COL_START, COL_STATUS, ClaimLedger


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "l.kreview", read_transcript(sample_path()).transcript)
    for s in detect(p.cues()):
        p.accept_suggestion(s)
    doc = read_source(sample_path(SAMPLE_ARTICLE))
    p.add_source(doc.text, title=doc.title, detected=detect_text(doc.text))
    for cmp in compare(p.claims(include_sources=True)):
        p.link_claims(cmp.first.id, cmp.second.id, measure=cmp.measure, relation=cmp.relation)
    yield p
    p.close()


def texts(ledger: ClaimLedger) -> list[str]:
    return [c.text for c in ledger.visible_claims()]


def test_table_sorts_filters_and_flags(qtbot: QtBot, project: Project) -> None:
    ledger = ClaimLedger(project)
    qtbot.addWidget(ledger)
    assert ledger.proxy.rowCount() == 15  # the film's claims, not the article's
    assert texts(ledger)[0] == "Almost 24 million people live in Karachi."
    ledger.table.sortByColumn(COL_FIGURES, Qt.SortOrder.DescendingOrder)
    by_size = texts(ledger)
    assert by_size[0] == "Almost 24 million people live in Karachi."
    assert by_size[1].startswith("With an estimated 4 million")
    assert by_size[2].startswith("It's estimated that robberies")
    assert by_size[3].startswith("With a force of just 15,000")
    starts = [c.start_ms for c in ledger.visible_claims()]
    ledger.table.sortByColumn(COL_START, Qt.SortOrder.DescendingOrder)
    assert [c.start_ms for c in ledger.visible_claims()] == sorted(starts, reverse=True)
    ledger.text_filter.setText("kidnap")
    assert len(texts(ledger)) == 2 and all("kidnap" in t for t in texts(ledger))
    assert ledger.count_label.text() == "2 of 15 claims"
    ledger.text_filter.clear()
    # The disagreement with the article is shown on the population claims.
    row = next(
        r
        for r in range(ledger.proxy.rowCount())
        if ledger.proxy.index(r, 7).data().startswith("Almost 24 million")
    )
    assert "disagree: 20 million (source 1)" in ledger.proxy.index(row, COL_SOURCES).data()
    status_cell = ledger.proxy.index(row, COL_STATUS)
    assert status_cell.data() == "unchecked"
    assert (
        status_cell.data(Qt.ItemDataRole.BackgroundRole).color().name()
        == (STATUS_COLOURS["unchecked"])
    )


def test_verdict_is_one_undo_step_and_status_filter(qtbot: QtBot, project: Project) -> None:
    stack = QUndoStack()
    ledger = ClaimLedger(project, undo_stack=stack)
    qtbot.addWidget(ledger)
    target = next(c for c in project.claims() if c.text.startswith("133 children"))
    assert ledger.select_claim(target.id)
    ledger.status_edit.setCurrentIndex(ledger.status_edit.findData("supported"))
    ledger.note_edit.setText("matches reports")
    ledger.evidence_edit.setText("https://example.org/peshawar")
    qtbot.mouseClick(ledger.set_button, Qt.MouseButton.LeftButton)
    assert project.claim(target.id).status == "supported"
    assert [e.url for e in project.evidence(target.id)] == ["https://example.org/peshawar"]
    ledger.status_filter.setCurrentIndex(ledger.status_filter.findData("supported"))
    assert texts(ledger) == [target.text]
    assert ledger.selected_claim() == project.claim(target.id)
    stack.undo()
    assert project.claim(target.id).status == "unchecked"
    assert project.evidence(target.id) == []
    assert texts(ledger) == []
    stack.redo()
    assert project.claim(target.id).status == "supported"


def test_seek_and_grab_frame(qtbot: QtBot, project: Project) -> None:
    asked: list[int] = []
    png = b"\x89PNG\r\n\x1a\nframe"
    stack = QUndoStack()
    ledger = ClaimLedger(project, undo_stack=stack, grab_frame=lambda ms: asked.append(ms) or png)
    qtbot.addWidget(ledger)
    target = project.claims()[1]
    assert ledger.select_claim(target.id)
    with qtbot.waitSignal(ledger.seekRequested) as sig:
        ledger.table.doubleClicked.emit(ledger.table.selectionModel().selectedRows()[0])
    assert sig.args == [target.start_ms]
    assert ledger.grab_still()
    assert asked == [target.start_ms]
    (ev,) = project.evidence(target.id)
    assert (ev.still_png, ev.still_ms) == (png, target.start_ms)
    stack.undo()
    assert project.evidence(target.id) == []
    plain = ClaimLedger(project)
    qtbot.addWidget(plain)
    assert not plain.grab_button.isEnabled()
    assert plain.select_claim(target.id) and not plain.grab_still()
