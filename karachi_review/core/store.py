"""The project file: one SQLite database per review, and the only code that writes SQL.

Opening
    :meth:`Project.create` builds a new file under a temporary name and links it into place
    only when complete (an existing file is never overwritten). :meth:`Project.open` first
    reads the 100-byte SQLite header without opening the database (not SQLite, truncated, not
    a karachi_review project, or made by a newer schema: refused, nothing touched), then opens
    it read-only (``mode=ro``) to run ``PRAGMA quick_check`` and read the schema version, and
    only then opens it for writing. A file that cannot be written (no write permission bit,
    ``os.access`` says no, or its folder is read-only) opens read-only and every write raises
    :class:`ReadOnlyProjectError`. An older file is snapshotted (``VACUUM INTO``) and migrated,
    one transaction per step (``core/migrations.py``).

Writing
    Every mutating call is one short ``BEGIN IMMEDIATE`` transaction (busy timeout
    :data:`BUSY_TIMEOUT_S`, WAL, ``synchronous=FULL``), committed before the call returns: there
    is no Save. Deferred transactions are never used: two processes writing through them lost
    half their writes to instant "database is locked" errors (measured here).

Undo (the window's QUndoCommands call exactly one method in ``redo()`` and one in ``undo()``)
    ================================  ======================================================
    do (returns)                      undo
    ================================  ======================================================
    ``add_annotation`` (new row)      ``delete_annotation(new.id)``; redo: ``restore(new)``
    ``delete_annotation`` (old row)   ``restore(old)``
    ``update_annotation`` (old vals)  ``update_annotation(id, **old_values)``
    ``add_tag`` (new tag)             ``remove_tag(new.name)``; redo: ``restore_tag(removal)``
    ``update_tag`` (old tag)          ``update_tag(new_name, **tag_fields(old))``
    ``remove_tag`` (TagRemoval)       ``restore_tag(removal)``
    ``set_media_info`` (old media)    ``set_media_info(id, **media_fields(old))``
    ``set_title`` (old title)         ``set_title(old)``
    ``add_claim`` / ``accept_suggestion`` (new claim: annotation + record, one transaction)
                                      ``delete_claim(new.id)``; redo: ``restore_claim(new)``
    ``delete_claim`` (old claim)      ``restore_claim(old)``
    ``update_claim`` (old vals)       ``update_claim(id, **old_values)``
    ``set_claim_status`` (change)     ``revert_status(change)`` (its evidence goes with it)
    ``add_evidence`` (new)            ``remove_evidence(new.id)``; redo: ``restore_evidence``
    ``remove_evidence`` (old)         ``restore_evidence(old)``
    ``link_claims`` (new, replaced)   ``unlink_claims(a, b)`` then ``restore_link(replaced)``
    ``unlink_claims`` (old link)      ``restore_link(old)``
    ``add_source`` (source, claims)   ``delete_claim`` of each claim (the text stays)
    ================================  ======================================================

    The verdict history (``claim_history``) is append-only: an undone verdict adds a row.

    Undo restores the content exactly (times, tag, note, annotator, deletion state);
    ``version`` and ``updated_at`` still advance, because an undo is a change another copy of
    the project must learn about when merging.

Deletion
    Annotations are soft-deleted (``deleted_at`` tombstone) so that a merge can tell "deleted"
    from "never seen"; :meth:`Project.restore` brings one back with its id. Tags are removed the
    same way (``removed_at``) so tombstones keep their tag.

The end of the media
    A time past the end of the media is refused. The end is the media's ``duration_ms`` when
    known (set by probing through :meth:`Project.set_media_info`), else the end of the
    transcript's last cue.

Listing (schema step 4)
    :meth:`Project.annotation_spans` (id, times, tag) is what the window's list and timeline
    lay out; a covering partial index answers it in time order without reading the table.
    The list fetches notes and annotators for the rows on screen with
    :meth:`Project.annotations_by_id`; :meth:`Project.annotations` reads full rows (CLI,
    exports).

Claims (schema step 3)
    A claim of the film is an annotation tagged ``statistic-claim`` plus its record in
    ``claims`` (values as written and normalised, unit, qualifier, period, place, subject,
    speaker, verdict, reviewer), its evidence and its verdict history; a claim of a source
    document has character offsets instead of an annotation. Detection is ``core/claims.py``,
    reading and comparing documents ``core/sources.py``.

Later features (several annotators, merging) arrive as new migration steps whose tables
reference ``annotations.id`` (a UUID) and ``media.id``.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import hashlib
import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from karachi_review import __version__
from karachi_review.core import claims as claims_mod
from karachi_review.core import snapshots
from karachi_review.core.errors import KarachiError
from karachi_review.core.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from karachi_review.core.timecode import format_ms
from karachi_review.core.transcript import Cue, Transcript
from karachi_review.core.vocabulary import (
    DEFAULT_TAGS,
    HOTKEYS,
    Tag,
    VocabularyError,
    label_from_name,
    normalise_colour,
    normalise_hotkey,
    normalise_label,
    normalise_name,
)


def _import_sqlite_utils() -> Any:
    """sqlite_utils, imported without the numpy and pandas it loads only to map their types.

    ``sqlite_utils.db`` imports numpy and pandas (when installed) at import time just to map their
    scalar types to column types; the store never hands it such values, and importing numpy
    cost about 60 ms of the window's start-up (benchmarks/ui.py). A ``None`` entry in
    ``sys.modules`` makes that optional import fail fast; it is removed straight after.
    """
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return sqlite_utils


if TYPE_CHECKING:
    import sqlite_utils
else:
    sqlite_utils = _import_sqlite_utils()

__all__ = [
    "BUSY_TIMEOUT_S",
    "CLAIM_STATUSES",
    "CLAIM_TAG",
    "LINK_RELATIONS",
    "PROJECT_SUFFIX",
    "Annotation",
    "AnnotationInput",
    "AnnotationSpan",
    "Claim",
    "ClaimLink",
    "CorruptProjectError",
    "Evidence",
    "EvidenceInput",
    "ImportReport",
    "InvalidAnnotationError",
    "InvalidClaimError",
    "Media",
    "NewerSchemaError",
    "NotAProjectError",
    "Project",
    "ProjectBusyError",
    "ProjectError",
    "ProjectExistsError",
    "ProjectNotFoundError",
    "ReadOnlyProjectError",
    "SearchHit",
    "SearchQueryError",
    "Source",
    "StatusChange",
    "TagInUseError",
    "TagRemoval",
    "UnknownAnnotationError",
    "UnknownClaimError",
    "UnknownSourceError",
    "UnknownTagError",
    "UpgradeNeededError",
    "VersionConflictError",
    "default_annotator",
    "media_fields",
    "media_fingerprint",
    "tag_fields",
    "to_fts_query",
]

PROJECT_SUFFIX: Final = ".kreview"
BUSY_TIMEOUT_S: Final = 10.0
_MIB: Final = 1024 * 1024
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_UNSET: Final[Any] = object()
_BY_REQUEST: Final = "it was opened read-only"

# Colours offered to tags added without one, after the defaults' own.
_EXTRA_COLOURS: Final = (
    "#4477aa",
    "#228833",
    "#ccbb44",
    "#66ccee",
    "#aa3377",
    "#bbbbbb",
    "#e7298a",
    "#1b9e77",
    "#7570b3",
    "#a6761d",
    "#66a61e",
    "#e6ab02",
)


# ---------------------------------------------------------------------------------- errors


class ProjectError(KarachiError):
    """A project file that cannot be used as asked."""


class ProjectNotFoundError(ProjectError):
    """No file at the given path."""


class ProjectExistsError(ProjectError):
    """``create`` was asked to write where a file already is."""


class NotAProjectError(ProjectError):
    """Not an SQLite file, or an SQLite file of another program."""


class NewerSchemaError(ProjectError):
    """Made by a newer version of karachi_review."""


class CorruptProjectError(ProjectError):
    """Truncated or damaged; left untouched."""


class ReadOnlyProjectError(ProjectError):
    """A write was asked of a project opened read-only."""


class UpgradeNeededError(ReadOnlyProjectError):
    """An older file was asked to open read-only; it must be opened for writing once."""


class ProjectBusyError(ProjectError):
    """Another program held the write lock for longer than the busy timeout."""


class UnknownTagError(ProjectError):
    """A tag name that is not in the vocabulary (the message lists the known ones)."""


class TagInUseError(ProjectError):
    """A tag still used by annotations was asked to be removed without a replacement."""


class UnknownAnnotationError(ProjectError):
    """No (live) annotation with that id."""


class InvalidAnnotationError(ProjectError):
    """Times or fields that cannot make an annotation (start after end, past the media end)."""


class VersionConflictError(ProjectError):
    """The annotation changed (another window or process) since the caller read it."""


class SearchQueryError(ProjectError):
    """A search query FTS5 cannot read."""


# ------------------------------------------------------------------------------ value types


@dataclass(frozen=True, slots=True)
class Media:
    """The programme under review; fields are None until known."""

    id: int
    path: str | None
    size: int | None
    content_hash: str | None
    duration_ms: int | None
    fps: Fraction | None
    start_tc: str | None
    added_at: str


class Annotation(NamedTuple):
    """A tagged time range ``[start_ms, end_ms)`` of one media, as stored.

    A named tuple rather than a dataclass: listing 100,000 of them is a hot path (the
    window's list and timeline), and a tuple is built several times faster.
    """

    id: str
    media_id: int
    start_ms: int
    end_ms: int
    tag: str
    note: str
    annotator: str
    created_at: str
    updated_at: str
    version: int
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        """True for a tombstone."""
        return self.deleted_at is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        return {
            "id": self.id,
            "media_id": self.media_id,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "tag": self.tag,
            "note": self.note,
            "annotator": self.annotator,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
            "deleted_at": self.deleted_at,
        }


class AnnotationSpan(NamedTuple):
    """The part of an annotation a timeline lays out: id, times and tag name."""

    id: str
    start_ms: int
    end_ms: int
    tag: str


@dataclass(frozen=True, slots=True)
class AnnotationInput:
    """One annotation to import; ``line`` is where it came from (for error messages)."""

    start_ms: int
    end_ms: int
    tag: str
    note: str = ""
    annotator: str | None = None
    id: str | None = None
    line: int | None = None
    media_id: int | None = None


@dataclass(slots=True)
class ImportReport:
    """What an import did: ids added, ids already present (unchanged), and of those the ones
    whose stored content differs from the imported row (the stored row wins)."""

    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TagRemoval:
    """What :meth:`Project.remove_tag` did, enough for :meth:`Project.restore_tag`."""

    tag: Tag
    replaced_by: str | None
    annotation_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A cue or an annotation note matching a search; ``snippet`` marks matches [like this]."""

    kind: str  # "cue" or "note"
    start_ms: int
    end_ms: int
    text: str
    snippet: str
    cue_number: int | None = None
    annotation_id: str | None = None
    tag: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        return {
            "kind": self.kind,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "start": format_ms(self.start_ms, "."),
            "end": format_ms(self.end_ms, "."),
            "text": self.text,
            "snippet": self.snippet,
            "cue": self.cue_number,
            "annotation_id": self.annotation_id,
            "tag": self.tag,
        }


# ---------------------------------------------------------------------- claims value types

#: Verdicts a claim can have (the same list as ``core/claims.py``; the schema checks it).
CLAIM_STATUSES: Final = claims_mod.STATUSES
CLAIM_TAG: Final = "statistic-claim"
LINK_RELATIONS: Final = ("agree", "disagree", "different period")


class UnknownClaimError(ProjectError):
    """No (live) claim with that id."""


class InvalidClaimError(ProjectError):
    """Fields that cannot make a claim, a status outside the list, a link to itself."""


class UnknownSourceError(ProjectError):
    """No source document with that id."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A numeric claim of the film (``annotation_id`` set, times from the annotation) or of a
    source document (``source_id`` set, ``char_start``/``char_end`` in its text)."""

    id: str
    annotation_id: str | None
    source_id: int | None
    start_ms: int | None
    end_ms: int | None
    char_start: int | None
    char_end: int | None
    text: str
    values: tuple[dict[str, Any], ...]
    unit: str
    qualifier: str
    period: str
    place: str
    subject: str
    speaker: str
    status: str
    reviewer: str | None
    note: str
    score: float | None
    reasons: tuple[str, ...]
    created_at: str
    updated_at: str
    version: int
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        """True for a tombstone."""
        return self.deleted_at is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON (values as written and normalised)."""
        return {
            "id": self.id,
            "annotation_id": self.annotation_id,
            "source_id": self.source_id,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "start": None if self.start_ms is None else format_ms(self.start_ms, "."),
            "end": None if self.end_ms is None else format_ms(self.end_ms, "."),
            "char_start": self.char_start,
            "char_end": self.char_end,
            "text": self.text,
            "values": [dict(v) for v in self.values],
            "unit": self.unit,
            "qualifier": self.qualifier,
            "period": self.period,
            "place": self.place,
            "subject": self.subject,
            "speaker": self.speaker,
            "status": self.status,
            "reviewer": self.reviewer,
            "note": self.note,
            "score": self.score,
            "reasons": list(self.reasons),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
            "deleted_at": self.deleted_at,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a verdict rests on; ``still_png`` is the exact frame, when grabbed."""

    id: int
    claim_id: str
    url: str | None
    document: str | None
    passage: str
    retrieved_at: str | None
    still_png: bytes | None
    still_ms: int | None
    added_at: str
    added_by: str
    removed_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON (the still as its size only)."""
        return {
            "id": self.id,
            "claim_id": self.claim_id,
            "url": self.url,
            "document": self.document,
            "passage": self.passage,
            "retrieved_at": self.retrieved_at,
            "still_ms": self.still_ms,
            "still_bytes": None if self.still_png is None else len(self.still_png),
            "added_at": self.added_at,
            "added_by": self.added_by,
        }


@dataclass(frozen=True, slots=True)
class EvidenceInput:
    """Evidence to add with a verdict (see :meth:`Project.set_claim_status`)."""

    url: str | None = None
    document: str | None = None
    passage: str = ""
    retrieved_at: str | None = None
    still_png: bytes | None = None
    still_ms: int | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One row of a claim's verdict history; ``evidence_ids`` were added with it."""

    id: int
    claim_id: str
    old_status: str | None
    new_status: str
    reviewer: str
    note: str
    changed_at: str
    evidence_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        return {
            "claim_id": self.claim_id,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "reviewer": self.reviewer,
            "note": self.note,
            "changed_at": self.changed_at,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """A document added to the project (its text as added)."""

    id: int
    title: str
    path: str | None
    url: str | None
    content_type: str
    content_hash: str
    text: str
    added_at: str
    added_by: str

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON (without the text)."""
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "url": self.url,
            "content_type": self.content_type,
            "content_hash": self.content_hash,
            "chars": len(self.text),
            "added_at": self.added_at,
            "added_by": self.added_by,
        }


@dataclass(frozen=True, slots=True)
class ClaimLink:
    """Two claims measuring the same thing and how they relate (``claim_a < claim_b``)."""

    claim_a: str
    claim_b: str
    measure: str
    relation: str
    note: str
    created_at: str
    created_by: str

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        return {
            "claim_a": self.claim_a,
            "claim_b": self.claim_b,
            "measure": self.measure,
            "relation": self.relation,
            "note": self.note,
        }


def tag_fields(tag: Tag) -> dict[str, Any]:
    """Keyword arguments of :meth:`Project.update_tag` that put ``tag`` back as it was."""
    return {
        "rename": tag.name,
        "label": tag.label,
        "colour": tag.colour,
        "hotkey": tag.hotkey,
        "description": tag.description,
        "position": tag.position,
    }


def media_fields(media: Media) -> dict[str, Any]:
    """Keyword arguments of :meth:`Project.set_media_info` that put ``media`` back."""
    return {"duration_ms": media.duration_ms, "fps": media.fps, "start_tc": media.start_tc}


def default_annotator(explicit: str | None = None) -> str:
    """``explicit``, else ``$KARACHI_REVIEW_ANNOTATOR``, else the login name."""
    for candidate in (explicit, os.environ.get("KARACHI_REVIEW_ANNOTATOR")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def media_fingerprint(path: str | Path) -> tuple[int, str]:
    """Size and content hash of a media file: SHA-256 of the size, first MiB and last MiB.

    Reading two MiB identifies a file in milliseconds even when it is 50 GB; it tells a moved
    or renamed file from a different cut, which is what relinking needs.
    """
    size = os.stat(path).st_size
    digest = hashlib.sha256(size.to_bytes(8, "big"))
    with open(path, "rb") as f:
        digest.update(f.read(_MIB))
        if size > _MIB:
            f.seek(max(_MIB, size - _MIB))
            digest.update(f.read(_MIB))
    return size, "sha256-ends:" + digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _normalise_id(text: str, path: str | None = None, line: int | None = None) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise InvalidAnnotationError(
            f"annotation id '{text}' is not a UUID (like 3f2b8c1e-...)", path, line
        ) from None


# ----------------------------------------------------------------------------- FTS queries

_FTS_OPERATORS: Final = frozenset({"AND", "OR", "NOT"})


def to_fts_query(text: str) -> str:
    """Turn what a user types into an FTS5 query: words, "phrases", prefix*, AND/OR/NOT, ().

    Every word and phrase is quoted so that punctuation (``Karachi's``, ``12-year-old``)
    is matched as the tokenizer splits it instead of being an FTS5 syntax error; a trailing
    ``*`` makes a prefix search. Unbalanced quotes or parentheses raise SearchQueryError;
    FTS5 itself reports misplaced operators.
    """
    parts: list[str] = []
    i, n, depth = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise SearchQueryError(f"search query {text!r}: a double quote is not closed")
            phrase = text[i + 1 : end]
            i = end + 1
            star = i < n and text[i] == "*"
            if star:
                i += 1
            parts.append('"' + phrase.replace('"', '""') + '"' + ("*" if star else ""))
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            if depth < 0:
                raise SearchQueryError(f"search query {text!r}: ')' without '('")
            parts.append(ch)
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '"()':
                j += 1
            word = text[i:j]
            i = j
            if word in _FTS_OPERATORS:
                parts.append(word)
                continue
            star = word.endswith("*")
            bare = word.rstrip("*")
            if not bare:
                raise SearchQueryError(f"search query {text!r}: '*' must end a word, like raid*")
            parts.append('"' + bare.replace('"', '""') + '"' + ("*" if star else ""))
    if depth:
        raise SearchQueryError(f"search query {text!r}: '(' is not closed")
    if not parts:
        raise SearchQueryError("the search query is empty")
    return " ".join(parts)


# ------------------------------------------------------------------------- file inspection


@dataclass(frozen=True, slots=True)
class _Header:
    page_size: int
    user_version: int
    application_id: int


def _inspect(path: Path) -> _Header:
    """Check the SQLite header without opening the database; raise ProjectError if unusable."""
    where = str(path)
    if not path.exists():
        raise ProjectNotFoundError("no such project file", where)
    if not path.is_file():
        raise NotAProjectError("not a project file (it is a folder or a device)", where)
    size = path.stat().st_size
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise ProjectError(f"cannot read the project file: {exc.strerror}", where) from exc
    if size == 0:
        raise NotAProjectError("not a project file (the file is empty)", where)
    if not head.startswith(_SQLITE_MAGIC):
        raise NotAProjectError("not a project file (not an SQLite database)", where)
    if len(head) < 100:
        raise CorruptProjectError("the project file is truncated (shorter than its header)", where)
    page_size = int.from_bytes(head[16:18], "big")
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptProjectError(f"the project file is damaged (page size {page_size})", where)
    change_counter = head[24:28]
    page_count = int.from_bytes(head[28:32], "big")
    valid_for = head[92:96]
    wal = path.with_name(path.name + "-wal")
    hot_wal = wal.exists() and wal.stat().st_size > 0
    # The header's page count is trustworthy only when its "valid-for" stamp matches the
    # change counter; with un-checkpointed WAL content the file may legitimately be shorter.
    if not hot_wal and (
        size % page_size
        or (page_count and change_counter == valid_for and size < page_count * page_size)
    ):
        raise CorruptProjectError(
            f"the project file is truncated ({size} bytes; its header says "
            f"{page_count * page_size}); restore a backup from {snapshots.backup_dir(path).name}/",
            where,
        )
    application_id = int.from_bytes(head[68:72], "big", signed=False)
    user_version = int.from_bytes(head[60:64], "big", signed=False)
    if application_id != APPLICATION_ID:
        raise NotAProjectError("not a project file (an SQLite database of another program)", where)
    _check_version(user_version, where)
    return _Header(page_size, user_version, application_id)


def _check_version(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"made by a newer version of karachi_review (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); update karachi_review to open it",
            where,
        )
    if version < 1:
        raise CorruptProjectError("an unfinished project file (no schema version)", where)


def _read_only_reason(path: Path) -> str | None:
    # os.access answers "yes" for root whatever the permission bits say, so a file the user
    # made read-only (chmod 444) is also recognised by its mode bits: the intent counts.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        return "the file is read-only"
    folder = path.parent
    if not os.access(folder, os.W_OK) or not folder.stat().st_mode & 0o222:
        return "its folder is read-only (SQLite needs to create files beside it)"
    return None


def _connect(path: Path, *, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    uri = path.absolute().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    if immutable:
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")  # up to 64 MiB: a 100k-annotation list stays hot
    return conn


def _probe(path: Path, immutable: bool, integrity: bool) -> int:
    """Open read-only, check integrity and return the schema version; nothing is written."""
    where = str(path)
    try:
        conn = _connect(path, read_only=True, immutable=immutable)
    except sqlite3.Error as exc:
        raise CorruptProjectError(f"cannot open the project file: {exc}", where) from exc
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise NotAProjectError(
                "not a project file (an SQLite database of another program)", where
            )
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        _check_version(version, where)
        if integrity:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if rows != ["ok"]:
                raise CorruptProjectError(
                    f"the project file is damaged ({rows[0]}); restore a backup from "
                    f"{snapshots.backup_dir(path).name}/",
                    where,
                )
        return version
    except sqlite3.DatabaseError as exc:
        raise CorruptProjectError(
            f"the project file is damaged ({exc}); restore a backup from "
            f"{snapshots.backup_dir(path).name}/",
            where,
        ) from exc
    finally:
        conn.close()


# ---------------------------------------------------------------------------------- project


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a listing builds 100,000s of tuples.

    Every 700 new tuples start a young-generation pass and the older generations follow, each
    walking the rows built so far; tuples of strings and ints hold no cycles, so those passes
    find nothing. Pausing them took a third off listing 100,000 spans (benchmarks/store.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_ANNOTATION_COLUMNS: Final = (
    "a.id, a.media_id, a.start_ms, a.end_ms, t.name, a.note, a.annotator, "
    "a.created_at, a.updated_at, a.version, a.deleted_at"
)
_ANNOTATION_FROM: Final = "annotations a JOIN tags t ON t.id = a.tag_id"
# Well under SQLite's limit on bound parameters (32,766 since 3.32; 999 before).
_IDS_PER_QUERY: Final = 500


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        read_only_reason: str | None,
        backups: bool,
        snapshot_interval_s: float,
        keep_backups: int,
    ) -> None:
        self.path = path
        self._conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.read_only_reason = read_only_reason
        self._backups = backups and read_only_reason is None
        self._snapshot_interval_s = snapshot_interval_s
        self._keep_backups = keep_backups
        self._snapshot_due = 0.0  # monotonic time of the next check of the backup folder
        self.backup_error: snapshots.SnapshotError | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def create(
        cls,
        path: str | Path,
        transcript: Transcript,
        *,
        title: str | None = None,
        media_path: str | Path | None = None,
        transcript_path: str | Path | None = None,
        backups: bool = True,
    ) -> Project:
        """Make a new project file holding ``transcript`` (and the media's fingerprint)."""
        target = Path(path)
        where = str(target)
        if target.exists() or target.with_name(target.name + "-wal").exists():
            raise ProjectExistsError("a file of that name already exists; choose another", where)
        if not target.parent.is_dir():
            raise ProjectError("the folder does not exist", where)
        media_size = media_hash = None
        media_text: str | None = None
        if media_path is not None:
            try:
                media_size, media_hash = media_fingerprint(media_path)
            except OSError as exc:
                raise ProjectError(
                    f"cannot read the media file: {exc.strerror}", str(media_path)
                ) from exc
            media_text = str(Path(media_path).absolute())
        source = transcript_path if transcript_path is not None else transcript.path
        source_hash: str | None = None
        source_text: str | None = None
        if source is not None and Path(source).is_file():
            source_hash = "sha256:" + hashlib.sha256(Path(source).read_bytes()).hexdigest()
            source_text = str(Path(source).absolute())
        temp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.creating")
        try:
            conn = sqlite3.connect(str(temp), isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(conn)
                now = _now()
                conn.execute("BEGIN IMMEDIATE")
                meta = {
                    "title": title or (Path(source_text).stem if source_text else target.stem),
                    "project_id": str(uuid.uuid4()),
                    "created_at": now,
                    "created_by": f"karachi_review {__version__}",
                }
                conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
                media_id = conn.execute(
                    "INSERT INTO media (path, size, content_hash, added_at) VALUES (?, ?, ?, ?)",
                    (media_text, media_size, media_hash, now),
                ).lastrowid
                assert media_id is not None
                _insert_transcript(conn, media_id, transcript, source_text, source_hash, now)
                for tag in DEFAULT_TAGS:
                    conn.execute(
                        "INSERT INTO tags (name, label, colour, hotkey, description, position) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            tag.name,
                            tag.label,
                            tag.colour,
                            tag.hotkey,
                            tag.description,
                            tag.position,
                        ),
                    )
                conn.execute("COMMIT")
            finally:
                conn.close()  # the last connection checkpoints and removes the -wal file
            _fsync_file(temp)
            try:
                os.link(temp, target)  # fails if the name was taken meanwhile: never clobber
            except FileExistsError:
                raise ProjectExistsError(
                    "a file of that name already exists; choose another", where
                ) from None
            except OSError:
                if target.exists():
                    raise ProjectExistsError(
                        "a file of that name already exists; choose another", where
                    ) from None
                os.replace(temp, target)  # file systems without hard links
        finally:
            for leftover in (
                temp,
                temp.with_name(temp.name + "-wal"),
                temp.with_name(temp.name + "-shm"),
            ):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        return cls.open(target, backups=backups)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        backups: bool = True,
        check_integrity: bool = True,
        snapshot_interval_s: float = snapshots.DEFAULT_INTERVAL_S,
        keep_backups: int = snapshots.DEFAULT_KEEP,
    ) -> Project:
        """Open a project; a newer, non-SQLite, foreign or damaged file raises, untouched.

        ``backups``: take automatic backups when opening and after edits, at most one per
        ``snapshot_interval_s``, keeping ``keep_backups``. They run in the calling thread (0.4 s
        for a 24 MB project of 100,000 annotations, measured here); a window may pass False and
        call ``snapshots.take_snapshot(path)`` from a worker thread instead (it reads through
        a connection of its own). ``read_only``: never write (an older file then raises
        UpgradeNeededError). ``check_integrity``: run ``PRAGMA quick_check`` before use.
        """
        target = Path(path)
        where = str(target)
        _inspect(target)
        reason = _read_only_reason(target)
        if read_only and reason is None:
            reason = _BY_REQUEST
        # In a read-only folder SQLite cannot create the -shm file a WAL reader needs, so the
        # file is opened "immutable"; not when a -wal is left over, whose commits that would
        # skip (SQLite can read it through the existing -shm instead).
        wal = target.with_name(target.name + "-wal")
        immutable = (
            not os.access(target.parent, os.W_OK) or not (target.parent.stat().st_mode & 0o222)
        ) and not (wal.exists() and wal.stat().st_size > 0)
        version = _probe(target, immutable, check_integrity)
        if reason is not None:
            if version < SCHEMA_VERSION and reason != _BY_REQUEST:
                raise ReadOnlyProjectError(
                    f"made by an older version (schema {version}) and {reason}, so it cannot "
                    "be upgraded; copy it to a writable folder",
                    where,
                )
            if version < SCHEMA_VERSION:
                raise UpgradeNeededError(
                    f"made by an older version (schema {version}); open it for writing once "
                    "to upgrade it",
                    where,
                )
            conn = _connect(target, read_only=True, immutable=immutable)
            return cls(
                target,
                conn,
                read_only_reason=reason,
                backups=False,
                snapshot_interval_s=snapshot_interval_s,
                keep_backups=keep_backups,
            )
        try:
            conn = _connect(target, read_only=False)
            conn.execute("PRAGMA synchronous = FULL")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            if version < SCHEMA_VERSION:
                snapshots.take_snapshot(target, label=f"before-v{SCHEMA_VERSION}")
                migrate(conn)
        except sqlite3.OperationalError as exc:
            raise _write_error(exc, where) from exc
        project = cls(
            target,
            conn,
            read_only_reason=None,
            backups=backups,
            snapshot_interval_s=snapshot_interval_s,
            keep_backups=keep_backups,
        )
        if backups:
            project._snapshot_if_due()
        return project

    def close(self) -> None:
        """Close the file (the last connection to close checkpoints the WAL)."""
        self._conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        """True when writes raise ReadOnlyProjectError."""
        return self.read_only_reason is not None

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction, committed on success, rolled back on error."""
        if self.read_only_reason is not None:
            raise ReadOnlyProjectError(
                f"the project is open read-only ({self.read_only_reason}); nothing was changed",
                str(self.path),
            )
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _write_error(exc, str(self.path)) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise _write_error(exc, str(self.path)) from exc
            raise
        if self._backups:
            self._snapshot_if_due()

    def _snapshot_if_due(self) -> None:
        # Checked against the folder (another process may have written one), but only when
        # our own clock says one may be due: a commit must not list a folder every time.
        if time.monotonic() < self._snapshot_due:
            return
        age = snapshots.newest_auto_age_s(self.path)
        if age is not None and age < self._snapshot_interval_s:
            self._snapshot_due = time.monotonic() + self._snapshot_interval_s - age
            return
        try:
            self.snapshot()
        except snapshots.SnapshotError as exc:
            # The edit itself is committed; a failed backup must not turn it into an error.
            # The window shows backup_error; the next attempt waits one interval.
            self.backup_error = exc
            self._snapshot_due = time.monotonic() + self._snapshot_interval_s

    def snapshot(self) -> Path:
        """Write a rotating backup now (VACUUM INTO + quick_check); return its path."""
        path = snapshots.take_snapshot(self.path, keep=self._keep_backups)
        self.backup_error = None
        self._snapshot_due = time.monotonic() + self._snapshot_interval_s
        return path

    def backups(self) -> list[Path]:
        """Automatic backups of this project, oldest first."""
        return snapshots.auto_snapshots(self.path)

    # ------------------------------------------------------------------------------- meta

    def meta(self) -> dict[str, str]:
        """Title, project_id, created_at, created_by and whatever later versions add."""
        return {row["key"]: row["value"] for row in self.db.query("SELECT key, value FROM meta")}

    @property
    def title(self) -> str:
        """The project's title."""
        return self.meta().get("title", self.path.stem)

    def set_title(self, title: str) -> str:
        """Rename the project; return the old title."""
        new = " ".join(title.split())
        if not new:
            raise ProjectError("a project title cannot be empty", str(self.path))
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'title'").fetchone()
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('title', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (new,),
            )
        return str(row[0]) if row else self.path.stem

    # ------------------------------------------------------------------------------ media

    def media(self, media_id: int | None = None) -> Media:
        """One media (the first when ``media_id`` is None)."""
        sql = "SELECT * FROM media " + (
            "WHERE id = ?" if media_id is not None else "ORDER BY id LIMIT 1"
        )
        rows = list(self.db.query(sql, (media_id,) if media_id is not None else ()))
        if not rows:
            raise ProjectError(f"no media {media_id} in this project", str(self.path))
        return _media(rows[0])

    def list_media(self) -> list[Media]:
        """Every media of the project, in the order added."""
        return [_media(r) for r in self.db.query("SELECT * FROM media ORDER BY id")]

    def set_media_info(
        self,
        media_id: int | None = None,
        *,
        duration_ms: int | Any | None = _UNSET,
        fps: Fraction | Any | None = _UNSET,
        start_tc: str | Any | None = _UNSET,
    ) -> Media:
        """Record what probing found (duration, exact frame rate, start timecode); return the
        old row. Arguments left out are not changed; None clears a field."""
        old = self.media(media_id)
        sets: list[str] = []
        values: list[Any] = []
        if duration_ms is not _UNSET:
            if duration_ms is not None and (not isinstance(duration_ms, int) or duration_ms < 0):
                raise ProjectError(f"bad media duration {duration_ms!r}", str(self.path))
            sets.append("duration_ms = ?")
            values.append(duration_ms)
        if fps is not _UNSET:
            if fps is not None:
                rate = Fraction(fps)
                if rate <= 0:
                    raise ProjectError(f"bad frame rate {fps!r}", str(self.path))
                sets += ["fps_num = ?", "fps_den = ?"]
                values += [rate.numerator, rate.denominator]
            else:
                sets += ["fps_num = NULL", "fps_den = NULL"]
        if start_tc is not _UNSET:
            sets.append("start_tc = ?")
            values.append(start_tc)
        if sets:
            with self._write() as conn:
                conn.execute(f"UPDATE media SET {', '.join(sets)} WHERE id = ?", (*values, old.id))
        return old

    def set_media_file(self, path: str | Path, media_id: int | None = None) -> Media:
        """Link (or relink) the media file: store its path, size and hash; return the old row."""
        old = self.media(media_id)
        try:
            size, digest = media_fingerprint(path)
        except OSError as exc:
            raise ProjectError(f"cannot read the media file: {exc.strerror}", str(path)) from exc
        with self._write() as conn:
            conn.execute(
                "UPDATE media SET path = ?, size = ?, content_hash = ? WHERE id = ?",
                (str(Path(path).absolute()), size, digest, old.id),
            )
        return old

    def end_of_media_ms(self, media_id: int | None = None) -> int | None:
        """The latest time an annotation may reach: the media's duration when known, else the
        end of the transcript's last cue; None when neither is known."""
        media = self.media(media_id)
        return _end_of_media(self._conn, media.id)

    # ------------------------------------------------------------------------- transcript

    def cues(self, media_id: int | None = None) -> list[Cue]:
        """The cues of the media's (first) transcript, in time order."""
        tid = self._transcript_id(media_id)
        rows = self._conn.execute(
            "SELECT position, start_ms, end_ms, text, ident, speaker, line FROM cues "
            "WHERE transcript_id = ? ORDER BY position",
            (tid,),
        )
        return [Cue(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]

    def transcript(self, media_id: int | None = None) -> Transcript:
        """The media's transcript as a Transcript object."""
        tid = self._transcript_id(media_id)
        row = self._conn.execute(
            "SELECT source_format, encoding, path FROM transcripts WHERE id = ?", (tid,)
        ).fetchone()
        return Transcript(self.cues(media_id), source_format=row[0], encoding=row[1], path=row[2])

    def cue_count(self, media_id: int | None = None) -> int:
        """How many cues the media's transcript has."""
        tid = self._transcript_id(media_id)
        return int(
            self._conn.execute(
                "SELECT count(*) FROM cues WHERE transcript_id = ?", (tid,)
            ).fetchone()[0]
        )

    def cue_span(
        self, first: int, last: int | None = None, media_id: int | None = None
    ) -> tuple[int, int]:
        """``(start_ms, end_ms)`` covering cues ``first``..``last`` (1-based, inclusive)."""
        last = first if last is None else last
        count = self.cue_count(media_id)
        where = str(self.path)
        if last < first:
            raise InvalidAnnotationError(f"cue range {first}-{last} runs backwards", where)
        for number in (first, last):
            if not 1 <= number <= count:
                raise InvalidAnnotationError(
                    f"no cue {number}; the transcript has cues 1-{count}", where
                )
        tid = self._transcript_id(media_id)
        row = self._conn.execute(
            "SELECT min(start_ms), max(end_ms) FROM cues "
            "WHERE transcript_id = ? AND position BETWEEN ? AND ?",
            (tid, first, last),
        ).fetchone()
        return int(row[0]), int(row[1])

    def _transcript_id(self, media_id: int | None) -> int:
        mid = self.media(media_id).id
        row = self._conn.execute(
            "SELECT id FROM transcripts WHERE media_id = ? ORDER BY id LIMIT 1", (mid,)
        ).fetchone()
        if row is None:
            raise ProjectError("this project has no transcript", str(self.path))
        return int(row[0])

    # ------------------------------------------------------------------------- vocabulary

    def tags(self) -> list[Tag]:
        """The vocabulary in its order."""
        return [
            _tag(r)
            for r in self.db.query(
                "SELECT * FROM tags WHERE removed_at IS NULL ORDER BY position, id"
            )
        ]

    def tag(self, text: str) -> Tag:
        """The tag named ``text`` (name or label, any case); UnknownTagError lists the known."""
        tag_id = _resolve_tag(self._conn, text, str(self.path))
        row = next(self.db.query("SELECT * FROM tags WHERE id = ?", (tag_id,)))
        return _tag(row)

    def tag_usage(self) -> dict[str, int]:
        """How many live annotations use each tag (tags without any are included with 0)."""
        rows = self._conn.execute(
            "SELECT t.name, count(a.rowid) FROM tags t LEFT JOIN annotations a "
            "ON a.tag_id = t.id AND a.deleted_at IS NULL WHERE t.removed_at IS NULL "
            "GROUP BY t.id ORDER BY t.position"
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def add_tag(
        self,
        name: str,
        *,
        label: str | None = None,
        colour: str | None = None,
        hotkey: str | Any | None = _UNSET,
        description: str = "",
        position: int | None = None,
    ) -> Tag:
        """Add a tag (a removed tag of that name comes back); return it.

        Without ``colour`` the first unused colour of a palette is chosen; without
        ``hotkey`` the lowest free key 1-9 (``None``: no hotkey); without ``position`` the
        tag goes last.
        """
        where = str(self.path)
        canonical = _vocab(normalise_name, name, where)
        new_label = _vocab(
            normalise_label, label if label is not None else label_from_name(canonical), where
        )
        wanted_key = _UNSET if hotkey is _UNSET else _vocab(normalise_hotkey, hotkey, where)
        with self._write() as conn:
            live = {
                str(r[0]).lower(): r
                for r in conn.execute(
                    "SELECT name, colour, hotkey FROM tags WHERE removed_at IS NULL"
                )
            }
            if canonical.lower() in live:
                raise VocabularyError(f"tag '{canonical}' already exists", where)
            used_colours = {str(r[1]) for r in live.values()}
            used_keys = {str(r[2]) for r in live.values() if r[2] is not None}
            if colour is None:
                palette = [t.colour for t in DEFAULT_TAGS] + list(_EXTRA_COLOURS)
                new_colour = next((c for c in palette if c not in used_colours), None)
                if new_colour is None:
                    raise VocabularyError("every palette colour is taken; give --colour", where)
            else:
                new_colour = _vocab(normalise_colour, colour, where)
                _check_colour_free(conn, new_colour, None, where)
            if wanted_key is _UNSET:
                new_key = next((k for k in HOTKEYS if k not in used_keys), None)
            else:
                new_key = wanted_key
                if new_key is not None:
                    _check_hotkey_free(conn, new_key, None, where)
            existing = conn.execute("SELECT id FROM tags WHERE name = ?", (canonical,)).fetchone()
            if existing is not None:
                tag_id = int(existing[0])
                conn.execute(
                    "UPDATE tags SET name = ?, label = ?, colour = ?, hotkey = ?, description = ?, "
                    "removed_at = NULL WHERE id = ?",
                    (canonical, new_label, new_colour, new_key, description.strip(), tag_id),
                )
            else:
                cursor = conn.execute(
                    "INSERT INTO tags (name, label, colour, hotkey, description, position) "
                    "VALUES (?, ?, ?, ?, ?, 0)",
                    (canonical, new_label, new_colour, new_key, description.strip()),
                )
                assert cursor.lastrowid is not None
                tag_id = cursor.lastrowid
            _place_tag(conn, tag_id, position)
            return _tag_by_id(conn, tag_id)

    def update_tag(
        self,
        name: str,
        *,
        rename: str | None = None,
        label: str | None = None,
        colour: str | None = None,
        hotkey: str | Any | None = _UNSET,
        description: str | None = None,
        position: int | None = None,
    ) -> Tag:
        """Rename, relabel, recolour, rekey, redescribe or move a tag; return the old tag.

        Annotations follow a renamed tag (they refer to it by row, not by name). A hotkey or
        colour held by another tag is refused, naming that tag.
        """
        where = str(self.path)
        new_name = None if rename is None else _vocab(normalise_name, rename, where)
        new_label = None if label is None else _vocab(normalise_label, label, where)
        new_colour = None if colour is None else _vocab(normalise_colour, colour, where)
        new_key = _UNSET if hotkey is _UNSET else _vocab(normalise_hotkey, hotkey, where)
        with self._write() as conn:
            tag_id = _resolve_tag(conn, name, where)
            old = _tag_by_id(conn, tag_id)
            if new_name is not None and new_name.lower() != old.name.lower():
                clash = conn.execute(
                    "SELECT removed_at FROM tags WHERE name = ? AND id != ?", (new_name, tag_id)
                ).fetchone()
                if clash is not None and clash[0] is None:
                    raise VocabularyError(f"tag '{new_name}' already exists", where)
                if clash is not None:
                    # A removed tag of that name only keeps tombstones' history: free the name.
                    conn.execute(
                        "UPDATE tags SET name = name || '~' || id WHERE name = ? AND id != ?",
                        (new_name, tag_id),
                    )
            if new_colour is not None:
                _check_colour_free(conn, new_colour, tag_id, where)
            if new_key is not _UNSET and new_key is not None:
                _check_hotkey_free(conn, new_key, tag_id, where)
            conn.execute(
                "UPDATE tags SET name = coalesce(?, name), label = coalesce(?, label), "
                "colour = coalesce(?, colour), description = coalesce(?, description) WHERE id = ?",
                (
                    new_name,
                    new_label,
                    new_colour,
                    None if description is None else description.strip(),
                    tag_id,
                ),
            )
            if new_key is not _UNSET:
                conn.execute("UPDATE tags SET hotkey = ? WHERE id = ?", (new_key, tag_id))
            if position is not None:
                _place_tag(conn, tag_id, position)
            return old

    def remove_tag(self, name: str, *, replace_with: str | None = None) -> TagRemoval:
        """Take a tag out of the vocabulary; its live annotations move to ``replace_with``.

        A tag still in use without a replacement raises TagInUseError saying how many
        annotations use it. Deleted annotations keep the removed tag (history).
        """
        where = str(self.path)
        with self._write() as conn:
            tag_id = _resolve_tag(conn, name, where)
            old = _tag_by_id(conn, tag_id)
            ids = tuple(
                str(r[0])
                for r in conn.execute(
                    "SELECT id FROM annotations WHERE tag_id = ? AND deleted_at IS NULL "
                    "ORDER BY start_ms, id",
                    (tag_id,),
                )
            )
            replacement: str | None = None
            if replace_with is not None:
                new_id = _resolve_tag(conn, replace_with, where)
                if new_id == tag_id:
                    raise VocabularyError(f"tag '{old.name}' cannot replace itself", where)
                replacement = _tag_by_id(conn, new_id).name
                now = _now()
                conn.execute(
                    "UPDATE annotations SET tag_id = ?, version = version + 1, updated_at = ? "
                    "WHERE tag_id = ? AND deleted_at IS NULL",
                    (new_id, now, tag_id),
                )
            elif ids:
                raise TagInUseError(
                    f"tag '{old.name}' is used by {len(ids)} annotation"
                    f"{'s' if len(ids) != 1 else ''}; give a replacement tag "
                    f"(--replace-with OTHER) to move them",
                    where,
                )
            conn.execute(
                "UPDATE tags SET removed_at = ?, hotkey = NULL, position = NULL WHERE id = ?",
                (_now(), tag_id),
            )
            _place_tag(conn, None, None)
            return TagRemoval(old, replacement, ids)

    def restore_tag(self, removal: TagRemoval) -> Tag:
        """Undo :meth:`remove_tag`: the tag comes back in its place with its annotations."""
        where = str(self.path)
        tag = removal.tag
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, removed_at FROM tags WHERE name = ?", (tag.name,)
            ).fetchone()
            if row is None:
                raise UnknownTagError(f"tag '{tag.name}' is not in this project", where)
            tag_id = int(row[0])
            key = tag.hotkey
            if (
                key is not None
                and conn.execute(
                    "SELECT 1 FROM tags WHERE hotkey = ? AND id != ?", (key, tag_id)
                ).fetchone()
            ):
                key = None
            conn.execute(
                "UPDATE tags SET label = ?, colour = ?, hotkey = ?, description = ?, "
                "removed_at = NULL WHERE id = ?",
                (tag.label, tag.colour, key, tag.description, tag_id),
            )
            _place_tag(conn, tag_id, tag.position or None)
            if removal.annotation_ids:
                now = _now()
                conn.executemany(
                    "UPDATE annotations SET tag_id = ?, version = version + 1, updated_at = ? "
                    "WHERE id = ?",
                    [(tag_id, now, aid) for aid in removal.annotation_ids],
                )
            return _tag_by_id(conn, tag_id)

    # ------------------------------------------------------------------------ annotations

    def annotation(self, annotation_id: str, *, include_deleted: bool = False) -> Annotation:
        """One annotation by id (a unique prefix of at least 4 characters also works)."""
        full = self.resolve_annotation_id(annotation_id)
        row = self._conn.execute(
            f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} WHERE a.id = ?", (full,)
        ).fetchone()
        annotation = Annotation(*row)
        if annotation.deleted and not include_deleted:
            raise UnknownAnnotationError(
                f"annotation {full} was deleted at {annotation.deleted_at}", str(self.path)
            )
        return annotation

    def annotations_by_id(self, ids: Sequence[str]) -> dict[str, Annotation]:
        """The live annotations among ``ids`` (full ids), keyed by id; unknown ids are left out.

        How a list that lays out :meth:`annotation_spans` fetches notes and annotators for
        the rows on screen, a page at a time.
        """
        found: dict[str, Annotation] = {}
        wanted = list(dict.fromkeys(ids))
        for at in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[at : at + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} "
                f"WHERE a.id IN ({marks}) AND a.deleted_at IS NULL",
                chunk,
            ):
                found[row[0]] = Annotation(*row)
        return found

    def resolve_annotation_id(self, text: str) -> str:
        """The full id of the annotation whose id is or starts with ``text``."""
        where = str(self.path)
        key = text.strip().lower()
        if len(key) < 4:
            raise UnknownAnnotationError(
                f"annotation id '{text}' is too short (4+ characters)", where
            )
        row = self._conn.execute("SELECT id FROM annotations WHERE id = ?", (key,)).fetchone()
        if row is not None:
            return str(row[0])
        found = [
            str(r[0])
            for r in self._conn.execute(
                "SELECT id FROM annotations WHERE id >= ? AND id < ? LIMIT 2", (key, key + "\uffff")
            )
        ]
        if not found:
            raise UnknownAnnotationError(f"no annotation with id '{text}'", where)
        if len(found) > 1:
            raise UnknownAnnotationError(
                f"annotation id '{text}' is ambiguous; give more of it", where
            )
        return found[0]

    def annotations(
        self,
        *,
        media_id: int | None = None,
        tag: str | None = None,
        include_deleted: bool = False,
    ) -> list[Annotation]:
        """Annotations of one media (the first by default) in time order, optionally of one tag."""
        mid = self.media(media_id).id
        params: list[Any] = [mid]
        if tag is not None:
            sql = f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} WHERE a.media_id = ?"
            sql += " AND a.tag_id = ?"
            params.append(_resolve_tag(self._conn, tag, str(self.path)))
        else:
            # "+a.media_id" keeps SQLite off the (media_id, start_ms) index: reading the table
            # in storage order and sorting in Python was twice as fast for 100,000 rows as
            # 100,000 index-ordered row lookups (measured, benchmarks/store.py).
            sql = f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} WHERE +a.media_id = ?"
        if not include_deleted:
            sql += " AND a.deleted_at IS NULL"
        sql += " ORDER BY a.rowid"
        with _gc_paused():
            rows = self._conn.execute(sql, params).fetchall()
            rows.sort(key=itemgetter(2))  # by start; stable, so ties stay in the order added
            # tuple.__new__ through partial: the named tuples are built without a Python-level
            # call per row (Annotation._make is one), a third of the cost for 100,000 rows.
            return list(map(partial(tuple.__new__, Annotation), rows))

    def annotation_spans(
        self, *, media_id: int | None = None, tag: str | None = None
    ) -> list[AnnotationSpan]:
        """Id, times and tag of every live annotation of a media, in time order (ties: end, tag).

        What the timeline and the annotation list need to lay out all rows; a view fetches
        the rest (note, annotator, ...) with :meth:`annotation` for the rows on screen. About
        three times cheaper than :meth:`annotations` for 100,000 rows.
        """
        mid = self.media(media_id).id
        params: list[Any] = [mid]
        # Answered from the covering index annotations_live_spans (schema step 4) in its own
        # order, so SQLite neither reads the table nor sorts, nor does Python.
        sql = (
            "SELECT a.id, a.start_ms, a.end_ms, t.name FROM annotations a "
            "JOIN tags t ON t.id = a.tag_id WHERE a.media_id = ? AND a.deleted_at IS NULL"
        )
        if tag is not None:
            sql += " AND a.tag_id = ?"
            params.append(_resolve_tag(self._conn, tag, str(self.path)))
        sql += " ORDER BY a.start_ms, a.end_ms, a.tag_id, a.id"
        with _gc_paused():
            rows = self._conn.execute(sql, params).fetchall()
            return list(map(partial(tuple.__new__, AnnotationSpan), rows))

    def same_span(self, annotation: Annotation) -> list[Annotation]:
        """Other live annotations with the same media, times and tag (likely duplicates)."""
        rows = self._conn.execute(
            f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} WHERE a.media_id = ? "
            "AND a.start_ms = ? AND a.end_ms = ? AND t.name = ? AND a.id != ? "
            "AND a.deleted_at IS NULL ORDER BY a.rowid",
            (
                annotation.media_id,
                annotation.start_ms,
                annotation.end_ms,
                annotation.tag,
                annotation.id,
            ),
        )
        return [Annotation(*row) for row in rows]

    def add_annotation(
        self,
        start_ms: int,
        end_ms: int,
        tag: str,
        *,
        note: str = "",
        annotator: str | None = None,
        media_id: int | None = None,
        annotation_id: str | None = None,
    ) -> Annotation:
        """Tag ``[start_ms, end_ms)``; return the new annotation (undo: delete_annotation)."""
        where = str(self.path)
        new_id = _normalise_id(annotation_id, where) if annotation_id else str(uuid.uuid4())
        who = default_annotator(annotator)
        with self._write() as conn:
            mid = self.media(media_id).id
            tag_id = _resolve_tag(conn, tag, where)
            _check_times(conn, mid, start_ms, end_ms, where, None)
            now = _now()
            try:
                conn.execute(
                    "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, "
                    "annotator, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,1)",
                    (new_id, mid, start_ms, end_ms, tag_id, note, who, now, now),
                )
            except sqlite3.IntegrityError:
                raise InvalidAnnotationError(f"annotation {new_id} already exists", where) from None
            added = _annotation_by_id(conn, new_id)
            assert added is not None
            return added

    def update_annotation(
        self,
        annotation_id: str,
        *,
        start_ms: int | Any = _UNSET,
        end_ms: int | Any = _UNSET,
        tag: str | Any = _UNSET,
        note: str | Any = _UNSET,
        annotator: str | Any = _UNSET,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Change some fields; return their old values (``update_annotation(id, **old)`` undoes).

        With ``expected_version`` the change is refused (VersionConflictError) when another
        window or process changed the annotation since it was read.
        """
        where = str(self.path)
        with self._write() as conn:
            old = _annotation_by_id(conn, annotation_id)
            if old is None or old.deleted:
                raise UnknownAnnotationError(f"no live annotation with id '{annotation_id}'", where)
            if expected_version is not None and old.version != expected_version:
                raise VersionConflictError(
                    f"annotation {old.id} changed elsewhere (version {old.version}, "
                    f"expected {expected_version}); reload it",
                    where,
                )
            changes: dict[str, Any] = {}
            previous: dict[str, Any] = {}
            new_start = old.start_ms if start_ms is _UNSET else start_ms
            new_end = old.end_ms if end_ms is _UNSET else end_ms
            if start_ms is not _UNSET or end_ms is not _UNSET:
                _check_times(conn, old.media_id, new_start, new_end, where, None)
            if start_ms is not _UNSET:
                changes["start_ms"], previous["start_ms"] = new_start, old.start_ms
            if end_ms is not _UNSET:
                changes["end_ms"], previous["end_ms"] = new_end, old.end_ms
            if tag is not _UNSET:
                changes["tag_id"] = _resolve_tag(conn, str(tag), where)
                previous["tag"] = old.tag
            if note is not _UNSET:
                changes["note"], previous["note"] = str(note), old.note
            if annotator is not _UNSET:
                changes["annotator"], previous["annotator"] = (
                    default_annotator(str(annotator)),
                    old.annotator,
                )
            if changes:
                assignments = ", ".join(f"{k} = ?" for k in changes)
                conn.execute(
                    f"UPDATE annotations SET {assignments}, version = version + 1, "
                    "updated_at = ? WHERE id = ?",
                    (*changes.values(), _now(), old.id),
                )
            return previous

    def delete_annotation(self, annotation_id: str) -> Annotation:
        """Soft-delete (tombstone) an annotation; return it as it was (undo: restore)."""
        where = str(self.path)
        with self._write() as conn:
            old = _annotation_by_id(conn, annotation_id)
            if old is None:
                raise UnknownAnnotationError(f"no annotation with id '{annotation_id}'", where)
            if old.deleted:
                raise UnknownAnnotationError(
                    f"annotation {old.id} is already deleted (at {old.deleted_at})", where
                )
            now = _now()
            conn.execute(
                "UPDATE annotations SET deleted_at = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ?",
                (now, now, old.id),
            )
            return old

    def restore(self, annotation: Annotation) -> Annotation:
        """Bring ``annotation`` back, with its id and content, deleted or not; return the row."""
        where = str(self.path)
        with self._write() as conn:
            # A tombstone may keep a removed tag; a live annotation needs a tag in the vocabulary.
            tag_id = _resolve_tag(conn, annotation.tag, where, include_removed=annotation.deleted)
            _check_times(
                conn, annotation.media_id, annotation.start_ms, annotation.end_ms, where, None
            )
            now = _now()
            current = _annotation_by_id(conn, annotation.id)
            if current is None:
                conn.execute(
                    "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, "
                    "annotator, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        annotation.id,
                        annotation.media_id,
                        annotation.start_ms,
                        annotation.end_ms,
                        tag_id,
                        annotation.note,
                        annotation.annotator,
                        annotation.created_at,
                        now,
                        annotation.version + 1,
                    ),
                )
            else:
                conn.execute(
                    "UPDATE annotations SET media_id = ?, start_ms = ?, end_ms = ?, tag_id = ?, "
                    "note = ?, annotator = ?, deleted_at = ?, updated_at = ?, "
                    "version = version + 1 WHERE id = ?",
                    (
                        annotation.media_id,
                        annotation.start_ms,
                        annotation.end_ms,
                        tag_id,
                        annotation.note,
                        annotation.annotator,
                        annotation.deleted_at,
                        now,
                        annotation.id,
                    ),
                )
            restored = _annotation_by_id(conn, annotation.id)
            assert restored is not None
            return restored

    def import_annotations(
        self,
        rows: Sequence[AnnotationInput],
        *,
        annotator: str | None = None,
        source: str = "<input>",
        on_commit: Callable[[Sequence[str]], None] | None = None,
        batch_rows: int = 2000,
        batch_seconds: float = 0.1,
    ) -> ImportReport:
        """Add many annotations, idempotently by id; nothing is written if any row is bad.

        Every row is checked first (tag, times, id); then rows are committed in short
        transactions of at most ``batch_rows`` rows or ``batch_seconds``, and after each commit
        ``on_commit`` receives the ids it made safe (added or already present), one per row in
        input order (an id repeated in the input is reported again, as present).
        """
        where = source
        who = default_annotator(annotator)
        tag_ids: dict[str, int] = {}
        prepared: list[tuple[str, int, int, int, int, str, str]] = []
        conn = self._conn
        media_end: dict[int, int | None] = {}
        default_mid = self.media().id
        fresh_ids = iter(_random_ids(sum(1 for row in rows if not row.id)))
        for row in rows:
            mid = row.media_id if row.media_id is not None else default_mid
            if mid not in media_end:
                media_end[mid] = _end_of_media(conn, mid)
            key = row.tag.strip().lower()
            if key not in tag_ids:
                tag_ids[key] = _resolve_tag(conn, row.tag, where, line=row.line)
            _check_times(conn, mid, row.start_ms, row.end_ms, where, row.line, media_end[mid])
            new_id = _normalise_id(row.id, where, row.line) if row.id else next(fresh_ids)
            prepared.append(
                (
                    new_id,
                    mid,
                    row.start_ms,
                    row.end_ms,
                    tag_ids[key],
                    row.note,
                    default_annotator(row.annotator) if row.annotator else who,
                )
            )
        report = ImportReport()
        start = 0
        while start < len(prepared):
            batch_started = time.monotonic()
            with self._write() as wconn:
                now = _now()
                end = start
                while end < len(prepared) and end - start < batch_rows:
                    chunk = prepared[end : min(end + _CHUNK_ROWS, start + batch_rows)]
                    _insert_chunk(wconn, chunk, now, report)
                    end += len(chunk)
                    if time.monotonic() - batch_started > batch_seconds:
                        break
            if on_commit is not None:
                on_commit([row[0] for row in prepared[start:end]])
            start = end
        return report

    # ----------------------------------------------------------------------------- search

    def search(
        self, query: str, *, limit: int = 200, media_id: int | None = None
    ) -> list[SearchHit]:
        """Cues and annotation notes matching ``query`` (see :func:`to_fts_query`), in time
        order; at most ``limit`` of each kind (0: no limit)."""
        where = str(self.path)
        try:
            fts = to_fts_query(query)
        except SearchQueryError as exc:
            raise SearchQueryError(exc.message, where) from None
        tid = self._transcript_id(media_id)
        mid = self.media(media_id).id
        lim = limit if limit > 0 else -1
        try:
            cue_rows = self._conn.execute(
                "SELECT c.position, c.start_ms, c.end_ms, c.text, "
                "snippet(cues_fts, 0, '[', ']', '…', 16) FROM cues_fts "
                "JOIN cues c ON c.id = cues_fts.rowid "
                "WHERE cues_fts MATCH ? AND c.transcript_id = ? ORDER BY cues_fts.rowid LIMIT ?",
                (fts, tid, lim),
            ).fetchall()
            note_rows = self._conn.execute(
                "SELECT a.id, a.start_ms, a.end_ms, a.note, t.name, "
                "snippet(annotations_fts, 0, '[', ']', '…', 16) FROM annotations_fts "
                "JOIN annotations a ON a.rowid = annotations_fts.rowid "
                "JOIN tags t ON t.id = a.tag_id "
                "WHERE annotations_fts MATCH ? AND a.deleted_at IS NULL AND a.media_id = ? "
                "ORDER BY a.start_ms LIMIT ?",
                (fts, mid, lim),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            message = str(exc).removeprefix("fts5: ")
            raise SearchQueryError(
                f'cannot search for {query!r} ({message}); use words, "exact phrases", '
                "prefix* and AND / OR / NOT between terms",
                where,
            ) from exc
        hits = [SearchHit("cue", r[1], r[2], r[3], r[4], cue_number=r[0]) for r in cue_rows] + [
            SearchHit("note", r[1], r[2], r[3], r[5], annotation_id=r[0], tag=r[4])
            for r in note_rows
        ]
        hits.sort(key=lambda h: (h.start_ms, h.kind != "cue"))
        return hits

    # ----------------------------------------------------------------------------- claims

    def add_claim(
        self,
        start_ms: int,
        end_ms: int,
        text: str,
        *,
        values: Sequence[dict[str, Any]] = (),
        unit: str = "",
        qualifier: str = "",
        period: str = "",
        place: str = "",
        subject: str = "",
        speaker: str = "",
        score: float | None = None,
        reasons: Sequence[str] = (),
        annotator: str | None = None,
        media_id: int | None = None,
        claim_id: str | None = None,
    ) -> Claim:
        """Tag ``[start_ms, end_ms)`` statistic-claim and create its claim record, in ONE
        transaction; return the claim (undo: ``delete_claim(new.id)``; redo: ``restore_claim``).

        The annotation's note is the claim's text, so note search finds claims.
        """
        where = str(self.path)
        new_id = _normalise_id(claim_id, where) if claim_id else str(uuid.uuid4())
        annotation_id = str(uuid.uuid4())
        who = default_annotator(annotator)
        if not text.strip():
            raise InvalidClaimError("a claim needs its text (the sentence said)", where)
        with self._write() as conn:
            mid = self.media(media_id).id
            tag_id = _resolve_tag(conn, CLAIM_TAG, where)
            _check_times(conn, mid, start_ms, end_ms, where, None)
            now = _now()
            conn.execute(
                "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, "
                "annotator, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,1)",
                (annotation_id, mid, start_ms, end_ms, tag_id, text, who, now, now),
            )
            try:
                _insert_claim(
                    conn,
                    new_id,
                    annotation_id,
                    None,
                    None,
                    None,
                    text,
                    values,
                    (unit, qualifier, period, place, subject, speaker),
                    score,
                    reasons,
                    now,
                )
            except sqlite3.IntegrityError:
                raise InvalidClaimError(f"claim {new_id} already exists", where) from None
            return _claim_by_id(conn, new_id)

    def accept_suggestion(
        self,
        suggestion: claims_mod.Suggestion,
        *,
        annotator: str | None = None,
        media_id: int | None = None,
    ) -> Claim:
        """Make a detected suggestion a claim of the film (one undoable step, see add_claim)."""
        s = suggestion
        return self.add_claim(
            s.sentence.start_ms,
            max(s.sentence.end_ms, s.sentence.start_ms + 1),
            s.text,
            values=[q.as_dict() for q in s.quantities],
            unit=s.unit,
            qualifier=s.qualifier,
            period=s.period,
            place=s.place,
            subject=s.subject,
            speaker=s.speaker,
            score=s.score,
            reasons=s.reasons,
            annotator=annotator,
            media_id=media_id,
        )

    def claim(self, claim_id: str, *, include_deleted: bool = False) -> Claim:
        """The claim with this id (or a unique prefix of it)."""
        where = str(self.path)
        text = claim_id.strip().lower()
        if not text:
            raise UnknownClaimError("no claim id given", where)
        rows = self._conn.execute(
            f"SELECT {_CLAIM_COLUMNS} FROM {_CLAIM_FROM} WHERE c.id LIKE ? ESCAPE '\\' LIMIT 2",
            (text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        live = [r for r in rows if include_deleted or r[-1] is None]
        if not live:
            raise UnknownClaimError(f"no claim with id '{claim_id}'", where)
        if len(rows) > 1:
            raise UnknownClaimError(f"claim id '{claim_id}' is ambiguous; give more of it", where)
        return _claim_from_row(live[0])

    def claims(
        self,
        *,
        source_id: int | None = None,
        include_sources: bool = False,
        include_deleted: bool = False,
    ) -> list[Claim]:
        """Claims of the film in time order (``source_id``: of that document, in reading
        order; ``include_sources``: the film's, then every document's)."""
        if source_id is not None:
            sql = f"SELECT {_CLAIM_COLUMNS} FROM {_CLAIM_FROM} WHERE c.source_id = ?"
            params: tuple[Any, ...] = (source_id,)
        elif include_sources:
            sql, params = f"SELECT {_CLAIM_COLUMNS} FROM {_CLAIM_FROM} WHERE 1", ()
        else:
            sql = f"SELECT {_CLAIM_COLUMNS} FROM {_CLAIM_FROM} WHERE c.annotation_id IS NOT NULL"
            params = ()
        if not include_deleted:
            sql += " AND c.deleted_at IS NULL"
        sql += " ORDER BY c.source_id IS NOT NULL, c.source_id, a.start_ms, c.char_start, c.rowid"
        return [_claim_from_row(r) for r in self._conn.execute(sql, params)]

    def update_claim(self, claim_id: str, **fields: Any) -> dict[str, Any]:
        """Change fields (text, values, unit, qualifier, period, place, subject, speaker, note,
        reviewer); return their old values (``update_claim(id, **old)`` undoes)."""
        where = str(self.path)
        allowed = {
            "text",
            "values",
            "unit",
            "qualifier",
            "period",
            "place",
            "subject",
            "speaker",
            "note",
            "reviewer",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidClaimError(f"cannot change {', '.join(sorted(unknown))} of a claim", where)
        with self._write() as conn:
            old = self._live_claim(conn, claim_id)
            previous: dict[str, Any] = {}
            sets: dict[str, Any] = {}
            for key, value in fields.items():
                if key == "values":
                    previous[key] = [dict(v) for v in old.values]
                    sets["claim_values"] = json.dumps(list(value), ensure_ascii=False)
                else:
                    previous[key] = getattr(old, key)
                    sets[key] = value
            if sets:
                assignments = ", ".join(f"{k} = ?" for k in sets)
                conn.execute(
                    f"UPDATE claims SET {assignments}, version = version + 1, updated_at = ? "
                    "WHERE id = ?",
                    (*sets.values(), _now(), old.id),
                )
            return previous

    def delete_claim(self, claim_id: str) -> Claim:
        """Soft-delete a claim and its annotation together; return it (undo: restore_claim)."""
        with self._write() as conn:
            old = self._live_claim(conn, claim_id)
            now = _now()
            conn.execute(
                "UPDATE claims SET deleted_at = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ?",
                (now, now, old.id),
            )
            if old.annotation_id is not None:
                conn.execute(
                    "UPDATE annotations SET deleted_at = ?, updated_at = ?, "
                    "version = version + 1 WHERE id = ? AND deleted_at IS NULL",
                    (now, now, old.annotation_id),
                )
            return old

    def restore_claim(self, claim: Claim) -> Claim:
        """Bring a claim back as ``claim`` holds it (with its annotation); return the row."""
        where = str(self.path)
        with self._write() as conn:
            now = _now()
            if conn.execute("SELECT 1 FROM claims WHERE id = ?", (claim.id,)).fetchone() is None:
                raise UnknownClaimError(f"no claim with id '{claim.id}'", where)
            conn.execute(
                "UPDATE claims SET text = ?, claim_values = ?, unit = ?, qualifier = ?, "
                "period = ?, place = ?, subject = ?, speaker = ?, status = ?, reviewer = ?, "
                "note = ?, deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                (
                    claim.text,
                    json.dumps(list(claim.values), ensure_ascii=False),
                    claim.unit,
                    claim.qualifier,
                    claim.period,
                    claim.place,
                    claim.subject,
                    claim.speaker,
                    claim.status,
                    claim.reviewer,
                    claim.note,
                    claim.deleted_at,
                    now,
                    claim.id,
                ),
            )
            if claim.annotation_id is not None:
                conn.execute(
                    "UPDATE annotations SET deleted_at = ?, updated_at = ?, "
                    "version = version + 1 WHERE id = ?",
                    (claim.deleted_at, now, claim.annotation_id),
                )
            return _claim_by_id(conn, claim.id)

    def set_claim_status(
        self,
        claim_id: str,
        status: str,
        *,
        reviewer: str | None = None,
        note: str = "",
        evidence: Sequence[EvidenceInput] = (),
    ) -> StatusChange:
        """Give a claim a verdict (and the evidence it rests on), recorded in its history;
        return the change (undo: ``revert_status(change)``)."""
        where = str(self.path)
        wanted = " ".join(status.strip().lower().replace("-", " ").replace("_", " ").split())
        if wanted not in CLAIM_STATUSES:
            raise InvalidClaimError(
                f"unknown status '{status}'; use one of: {', '.join(CLAIM_STATUSES)}", where
            )
        who = default_annotator(reviewer)
        with self._write() as conn:
            old = self._live_claim(conn, claim_id)
            now = _now()
            ids = tuple(_insert_evidence(conn, old.id, e, now, who) for e in evidence)
            conn.execute(
                "UPDATE claims SET status = ?, reviewer = ?, version = version + 1, "
                "updated_at = ? WHERE id = ?",
                (wanted, who, now, old.id),
            )
            cursor = conn.execute(
                "INSERT INTO claim_history (claim_id, old_status, new_status, reviewer, note, "
                "changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (old.id, old.status, wanted, who, note, now),
            )
            assert cursor.lastrowid is not None
            return StatusChange(cursor.lastrowid, old.id, old.status, wanted, who, note, now, ids)

    def revert_status(self, change: StatusChange) -> StatusChange:
        """Undo :meth:`set_claim_status`: the old verdict back, its evidence removed; the
        history keeps both changes."""
        with self._write() as conn:
            claim = self._live_claim(conn, change.claim_id)
            now = _now()
            old_status = change.old_status or "unchecked"
            for ev in change.evidence_ids:
                conn.execute(
                    "UPDATE claim_evidence SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                    (now, ev),
                )
            conn.execute(
                "UPDATE claims SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
                (old_status, now, claim.id),
            )
            cursor = conn.execute(
                "INSERT INTO claim_history (claim_id, old_status, new_status, reviewer, note, "
                "changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (claim.id, claim.status, old_status, change.reviewer, "undo", now),
            )
            assert cursor.lastrowid is not None
            return StatusChange(
                cursor.lastrowid, claim.id, claim.status, old_status, change.reviewer, "undo", now
            )

    def claim_history(self, claim_id: str) -> list[StatusChange]:
        """Every verdict change of a claim, oldest first."""
        cid = self.claim(claim_id, include_deleted=True).id
        rows = self._conn.execute(
            "SELECT id, claim_id, old_status, new_status, reviewer, note, changed_at "
            "FROM claim_history WHERE claim_id = ? ORDER BY id",
            (cid,),
        )
        return [StatusChange(*r) for r in rows]

    def add_evidence(
        self, claim_id: str, evidence: EvidenceInput, *, added_by: str | None = None
    ) -> Evidence:
        """Attach evidence to a claim; return it (undo: ``remove_evidence(new.id)``)."""
        who = default_annotator(added_by)
        with self._write() as conn:
            claim = self._live_claim(conn, claim_id)
            new_id = _insert_evidence(conn, claim.id, evidence, _now(), who)
            return _evidence_by_id(conn, new_id)

    def remove_evidence(self, evidence_id: int) -> Evidence:
        """Take evidence off its claim; return it (undo: ``restore_evidence(old)``)."""
        with self._write() as conn:
            old = _evidence_by_id(conn, evidence_id)
            if old.removed_at is not None:
                raise UnknownClaimError(
                    f"evidence {evidence_id} is already removed", str(self.path)
                )
            conn.execute(
                "UPDATE claim_evidence SET removed_at = ? WHERE id = ?", (_now(), evidence_id)
            )
            return old

    def restore_evidence(self, evidence: Evidence) -> Evidence:
        """Put removed evidence back."""
        with self._write() as conn:
            conn.execute(
                "UPDATE claim_evidence SET removed_at = ? WHERE id = ?",
                (evidence.removed_at, evidence.id),
            )
            return _evidence_by_id(conn, evidence.id)

    def evidence(self, claim_id: str) -> list[Evidence]:
        """The evidence attached to a claim, in the order added."""
        cid = self.claim(claim_id, include_deleted=True).id
        rows = self._conn.execute(
            f"SELECT {_EVIDENCE_COLUMNS} FROM claim_evidence WHERE claim_id = ? "
            "AND removed_at IS NULL ORDER BY id",
            (cid,),
        )
        return [Evidence(*r) for r in rows]

    def _live_claim(self, conn: sqlite3.Connection, claim_id: str) -> Claim:
        claim = self.claim(claim_id)
        del conn
        return claim

    # ---------------------------------------------------------------------------- sources

    def add_source(
        self,
        text: str,
        *,
        title: str,
        path: str | Path | None = None,
        url: str | None = None,
        content_type: str = "text/plain",
        added_by: str | None = None,
        detected: Sequence[claims_mod.Suggestion] = (),
    ) -> tuple[Source, list[Claim]]:
        """Add a document's text and the claims detected in it, in one transaction (undo:
        ``delete_claim`` of each claim; the text stays, as sources are never edited)."""
        who = default_annotator(added_by)
        digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._write() as conn:
            now = _now()
            cursor = conn.execute(
                "INSERT INTO sources (title, path, url, content_type, content_hash, text, "
                "added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    None if path is None else str(Path(path).absolute()),
                    url,
                    content_type,
                    digest,
                    text,
                    now,
                    who,
                ),
            )
            sid = cursor.lastrowid
            assert sid is not None
            ids = []
            for s in detected:
                new_id = str(uuid.uuid4())
                start = s.sentence.char_start
                _insert_claim(
                    conn,
                    new_id,
                    None,
                    sid,
                    start,
                    max(s.sentence.char_end, start + len(s.text)),
                    s.text,
                    [q.as_dict() for q in s.quantities],
                    (s.unit, s.qualifier, s.period, s.place, s.subject, s.speaker),
                    s.score,
                    s.reasons,
                    now,
                )
                ids.append(new_id)
            return _source_by_id(conn, sid), [_claim_by_id(conn, i) for i in ids]

    def sources(self) -> list[Source]:
        """The documents added to the project, oldest first."""
        rows = self._conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id")
        return [Source(*r) for r in rows]

    def source(self, source_id: int) -> Source:
        """One source document."""
        return _source_by_id(self._conn, source_id, str(self.path))

    def find_source(self, content_hash: str) -> Source | None:
        """The source already holding exactly this text (``sha256:...``), if any."""
        row = self._conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE content_hash = ? ORDER BY id LIMIT 1",
            (content_hash,),
        ).fetchone()
        return None if row is None else Source(*row)

    # ----------------------------------------------------------------------------- links

    def link_claims(
        self,
        claim_a: str,
        claim_b: str,
        *,
        measure: str,
        relation: str,
        note: str = "",
        created_by: str | None = None,
    ) -> tuple[ClaimLink, ClaimLink | None]:
        """Link two claims measuring the same thing; return (the link, the one it replaced)
        (undo: ``unlink_claims`` the new one, then ``restore_link`` the old one if any)."""
        where = str(self.path)
        if relation not in LINK_RELATIONS:
            raise InvalidClaimError(
                f"unknown relation '{relation}'; use one of: {', '.join(LINK_RELATIONS)}", where
            )
        with self._write() as conn:
            a = self._live_claim(conn, claim_a).id
            b = self._live_claim(conn, claim_b).id
            if a == b:
                raise InvalidClaimError("a claim cannot be linked to itself", where)
            a, b = sorted((a, b))
            old = _link(conn, a, b)
            conn.execute(
                "INSERT OR REPLACE INTO claim_links (claim_a, claim_b, measure, relation, note, "
                "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (a, b, measure, relation, note, _now(), default_annotator(created_by)),
            )
            new = _link(conn, a, b)
            assert new is not None
            return new, old

    def unlink_claims(self, claim_a: str, claim_b: str) -> ClaimLink:
        """Remove a link; return it (undo: ``restore_link(old)``)."""
        a, b = sorted((claim_a, claim_b))
        with self._write() as conn:
            old = _link(conn, a, b)
            if old is None:
                raise UnknownClaimError(f"no link between {a} and {b}", str(self.path))
            conn.execute("DELETE FROM claim_links WHERE claim_a = ? AND claim_b = ?", (a, b))
            return old

    def restore_link(self, link: ClaimLink) -> ClaimLink:
        """Put a link back exactly."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO claim_links (claim_a, claim_b, measure, relation, note, "
                "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    link.claim_a,
                    link.claim_b,
                    link.measure,
                    link.relation,
                    link.note,
                    link.created_at,
                    link.created_by,
                ),
            )
            restored = _link(conn, link.claim_a, link.claim_b)
            assert restored is not None
            return restored

    def claim_links(self, claim_id: str | None = None) -> list[ClaimLink]:
        """Links between live claims (of one claim, when given)."""
        sql = (
            "SELECT l.claim_a, l.claim_b, l.measure, l.relation, l.note, l.created_at, "
            "l.created_by FROM claim_links l JOIN claims x ON x.id = l.claim_a "
            "JOIN claims y ON y.id = l.claim_b WHERE x.deleted_at IS NULL AND y.deleted_at IS NULL"
        )
        params: tuple[Any, ...] = ()
        if claim_id is not None:
            cid = self.claim(claim_id).id
            sql += " AND (l.claim_a = ? OR l.claim_b = ?)"
            params = (cid, cid)
        return [ClaimLink(*r) for r in self._conn.execute(sql + " ORDER BY l.measure", params)]


