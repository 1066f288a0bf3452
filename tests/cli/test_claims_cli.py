"""The claims and sources commands, run as a user would, against real project files."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from pathlib import Path

import pytest

from karachi_review import cli
from karachi_review.cli import claims_cmds, project_cmds
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path
from karachi_review.core.store import Project

SAMPLE = sample_path()
ARTICLE = sample_path(SAMPLE_ARTICLE)


def _parser() -> argparse.ArgumentParser:
    # The lead adds claims_cmds to cli/__init__.py's module tuple; until then (and after) this
    # parser holds exactly the commands under test.
    parser = argparse.ArgumentParser(prog="karachi-review")
    sub = parser.add_subparsers(dest="command")
    project_cmds.register(sub)
    claims_cmds.register(sub)
    return parser


def run(*args: str | Path) -> int:
    parsed = _parser().parse_args([str(a) for a in args])
    return cli._run(parsed.handler, parsed)


@pytest.fixture
def proj(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "hunters.kreview"
    assert run("new", path, "--transcript", SAMPLE, "--title", "Taliban <hunters>") == 0
    capsys.readouterr()
    return path


def listed(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    capsys.readouterr()
    assert run("claims", "list", path, "--json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def by_text(claims: list[dict], start: str) -> dict:
    (found,) = [c for c in claims if c["text"].startswith(start)]
    return found


def test_detect_then_list_json(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("claims", "detect", proj) == 0
    out, err = capsys.readouterr()
    assert "Almost 24 million people live in Karachi." in out and "why:" in out
    assert re.search(r"15 claims found; added 15, 0 already stored", err)
    claims = listed(proj, capsys)
    assert len(claims) == 15
    for c in claims:
        assert {"id", "start_ms", "end_ms", "text", "values", "unit", "qualifier", "status"} <= set(
            c
        )
        assert c["status"] == "unchecked"
    population = by_text(claims, "Almost 24 million")
    assert (population["start_ms"], population["end_ms"]) == (119_000, 123_000)
    assert population["values"][0]["text"] == "24 million"
    assert population["values"][0]["value"] == 24_000_000
    assert population["qualifier"] == "almost"
    rate = by_text(claims, "There is an improvement")
    assert [(v["text"], v["value"]) for v in rate["values"]] == [("6%", 6)]
    assert rate["unit"] == "%"
    children = by_text(claims, "133 children")
    assert children["values"][0]["value"] == 133  # glued to 0:22:37 in the file
    kidnap = by_text(claims, "Recently released figures")
    assert [v["value"] for v in kidnap["values"]] == [115, 12, 0]
    assert [v["role"] for v in kidnap["values"]] == ["value", "period", "value"]
    # Each claim is an annotation tagged statistic-claim.
    with Project.open(proj, read_only=True) as p:
        assert len(p.annotations(tag="statistic-claim")) == 15


def test_detect_again_and_dry_run_add_nothing(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("claims", "detect", proj, "--dry-run") == 0
    assert "nothing stored" in capsys.readouterr().err
    assert listed(proj, capsys) == []
    assert run("claims", "detect", proj) == 0
    capsys.readouterr()
    assert run("claims", "detect", proj, "--json") == 0
    out, err = capsys.readouterr()
    assert "added 0, 15 already stored" in err
    suggestions = json.loads(out)
    assert len(suggestions) == 15 and all(s["reasons"] and s["score"] for s in suggestions)
    assert len(listed(proj, capsys)) == 15


def test_set_status_with_evidence(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("claims", "detect", proj) == 0
    claim = by_text(listed(proj, capsys), "Almost 24 million")
    url = "https://www.pbs.gov.pk/content/final-results-census-2017"
    assert (
        run(
            "claims",
            "set",
            proj,
            claim["id"][:8],
            "--status",
            "disputed",
            "--evidence",
            url,
            "--passage",
            "Karachi: 16,051,521",
            "--note",
            "census counts fewer",
            "--reviewer",
            "desk",
        )
        == 0
    )
    assert "unchecked -> disputed by desk with 1 evidence" in capsys.readouterr().err
    after = by_text(listed(proj, capsys), "Almost 24 million")
    assert (after["status"], after["reviewer"]) == ("disputed", "desk")
    (ev,) = after["evidence"]
    assert (ev["url"], ev["passage"]) == (url, "Karachi: 16,051,521")
    assert ev["retrieved_at"]
    assert run("claims", "set", proj, claim["id"], "--status", "needs context") == 0
    assert listed(proj, capsys, "--status", "needs context")[0]["id"] == claim["id"]
    with Project.open(proj, read_only=True) as p:
        history = [(h.old_status, h.new_status, h.note) for h in p.claim_history(claim["id"])]
    assert history == [
        ("unchecked", "disputed", "census counts fewer"),
        ("disputed", "needs context", ""),
    ]


def test_set_errors_are_one_line(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("claims", "detect", proj) == 0
    claim = listed(proj, capsys)[0]
    capsys.readouterr()
    assert run("claims", "set", proj, claim["id"], "--status", "maybe") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown status 'maybe'" in err[0] and str(proj) in err[0]
    assert run("claims", "set", proj, "ffffffff", "--status", "false") == 2
    assert "no claim with id 'ffffffff'" in capsys.readouterr().err
    assert run("claims", "list", proj.with_name("missing.kreview")) == 2
    assert listed(proj, capsys)[0]["status"] == "unchecked"


def test_sources_add_and_compare(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("claims", "detect", proj) == 0
    capsys.readouterr()
    assert run("sources", "add", proj, ARTICLE) == 0
    out = capsys.readouterr().out
    assert out.startswith("source 1: People & Power (text/plain)")
    assert "20 million" in out
    assert run("sources", "add", proj, ARTICLE) == 0
    assert "already added as source 1" in capsys.readouterr().out
    assert run("sources", "add", proj, proj.with_name("none.txt")) == 2
    assert "cannot read the document" in capsys.readouterr().err
    assert run("sources", "list", proj, "--json") == 0
    (source,) = json.loads(capsys.readouterr().out)
    assert source["claims"] == 3  # population, kidnapping, and a teaser's "half of"
    assert len(listed(proj, capsys, "--sources")) == 18
    assert run("claims", "compare", proj, "--json") == 0
    pairs = json.loads(capsys.readouterr().out)
    population = [p for p in pairs if p["measure"] == "population"]
    assert {p["first"]["written"] for p in population} == {"24 million"}
    assert all(p["second"]["written"] == "20 million" for p in population)
    assert all(p["relation"] == "disagree" and p["disagreement"] for p in population)
    assert all(p["first"]["origin"] == "film" for p in pairs)
    kidnapping = [
        p for p in pairs if p["measure"] == "kidnapping cases" and p["first"]["written"] == "132"
    ]
    assert [(p["second"]["written"], p["relation"]) for p in kidnapping] == [
        ("100", "different period")
    ]
    with Project.open(proj, read_only=True) as p:
        links = p.claim_links()
    assert len(links) == len(pairs)
    assert {(link.measure, link.relation) for link in links} >= {
        ("population", "disagree"),
        ("kidnapping cases", "different period"),
    }
    assert run("claims", "compare", proj) == 0
    out = capsys.readouterr().out
    assert "!! population" in out and "different period" in out


def test_html_source(proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Report</title></head><body><p>Almost 25 million people live in "
        "Karachi.</p></body></html>",
        encoding="utf-8",
    )
    assert run("sources", "add", proj, page, "--url", "https://example.org/r") == 0
    assert "source 1: Report (text/html)" in capsys.readouterr().out


def test_report_and_exports(proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("claims", "detect", proj) == 0
    assert run("sources", "add", proj, ARTICLE) == 0
    claims = listed(proj, capsys)
    first = by_text(claims, "Almost 24 million")
    school = by_text(claims, "133 children")
    assert (
        run(
            "claims",
            "set",
            proj,
            first["id"],
            "--status",
            "false",
            "--evidence",
            "javascript:alert(1)",
            "--note",
            "<script>alert('x')</script>",
        )
        == 0
    )
    assert (
        run(
            "claims",
            "set",
            proj,
            school["id"],
            "--status",
            "supported",
            "--evidence",
            "https://en.wikipedia.org/wiki/2014_Peshawar_school_massacre",
        )
        == 0
    )
    report = tmp_path / "out" / "report.html"
    report.parent.mkdir()
    assert run("claims", "report", proj, "-o", report) == 0
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the verdict's note
    assert 'href="javascript' not in page
    assert "Taliban &lt;hunters&gt;" in page
    assert not re.search(r"""<(?:script|img|link)[^>]+(?:src|href)=["']?https?:""", page)
    assert "default-src 'none'" in page
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    reviews = json.loads(ld)
    assert {r["reviewRating"]["alternateName"] for r in reviews} == {"False", "Supported"}
    assert all(r["@type"] == "ClaimReview" for r in reviews)
    supported = next(r for r in reviews if r["reviewRating"]["alternateName"] == "Supported")
    assert supported["claimReviewed"].startswith("133 children")
    assert supported["itemReviewed"]["appearance"]["startOffset"] == 1352.0
    assert "population" in page and "disagree" in page  # the comparison table
    # CSV: one row per claim, values as written and normalised.
    out_csv = tmp_path / "claims.csv"
    assert run("claims", "export", proj, "--format", "csv", "-o", out_csv) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 15
    row = next(r for r in rows if r["text"].startswith("With a force"))
    assert (row["values"], row["normalised"]) == ("15,000; 24 million", "15000; 24000000")
    out_json = tmp_path / "claims.json"
    assert run("claims", "export", proj, "--format", "json", "-o", out_json, "--sources") == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["claims"]) == 18
    false = next(c for c in data["claims"] if c["id"] == first["id"])
    assert false["history"][0]["new_status"] == "false"
    out_ld = tmp_path / "reviews.jsonld"
    assert run("claims", "export", proj, "--format", "claimreview", "-o", out_ld) == 0
    assert len(json.loads(out_ld.read_text(encoding="utf-8"))) == 2
