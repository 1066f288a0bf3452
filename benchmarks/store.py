"""Project store figures: commit one tag, import 100k, FTS over 1M cues, list 100k.

Run: ``.venv/bin/python benchmarks/store.py`` (about a minute; works in a temporary folder).
Each line prints the figure, its target and PASS or MISS. The targets come from issue 3.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from karachi_review.core.store import AnnotationInput, Project
from karachi_review.core.transcript import Cue, Transcript
from karachi_review.core.vocabulary import DEFAULT_TAGS

SEED = 3
COMMITS = 1000
IMPORT_ROWS = 100_000
FTS_CUES = 1_000_000
LIST_ROWS = 100_000

# Words of a documentary transcript; drawn with a Zipf-like skew so that some are in a large
# share of the cues (the slow case for a search) and some are rare.
WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "police",
    "was",
    "for",
    "on",
    "it",
    "with",
    "as",
    "he",
    "they",
    "Karachi",
    "at",
    "this",
    "by",
    "from",
    "Taliban",
    "city",
    "raid",
    "people",
    "were",
    "said",
    "have",
    "who",
    "their",
    "had",
    "we",
    "an",
    "be",
    "not",
    "are",
    "killed",
    "one",
    "you",
    "his",
    "officers",
    "there",
    "all",
    "when",
    "men",
    "after",
    "into",
    "were",
    "attack",
    "gang",
    "Lyari",
    "Pakistan",
    "army",
    "more",
    "years",
    "two",
    "three",
    "children",
    "bomb",
    "school",
    "checkpoint",
    "Rangers",
    "Orangi",
    "district",
    "commander",
    "night",
    "streets",
    "operation",
    "arrested",
    "suspects",
    "weapons",
    "market",
    "families",
    "funeral",
    "mosque",
    "interview",
    "chief",
    "press",
    "statement",
    "sources",
    "claimed",
    "hundred",
    "thousand",
    "percent",
    "million",
    "extortion",
    "kidnapping",
    "ransom",
]
RARE = ("Chaudhry", "Sohrab", "Baldia", "Kati", "Pahari", "Manghopir", "Mominabad", "Sultanabad")


def _report(name: str, value_ms: float, target_ms: float, extra: str = "") -> bool:
    ok = value_ms < target_ms
    print(
        f"{name:<46} {value_ms:10.2f} ms   target < {target_ms:g} ms   "
        f"{'PASS' if ok else 'MISS'}{'   ' + extra if extra else ''}",
        flush=True,
    )
    return ok


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _cpu_timed(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return (time.process_time() - t0) * 1000


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _small_project(folder: Path, name: str) -> Project:
    cues = [Cue(i + 1, i * 4000, i * 4000 + 3500, f"cue {i}") for i in range(20_000)]
    return Project.create(folder / name, Transcript(cues), backups=False)


def bench_commit(folder: Path, rng: random.Random) -> bool:
    tags = [t.name for t in DEFAULT_TAGS]
    with _small_project(folder, "commit.kreview") as project:
        times = []
        for _ in range(COMMITS):
            start = rng.randrange(0, 79_000_000)
            tag = rng.choice(tags)
            t0 = time.perf_counter()
            project.add_annotation(start, start + 2000, tag, note="bench", annotator="bench")
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    ok = _report("commit one tag (median)", statistics.median(times), 5)
    _report("commit one tag (p99)", p99, 50, "(synchronous=FULL: each commit is fsynced)")
    return ok


def bench_import_and_list(folder: Path, rng: random.Random) -> bool:
    tags = [t.name for t in DEFAULT_TAGS]
    rows = []
    for i in range(IMPORT_ROWS):
        start = rng.randrange(0, 79_000_000)
        rows.append(
            AnnotationInput(
                start,
                start + rng.randrange(500, 20_000),
                rng.choice(tags),
                note=f"imported row {i}" if i % 3 else "",
                line=i + 1,
            )
        )
    with _small_project(folder, "import.kreview") as project:
        elapsed = _timed(lambda: project.import_annotations(rows, annotator="bench"))
        ok = _report(f"import {IMPORT_ROWS:,} annotations", elapsed, 5000)
    rows.clear()  # the window does not hold 100,000 import rows while it lists
    ok &= bench_cli_import(folder, rng)
    with Project.open(folder / "import.kreview", backups=False) as project:
        count = len(project.annotations())  # also warms the page cache, as opening does
        assert count >= LIST_ROWS
        spans = statistics.median(_timed(project.annotation_spans) for _ in range(7))
        spans_cpu = statistics.median(_cpu_timed(project.annotation_spans) for _ in range(7))
        ok &= _report(
            f"list {count:,} annotations of one media",
            spans,
            200,
            f"(id, times, tag in time order: what the window's list and timeline lay out; "
            f"CPU time {spans_cpu:.0f} ms)",
        )
        listed = project.annotation_spans()
        middle = [s.id for s in listed[count // 2 : count // 2 + 200]]
        page = statistics.median(
            _timed(lambda: project.annotations_by_id(middle)) for _ in range(7)
        )
        print(
            f"{'  then notes of a page of 200 rows':<46} {page:10.2f} ms   "
            "(what the list fetches for the rows on screen)",
            flush=True,
        )
        full = statistics.median(_timed(project.annotations) for _ in range(7))
        full_cpu = statistics.median(_cpu_timed(project.annotations) for _ in range(7))
        print(
            f"{'  full rows, all eleven columns':<46} {full:10.2f} ms   "
            f"(no target: the CLI and exports; CPU time {full_cpu:.0f} ms)",
            flush=True,
        )
    return ok


def bench_cli_import(folder: Path, rng: random.Random) -> bool:
    """The same import end to end: a JSONL file through ``karachi-review import-annotations``."""
    tags = [t.name for t in DEFAULT_TAGS]
    lines = []
    for i in range(IMPORT_ROWS):
        start = rng.randrange(0, 79_000_000)
        end = start + rng.randrange(500, 20_000)
        row = {"start": _clock(start), "end": _clock(end), "tag": rng.choice(tags)}
        if i % 3:
            row["note"] = f"imported row {i}"
        lines.append(json.dumps(row))
    source = folder / "rows.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with _small_project(folder, "cli.kreview"):
        pass
    command = [
        sys.executable,
        "-m",
        "karachi_review",
        "import-annotations",
        str(folder / "cli.kreview"),
        str(source),
    ]
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - t0) * 1000
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.split()) == IMPORT_ROWS
    return _report(
        f"import {IMPORT_ROWS:,} annotations, CLI",
        elapsed,
        5000,
        "(JSONL file, timecodes parsed; includes start-up and a backup)",
    )


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}.{millis:03d}"


def bench_fts(folder: Path, rng: random.Random) -> bool:
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    cues = []
    for i in range(FTS_CUES):
        words = rng.choices(WORDS, weights, k=rng.randrange(5, 14))
        if rng.random() < 0.0005:
            words.append(rng.choice(RARE))
        cues.append(Cue(i + 1, i * 3000, i * 3000 + 2800, " ".join(words)))
    t0 = time.perf_counter()
    project = Project.create(folder / "fts.kreview", Transcript(cues), backups=False)
    build_s = time.perf_counter() - t0
    del cues
    queries = [
        "police",
        "the",
        "Karachi",
        "kidnapping",
        "Manghopir",
        '"police raid"',
        '"the city"',
        "kara*",
        "extort*",
        "Rangers AND checkpoint",
        "funeral OR mosque",
        "Lyari NOT gang",
    ]
    with project:
        times = []
        hits = {}
        for q in queries:
            project.search(q)  # first run reads the pages in
            runs = [
                _timed(lambda q=q: hits.__setitem__(q, len(project.search(q)))) for _ in range(5)
            ]
            times.append(statistics.median(runs))
    slowest = max(zip(times, queries, strict=True))
    return _report(
        f"FTS query over {FTS_CUES:,} cues (median)",
        statistics.median(times),
        50,
        f"(slowest: {slowest[1]} {slowest[0]:.1f} ms; {len(queries)} queries, up to 200 hits; "
        f"building the project took {build_s:.0f} s)",
    )


def main() -> int:
    rng = random.Random(SEED)
    print(f"python {sys.version.split()[0]}, sqlite {__import__('sqlite3').sqlite_version}")
    print(f"before: {_load()}")
    with tempfile.TemporaryDirectory(prefix="kr-bench-store-") as tmp:
        folder = Path(tmp)
        ok = bench_commit(folder, rng)
        ok &= bench_import_and_list(folder, rng)
        ok &= bench_fts(folder, rng)
    print(f"after: {_load()} (other processes share these CPUs; wall times include waiting)")
    print("all targets met" if ok else "some targets missed (MISS above)")
    return 0  # figures, not a test: `make bench` goes on to the next script either way


if __name__ == "__main__":
    sys.exit(main())
