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
from dataclasses import dataclass, field
from typing import Final

import charset_normalizer

from karachi_review.core.errors import BinaryDataError, EmptyFileError, UndecodableTextError
from karachi_review.core.transcript import ReadWarning

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
_CONTROL_SET: Final = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF16_SAMPLE: Final = 1 << 16
_CUT: Final = "\ufffd"


@dataclass(slots=True)
class Decoded:
    """Text decoded from a file's bytes, with how sure we are of the encoding."""

    text: str
    encoding: str
    confidence: float
    guessed: bool
    bom: bool
    # What decoding had to repair, for the import report: a character cut off at the end of a
    # truncated file (kept as U+FFFD).
    warnings: list[ReadWarning] = field(default_factory=list)
    cut_tail: bool = False


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
    if decoded.cut_tail:
        decoded.warnings.append(
            ReadWarning(
                text.count("\n") + 1,
                f"the file ends inside a {decoded.encoding} character (truncated?); "
                "it is shown as \ufffd",
                "encoding",
            )
        )
    return decoded


def _decode_explicit(data: bytes, path: str, encoding: str) -> Decoded:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UndecodableTextError(f"unknown encoding {encoding!r}", path) from None
    # rot13, hex, zlib... are codecs too, but bytes.decode refuses them.
    if not getattr(info, "_is_text_encoding", True):
        raise UndecodableTextError(f"{encoding!r} is not a text encoding", path)
    name = info.name
    text, cut = _strict(data, name, path)
    # The BOM-less names ("utf-16", "utf-32") consume a BOM; the others leave U+FEFF in the text.
    bom = text.startswith("\ufeff") or (
        name in ("utf-16", "utf-32") and any(data.startswith(b) for b, _ in _BOMS)
    )
    _check_control_chars(text, path)
    return Decoded(text, name, 1.0, guessed=False, bom=bom, cut_tail=cut)


def _detect(data: bytes, path: str) -> Decoded:
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, cut = _strict(data[len(bom) :], name, path)
            _check_control_chars(text, path)
            return Decoded(text, name, 1.0, guessed=False, bom=True, cut_tail=cut)

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
        text, cut = _strict(data, name, path)
        _check_control_chars(text, path)
        return Decoded(text, name, confidence, guessed=True, bom=False, cut_tail=cut)

    _check_control_bytes(data, path)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0, guessed=False, bom=False)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # A UTF-8 file cut inside its last character is still UTF-8 (real multi-byte sequences
    # before the cut prove it); guessing a code page would garble every line.
    utf8 = _without_cut_tail(data, "utf-8", first_bad)
    if utf8 is not None and not data[:first_bad].isascii():
        return Decoded(utf8, "utf-8", 1.0, guessed=False, bom=False, cut_tail=True)
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
    text, cut = _strict(data, name, path)
    confidence = 1.0 - chosen_match.chaos
    if any(m is not chosen_match for m in near):
        confidence /= 2
    return Decoded(text, name, round(confidence, 3), guessed=True, bom=False, cut_tail=cut)


def _without_cut_tail(data: bytes, name: str, bad: int) -> str | None:
    """The text with U+FFFD for a character cut off by the end of ``data``, else None."""
    if len(data) - bad >= 4:
        return None
    try:
        data[bad:].decode(name)
    except UnicodeDecodeError as exc:
        if exc.reason not in ("unexpected end of data", "truncated data"):
            return None
    else:
        return None
    try:
        return data[:bad].decode(name) + _CUT
    except UnicodeDecodeError:
        return None


def _strict(data: bytes, name: str, path: str) -> tuple[str, bool]:
    """``(text, cut)``: a character cut off at the very end becomes U+FFFD and ``cut`` True."""
    try:
        return data.decode(name), False
    except UnicodeDecodeError as exc:
        cut = _without_cut_tail(data, name, exc.start)
        if cut is not None:
            return cut, True
        bad = data[exc.start : exc.end].hex(" ")
        raise UndecodableTextError(
            f"the text is not valid {name}: byte(s) {bad} cannot be decoded; "
            "try another --encoding",
            path,
            _decoded_line_at(data, exc.start, name),
        ) from None
    except UnicodeError as exc:  # codecs such as idna fail without a position
        raise UndecodableTextError(f"cannot decode the text as {name}: {exc}", path) from None


def _check_control_bytes(data: bytes, path: str) -> None:
    # bytes.translate counts them in one C pass, several times faster than a regex scan.
    count = len(data) - len(data.translate(None, _CONTROL_SET))
    if _too_many(count, len(data)):
        first = _CONTROL_BYTES.search(data)
        assert first is not None
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
    try:
        head = data[:pos].decode(name, errors="replace")
    except (UnicodeError, ValueError):  # punycode and friends: count the bytes instead
        return _line_at(data, pos)
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1
