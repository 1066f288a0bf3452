"""Decoding transcript bytes: BOMs, UTF-16 without BOM, UTF-8, guessed code pages, garbage."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from karachi_review.core.errors import BinaryDataError, EmptyFileError, UndecodableTextError
from karachi_review.core.formats.decode import decode
from karachi_review.core.reader import read_transcript

FRENCH = (
    "1\n00:00:01,000 --> 00:00:03,000\nJe suis allé à l'école, où j'ai vu ça.\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\nÇa coûte très cher, n'est-ce pas ?\n"
)
SPANISH = (
    "1\n00:00:01,000 --> 00:00:03,000\n¿Dónde está el niño?\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n¡Qué año más difícil! Mañana será otro día.\n"
)
# Urdu as cp1256 files write it: Arabic yeh (U+064A) for Farsi yeh, and a Latin full stop.
URDU = (
    "1\n00:00:05,000 --> 00:00:09,000\nپاکستان ایک ایسی قوم ہے جو محاصرے میں ہے.\n\n"
    "2\n00:00:10,000 --> 00:00:14,000\nکراچی میں طالبان کے خلاف کارروائی.\n"
).replace("ی", "ي")


def test_utf8_with_bom_is_stripped_and_reported() -> None:
    result = decode(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "f.srt")
    assert result.text == FRENCH
    assert (result.encoding, result.bom, result.guessed, result.confidence) == (
        "utf-8-sig",
        True,
        False,
        1.0,
    )


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str, name: str) -> None:
    result = decode(bom + URDU.encode(codec), "u.srt")
    assert result.text == URDU
    assert (result.encoding, result.bom, result.guessed) == (name, True, False)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [FRENCH, URDU], ids=["french", "urdu"])
def test_utf16_without_bom_is_found_by_its_nul_pattern(codec: str, text: str) -> None:
    result = decode(text.encode(codec), "u.srt")
    assert result.text == text
    assert result.encoding == codec
    assert result.guessed and not result.bom
    assert 0.9 <= result.confidence <= 1.0


def test_plain_utf8_is_not_a_guess() -> None:
    result = decode(URDU.encode("utf-8"), "u.srt")
    assert (result.text, result.encoding, result.guessed, result.confidence) == (
        URDU,
        "utf-8",
        False,
        1.0,
    )


@pytest.mark.parametrize("text", [FRENCH, SPANISH, "1\n00:00:01,000 --> 00:00:02,000\nGröße\n"])
def test_short_cp1252_files_read_as_cp1252_not_cp1250(text: str) -> None:
    result = decode(text.encode("cp1252"), "f.srt")
    assert result.encoding == "cp1252"
    assert result.text == text
    assert result.guessed
    assert 0.0 < result.confidence <= 1.0


def test_cp1256_urdu_is_guessed() -> None:
    result = decode(URDU.encode("cp1256"), "u.srt")
    assert result.encoding == "cp1256"
    assert result.text == URDU
    assert result.guessed


def test_crlf_and_lone_cr_become_newlines() -> None:
    data = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nA\r\n\r\n2\r00:00:03,000 --> 00:00:04,000\rB\r"
    text = decode(data, "n.srt").text
    assert text == "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n"


def test_crlf_in_utf16_and_guessed_encodings_too() -> None:
    crlf = FRENCH.replace("\n", "\r\n")
    assert decode(crlf.encode("utf-16-le"), "a.srt").text == FRENCH
    assert decode(crlf.encode("cp1252"), "b.srt").text == FRENCH


def test_png_header_and_random_bytes_are_binary() -> None:
    rnd = random.Random(42)
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(4000))
    with pytest.raises(BinaryDataError) as info:
        decode(data, "picture.srt")
    assert info.value.path == "picture.srt"
    assert info.value.line == 3  # the signature holds CR LF and LF before the first NUL


def test_many_control_characters_without_nul_are_binary() -> None:
    rnd = random.Random(3)
    noise = bytes(rnd.choice(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0fabc") for _ in range(500))
    with pytest.raises(BinaryDataError):
        decode(noise, "noise.srt")


def test_a_stray_dos_end_of_file_mark_is_not_binary() -> None:
    result = decode(FRENCH.encode("utf-8") + b"\x1a", "dos.srt")
    assert result.text == FRENCH + "\x1a"


def test_nul_bytes_in_otherwise_utf8_text_are_binary_with_their_line() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nbad\x00byte\n"
    with pytest.raises(BinaryDataError) as info:
        decode(data, "nul.srt")
    assert info.value.line == 3


def test_whitespace_only_text_is_empty() -> None:
    with pytest.raises(EmptyFileError):
        decode(codecs.BOM_UTF16_LE + " \r\n\t".encode("utf-16-le"), "blank.srt")
    with pytest.raises(EmptyFileError):
        decode(codecs.BOM_UTF8, "bom-only.srt")


def test_explicit_encoding_overrides_the_guess() -> None:
    data = FRENCH.encode("cp1252")
    result = decode(data, "f.srt", encoding="cp1250")
    assert (result.encoding, result.guessed, result.confidence) == ("cp1250", False, 1.0)
    assert result.text == data.decode("cp1250")
    assert result.text != FRENCH  # the user's choice wins, even a wrong one


def test_explicit_utf8_on_cp1252_bytes_names_the_line_of_the_bad_byte() -> None:
    data = FRENCH.encode("cp1252")
    with pytest.raises(UndecodableTextError) as info:
        decode(data, "f.srt", encoding="utf-8")
    assert info.value.line == 3  # "allé" on the cue's text line
    assert "utf-8" in info.value.message
    assert "e9" in info.value.message


def test_explicit_wrong_codec_line_counts_crlf_once() -> None:
    data = FRENCH.replace("\n", "\r\n").encode("cp1252")
    with pytest.raises(UndecodableTextError) as info:
        decode(data, "f.srt", encoding="ascii")
    assert info.value.line == 3


def test_unknown_codec_name_is_undecodable() -> None:
    with pytest.raises(UndecodableTextError) as info:
        decode(b"1\n", "f.srt", encoding="no-such-codec")
    assert "no-such-codec" in info.value.message


@pytest.mark.parametrize("codec", ["rot13", "hex", "zlib"])
def test_codecs_that_are_not_text_encodings_are_undecodable(codec: str) -> None:
    with pytest.raises(UndecodableTextError) as info:
        decode(b"1\n00:00:01,000 --> 00:00:02,000\n" + b"x" * 100 + b"\n", "f.srt", codec)
    assert codec in info.value.message


@pytest.mark.parametrize("codec", ["punycode", "idna", "unicode_escape", "utf-7"])
def test_odd_text_codecs_fail_cleanly(codec: str) -> None:
    with pytest.raises(UndecodableTextError):
        decode(b"1\n00:00:01,000 --> 00:00:02,000\n\xff\\x\n", "f.srt", codec)


def test_explicit_utf8_keeps_bom_flag_and_strips_it() -> None:
    result = decode(codecs.BOM_UTF8 + b"1\n00:00:01,000 --> 00:00:02,000\nA\n", "b.srt", "utf-8")
    assert result.bom and not result.text.startswith("\ufeff")
    result = decode(codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "b.srt", "utf-16")
    assert result.bom and result.text == FRENCH


# End to end, through files on disk.


def test_read_transcript_reports_a_guessed_encoding(tmp_path: Path) -> None:
    path = tmp_path / "french.srt"
    path.write_bytes(FRENCH.encode("cp1252"))
    result = read_transcript(path)
    assert result.encoding == "cp1252"
    assert result.encoding_guessed
    assert [c.text for c in result.transcript] == [
        "Je suis allé à l'école, où j'ai vu ça.",
        "Ça coûte très cher, n'est-ce pas ?",
    ]
    encoding_warnings = [w for w in result.warnings if w.kind == "encoding"]
    assert len(encoding_warnings) == 1
    assert "cp1252" in encoding_warnings[0].message


def test_read_transcript_with_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "urdu.srt"
    path.write_bytes(URDU.encode("cp1256"))
    result = read_transcript(path, encoding="cp1256")
    assert not result.encoding_guessed
    assert not [w for w in result.warnings if w.kind == "encoding"]
    assert result.transcript[0].text.startswith("پاکستان")


def test_read_transcript_utf16_without_bom(tmp_path: Path) -> None:
    # pysrt alone returns 0 cues and no error for this file (CONVENTIONS.md).
    path = tmp_path / "utf16.srt"
    path.write_bytes(URDU.encode("utf-16-le"))
    result = read_transcript(path)
    assert len(result.transcript) == 2
    assert result.encoding == "utf-16-le"


def test_read_transcript_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_transcript(empty)
    blank = tmp_path / "blank.srt"
    blank.write_bytes(b"  \r\n\n\t ")
    with pytest.raises(EmptyFileError):
        read_transcript(blank)
    png = tmp_path / "image.srt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(BinaryDataError) as info:
        read_transcript(png)
    assert info.value.path == str(png)


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_file_cut_inside_its_last_character_keeps_its_encoding(codec: str) -> None:
    text = URDU.rstrip("\n.")  # ends with an Urdu letter: two bytes in UTF-8 and UTF-16
    result = decode(text.encode(codec)[:-1], "cut.srt")
    assert result.encoding == codec
    assert result.text == text[:-1] + "\ufffd"
    assert [(w.line, w.kind) for w in result.warnings] == [(7, "encoding")]
    assert "truncated" in result.warnings[0].message


def test_a_real_replacement_character_is_not_a_cut() -> None:
    result = decode("1\n00:00:01,000 --> 00:00:02,000\n?\ufffd".encode(), "r.srt")
    assert result.warnings == []
    assert result.encoding == "utf-8"


def test_a_cut_after_pure_ascii_is_still_guessed() -> None:
    # Nothing before the last byte proves UTF-8: a single-byte code page is as likely.
    result = decode(b"1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9", "c.srt")
    assert result.guessed
    assert result.text.endswith("Caf\xe9")
