"""One lean FFmpeg for the whole bundle: built from Debian's own source of the installed FFmpeg.

Why: libVLC's only H.264 decoder is its ``avcodec`` plugin, linked to Debian's FFmpeg 5.1
(``libavcodec.so.59``). Debian's build links every codec library it can (x265, codec2,
SVT-AV1, aom, rav1e, librsvg -> libxml2 -> ICU, ...), ~136 MB, all hard ``DT_NEEDED`` of a
``BIND_NOW`` library. PyAV's wheel carries a second FFmpeg (73 MB). Here the *same* FFmpeg
source Debian built (``apt-get source ffmpeg=<installed version>``, Debian's patches applied)
is configured with FFmpeg's internal decoders, demuxers and parsers only, plus libdav1d (AV1)
and libx264 (the test clips), with the same sonames and symbol versions. libVLC's plugins and
Debian's ``python3-av`` (PyAV built against that FFmpeg 5.1) then share this one copy.

The result is cached under ``build/ffmpeg-lean/<key>/`` (key: source version + configure line),
so only the first ``make package`` on a machine compiles (a few minutes on two cores).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Debian package whose version decides the source (libVLC's avcodec plugin links it).
ABI_PACKAGE = "libavcodec59"
SOURCE_PACKAGE = "ffmpeg"
# The libraries a build provides, by soname: what the bundle takes from here, never from /usr.
SONAMES = (
    "libavcodec.so.59",
    "libavdevice.so.59",
    "libavfilter.so.8",
    "libavformat.so.59",
    "libavutil.so.57",
    "libswresample.so.4",
    "libswscale.so.6",
)
# Encoders the app uses: libx264 + aac (test clips, demo), png (frame export), plus the trivial
# raw/PCM ones. Everything else is decode-only: the app never encodes other formats.
ENCODERS = "libx264,aac,png,mjpeg,rawvideo,pcm_s16le,pcm_f32le"
# The app builds no filter graphs; PyAV's own graph helpers and the usual picture/sound
# shaping stay available (buffers, format conversion, scaling, resampling, timing, flips).
FILTERS = (
    "buffer,buffersink,abuffer,abuffersink,format,aformat,null,anull,scale,aresample,"
    "fps,setpts,asetpts,trim,atrim,crop,hflip,vflip,transpose"
)
CONFIGURE_ARGS = (
    "--enable-gpl",  # libx264 (Debian's FFmpeg is GPL-2.0-or-later as well)
    "--disable-postproc",  # only the pp filter and VLC's postproc plugin use it; both left out
    "--enable-shared",
    "--disable-static",
    "--disable-programs",
    "--disable-doc",
    "--disable-debug",
    # Nothing found on the build machine slips in (X11, VA-API, SDL, ALSA, ...).
    "--disable-autodetect",
    "--enable-pthreads",
    "--enable-zlib",  # PNG, MOV compressed headers
    "--enable-iconv",  # subtitle charset conversion (glibc)
    "--enable-libdav1d",  # AV1: FFmpeg 5.1 has no software AV1 decoder of its own
    "--enable-libx264",
    "--disable-network",  # review media are local files
    "--disable-indevs",
    "--disable-outdevs",
    "--disable-hwaccels",
    "--disable-encoders",
    f"--enable-encoder={ENCODERS}",
    "--disable-filters",
    f"--enable-filter={FILTERS}",
)
# Debian packages the build needs (scripts/system-deps.sh installs them for `make package`).
BUILD_PACKAGES = (
    "dpkg-dev",
    "gcc",
    "make",
    "nasm",
    "pkg-config",
    "libx264-dev",
    "libdav1d-dev",
    "zlib1g-dev",
)


def installed_version(package: str = ABI_PACKAGE) -> str:
    """Debian source version of the installed ``package`` (e.g. ``7:5.1.9-0+deb12u1``)."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${source:Version}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    version = out.stdout.strip()
    if out.returncode != 0 or not version:
        raise SystemExit(f"{package} is not installed (make system-deps installs libVLC)")
    return version


def cache_key(version: str) -> str:
    """Folder name of a build: source version and configure line, hashed."""
    digest = hashlib.sha256(json.dumps([version, CONFIGURE_ARGS]).encode()).hexdigest()[:12]
    upstream = version.split(":")[-1]
    return f"{upstream}-{digest}"


