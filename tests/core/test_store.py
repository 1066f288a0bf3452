"""The project store: annotations, vocabulary, search and exact undo, on real files."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from karachi_review.core.store import (
    AnnotationInput,
    InvalidAnnotationError,
    Project,
    ProjectExistsError,
    SearchQueryError,
    TagInUseError,
    UnknownAnnotationError,
    UnknownTagError,
    VersionConflictError,
    default_annotator,
    media_fields,
    media_fingerprint,
    tag_fields,
    to_fts_query,
)
from karachi_review.core.transcript import Cue, Transcript
from karachi_review.core.vocabulary import DEFAULT_TAGS, VocabularyError

TEXTS = [
    "Pakistan, a nation under siege.",
    "Police raid a compound in Lyari at dawn.",
    "133 children were killed in the school attack.",
    "Karachi's police chief speaks to the press.",
    "[GUNSHOT]",
    "The funeral of a police officer in Orangi Town.",
]


def make_transcript(texts: list[str] = TEXTS, step_ms: int = 5000) -> Transcript:
    cues = [Cue(i + 1, i * step_ms, i * step_ms + step_ms - 500, t) for i, t in enumerate(texts)]
    return Transcript(cues, source_format="timed-lines", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "review.kreview", make_transcript(), title="Hunters")
    yield p
    p.close()


def content(p: Project) -> list[tuple[object, ...]]:
    """What a user sees: every live annotation's fields except bookkeeping."""
    return [(a.id, a.start_ms, a.end_ms, a.tag, a.note, a.annotator) for a in p.annotations()]


def test_create_holds_transcript_media_and_default_vocabulary(tmp_path: Path) -> None:
    media = tmp_path / "clip.mp4"
    media.write_bytes(b"\x00" * 3_000_000 + b"end")
    with Project.create(
        tmp_path / "p.kreview", make_transcript(), title="Hunters", media_path=media
    ) as p:
        assert p.title == "Hunters"
        assert p.meta()["project_id"]
        cues = p.cues()
        assert [c.text for c in cues] == TEXTS
        assert [c.index for c in cues] == list(range(1, len(TEXTS) + 1))
        assert p.transcript().end_ms == cues[-1].end_ms
        m = p.media()
        assert m.path == str(media.absolute())
        assert m.size == 3_000_003
        assert m.content_hash == media_fingerprint(media)[1]
        assert m.duration_ms is None and m.fps is None
        assert [t.name for t in p.tags()] == [t.name for t in DEFAULT_TAGS]
        assert p.schema_version >= 2


def test_fingerprint_reads_both_ends(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    body = bytearray(b"x" * (3 * 1024 * 1024))
    a.write_bytes(bytes(body))
    body[-1] = ord("y")  # only the last byte differs
    b.write_bytes(bytes(body))
    assert media_fingerprint(a)[1] != media_fingerprint(b)[1]
    body[-1] = ord("x")
    body[1024 * 1024 + 5] = ord("z")  # a change in the unread middle goes unseen, by design
    b.write_bytes(bytes(body))
    assert media_fingerprint(a)[1] == media_fingerprint(b)[1]


def test_create_refuses_an_existing_file(tmp_path: Path, project: Project) -> None:
    before = project.path.read_bytes()
    with pytest.raises(ProjectExistsError):
        Project.create(project.path, make_transcript())
    assert project.path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".creating")]


def test_add_and_list_annotations(project: Project) -> None:
    a = project.add_annotation(5000, 9500, "raid", note="dawn raid", annotator="ayesha")
    b = project.add_annotation(1000, 2000, "Statistic claim", annotator="bilal")
    assert a.tag == "raid" and a.annotator == "ayesha" and a.version == 1
    assert b.tag == "statistic-claim"
    assert len(a.id) == 36
    assert [x.id for x in project.annotations()] == [b.id, a.id]  # time order
    assert [x.id for x in project.annotations(tag="raid")] == [a.id]
    assert project.annotation(a.id[:8]) == a
    assert project.tag_usage()["raid"] == 1
    spans = project.annotation_spans()
    assert [(s.id, s.start_ms, s.end_ms, s.tag) for s in spans] == [
        (b.id, 1000, 2000, "statistic-claim"),
        (a.id, 5000, 9500, "raid"),
    ]
    assert [s.id for s in project.annotation_spans(tag="raid")] == [a.id]
    project.delete_annotation(b.id)
    assert [s.id for s in project.annotation_spans()] == [a.id]


