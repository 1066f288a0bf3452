"""FrameDecoder returns the exact frame, read back from the picture's bar code."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from clips import RATES, Clip, read_frame_index

from karachi_review.core.media import MediaNotFoundError, NotMediaError
from karachi_review.core.timecode import frame_to_ms
from karachi_review.player import frames
from karachi_review.player.frames import DEFAULT_CACHE_BUDGET, FrameDecoder, RGBFrame

# About 30 frames of 640x360 YUV: small enough that seeks and back steps really decode.
SMALL_BUDGET = 10 * 1024 * 1024


def _shown(decoder: FrameDecoder, index: int) -> int:
    frame = decoder.frame(index)
    assert frame.index == index
    return read_frame_index(frame.pixels)


@pytest.mark.parametrize("name", list(RATES))
def test_random_seeks_are_exact(clips: dict[str, Clip], name: str) -> None:
    clip = clips[name]
    rng = random.Random(f"seek-{name}")
    targets = [rng.randrange(clip.frame_count) for _ in range(100)]
    # The first rate runs every seek uncached (budget 0); the others keep the default cache.
    budget = 0 if name == "25" else DEFAULT_CACHE_BUDGET
    with FrameDecoder(clip.path, cache_budget_bytes=budget) as decoder:
        assert decoder.frame_count == clip.frame_count
        shown = [_shown(decoder, t) for t in targets]
        assert decoder.cache_bytes <= max(budget, 400_000)
    assert shown == targets


@pytest.mark.parametrize("name", list(RATES))
def test_uncached_seeks_across_the_keyframe_are_exact(clips: dict[str, Clip], name: str) -> None:
    targets = [0, 1, 2, 3, 247, 248, 249, 250, 251, 252, 299, 5, 298, 248]
    with FrameDecoder(clips[name].path, cache_budget_bytes=0) as decoder:
        assert [_shown(decoder, t) for t in targets] == targets


@pytest.mark.parametrize("name", list(RATES))
def test_200_steps_forward_then_200_back(clips: dict[str, Clip], name: str) -> None:
    clip = clips[name]
    forward = list(range(99, 299 + 1))  # 200 steps from 99, across the keyframe at 250
    with FrameDecoder(clip.path, cache_budget_bytes=SMALL_BUDGET) as decoder:
        assert [_shown(decoder, i) for i in forward] == forward
        assert decoder.cache_bytes <= SMALL_BUDGET
    back = list(range(299, 99 - 1, -1))
    # A fresh decoder: stepping back past the cache must decode the GOP before it again.
    with FrameDecoder(clip.path, cache_budget_bytes=SMALL_BUDGET) as decoder:
        assert [_shown(decoder, i) for i in back] == back
        assert decoder.cache_bytes <= SMALL_BUDGET
        assert decoder.seeks >= 3


def test_step_back_decodes_less_than_a_gop_per_step(clip25: Clip) -> None:
    with FrameDecoder(clip25.path, cache_budget_bytes=SMALL_BUDGET) as decoder:
        decoder.frame(240)
        before = decoder.frames_decoded
        for index in range(239, 199, -1):
            decoder.frame(index)
        # 40 back steps from a cold cache: a few GOP re-decodes, not one per step.
        assert decoder.frames_decoded - before < 240 * 3


def test_times_and_ms_lookup_follow_timecode(clips: dict[str, Clip]) -> None:
    for clip in clips.values():
        with FrameDecoder(clip.path) as decoder:
            for index in (0, 1, 99, 250, clip.frame_count - 1):
                ms = frame_to_ms(index, clip.fps)
                assert decoder.time_ms(index) == ms
                assert decoder.index_at_ms(ms) == index
                assert decoder.index_at_ms(ms - 1) == max(index - 1, 0)
            frame = decoder.frame_at_ms(decoder.time_ms(123))
            assert read_frame_index(frame.pixels) == 123
            assert decoder.index_at_ms(10**9) == clip.frame_count - 1
            assert decoder.index_at_ms(-5) == 0


def test_rgb_frame_layout(clip25: Clip) -> None:
    with FrameDecoder(clip25.path) as decoder:
        frame = decoder.frame(7)
    assert (frame.width, frame.height, frame.stride) == (640, 360, 640 * 3)
    assert len(frame.data) == 640 * 360 * 3
    assert frame.time_ms == 280


def test_cache_budget_is_respected_and_reported(clip25: Clip) -> None:
    with FrameDecoder(clip25.path, cache_budget_bytes=DEFAULT_CACHE_BUDGET) as decoder:
        for index in range(0, 120):
            decoder.frame(index)
        full = decoder.cache_bytes
        assert full > 0
        assert decoder.cached_indices == list(range(0, 120))
        decoder.set_cache_budget(2 * 1024 * 1024)
        assert decoder.cache_bytes <= 2 * 1024 * 1024 < full
        # What stays is what is nearest the playhead (frame 119).
        assert max(decoder.cached_indices) == 119


def test_variable_frame_rate_steps_follow_timestamps(vfr_clip: Clip) -> None:
    assert vfr_clip.vfr_pts_ms is not None
    with FrameDecoder(vfr_clip.path, cache_budget_bytes=SMALL_BUDGET) as decoder:
        assert decoder.variable_frame_rate
        assert decoder.frame_count == vfr_clip.frame_count
        order = list(range(vfr_clip.frame_count)) + list(range(vfr_clip.frame_count - 1, -1, -1))
        for index in order:
            frame = decoder.frame(index)
            assert read_frame_index(frame.pixels) == index
            assert frame.time_ms == vfr_clip.vfr_pts_ms[index]
        for index, start in enumerate(vfr_clip.vfr_pts_ms):
            assert decoder.index_at_ms(start) == index
            assert decoder.index_at_ms(start + 19) == index  # every frame lasts >= 20 ms


def test_constant_rate_clip_is_not_vfr(clip25: Clip) -> None:
    with FrameDecoder(clip25.path) as decoder:
        assert not decoder.variable_frame_rate


def test_errors(tmp_path: Path, not_video: Path) -> None:
    with pytest.raises(MediaNotFoundError):
        FrameDecoder(tmp_path / "missing.mp4")
    with pytest.raises(NotMediaError):
        FrameDecoder(not_video)


def test_preview_shows_keyframe_then_exact_frame(
    clip25: Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the keyframe preview here: the timed one (next test) must not fire on a slow run.
    monkeypatch.setattr(frames, "_PREVIEW_AFTER_S", 3600.0)
    previews: list[tuple[int, int]] = []

    def preview(frame: RGBFrame) -> None:
        previews.append((frame.index, read_frame_index(frame.pixels)))

    with FrameDecoder(clip25.path, cache_budget_bytes=0) as decoder:
        assert read_frame_index(decoder.frame(240, preview).pixels) == 240
        assert previews == [(0, 0)]  # the keyframe, while 240 frames were decoded
        previews.clear()
        assert read_frame_index(decoder.frame(260, preview).pixels) == 260
        assert previews == []  # decoding on from 240 is quick: no preview
        assert read_frame_index(decoder.frame(230, preview).pixels) == 230
        assert previews == [(260, 260)]  # back past the keyframe: the picture still held
    previews.clear()
    with FrameDecoder(clip25.path, cache_budget_bytes=0) as decoder:
        assert read_frame_index(decoder.frame(253, preview).pixels) == 253
        assert previews == []  # keyframe 250 is close: no preview needed


def test_a_slow_decode_on_shows_the_picture_reached_so_far(
    clip25: Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoding on towards a target 2 s ahead gives no keyframe preview; once it has taken
    # longer than _PREVIEW_AFTER_S (0 here), the frame reached so far is shown once.
    monkeypatch.setattr(frames, "_PREVIEW_AFTER_S", 0.0)
    previews: list[tuple[int, int]] = []
    with FrameDecoder(clip25.path, cache_budget_bytes=0) as decoder:
        decoder.frame(200)
        frame = decoder.frame(240, lambda f: previews.append((f.index, read_frame_index(f.pixels))))
        assert read_frame_index(frame.pixels) == 240
    assert len(previews) == 1
    index, drawn = previews[0]
    assert 200 < index < 240 and drawn == index


def test_preview_uses_nearest_cached_frame_when_stepping_back(clip25: Clip) -> None:
    previews: list[int] = []
    with FrameDecoder(clip25.path, cache_budget_bytes=SMALL_BUDGET) as decoder:
        decoder.frame(240)
        index = 240
        while not previews:
            index -= 1
            frame = decoder.frame(index, lambda f: previews.append(read_frame_index(f.pixels)))
            assert read_frame_index(frame.pixels) == index
        assert previews == [index + 1]  # the frame just after: one frame off, instantly