# ------------------------------------------------------------------------------ SQL helpers


def _insert_transcript(
    conn: sqlite3.Connection,
    media_id: int,
    transcript: Transcript,
    path: str | None,
    content_hash: str | None,
    now: str,
) -> int:
    cursor = conn.execute(
        "INSERT INTO transcripts (media_id, path, source_format, encoding, content_hash, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?)",
        (media_id, path, transcript.source_format, transcript.encoding, content_hash, now),
    )
    tid = cursor.lastrowid
    assert tid is not None
    conn.executemany(
        "INSERT INTO cues (transcript_id, position, start_ms, end_ms, text, ident, speaker, line) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (tid, n, c.start_ms, c.end_ms, c.text, c.id, c.speaker, c.line)
            for n, c in enumerate(transcript.cues, 1)
        ),
    )
    conn.execute(
        "INSERT INTO cues_fts (rowid, text) SELECT id, text FROM cues WHERE transcript_id = ?",
        (tid,),
    )
    return tid


_CHUNK_ROWS: Final = 250
_ImportRow = tuple[str, int, int, int, int, str, str]


def _insert_chunk(
    conn: sqlite3.Connection, chunk: Sequence[_ImportRow], now: str, report: ImportReport
) -> None:
    """Insert rows whose id is not stored yet; report the others (and if they differ)."""
    marks = ",".join("?" * len(chunk))
    stored = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            "SELECT id, media_id, start_ms, end_ms, tag_id, note, annotator, deleted_at "
            f"FROM annotations WHERE id IN ({marks})",
            [row[0] for row in chunk],
        )
    }
    fresh: list[tuple[Any, ...]] = []
    for row in chunk:
        new_id = row[0]
        if new_id in stored:
            report.present.append(new_id)
            if stored[new_id] != (*row[1:], None):
                report.differing.append(new_id)
        else:
            stored[new_id] = (*row[1:], None)  # a repeat later in the input counts as present
            report.added.append(new_id)
            fresh.append((*row, now, now))
    conn.executemany(
        "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, annotator, "
        "created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,1)",
        fresh,
    )