def test_annotations_by_id_fetches_live_rows_in_chunks(project: Project) -> None:
    made = project.import_annotations(
        [AnnotationInput(i * 10, i * 10 + 5, "raid", note=f"n{i}") for i in range(1203)]
    )
    ids = [a.id for a in project.annotations()]
    assert len(ids) == 1203 == len(made.added)
    project.delete_annotation(ids[7])
    asked = [*ids, ids[0], "0" * 36]  # more than two chunks, a repeat, an unknown id
    found = project.annotations_by_id(asked)
    assert set(found) == set(ids) - {ids[7]}
    assert found[ids[1202]] == project.annotation(ids[1202])
    assert found[ids[3]].note == "n3"


def test_span_listing_reads_the_covering_index_in_order(project: Project) -> None:
    project.import_annotations(
        [AnnotationInput(5000 - i * 10, 9000, "raid") for i in range(50)]
        + [AnnotationInput(1000, 2000 + i, "interview") for i in range(5)]
    )
    dead = project.add_annotation(0, 100, "raid")
    project.delete_annotation(dead.id)
    statements: list[str] = []
    project._conn.set_trace_callback(statements.append)
    spans = project.annotation_spans()
    project._conn.set_trace_callback(None)
    assert [s.start_ms for s in spans] == sorted(s.start_ms for s in spans)
    assert dead.id not in {s.id for s in spans} and len(spans) == 55
    ties = [s for s in spans if s.start_ms == 1000]
    assert [s.end_ms for s in ties] == [2000, 2001, 2002, 2003, 2004]
    (listing,) = [s for s in statements if "annotations" in s]
    plan = " ".join(r[3] for r in project._conn.execute(f"EXPLAIN QUERY PLAN {listing}"))
    assert "annotations_live_spans" in plan and "TEMP B-TREE" not in plan, plan


