"""Frame accuracy and latency of the player (real libVLC + PyAV), on generated bar-coded clips.

Prints, for 640x360 and 1920x1080 H.264 (GOP 250, 3 B-frames, 25 fps): exact frames out of N
for paused seeks, steps forward and steps back through VlcPlayer, their median and p90
latency (from the call until the exact picture has reached the GUI thread; decoding runs on
a worker thread), the bare decode floor (PyAV from the preceding keyframe to the same targets, no
cache, same threading), the time to the first picture after a seek, and during 1x playback
the difference between the playhead and the frame libVLC actually displayed, beside the same
figure for raw ``get_time()``.

Run: ``.venv/bin/python benchmarks/frame_accuracy.py [--quick]`` (offscreen Qt, dummy audio).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "player"))

import av
from av.video.reformatter import VideoReformatter
from clips import Clip, make_clip, read_frame_index
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from karachi_review.core.timecode import ms_to_frame
from karachi_review.player.base import VideoPicture, picture_to_array
from karachi_review.player.frames import DEFAULT_CACHE_BUDGET
from karachi_review.player.vlc_player import VlcPlayer, libvlc_version

FPS = Fraction(25)


def wait(ms: int) -> None:
    """Run the Qt event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> str:
    """Median and p90 of durations in seconds, printed in ms."""
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms   p90 {pct(values, 0.9) * 1000:7.1f} ms"
    )


def shown(player: VlcPlayer) -> int:
    """Bar code of the picture handed to the view last."""
    assert player.last_picture is not None
    return read_frame_index(picture_to_array(player.last_picture))


class Floor:
    """Bare PyAV: seek to the keyframe before a target, decode to it, convert it to RGB."""

    def __init__(self, path: Path) -> None:
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"  # as FrameDecoder
        self.reformatter = VideoReformatter()  # reused, as FrameDecoder does

    def decode(self, target: int) -> float:
        """Seconds to decode ``target`` from its keyframe."""
        pts = int(target / (FPS * self.stream.time_base))
        start = time.perf_counter()
        self.container.seek(pts, stream=self.stream, backward=True)
        for frame in self.container.decode(self.stream):
            if frame.pts >= pts:
                self.reformatter.reformat(frame, format="rgb24").to_ndarray()
                return time.perf_counter() - start
        raise AssertionError(f"frame {target} not found")


class Timer:
    """Times one player move: until its first picture, and until the exact frame arrives.

    Waits in a Qt event loop (idle, as a window would), not in a busy loop that would compete
    with the decoding thread for the interpreter lock.
    """

    def __init__(self, player: VlcPlayer) -> None:
        self.player = player
        self.first: float | None = None
        self.done: float | None = None
        self._loop: QEventLoop | None = None
        player.picture_ready.connect(self._on_picture)

    def _exact_now(self) -> bool:
        picture = self.player.last_picture
        return picture is not None and picture.exact and picture.index == self.player.frame

    def _on_picture(self, _picture: VideoPicture) -> None:
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        if self.done is None and self._exact_now():
            self.done = now
            if self._loop is not None:
                self._loop.quit()

    def run(self, move: Callable[[], None]) -> tuple[float, float, int]:
        """(seconds to first picture, seconds to exact picture, bar code shown)."""
        self.first = self.done = None
        start = time.perf_counter()
        move()
        if self.done is None and self._exact_now():
            self.done = time.perf_counter()  # already there (a cached frame)
        if self.done is None:
            self._loop = QEventLoop()
            QTimer.singleShot(10_000, self._loop.quit)
            self._loop.exec()
            self._loop = None
        done = self.done if self.done is not None else time.perf_counter()
        first = self.first if self.first is not None else done
        return first - start, done - start, shown(self.player)


