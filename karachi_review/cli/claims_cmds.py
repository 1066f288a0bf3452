"""Claims and sources subcommands: detect, list, set, compare, report, export; sources add/list.

``karachi-review claims detect PROJECT`` finds the numbers worth checking in the transcript
and stores each as a claim (an annotation tagged statistic-claim plus its record); running it
again adds only what is new. ``sources add PROJECT FILE`` adds a text or HTML document and its
claims; ``claims compare`` links claims of the film and of the documents that measure the same
thing (recomputed on each run) and flags where they disagree. Results go to stdout, reports to
stderr; a user error exits 2 with one ``FILE[:LINE]: message`` line (``cli/__init__.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from karachi_review.core import claims_report
from karachi_review.core.annotation_io import write_atomic
from karachi_review.core.claims import STATUSES, THRESHOLD, detect, detect_text
from karachi_review.core.errors import KarachiError
from karachi_review.core.sources import compare, read_source, sync_links
from karachi_review.core.store import (
    Claim,
    Evidence,
    EvidenceInput,
    Project,
    UpgradeNeededError,
)
from karachi_review.core.timecode import format_ms


def register(sub: Any) -> None:
    """Add ``claims`` and ``sources`` to ``sub`` (an argparse subparsers action)."""
    claims = sub.add_parser(
        "claims",
        help="numeric claims: detect, list, set a verdict, compare with sources, report",
        description="Find, track and report the numbers the film states.",
    )
    csub = claims.add_subparsers(dest="claims_command", metavar="ACTION", required=True)

    p = csub.add_parser(
        "detect",
        help="find the numbers worth checking and store them as claims",
        description=(
            "Detect numeric claims in the transcript (sentences assembled across cues) and store "
            "each new one as an annotation tagged statistic-claim with its claim record. "
            "Claims already stored (same start and text) are left alone."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument(
        "--min-score",
        type=float,
        default=THRESHOLD,
        metavar="S",
        help=f"suggest sentences whose best figure scores at least S (default {THRESHOLD})",
    )
    p.add_argument("--dry-run", action="store_true", help="print the suggestions, store nothing")
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    p.set_defaults(handler=cmd_detect)

    p = csub.add_parser("list", help="list the claims", description="List the film's claims.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true", help="JSON: a list of claim objects")
    p.add_argument("--status", choices=STATUSES, help="only claims with this verdict")
    p.add_argument("--sources", action="store_true", help="also the claims of source documents")
    p.set_defaults(handler=cmd_list)

    p = csub.add_parser(
        "set",
        help="give a claim a verdict (with evidence and a note)",
        description="Set the status of claim ID (a unique prefix is enough); kept in its history.",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("id", metavar="ID")
    p.add_argument("--status", required=True, metavar="S", help=f"one of: {', '.join(STATUSES)}")
    p.add_argument("--evidence", metavar="URL", help="a URL (or a document name) it rests on")
    p.add_argument("--passage", metavar="TEXT", default="", help="the passage quoted from it")
    p.add_argument("--retrieved", metavar="DATE", help="when the evidence was retrieved")
    p.add_argument("--note", metavar="T", default="", help="why (kept in the history)")
    p.add_argument("--reviewer", metavar="NAME", help="default: $KARACHI_REVIEW_ANNOTATOR")
    p.set_defaults(handler=cmd_set)

    p = csub.add_parser(
        "compare",
        help="link claims that measure the same thing; flag disagreements",
        description=(
            "Pair the film's figures with those of the source documents that measure the same "
            "thing (population, kidnapping cases, ...), store the links, and show agree / "
            "disagree / different period."
        ),
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_compare)

    p = csub.add_parser(
        "report",
        help="write the self-contained HTML report",
        description="Write an HTML report: timeline chart by verdict, quotes, evidence, stills.",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html")
    p.set_defaults(handler=cmd_report)

    p = csub.add_parser(
        "export",
        help="write the claims as CSV, JSON or ClaimReview JSON-LD",
        description="Export the claims; claimreview writes one schema.org ClaimReview per "
        "reviewed claim (supported, disputed, false, needs context).",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", choices=("csv", "json", "claimreview"), required=True)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--sources", action="store_true", help="also the claims of source documents")
    p.set_defaults(handler=cmd_export)

    sources = sub.add_parser(
        "sources",
        help="documents to check the film against: add, list",
        description="Source documents (text or HTML) and their claims.",
    )
    ssub = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    p = ssub.add_parser(
        "add",
        help="add a text or HTML document and detect its claims",
        description="Add FILE (text or HTML) to the project and store the claims found in it.",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--title", metavar="T", help="default: the document's title or first line")
    p.add_argument("--url", metavar="URL", help="where the document was published")
    p.set_defaults(handler=cmd_sources_add)
    p = ssub.add_parser("list", help="list the source documents")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sources_list)


# ------------------------------------------------------------------------------- helpers


def _open_for_reading(path: str) -> Project:
    try:
        return Project.open(path, read_only=True)
    except UpgradeNeededError:
        Project.open(path).close()  # an older file is upgraded once (with a snapshot first)
        return Project.open(path, read_only=True)


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ts(ms: int | None) -> str:
    return "-" if ms is None else format_ms(ms, ".")


def _claim_line(c: Claim) -> str:
    figures = claims_report.values_text(c) or "-"
    return f"{c.id[:8]}  {_ts(c.start_ms)}  {c.status:<13}  {figures:<22}  {_one_line(c.text)[:90]}"


def _evidence_of(p: Project, claims: list[Claim]) -> dict[str, list[Evidence]]:
    return {c.id: p.evidence(c.id) for c in claims}


# ---------------------------------------------------------------------------- commands


def cmd_detect(args: argparse.Namespace) -> int:
    """``karachi-review claims detect PROJECT [--min-score S] [--dry-run] [--json]``."""
    opener = _open_for_reading if args.dry_run else Project.open
    with opener(args.project) as p:
        suggestions = detect(p.cues(), threshold=args.min_score)
        present = {(c.start_ms, c.text) for c in p.claims()}
        added: list[Claim] = []
        for s in suggestions:
            if args.dry_run or (s.sentence.start_ms, s.text) in present:
                continue
            added.append(p.accept_suggestion(s))
        if args.json:
            _print_json(
                [
                    s.as_dict()
                    | {"claim_id": next((c.id for c in added if c.text == s.text), None)}
                    for s in suggestions
                ]
            )
        else:
            for s in suggestions:
                figures = "; ".join(q.text for q in s.values)
                print(
                    f"{_ts(s.sentence.start_ms)}  {s.score:4.2f}  {figures:<22}  "
                    f"{_one_line(s.text)[:80]}"
                )
                print(f"    why: {'; '.join(s.reasons)}")
        if args.dry_run:
            summary = f"{len(suggestions)} claims found; nothing stored (--dry-run)"
        else:
            kept = len(suggestions) - len(added)
            summary = f"{len(suggestions)} claims found; added {len(added)}, {kept} already stored"
        print(summary, file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``karachi-review claims list PROJECT [--json] [--status S] [--sources]``."""
    with _open_for_reading(args.project) as p:
        claims = p.claims(include_sources=args.sources)
        if args.status:
            claims = [c for c in claims if c.status == args.status]
        if args.json:
            evidence = _evidence_of(p, claims)
            _print_json(
                [c.as_dict() | {"evidence": [e.as_dict() for e in evidence[c.id]]} for c in claims]
            )
        else:
            for c in claims:
                print(_claim_line(c))
            print(f"{len(claims)} claims", file=sys.stderr)
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """``karachi-review claims set PROJECT ID --status S [--evidence URL] [--note T]``."""
    evidence = []
    if args.evidence or args.passage:
        ref = (args.evidence or "").strip()
        is_url = "://" in ref
        evidence.append(
            EvidenceInput(
                url=ref if is_url else None,
                document=None if is_url or not ref else ref,
                passage=args.passage,
                retrieved_at=args.retrieved,
            )
        )
    with Project.open(args.project) as p:
        change = p.set_claim_status(
            args.id, args.status, reviewer=args.reviewer, note=args.note, evidence=evidence
        )
        claim = p.claim(change.claim_id)
        print(_claim_line(claim))
        print(
            f"{change.old_status} -> {change.new_status} by {change.reviewer}"
            + (f" with {len(change.evidence_ids)} evidence" if change.evidence_ids else ""),
            file=sys.stderr,
        )
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``karachi-review claims compare PROJECT [--json]``: link and flag."""
    with Project.open(args.project) as p:
        comparisons = sync_links(p)
        if args.json:
            _print_json([cmp.as_dict() for cmp in comparisons])
        else:
            for cmp in comparisons:
                flag = "  " if cmp.relation == "agree" else "!!"
                print(
                    f"{flag} {cmp.measure:<22} {cmp.relation:<16} "
                    f"{cmp.first_value['text']} [{_where(cmp.first)}] vs "
                    f"{cmp.second_value['text']} [{_where(cmp.second)}]"
                )
                print(f"   {cmp.explanation}")
        flagged = sum(1 for cmp in comparisons if cmp.relation != "agree")
        print(f"{len(comparisons)} pairs linked, {flagged} flagged", file=sys.stderr)
    return 0


def _where(c: Claim) -> str:
    return f"film {_ts(c.start_ms)}" if c.source_id is None else f"source {c.source_id}"


def cmd_report(args: argparse.Namespace) -> int:
    """``karachi-review claims report PROJECT -o FILE.html``."""
    with _open_for_reading(args.project) as p:
        claims = p.claims(include_sources=True)
        page = claims_report.report_html(
            title=p.title,
            claims=claims,
            evidence=_evidence_of(p, claims),
            comparisons=compare(claims),
            sources=p.sources(),
            duration_ms=p.end_of_media_ms(),
            history={c.id: p.claim_history(c.id) for c in claims},
        )
    write_atomic(args.output, page.encode("utf-8"))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``karachi-review claims export PROJECT --format csv|json|claimreview -o FILE``."""
    with _open_for_reading(args.project) as p:
        claims = p.claims(include_sources=args.sources)
        evidence = _evidence_of(p, claims)
        if args.format == "csv":
            data = claims_report.claims_to_csv(claims, evidence)
        elif args.format == "json":
            history = {c.id: p.claim_history(c.id) for c in claims}
            data = claims_report.claims_to_json(claims, evidence, history)
        else:
            sources = {s.id: s for s in p.sources()}
            reviews = [
                r
                for c in claims
                if (
                    r := claims_report.claim_review(
                        c,
                        evidence[c.id],
                        work_title=p.title,
                        source=sources.get(c.source_id) if c.source_id is not None else None,
                    )
                )
                is not None
            ]
            data = (json.dumps(reviews, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_atomic(args.output, data)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_sources_add(args: argparse.Namespace) -> int:
    """``karachi-review sources add PROJECT FILE [--title T] [--url URL]``."""
    if not Path(args.project).exists():
        raise KarachiError("no such project file", args.project)
    doc = read_source(args.file)
    with Project.open(args.project) as p:
        same = p.find_source(doc.content_hash)
        if same is not None:
            print(f"already added as source {same.id} ({same.title}); nothing changed")
            return 0
        source, found = p.add_source(
            doc.text,
            title=args.title or doc.title,
            path=args.file,
            url=args.url,
            content_type=doc.content_type,
            detected=detect_text(doc.text),
        )
        print(f"source {source.id}: {source.title} ({source.content_type})")
        for c in found:
            print(f"  {c.id[:8]}  {claims_report.values_text(c):<22}  {_one_line(c.text)[:90]}")
        print(f"{len(found)} claims found in the document", file=sys.stderr)
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    """``karachi-review sources list PROJECT [--json]``."""
    with _open_for_reading(args.project) as p:
        sources = p.sources()
        counts = {s.id: len(p.claims(source_id=s.id)) for s in sources}
        if args.json:
            _print_json([s.as_dict() | {"claims": counts[s.id]} for s in sources])
        else:
            for s in sources:
                print(f"{s.id}  {counts[s.id]:3d} claims  {s.content_type:<10}  {s.title}")
    return 0
