"""Every model passes QAbstractItemModelTester through loads, edits, undo and filtering."""

from __future__ import annotations

from PySide6.QtTest import QAbstractItemModelTester

from karachi_review.ui.annotations import A_NOTE
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
