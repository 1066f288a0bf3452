"""The generated clips are what the player tests assume: bar codes readable, long GOP, B-frames."""

from __future__ import annotations

import av
import numpy as np
import pytest
from clips import MAX_INDEX, BarcodeError, Clip, draw_frame, read_frame_index

AV_PICTURE_TYPE_B = 3  # FFmpeg enum AVPictureType


@pytest.mark.parametrize("index", [0, 1, 2, 255, 256, 1799, 1800, 17982, 107892, MAX_INDEX])
def test_drawn_code_reads_back(index: int) -> None:
    assert read_frame_index(draw_frame(index, 640, 360)) == index


def test_code_survives_downscale_and_gray() -> None:
    picture = draw_frame(12345, 1920, 1080)
    small = picture[::3, ::3]  # 640x360 nearest-neighbour
    gray = small.mean(axis=2).astype(np.uint8)
    assert read_frame_index(small) == 12345
    assert read_frame_index(gray) == 12345


def test_non_code_picture_is_rejected() -> None:
    with pytest.raises(BarcodeError):
        read_frame_index(np.full((360, 640, 3), 128, dtype=np.uint8))
    flipped = draw_frame(77, 640, 360)[:, ::-1]
    with pytest.raises(BarcodeError):
        read_frame_index(flipped)


def test_clip_frames_decode_in_order_with_b_frames(clips: dict[str, Clip]) -> None:
    for name, clip in clips.items():
        with av.open(str(clip.path)) as container:
            stream = container.streams.video[0]
            assert stream.average_rate == clip.fps, name
            assert len(container.streams.audio) == 1
            indices, kinds, keys = [], set(), []
            for n, frame in enumerate(container.decode(stream)):
                indices.append(read_frame_index(frame.to_ndarray(format="rgb24")))
                kinds.add(int(frame.pict_type))
                if frame.key_frame:
                    keys.append(n)
        assert indices == list(range(clip.frame_count)), name
        assert keys == [0, 250], name
        assert AV_PICTURE_TYPE_B in kinds, name
