"""Numbered schema steps of the project file; each runs in its own ``BEGIN IMMEDIATE``.

The schema version lives in the SQLite header (``PRAGMA user_version``, bytes 60-63) and the
file's kind in ``PRAGMA application_id`` (bytes 68-71), so both can be read from the first 100
bytes of a file without opening it: a file from a newer program is refused before SQLite
touches it.

The DDL of each step is frozen text: once released, a step is never edited, because files made
by it exist. A later feature (claims and sources, other annotators, merging) adds a step that
creates its tables and references ``annotations(id)`` (the UUID, stable across files) and
``media(id)``; nothing here has to change for that.

Only ``core/store.py`` calls :func:`migrate`; it snapshots an existing file with
``VACUUM INTO`` first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "migrate",
    "split_statements",
]

APPLICATION_ID: Final = 0x4B524556  # "KREV": marks a karachi_review project file

V1_SQL: Final = f"""
PRAGMA application_id = {APPLICATION_ID};

-- Free-form facts about the project: title, project_id (UUID), created_at, created_by.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The programme under review. A row exists even before its file is known (path NULL), so
-- that annotations always belong to a media. duration/fps/start_tc come from probing (NULL
-- until known); the rate is kept as an exact fraction.
CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    path         TEXT,
    size         INTEGER CHECK (size IS NULL OR size >= 0),
    content_hash TEXT,
    duration_ms  INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
    fps_num      INTEGER,
    fps_den      INTEGER,
    start_tc     TEXT,
    added_at     TEXT NOT NULL,
    CHECK ((fps_num IS NULL) = (fps_den IS NULL)),
    CHECK (fps_num IS NULL OR (fps_num > 0 AND fps_den > 0))
);

CREATE TABLE transcripts (
    id            INTEGER PRIMARY KEY,
    media_id      INTEGER NOT NULL REFERENCES media(id),
    path          TEXT,
    source_format TEXT NOT NULL,
    encoding      TEXT NOT NULL,
    content_hash  TEXT,
    imported_at   TEXT NOT NULL
);

-- position is the 1-based cue number shown to the user; ident/speaker/line come from the file.
CREATE TABLE cues (
    id            INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id),
    position      INTEGER NOT NULL,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL,
    text          TEXT NOT NULL,
    ident         TEXT,
    speaker       TEXT,
    line          INTEGER,
    UNIQUE (transcript_id, position)
);
CREATE INDEX cues_time ON cues (transcript_id, start_ms);

-- External-content index: the store inserts the rows itself right after the cues (cheaper
-- than a trigger per cue for a million-cue transcript).
CREATE VIRTUAL TABLE cues_fts USING fts5(
    text, content='cues', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);

-- removed_at marks a tag taken out of the vocabulary; the row stays so that deleted
-- annotations (tombstones) keep their tag and a removal can be undone.
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    label       TEXT NOT NULL,
    colour      TEXT NOT NULL,
    hotkey      TEXT UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER,
    removed_at  TEXT
);

-- id is a UUID: the identity of an annotation across copies, exports and annotators.
-- deleted_at is the soft-delete tombstone; version counts changes (merging will need it).
CREATE TABLE annotations (
    id          TEXT NOT NULL UNIQUE,
    media_id    INTEGER NOT NULL REFERENCES media(id),
    start_ms    INTEGER NOT NULL CHECK (start_ms >= 0),
    end_ms      INTEGER NOT NULL CHECK (end_ms >= start_ms),
    tag_id      INTEGER NOT NULL REFERENCES tags(id),
    note        TEXT NOT NULL DEFAULT '',
    annotator   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    deleted_at  TEXT
);
CREATE INDEX annotations_media_time ON annotations (media_id, start_ms);
CREATE INDEX annotations_tag ON annotations (tag_id);
"""

V2_SQL: Final = """
-- Full-text search over annotation notes, kept in step by triggers (notes change through
-- several store calls; a trigger cannot be forgotten by one of them).
CREATE VIRTUAL TABLE annotations_fts USING fts5(
    note, content='annotations', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
-- Empty notes (most rows) are not indexed; each trigger tests the same condition, because an
-- external-content FTS5 'delete' of a row that was never indexed would corrupt the index.
CREATE TRIGGER annotations_fts_insert AFTER INSERT ON annotations WHEN new.note != '' BEGIN
    INSERT INTO annotations_fts (rowid, note) VALUES (new.rowid, new.note);
END;
CREATE TRIGGER annotations_fts_delete AFTER DELETE ON annotations WHEN old.note != '' BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, note)
        VALUES ('delete', old.rowid, old.note);
END;
CREATE TRIGGER annotations_fts_update AFTER UPDATE OF note ON annotations BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, note)
        SELECT 'delete', old.rowid, old.note WHERE old.note != '';
    INSERT INTO annotations_fts (rowid, note) SELECT new.rowid, new.note WHERE new.note != '';
END;
INSERT INTO annotations_fts (rowid, note) SELECT rowid, note FROM annotations WHERE note != '';

