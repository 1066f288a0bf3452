"""Every model passes QAbstractItemModelTester through loads, edits, undo and filtering."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot
from ui_support import MakeWindow

from karachi_review.core.store import AnnotationInput, Project
from karachi_review.ui.annotations import A_NOTE, A_WHO
from karachi_review.ui.main_window import MainWindow

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def test_annotation_model_and_filter_pass_the_tester(window: MainWindow) -> None:
    panel = window.annotation_panel
    testers = [
        QAbstractItemModelTester(panel.model, FATAL),
        QAbstractItemModelTester(panel.proxy, FATAL),
        QAbstractItemModelTester(window.model, FATAL),
    ]
    window.add_annotation(1000, 3000, "raid", "one")
    window.add_annotation(5000, 9000, "funeral", "two")
    assert panel.model.setData(panel.model.index(0, A_NOTE), "changed")
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("funeral"))
    panel.text_filter.setText("tw")
    assert panel.proxy.rowCount() == 1
    window.undo_group.undo()
    window.undo_group.undo()
    panel.text_filter.setText("")
    panel.tag_filter.setCurrentIndex(0)
    assert panel.proxy.rowCount() == 1
    window.model.set_find_text("police")
    window.seek(4000)
    assert len(testers) == 3


def test_annotation_list_of_thousands_fetches_notes_by_page(
    make_window: MakeWindow, project_path: Path, qtbot: QtBot
) -> None:
    count = 2_500
    with Project.open(project_path) as project:
        project.import_annotations(
            [
                AnnotationInput(i * 10, i * 10 + 8, "raid", note=f"note {i}", annotator=f"a{i % 7}")
                for i in range(count)
            ]
        )
        stored = project.annotations()
    window = make_window()
    assert window.open_project(project_path)
    model, proxy = window.annotation_panel.model, window.annotation_panel.proxy
    QAbstractItemModelTester(model, FATAL)
    assert model.rowCount() == count
    queries: list[str] = []
    window.session.project._conn.set_trace_callback(queries.append)
    for row in (0, 1_234, count - 1):  # rows far apart: one page query each
        assert model.index(row, A_NOTE).data() == stored[row].note
        assert model.index(row, A_WHO).data() == stored[row].annotator
        assert model.annotation(row) == stored[row]
    assert len(queries) == 3
    # A text filter tests every note: one query for all, then the right rows.
    window.annotation_panel.text_filter.setText("note 2499")
    assert proxy.rowCount() == 1
    assert proxy.index(0, A_NOTE).data() == "note 2499"
    # An edit far down the list shows at once.
    window.annotation_panel.text_filter.setText("")
    assert model.setData(model.index(count - 2, A_NOTE), "checked again")
    assert model.index(count - 2, A_NOTE).data() == "checked again"
    window.undo_group.undo()
    assert model.index(count - 2, A_NOTE).data() == stored[count - 2].note
    with Project.open(project_path, backups=False) as project:
        assert [model.annotation(r) for r in range(count)] == project.annotations()
