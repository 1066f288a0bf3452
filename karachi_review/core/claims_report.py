"""Claims out of the project: CSV, JSON, schema.org ClaimReview JSON-LD and the HTML report.

The HTML report is one self-contained file (inline CSS and SVG, stills as ``data:`` URLs, a
Content-Security-Policy that forbids every network load), so it opens anywhere and can be mailed.
Every piece of text from the project (cue text, notes, URLs, titles) is HTML-escaped; links are
made only for ``http``/``https`` URLs. The JSON-LD inside ``<script>`` has ``<``, ``>`` and ``&``
escaped as ``\\u003c``... so a quote cannot close the script element.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from karachi_review.core.annotation_io import neutralise_cell
from karachi_review.core.claims import STATUSES
from karachi_review.core.sources import Comparison
from karachi_review.core.store import Claim, Evidence, Source, StatusChange
from karachi_review.core.timecode import format_hms, format_ms

__all__ = [
    "REVIEWED",
    "STATUS_COLOURS",
    "claim_review",
    "claims_to_csv",
    "claims_to_json",
    "report_html",
    "values_text",
]

#: Colour of each verdict (Okabe-Ito, readable by colour-blind readers), grey when unchecked.
STATUS_COLOURS: Final = {
    "unchecked": "#9e9e9e",
    "sourced": "#56b4e9",
    "supported": "#009e73",
    "disputed": "#e69f00",
    "false": "#d55e00",
    "needs context": "#cc79a7",
}
#: Verdicts that make a claim "reviewed" (and give it a ClaimReview).
REVIEWED: Final = ("supported", "disputed", "false", "needs context")
# ClaimReview ratings on a 1 (false) to 5 (supported) scale, the alternateName says it in words.
_RATING: Final = {"false": 1, "disputed": 2, "needs context": 3, "supported": 5}
_LABELS: Final = {
    "false": "False",
    "disputed": "Disputed",
    "needs context": "Needs context",
    "supported": "Supported",
}

_CSV_COLUMNS: Final = (
    "id",
    "start",
    "end",
    "start_ms",
    "end_ms",
    "origin",
    "text",
    "values",
    "normalised",
    "unit",
    "qualifier",
    "period",
    "place",
    "subject",
    "speaker",
    "status",
    "reviewer",
    "evidence",
    "note",
)


def values_text(claim: Claim, *, normalised: bool = False) -> str:
    """The figures of a claim as written (``15,000; 24 million``) or normalised."""
    figures = [v for v in claim.values if v.get("role") == "value"]
    return "; ".join(str(v["value"] if normalised else v["text"]) for v in figures)


def _origin(claim: Claim) -> str:
    return "film" if claim.source_id is None else f"source {claim.source_id}"


def claims_to_csv(
    claims: Sequence[Claim], evidence: Mapping[str, Sequence[Evidence]] | None = None
) -> bytes:
    """One row per claim (UTF-8 with BOM for spreadsheets; formula-like cells neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for c in claims:
        evs = (evidence or {}).get(c.id, ())
        row = [
            c.id,
            "" if c.start_ms is None else format_ms(c.start_ms, "."),
            "" if c.end_ms is None else format_ms(c.end_ms, "."),
            "" if c.start_ms is None else str(c.start_ms),
            "" if c.end_ms is None else str(c.end_ms),
            _origin(c),
            c.text,
            values_text(c),
            values_text(c, normalised=True),
            c.unit,
            c.qualifier,
            c.period,
            c.place,
            c.subject,
            c.speaker,
            c.status,
            c.reviewer or "",
            " | ".join(e.url or e.document or "" for e in evs),
            c.note,
        ]
        writer.writerow([neutralise_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def claims_to_json(
    claims: Sequence[Claim],
    evidence: Mapping[str, Sequence[Evidence]] | None = None,
    history: Mapping[str, Sequence[StatusChange]] | None = None,
) -> bytes:
    """A JSON document: ``{"claims": [...]}`` with evidence and verdict history per claim."""
    items = []
    for c in claims:
        data = c.as_dict()
        data["evidence"] = [e.as_dict() for e in (evidence or {}).get(c.id, ())]
        data["history"] = [h.as_dict() for h in (history or {}).get(c.id, ())]
        items.append(data)
    document = {"format": "karachi_review claims", "version": 1, "claims": items}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def claim_review(
    claim: Claim,
    evidence: Sequence[Evidence] = (),
    *,
    work_title: str,
    work_url: str | None = None,
    source: Source | None = None,
    published: str | None = None,
) -> dict[str, Any] | None:
    """schema.org ClaimReview of a reviewed claim (None while unchecked or only sourced)."""
    if claim.status not in REVIEWED:
        return None
    appearance: dict[str, Any]
    if claim.source_id is None:
        appearance = {"@type": "Clip", "name": work_title}
        if claim.start_ms is not None and claim.end_ms is not None:
            appearance["startOffset"] = claim.start_ms / 1000
            appearance["endOffset"] = claim.end_ms / 1000
        if work_url:
            appearance["url"] = work_url
    else:
        appearance = {"@type": "CreativeWork", "name": source.title if source else "document"}
        if source is not None and source.url:
            appearance["url"] = source.url
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": published or datetime.now(UTC).date().isoformat(),
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": {"@type": "Person", "name": claim.reviewer or "unknown"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": _RATING[claim.status],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": _LABELS[claim.status],
        },
    }
    cited = [e.url for e in evidence if e.url]
    if cited:
        review["citation"] = cited
    return review


# ------------------------------------------------------------------------------ HTML report

_CSS: Final = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;
background:#f6f6f4}
main{max-width:1180px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 10px;border-bottom:1px solid #ddd;
padding-bottom:4px}
.meta{color:#666;margin:0 0 16px}
.legend span,.chip{display:inline-block;border-radius:10px;padding:1px 9px;margin:0 6px 4px 0;
color:#fff;font-size:13px;font-weight:600}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}
.claim{background:#fff;border:1px solid #ddd;border-left:6px solid var(--c);border-radius:6px;
padding:12px 16px;margin:12px 0;display:flex;gap:18px;align-items:flex-start}
.body{flex:1;min-width:0}
.claim h3{margin:0;font-size:15px}.tc{font-family:ui-monospace,Menlo,Consolas,monospace;color:#444}
blockquote{margin:6px 0;padding:4px 12px;border-left:3px solid #ccc;font-size:16px;color:#222}
.facts{color:#444;font-size:13.5px}.facts b{color:#222}
.evidence{font-size:13.5px;margin:6px 0 0;padding-left:18px}
.still{width:240px;border:1px solid #ccc;border-radius:4px}
figure{margin:0;font-size:12px;color:#666;text-align:center}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13.5px}
th,td{border:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#efefec}.flag{font-weight:700;color:#d55e00}.ok{color:#009e73;font-weight:700}
.empty{color:#777;font-style:italic}
"""


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _figure(v: Mapping[str, Any]) -> str:
    written, value = str(v.get("text", "")), v.get("value")
    plain = _number(value)
    if written.replace(",", "") == str(value):
        return _e(written)
    return f"{_e(written)} ({_e(plain)})"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(url: str) -> str:
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(url)}</a>'
    return _e(url)


def _chip(status: str) -> str:
    return f'<span class="chip" style="background:{STATUS_COLOURS[status]}">{_e(status)}</span>'


def _timeline_svg(claims: Sequence[Claim], duration_ms: int) -> str:
    width, left, right, lane_h = 1100, 40, 20, 22
    plot = width - left - right
    film = [c for c in claims if c.start_ms is not None]
    lanes: list[int] = []  # x end of the last marker in each lane, to avoid overlaps
    placed: list[tuple[Claim, float, float, int, int]] = []
    for n, c in enumerate(film, 1):
        assert c.start_ms is not None and c.end_ms is not None
        x = left + plot * c.start_ms / duration_ms
        w = max(plot * (c.end_ms - c.start_ms) / duration_ms, 8.0 + 7.0 * len(str(n)))
        lane = next((i for i, end in enumerate(lanes) if end < x - 14), None)
        if lane is None:
            lanes.append(0)
            lane = len(lanes) - 1
        lanes[lane] = int(x + w)
        placed.append((c, x, w, lane, n))
    height = 40 + lane_h * max(len(lanes), 1) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Timeline of the film\'s claims by verdict">',
        f'<rect x="{left}" y="30" width="{plot}" height="{height - 56}" fill="#fafafa" '
        'stroke="#ddd"/>',
    ]
    step_ms = 5 * 60_000 if duration_ms > 20 * 60_000 else 60_000
    t = 0
    while t <= duration_ms:
        x = left + plot * t / duration_ms
        parts.append(
            f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="{height - 26}" stroke="#e4e4e4"/>'
            f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" '
            f'fill="#666">{_e(format_hms(t))}</text>'
        )
        t += step_ms
    for c, x, w, lane, n in placed:
        y = 36 + lane * lane_h
        colour = STATUS_COLOURS.get(c.status, "#9e9e9e")
        tip = f"{n}. {format_hms(c.start_ms or 0)} [{c.status}] {c.text}"
        parts.append(
            f'<a href="#claim-{n}"><g><title>{_e(tip)}</title>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="16" rx="3" fill="{colour}"/>'
            f'<text x="{x + 3:.1f}" y="{y + 12}" font-size="11" font-weight="700" '
            f'fill="#fff">{n}</text></g></a>'
        )
    parts.append(
        f'<text x="{left}" y="20" font-size="12" fill="#444">Claims of the film along its '
        f"{_e(format_hms(duration_ms))}, coloured by verdict</text></svg>"
    )
    return "".join(parts)


def _json_ld(reviews: Sequence[dict[str, Any]]) -> str:
    text = json.dumps(list(reviews), ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def report_html(
    *,
    title: str,
    claims: Sequence[Claim],
    evidence: Mapping[str, Sequence[Evidence]],
    comparisons: Sequence[Comparison] = (),
    sources: Sequence[Source] = (),
    duration_ms: int | None = None,
    generated_at: str | None = None,
    history: Mapping[str, Sequence[StatusChange]] | None = None,
) -> str:
    """The self-contained HTML report of a project's claims (``history``: verdict changes)."""
    film = [c for c in claims if c.source_id is None and not c.deleted]
    ends = [c.end_ms for c in film if c.end_ms is not None]
    duration = max(duration_ms or 0, max(ends, default=0), 1)
    counts = Counter(c.status for c in film)
    when = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    source_titles = {s.id: s.title for s in sources}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Claims report: {_e(title)}</title><style>{_CSS}</style>",
    ]
    reviews = [
        r
        for c in claims
        if (
            r := claim_review(
                c,
                evidence.get(c.id, ()),
                work_title=title,
                source=None,
                published=when[:10],
            )
        )
        is not None
    ]
    if reviews:
        out.append(f'<script type="application/ld+json">{_json_ld(reviews)}</script>')
    out.append("</head><body><main>")
    out.append(f"<h1>Claims report: {_e(title)}</h1>")
    reviewed = sum(counts[s] for s in REVIEWED)
    out.append(
        f'<p class="meta">{len(film)} claims in the film, {reviewed} reviewed · '
        f"generated {_e(when)} by karachi_review</p>"
    )
    out.append(
        '<div class="legend">'
        + "".join(
            f'<span style="background:{STATUS_COLOURS[s]}">{_e(s)}: {counts[s]}</span>'
            for s in STATUSES
        )
        + "</div>"
    )
    out.append(f'<div class="chart">{_timeline_svg(film, duration)}</div>')
    out.append("<h2>Claims of the film</h2>")
    if not film:
        out.append('<p class="empty">No claims yet: run <code>claims detect</code>.</p>')
    for n, c in enumerate(film, 1):
        colour = STATUS_COLOURS.get(c.status, "#9e9e9e")
        tc = f"{format_hms(c.start_ms or 0)} – {format_hms(c.end_ms or 0)}"
        facts = []
        figures = [v for v in c.values if v.get("role") == "value"]
        if figures:
            facts.append("<b>Figures:</b> " + ", ".join(_figure(v) for v in figures))
        kinds = {v.get("kind") for v in figures}
        for label, value in (
            ("Unit" if kinds & {"money", "percent"} else "Counts", c.unit),
            ("Qualifier", c.qualifier),
            ("Period", c.period),
            ("Place", c.place),
            ("Speaker", c.speaker),
            ("Reviewer", c.reviewer or ""),
            ("Note", c.note),
        ):
            if value:
                facts.append(f"<b>{label}:</b> {_e(value)}")
        evs = evidence.get(c.id, ())
        still = next((e for e in evs if e.still_png), None)
        out.append(f'<section class="claim" id="claim-{n}" style="--c:{colour}"><div class="body">')
        out.append(f'<h3>{n}. <span class="tc">{_e(tc)}</span> {_chip(c.status)}</h3>')
        out.append(f"<blockquote>{_e(c.text)}</blockquote>")
        out.append(f'<div class="facts">{" · ".join(facts)}</div>')
        items = []
        for e in evs:
            if not (e.url or e.document or e.passage):
                continue  # a still alone is shown beside the quote
            where = _link(e.url) if e.url else _e(e.document or "")
            bits = [where] if where else []
            if e.passage:
                bits.append(f"“{_e(e.passage)}”")
            if e.retrieved_at:
                bits.append(f"retrieved {_e(e.retrieved_at)}")
            items.append("<li>" + " — ".join(bits) + "</li>")
        if items:
            out.append(f'<ul class="evidence">{"".join(items)}</ul>')
        else:
            out.append('<div class="facts empty">No evidence yet.</div>')
        changes = (history or {}).get(c.id, ())
        if changes:
            steps = [
                f"{_e(h.new_status)} ({_e(h.reviewer)}, {_e(h.changed_at[:10])})"
                + (f": {_e(h.note)}" if h.note else "")
                for h in changes
            ]
            out.append(f'<div class="facts"><b>History:</b> {" → ".join(steps)}</div>')
        out.append("</div>")
        if still is not None:
            data = base64.b64encode(still.still_png or b"").decode("ascii")
            at = _e(format_hms(still.still_ms if still.still_ms is not None else c.start_ms or 0))
            out.append(
                f'<figure><img class="still" alt="frame at {at}" '
                f'src="data:image/png;base64,{data}"><figcaption>frame at {at}</figcaption>'
                "</figure>"
            )
        out.append("</section>")
    out.append("<h2>Where sources measure the same thing</h2>")
    if comparisons:
        out.append(
            "<table><tr><th>Measure</th><th>Film / first</th><th>Other</th><th>Relation</th></tr>"
        )
        for cmp in comparisons:
            first, second = cmp.first, cmp.second
            label_a = (
                f"film {format_hms(first.start_ms or 0)}"
                if first.source_id is None
                else source_titles.get(first.source_id, f"source {first.source_id}")
            )
            label_b = (
                f"film {format_hms(second.start_ms or 0)}"
                if second.source_id is None
                else source_titles.get(second.source_id, f"source {second.source_id}")
            )
            css = "ok" if cmp.relation == "agree" else "flag"
            out.append(
                f"<tr><td>{_e(cmp.measure)}</td>"
                f"<td><b>{_e(cmp.first_value['text'])}</b> ({_e(label_a)})<br>{_e(first.text)}</td>"
                f"<td><b>{_e(cmp.second_value['text'])}</b> ({_e(label_b)})<br>"
                f"{_e(second.text)}</td>"
                f'<td class="{css}">{_e(cmp.relation)}<br><small>{_e(cmp.explanation)}</small>'
                "</td></tr>"
            )
        out.append("</table>")
    else:
        out.append('<p class="empty">No source document compared yet.</p>')
    if sources:
        out.append("<h2>Sources</h2><ul>")
        for s in sources:
            n_claims = sum(1 for c in claims if c.source_id == s.id)
            where = _link(s.url) if s.url else _e(s.path or "")
            out.append(
                f"<li><b>{_e(s.title)}</b> ({_e(s.content_type)}, {n_claims} claims) {where}</li>"
            )
        out.append("</ul>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
