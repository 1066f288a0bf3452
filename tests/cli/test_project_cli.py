"""The headless project commands, run as a user would, against real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from karachi_review.cli import main
from karachi_review.core.samples import sample_path
from karachi_review.core.store import Project

SAMPLE = sample_path()


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def proj(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "hunters.kreview"
    assert run("new", path, "--transcript", SAMPLE, "--title", "Taliban hunters") == 0
    capsys.readouterr()
    return path


def annotations_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    capsys.readouterr()
    assert run("annotations", path, "--json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def test_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    media = tmp_path / "film.mp4"
    media.write_bytes(os.urandom(2_500_000))
    path = tmp_path / "p.kreview"
    assert run("new", path, "--transcript", SAMPLE, "--media", media, "--title", "T") == 0
    out = capsys.readouterr().out
    assert "324 cues" in out and "'T'" in out and "raid, interview" in out
    with Project.open(path, read_only=True) as p:
        assert p.title == "T"
        assert p.media().path == str(media.absolute())
        assert p.media().size == 2_500_000
        assert len(p.cues()) == 324
    before = sha(path)
    assert run("new", path, "--transcript", SAMPLE) == 2
    assert "already exists" in capsys.readouterr().err
    assert sha(path) == before


def test_new_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("new", tmp_path / "a.kreview", "--transcript", tmp_path / "missing.srt") == 2
    assert run("new", tmp_path / "b.kreview", "--transcript", SAMPLE, "--media", "nope.mp4") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "nope.mp4: no such media file" in err[1]
    assert not list(tmp_path.iterdir())


def test_tag_by_time_and_by_cue(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("tag", proj, "--start", "0:01:00", "--end", "00:01:05.5", "--tag", "raid") == 0
    first = capsys.readouterr().out.strip()
    assert str(uuid.UUID(first)) == first
    assert (
        run(
            "tag",
            proj,
            "--cue",
            "3-4",
            "--tag",
            "Statistic claim",
            "--note",
            "n",
            "--annotator",
            "ay",
        )
        == 0
    )
    second = capsys.readouterr().out.strip()
    rows = annotations_json(proj, capsys)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[0]["tag"] == "statistic-claim" and rows[0]["note"] == "n"
    assert rows[0]["annotator"] == "ay"
    with Project.open(proj, read_only=True) as p:
        cues = p.cues()
    assert (rows[0]["start_ms"], rows[0]["end_ms"]) == (cues[2].start_ms, cues[3].end_ms)
    assert (rows[1]["start_ms"], rows[1]["end_ms"]) == (60_000, 65_500)
    for key in ("id", "start_ms", "end_ms", "tag", "note", "annotator"):
        assert key in rows[1]


def test_default_annotator_from_environment(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KARACHI_REVIEW_ANNOTATOR", "bilal")
    assert run("tag", proj, "--cue", "1", "--tag", "raid") == 0
    assert annotations_json(proj, capsys)[0]["annotator"] == "bilal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cue", "3", "--tag", "riot"], "unknown tag 'riot'; known tags: raid, interview,"),
        (["--start", "1:00", "--end", "0:30", "--tag", "raid"], "must be before end"),
        (["--start", "1:00", "--end", "1:00", "--tag", "raid"], "must be before end"),
        (["--start", "1:00", "--end", "5:00:00", "--tag", "raid"], "past the end of the media"),
        (["--cue", "999", "--tag", "raid"], "no cue 999; the transcript has cues 1-324"),
        (["--cue", "0", "--tag", "raid"], "no cue 0"),
        (["--cue", "5-3", "--tag", "raid"], "backwards"),
        (["--cue", "x", "--tag", "raid"], "must be N or N-M"),
        (["--start", "soon", "--end", "1:00", "--tag", "raid"], "--start: 'soon' is not a time"),
        (["--start", "1:00", "--tag", "raid"], "give --start and --end"),
        (["--cue", "1", "--start", "1:00", "--tag", "raid"], "not both"),
    ],
)
def test_tag_bad_input_exits_2_and_changes_nothing(
    proj: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run("tag", proj, "--cue", "1", "--tag", "raid") == 0
    before = annotations_json(proj, capsys)
    assert run("tag", proj, *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert lines[0].startswith(str(proj))
    assert annotations_json(proj, capsys) == before


def test_missing_and_foreign_project_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a project\n")
    for command in (["tag", "--cue", "1", "--tag", "raid"], ["annotations"], ["search", "x"]):
        assert run(command[0], tmp_path / "missing.kreview", *command[1:]) == 2
        assert "no such project file" in capsys.readouterr().err
        assert run(command[0], other, *command[1:]) == 2
        assert "not a project file" in capsys.readouterr().err
    assert other.read_text() == "not a project\n"


def test_untag(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("tag", proj, "--cue", "1", "--tag", "raid")
    keep = capsys.readouterr().out.strip()
    run("tag", proj, "--cue", "2", "--tag", "raid")
    gone = capsys.readouterr().out.strip()
    assert run("untag", proj, gone[:8]) == 0
    assert capsys.readouterr().out.strip() == gone
    assert [r["id"] for r in annotations_json(proj, capsys)] == [keep]
    deleted = annotations_json(proj, capsys, "--deleted")
    assert [r["deleted_at"] is not None for r in deleted] == [False, True]
    assert run("untag", proj, gone) == 0
    assert "already deleted" in capsys.readouterr().err
    assert run("untag", proj, "0000dead") == 2
    assert "no annotation with id '0000dead'" in capsys.readouterr().err


def test_annotations_table_and_tag_filter(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("tag", proj, "--cue", "1", "--tag", "raid", "--note", "line one\nline two")
    run("tag", proj, "--cue", "2", "--tag", "funeral")
    capsys.readouterr()
    assert run("annotations", proj) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "00:00:05.000  00:00:09.000  raid" in lines[0] and "line one\\nline two" in lines[0]
    assert [r["tag"] for r in annotations_json(proj, capsys, "--tag", "funeral")] == ["funeral"]
    assert run("annotations", proj, "--tag", "nope") == 2


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_import_jsonl_prints_ids_and_is_idempotent(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = str(uuid.uuid4())
    rows = [
        {"start": "00:00:05.000", "end": "0:00:09", "tag": "raid", "note": "a", "id": given},
        {"start": "12.5", "end": "14", "tag": "Funeral", "annotator": "ay"},
        {"start_ms": 1000, "end_ms": 2000, "tag": "interview"},
    ]
    src = tmp_path / "rows.jsonl"
    write_jsonl(src, rows)
    assert run("import-annotations", proj, src) == 0
    out = capsys.readouterr()
    ids = out.out.split()
    assert len(ids) == 3 and ids[0] == given
    assert "3 added, 0 already present" in out.err
    stored = {r["id"]: r for r in annotations_json(proj, capsys)}
    assert set(stored) == set(ids)
    assert stored[ids[1]]["annotator"] == "ay" and stored[ids[1]]["start_ms"] == 12_500
    # Again: the row with an id is not duplicated; rows without ids are new rows.
    assert run("import-annotations", proj, src, "--format", "jsonl") == 0
    again = capsys.readouterr()
    assert again.out.split()[0] == given
    assert "2 added, 1 already present" in again.err
    assert len(annotations_json(proj, capsys)) == 5


def test_import_bad_row_changes_nothing(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "rows.jsonl"
    write_jsonl(
        src,
        [{"start": "1", "end": "2", "tag": "raid"}, {"start": "3", "end": "2", "tag": "raid"}],
    )
    assert run("import-annotations", proj, src) == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.strip() == f"{src}:2: start (00:00:03.000) must be before end (00:00:02.000)"
    src.write_text('{"start": "1", "end": "2", "tag": "raid"}\nnot json\n')
    assert run("import-annotations", proj, src) == 2
    assert f"{src}:2: not a JSON object" in capsys.readouterr().err
    assert annotations_json(proj, capsys) == []


def test_import_csv_and_stdin(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "rows.csv"
    src.write_text(
        '\ufeffStart,End,Tag,Note\n0:00:01,0:00:02,raid,"\'=1+1, a note"\n0:03,0:04,funeral,\n',
        encoding="utf-8",
    )
    assert run("import-annotations", proj, src) == 0
    assert len(capsys.readouterr().out.split()) == 2
    rows = annotations_json(proj, capsys)
    assert [r["note"] for r in rows] == ["=1+1, a note", ""]
    # Standard input, through a real process (the way a pipeline runs it).
    line = json.dumps({"start": "0:10", "end": "0:11", "tag": "interview"}) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "karachi_review", "import-annotations", str(proj), "-"],
        input=line,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.split()) == 1
    assert len(annotations_json(proj, capsys)) == 3


def test_search(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("search", proj, "karachi") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("[Karachi]" in line for line in lines)
    assert lines[0].startswith("00:00:46.000  00:00:50.000  cue 7  ")
    run("tag", proj, "--cue", "1", "--tag", "raid", "--note", "check the siege claim")
    capsys.readouterr()
    assert run("search", proj, "siege", "--json") == 0
    hits = json.loads(capsys.readouterr().out)
    assert {h["kind"] for h in hits} == {"cue", "note"}
    assert all(h["start"] and "start_ms" in h for h in hits)
    assert run("search", proj, '"largest city"', "--json") == 0
    assert [h["cue"] for h in json.loads(capsys.readouterr().out)] == [7]
    assert run("search", proj, "kara*", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) >= len(lines)


@pytest.mark.parametrize("query", ['"police raid', "raid AND", "(raid", "*", "NOT"])
def test_search_malformed(proj: Path, capsys: pytest.CaptureFixture[str], query: str) -> None:
    assert run("search", proj, query) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{proj}: ")


def test_tags(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("tags", proj) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:4] == ["#", "K", "NAME", "COLOUR"]
    assert listing[1].split()[:4] == ["1", "1", "raid", "#d55e00"]
    assert run("tags", proj, "add", "Drone strike", "--colour", "#123ABC", "--hotkey", "none") == 0
    assert "added drone-strike" in capsys.readouterr().out
    assert (
        run("tags", proj, "edit", "drone-strike", "--rename", "airstrike", "--position", "1") == 0
    )
    capsys.readouterr()
    assert run("tags", proj, "--json") == 0
    tags = json.loads(capsys.readouterr().out)
    assert tags[0]["name"] == "airstrike" and tags[0]["colour"] == "#123abc"
    assert tags[0]["hotkey"] is None and tags[1]["name"] == "raid"
    assert run("tags", proj, "add", "raid") == 2
    assert "already exists" in capsys.readouterr().err
    assert run("tags", proj, "edit", "raid", "--hotkey", "2") == 2
    assert "already used by tag 'interview'" in capsys.readouterr().err
    assert run("tags", proj, "edit", "raid", "--colour", "red") == 2
    capsys.readouterr()
    run("tag", proj, "--cue", "1", "--tag", "raid")
    run("tag", proj, "--cue", "2", "--tag", "raid")
    capsys.readouterr()
    assert run("tags", proj, "remove", "raid") == 2
    err = capsys.readouterr().err
    assert "used by 2 annotations" in err and "--replace-with" in err
    assert run("tags", proj, "remove", "raid", "--replace-with", "airstrike") == 0
    assert "2 annotations now tagged airstrike" in capsys.readouterr().out
    assert {r["tag"] for r in annotations_json(proj, capsys)} == {"airstrike"}
    assert run("tags", proj, "remove", "funeral") == 0


def test_export_csv(proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("tag", proj, "--cue", "1", "--tag", "raid", "--note", '=HYPERLINK("http://x")')
    run(
        "tag",
        proj,
        "--cue",
        "2",
        "--tag",
        "raid",
        "--note",
        "-5 dead, @ the market",
        "--annotator",
        "+x",
    )
    capsys.readouterr()
    out = tmp_path / "out.csv"
    out.write_text("previous export")
    assert run("export", proj, "--format", "csv", "-o", out) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["note"] for r in rows] == ['\'=HYPERLINK("http://x")', "'-5 dead, @ the market"]
    assert rows[1]["annotator"] == "'+x"
    assert rows[0]["start"] == "00:00:05.000" and rows[0]["start_ms"] == "5000"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # Without -o the same bytes go to standard output.
    assert run("export", proj, "--format", "csv") == 0
    assert capsys.readouterr().out.encode("utf-8").lstrip(b"\xef\xbb\xbf") == data[3:]
    # The export reads back as an import, notes restored.
    other = tmp_path / "copy.kreview"
    run("new", other, "--transcript", SAMPLE)
    assert run("import-annotations", other, out) == 0
    capsys.readouterr()
    copied = annotations_json(other, capsys)
    assert [r["note"] for r in copied] == ['=HYPERLINK("http://x")', "-5 dead, @ the market"]
    assert [r["id"] for r in copied] == [r["id"] for r in rows]


def test_export_json_round_trip(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("tag", proj, "--start", "1:00", "--end", "1:02.250", "--tag", "interview", "--note", "ü")
    capsys.readouterr()
    out = tmp_path / "out.json"
    assert run("export", proj, "--format", "json", "-o", out) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["project"]["title"] == "Taliban hunters"
    assert doc["annotations"][0]["end_ms"] == 62_250
    assert doc["annotations"][0]["note"] == "ü"
    assert [t["name"] for t in doc["tags"]][:2] == ["raid", "interview"]
    other = tmp_path / "copy.kreview"
    run("new", other, "--transcript", SAMPLE)
    assert run("import-annotations", other, out) == 0
    capsys.readouterr()
    assert [(r["id"], r["end_ms"]) for r in annotations_json(other, capsys)] == [
        (doc["annotations"][0]["id"], 62_250)
    ]
    assert run("export", proj, "--format", "json", "-o", proj) == 2


def test_tag_warns_about_an_identical_annotation(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("tag", proj, "--cue", "2", "--tag", "raid") == 0
    first = capsys.readouterr()
    assert first.err == ""
    assert run("tag", proj, "--cue", "2", "--tag", "raid") == 0
    second = capsys.readouterr()
    assert "1 other raid annotation covers exactly this span" in second.err
    assert first.out.strip() in second.err
    assert run("tag", proj, "--cue", "2", "--tag", "interview") == 0
    assert capsys.readouterr().err == ""
