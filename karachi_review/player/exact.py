"""Exact frames off the GUI thread: a FrameDecoder owned by a worker thread.

A seek on a long-GOP 1080p file decodes up to a few hundred frames (measured p90 ~350 ms at
GOP 250); on the GUI thread that froze the window. Here requests are numbered; a newer request
supersedes the older ones, which are skipped or cancelled between two decoded frames, so
holding an arrow key or dragging a slider decodes only what will be shown. Results come back
to the GUI thread as queued signals carrying plain data (RGBFrame).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot

from karachi_review.core.errors import KarachiError
from karachi_review.player.frames import DecodeCancelled, FrameDecoder, RGBFrame

__all__ = ["ExactFrames"]


class _Worker(QObject):
    """Lives on the worker thread; the only user of the decoder once started."""

    picture = Signal(int, object, bool)  # request id, RGBFrame, final (False: a preview)
    frames = Signal(int, object)  # request id, list[RGBFrame]
    failed = Signal(int, str)

    def __init__(self, decoder: FrameDecoder, owner: ExactFrames) -> None:
        super().__init__()
        self._decoder = decoder
        self._owner = owner

    @Slot(int, int)
    def decode(self, rid: int, index: int) -> None:
        if rid != self._owner.latest:
            return

        def superseded() -> bool:
            return rid != self._owner.latest

        def preview(frame: RGBFrame) -> None:
            if not superseded():
                self.picture.emit(rid, frame, False)

        try:
            frame = self._decoder.frame(index, preview=preview, cancelled=superseded)
        except DecodeCancelled:
            return
        except KarachiError as exc:
            self.failed.emit(rid, str(exc))
            return
        self.picture.emit(rid, frame, True)

    @Slot(int, int, int, int)
    def decode_run(self, rid: int, first: int, count: int, centre: int) -> None:
        if rid != self._owner.latest_run:
            return
        try:
            last = self._decoder.clamp(first + count - 1)
            run = [self._decoder.frame(i) for i in range(first, last + 1)]
            self._decoder.frame(centre)  # the playhead's frame stays the cache centre
        except KarachiError as exc:
            self.failed.emit(rid, str(exc))
            return
        self.frames.emit(rid, run)


class ExactFrames(QObject):
    """Asynchronous exact frames: ``request(index)`` now, ``picture`` signal later."""

    picture = Signal(int, object, bool)  # request id, RGBFrame, final
    frames = Signal(int, object)  # request id, list[RGBFrame] (request_run)
    failed = Signal(int, str)  # request id, message

    _decode = Signal(int, int)
    _decode_run = Signal(int, int, int, int)

    def __init__(self, decoder: FrameDecoder, parent: QObject | None = None) -> None:
        """Start a worker thread that owns ``decoder`` from now on (read-only use elsewhere)."""
        super().__init__(parent)
        self.decoder = decoder
        self.latest = 0
        self.latest_run = 0
        self._thread = QThread()
        self._thread.setObjectName("exact frames")
        self._worker = _Worker(decoder, self)
        self._worker.moveToThread(self._thread)
        self._decode.connect(self._worker.decode)
        self._decode_run.connect(self._worker.decode_run)
        self._worker.picture.connect(self._on_picture)
        self._worker.frames.connect(self._on_frames)
        self._worker.failed.connect(self.failed)
        self._thread.start()
        self._closed = False

    def request(self, index: int) -> int:
        """Ask for frame ``index``; earlier requests still pending are dropped."""
        self.latest += 1
        self._decode.emit(self.latest, index)
        return self.latest

    def request_run(self, first: int, count: int, centre: int) -> int:
        """Ask for ``count`` frames from ``first`` (then re-centre the cache on ``centre``)."""
        self.latest_run += 1
        self._decode_run.emit(self.latest_run, first, count, centre)
        return self.latest_run

    def close(self) -> None:
        """Cancel what is pending, stop the thread, close the decoder."""
        if self._closed:
            return
        self._closed = True
        self.latest += 1  # cancels a long decode between two frames
        self.latest_run += 1
        self._thread.quit()
        self._thread.wait()
        self.decoder.close()

    def _on_picture(self, rid: int, frame: RGBFrame, final: bool) -> None:
        if rid == self.latest and not self._closed:
            self.picture.emit(rid, frame, final)

    def _on_frames(self, rid: int, run: list[RGBFrame]) -> None:
        if rid == self.latest_run and not self._closed:
            self.frames.emit(rid, run)
