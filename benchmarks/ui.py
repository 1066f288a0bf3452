"""Window figures: playhead update cost, launch time, launch ratio to a bare window, memory.

Run: ``.venv/bin/python benchmarks/ui.py`` (about a minute; offscreen Qt, temporary folder).
Each line prints the figure, its target and PASS or MISS. The targets come from issue 5:

* one playhead update (transcript highlight + follow scroll + timeline + transport + status)
  at 1k, 100k and 1M cues: under 1 ms at 100k;
* launch to a usable window (shown, painted, project open) for a 100k-cue project: under 2 s;
* launch of ``make run``'s window (the sample) as a ratio to a bare PySide6 window: at most 3x;
* resident memory with a 100k-cue project open: under 400 MB;
* and, for information, one tagging keystroke in a project of 100,000 annotations.

Launches are measured in fresh processes (median of 3, after one launch that is not counted),
from starting the process to the first processed paint of the shown window (the same end point
for every mode; the process's tear-down afterwards is not counted). ``make run``'s window goes
through the same code as ``python -m karachi_review`` (the CLI module, then
``karachi_review.ui.app.open_window``), with the user's folders (XDG_*) in the temporary folder.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from karachi_review.core.store import AnnotationInput, Project
from karachi_review.core.transcript import Cue, Transcript

UPDATES = 2000
LAUNCHES = 3


def make_transcript(n: int) -> Transcript:
    """``n`` two-second cues with a little text each."""
    return Transcript(
        [
            Cue(i + 1, i * 2000, i * 2000 + 1900, f"Line {i} of the programme, about police.")
            for i in range(n)
        ]
    )


def make_project(folder: Path, n: int, annotations: int) -> Path:
    """A project of ``n`` cues and ``annotations`` tags spread over it (one bulk import)."""
    path = folder / f"p{n}.kreview"
    with Project.create(path, make_transcript(n), backups=False) as project:
        tags = [t.name for t in project.tags()]
        step = max(n // max(annotations, 1), 1)
        rows = [
            AnnotationInput(k * step * 2000, k * step * 2000 + 1900, tags[k % len(tags)])
            for k in range(annotations)
        ]
        project.import_annotations(rows, annotator="bench", batch_rows=50_000, batch_seconds=5)
    return path


def playhead_cost(project: Path) -> tuple[float, float]:
    """Median cost (ms) of one playhead update while playing, window shown offscreen:
    the window's handlers alone, and handlers plus the repaint they cause."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from karachi_review.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = project.parent
    window = MainWindow(
        settings=QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat),
        data_dir=folder,
        cache_dir=folder / "cache",
    )
    window.open_project(project)
    window.show()
    app.processEvents()
    end = window.player.info.duration_ms if window.player.info else 0
    # Steps of 40 ms from a point in the middle: a 25 fps playhead moving through the cues.
    ms = end // 2
    handlers, painted = [], []
    for n in range(UPDATES):
        ms += 40
        t0 = time.perf_counter()
        window._on_position(ms)
        t1 = time.perf_counter()
        if n % 2:
            app.processEvents()  # every other update: with the repaint it caused
            painted.append((time.perf_counter() - t0) * 1000)
        else:
            handlers.append((t1 - t0) * 1000)
            app.processEvents()
    window.session.wait_for_backup() if window.session else None
    window.close()
    window.deleteLater()
    app.processEvents()
    return statistics.median(handlers), statistics.median(painted)


