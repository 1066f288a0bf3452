"""The project file on disk: refusals that leave files untouched, read-only, migrations, backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from karachi_review.core import snapshots
from karachi_review.core.migrations import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    V1_SQL,
    split_statements,
)
from karachi_review.core.store import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    Project,
    ProjectNotFoundError,
    ReadOnlyProjectError,
)
from karachi_review.core.transcript import Cue, Transcript


def transcript() -> Transcript:
    return Transcript([Cue(i + 1, i * 1000, i * 1000 + 900, f"cue {i}") for i in range(60)])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "review.kreview"
    with Project.create(path, transcript(), backups=False) as p:
        for i in range(300):
            p.add_annotation(i * 100, i * 100 + 80, "raid", note=f"note {i} " + "x" * 200)
    return path


def make_v1_file(path: Path) -> None:
    """A project exactly as schema version 1 made it (frozen DDL, rows written by hand)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for statement in split_statements(V1_SQL):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    now = "2026-01-01T00:00:00.000Z"
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("title", "Old"), ("project_id", "p1"), ("created_at", now)],
    )
    conn.execute("INSERT INTO media (id, path, added_at) VALUES (1, NULL, ?)", (now,))
    conn.execute(
        "INSERT INTO transcripts (id, media_id, source_format, encoding, imported_at) "
        "VALUES (1, 1, 'srt', 'utf-8', ?)",
        (now,),
    )
    conn.executemany(
        "INSERT INTO cues (transcript_id, position, start_ms, end_ms, text) VALUES (1, ?, ?, ?, ?)",
        [(1, 0, 4000, "Police raid in Lyari"), (2, 5000, 9000, "A funeral")],
    )
    conn.execute("INSERT INTO cues_fts (cues_fts) VALUES ('rebuild')")
    conn.execute(
        "INSERT INTO tags (id, name, label, colour, hotkey, position) "
        "VALUES (1, 'raid', 'Raid', '#d55e00', '1', 1)"
    )
    conn.execute(
        "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, annotator, "
        "created_at, updated_at) VALUES ('0b7c5f4e-1111-4a4a-9c9c-000000000001', 1, 0, 3000, 1, "
        "'checkpoint near the market', 'old', ?, ?)",
        (now, now),
    )
    conn.execute("COMMIT")
    conn.close()


def test_v1_schema_is_frozen() -> None:
    digest = hashlib.sha256(V1_SQL.encode()).hexdigest()
    # Update this constant only together with a new migration step, never for a released one.
    assert digest == "9a5264d3bf0aa1ff08b15719606798ea57c34764a83abf56cca294540f387106"


def test_migration_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.kreview"
    make_v1_file(path)
    v1_bytes = path.read_bytes()
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].version
        assert p.title == "Old"
        (a,) = p.annotations()
        assert (a.tag, a.note, a.annotator) == ("raid", "checkpoint near the market", "old")
        # v2 indexed the notes that v1 files already held.
        assert [h.annotation_id for h in p.search("market")] == [a.id]
        assert [h.cue_number for h in p.search("lyari")] == [1]
        p.add_annotation(5000, 8000, "raid", note="new note")
        assert [h.kind for h in p.search("note")] == ["note"]
    kept = [
        b
        for b in snapshots.backup_dir(path).iterdir()
        if b.name.endswith(f"before-v{SCHEMA_VERSION}.kreview")
    ]
    assert len(kept) == 1
    check = sqlite3.connect(kept[0])
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 1
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT note FROM annotations").fetchone()[0] == (
            "checkpoint near the market"
        )
    finally:
        check.close()
    assert v1_bytes != path.read_bytes()
    # Opening again migrates nothing and snapshots nothing more before migrating.
    Project.open(path).close()
    assert len([b for b in snapshots.backup_dir(path).iterdir() if "before-v" in b.name]) == 1