def _random_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs as text, in ascending order.

    One os.urandom call: uuid.uuid4() per row cost 0.5 s per 100,000. Sorted, so an import
    walks the id index from left to right instead of jumping about it: about 0.5 s less CPU
    for 100,000 rows (benchmarks/store.py). Not time-ordered (version 7) ids: those share
    their first twelve digits, and people type the first few digits of an id.
    """
    raw = os.urandom(16 * count).hex()
    ids = []
    for k in range(0, 32 * count, 32):
        h = raw[k : k + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    ids.sort()
    return ids


def _media(row: dict[str, Any]) -> Media:
    fps = Fraction(row["fps_num"], row["fps_den"]) if row["fps_num"] is not None else None
    return Media(
        id=row["id"],
        path=row["path"],
        size=row["size"],
        content_hash=row["content_hash"],
        duration_ms=row["duration_ms"],
        fps=fps,
        start_tc=row["start_tc"],
        added_at=row["added_at"],
    )


def _tag(row: dict[str, Any]) -> Tag:
    return Tag(
        name=row["name"],
        label=row["label"],
        colour=row["colour"],
        hotkey=row["hotkey"],
        description=row["description"],
        position=row["position"] or 0,
    )


def _tag_by_id(conn: sqlite3.Connection, tag_id: int) -> Tag:
    row = conn.execute(
        "SELECT name, label, colour, hotkey, description, position FROM tags WHERE id = ?",
        (tag_id,),
    ).fetchone()
    return Tag(row[0], row[1], row[2], row[3], row[4], row[5] or 0)


def _resolve_tag(
    conn: sqlite3.Connection,
    text: str,
    where: str,
    *,
    line: int | None = None,
    include_removed: bool = False,
) -> int:
    """Row id of the tag called ``text``: by name, canonical name or label, any case."""
    live = "" if include_removed else " AND removed_at IS NULL"
    wanted = text.strip()
    candidates = [wanted]
    with contextlib.suppress(VocabularyError):
        candidates.append(normalise_name(wanted))
    for candidate in candidates:
        row = conn.execute(
            f"SELECT id FROM tags WHERE name = ? COLLATE NOCASE{live}", (candidate,)
        ).fetchone()
        if row is not None:
            return int(row[0])
    row = conn.execute(
        f"SELECT id FROM tags WHERE label = ? COLLATE NOCASE{live}", (" ".join(wanted.split()),)
    ).fetchone()
    if row is not None:
        return int(row[0])
    known = ", ".join(
        str(r[0])
        for r in conn.execute("SELECT name FROM tags WHERE removed_at IS NULL ORDER BY position")
    )
    raise UnknownTagError(f"unknown tag '{wanted}'; known tags: {known}", where, line)


def _place_tag(conn: sqlite3.Connection, tag_id: int | None, position: int | None) -> None:
    """Put ``tag_id`` at 1-based ``position`` (None: keep/last) and renumber the live tags."""
    order = [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM tags WHERE removed_at IS NULL ORDER BY "
            "CASE WHEN position IS NULL OR position = 0 THEN 1 ELSE 0 END, position, id"
        )
    ]
    if tag_id is not None and position is not None:
        order.remove(tag_id)
        index = min(max(position, 1), len(order) + 1) - 1
        order.insert(index, tag_id)
    conn.executemany(
        "UPDATE tags SET position = ? WHERE id = ?", [(n, tid) for n, tid in enumerate(order, 1)]
    )


def _check_colour_free(
    conn: sqlite3.Connection, colour: str, tag_id: int | None, where: str
) -> None:
    row = conn.execute(
        "SELECT name FROM tags WHERE colour = ? AND removed_at IS NULL AND id IS NOT ?",
        (colour, tag_id),
    ).fetchone()
    if row is not None:
        raise VocabularyError(f"colour {colour} is already used by tag '{row[0]}'", where)


def _check_hotkey_free(conn: sqlite3.Connection, key: str, tag_id: int | None, where: str) -> None:
    row = conn.execute(
        "SELECT name FROM tags WHERE hotkey = ? AND id IS NOT ?", (key, tag_id)
    ).fetchone()
    if row is not None:
        raise VocabularyError(
            f"hotkey {key} is already used by tag '{row[0]}'; clear it there first (--hotkey none)",
            where,
        )


def _annotation_by_id(conn: sqlite3.Connection, annotation_id: str) -> Annotation | None:
    row = conn.execute(
        f"SELECT {_ANNOTATION_COLUMNS} FROM {_ANNOTATION_FROM} WHERE a.id = ?",
        (annotation_id.strip().lower(),),
    ).fetchone()
    return None if row is None else Annotation(*row)


def _end_of_media(conn: sqlite3.Connection, media_id: int) -> int | None:
    row = conn.execute("SELECT duration_ms FROM media WHERE id = ?", (media_id,)).fetchone()
    if row is not None and row[0] is not None:
        return int(row[0])
    row = conn.execute(
        "SELECT max(c.end_ms) FROM cues c JOIN transcripts t ON t.id = c.transcript_id "
        "WHERE t.media_id = ?",
        (media_id,),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _check_times(
    conn: sqlite3.Connection,
    media_id: int,
    start_ms: int,
    end_ms: int,
    where: str,
    line: int | None,
    end_of_media: int | Any | None = _UNSET,
) -> None:
    if not isinstance(start_ms, int) or not isinstance(end_ms, int):
        raise InvalidAnnotationError("times must be whole milliseconds", where, line)
    if start_ms < 0:
        raise InvalidAnnotationError("start is before 0", where, line)
    if end_ms <= start_ms:
        raise InvalidAnnotationError(
            f"start ({format_ms(start_ms, '.')}) must be before end ({format_ms(end_ms, '.')})",
            where,
            line,
        )
    limit = _end_of_media(conn, media_id) if end_of_media is _UNSET else end_of_media
    if limit is not None and end_ms > limit:
        raise InvalidAnnotationError(
            f"end {format_ms(end_ms, '.')} is past the end of the media ({format_ms(limit, '.')})",
            where,
            line,
        )


def _vocab(fn: Callable[[Any], Any], value: Any, where: str) -> Any:
    try:
        return fn(value)
    except VocabularyError as exc:
        raise VocabularyError(exc.message, where) from None


def _write_error(exc: sqlite3.OperationalError, where: str) -> ProjectError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ProjectBusyError(
            f"another program kept the project locked for {BUSY_TIMEOUT_S:.0f} s; "
            "nothing was changed, try again",
            where,
        )
    if "full" in text:
        return ProjectError("the disk is full; the change was not saved", where)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyProjectError(f"the project cannot be written ({text})", where)
    return ProjectError(f"the change was not saved ({text})", where)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- claims SQL helpers

_CLAIM_COLUMNS: Final = (
    "c.id, c.annotation_id, c.source_id, a.start_ms, a.end_ms, c.char_start, c.char_end, "
    "c.text, c.claim_values, c.unit, c.qualifier, c.period, c.place, c.subject, c.speaker, "
    "c.status, c.reviewer, c.note, c.score, c.reasons, c.created_at, c.updated_at, c.version, "
    "c.deleted_at"
)
_CLAIM_FROM: Final = "claims c LEFT JOIN annotations a ON a.id = c.annotation_id"
_EVIDENCE_COLUMNS: Final = (
    "id, claim_id, url, document, passage, retrieved_at, still_png, still_ms, added_at, "
    "added_by, removed_at"
)
_SOURCE_COLUMNS: Final = (
    "id, title, path, url, content_type, content_hash, text, added_at, added_by"
)


def _claim_from_row(row: Sequence[Any]) -> Claim:
    fields = list(row)
    fields[8] = tuple(json.loads(row[8]))
    fields[19] = tuple(json.loads(row[19]))
    return Claim(*fields)


def _claim_by_id(conn: sqlite3.Connection, claim_id: str) -> Claim:
    row = conn.execute(
        f"SELECT {_CLAIM_COLUMNS} FROM {_CLAIM_FROM} WHERE c.id = ?", (claim_id,)
    ).fetchone()
    assert row is not None
    return _claim_from_row(row)


def _insert_claim(
    conn: sqlite3.Connection,
    claim_id: str,
    annotation_id: str | None,
    source_id: int | None,
    char_start: int | None,
    char_end: int | None,
    text: str,
    values: Sequence[dict[str, Any]],
    described: tuple[str, str, str, str, str, str],
    score: float | None,
    reasons: Sequence[str],
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO claims (id, annotation_id, source_id, char_start, char_end, text, "
        "claim_values, unit, qualifier, period, place, subject, speaker, score, reasons, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            claim_id,
            annotation_id,
            source_id,
            char_start,
            char_end,
            text,
            json.dumps([dict(v) for v in values], ensure_ascii=False),
            *described,
            score,
            json.dumps(list(reasons), ensure_ascii=False),
            now,
            now,
        ),
    )


def _insert_evidence(
    conn: sqlite3.Connection, claim_id: str, e: EvidenceInput, now: str, who: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO claim_evidence (claim_id, url, document, passage, retrieved_at, still_png, "
        "still_ms, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            claim_id,
            e.url,
            e.document,
            e.passage,
            e.retrieved_at or (now[:10] if e.url or e.document else None),
            e.still_png,
            e.still_ms,
            now,
            who,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _evidence_by_id(conn: sqlite3.Connection, evidence_id: int) -> Evidence:
    row = conn.execute(
        f"SELECT {_EVIDENCE_COLUMNS} FROM claim_evidence WHERE id = ?", (evidence_id,)
    ).fetchone()
    if row is None:
        raise UnknownClaimError(f"no evidence with id {evidence_id}")
    return Evidence(*row)


def _source_by_id(conn: sqlite3.Connection, source_id: int, where: str | None = None) -> Source:
    row = conn.execute(
        f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
    ).fetchone()
    if row is None:
        raise UnknownSourceError(f"no source with id {source_id}", where)
    return Source(*row)


def _link(conn: sqlite3.Connection, a: str, b: str) -> ClaimLink | None:
    row = conn.execute(
        "SELECT claim_a, claim_b, measure, relation, note, created_at, created_by "
        "FROM claim_links WHERE claim_a = ? AND claim_b = ?",
        (a, b),
    ).fetchone()
    return None if row is None else ClaimLink(*row)