def test_listing_leaves_the_garbage_collector_as_it_found_it(project: Project) -> None:
    project.add_annotation(0, 1000, "raid")
    assert gc.isenabled()
    project.annotations()
    project.annotation_spans()
    assert gc.isenabled()
    gc.disable()
    try:
        project.annotations()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_store_import_skips_numpy_but_leaves_it_importable(tmp_path: Path) -> None:
    # sqlite-utils imports numpy only to map numpy types; the store keeps it out of start-up
    # without hiding it from code that imports numpy afterwards.
    script = (
        "import sys\n"
        "import karachi_review.core.store as store\n"
        "assert 'numpy' not in sys.modules, 'numpy imported with the store'\n"
        "import numpy\n"
        "assert numpy.arange(3).sum() == 3\n"
        "from karachi_review.core.transcript import Cue, Transcript\n"
        f"p = store.Project.create({str(tmp_path / 'x.kreview')!r},\n"
        "    Transcript([Cue(1, 0, 1000, 'x')]), backups=False)\n"
        "assert p.db.table_names()\n"
        "p.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_bad_annotations_change_nothing(project: Project) -> None:
    project.add_annotation(0, 1000, "raid")
    before = content(project)
    end = project.end_of_media_ms()
    assert end == 5 * 5000 + 4500  # no probed duration: the transcript's end
    with pytest.raises(UnknownTagError, match="known tags: raid, interview"):
        project.add_annotation(0, 1000, "riot")
    with pytest.raises(InvalidAnnotationError, match="before end"):
        project.add_annotation(2000, 2000, "raid")
    with pytest.raises(InvalidAnnotationError, match="past the end of the media"):
        project.add_annotation(0, end + 1, "raid")
    with pytest.raises(InvalidAnnotationError):
        project.add_annotation(-5, 100, "raid")
    assert content(project) == before


def test_media_duration_sets_the_end(project: Project) -> None:
    old = project.set_media_info(
        duration_ms=60_000, fps=Fraction(30000, 1001), start_tc="01:00:00;00"
    )
    assert old.duration_ms is None
    m = project.media()
    assert (m.duration_ms, m.fps, m.start_tc) == (60_000, Fraction(30000, 1001), "01:00:00;00")
    assert project.end_of_media_ms() == 60_000
    project.add_annotation(40_000, 59_000, "raid")  # past the transcript, within the media
    project.set_media_info(**media_fields(old))  # undo
    assert project.media() == old


def test_cue_span(project: Project) -> None:
    assert project.cue_span(2) == (5000, 9500)
    assert project.cue_span(2, 4) == (5000, 19500)
    with pytest.raises(InvalidAnnotationError, match="no cue 7; the transcript has cues 1-6"):
        project.cue_span(7)
    with pytest.raises(InvalidAnnotationError, match="backwards"):
        project.cue_span(4, 2)


def test_undo_redo_of_annotation_calls_is_exact(project: Project) -> None:
    base = content(project)
    # add -> undo (delete) -> redo (restore)
    a = project.add_annotation(1000, 3000, "raid", note="n", annotator="x")
    after_add = content(project)
    project.delete_annotation(a.id)
    assert content(project) == base
    restored = project.restore(a)
    assert content(project) == after_add
    assert restored.version > a.version  # the undo itself is a change merging must see
    # update -> undo -> redo
    old = project.update_annotation(a.id, start_ms=500, tag="interview", note="changed")
    assert old == {"start_ms": 1000, "tag": "raid", "note": "n"}
    after_update = content(project)
    redo = project.update_annotation(a.id, **old)
    assert content(project) == after_add
    project.update_annotation(a.id, **redo)
    assert content(project) == after_update
    # delete -> undo
    gone = project.delete_annotation(a.id)
    assert content(project) == base
    with pytest.raises(UnknownAnnotationError):
        project.annotation(a.id)
    assert project.annotation(a.id, include_deleted=True).deleted
    project.restore(gone)
    assert content(project) == after_update


def test_restore_reinserts_a_missing_row(tmp_path: Path, project: Project) -> None:
    a = project.add_annotation(1000, 3000, "raid")
    with Project.create(tmp_path / "other.kreview", make_transcript()) as other:
        back = other.restore(a)
        assert (back.id, back.start_ms, back.tag, back.created_at) == (
            a.id,
            a.start_ms,
            a.tag,
            a.created_at,
        )


def test_version_conflict(project: Project) -> None:
    a = project.add_annotation(1000, 3000, "raid")
    project.update_annotation(a.id, note="first", expected_version=a.version)
    with pytest.raises(VersionConflictError):
        project.update_annotation(a.id, note="stale", expected_version=a.version)
    assert project.annotation(a.id).note == "first"


def test_delete_unknown_and_twice(project: Project) -> None:
    a = project.add_annotation(1000, 3000, "raid")
    project.delete_annotation(a.id)
    with pytest.raises(UnknownAnnotationError, match="already deleted"):
        project.delete_annotation(a.id)
    with pytest.raises(UnknownAnnotationError):
        project.delete_annotation("00000000-0000-0000-0000-000000000000")


def test_tags_add_edit_reorder_and_undo(project: Project) -> None:
    base = project.tags()
    t = project.add_tag("Drone strike", description="aerial attack")
    assert (t.name, t.label, t.hotkey, t.position) == ("drone-strike", "Drone strike", None, 17)
    assert t.colour not in {x.colour for x in base}
    with pytest.raises(VocabularyError, match="already exists"):
        project.add_tag("drone_strike")
    with pytest.raises(VocabularyError, match="already used by tag 'raid'"):
        project.add_tag("other", colour="#D55E00")
    with pytest.raises(VocabularyError, match="hotkey 1 is already used by tag 'raid'"):
        project.update_tag("drone-strike", hotkey="1")
    old = project.update_tag(
        "drone-strike", rename="airstrike", label="Air strike", colour="#123456", position=2
    )
    now = project.tags()
    assert [x.name for x in now][:3] == ["raid", "airstrike", "interview"]
    assert now[1].label == "Air strike" and now[1].colour == "#123456"
    assert [x.position for x in now] == list(range(1, len(now) + 1))
    project.update_tag("airstrike", **tag_fields(old))  # undo
    assert project.tags()[:-1] == base
    assert project.tags()[-1] == t


def test_rename_keeps_annotations(project: Project) -> None:
    a = project.add_annotation(1000, 3000, "raid")
    project.update_tag("raid", rename="police-raid")
    assert project.annotation(a.id).tag == "police-raid"
    assert project.add_annotation(1000, 2000, "raid").tag == "police-raid"  # label "Raid"
    project.update_tag("police-raid", label="Police operation")
    with pytest.raises(UnknownTagError):
        project.add_annotation(1000, 2000, "raid")


def test_remove_tag_in_use_needs_a_replacement(project: Project) -> None:
    a = project.add_annotation(1000, 3000, "funeral")
    b = project.add_annotation(4000, 6000, "funeral")
    project.delete_annotation(b.id)
    c = project.add_annotation(7000, 8000, "raid")
    base_tags, base = project.tags(), content(project)
    with pytest.raises(TagInUseError, match="used by 1 annotation;"):
        project.remove_tag("funeral")
    assert project.tags() == base_tags
    removal = project.remove_tag("funeral", replace_with="interview")
    assert removal.annotation_ids == (a.id,)
    assert project.annotation(a.id).tag == "interview"
    assert "funeral" not in [t.name for t in project.tags()]
    assert project.annotation(b.id, include_deleted=True).tag == "funeral"  # history kept
    assert [t.position for t in project.tags()] == list(range(1, len(base_tags)))
    project.restore_tag(removal)  # undo
    assert project.tags() == base_tags
    assert content(project) == base
    assert project.annotation(c.id).tag == "raid"
    # An unused tag goes without a replacement and frees its hotkey.
    unused = project.remove_tag("interrogation")
    assert unused.tag.hotkey == "7"
    project.update_tag("raid", hotkey="7")
    back = project.restore_tag(unused)
    assert back.hotkey is None  # its key was taken meanwhile


def test_removed_tag_name_can_be_added_again(project: Project) -> None:
    project.remove_tag("funeral")
    again = project.add_tag("funeral", colour="#010203")
    assert again.colour == "#010203" and again.position == len(DEFAULT_TAGS)


def test_import_is_idempotent_and_reports_commits(project: Project) -> None:
    rows = [
        AnnotationInput(i * 100, i * 100 + 50, "raid", note=f"n{i}", line=i + 1) for i in range(250)
    ]
    ids = [
        "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        "6fa459ea-ee8a-3ca4-894e-db77e160355e",
    ]
    rows += [
        AnnotationInput(10, 20, "interview", id=ids[0].upper(), annotator="z"),
        AnnotationInput(10, 20, "interview", id=ids[1], annotator="z"),
    ]
    committed: list[str] = []
    report = project.import_annotations(rows, on_commit=committed.extend, batch_rows=100)
    assert len(report.added) == 252 and not report.present
    assert committed == report.added
    assert ids[0] in committed
    again = project.import_annotations([*rows[-2:], replace(rows[-1], note="other")])
    assert again.added == [] and again.present == [*ids, ids[1]]
    assert again.differing == [ids[1]]
    assert len(project.annotations()) == 252


def test_import_validates_everything_first(project: Project) -> None:
    rows = [
        AnnotationInput(0, 100, "raid", line=2),
        AnnotationInput(0, 100, "nope", line=3),
    ]
    with pytest.raises(UnknownTagError) as info:
        project.import_annotations(rows, source="rows.jsonl")
    assert str(info.value).startswith("rows.jsonl:3: unknown tag 'nope'")
    with pytest.raises(InvalidAnnotationError, match="not a UUID"):
        project.import_annotations([AnnotationInput(0, 100, "raid", id="a1", line=9)])
    assert project.annotations() == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("police", '"police"'),
        ("Karachi's", '"Karachi\'s"'),
        ('"police raid" kar*', '"police raid" "kar"*'),
        ("raid OR funeral", '"raid" OR "funeral"'),
        ("(a OR b) NOT c", '( "a" OR "b" ) NOT "c"'),
    ],
)
def test_fts_query_translation(query: str, expected: str) -> None:
    assert to_fts_query(query) == expected


