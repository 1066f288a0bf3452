"""Source documents and the comparison of claims that measure the same thing.

A source is a text or HTML document (a news article, a report) added to the project: its text
is read here (HTML through the standard library's parser, scripts and styles dropped), its
claims detected by ``core/claims.py`` and stored with it by ``core/store.py``.

Comparing turns each figure into the range its qualifier allows (``almost 24 million`` is
21.6-24 million, ``more than 100`` is 100 or more, a bare figure is itself within 2%) and pairs
figures of the same kind that measure the same thing (:func:`karachi_review.core.claims.
measure_of`) across different origins (the film and a document, or two documents):

* both name years and the years differ: ``different period`` (132 kidnappings in 2014 in the
  film, more than 100 in 2010 in the article);
* otherwise overlapping ranges ``agree`` and separate ones ``disagree`` (a city of almost 24
  million in the film, almost 20 million in the article).

Vague magnitudes (``thousands of``, ``millions of``) are not compared.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

from karachi_review.core.claims import measure_of
from karachi_review.core.errors import KarachiError
from karachi_review.core.store import Claim, Project

__all__ = [
    "Comparison",
    "SourceDocument",
    "SourceError",
    "compare",
    "html_to_text",
    "read_source",
    "value_range",
]

_MAX_BYTES: Final = 20 * 1024 * 1024
_YEAR_RE: Final = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


class SourceError(KarachiError):
    """A source document that cannot be read."""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A document read from disk: its title, plain text, content type and hash."""

    title: str
    text: str
    content_type: str
    content_hash: str


class _TextExtractor(HTMLParser):
    _SKIP: Final = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCK: Final = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "figcaption",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """(title, text) of an HTML document; paragraphs are separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return " ".join(parser.title.split()), "\n\n".join(p for p in paragraphs if p)


def read_source(path: str | Path) -> SourceDocument:
    """Read a .txt/.md or .html/.htm document (UTF-8, else cp1252) as plain text."""
    file = Path(path)
    where = str(file)
    try:
        data = file.read_bytes()
    except IsADirectoryError:
        raise SourceError("is a folder, not a document", where) from None
    except OSError as exc:
        raise SourceError(f"cannot read the document: {exc.strerror}", where) from None
    if len(data) > _MAX_BYTES:
        raise SourceError("the document is larger than 20 MB", where)
    if b"\x00" in data[:4096]:
        raise SourceError("not a text or HTML document (binary data)", where)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = data.decode("cp1252", errors="replace")
    is_html = file.suffix.lower() in (".html", ".htm", ".xhtml") or bool(
        re.match(r"\s*(?:<!doctype html|<html)", decoded[:512], re.I)
    )
    if is_html:
        title, text = html_to_text(decoded)
        content_type = "text/html"
    else:
        text = decoded.replace("\r\n", "\n").replace("\r", "\n")
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        content_type = "text/plain"
    if not text.strip():
        raise SourceError("the document holds no text", where)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceDocument(title or file.stem, text, content_type, digest)


# ------------------------------------------------------------------------------ comparing


def value_range(value: float, qualifier: str) -> tuple[float, float]:
    """The range of values a qualified figure allows (``almost 20 million``: 18-20 million)."""
    q = qualifier.lower()
    if q in ("almost", "nearly", "under", "less than", "fewer than", "just under"):
        return value * 0.9, value
    if q in ("more than", "over", "at least", "as many as"):
        return value, math.inf
    if q in ("up to", "at most"):
        return 0.0, value
    if q.endswith(" of"):  # "millions of": one million up to (not including) a thousand
        return value, value * 1000
    if q in ("about", "around", "some", "estimated", "approximately", "roughly", "on average"):
        return value * 0.9, value * 1.1
    return value * 0.98, value * 1.02


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two figures of different origins that measure the same thing, and how they relate."""

    measure: str
    relation: str  # agree, disagree, different period
    first: Claim
    second: Claim
    first_value: dict[str, Any]
    second_value: dict[str, Any]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""

        def side(claim: Claim, value: dict[str, Any]) -> dict[str, Any]:
            return {
                "claim_id": claim.id,
                "origin": "film" if claim.source_id is None else f"source {claim.source_id}",
                "start_ms": claim.start_ms,
                "end_ms": claim.end_ms,
                "text": claim.text,
                "value": value.get("value"),
                "written": value.get("text"),
                "qualifier": value.get("qualifier") or claim.qualifier,
                "period": claim.period,
                "status": claim.status,
            }

        return {
            "measure": self.measure,
            "relation": self.relation,
            "disagreement": self.relation != "agree",
            "first": side(self.first, self.first_value),
            "second": side(self.second, self.second_value),
            "explanation": self.explanation,
        }


