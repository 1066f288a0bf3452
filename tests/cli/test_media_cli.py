"""``probe``, ``frame`` and ``doctor`` on generated clips (real PyAV, real libVLC)."""

from __future__ import annotations

import argparse
import json
from fractions import Fraction
from pathlib import Path

import av
import pytest
from clips import Clip, make_clip, make_not_video, read_frame_index

from karachi_review.cli import _run, media_cmds


def run(*argv: str | Path) -> int:
    """Parse and run one media subcommand the way cli.main does (errors -> exit 2)."""
    parser = argparse.ArgumentParser(prog="karachi-review")
    media_cmds.register(parser.add_subparsers())
    args = parser.parse_args([str(a) for a in argv])
    return _run(args.handler, args)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    folder = tmp_path_factory.mktemp("cli")
    return make_clip(
        folder / "c.mp4", Fraction(30000, 1001), 4.0, 320, 180, gop=60, start_timecode="01:00:00;00"
    )


def read_png(path: Path) -> int:
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return read_frame_index(frame.to_ndarray(format="rgb24"))


def test_probe_json(clip: Clip, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("probe", clip.path, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fps"] == "30000/1001"
    assert data["frame_count"] == clip.frame_count
    assert data["start_timecode"] == "01:00:00;00"
    assert abs(data["duration_ms"] - round(clip.frame_count * 1001 / 30)) <= 1
    assert (data["width"], data["height"]) == (320, 180)
    assert data["audio_streams"][0]["codec"] == "aac"


def test_probe_text(clip: Clip, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("probe", clip.path) == 0
    out = capsys.readouterr().out
    assert "30000/1001 (29.97 fps, drop-frame)" in out
    assert f"frames         {clip.frame_count}" in out
    assert "start timecode 01:00:00;00" in out


def test_probe_errors_exit_2_with_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("probe", tmp_path / "none.mp4") == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'none.mp4'}: media file not found"
    bad = make_not_video(tmp_path / "bad.mp4")
    assert run("probe", bad) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}: not a media file") and "Traceback" not in err


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        (["--frame", "77"], 77),
        (["--at", "2.5"], 74),  # 2500 ms at 29.97 fps: frame 74 is on screen
        (["--at", "00:00:02;03"], 63),  # SMPTE from the start of the media
        (["--at", "01:00:02;03", "--source-tc"], 63),  # the file's own timecode
        (["--frame", "0"], 0),
    ],
)
def test_frame_writes_exact_png(
    clip: Clip, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: list[str], expected: int
) -> None:
    out = tmp_path / "still.png"
    assert run("frame", clip.path, *how, "-o", out) == 0
    assert read_png(out) == expected
    assert f"frame {expected}" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["still.png"]  # no temporary left behind


def test_frame_errors(clip: Clip, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    assert run("frame", clip.path, "--frame", "9999", "-o", out) == 2
    assert "outside the media" in capsys.readouterr().err
    assert run("frame", clip.path, "--at", "soon", "-o", out) == 2
    assert "--at:" in capsys.readouterr().err
    assert run("frame", clip.path, "--frame", "1", "-o", tmp_path / "no" / "x.png") == 2
    assert "folder does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_doctor_checks_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("doctor") == 0
    out = capsys.readouterr().out
    assert "ok    PyAV exact frame: asked 37, got 37" in out
    assert "ok    libVLC 3." in out
    assert "libVLC decoded the test clip through video callbacks" in out
    assert "ok    libVLC sound, volume and mute (" in out
    assert "frame cache budget 256 MiB" in out
    assert out.rstrip().endswith("all good")
