"""Every edit the window makes, as a QUndoCommand calling one store method each way.

See the undo table in ``core/store.py``. Labels name what they undo, e.g. "Tag
0:03:23-0:03:29 as statistic claim", so the Edit menu reads as a history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from karachi_review.core.errors import KarachiError
from karachi_review.core.store import Annotation, Claim, Project
from karachi_review.core.timecode import format_hms
from karachi_review.ui.session import AppliedCommand, ReviewSession

if TYPE_CHECKING:
    # A type only: claim detection (its patterns) stays out of the window's start-up.
    from karachi_review.core.claims import Suggestion

__all__ = [
    "AcceptClaimsCommand",
    "AddAnnotationCommand",
    "DeleteAnnotationCommand",
    "UpdateAnnotationCommand",
    "new_suggestions",
    "span_label",
    "tag_words",
]


def span_label(start_ms: int, end_ms: int) -> str:
    """``0:03:23-0:03:29`` (a point marker shows one time)."""
    if end_ms - start_ms < 1000 and start_ms // 1000 == end_ms // 1000:
        return format_hms(start_ms)
    return f"{format_hms(start_ms)}-{format_hms(end_ms)}"


def tag_words(session: ReviewSession, name: str) -> str:
    """The tag's label as it reads in a sentence ("statistic claim", "CCTV / archive footage")."""
    tag = session.tag(name)
    label = tag.label if tag is not None else name
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


class AddAnnotationCommand(AppliedCommand):
    """Tag a range: add_annotation; undo delete_annotation; redo restore."""

    def __init__(
        self, session: ReviewSession, start_ms: int, end_ms: int, tag: str, note: str = ""
    ) -> None:
        """Tag ``[start_ms, end_ms)`` with ``tag``."""
        super().__init__(
            session, f"Tag {span_label(start_ms, end_ms)} as {tag_words(session, tag)}"
        )
        self.start_ms, self.end_ms, self.tag_name, self.note = start_ms, end_ms, tag, note
        self.added: Annotation | None = None

    def ids(self) -> list[str]:
        """The added annotation."""
        return [self.added.id] if self.added is not None else []

    def apply(self) -> None:
        """Add the annotation."""
        self.added = self.session.project.add_annotation(
            self.start_ms, self.end_ms, self.tag_name, note=self.note
        )

    def undo_once(self) -> None:
        """Tombstone it."""
        assert self.added is not None
        self.session.project.delete_annotation(self.added.id)

    def redo_again(self) -> None:
        """Bring it back with its id."""
        assert self.added is not None
        self.session.project.restore(self.added)


class DeleteAnnotationCommand(AppliedCommand):
    """Delete: delete_annotation; undo restore(old)."""

    def __init__(self, session: ReviewSession, annotation: Annotation) -> None:
        """Delete ``annotation``."""
        super().__init__(
            session,
            f"Delete {tag_words(session, annotation.tag)} at "
            f"{span_label(annotation.start_ms, annotation.end_ms)}",
        )
        self.annotation_id = annotation.id
        self.old: Annotation | None = None

    def ids(self) -> list[str]:
        """The deleted annotation."""
        return [self.annotation_id]

    def apply(self) -> None:
        """Tombstone it."""
        self.old = self.session.project.delete_annotation(self.annotation_id)

    def undo_once(self) -> None:
        """Restore it as it was."""
        assert self.old is not None
        self.session.project.restore(self.old)

    def redo_again(self) -> None:
        """Tombstone it again."""
        self.session.project.delete_annotation(self.annotation_id)


class UpdateAnnotationCommand(AppliedCommand):
    """Change fields: update_annotation; undo update_annotation(**old values)."""

    def __init__(self, session: ReviewSession, annotation: Annotation, **changes: Any) -> None:
        """Change ``changes`` (start_ms, end_ms, tag, note) of ``annotation``."""
        super().__init__(session, _update_label(session, annotation, changes))
        self.annotation_id = annotation.id
        self.changes = changes
        self.old: dict[str, Any] = {}

    def ids(self) -> list[str]:
        """The changed annotation."""
        return [self.annotation_id]

    def apply(self) -> None:
        """Change the fields, keeping their old values."""
        self.old = self.session.project.update_annotation(self.annotation_id, **self.changes)

    def undo_once(self) -> None:
        """Put the old values back."""
        self.session.project.update_annotation(self.annotation_id, **self.old)

    def redo_again(self) -> None:
        """Change them again."""
        self.session.project.update_annotation(self.annotation_id, **self.changes)


def _update_label(session: ReviewSession, annotation: Annotation, changes: dict[str, Any]) -> str:
    where = span_label(annotation.start_ms, annotation.end_ms)
    what = tag_words(session, annotation.tag)
    if set(changes) == {"tag"}:
        return f"Retag {where} from {what} to {tag_words(session, str(changes['tag']))}"
    if set(changes) == {"note"}:
        return f"Edit note of {what} at {where}"
    if set(changes) <= {"start_ms", "end_ms"}:
        start = changes.get("start_ms", annotation.start_ms)
        end = changes.get("end_ms", annotation.end_ms)
        return f"Move {what} {where} to {span_label(start, end)}"
    return f"Edit {what} at {where}"


def new_suggestions(project: Project, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """The suggestions not stored yet (same start and text), as ``claims detect`` decides."""
    present = {(c.start_ms, c.text) for c in project.claims()}
    return [s for s in suggestions if (s.sentence.start_ms, s.text) not in present]


class AcceptClaimsCommand(AppliedCommand):
    """Detected claims accepted together: accept_suggestion each; undo delete_claim each;
    redo restore_claim each (the store has no batch call, so this is one undo step made of
    one store transaction per claim; a refusal part-way removes the claims already added)."""

    def __init__(self, session: ReviewSession, suggestions: Sequence[Suggestion]) -> None:
        """Accept ``suggestions`` (already filtered with ``new_suggestions``)."""
        count = len(suggestions)
        super().__init__(session, f"Detect {count} claim{'s' if count != 1 else ''}")
        self.suggestions = list(suggestions)
        self.added: list[Claim] = []

    def ids(self) -> list[str]:
        """The claims' annotations."""
        return [c.annotation_id for c in self.added if c.annotation_id is not None]

    def apply(self) -> None:
        """Store every suggestion as a claim of the film, or none of them."""
        project = self.session.project
        try:
            for suggestion in self.suggestions:
                self.added.append(project.accept_suggestion(suggestion))
        except KarachiError:
            for claim in reversed(self.added):
                project.delete_claim(claim.id)
            self.added = []
            raise

    def undo_once(self) -> None:
        """Delete the claims (their annotations go with them)."""
        for claim in reversed(self.added):
            self.session.project.delete_claim(claim.id)

    def redo_again(self) -> None:
        """Bring them back with their ids."""
        for claim in self.added:
            self.session.project.restore_claim(claim)