def _figures(claim: Claim) -> Iterable[tuple[str, dict[str, Any]]]:
    for value in claim.values:
        if value.get("role") != "value" or value.get("kind") not in ("count", "percent", "money"):
            continue
        if str(value.get("qualifier") or "").endswith(" of"):
            continue  # "thousands of": a magnitude too vague to agree or disagree with
        measure = measure_of(str(value.get("unit") or claim.subject), claim.text)
        if value.get("kind") == "money":
            measure = "ransom paid" if "ransom" in claim.text.lower() else "money"
        if measure:
            yield measure, value


def _years(claim: Claim) -> set[str]:
    return set(_YEAR_RE.findall(claim.period))


def _origin(claim: Claim) -> str:
    return "film" if claim.source_id is None else f"source {claim.source_id}"


def compare(claims: Sequence[Claim]) -> list[Comparison]:
    """Pairs of figures of different origins measuring the same thing, film first."""
    out: list[Comparison] = []
    figures = [(c, m, v) for c in claims if not c.deleted for m, v in _figures(c)]
    for i, (a, measure, va) in enumerate(figures):
        for b, other_measure, vb in figures[i + 1 :]:
            if measure != other_measure or _origin(a) == _origin(b) or va["kind"] != vb["kind"]:
                continue
            ya, yb = _years(a), _years(b)
            qa = str(va.get("qualifier") or "")
            qb = str(vb.get("qualifier") or "")
            la, ha = value_range(float(va["value"]), qa)
            lb, hb = value_range(float(vb["value"]), qb)
            said = f"{_origin(a)}: {va['text']}" + (f" ({qa})" if qa else "")
            said_b = f"{_origin(b)}: {vb['text']}" + (f" ({qb})" if qb else "")
            if ya and yb and ya != yb:
                relation = "different period"
                why = f"{said} in {', '.join(sorted(ya))}; {said_b} in {', '.join(sorted(yb))}"
            elif la <= hb and lb <= ha:
                relation = "agree"
                why = f"{said} and {said_b} overlap"
            else:
                relation = "disagree"
                why = f"{said} vs {said_b}: the ranges do not overlap"
            if a.source_id is not None and b.source_id is None:  # the film's figure first
                out.append(Comparison(measure, relation, b, a, vb, va, why))
            else:
                out.append(Comparison(measure, relation, a, b, va, vb, why))
    return out


def sync_links(project: Project) -> list[Comparison]:
    """Link the film's and the sources' claims that measure the same thing; return the pairs.

    Links are derived data: they are recomputed, not accumulated (a pair no longer found is
    unlinked), so this is not an undo step. ``claims compare`` and the window both call it.
    """
    comparisons = compare(project.claims(include_sources=True))
    existing = {(link.claim_a, link.claim_b): link for link in project.claim_links()}
    current = {tuple(sorted((cmp.first.id, cmp.second.id))) for cmp in comparisons}
    for pair in existing.keys() - current:
        project.unlink_claims(*pair)
    for cmp in comparisons:
        a, b = sorted((cmp.first.id, cmp.second.id))
        old = existing.get((a, b))
        if old is None or (old.measure, old.relation) != (cmp.measure, cmp.relation):
            project.link_claims(
                a, b, measure=cmp.measure, relation=cmp.relation, note=cmp.explanation
            )
    return comparisons
