"""Claims out: CSV, JSON, ClaimReview JSON-LD and the self-contained HTML report."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path

import pytest

from karachi_review.core.claims_report import (
    STATUS_COLOURS,
    claim_review,
    claims_to_csv,
    claims_to_json,
    report_html,
)
from karachi_review.core.store import EvidenceInput, Project
from karachi_review.core.transcript import Cue, Transcript

TEXTS = [
    '=HYPERLINK("http://evil") 300 people were killed in 2014.',
    "Almost 24 million people live in Karachi.</script><script>alert(1)</script>",
    "132 cases of kidnapping were reported in Karachi in 2014.",
]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    cues = [Cue(i + 1, i * 60_000, i * 60_000 + 5000, t) for i, t in enumerate(TEXTS)]
    p = Project.create(tmp_path / "r.kreview", Transcript(cues), title="R & <D>")
    for n, text in enumerate(TEXTS):
        p.add_claim(
            n * 60_000,
            n * 60_000 + 5000,
            text,
            values=[{"text": "300", "value": 300, "kind": "count", "role": "value"}],
        )
    yield p
    p.close()


def test_csv_neutralises_formulas(project: Project) -> None:
    data = claims_to_csv(project.claims())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[0]["text"].startswith("'=HYPERLINK")
    assert (rows[0]["values"], rows[0]["normalised"], rows[0]["status"]) == (
        "300",
        "300",
        "unchecked",
    )


def test_json_has_evidence_and_history(project: Project) -> None:
    claim = project.claims()[2]
    project.set_claim_status(
        claim.id, "supported", evidence=[EvidenceInput(url="https://example.org/cplc")]
    )
    claims = project.claims()
    data = json.loads(
        claims_to_json(
            claims,
            {c.id: project.evidence(c.id) for c in claims},
            {c.id: project.claim_history(c.id) for c in claims},
        )
    )
    third = data["claims"][2]
    assert third["evidence"][0]["url"] == "https://example.org/cplc"
    assert third["history"][0]["new_status"] == "supported"
    assert data["claims"][0]["evidence"] == []


def test_claim_review_only_for_reviewed_claims(project: Project) -> None:
    claim = project.claims()[1]
    assert claim_review(claim, work_title="R") is None
    project.set_claim_status(claim.id, "sourced")
    assert claim_review(project.claim(claim.id), work_title="R") is None
    project.set_claim_status(
        claim.id,
        "disputed",
        reviewer="desk",
        evidence=[EvidenceInput(url="https://example.org/census")],
    )
    review = claim_review(
        project.claim(claim.id),
        project.evidence(claim.id),
        work_title="R",
        work_url="https://example.org/film",
        published="2026-11-21",
    )
    assert review is not None
    assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Disputed",
    }
    assert review["itemReviewed"]["appearance"] == {
        "@type": "Clip",
        "name": "R",
        "startOffset": 60.0,
        "endOffset": 65.0,
        "url": "https://example.org/film",
    }
    assert review["author"]["name"] == "desk"
    assert review["citation"] == ["https://example.org/census"]


def test_report_is_escaped_self_contained_and_coloured(project: Project) -> None:
    claims = project.claims()
    project.set_claim_status(claims[1].id, "false")
    project.set_claim_status(claims[2].id, "supported")
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    project.add_evidence(claims[2].id, EvidenceInput(still_png=png, still_ms=121_000))
    claims = project.claims()
    page = report_html(
        title=project.title,
        claims=claims,
        evidence={c.id: project.evidence(c.id) for c in claims},
        duration_ms=180_000,
        generated_at="2026-11-21 06:00 UTC",
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    assert "R &amp; &lt;D&gt;" in page
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "</script" not in ld
    assert {r["reviewRating"]["alternateName"] for r in json.loads(ld)} == {"False", "Supported"}
    # One marker per claim in the chart, in the verdict's colour.
    markers = re.findall(
        r'<rect x="[\d.]+" y="\d+" width="[\d.]+" height="16" rx="3" '
        r'fill="(#[0-9a-f]{6})"',
        page,
    )
    assert markers == [
        STATUS_COLOURS["unchecked"],
        STATUS_COLOURS["false"],
        STATUS_COLOURS["supported"],
    ]
    assert "data:image/png;base64," + base64.b64encode(png).decode() in page
    assert "frame at 0:02:01" in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)
