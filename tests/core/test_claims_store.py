"""Claim records in the project file: one-step accept, undo, verdicts, evidence, sources, links,
and the migration of version 1 and 2 files to the claims schema (step 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from karachi_review.core.claims import detect, detect_text
from karachi_review.core.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    V1_SQL,
    migrate,
    split_statements,
)
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path
from karachi_review.core.sources import (
    SourceError,
    compare,
    html_to_text,
    read_source,
    value_range,
)
from karachi_review.core.store import (
    CLAIM_TAG,
    EvidenceInput,
    InvalidClaimError,
    Project,
    ReadOnlyProjectError,
    UnknownClaimError,
    UnknownTagError,
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    transcript = read_transcript(sample_path()).transcript
    p = Project.create(tmp_path / "hunters.kreview", transcript, title="Hunters")
    yield p
    p.close()


def suggestion(text_start: str, p: Project):  # type: ignore[no-untyped-def]
    found = [s for s in detect(p.cues()) if s.text.startswith(text_start)]
    assert len(found) == 1, [s.text for s in detect(p.cues())]
    return found[0]


def test_claims_arrived_in_schema_step_3() -> None:
    assert SCHEMA_VERSION >= 3
    assert "CREATE TABLE claims" in MIGRATIONS[2].sql


def test_accepting_a_suggestion_creates_annotation_and_claim_together(project: Project) -> None:
    s = suggestion("With a force of just 15,000", project)
    claim = project.accept_suggestion(s, annotator="ana")
    (annotation,) = project.annotations(tag=CLAIM_TAG)
    assert claim.annotation_id == annotation.id
    assert (claim.start_ms, claim.end_ms) == (annotation.start_ms, annotation.end_ms)
    assert (claim.start_ms, claim.end_ms) == (3 * 60_000 + 23_000, 3 * 60_000 + 29_000)
    assert (
        annotation.note
        == claim.text
        == ("With a force of just 15,000 officers, they police a city of 24 million people.")
    )
    assert [(v["text"], v["value"]) for v in claim.values if v["role"] == "value"] == [
        ("15,000", 15_000),
        ("24 million", 24_000_000),
    ]
    assert (claim.unit, claim.qualifier, claim.status) == ("officers", "just", "unchecked")
    assert claim.reasons and claim.score is not None
    # Found by note search, listed, and read back equal after reopening.
    assert [h.annotation_id for h in project.search("15,000") if h.kind == "note"] == [
        annotation.id
    ]
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert again.claims() == [claim]
        assert again.claim(claim.id[:8]) == claim


def test_accept_is_one_transaction(project: Project) -> None:
    s = suggestion("Almost 24 million", project)
    first = project.accept_suggestion(s)
    with pytest.raises(InvalidClaimError, match="already exists"):
        project.add_claim(0, 1000, "again", claim_id=first.id)
    # The claim insert failed, so its annotation was rolled back with it.
    assert len(project.annotations()) == 1
    project.remove_tag(CLAIM_TAG, replace_with="raid")
    with pytest.raises(UnknownTagError):
        project.accept_suggestion(s)
    assert len(project.claims()) == 1


def test_undo_and_redo_of_accept(project: Project) -> None:
    claim = project.accept_suggestion(suggestion("133 children", project))
    removed = project.delete_claim(claim.id)  # undo of accept
    assert removed == claim
    assert project.claims() == [] and project.annotations() == []
    with pytest.raises(UnknownClaimError):
        project.claim(claim.id)
    back = project.restore_claim(claim)  # redo
    assert project.claims() == [back]
    assert back.id == claim.id and back.annotation_id == claim.annotation_id
    assert (back.text, back.values, back.status) == (claim.text, claim.values, claim.status)
    assert [a.id for a in project.annotations()] == [claim.annotation_id]


def test_verdict_evidence_history_and_revert(project: Project) -> None:
    claim = project.accept_suggestion(suggestion("Almost 24 million", project))
    change = project.set_claim_status(
        claim.id,
        "Disputed",
        reviewer="rev",
        note="census says less",
        evidence=[
            EvidenceInput(
                url="https://example.org/census-2017",
                passage="Karachi: 14.9 million (2017 census)",
                retrieved_at="2026-11-21",
                still_png=b"\x89PNG fake",
                still_ms=120_000,
            )
        ],
    )
    assert (change.old_status, change.new_status, change.reviewer) == (
        "unchecked",
        "disputed",
        "rev",
    )
    assert project.claim(claim.id).status == "disputed"
    (ev,) = project.evidence(claim.id)
    assert (ev.url, ev.passage, ev.retrieved_at, ev.still_ms) == (
        "https://example.org/census-2017",
        "Karachi: 14.9 million (2017 census)",
        "2026-11-21",
        120_000,
    )
    assert ev.still_png == b"\x89PNG fake"
    project.set_claim_status(claim.id, "needs-context")
    assert project.claim(claim.id).status == "needs context"
    with pytest.raises(InvalidClaimError, match="unknown status"):
        project.set_claim_status(claim.id, "maybe")
    undo = project.revert_status(project.claim_history(claim.id)[-1])
    assert undo.new_status == "disputed" and project.claim(claim.id).status == "disputed"
    project.revert_status(change)
    assert project.claim(claim.id).status == "unchecked"
    assert project.evidence(claim.id) == []  # the evidence came with the undone verdict
    history = [(h.old_status, h.new_status) for h in project.claim_history(claim.id)]
    assert history == [
        ("unchecked", "disputed"),
        ("disputed", "needs context"),
        ("needs context", "disputed"),
        ("disputed", "unchecked"),
    ]


def test_evidence_add_remove_restore(project: Project) -> None:
    claim = project.accept_suggestion(suggestion("133 children", project))
    ev = project.add_evidence(claim.id, EvidenceInput(document="HRW report 2015", passage="p. 4"))
    assert ev.retrieved_at is not None  # the day it was added
    old = project.remove_evidence(ev.id)
    assert project.evidence(claim.id) == []
    project.restore_evidence(old)
    assert [e.id for e in project.evidence(claim.id)] == [ev.id]


def test_update_claim_and_undo(project: Project) -> None:
    claim = project.accept_suggestion(suggestion("133 children", project))
    old = project.update_claim(claim.id, place="Peshawar", note="school attack 2014")
    assert old == {"place": "", "note": ""}
    assert project.claim(claim.id).place == "Peshawar"
    project.update_claim(claim.id, **old)
    assert project.claim(claim.id).place == ""
    with pytest.raises(InvalidClaimError):
        project.update_claim(claim.id, status="false")


def test_read_only_project_refuses_claims(project: Project) -> None:
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as ro, pytest.raises(ReadOnlyProjectError):
        ro.add_claim(0, 1000, "Almost 24 million people live in Karachi.")


# ------------------------------------------------------------------------------- sources


def test_article_source_is_linked_to_the_film(project: Project) -> None:
    for s in detect(project.cues()):
        project.accept_suggestion(s)
    doc = read_source(sample_path(SAMPLE_ARTICLE))
    assert doc.content_type == "text/plain" and doc.title == "People & Power"
    source, found = project.add_source(
        doc.text, title=doc.title, path=sample_path(SAMPLE_ARTICLE), detected=detect_text(doc.text)
    )
    assert project.sources() == [source]
    assert project.claims(source_id=source.id) == found
    for claim in found:
        assert claim.char_start is not None and claim.char_end is not None
        assert " ".join(doc.text[claim.char_start : claim.char_end].split()) == claim.text
    comparisons = compare(project.claims(include_sources=True))
    by = {(c.measure, c.first_value["text"], c.second_value["text"]): c for c in comparisons}
    population = by[("population", "24 million", "20 million")]
    assert population.relation == "disagree"
    assert population.first.source_id is None and population.second.source_id == source.id
    kidnapping = by[("kidnapping cases", "132", "100")]
    assert kidnapping.relation == "different period"
    assert "2014" in kidnapping.explanation and "2010" in kidnapping.explanation
    link, replaced = project.link_claims(
        population.first.id,
        population.second.id,
        measure=population.measure,
        relation=population.relation,
    )
    assert replaced is None and project.claim_links(population.first.id) == [link]
    again, replaced = project.link_claims(
        population.second.id, population.first.id, measure="population", relation="agree"
    )
    assert replaced == link and again.relation == "agree"
    removed = project.unlink_claims(again.claim_a, again.claim_b)
    assert project.claim_links() == []
    project.restore_link(removed)
    assert project.claim_links() == [again]
    with pytest.raises(InvalidClaimError):
        project.link_claims(link.claim_a, link.claim_a, measure="x", relation="agree")


def test_value_ranges() -> None:
    assert value_range(24e6, "almost") == (24e6 * 0.9, 24e6)
    assert value_range(100, "more than")[1] == float("inf")
    low, high = value_range(6, "")
    assert low < 6 < high


def test_html_source(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>Karachi &amp; crime</title><script>var n = 999;</script></head>"
        "<body><p>More than <b>100</b> cases of kidnapping were reported in 2010.</p>"
        "<style>p{}</style><p>Another paragraph.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_source(page)
    assert doc.title == "Karachi & crime" and doc.content_type == "text/html"
    assert "999" not in doc.text
    assert doc.text == (
        "More than 100 cases of kidnapping were reported in 2010.\n\nAnother paragraph."
    )
    assert [q.value for s in detect_text(doc.text) for q in s.values] == [100]
    assert html_to_text("<p>a</p><p>b</p>") == ("", "a\n\nb")


def test_unreadable_sources(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(SourceError, match="binary"):
        read_source(binary)
    with pytest.raises(SourceError, match="cannot read"):
        read_source(tmp_path / "missing.txt")
    empty = tmp_path / "e.html"
    empty.write_text("<html><script>x</script></html>")
    with pytest.raises(SourceError, match="no text"):
        read_source(empty)


# ---------------------------------------------------------------------------- migration


def _old_file(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    if version == 1:
        conn.execute("BEGIN")
        for statement in split_statements(V1_SQL):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("COMMIT")
    else:
        migrate(conn, target=version)
    now = "2026-01-01T00:00:00.000Z"
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("title", "Old"), ("project_id", "p")])
    conn.execute("INSERT INTO media (id, path, added_at) VALUES (1, NULL, ?)", (now,))
    conn.execute(
        "INSERT INTO transcripts (id, media_id, source_format, encoding, imported_at) "
        "VALUES (1, 1, 'srt', 'utf-8', ?)",
        (now,),
    )
    conn.execute(
        "INSERT INTO cues (transcript_id, position, start_ms, end_ms, text) "
        "VALUES (1, 1, 0, 4000, 'Almost 24 million people live in Karachi.')"
    )
    conn.execute("INSERT INTO cues_fts (cues_fts) VALUES ('rebuild')")
    conn.execute(
        "INSERT INTO tags (id, name, label, colour, hotkey, position) VALUES "
        "(1, 'statistic-claim', 'Statistic claim', '#0072b2', '1', 1)"
    )
    conn.execute(
        "INSERT INTO annotations (id, media_id, start_ms, end_ms, tag_id, note, annotator, "
        "created_at, updated_at) VALUES ('0b7c5f4e-1111-4a4a-9c9c-000000000001', 1, 0, 3000, 1, "
        "'old note', 'old', ?, ?)",
        (now, now),
    )
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_migration_to_claims_schema(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.kreview"
    _old_file(path, version)
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        (old,) = p.annotations()
        assert (old.note, old.annotator) == ("old note", "old")
        assert p.claims() == [] and p.sources() == []
        (s,) = detect(p.cues())
        claim = p.accept_suggestion(s)
        assert [v["value"] for v in claim.values] == [24_000_000]
        assert len(p.annotations()) == 2
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION and len(p.claims()) == 1
    conn = sqlite3.connect(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"claims", "sources", "claim_evidence", "claim_history", "claim_links"} <= names
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO claims (id, text, created_at, updated_at, source_id, status) "
                "VALUES ('x', 't', 'n', 'n', NULL, 'unchecked')"
            )
    finally:
        conn.close()
