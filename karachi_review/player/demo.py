"""A stand-in video for a transcript that has no film beside it (``make run``'s sample).

The picture is a slate, clearly labelled as a stand-in: the running SMPTE timecode and the
transcript line being spoken. It is generated once into the user's cache folder (a few minutes
for a half-hour transcript, in the background with progress) and reused afterwards; the user
can attach the real film at any time. Written to a temporary file and renamed, so a cancelled
or failed run never leaves a half file that looks finished.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from karachi_review.core.errors import KarachiError
from karachi_review.core.timecode import frame_to_ms, frame_to_smpte, ms_to_frame
from karachi_review.core.transcript import Cue

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "STAND_IN_LABEL",
    "DemoCancelledError",
    "DemoMaker",
    "demo_path_for",
    "generate_demo",
]

STAND_IN_LABEL = "STAND-IN VIDEO - not the film.  File > Attach media to use the real one."
_TAIL_MS = 2000  # slate time after the last cue
_VERSION = "1"  # bump when the picture changes, so old cached demos are not reused

Progress = Callable[[int, int], bool]


class DemoCancelledError(KarachiError):
    """The user stopped the generation."""


def demo_path_for(transcript_path: str | Path, cache_dir: str | Path | None = None) -> Path:
    """Where the stand-in for ``transcript_path`` lives (the user's cache folder by default)."""
    source = Path(transcript_path)
    try:
        stamp = f"{source.resolve()}:{source.stat().st_size}:{source.stat().st_mtime_ns}"
    except OSError:
        stamp = str(source)
    digest = hashlib.sha1(f"{_VERSION}:{stamp}".encode()).hexdigest()[:12]
    folder = Path(cache_dir) if cache_dir is not None else _cache_dir()
    return folder / f"stand-in-{source.stem}-{digest}.mp4"


def _cache_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericCacheLocation)
    return Path(base or Path.home() / ".cache") / "karachi-review"


