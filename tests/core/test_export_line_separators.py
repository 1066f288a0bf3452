"""Notes holding Unicode line separators survive every data export and its read-back.

JSON leaves U+2028, U+2029 and U+0085 unescaped; a reader that splits lines with
str.splitlines() cuts a JSON Lines record there (the read-back once failed on such a note).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from export_fixtures import ann, source

from karachi_review.core.export import export_file
from karachi_review.core.export_model import ExportOptions

NOTE = "line\u2028separator, paragraph\u2029separator, next\u0085line"


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_note_with_unicode_line_breaks_round_trips(tmp_path: Path, fmt: str) -> None:
    annotations = [ann(1, 1000, 2000, "raid", NOTE), ann(2, 3000, 4000, "interview", "plain")]
    out = tmp_path / f"out.{fmt}"
    result = export_file(source(annotations=annotations), out, ExportOptions(fmt))
    assert result.items == 2
    text = out.read_text(encoding="utf-8-sig")
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.split("\n") if line]
    elif fmt == "json":
        records = json.loads(text)["annotations"]
    else:
        # newline="": the csv module, not str.splitlines, decides where records end.
        records = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["note"] for r in records] == [NOTE, "plain"]
