"""Marker timecodes frame-exact at 25, 29.97 drop-frame and 23.976; safety of export_file."""

from __future__ import annotations

import errno
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from export_fixtures import ANNOTATIONS, ann, source

from karachi_review.core import export as exporter
from karachi_review.core import export_markers
from karachi_review.core.errors import KarachiError
from karachi_review.core.export import ExportVerifyError, export_file
from karachi_review.core.export_model import ExportError, ExportOptions, ExportSource
from karachi_review.core.timecode import frame_to_ms

NTSC = Fraction(30000, 1001)
FILM = Fraction(24000, 1001)


def _at_frames(rate: Fraction, frames: list[int]) -> ExportSource:
    annotations = [
        ann(n, frame_to_ms(f, rate), frame_to_ms(f + 10, rate), "raid", f"frame {f}")
        for n, f in enumerate(frames, 1)
    ]
    return source(rate, annotations)


def _loc_timecodes(path: Path) -> list[str]:
    return [line.split()[2] for line in path.read_text().splitlines() if line.startswith("* LOC")]


def _resolve_record_ins(path: Path) -> list[str]:
    return [line.split()[6] for line in path.read_text().splitlines() if line[:3].isdigit()]


def test_drop_frame_vectors_at_29_97(tmp_path: Path) -> None:
    src = _at_frames(NTSC, [1799, 1800, 17982, 107892])
    out = tmp_path / "df.edl"
    export_file(src, out, ExportOptions("resolve-edl", start_tc="00:00:00;00"))
    assert _resolve_record_ins(out) == ["00:00:59;29", "00:01:00;02", "00:10:00;00", "01:00:00;00"]
    assert "FCM: DROP FRAME" in out.read_text()
    # OpenTimelineIO reads the drop-frame events to the same frames.
    timeline = otio.adapters.read_from_file(str(out), adapter_name="cmx_3600", rate=float(NTSC))
    frames = [c.source_range.start_time.to_frames() for c in timeline.find_clips()]
    assert frames == [1799, 1800, 17982, 107892]


def test_default_start_is_one_hour_and_drop_frame_at_29_97(tmp_path: Path) -> None:
    src = _at_frames(NTSC, [0, 1800])
    out = tmp_path / "df.edl"
    export_file(src, out, ExportOptions("avid-edl"))
    assert _loc_timecodes(out) == ["01:00:00;00", "01:01:00;02"]
    nd = tmp_path / "ndf.edl"
    export_file(src, nd, ExportOptions("avid-edl", drop_frame=False))
    assert _loc_timecodes(nd) == ["01:00:00:00", "01:01:00:00"]


@pytest.mark.parametrize(
    ("rate", "frames", "labels"),
    [
        (Fraction(25), [0, 24, 25, 90_000 - 1], ["00:00:00:00", "00:00:00:24", "00:00:01:00",
                                                 "00:59:59:24"]),
        (FILM, [0, 23, 24, 86_400], ["00:00:00:00", "00:00:00:23", "00:00:01:00",
                                    "01:00:00:00"]),
    ],
)  # fmt: skip
def test_non_drop_rates_are_frame_exact(
    rate: Fraction, frames: list[int], labels: list[str], tmp_path: Path
) -> None:
    src = _at_frames(rate, frames)
    out = tmp_path / "m.edl"
    export_file(src, out, ExportOptions("avid-edl", start_tc="00:00:00:00"))
    assert _loc_timecodes(out) == labels
    timeline = otio.adapters.read_from_file(str(out), adapter_name="cmx_3600", rate=float(rate))
    marks = [m.marked_range.start_time for c in timeline.find_clips() for m in c.markers]
    assert [m.to_timecode() for m in marks] == labels
    # xmeml: frames relative to the sequence; the nominal timebase and NTSC flag.
    xml = tmp_path / "m.xml"
    export_file(src, xml, ExportOptions("xmeml", start_tc="00:00:00:00"))
    text = xml.read_text()
    assert f"<timebase>{round(rate)}</timebase>" in text
    assert ("<ntsc>TRUE</ntsc>" in text) == (rate.denominator == 1001)
    seq = otio.adapters.read_from_file(str(xml), adapter_name="fcp_xml")
    assert [m.marked_range.start_time.to_frames() for m in seq.tracks.markers] == frames
    # fcpxml: rational seconds of whole frames.
    fcp = tmp_path / "m.fcpxml"
    export_file(src, fcp, ExportOptions("fcpxml", start_tc="00:00:00:00"))
    tb, _ = export_markers.markers(src, ExportOptions("fcpxml", start_tc="00:00:00:00"))
    assert export_markers.fcpxml_read_back(fcp.read_bytes(), tb) == [
        (f, 10, "Raid", f"frame {f}") for f in frames
    ]


def test_fcpxml_at_23_976_uses_its_frame_duration(tmp_path: Path) -> None:
    fcp = tmp_path / "m.fcpxml"
    export_file(_at_frames(FILM, [24]), fcp, ExportOptions("fcpxml"))
    text = fcp.read_text()
    assert 'frameDuration="1001/24000s"' in text
    # 01:00:00:00 at 23.976 NDF is 86400 frames = 3603.6 s of clock time.
    assert 'tcStart="18018/5s"' in text
    assert "3603.6" not in text  # rational, never a decimal


