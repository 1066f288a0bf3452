"""Typed errors a user can act on; each names the file and, where known, the line."""

from __future__ import annotations


class KarachiError(Exception):
    """Base of every error the CLI and the window report as ``FILE:LINE: message``."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class TranscriptError(KarachiError):
    """A transcript or subtitle file that cannot be used at all."""


class FileAccessError(TranscriptError):
    """The file is missing, a directory, or cannot be read."""


class EmptyFileError(TranscriptError):
    """The file holds no bytes, or only white space."""


class BinaryDataError(TranscriptError):
    """The file is not text (an image, a video, random bytes)."""


class UndecodableTextError(TranscriptError):
    """The bytes could not be decoded with the requested or any likely encoding."""


class UnknownFormatError(TranscriptError):
    """Text that matches no transcript format we read."""


class NoCuesError(TranscriptError):
    """A recognised format with not a single readable cue."""


class TimecodeError(KarachiError, ValueError):
    """A time or timecode that cannot be parsed or is out of range."""
