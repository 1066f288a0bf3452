"""Kill an importing process at random moments: the file stays sound, printed ids stay saved."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from karachi_review.core.store import Project
from karachi_review.core.transcript import Cue, Transcript

ROUNDS = 50
ROWS_PER_ROUND = 4000  # at least two commits of up to 2,000 rows each


def _rows(rng: random.Random, n: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for _ in range(n):
        start = rng.randrange(0, 590_000)
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "start_ms": start,
                "end_ms": start + rng.randrange(1, 9000),
                "tag": rng.choice(["raid", "interview", "funeral", "statistic-claim"]),
                "note": "n" * rng.randrange(0, 300),
            }
        )
    return rows


@pytest.mark.slow
def test_sigkill_during_import_loses_nothing_printed(tmp_path: Path) -> None:
    project = tmp_path / "crash.kreview"
    cues = [Cue(i + 1, i * 10_000, i * 10_000 + 9_000, f"cue {i}") for i in range(60)]
    Project.create(project, Transcript(cues)).close()
    rng = random.Random(20261121)
    env = dict(os.environ, KARACHI_REVIEW_ANNOTATOR="crash-test")
    saved: set[str] = set()
    killed_mid_import = killed_before_output = killed_after_import = finished = 0
    started = time.monotonic()
    for round_no in range(ROUNDS):
        rows_file = tmp_path / f"rows{round_no}.jsonl"
        rows_file.write_text("".join(json.dumps(r) + "\n" for r in _rows(rng, ROWS_PER_ROUND)))
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "karachi_review",
                "import-annotations",
                str(project),
                str(rows_file),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            # Unbuffered: communicate() reads the pipe's file descriptor directly, so bytes
            # that readline() had pulled into a buffer would otherwise be skipped.
            bufsize=0,
        )
        assert child.stdout is not None
        first = b""
        if round_no % 2:
            # Any moment from start-up on: opening, checking, backing up, importing.
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            # Once ids flow: the middle of the commits.
            first = child.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
        output = (first + rest).decode()
        if child.returncode == 0:
            finished += 1
        elif output.count("\n") >= ROWS_PER_ROUND:
            killed_after_import += 1
        elif output:
            killed_mid_import += 1
        else:
            killed_before_output += 1
        # Only whole lines count: a line cut by the kill was never fully announced.
        lines = output.split("\n")[:-1]
        printed = {line for line in lines if line}
        conn = sqlite3.connect(project)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", round_no
            present = {row[0] for row in conn.execute("SELECT id FROM annotations")}
        finally:
            conn.close()
        missing = printed - present
        assert not missing, (
            f"round {round_no}: {len(missing)} printed ids are not in the file",
            [output[max(0, output.find(m) - 80) : output.find(m) + 80] for m in missing],
        )
        saved |= printed
    counts = (killed_mid_import, killed_before_output, killed_after_import, finished)
    print(
        "killed mid-import {}, before any id {}, after the last id {}; finished {}".format(*counts)
    )
    assert killed_mid_import >= ROUNDS // 5, counts
    with Project.open(project) as p:  # still opens for writing after all that
        assert saved <= {a.id for a in p.annotations()}
    assert time.monotonic() - started < 120