def generate_demo(
    cues: Sequence[Cue],
    out: str | Path,
    fps: Fraction = Fraction(25),
    size: tuple[int, int] = (640, 360),
    progress: Progress | None = None,
) -> Path:
    """Render and encode the stand-in for ``cues`` to ``out``; returns ``out``.

    ``progress(done_frames, total_frames)`` is called every second of video; returning False
    cancels (DemoCancelledError, and no file is left). Needs a QGuiApplication (fonts).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    end_ms = max((c.end_ms for c in cues), default=0) + _TAIL_MS
    total = ms_to_frame(end_ms, fps) + 1
    width, height = size
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    ordered = sorted(cues, key=lambda c: (c.start_ms, c.index))
    slate = _Slate(width, height, total, fps)
    every = max(1, int(fps))
    import av  # here, not at import time: the window imports this module at start-up

    try:
        with av.open(str(tmp), "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            # A still slate compresses to almost nothing; ultrafast keeps generation quick.
            stream.options = {"preset": "ultrafast", "crf": "28", "g": str(int(fps) * 10)}
            cue_pos = 0
            for index in range(total):
                ms = frame_to_ms(index, fps)
                while cue_pos < len(ordered) and ordered[cue_pos].end_ms <= ms:
                    cue_pos += 1
                current = ordered[cue_pos] if cue_pos < len(ordered) else None
                text = current.text if current is not None and current.start_ms <= ms else ""
                rgb = slate.render(index, text)
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = index
                frame.time_base = 1 / fps
                for packet in stream.encode(frame):
                    container.mux(packet)
                if progress is not None and index % every == 0 and not progress(index, total):
                    raise DemoCancelledError("stand-in video cancelled", str(out))
            for packet in stream.encode(None):
                container.mux(packet)
        if progress is not None:
            progress(total, total)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


class _Slate:
    """Draws one slate picture: label, timecode, the current line, a time bar."""

    def __init__(self, width: int, height: int, total: int, fps: Fraction) -> None:
        self.width, self.height, self.total, self.fps = width, height, total, fps
        self._text: str | None = None  # the cue text of the cached background
        self._background = QImage()
        self._label_font = QFont()
        self._label_font.setPixelSize(max(10, height // 24))
        self._label_font.setBold(True)
        self._tc_font = QFont("DejaVu Sans Mono")
        self._tc_font.setStyleHint(QFont.StyleHint.Monospace)
        self._tc_font.setPixelSize(max(16, height // 7))
        self._text_font = QFont()
        self._text_font.setPixelSize(max(12, height // 16))

    def render(self, index: int, text: str) -> np.ndarray:
        """(height, width, 3) RGB picture of frame ``index`` while ``text`` is spoken."""
        import numpy as np

        if text != self._text:
            self._background = self._draw_background(text)
            self._text = text
        image = self._background.copy()
        painter = QPainter(image)
        try:
            painter.setPen(QColor(255, 255, 255))
            painter.setFont(self._tc_font)
            tc_box = QRect(0, self.height // 6, self.width, self.height // 4)
            painter.drawText(tc_box, Qt.AlignmentFlag.AlignCenter, frame_to_smpte(index, self.fps))
            bar_y = self.height - max(4, self.height // 60) - 2
            done = int(self.width * index / max(1, self.total - 1))
            painter.fillRect(0, bar_y, done, self.height - bar_y, QColor(200, 140, 40))
        finally:
            painter.end()
        stride = image.bytesPerLine()
        rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * self.height)
        rows = rows.reshape(self.height, stride)
        return np.ascontiguousarray(rows[:, : self.width * 3].reshape(self.height, self.width, 3))

    def _draw_background(self, text: str) -> QImage:
        image = QImage(self.width, self.height, QImage.Format.Format_RGB888)
        image.fill(QColor(28, 30, 36))
        painter = QPainter(image)
        try:
            band = self.height // 12
            painter.fillRect(0, 0, self.width, band, QColor(160, 30, 30))
            painter.setPen(QColor(255, 255, 255))
            painter.setFont(self._label_font)
            painter.drawText(
                QRect(0, 0, self.width, band), Qt.AlignmentFlag.AlignCenter, STAND_IN_LABEL
            )
            painter.setFont(self._text_font)
            margin = self.width // 16
            box = QRect(margin, self.height // 2, self.width - 2 * margin, self.height // 2 - band)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(box, int(flags) | int(Qt.TextFlag.TextWordWrap), text)
        finally:
            painter.end()
        return image


class DemoMaker(QObject):
    """Generates a stand-in on a worker thread; progress and result come back as signals."""

    progress = Signal(int, int)  # frames done, frames in all
    finished = Signal(str)  # path of the stand-in
    failed = Signal(str)  # message (also on cancel)

    def __init__(
        self,
        cues: Sequence[Cue],
        out: str | Path,
        fps: Fraction = Fraction(25),
        size: tuple[int, int] = (640, 360),
        parent: QObject | None = None,
    ) -> None:
        """Prepare (``start()`` runs it)."""
        super().__init__(parent)
        self._cues, self._out, self._fps, self._size = list(cues), Path(out), fps, size
        self._cancel = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Generate in the background (returns at once); an existing stand-in is reused."""
        if self._out.exists():
            self.finished.emit(str(self._out))
            return
        # A plain thread: it only paints QImages and encodes; signals reach the GUI queued.
        self._thread = threading.Thread(target=self._run, name="stand-in video", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next second of video."""
        self._cancel = True

    def wait(self, timeout_s: float = 600.0) -> bool:
        """Block until the worker ended (for tests and shutdown); False on timeout."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        import av

        def report(done: int, total: int) -> bool:
            self.progress.emit(done, total)  # queued to the GUI thread
            return not self._cancel

        try:
            path = generate_demo(self._cues, self._out, self._fps, self._size, report)
        except KarachiError as exc:
            self.failed.emit(str(exc))
        except (OSError, av.error.FFmpegError) as exc:
            self.failed.emit(f"{self._out}: could not write the stand-in video ({exc})")
        else:
            self.finished.emit(str(path))
