"""The open project as the window sees it: store, transcript, vocabulary and undo stack.

Widgets never write to the store: they ask the session to ``execute`` a command from
``ui/commands.py``. The session applies it once (so a refused edit never reaches the undo
stack), pushes it, and tells every view what changed through ``annotations_changed``.
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from karachi_review.core import snapshots
from karachi_review.core.errors import KarachiError
from karachi_review.core.store import Annotation, AnnotationSpan, Project
from karachi_review.core.transcript import Transcript
from karachi_review.core.vocabulary import Tag
from karachi_review.ui.spans import SpanIndex

__all__ = ["AppliedCommand", "ReviewSession"]


class AppliedCommand(QUndoCommand):
    """A command whose first ``redo`` happens in ``apply`` (before it is pushed)."""

    def __init__(self, session: ReviewSession, text: str) -> None:
        """A command on ``session`` labelled ``text`` in the Edit menu."""
        super().__init__(text)
        self.session = session
        self._pushed = False

    def apply(self) -> None:
        """Do the edit for the first time (may raise KarachiError: then nothing is pushed)."""
        raise NotImplementedError

    def redo_again(self) -> None:
        """Do the edit again after an undo."""
        raise NotImplementedError

    def undo_once(self) -> None:
        """Undo the edit (one store call)."""
        raise NotImplementedError

    def ids(self) -> list[str]:
        """The annotations this command touches (the views update just those)."""
        raise NotImplementedError

    def redo(self) -> None:
        """QUndoStack calls this on push (skipped: ``apply`` already ran) and on redo."""
        if not self._pushed:
            self._pushed = True
            return
        self.session.guard(self.redo_again, self)

    def undo(self) -> None:
        """Undo, reporting a refusal (read-only, changed elsewhere) instead of raising."""
        self.session.guard(self.undo_once, self)


class ReviewSession(QObject):
    """One open project; emits what changed so the views refresh."""

    annotations_changed = Signal()  # everything may have changed: reload
    # Some annotations changed: [(id, Annotation or None when deleted)], in the order done.
    annotations_edited = Signal(object)
    tags_changed = Signal()
    message = Signal(str)  # an edit was refused: the reason, for the status bar
    backup_done = Signal(str)  # path of the backup, or "" when it failed
    _backup_finished = Signal(str, str)  # path, error (from the worker thread, queued)

    def __init__(
        self,
        project: Project,
        parent: QObject | None = None,
        backup_interval_s: float = snapshots.DEFAULT_INTERVAL_S,
    ) -> None:
        """Wrap an open ``project`` (the session closes it in ``close``).

        Open the project with ``backups=False``: the session takes the rotating backups
        itself, in a worker thread (0.4 s for a 100,000-annotation project would otherwise
        block the window at open and after edits), at most one per ``backup_interval_s``.
        """
        super().__init__(parent)
        self.project = project
        self._backup_interval_s = backup_interval_s
        self._backup_due = 0.0
        self._backup_thread: threading.Thread | None = None
        self.backup_error = ""
        self._backup_finished.connect(self._on_backup_finished)
        self.undo_stack = QUndoStack(self)
        self.transcript: Transcript = project.transcript()
        self.tags: list[Tag] = []
        self.spans = SpanIndex()
        self.reload_tags()
        self.reload_annotations()
        self.backup_if_due()

    @property
    def path(self) -> Path:
        """The project file."""
        return self.project.path

    @property
    def read_only(self) -> bool:
        """True when edits are refused."""
        return self.project.read_only

    @property
    def fps(self) -> Fraction | None:
        """The media's frame rate when known."""
        return self.project.media().fps

    def tag(self, name: str) -> Tag | None:
        """The tag named ``name`` in the session's vocabulary."""
        for tag in self.tags:
            if tag.name == name:
                return tag
        return None

    def tag_for_hotkey(self, key: str) -> Tag | None:
        """The tag whose hotkey is ``key`` ("1".."9")."""
        for tag in self.tags:
            if tag.hotkey == key:
                return tag
        return None

    def reload_tags(self) -> None:
        """Re-read the vocabulary."""
        self.tags = self.project.tags()
        self.tags_changed.emit()

    def reload_annotations(self) -> None:
        """Re-read the annotation spans and tell the views."""
        self.spans = SpanIndex(self.project.annotation_spans(), presorted=True)
        self.annotations_changed.emit()

    def annotations(self) -> list[Annotation]:
        """Live annotations in time order."""
        return self.project.annotations()

    def annotations_by_id(self, ids: list[str]) -> dict[str, Annotation]:
        """The live annotations among ``ids``, keyed by id."""
        return self.project.annotations_by_id(ids)

    def spans_between(self, start_ms: int, end_ms: int) -> list[AnnotationSpan]:
        """Live annotation spans overlapping ``[start_ms, end_ms)``."""
        return self.spans.overlapping(start_ms, end_ms)

    def guard(self, action: object, command: AppliedCommand | None = None) -> bool:
        """Run ``action()``, turn a KarachiError into ``message``, refresh the views."""
        try:
            action()  # type: ignore[operator]
        except KarachiError as exc:
            self.message.emit(str(exc))
            self.reload_annotations()
            return False
        if command is None:
            self.reload_annotations()
        else:
            self.apply_edits(command.ids())
        return True

    def apply_edits(self, ids: list[str]) -> None:
        """Re-read just ``ids`` and tell the views (cheap at 100,000 annotations)."""
        changes: list[tuple[str, Annotation | None]] = []
        for annotation_id in ids:
            try:
                found: Annotation | None = self.project.annotation(
                    annotation_id, include_deleted=True
                )
            except KarachiError:
                found = None
            changes.append(
                (annotation_id, found if found is not None and not found.deleted else None)
            )
        self.spans = self.spans.updated(changes)
        self.annotations_edited.emit(changes)

    def execute(self, command: AppliedCommand) -> bool:
        """Apply ``command`` and push it on the undo stack; False (and ``message``) if refused."""
        if self.read_only:
            self.message.emit(
                f"{self.path.name} is open read-only ({self.project.read_only_reason}); "
                "nothing was changed"
            )
            return False
        try:
            command.apply()
        except KarachiError as exc:
            self.message.emit(str(exc))
            return False
        self.undo_stack.push(command)
        self.apply_edits(command.ids())
        self.backup_if_due()
        return True

    def backup_if_due(self) -> bool:
        """Start a backup in a worker thread when one is due; True when one started."""
        if self.read_only or self._backup_thread is not None:
            return False
        if time.monotonic() < self._backup_due:
            return False
        age = snapshots.newest_auto_age_s(self.path)
        if age is not None and age < self._backup_interval_s:
            self._backup_due = time.monotonic() + self._backup_interval_s - age
            return False
        self._backup_due = time.monotonic() + self._backup_interval_s
        path = self.path

        def work() -> None:
            try:
                done = snapshots.take_snapshot(path)
            except KarachiError as exc:
                self._backup_finished.emit("", str(exc))
            else:
                self._backup_finished.emit(str(done), "")

        self._backup_thread = threading.Thread(target=work, name="project backup", daemon=True)
        self._backup_thread.start()
        return True

    def _on_backup_finished(self, path: str, error: str) -> None:
        self._backup_thread = None
        self.backup_error = error
        if error:
            self.message.emit(f"The automatic backup failed: {error}")
        self.backup_done.emit(path)

    def wait_for_backup(self, timeout_s: float = 30.0) -> None:
        """Let a running backup finish (before closing, and in tests)."""
        thread = self._backup_thread
        if thread is not None:
            thread.join(timeout_s)

    def close(self) -> None:
        """Close the project file (after a running backup)."""
        self.wait_for_backup()
        self.undo_stack.clear()
        self.project.close()