def test_a_marker_at_ten_hours_with_a_broadcast_start(tmp_path: Path) -> None:
    src = source(Fraction(25), [ann(1, 0, 2000, "raid", "first frame")])
    opts = {"start_tc": "10:00:00:00"}
    edl = tmp_path / "r.edl"
    export_file(src, edl, ExportOptions("resolve-edl", **opts))
    assert _resolve_record_ins(edl) == ["10:00:00:00"]
    avid = tmp_path / "a.edl"
    export_file(src, avid, ExportOptions("avid-edl", **opts))
    timeline = otio.adapters.read_from_file(str(avid), adapter_name="cmx_3600", rate=25)
    marks = [m.marked_range.start_time for c in timeline.find_clips() for m in c.markers]
    assert [m.to_timecode() for m in marks] == ["10:00:00:00"]
    xml = tmp_path / "p.xml"
    export_file(src, xml, ExportOptions("xmeml", **opts))
    seq = otio.adapters.read_from_file(str(xml), adapter_name="fcp_xml")
    assert seq.global_start_time.to_timecode() == "10:00:00:00"
    assert [m.marked_range.start_time.to_frames() for m in seq.tracks.markers] == [0]
    fcp = tmp_path / "f.fcpxml"
    export_file(src, fcp, ExportOptions("fcpxml", **opts))
    text = fcp.read_text()
    assert 'tcStart="36000s"' in text and 'offset="36000s"' in text
    assert '<marker start="0s" duration="2s" value="Raid" note="first frame"' in text
    timeline = otio.adapters.read_from_file(str(fcp), adapter_name="fcpx_xml")[0]
    (clip,) = timeline.find_clips()
    assert [m.marked_range.start_time.to_frames() for m in clip.markers] == [0]
    # Without a media file the markers sit on a gap, in timeline time.
    no_media = ExportSource(src.annotations, src.cues, src.tags, None, "Film")
    gap = tmp_path / "g.fcpxml"
    export_file(no_media, gap, ExportOptions("fcpxml", fps=Fraction(25), **opts))
    assert '<marker start="36000s" duration="2s" value="Raid" note="first frame"' in (
        gap.read_text()
    )


def test_a_start_timecode_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_file(source(NTSC), tmp_path / "x.edl", ExportOptions("resolve-edl",
                    start_tc="00:01:00;00"))  # fmt: skip


def test_markers_need_a_frame_rate(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="--fps"):
        export_file(source(None), tmp_path / "x.edl", ExportOptions("resolve-edl"))
    assert not (tmp_path / "x.edl").exists()
    export_file(source(None), tmp_path / "x.edl", ExportOptions("resolve-edl", fps=Fraction(25)))
    assert (tmp_path / "x.edl").exists()


# ------------------------------------------------------------------------------ filters


def test_filters_by_tag_annotator_and_time(tmp_path: Path) -> None:
    def ids(**kw: object) -> list[str]:
        src = ExportSource.select(
            ANNOTATIONS,
            source().cues,
            source().tags,
            ExportOptions("json", **kw),  # type: ignore[arg-type]
        )
        return [a.id[-1] for a in src.annotations]

    assert ids() == ["1", "2", "3", "4"]
    assert ids(tags=("raid",)) == ["1", "3"]
    assert ids(tags=("Statistic claim", "interview")) == ["2", "4"]
    assert ids(annotators=("BILAL",)) == ["2", "4"]
    assert ids(from_ms=5000) == ["2", "4"]
    assert ids(to_ms=2500) == ["1"]
    assert ids(tags=("raid",), from_ms=3400, to_ms=3600) == ["1", "3"]
    with pytest.raises(ExportError, match="unknown tag 'nope'"):
        ids(tags=("nope",))


# ------------------------------------------------------------------------------- safety


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_a_file_that_reads_back_differently_fails_and_keeps_the_old_one(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "export.out"
    out.write_bytes(b"previous good export")
    real = exporter.read_back

    def lossy(path: Path, f: str, src: ExportSource, opts: ExportOptions) -> list[object]:
        found = real(path, f, src, opts)
        return found[:-1]  # one item lost on the way to disk

    monkeypatch.setattr(exporter, "read_back", lossy)
    with pytest.raises(ExportVerifyError, match="read back"):
        export_file(source(), out, ExportOptions(fmt))
    assert out.read_bytes() == b"previous good export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.out"]


def test_a_changed_item_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = exporter.read_back

    def shifted(path: Path, f: str, src: ExportSource, opts: ExportOptions) -> list[object]:
        found = real(path, f, src, opts)
        first = found[0]
        return [(first[0], first[1] + 40, *first[2:]), *found[1:]]

    monkeypatch.setattr(exporter, "read_back", shifted)
    with pytest.raises(ExportVerifyError, match="item 1 should be"):
        export_file(source(), tmp_path / "a.srt", ExportOptions("srt"))
    assert not (tmp_path / "a.srt").exists()


_REAL_FDOPEN = os.fdopen


class _FullDisk:
    """A file object whose writes fail as on a full disk, after writing nothing."""

    def __init__(self, fd: int) -> None:
        self._file = _REAL_FDOPEN(fd, "wb")

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_full_leaves_the_previous_export_byte_identical(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "markers.edl"
    export_file(source(), out, ExportOptions("resolve-edl"))
    before = out.read_bytes()
    if where == "write":

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            if args == ("wb",):
                return _FullDisk(fd)
            return _REAL_FDOPEN(fd, *args, **kwargs)

        monkeypatch.setattr(os, "fdopen", fdopen)
    else:

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(KarachiError, match="No space left on device"):
        export_file(source(), out, ExportOptions("resolve-edl", start_tc="10:00:00:00"))
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["markers.edl"]