def test_refuses_newer_schema_untouched(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before, names = sha(project_path), siblings(project_path)
    with pytest.raises(NewerSchemaError, match="newer version") as info:
        Project.open(project_path)
    assert str(info.value).startswith(str(project_path))
    assert sha(project_path) == before
    assert siblings(project_path) == names  # not even a -wal or -shm file


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is a text file\n" * 50, os.urandom(8192), b"SQLite format 3\x00" + b"\0"],
    ids=["empty", "text", "random", "header-only"],
)
def test_refuses_non_sqlite_untouched(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.kreview"
    path.write_bytes(data)
    names = siblings(path)
    with pytest.raises((NotAProjectError, CorruptProjectError)):
        Project.open(path)
    assert path.read_bytes() == data
    assert siblings(path) == names


def test_refuses_other_sqlite_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(NotAProjectError, match="another program"):
        Project.open(path)
    assert sha(path) == before


@pytest.mark.parametrize("keep", [0.5, 0.25, 1.0 - 1 / 7])
def test_refuses_truncated_untouched(project_path: Path, keep: float) -> None:
    data = project_path.read_bytes()
    cut = data[: int(len(data) * keep)]
    project_path.write_bytes(cut)
    names = siblings(project_path)
    with pytest.raises(CorruptProjectError, match="truncated"):
        Project.open(project_path)
    assert project_path.read_bytes() == cut
    assert siblings(project_path) == names


def test_refuses_damaged_page_untouched(project_path: Path) -> None:
    data = bytearray(project_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for n in range(3, len(data) // page - 1, 2):  # scribble over every other b-tree page
        data[n * page : n * page + 64] = b"\xa5" * 64
    project_path.write_bytes(bytes(data))
    with pytest.raises(CorruptProjectError, match="damaged"):
        Project.open(project_path)
    assert project_path.read_bytes() == bytes(data)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError):
        Project.open(tmp_path / "nope.kreview")
    with pytest.raises(NotAProjectError):
        Project.open(tmp_path)


@pytest.fixture
def writable_again(project_path: Path) -> Iterator[None]:
    yield
    project_path.chmod(0o644)
    project_path.parent.chmod(0o755)


def test_read_only_file_opens_read_only(project_path: Path, writable_again: None) -> None:
    # Tests run as root, where chmod does not stop writing: the store also honours the mode
    # bits (the user's intent), so the test is meaningful for root and for anyone else.
    project_path.chmod(0o444)
    before = sha(project_path)
    with Project.open(project_path) as p:
        assert p.read_only and "read-only" in (p.read_only_reason or "")
        assert len(p.annotations()) == 300
        assert p.search("note")
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            p.add_annotation(0, 100, "raid")
        with pytest.raises(ReadOnlyProjectError):
            p.add_tag("new")
    assert sha(project_path) == before


def test_read_only_folder(project_path: Path, writable_again: None) -> None:
    project_path.parent.chmod(0o555)
    before = sha(project_path)
    with Project.open(project_path) as p:
        assert p.read_only and "folder" in (p.read_only_reason or "")
        assert len(p.annotations()) == 300
        with pytest.raises(ReadOnlyProjectError):
            p.delete_annotation(p.annotations()[0].id)
    assert sha(project_path) == before


def test_read_only_flag(project_path: Path) -> None:
    before = sha(project_path)
    with Project.open(project_path, read_only=True) as p:
        with pytest.raises(ReadOnlyProjectError):
            p.set_title("x")
        # A second, writing connection works meanwhile and the reader sees its commit.
        with Project.open(project_path, backups=False) as w:
            w.add_annotation(0, 100, "interview")
        assert len(p.annotations(tag="interview")) == 1
    # The reader closed last and cannot checkpoint: the commit waits in the -wal file until
    # the next writer, which folds it in when it closes.
    assert sha(project_path) == before
    with Project.open(project_path, backups=False) as again:
        assert len(again.annotations(tag="interview")) == 1
    assert sha(project_path) != before


def test_read_only_old_file_cannot_be_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.kreview"
    make_v1_file(path)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        before = sha(path)
        with pytest.raises(ReadOnlyProjectError, match="older version"):
            Project.open(path)
        assert sha(path) == before
    finally:
        path.chmod(0o644)


def test_backups_on_open_rotate_and_are_checked(project_path: Path) -> None:
    folder = snapshots.backup_dir(project_path)
    assert not folder.exists()  # the fixture disabled backups
    with Project.open(project_path, snapshot_interval_s=0.0, keep_backups=3) as p:
        first = p.backups()
        assert len(first) == 1
        for i in range(5):
            time.sleep(0.002)
            p.add_annotation(i, i + 10, "raid")  # interval 0: every edit is "a few minutes"
        kept = p.backups()
        assert len(kept) == 3
        assert first[0] not in kept
    newest = sqlite3.connect(kept[-1])
    try:
        assert newest.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert newest.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert newest.execute("SELECT count(*) FROM annotations").fetchone()[0] == 305
    finally:
        newest.close()
    assert not list(folder.glob("*.partial"))


def test_backups_wait_for_the_interval(project_path: Path) -> None:
    with Project.open(project_path) as p:
        assert len(p.backups()) == 1
        p.add_annotation(0, 10, "raid")
    with Project.open(project_path) as p:  # reopened at once: no second backup
        assert len(p.backups()) == 1


def test_backup_of_a_backup_opens(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as p:
        backup = p.backups()[0]
    copy = tmp_path / "restored.kreview"
    copy.write_bytes(backup.read_bytes())
    with Project.open(copy, backups=False) as restored:
        assert len(restored.annotations()) == 300


def test_rotation_keeps_migration_snapshots_and_clears_stale_partials(tmp_path: Path) -> None:
    path = tmp_path / "old.kreview"
    make_v1_file(path)
    folder = snapshots.backup_dir(path)
    folder.mkdir()
    stale, young = folder / ".old-x.kreview.1.partial", folder / ".old-y.kreview.2.partial"
    for partial in (stale, young):
        partial.write_bytes(b"half a backup")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    with Project.open(path, snapshot_interval_s=0.0, keep_backups=1) as p:
        for i in range(3):
            time.sleep(0.002)
            p.add_annotation(5000 + i, 6000, "raid")
        assert len(p.backups()) == 1
    names = sorted(b.name for b in folder.iterdir())
    assert len([n for n in names if n.endswith(f"-before-v{SCHEMA_VERSION}.kreview")]) == 1
    assert not stale.exists() and young.exists()


def test_failed_backup_does_not_fail_the_edit(project_path: Path) -> None:
    snapshots.backup_dir(project_path).write_text("a file where the backup folder should be")
    with Project.open(project_path, snapshot_interval_s=0.0) as p:
        assert p.backup_error is not None
        a = p.add_annotation(0, 100, "interview")
        assert p.annotation(a.id) == a
        assert "backup" in str(p.backup_error)


def test_damaged_read_only_file_is_refused_too(project_path: Path, writable_again: None) -> None:
    data = bytearray(project_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for n in range(3, len(data) // page - 1, 2):
        data[n * page : n * page + 64] = b"\x5a" * 64
    project_path.write_bytes(bytes(data))
    project_path.chmod(0o444)
    with pytest.raises(CorruptProjectError, match="damaged"):
        Project.open(project_path)
    with pytest.raises(CorruptProjectError):
        Project.open(project_path, read_only=True)
    assert project_path.read_bytes() == bytes(data)


def test_a_failing_migration_step_leaves_the_file_at_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from karachi_review.core import migrations

    path = tmp_path / "old.kreview"
    make_v1_file(path)
    broken = migrations.Migration(
        2, "half-done step", "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);"
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], broken))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError):
            migrations.migrate(conn, target=2)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in names
    finally:
        conn.close()


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    statements = list(split_statements(MIGRATIONS[1].sql))
    triggers = [s for s in statements if "CREATE TRIGGER" in s]
    assert len(triggers) == 3
    assert all(s.rstrip().endswith("END;") for s in triggers)
