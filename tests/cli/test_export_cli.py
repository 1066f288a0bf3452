"""``karachi-review export`` and ``import-annotations`` for every format, as a user runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pysrt
import pytest

from karachi_review.cli import main
from karachi_review.core.export import FORMATS
from karachi_review.core.samples import sample_path
from karachi_review.core.store import Project

SAMPLE = sample_path()


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def proj(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "hunters.kreview"
    assert run("new", path, "--transcript", SAMPLE, "--title", "Taliban hunters") == 0
    assert run("tag", path, "--cue", "1", "--tag", "raid", "--note", "=1+1 dead") == 0
    assert run("tag", path, "--cue", "3-4", "--tag", "interview", "--annotator", "bilal") == 0
    assert run("tag", path, "--start", "1:00", "--end", "1:02.5", "--tag", "raid") == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(
    fmt: str, proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    assert run("export", proj, "--format", fmt, "--fps", "25", "-o", out) == 0
    assert "checked by reading the file back" in capsys.readouterr().err
    assert out.stat().st_size > 0
    # Without -o the same bytes go to standard output (EAF carries its date: compare the rest).
    assert run("export", proj, "--format", fmt, "--fps", "25") == 0
    printed = capsys.readouterr().out
    if fmt != "eaf":
        assert printed.encode("utf-8") == out.read_bytes().lstrip(b"\xef\xbb\xbf") or (
            printed.encode("utf-8") == out.read_bytes()
        )


def test_tag_fps_and_start_tc(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.edl"
    args = ["--format", "resolve-edl", "--tag", "raid", "--fps", "29.97", "--start-tc"]
    assert run("export", proj, *args, "10:00:00;00", "-o", out) == 0
    text = out.read_text()
    assert "FCM: DROP FRAME" in text
    assert text.count("|C:") == 2  # the two raids, not the interview
    # Cue 1 starts at 5.000 s; frame 150 starts at 5.005 s, so frame 149 is on screen.
    assert "001  001      V     C        10:00:04;29 10:00:05;00 10:00:04;29 10:00:05;00" in text
    assert "|M:Raid: =1+1 dead |D:120" in text  # 5.0 s -> 9.0 s at 29.97 = 120 frames


def test_subtitle_mode_and_filters(proj: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.srt"
    args = ["--format", "srt", "--mode", "annotations", "--annotator", "bilal"]
    assert run("export", proj, *args, "-o", out) == 0
    subs = pysrt.open(str(out), error_handling=pysrt.ERROR_RAISE)
    assert [s.text for s in subs] == ["[INTERVIEW]"]
    out2 = tmp_path / "b.srt"
    assert (
        run("export", proj, "--format", "srt", "--mode", "tagged", "--to", "0:30", "-o", out2) == 0
    )
    subs = pysrt.open(str(out2), error_handling=pysrt.ERROR_RAISE)
    assert [s.text.split("]")[0] for s in subs] == ["[RAID", "[INTERVIEW", "[INTERVIEW"]


def test_user_errors_exit_2(proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.edl"
    out.write_text("keep me")
    assert run("export", proj, "--format", "resolve-edl", "-o", out) == 2
    assert "--fps" in capsys.readouterr().err  # the sample project has no media rate
    assert run("export", proj, "--format", "srt", "--tag", "nope", "-o", out) == 2
    assert "unknown tag 'nope'" in capsys.readouterr().err
    assert (
        run("export", proj, "--format", "avid-edl", "--fps", "25", "--start-tc", "xx", "-o", out)
        == 2
    )
    assert out.read_text() == "keep me"


def test_import_eaf_tiers_and_resolve_edl(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eaf = tmp_path / "a.eaf"
    edl = tmp_path / "a.edl"
    assert run("export", proj, "--format", "eaf", "-o", eaf) == 0
    assert run("export", proj, "--format", "resolve-edl", "--fps", "25", "-o", edl) == 0
    other = tmp_path / "copy.kreview"
    assert run("new", other, "--transcript", SAMPLE) == 0
    capsys.readouterr()
    assert run("import-annotations", other, eaf, "--tier", "raid=funeral") == 0
    captured = capsys.readouterr()
    assert "2 added" in captured.err and len(captured.out.split()) == 2
    assert run("import-annotations", other, edl, "--fps", "25") == 0
    assert "3 added" in capsys.readouterr().err
    with Project.open(other, read_only=True) as p:
        tags = sorted(a.tag for a in p.annotations())
    assert tags == ["funeral", "funeral", "interview", "raid", "raid"]
    assert run("import-annotations", other, eaf, "--tier", "Nope=raid") == 2
    assert "no tier 'Nope'" in capsys.readouterr().err
    assert run("import-annotations", other, eaf, "--tier", "raid") == 2


def test_json_export_reads_back_as_import(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.jsonl"
    assert run("export", proj, "--format", "jsonl", "-o", out) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["start_tc"] is None  # no frame rate known, none given
    other = tmp_path / "copy.kreview"
    assert run("new", other, "--transcript", SAMPLE) == 0
    assert run("import-annotations", other, out) == 0
    assert "3 added" in capsys.readouterr().err


def test_several_tags_after_one_flag(proj: Path, tmp_path: Path) -> None:
    both = tmp_path / "both.csv"
    assert run("export", proj, "--format", "csv", "--tag", "raid", "interview", "-o", both) == 0
    repeated = tmp_path / "repeated.csv"
    assert run("export", proj, "--format", "csv", "--tag", "raid", "--tag", "interview", "-o",
               repeated) == 0  # fmt: skip
    assert both.read_bytes() == repeated.read_bytes()
    only = tmp_path / "raid.csv"
    assert run("export", proj, "--format", "csv", "--tag", "raid", "-o", only) == 0

    def tags(path: Path) -> list[str]:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [row["tag"] for row in csv.DictReader(f)]

    assert tags(both) == ["raid", "interview", "raid"]
    assert tags(only) == ["raid", "raid"]