@pytest.mark.parametrize("query", ['"police raid', "(raid", "raid)", "*", "", "  "])
def test_malformed_queries(query: str) -> None:
    with pytest.raises(SearchQueryError):
        to_fts_query(query)


def test_search_cues_and_notes(project: Project) -> None:
    a = project.add_annotation(25_000, 26_000, "funeral", note="Officer's funeral, check name")
    hits = project.search("police")
    assert [(h.kind, h.cue_number) for h in hits] == [("cue", 2), ("cue", 4), ("cue", 6)]
    assert hits[0].snippet == "[Police] raid a compound in Lyari at dawn."
    assert [h.kind for h in project.search('"police raid"')] == ["cue"]
    assert [h.cue_number for h in project.search("karach*")] == [4]
    assert [h.cue_number for h in project.search("Karachi's")] == [4]
    assert [h.cue_number for h in project.search("gunshot")] == [5]
    assert [h.cue_number for h in project.search("133")] == [3]
    funeral = project.search("funeral")
    assert [(h.kind, h.annotation_id) for h in funeral] == [("cue", None), ("note", a.id)]
    assert funeral[1].tag == "funeral"
    project.update_annotation(a.id, note="renamed")
    assert [h.kind for h in project.search("funeral")] == ["cue"]
    assert [h.kind for h in project.search("renamed")] == ["note"]
    project.delete_annotation(a.id)
    assert project.search("renamed") == []
    with pytest.raises(SearchQueryError, match="cannot search"):
        project.search("raid AND")


