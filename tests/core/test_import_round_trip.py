"""Round trips: export JSON, EAF and Resolve EDL, import into a new project, same annotations.

Also: EAF tier choice, Resolve EDL tag matching, and unsafe XML refused (defusedxml).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from export_fixtures import CUES

from karachi_review.core import imports
from karachi_review.core.errors import KarachiError
from karachi_review.core.export import export_file
from karachi_review.core.export_markers import RESOLVE_COLOURS
from karachi_review.core.export_model import ExportError, ExportOptions, nearest_colour
from karachi_review.core.store import Project
from karachi_review.core.timecode import ms_to_frame
from karachi_review.core.transcript import Transcript

NOTES = [
    (1000, 4000, "raid", "night raid, 3 arrested"),
    (2500, 6000, "interview", ""),
    (3000, 3500, "raid", "overlapping raid"),
    (9040, 11_960, "statistic-claim", "133 children: check the source"),
]


def _project(path: Path, fps: Fraction | None, with_notes: bool = True) -> Project:
    project = Project.create(path, Transcript(CUES), title="Hunters", backups=False)
    project.set_media_info(fps=fps, duration_ms=12_000)
    if with_notes:
        for start, end, tag, note in NOTES:
            project.add_annotation(start, end, tag, note=note, annotator="amna")
    return project


def _frames(project: Project, rate: Fraction) -> list[tuple[str, int, int, str]]:
    return sorted(
        (a.tag, ms_to_frame(a.start_ms, rate), ms_to_frame(a.end_ms, rate), a.note)
        for a in project.annotations()
    )


@pytest.mark.parametrize("rate", [Fraction(25), Fraction(30000, 1001), Fraction(24000, 1001)])
@pytest.mark.parametrize("fmt", ["json", "eaf", "resolve-edl"])
def test_round_trip(fmt: str, rate: Fraction, tmp_path: Path) -> None:
    with _project(tmp_path / "a.kreview", rate) as original:
        out = tmp_path / f"out.{fmt}"
        export_file(original, out, ExportOptions(fmt))
        want = _frames(original, rate)
        ids = sorted(a.id for a in original.annotations())
    with _project(tmp_path / "b.kreview", rate, with_notes=False) as copy:
        rows = imports.rows_from_file(out, None, copy.tags(), rate=rate)
        report = copy.import_annotations(rows, source=str(out))
        assert len(report.added) == len(NOTES)
        assert _frames(copy, rate) == want
        if fmt == "json":  # JSON keeps ids and exact milliseconds too
            assert sorted(a.id for a in copy.annotations()) == ids
            assert sorted((a.start_ms, a.end_ms) for a in copy.annotations()) == sorted(
                (s, e) for s, e, _, _ in NOTES
            )
        if fmt == "eaf":  # EAF keeps milliseconds exactly
            assert sorted((a.start_ms, a.end_ms) for a in copy.annotations()) == sorted(
                (s, e) for s, e, _, _ in NOTES
            )


def test_round_trip_of_a_broadcast_start_edl(tmp_path: Path) -> None:
    rate = Fraction(25)
    with _project(tmp_path / "a.kreview", rate) as original:
        out = tmp_path / "out.edl"
        export_file(original, out, ExportOptions("resolve-edl", start_tc="10:00:00:00"))
        want = _frames(original, rate)
    with _project(tmp_path / "b.kreview", rate, with_notes=False) as copy:
        # Read with the wrong start, the markers fall outside the programme: refused.
        with pytest.raises(KarachiError, match="past the end of the media"):
            copy.import_annotations(imports.rows_from_file(out, None, copy.tags(), rate=rate))
        rows = imports.rows_from_file(out, None, copy.tags(), rate=rate, start_tc="10:00:00:00")
        copy.import_annotations(rows)
        assert _frames(copy, rate) == want


def test_eaf_tiers_chosen_by_the_user(tmp_path: Path) -> None:
    with _project(tmp_path / "a.kreview", Fraction(25)) as original:
        out = tmp_path / "out.eaf"
        export_file(original, out, ExportOptions("eaf"))
    assert imports.eaf_tiers(out) == {
        "transcript": 4,
        "raid": 1,
        "raid (2)": 1,
        "interview": 1,
        "statistic-claim": 1,
    }
    with _project(tmp_path / "b.kreview", Fraction(25), with_notes=False) as copy:
        rows = imports.rows_from_file(
            out, "eaf", copy.tags(), tier_map={"transcript": "location", "raid": "funeral"}
        )
        assert sorted((r.tag, r.start_ms) for r in rows) == [
            ("funeral", 1000),
            ("location", 0),
            ("location", 2000),
            ("location", 5000),
            ("location", 9000),
        ]
        assert rows[0].note == CUES[0].text
        with pytest.raises(ExportError, match="no tier 'Gestures'"):
            imports.rows_from_file(out, "eaf", copy.tags(), tier_map={"Gestures": "raid"})


def test_resolve_edl_written_by_hand(tmp_path: Path) -> None:
    with _project(tmp_path / "a.kreview", Fraction(25), with_notes=False) as p:
        used = {nearest_colour(t.colour, RESOLVE_COLOURS) for t in p.tags()}
    unused = next(name for name, _ in RESOLVE_COLOURS if name not in used)
    edl = tmp_path / "resolve.edl"
    edl.write_text(
        "TITLE: Timeline 1\nFCM: NON-DROP FRAME\n\n"
        "001  001      V     C        01:00:05:00 01:00:05:01 01:00:05:00 01:00:05:01  \n"
        " |C:ResolveColorBlue |M:Interview |D:50\n\n"
        "002  001      V     C        01:00:07:10 01:00:07:11 01:00:07:10 01:00:07:11  \n"
        " |C:ResolveColorRed |M:check this |D:1\n\n"
        "003  001      V     C        01:00:08:00 01:00:08:01 01:00:08:00 01:00:08:01  \n"
        f" |C:ResolveColor{unused} |M:mystery |D:5\n"
    )
    with _project(tmp_path / "b.kreview", Fraction(25), with_notes=False) as copy:
        with pytest.raises(ExportError, match="marker 'mystery'"):
            imports.rows_from_file(edl, None, copy.tags(), rate=Fraction(25))
        rows = imports.rows_from_file(
            edl, None, copy.tags(), rate=Fraction(25), default_tag="location"
        )
        assert [(r.start_ms, r.end_ms, r.tag, r.note, r.line) for r in rows] == [
            (5000, 7000, "interview", "", 5),
            (7400, 7440, "raid", "check this", 8),  # red -> the red tag (raid)
            (8000, 8200, "location", "mystery", 11),
        ]


_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ANNOTATION_DOCUMENT AUTHOR="x" DATE="2020-01-01T00:00:00+00:00" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER/>
<TIER TIER_ID="raid" LINGUISTIC_TYPE_REF="default-lt">&lol2;</TIER>
</ANNOTATION_DOCUMENT>"""

_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ANNOTATION_DOCUMENT AUTHOR="&x;" DATE="2020-01-01T00:00:00+00:00" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER/>
</ANNOTATION_DOCUMENT>"""


@pytest.mark.parametrize("payload", [_BOMB, _XXE])
def test_unsafe_eaf_is_refused(payload: bytes, tmp_path: Path) -> None:
    path = tmp_path / "evil.eaf"
    path.write_bytes(payload)
    with pytest.raises(ExportError, match=r"not a readable EAF file.*Entities"):
        imports.rows_from_file(path, None, [], tier_map={"raid": "raid"})


def test_not_an_eaf(tmp_path: Path) -> None:
    path = tmp_path / "x.eaf"
    path.write_text("<html/>")
    with pytest.raises(ExportError, match="root element <html>"):
        imports.rows_from_file(path, None, [])
    path.write_text("<ANNOTATION_DOCUMENT")
    with pytest.raises(ExportError, match="not a readable EAF"):
        imports.rows_from_file(path, None, [])
