"""The EAF export writes pympi's text without pympi's serializer: ``export_eaf._eaf_text``
must give exactly ``pympi.Elan.to_string(eaf)`` (pympi stays the definition), by its direct
path for the documents the export makes and through pympi for everything else."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any
from unittest import mock

import pympi
import pytest
from export_fixtures import STAMP, golden, source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_fast_paths import NASTY

from karachi_review.core import export_eaf
from karachi_review.core.export import export_file
from karachi_review.core.export_model import ExportOptions, ExportSource
from karachi_review.core.store import Annotation, Media
from karachi_review.core.transcript import Cue
from karachi_review.core.vocabulary import DEFAULT_TAGS

# Names that need escaping in attributes (quotes, tabs, CR, LF, markup, ampersands).
NAMES = st.sampled_from(
    ["raid", "interview", 'say "x"', "a&b", "<tag>", "tab\there", "cr\rlf\nx", "é 漢字", " "]
)
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


@st.composite
def export_sources(draw: st.DrawFn) -> ExportSource:
    """Cues and annotations with nasty text, several annotators, tags used by overlapping
    annotations (extra tiers), media linked or not."""
    cues = []
    t = 0
    for n in range(draw(st.integers(0, 8))):
        length = draw(st.integers(0, 3000))
        cues.append(Cue(n + 1, t, t + length, draw(NASTY | st.text(max_size=8))))
        t += draw(st.sampled_from([length, length // 2, length + 500, 0]))
    annotations = []
    for n in range(draw(st.integers(0, 14))):
        start = draw(st.integers(0, t + 1000))
        annotations.append(
            Annotation(
                f"id-{n}",
                1,
                start,
                start + draw(st.integers(1, 6000)),
                draw(NAMES),
                draw(NASTY | st.text(max_size=8)),
                draw(st.sampled_from(["amna", "", "bilal & co", 'q"uote'])),
                STAMP,
                STAMP,
                1,
            )
        )
    annotations.sort(key=lambda a: a.start_ms)
    path = draw(st.sampled_from([None, "/footage/film.mp4", '/f/a "b" & <c> é.mov']))
    media = None if path is None else Media(1, path, 1, "x", 10_000, Fraction(25), None, STAMP)
    return ExportSource(annotations, cues, DEFAULT_TAGS, media, "T")


def _export(src: ExportSource, now: float) -> tuple[Any, bytes]:
    """The pympi Eaf the EAF export serialised, and the bytes it wrote."""
    with mock.patch.object(export_eaf, "_eaf_text", wraps=export_eaf._eaf_text) as spy:
        data, _ = export_eaf.eaf_write(src, ExportOptions("eaf"), now=now)
    (eaf,) = spy.call_args.args
    return eaf, data


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(src=export_sources(), now=st.floats(0, 4e9))
def test_exports_are_written_as_pympi_writes_them(src: ExportSource, now: float) -> None:
    eaf, data = _export(src, now)
    text = pympi.Elan.to_string(eaf)
    assert export_eaf._eaf_text_fast(eaf) == text  # the direct path, not the fallback
    assert data == (HEADER + text + "\n").encode()


def test_the_golden_file_is_pympis_text() -> None:
    eaf, data = _export(source(), 0)
    assert export_eaf._eaf_text_fast(eaf) == pympi.Elan.to_string(eaf)
    assert data == golden("hunters.eaf", data)


@st.composite
def pympi_documents(draw: st.DrawFn) -> Any:
    """Eafs built with pympi's own API, with what the direct path covers: header
    attributes or an empty header, media and secondary linked files, properties, locales,
    languages, linguistic types, tiers with and without annotations or added again, SVG
    references, time slots without a time or out of order, removed annotations (gaps in the
    ids)."""
    text = NASTY | st.text(max_size=6)
    eaf = pympi.Eaf(author=draw(text))
    if draw(st.booleans()):
        eaf.remove_property()  # an empty header
    if draw(st.booleans()):
        eaf.header.update({"MEDIA_FILE": draw(text), "TIME_UNITS": "milliseconds"})
    for _ in range(draw(st.integers(0, 2))):
        eaf.add_linked_file(
            draw(text),
            relpath=draw(st.none() | text),
            mimetype=draw(text),
            time_origin=draw(st.none() | st.integers(0, 99)),
        )
    for _ in range(draw(st.integers(0, 2))):
        eaf.add_secondary_linked_file(draw(text), mimetype=draw(text))
    for _ in range(draw(st.integers(0, 2))):
        eaf.add_property(draw(text), draw(text | st.integers()))
    if draw(st.booleans()):
        eaf.add_locale(draw(text), draw(st.none() | text), draw(st.none() | text))
        eaf.add_language(draw(text), draw(st.none() | text), draw(st.none() | text))
    if draw(st.booleans()):
        eaf.add_linguistic_type(draw(NAMES), timealignable=draw(st.booleans()))
    if draw(st.booleans()):
        eaf.remove_tier("default")
    # A name added again keeps its place in the dict but is written last.
    for name in draw(st.lists(NAMES | st.just("default"), max_size=4)):
        eaf.add_tier(name, part=draw(st.none() | text), ann=draw(st.none() | text))
    tiers = list(eaf.get_tier_names())
    for _ in range(draw(st.integers(0, 8)) if tiers else 0):
        start = draw(st.integers(0, 9000))
        eaf.add_annotation(
            draw(st.sampled_from(tiers)),
            start,
            start + draw(st.integers(1, 900)),
            draw(text),
            svg_ref=draw(st.none() | text),
        )
    if draw(st.booleans()):
        eaf.generate_ts_id()  # a time slot without a time
    if tiers and draw(st.booleans()):
        eaf.remove_annotation(draw(st.sampled_from(tiers)), draw(st.integers(0, 9000)))
    if draw(st.booleans()):  # slots out of order, as a file can list them: pympi sorts them
        eaf.timeslots = dict(reversed(eaf.timeslots.items()))
    return eaf


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(eaf=pympi_documents())
def test_documents_built_with_pympi_are_written_as_pympi_writes_them(eaf: Any) -> None:
    text = pympi.Elan.to_string(eaf)
    assert export_eaf._eaf_text_fast(eaf) == text
    assert export_eaf._eaf_text(eaf) == text


@pytest.mark.parametrize("with_annotations", [False, True])
def test_a_document_pympi_read_from_a_file_is_written_as_pympi_writes_it(
    with_annotations: bool, tmp_path: Path
) -> None:
    out = tmp_path / "a.eaf"
    src = source() if with_annotations else ExportSource([], [], DEFAULT_TAGS, None, "T")
    export_file(src, out, ExportOptions("eaf"))
    eaf = pympi.Eaf(str(out))  # the ids, attributes and order pympi's reader makes
    text = pympi.Elan.to_string(eaf)
    assert export_eaf._eaf_text_fast(eaf) == text
    assert text.count("<ANNOTATION>") == (8 if with_annotations else 0)


def _with_ref_tier(eaf: Any) -> None:
    eaf.add_tier("parent")
    eaf.add_annotation("parent", 0, 1000, "p")
    eaf.add_tier("child", parent="parent")
    eaf.add_ref_annotation("child", "parent", 500, "ref & <value>")


def _with_vocabulary(eaf: Any) -> None:
    eaf.add_language("eng")
    eaf.add_controlled_vocabulary("tags")
    eaf.add_cv_entry("tags", "cve1", [("raid & <x>", "eng", None)])
    eaf.add_cv_description("tags", "eng", "the tags")


UNCOVERED = {
    "reference tier": _with_ref_tier,
    "controlled vocabulary": _with_vocabulary,
    "licence": lambda eaf: eaf.add_license("CC & BY", "http://x?a=1&b=2"),
    "lexicon reference": lambda eaf: eaf.add_lexicon_ref("l1", "lex", "t", "http://x", "id", "n"),
    "external reference": lambda eaf: eaf.add_external_ref("e1", "iso12620", "v"),
}


@pytest.mark.parametrize("what", UNCOVERED)
def test_what_the_direct_path_does_not_cover_goes_through_pympi(what: str) -> None:
    eaf = pympi.Eaf(author="x")
    eaf.adocument["DATE"] = "0"
    eaf.add_annotation("default", 0, 40, "a & b")
    UNCOVERED[what](eaf)
    text = pympi.Elan.to_string(eaf)
    assert export_eaf._eaf_text_fast(eaf) is None
    assert export_eaf._eaf_text(eaf) == text
    assert "a &amp; b" in text


def _namespaced_attribute(eaf: Any) -> None:
    eaf.header["{http://example.com/ns}x"] = "y"


def _boolean_time(eaf: Any) -> None:
    eaf.timeslots["ts2"] = True


def _odd_slot_id(eaf: Any) -> None:
    eaf.timeslots["ts1_0"] = eaf.timeslots.pop("ts2")  # pympi sorts this as ts1


@pytest.mark.parametrize("change", [_namespaced_attribute, _boolean_time, _odd_slot_id])
def test_a_data_model_the_direct_path_does_not_follow_goes_through_pympi(change: Any) -> None:
    eaf = pympi.Eaf(author="x")
    eaf.add_annotation("default", 0, 40, "a")
    eaf.add_annotation("default", 50, 90, "b")
    change(eaf)
    assert export_eaf._eaf_text_fast(eaf) is None
    assert export_eaf._eaf_text(eaf) == pympi.Elan.to_string(eaf)


def test_attributes_pympi_turns_into_text_are_written_as_pympi_writes_them() -> None:
    eaf = pympi.Eaf(author="x")
    eaf.add_annotation("default", 0, 40, "a")
    eaf.tiers["default"][2]["TIER_ID"] = 7  # pympi's rm_none writes str(7)
    eaf.linguistic_types["default-lt"]["TIME_ALIGNABLE"] = True
    eaf.add_property("n", 0)
    text = pympi.Elan.to_string(eaf)
    assert 'TIER_ID="7"' in text
    assert 'TIME_ALIGNABLE="True"' in text
    assert export_eaf._eaf_text_fast(eaf) == text


@pytest.mark.parametrize(
    "ids", [["ts10", "ts2", "ts02", "ts9", "ts3"], ["ts2", "ts02", "ts3", "ts9", "ts10"]]
)
def test_time_slots_are_written_in_pympis_order(ids: list[str]) -> None:
    eaf = pympi.Eaf(author="x")
    eaf.add_annotation("default", 0, 40, "a")
    eaf.timeslots = dict(zip(ids, [7, 0, 1, None, 40], strict=True))
    text = pympi.Elan.to_string(eaf)
    assert export_eaf._eaf_text_fast(eaf) == text
    # pympi orders by the number in the id, then by the id: ts02 before ts2, ts9 before ts10.
    assert text.index('"ts02"') < text.index('"ts2"') < text.index('"ts9"') < text.index('"ts10"')


def test_a_value_pympi_cannot_write_fails_as_in_pympi() -> None:
    eaf = pympi.Eaf(author="x")
    eaf.add_annotation("default", 0, 40, "a")
    eaf.tiers["default"][0]["a2"] = ("ts2", "ts3", 5, None)  # not text
    with pytest.raises(TypeError, match="cannot serialize 5"):
        pympi.Elan.to_string(eaf)
    with pytest.raises(TypeError, match="cannot serialize 5"):
        export_eaf._eaf_text(eaf)


def _pympi_with_tiers() -> Any:
    eaf = pympi.Eaf(author="x")
    eaf.add_tier("t")
    eaf.add_tier("u")
    eaf.add_annotation("u", 5, 10, "first")
    eaf.add_tier("r", parent="u")
    eaf.add_ref_annotation("r", "u", 7, "ref")  # a tier pympi adds no aligned annotation to
    return eaf


def _state(eaf: Any) -> tuple[object, ...]:
    tiers = [(k, list(v[0].items()), list(v[1].items()), v[2], v[3]) for k, v in eaf.tiers.items()]
    return list(eaf.timeslots.items()), list(eaf.annotations.items()), tiers, eaf.maxts, eaf.maxaid


VALID_ITEMS = st.tuples(
    st.sampled_from(["t", "u"]), st.integers(0, 9000), st.integers(1, 900), NASTY
).map(lambda i: (i[0], i[1], i[1] + i[2], i[3]))
ANY_ITEMS = st.tuples(
    st.sampled_from(["t", "u", "r", "missing"]),  # r holds reference annotations
    st.integers(0, 9000) | st.integers(-5, 5) | st.booleans() | st.just(1.5),
    st.integers(0, 9000) | st.booleans(),
    NASTY,
)


def _outcome(add: Any) -> str | None:
    try:
        add()
    except (KeyError, ValueError) as exc:
        return repr(exc)
    return None


@settings(max_examples=300)
@given(items=st.lists(VALID_ITEMS, max_size=12) | st.lists(VALID_ITEMS | ANY_ITEMS, max_size=12))
def test_bulk_annotations_leave_what_pympi_add_annotation_leaves(
    items: list[tuple[Any, Any, Any, str]],
) -> None:
    ours, theirs = _pympi_with_tiers(), _pympi_with_tiers()
    assert _outcome(lambda: export_eaf._add_annotations(ours, items)) == _outcome(
        lambda: [theirs.add_annotation(*item) for item in items]
    )
    assert _state(ours) == _state(theirs)
    assert pympi.Elan.to_string(ours) == pympi.Elan.to_string(theirs)