def test_default_annotator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARACHI_REVIEW_ANNOTATOR", "ayesha")
    assert default_annotator() == "ayesha"
    assert default_annotator("bilal") == "bilal"
    monkeypatch.delenv("KARACHI_REVIEW_ANNOTATOR")
    monkeypatch.setenv("LOGNAME", "login-name")
    assert default_annotator() == "login-name"


def test_set_title_and_undo(project: Project) -> None:
    old = project.set_title("  New   title ")
    assert project.title == "New title"
    project.set_title(old)
    assert project.title == "Hunters"


def test_writes_are_immediate_and_durable(project: Project) -> None:
    """Another connection sees a tag the moment the call returns: there is no Save."""
    a = project.add_annotation(1000, 3000, "raid")
    other = sqlite3.connect(project.path)
    try:
        assert (
            other.execute("SELECT count(*) FROM annotations WHERE id = ?", (a.id,)).fetchone()[0]
            == 1
        )
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


def test_note_index_stays_consistent(project: Project) -> None:
    """Every way a note changes keeps the FTS index equal to the notes (FTS5 checks it)."""
    ids = [
        project.add_annotation(i * 100, i * 100 + 50, "raid", note="" if i % 2 else f"alpha {i}").id
        for i in range(20)
    ]
    for n, aid in enumerate(ids[::3]):
        project.update_annotation(aid, note="" if n % 2 else "beta")
    gone = project.delete_annotation(ids[1])
    project.restore(gone._replace(note="gamma"))
    project.import_annotations(
        [AnnotationInput(5, 6, "raid", note="delta"), AnnotationInput(7, 8, "raid")]
    )
    conn = sqlite3.connect(project.path)
    try:
        conn.execute("INSERT INTO annotations_fts (annotations_fts) VALUES ('integrity-check')")
        notes = [r[0] for r in conn.execute("SELECT note FROM annotations WHERE note != ''")]
    finally:
        conn.close()
    for word in ("alpha", "beta", "gamma", "delta"):
        expected = sum(word in note for note in notes)
        assert len([h for h in project.search(word) if h.kind == "note"]) == expected


def test_generated_ids_are_uuid4(project: Project) -> None:
    report = project.import_annotations([AnnotationInput(i, i + 1, "raid") for i in range(300)])
    assert len(set(report.added)) == 300
    assert report.added == sorted(report.added)  # an import walks the id index in order
    for text in report.added:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and str(parsed) == text


def test_restore_onto_a_removed_tag_is_refused(project: Project) -> None:
    a = project.add_annotation(1000, 3000, "funeral")
    old = project.delete_annotation(a.id)
    removal = project.remove_tag("funeral")
    with pytest.raises(UnknownTagError, match="unknown tag 'funeral'"):
        project.restore(old)
    project.restore_tag(removal)
    assert project.restore(old).tag == "funeral"
