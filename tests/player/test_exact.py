"""ExactFrames: the decoder on a worker thread; newer requests supersede older ones."""

from __future__ import annotations

import time

from clips import Clip, read_frame_index
from pytestqt.qtbot import QtBot

from karachi_review.player.exact import ExactFrames
from karachi_review.player.frames import FrameDecoder, RGBFrame


def test_request_delivers_exact_frame_off_the_gui_thread(qtbot: QtBot, clip25: Clip) -> None:
    exact = ExactFrames(FrameDecoder(clip25.path, cache_budget_bytes=0))
    got: list[tuple[int, int, bool]] = []
    exact.picture.connect(
        lambda rid, f, final: got.append((rid, read_frame_index(f.pixels), final))
    )
    try:
        start = time.perf_counter()
        rid = exact.request(240)
        assert time.perf_counter() - start < 0.02  # returns at once; 240 frames decode later
        qtbot.waitUntil(lambda: any(final for *_, final in got), timeout=5000)
        assert got == [(rid, 0, False), (rid, 240, True)]  # keyframe preview, then exact
    finally:
        exact.close()


def test_newer_request_supersedes_older(qtbot: QtBot, clip25: Clip) -> None:
    exact = ExactFrames(FrameDecoder(clip25.path, cache_budget_bytes=0))
    got: list[tuple[int, RGBFrame, bool]] = []
    exact.picture.connect(lambda rid, f, final: got.append((rid, f, final)))
    try:
        rids = [exact.request(i) for i in (240, 120, 60, 7)]  # like holding a key
        qtbot.waitUntil(lambda: any(final for *_, final in got), timeout=5000)
        qtbot.wait(100)
        finals = [(rid, read_frame_index(f.pixels)) for rid, f, final in got if final]
        assert finals == [(rids[-1], 7)]
        assert {rid for rid, _, _ in got} == {rids[-1]}
    finally:
        exact.close()


def test_run_of_frames_and_close_during_long_decode(qtbot: QtBot, clip25: Clip) -> None:
    exact = ExactFrames(FrameDecoder(clip25.path, cache_budget_bytes=0))
    runs: list[list[int]] = []
    exact.frames.connect(lambda rid, run: runs.append([read_frame_index(f.pixels) for f in run]))
    exact.request_run(100, 4, 100)
    qtbot.waitUntil(lambda: bool(runs), timeout=5000)
    assert runs == [[100, 101, 102, 103]]
    before = exact.decoder.frames_decoded
    exact.request(249)  # a long decode from keyframe 0 ...
    qtbot.wait(5)
    exact.close()  # ... is cancelled between two frames
    assert exact.decoder.frames_decoded - before < 200
