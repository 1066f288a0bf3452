"""Turn a transcript file's bytes into text: BOM, UTF-16 by its NUL pattern, UTF-8, then a guess.

The order is the one in CONVENTIONS.md. A guess (charset-normalizer over a short list of the
single-byte code pages subtitle files are written in) is marked ``guessed`` so the import report
shows it and the user can override it with ``--encoding``.

``confidence`` is 1.0 for an explicit encoding, a BOM and valid UTF-8. For a BOM-less UTF-16
file it is the share of NUL bytes that fall on the expected (high-byte) side. For a guess it is
``1 - chaos`` (charset-normalizer's mess ratio of the chosen decoding), halved when another
encoding read the bytes as *different* text just as cleanly: short files often cannot tell
cp1252 from cp1250, and the number should say so.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final

import charset_normalizer

from karachi_review.core.errors import BinaryDataError, EmptyFileError, UndecodableTextError

# Likely code pages for subtitle files, most likely first: among near-equal guesses the earliest
# wins. cp1252 leads because detectors read short French/Spanish cp1252 files as cp1250; cp1256
# (Urdu/Arabic) is there because our material comes from Pakistan.
CANDIDATES: Final = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "iso8859_15",
    "koi8_r",
)
# Guesses whose chaos is within this margin of the best count as equally good.
CHAOS_MARGIN: Final = 0.02

_BOMS: Final = (
    # UTF-32 LE starts with the UTF-16 LE BOM: test it first.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than \t \n \f \r (and DEL): text files hold a few at most.
_CONTROL_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_CHARS: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF16_SAMPLE: Final = 1 << 16


@dataclass(slots=True)
class Decoded:
    """Text decoded from a file's bytes, with how sure we are of the encoding."""

    text: str
    encoding: str
    confidence: float
    guessed: bool
    bom: bool


def decode(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Decode ``data``; ``encoding`` (a Python codec name) overrides detection.

    Newlines come back as ``\\n`` and a leading U+FEFF is removed. Raises BinaryDataError for
    data that is not text, UndecodableTextError when no encoding fits, EmptyFileError when the
    text holds only white space.
    """
    if encoding is not None:
        decoded = _decode_explicit(data, path, encoding)
    else:
        decoded = _detect(data, path)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise EmptyFileError("the file holds only white space", path)
    decoded.text = text
    return decoded


def _decode_explicit(data: bytes, path: str, encoding: str) -> Decoded:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UndecodableTextError(f"unknown encoding {encoding!r}", path) from None
    text = _strict(data, name, path)
    # The BOM-less names ("utf-16", "utf-32") consume a BOM; the others leave U+FEFF in the text.
    bom = text.startswith("\ufeff") or (
        name in ("utf-16", "utf-32") and any(data.startswith(b) for b, _ in _BOMS)
    )
    _check_control_chars(text, path)
    return Decoded(text, name, 1.0, guessed=False, bom=bom)


def _detect(data: bytes, path: str) -> Decoded:
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], name, path)
            _check_control_chars(text, path)
            return Decoded(text, name, 1.0, guessed=False, bom=True)

    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            pos = data.index(b"\x00")
            raise BinaryDataError(
                "binary data, not text (NUL bytes that are not UTF-16 text)",
                path,
                _line_at(data, pos),
            )
        name, confidence = utf16
        text = _strict(data, name, path)
        _check_control_chars(text, path)
        return Decoded(text, name, confidence, guessed=True, bom=False)

    _check_control_bytes(data, path)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0, guessed=False, bom=False)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    return _guess(data, path, first_bad)


def _utf16_without_bom(data: bytes) -> tuple[str, float] | None:
    """``(codec, confidence)`` when NULs sit on one side of most code units, as in UTF-16."""
    sample = data[: _UTF16_SAMPLE & ~1] if len(data) > 1 else b""
    units = len(sample) // 2
    if units == 0:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # ASCII (timings, digits, spaces) is a large share of any subtitle file; in UTF-16 each
    # ASCII character has a NUL high byte. Scripts outside Latin-1 (Urdu) have none, hence 20%.
    if odd >= units * 0.2 and even <= units * 0.02:
        return "utf-16-le", odd / (odd + even)
    if even >= units * 0.2 and odd <= units * 0.02:
        return "utf-16-be", even / (odd + even)
    return None


def _guess(data: bytes, path: str, first_bad: int) -> Decoded:
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATES))
    if not matches:
        raise UndecodableTextError(
            "the text is not UTF-8 and no likely encoding reads it cleanly; "
            "name the encoding with --encoding",
            path,
            _line_at(data, first_bad),
        )
    best_chaos = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= best_chaos + CHAOS_MARGIN]
    rank = {name: i for i, name in enumerate(CANDIDATES)}

    def preference(name: str) -> int:
        return rank.get(name, len(CANDIDATES))

    # could_be_from_charset lists every code page that yields the very same text.
    chosen_match = min(near, key=lambda m: min(map(preference, m.could_be_from_charset)))
    chosen = min(chosen_match.could_be_from_charset, key=preference)
    name = codecs.lookup(chosen).name
    text = _strict(data, name, path)
    confidence = 1.0 - chosen_match.chaos
    if any(m is not chosen_match for m in near):
        confidence /= 2
    return Decoded(text, name, round(confidence, 3), guessed=True, bom=False)


def _strict(data: bytes, name: str, path: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.end].hex(" ")
        raise UndecodableTextError(
            f"the text is not valid {name}: byte(s) {bad} cannot be decoded; "
            "try another --encoding",
            path,
            _decoded_line_at(data, exc.start, name),
        ) from None


def _check_control_bytes(data: bytes, path: str) -> None:
    first = _CONTROL_BYTES.search(data)
    if first is not None and _too_many(len(_CONTROL_BYTES.findall(data)), len(data)):
        raise BinaryDataError(
            "binary data, not text (control characters)", path, _line_at(data, first.start())
        )


def _check_control_chars(text: str, path: str) -> None:
    first = _CONTROL_CHARS.search(text)
    if first is None:
        return
    if "\x00" in text or _too_many(len(_CONTROL_CHARS.findall(text)), len(text)):
        line = text.count("\n", 0, first.start()) + 1
        raise BinaryDataError("binary data, not text (control characters)", path, line)


def _too_many(count: int, length: int) -> bool:
    # A stray ESC or a DOS end-of-file mark (0x1a) is fine; random bytes hold ~11% controls.
    return count >= 4 and count * 100 >= length


def _line_at(data: bytes, pos: int) -> int:
    """1-based line of byte ``pos`` in ASCII-compatible data (CRLF, LF and lone CR all count)."""
    head = data[:pos]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _decoded_line_at(data: bytes, pos: int, name: str) -> int:
    head = data[:pos].decode(name, errors="replace")
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1