-- The end of the media falls back to the transcript's last cue end: one index lookup instead
-- of a scan of every cue on each tag.
CREATE INDEX cues_end ON cues (transcript_id, end_ms);
"""

V3_SQL: Final = """
-- Documents checked against the film (a news article, a report): their text as added, so that
-- a claim's character offsets keep pointing at the same words.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    path         TEXT,
    url          TEXT,
    content_type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text         TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL
);

-- A numeric claim. A claim of the film belongs to an annotation (tagged statistic-claim; its
-- times are the annotation's); a claim of a document belongs to a source (character offsets).
-- claim_values is JSON: [{"text": "24 million", "value": 24000000, "kind": ..., "role": ...}].
CREATE TABLE claims (
    id            TEXT NOT NULL UNIQUE,
    annotation_id TEXT UNIQUE REFERENCES annotations(id),
    source_id     INTEGER REFERENCES sources(id),
    char_start    INTEGER,
    char_end      INTEGER,
    text          TEXT NOT NULL,
    claim_values  TEXT NOT NULL DEFAULT '[]',
    unit          TEXT NOT NULL DEFAULT '',
    qualifier     TEXT NOT NULL DEFAULT '',
    period        TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    speaker       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'unchecked' CHECK (status IN
                  ('unchecked', 'sourced', 'supported', 'disputed', 'false', 'needs context')),
    reviewer      TEXT,
    note          TEXT NOT NULL DEFAULT '',
    score         REAL,
    reasons       TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    deleted_at    TEXT,
    CHECK ((annotation_id IS NULL) != (source_id IS NULL))
);
CREATE INDEX claims_source ON claims (source_id);

-- What a verdict rests on: a URL or a document, the quoted passage, when it was retrieved,
-- and optionally the exact frame of the film (PNG) as a still. removed_at: undoable removal.
CREATE TABLE claim_evidence (
    id           INTEGER PRIMARY KEY,
    claim_id     TEXT NOT NULL REFERENCES claims(id),
    url          TEXT,
    document     TEXT,
    passage      TEXT NOT NULL DEFAULT '',
    retrieved_at TEXT,
    still_png    BLOB,
    still_ms     INTEGER,
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    removed_at   TEXT
);
CREATE INDEX claim_evidence_claim ON claim_evidence (claim_id);

-- Every change of verdict, never edited: who, when, from what to what, and why.
CREATE TABLE claim_history (
    id          INTEGER PRIMARY KEY,
    claim_id    TEXT NOT NULL REFERENCES claims(id),
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    changed_at  TEXT NOT NULL
);
CREATE INDEX claim_history_claim ON claim_history (claim_id);

-- Two claims measuring the same thing (population of Karachi; kidnapping cases), and how they
-- relate: agree, disagree, or measured in different periods. claim_a < claim_b.
CREATE TABLE claim_links (
    claim_a    TEXT NOT NULL REFERENCES claims(id),
    claim_b    TEXT NOT NULL REFERENCES claims(id),
    measure    TEXT NOT NULL,
    relation   TEXT NOT NULL CHECK (relation IN ('agree', 'disagree', 'different period')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (claim_a, claim_b),
    CHECK (claim_a < claim_b)
) WITHOUT ROWID;
"""


V4_SQL: Final = """
-- What the annotation list and the timeline lay out (id, times, tag of live annotations) in
-- time order, read from this index alone: listing 100,000 spans took half the CPU time of
-- reading the table and sorting (benchmarks/store.py). It replaces the (media, start) index,
-- whose one user (looking for duplicates of a live annotation) it serves as well: two
-- indexes in time order cost an import of 100,000 annotations a third more.
DROP INDEX annotations_media_time;
CREATE INDEX annotations_live_spans ON annotations (media_id, start_ms, end_ms, tag_id, id)
    WHERE deleted_at IS NULL;
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: applying ``sql`` to a file of version ``version - 1`` gives ``version``."""

    version: int
    description: str
    sql: str


MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "media, transcripts, cues (+FTS5), tags, annotations", V1_SQL),
    Migration(2, "full-text search over annotation notes; index of cue ends", V2_SQL),
    Migration(3, "claims, sources, evidence, status history, links between claims", V3_SQL),
    Migration(4, "covering index of live annotation spans in time order", V4_SQL),
)

SCHEMA_VERSION: Final = MIGRATIONS[-1].version


def split_statements(sql: str) -> Iterator[str]:
    """The complete statements of ``sql`` (trigger bodies with inner ``;`` stay whole)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            pending = ""
            if statement and not all(
                part.strip().startswith("--") or not part.strip() for part in statement.splitlines()
            ):
                yield statement
    if pending.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in pending.splitlines()
    ):
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]}")


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply the steps above the file's version up to ``target``; return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each step is one
    ``BEGIN IMMEDIATE`` transaction that re-reads ``user_version`` inside the lock, so two
    programs opening an old file at once do not both apply a step.
    """
    applied: list[int] = []
    for step in MIGRATIONS:
        if step.version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current >= step.version:
                conn.execute("ROLLBACK")
                continue
            if current != step.version - 1:
                raise ValueError(f"cannot apply step {step.version} to version {current}")
            for statement in split_statements(step.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step.version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied
