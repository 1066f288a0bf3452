"""Bar-coded test clips: every frame carries its own index, readable back from the pixels.

Used by ``doctor`` (decode a generated clip with PyAV and with libVLC and check which frame
came out), by the tests and the benchmarks. The clips are H.264 with long GOPs and B-frames,
the layout on which libVLC's seeks miss, plus a 440 Hz AAC tone.

Bar code: ``BLOCKS`` equal blocks across a horizontal band in the middle of the picture. Blocks
0 and 1 are guards (white, black), then ``DATA_BITS`` bits of the index, most significant first,
then ``CHECK_BITS`` bits of a checksum. Each block is read by averaging the luma of its inner
half, which survives H.264 blur and scaling to any size.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

__all__ = [
    "MAX_INDEX",
    "BarcodeError",
    "code_bits",
    "draw_frame",
    "encode_clip",
    "read_frame_index",
]

BLOCKS = 24
GUARDS = 2
DATA_BITS = 18
CHECK_BITS = BLOCKS - GUARDS - DATA_BITS
MAX_INDEX = (1 << DATA_BITS) - 1
BAND_TOP = 0.30
BAND_BOTTOM = 0.70


class BarcodeError(ValueError):
    """The picture holds no readable frame-index bar code."""


def _checksum(index: int) -> int:
    # Sum of the 18 data bits' nibbles folded into 4 bits, salted so all-zero is not valid.
    total = 0b1010
    value = index
    while value:
        total += value & 0xF
        value >>= 4
    return total & ((1 << CHECK_BITS) - 1)


def code_bits(index: int) -> list[int]:
    """The BLOCKS bits (1 = white) that encode ``index``."""
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"frame index {index} out of range 0..{MAX_INDEX}")
    data = [(index >> (DATA_BITS - 1 - i)) & 1 for i in range(DATA_BITS)]
    check = _checksum(index)
    checks = [(check >> (CHECK_BITS - 1 - i)) & 1 for i in range(CHECK_BITS)]
    return [1, 0, *data, *checks]


def _block_edges(width: int) -> list[tuple[int, int]]:
    return [(width * i // BLOCKS, width * (i + 1) // BLOCKS) for i in range(BLOCKS)]


def draw_frame(index: int, width: int, height: int) -> np.ndarray:
    """An RGB picture (height, width, 3) whose band encodes ``index``."""
    img = np.empty((height, width, 3), dtype=np.uint8)
    # A background that changes every frame keeps the encoder honest (real motion, real B-frames).
    ramp = (np.arange(width, dtype=np.int32) * 2 + index * 7) % 256
    img[:, :, 0] = ramp.astype(np.uint8)[None, :]
    img[:, :, 1] = 96
    img[:, :, 2] = ((np.arange(height, dtype=np.int32) + index * 3) % 256).astype(np.uint8)[:, None]
    top, bottom = int(height * BAND_TOP), int(height * BAND_BOTTOM)
    for bit, (x0, x1) in zip(code_bits(index), _block_edges(width), strict=True):
        img[top:bottom, x0:x1, :] = 255 if bit else 0
    return img


def _luma(picture: np.ndarray) -> np.ndarray:
    if picture.ndim == 2:
        return picture.astype(np.float32)
    if picture.ndim == 3 and picture.shape[2] in (3, 4):
        rgb = picture[:, :, :3].astype(np.float32)
        luma: np.ndarray = 0.299 * rgb[:, :, 0] + 0.587 * rgb[:, :, 1] + 0.114 * rgb[:, :, 2]
        return luma
    raise BarcodeError(f"unexpected picture shape {picture.shape}")


def read_frame_index(picture: np.ndarray) -> int:
    """The frame index encoded in ``picture`` (gray HxW, RGB HxWx3, RGBA/BGRA HxWx4).

    Channel order does not matter for black and white blocks. Raises BarcodeError when the
    guards or the checksum do not match (not one of our frames, or a corrupt picture).
    """
    luma = _luma(picture)
    height, width = luma.shape
    top, bottom = int(height * BAND_TOP), int(height * BAND_BOTTOM)
    band_h = bottom - top
    y0, y1 = top + band_h // 4, bottom - band_h // 4
    bits = []
    for x0, x1 in _block_edges(width):
        w = x1 - x0
        mean = float(luma[y0:y1, x0 + w // 4 : x1 - w // 4].mean())
        if 64 < mean < 192:
            raise BarcodeError(f"block at x={x0} is grey ({mean:.0f}): no bar code here")
        bits.append(1 if mean >= 128 else 0)
    if bits[:GUARDS] != [1, 0]:
        raise BarcodeError("guard blocks missing: no bar code here")
    index = 0
    for bit in bits[GUARDS : GUARDS + DATA_BITS]:
        index = (index << 1) | bit
    if bits != code_bits(index):
        raise BarcodeError(f"checksum mismatch for index {index}")
    return index


def encode_clip(
    path: Path,
    fps: Fraction,
    seconds: float,
    width: int = 640,
    height: int = 360,
    gop: int = 250,
    bframes: int = 3,
    audio: bool = True,
    start_timecode: str | None = None,
) -> int:
    """Encode a constant-rate bar-coded H.264 (+AAC tone) clip; returns its frame count."""
    frame_count = math.ceil(seconds * fps)
    with av.open(str(path), "w") as out:
        if start_timecode is not None:
            out.metadata["timecode"] = start_timecode
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {
            "preset": "veryfast",
            "crf": "20",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes={bframes}",
        }
        audio_stream = out.add_stream("aac", rate=48000, layout="mono") if audio else None
        if audio_stream is not None:
            write_tone(out, audio_stream, frame_count / fps)
        for index in range(frame_count):
            frame = av.VideoFrame.from_ndarray(draw_frame(index, width, height), format="rgb24")
            frame.pts = index
            frame.time_base = 1 / fps
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
    return frame_count


def write_tone(out: Any, stream: Any, seconds: Fraction) -> None:
    """Encode a 440 Hz tone of ``seconds`` into the audio ``stream`` of ``out``."""
    rate = 48000
    total = int(seconds * rate)
    chunk = 1024
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        t = (np.arange(start, start + n, dtype=np.float64)) / rate
        samples = (0.3 * np.sin(2 * math.pi * 440.0 * t)).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