def fetch_source(version: str, into: Path) -> Path:
    """``apt-get source ffmpeg=<version>`` with a private deb-src list (system apt untouched).

    apt checks the files against the signed archive index; ``dpkg-source`` (run by apt-get)
    applies Debian's patches. Returns the unpacked source tree.
    """
    into.mkdir(parents=True, exist_ok=True)
    state = into / "apt"
    (state / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (state / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    sources = state / "sources.list"
    sources.write_text(
        "deb-src http://deb.debian.org/debian bookworm main\n"
        "deb-src http://deb.debian.org/debian bookworm-updates main\n"
        "deb-src http://deb.debian.org/debian-security bookworm-security main\n",
        encoding="utf-8",
    )
    options = [
        f"-oDir::Etc::SourceList={sources}",
        "-oDir::Etc::SourceParts=/nonexistent",
        f"-oDir::State::Lists={state / 'lists'}",
        f"-oDir::Cache={state / 'cache'}",
        "-oAPT::Sandbox::User=root",
        "-q",
    ]
    subprocess.run(["apt-get", *options, "update"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", *options, "source", f"{SOURCE_PACKAGE}={version}"],
        check=True,
        cwd=into,
        stdout=subprocess.DEVNULL,
    )
    upstream = version.split(":")[-1].rsplit("-", 1)[0]
    tree = into / f"{SOURCE_PACKAGE}-{upstream}"
    if not (tree / "configure").is_file():
        raise SystemExit(f"apt-get source gave no {tree}/configure")
    return tree


def build(cache_root: Path, jobs: int | None = None) -> Path:
    """Build (or reuse) the lean FFmpeg; return its prefix (``lib/`` holds the sonames)."""
    version = installed_version()
    key = cache_key(version)
    prefix = cache_root / key
    cache_root.mkdir(parents=True, exist_ok=True)
    # One build per key at a time (make package and the packaging test may run together);
    # the second waits and then finds the first one's result.
    with (cache_root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(prefix):
            _build(version, prefix, cache_root / f"{key}.make.log", jobs)
    return prefix


def _complete(prefix: Path) -> bool:
    return (prefix / "lean-ffmpeg.json").is_file() and all(
        (prefix / "lib" / name).exists() for name in SONAMES
    )


def _build(version: str, prefix: Path, log: Path, jobs: int | None) -> None:
    cache_root = prefix.parent
    tools = ("apt-get", "dpkg-source", "make", "nasm", "pkg-config")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        raise SystemExit(
            f"the lean FFmpeg build needs {', '.join(missing)}: sh scripts/system-deps.sh package"
        )
    with tempfile.TemporaryDirectory(prefix="ffmpeg-", dir=cache_root) as scratch:
        work = Path(scratch)
        tree = fetch_source(version, work / "src")
        staging = work / "prefix"
        objdir = work / "obj"
        objdir.mkdir()
        configure = [
            str(tree / "configure"),
            f"--prefix={staging}",
            f"--extra-version=karachi-lean-{version.split(':')[-1]}",
            *CONFIGURE_ARGS,
        ]
        log = work / "configure.log"
        with log.open("w") as handle:
            result = subprocess.run(configure, cwd=objdir, stdout=handle, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise SystemExit(f"FFmpeg configure failed:\n{log.read_text()[-3000:]}")
        jobs = jobs or os.cpu_count() or 1
        # The log is kept after a failure (the scratch folder is not).
        with log.open("w") as handle:
            for target in ([f"-j{jobs}"], ["install"]):
                result = subprocess.run(
                    ["make", *target], cwd=objdir, stdout=handle, stderr=subprocess.STDOUT
                )
                if result.returncode != 0:
                    raise SystemExit(f"FFmpeg make failed; see {log}")
        shutil.rmtree(staging / "include", ignore_errors=True)
        shutil.rmtree(staging / "share", ignore_errors=True)
        licences = staging / "licenses"
        licences.mkdir()
        for name in ("LICENSE.md", "COPYING.GPLv2", "COPYING.LGPLv2.1", "debian/copyright"):
            shutil.copyfile(tree / name, licences / Path(name).name)
        (staging / "lean-ffmpeg.json").write_text(
            json.dumps(
                {
                    "source_package": SOURCE_PACKAGE,
                    "source_version": version,
                    "configure": list(CONFIGURE_ARGS),
                    "licence": "GPL-2.0-or-later",
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        if prefix.exists():
            shutil.rmtree(prefix)
        staging.rename(prefix)


def needed_symbols_missing(consumer: Path, libdir: Path) -> list[str]:
    """Versioned symbols ``consumer`` imports from FFmpeg that the lean build does not export."""

    def dynsyms(path: Path, undefined: bool) -> set[str]:
        out = subprocess.run(
            [
                "nm",
                "-D",
                "--with-symbol-versions",
                "--undefined-only" if undefined else "--defined-only",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {line.split()[-1] for line in out.splitlines() if line.strip()}

    exported: set[str] = set()
    for name in SONAMES:
        exported |= {s.replace("@@", "@") for s in dynsyms(libdir / name, undefined=False)}
    wanted = {
        s
        for s in dynsyms(consumer, undefined=True)
        if "@LIBAV" in s or "@LIBSW" in s or "@LIBPOSTPROC" in s
    }
    return sorted(wanted - exported)