def tag_cost(project: Path) -> float:
    """Median time (ms) of one tagging keystroke's work (store write, list, chips, timeline
    and the repaint) in a project with many annotations."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from karachi_review.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = project.parent
    window = MainWindow(
        settings=QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat),
        data_dir=folder,
        cache_dir=folder / "cache",
    )
    window.open_project(project)
    window.show()
    app.processEvents()
    costs = []
    for k in range(20):
        t0 = time.perf_counter()
        window.add_annotation(k * 2000 + 100, k * 2000 + 900, "raid")
        app.processEvents()
        costs.append((time.perf_counter() - t0) * 1000)
    if window.session is not None:
        window.session.wait_for_backup()
    window.close()
    window.deleteLater()
    app.processEvents()
    return statistics.median(costs)


LAUNCH_SCRIPT = r"""
import os, sys, time, json
t0 = time.perf_counter()
mode, path, folder = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "sample":
    # make run's own path: `python -m karachi_review` with no argument imports the CLI, parses
    # the window's arguments and opens the sample (user folders: XDG_* set by the caller).
    from karachi_review.cli import build_gui_parser
    from karachi_review.ui.app import open_window
    w = open_window(build_gui_parser().parse_args([]))
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
else:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    if mode == "bare":
        w = QMainWindow()
        w.resize(1360, 860)
    else:
        from pathlib import Path
        from karachi_review.ui.main_window import MainWindow
        w = MainWindow(settings=QSettings(folder + "/launch.ini", QSettings.Format.IniFormat),
                       data_dir=Path(folder), cache_dir=Path(folder) / "cache")
        w.open_project(Path(path))
    w.show()
app.processEvents()
w.repaint()
painted = time.clock_gettime(time.CLOCK_MONOTONIC)  # the parent's clock too (system-wide)
elapsed = time.perf_counter() - t0
rss = 0
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024
print(json.dumps({"s": elapsed, "painted": painted, "rss_mb": rss}))
"""


def launch(mode: str, project: Path, folder: Path) -> tuple[float, int]:
    """Median seconds from starting the process to a painted window, and its RSS (MB).

    One launch first, not counted: it creates the sample project (make run's first run ever)
    and warms the file cache alike for every mode.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # A user's Python caches compiled modules (__pycache__); a shell that forbids it would
    # time the compiler on every launch of whatever module changed since the last cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for xdg in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[xdg] = str(folder / xdg.lower())  # the window's settings and sample, not the user's
    times, rss = [], 0
    for n in range(LAUNCHES + 1):
        start = time.clock_gettime(time.CLOCK_MONOTONIC)
        out = subprocess.run(
            [sys.executable, "-c", LAUNCH_SCRIPT, mode, str(project), str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        if n == 0:
            continue
        # Wall time from starting the process (interpreter, imports, window) to the painted
        # window; not the tear-down after it, which a bare window hardly has.
        times.append(data["painted"] - start)
        rss = max(rss, int(data["rss_mb"]))
    return statistics.median(times), rss


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, annotations in ((1000, 100), (100_000, 10_000), (1_000_000, 10_000)):
            t0 = time.perf_counter()
            project = make_project(folder, n, annotations)
            built = time.perf_counter() - t0
            cost, with_paint = playhead_cost(project)
            target = " (target < 1 ms)" if n == 100_000 else ""
            mark = f"  {verdict(cost < 1.0)}" if n == 100_000 else ""
            print(
                f"playhead update, {n:>9,} cues, {annotations:,} tags: {cost:.3f} ms median"
                f"{target}{mark}; with the repaint it causes {with_paint:.2f} ms"
                f"   [project built in {built:.1f} s]",
                flush=True,
            )
        dense = folder / "dense"
        dense.mkdir()
        edit = tag_cost(make_project(dense, 100_000, 100_000))
        print(f"one tag (keystroke to repainted window), 100k annotations: {edit:.0f} ms median")
        big = folder / "p100000.kreview"
        seconds, rss = launch("project", big, folder)
        print(
            f"launch to usable window, 100k cues: {seconds:.2f} s (target < 2 s)  "
            f"{verdict(seconds < 2)}"
        )
        print(
            f"resident memory, 100k-cue project open: {rss} MB (target < 400 MB)  "
            f"{verdict(rss < 400)}"
        )
        bare, _ = launch("bare", big, folder)
        sample, _ = launch("sample", big, folder)
        ratio = sample / bare
        print(
            f"launch of make run's window {sample:.2f} s vs bare PySide6 window {bare:.2f} s: "
            f"{ratio:.2f}x (target <= 3x)  {verdict(ratio <= 3)}"
        )


if __name__ == "__main__":
    main()
