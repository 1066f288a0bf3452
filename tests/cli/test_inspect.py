"""``karachi-review inspect FILE [--encoding ENC] [--json]``, run for real and in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from karachi_review.cli import main
from karachi_review.core.samples import sample_path

VTT = """WEBVTT

NOTE not a cue

intro
00:00:01.000 --> 00:00:02.500 line:0 align:start
<v Roger>Hi <b>there</b>

00:00:03.000 --> 00:00:04,000
café comma
"""


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "karachi_review", "inspect", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def _json(*args: str | Path) -> dict[str, Any]:
    done = _cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def _assert_one_line_error(done: subprocess.CompletedProcess[str], path: Path) -> str:
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{path}:")
    return lines[0]


# --- the sample --------------------------------------------------------------------------------


def test_sample_report() -> None:
    done = _cli(sample_path())
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    fields = dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in done.stdout.splitlines())
    )
    assert fields["format"] == "timed-lines"
    assert fields["encoding"].startswith("utf-8")
    assert "guessed" not in fields["encoding"]
    assert fields["cues"] == "324"
    assert fields["first cue"].startswith("00:00:05.000")
    assert fields["last cue"].endswith("00:28:07.000")
    assert fields["duration"] == "00:28:07.000"
    assert fields["warnings"] == "0"


def test_sample_json_schema_and_text_as_written() -> None:
    data = _json(sample_path())
    for key in (
        "format",
        "encoding",
        "encoding_confidence",
        "encoding_guessed",
        "cue_count",
        "duration_ms",
        "cues",
        "warnings",
    ):
        assert key in data
    assert data["format"] == "timed-lines"
    assert data["encoding"] == "utf-8"
    assert data["encoding_guessed"] is False
    assert 0.0 <= data["encoding_confidence"] <= 1.0
    assert data["cue_count"] == len(data["cues"]) == 324
    assert data["duration_ms"] == 1687000
    assert data["warnings"] == []
    lines = sample_path().read_text(encoding="utf-8").split("\n")
    for i, cue in enumerate(data["cues"], 1):
        assert set(cue) >= {"index", "start_ms", "end_ms", "text", "id", "speaker", "line"}
        assert cue["index"] == i
        assert lines[cue["line"] - 1].endswith(cue["text"])
    cue = next(c for c in data["cues"] if c["text"].startswith("133 children"))
    assert cue["end_ms"] == 1357000


# --- other formats and options -----------------------------------------------------------------


def test_vtt_json_keeps_ids_voices_settings_and_reports_repairs(tmp_path: Path) -> None:
    path = tmp_path / "film.vtt"
    path.write_text(VTT, encoding="utf-8")
    data = _json(path)
    assert data["format"] == "vtt"
    assert [(c["id"], c["speaker"], c["line"], c["settings"]) for c in data["cues"]] == [
        ("intro", "Roger", 5, "line:0 align:start"),
        (None, None, 9, None),
    ]
    assert data["cues"][0]["text"] == "<v Roger>Hi <b>there</b>"
    assert data["cues"][1]["text"] == "café comma"  # ensure_ascii=False: as written
    assert "café" in _cli(path, "--json").stdout
    assert [(w["line"], w["kind"]) for w in data["warnings"]] == [(9, "repaired")]
    assert all(set(w) == {"line", "message", "kind"} for w in data["warnings"])


def test_warnings_are_printed_as_file_line_message_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "damaged.txt"
    path.write_text("0:00:01 > 0:00:05a\nloose line\n0:00:03 > 0:00:06b\n", encoding="utf-8")
    done = _cli(path)
    assert done.returncode == 0, done.stderr
    warning_lines = [line for line in done.stdout.splitlines() if line.startswith(f"{path}:")]
    assert [line.split(":")[1] for line in warning_lines] == ["2", "3"]
    assert "warnings:   2" in done.stdout


def test_encoding_override_and_guess_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nDéjà vu à Noël\n".encode("cp1252"))
    data = _json(path, "--encoding", "cp1252")
    assert data["encoding_guessed"] is False
    assert data["cues"][0]["text"] == "Déjà vu à Noël"
    guessed = _json(path)
    assert guessed["encoding_guessed"] is True
    assert any(w["kind"] == "encoding" for w in guessed["warnings"])
    assert "guessed" in _cli(path).stdout


def test_in_process_main_with_capsys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "film.vtt"
    path.write_text(VTT, encoding="utf-8")
    assert main(["inspect", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["cue_count"] == 2
    assert err == ""
    assert main(["inspect", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "format:     vtt" in out
    assert f"{path}:9: " in out


# --- unusable input: exit 2, one line on stderr, no traceback -----------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.srt"
    path.write_bytes(b"")
    _assert_one_line_error(_cli(path), path)


def test_white_space_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"\n  \r\n\t\n")
    _assert_one_line_error(_cli(path), path)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "noise.srt"
    path.write_bytes(bytes(range(256)) * 20)
    _assert_one_line_error(_cli(path), path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.vtt"
    line = _assert_one_line_error(_cli(path), path)
    assert "no such file" in line


def test_directory(tmp_path: Path) -> None:
    line = _assert_one_line_error(_cli(tmp_path), tmp_path)
    assert "directory" in line


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("A newspaper article.\nIt has no times at all.\n", encoding="utf-8")
    _assert_one_line_error(_cli(path), path)


def test_vtt_header_without_cues(tmp_path: Path) -> None:
    path = tmp_path / "hollow.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing else\n", encoding="utf-8")
    _assert_one_line_error(_cli(path), path)


@pytest.mark.parametrize("encoding", ["klingon-8", "rot13", "base64"])
def test_unknown_or_non_text_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("0:00:01 > 0:00:02a\n", encoding="utf-8")
    line = _assert_one_line_error(_cli(path, "--encoding", encoding), path)
    assert encoding in line


@pytest.mark.parametrize("encoding", ["ascii", "idna", "utf-32"])
def test_encoding_that_cannot_decode_the_file(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "latin.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nDéjà vu\n".encode("cp1252"))
    _assert_one_line_error(_cli(path, "--encoding", encoding), path)


def test_unreadable_file_in_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # root can read any file, so the permission error is faked where the file is opened
    from karachi_review.core import reader

    def denied(path: str, mode: str = "r") -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(reader, "open", denied, raising=False)
    path = tmp_path / "locked.srt"
    assert main(["inspect", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{path}: cannot read the file: Permission denied\n"