def bench_exact(clip: Clip, n_seeks: int, n_steps: int) -> None:
    """Paused seeks and steps through VlcPlayer (exact picture delivered), plus the floor."""
    rng = random.Random(4)
    targets = [rng.randrange(clip.frame_count) for _ in range(n_seeks)]
    results = {}
    floor_decoder, floor = Floor(clip.path), []
    for label, budget in (("256 MiB cache", DEFAULT_CACHE_BUDGET), ("no cache", 0)):
        seeker = VlcPlayer(audio_output="dummy", cache_budget_bytes=budget)
        timer = Timer(seeker)
        assert seeker.load(clip.path)
        runs = []
        for target in targets:
            runs.append(timer.run(lambda t=target, p=seeker: p.seek_frame(t)))
            if budget == 0:
                # Interleaved, so that both see the same load on a shared machine.
                floor.append(floor_decoder.decode(target))
        seeker.close()
        exact = sum(r[2] == t for r, t in zip(runs, targets, strict=True))
        results[label] = runs
        print(
            f"  paused seek   exact {exact}/{len(targets)}   {ms([r[1] for r in runs])}   ({label})"
        )
    floor_decoder.container.close()
    print(f"  decode floor  (PyAV keyframe->target, same targets)   {ms(floor)}")
    cold = results["no cache"]
    ratio = statistics.median(r[1] for r in cold) / statistics.median(floor)
    print(f"  seek (no cache) / floor: median ratio {ratio:.2f}")
    to_picture = [r[0] for r in cold]
    within = sum(t <= 0.1 for t in to_picture)
    print(
        f"  first picture after a seek (preview or exact, no cache): {ms(to_picture)}   "
        f"{within}/{len(to_picture)} within 100 ms"
    )

    player = VlcPlayer(audio_output="dummy")
    timer = Timer(player)
    assert player.load(clip.path)
    start_frame = max(0, clip.frame_count - n_steps - 60)
    timer.run(lambda: player.seek_frame(start_frame))
    runs = [timer.run(lambda: player.step(1)) for _ in range(n_steps)]
    exact = sum(r[2] == start_frame + n for n, r in enumerate(runs, 1))
    print(f"  step forward  exact {exact}/{n_steps}   {ms([r[1] for r in runs])}")
    player.close()

    # A fresh player for the back steps: a cold cache, as after a seek to the end.
    player = VlcPlayer(audio_output="dummy")
    timer = Timer(player)
    assert player.load(clip.path)
    end = clip.frame_count - 1
    timer.run(lambda: player.seek_frame(end))
    runs = [timer.run(lambda: player.step(-1)) for _ in range(n_steps)]
    exact = sum(r[2] == end - n for n, r in enumerate(runs, 1))
    decoder = player.decoder
    assert decoder is not None
    print(
        f"  step back     exact {exact}/{n_steps}   {ms([r[1] for r in runs])}   "
        f"(cache {decoder.cache_bytes / 2**20:.0f}/{decoder.cache_budget_bytes / 2**20:.0f} MiB)"
    )
    player.close()


def bench_playback(clip: Clip, seconds: float) -> None:
    """Playhead vs displayed frame during 1x playback, and raw get_time() vs displayed frame."""
    player = VlcPlayer(audio_output="dummy")
    samples: list[tuple[VideoPicture, int, int]] = []

    def on_picture(picture: VideoPicture) -> None:
        if picture.index is None:  # libVLC pictures only (not PyAV exact or preview)
            raw = player._mp.get_time() if player._mp is not None else -1
            samples.append((picture, player.position_ms, raw))

    player.picture_ready.connect(on_picture)
    assert player.load(clip.path)
    player.play()
    wait(int(seconds * 1000))
    player.pause()
    head, raw_diff = [], []
    for picture, position, raw in samples[3:]:  # skip the start-up pictures
        displayed = read_frame_index(picture_to_array(picture))
        head.append(abs(displayed - ms_to_frame(position, FPS)))
        if raw >= 0:
            raw_diff.append(abs(displayed - ms_to_frame(raw, FPS)))
    print(
        f"  playback 1x   playhead vs displayed frame: median {statistics.median(head):.0f}, "
        f"p90 {pct(head, 0.9):.0f} frames   (n={len(head)})"
    )
    print(
        f"                raw get_time() vs displayed: median {statistics.median(raw_diff):.0f}, "
        f"p90 {pct(raw_diff, 0.9):.0f} frames"
    )
    player.close()


def main() -> int:
    """Generate clips, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer seeks/steps (smoke run)")
    args = parser.parse_args()
    n_seeks, n_steps = (20, 40) if args.quick else (100, 200)
    app = QApplication.instance() or QApplication([])
    print(f"libVLC {libvlc_version()}, PyAV {av.__version__} (FFmpeg inside), 25 fps, GOP 250")
    with tempfile.TemporaryDirectory(prefix="kr-bench-") as tmp:
        for width, height, seconds in ((640, 360, 14.0), (1920, 1080, 14.0)):
            start = time.perf_counter()
            clip = make_clip(Path(tmp) / f"c{height}.mp4", FPS, seconds, width, height, gop=250)
            print(
                f"\n{width}x{height}, {clip.frame_count} frames, 3 B-frames "
                f"(encoded in {time.perf_counter() - start:.1f} s)"
            )
            bench_exact(clip, n_seeks, n_steps)
            bench_playback(clip, 4.0)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
