"""Two processes importing into one project at the same time: neither loses a write."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from karachi_review.core.store import Project
from karachi_review.core.transcript import Cue, Transcript

PER_PROCESS = 2000


def _rows(offset: int) -> bytes:
    lines = [
        json.dumps(
            {
                "start_ms": (offset + i) * 100,
                "end_ms": (offset + i) * 100 + 50,
                "tag": "raid" if i % 2 else "interview",
                "note": f"row {offset + i}",
            }
        )
        for i in range(PER_PROCESS)
    ]
    return ("\n".join(lines) + "\n").encode()


def _run_pair(project: Path) -> list[tuple[int, list[str], str]]:
    procs = []
    for who in ("proc-a", "proc-b"):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "karachi_review", "import-annotations", str(project), "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=dict(os.environ, KARACHI_REVIEW_ANNOTATOR=who),
            )
        )
    # Both read their whole input before writing: hand it over, then close both stdins
    # together so that the two imports start at the same moment.
    payloads = [_rows(0), _rows(PER_PROCESS)]
    for proc, payload in zip(procs, payloads, strict=True):
        assert proc.stdin is not None
        proc.stdin.write(payload)
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.close()
    # Neither can have finished: neither had its end of input before this point.
    assert all(proc.poll() is None for proc in procs)
    results = []
    for proc in procs:
        assert proc.stdout is not None and proc.stderr is not None
        out = proc.stdout.read().decode()
        err = proc.stderr.read().decode()
        results.append((proc.wait(timeout=120), out.split(), err))
    return results


@pytest.mark.slow
def test_two_processes_import_2000_each(tmp_path: Path) -> None:
    project = tmp_path / "shared.kreview"
    Project.create(project, Transcript([Cue(1, 0, 500_000, "one long cue")])).close()
    results = _run_pair(project)
    for code, ids, err in results:
        assert code == 0, err
        assert len(ids) == PER_PROCESS
        assert f"{PER_PROCESS} added" in err
    conn = sqlite3.connect(project)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(conn.execute("SELECT id, annotator FROM annotations").fetchall())
    finally:
        conn.close()
    assert len(stored) == 2 * PER_PROCESS
    assert set(stored) == set(results[0][1]) | set(results[1][1])
    assert {stored[i] for i in results[0][1]} == {"proc-a"}
    assert {stored[i] for i in results[1][1]} == {"proc-b"}
