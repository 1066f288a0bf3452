"""Import rows and exports of annotations (core/annotation_io.py)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from karachi_review.core import annotation_io
from karachi_review.core.annotation_io import (
    ImportFormatError,
    detect_import_format,
    neutralise_cell,
    parse_annotation_rows,
    unneutralise_cell,
    write_atomic,
)
from karachi_review.core.errors import KarachiError
from karachi_review.core.store import InvalidAnnotationError


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5 dead", "'-5 dead"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_neutralise_round_trip(cell: str, safe: str) -> None:
    assert neutralise_cell(cell) == safe
    assert unneutralise_cell(safe) == cell


def test_detect_format() -> None:
    assert detect_import_format("a.JSONL", "") == "jsonl"
    assert detect_import_format("a.csv", "{") == "csv"
    assert detect_import_format("<stdin>", '\ufeff  {"start": 1}') == "jsonl"
    assert detect_import_format("<stdin>", "start,end,tag") == "csv"


def test_jsonl_rows_with_frames_and_errors() -> None:
    text = (
        '{"start": "00:00:01:15", "end": "00:00:02:00", "tag": "raid", "note": 5}\n'
        "\n"
        '{"start": 3, "end": 4.5, "tag": "raid", "id": "x"}\n'
    )
    rows = parse_annotation_rows(text, "r.jsonl", "jsonl", Fraction(25))
    assert [(r.start_ms, r.end_ms, r.note, r.line) for r in rows] == [
        (1600, 2000, "5", 1),
        (3000, 4500, "", 3),
    ]
    with pytest.raises(InvalidAnnotationError, match="frame rate") as info:
        parse_annotation_rows(text, "r.jsonl", "jsonl", None)
    assert str(info.value).startswith("r.jsonl:1: start:")
    with pytest.raises(ImportFormatError, match="one JSON object"):
        parse_annotation_rows('{"start": 1, "end": 2, "tag": "raid"}\n2\n', "r.jsonl", "jsonl")
    with pytest.raises(InvalidAnnotationError, match="no tag"):
        parse_annotation_rows('{"start": 1, "end": 2}\n', "r.jsonl", "jsonl")
    with pytest.raises(InvalidAnnotationError, match="no end time"):
        parse_annotation_rows('{"start": 1, "tag": "raid"}\n', "r.jsonl", "jsonl")
    with pytest.raises(InvalidAnnotationError, match="is not a time"):
        parse_annotation_rows('{"start": true, "end": 2, "tag": "raid"}\n', "r.jsonl", "jsonl")


def test_csv_rows() -> None:
    text = 'Tag,Start,End,Extra\r\nraid,1,2,x\r\nfuneral,"0:03",0:04.25,\r\n'
    rows = parse_annotation_rows(text, "r.csv", "csv")
    assert [(r.tag, r.start_ms, r.end_ms, r.line) for r in rows] == [
        ("raid", 1000, 2000, 2),
        ("funeral", 3000, 4250, 3),
    ]
    with pytest.raises(ImportFormatError, match="start, end and tag"):
        parse_annotation_rows("when,what\n1,raid\n", "r.csv", "csv")
    with pytest.raises(ImportFormatError, match="empty"):
        parse_annotation_rows("", "r.csv", "csv")


def test_write_atomic_replaces_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.csv"
    write_atomic(target, b"first")
    assert target.read_bytes() == b"first"
    mode = target.stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(annotation_io.os, "replace", full_disk)
    with pytest.raises(KarachiError, match="previous file is unchanged"):
        write_atomic(target, b"second, longer")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
