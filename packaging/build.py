"""Build the one-folder bundle (PyInstaller) and finish it: plugin cache, licences, desktop files.

Usage: python packaging/build.py [--dist DIR] [--work DIR]

Before PyInstaller: build (or reuse) the lean FFmpeg (lean_ffmpeg.py) that libVLC's plugins
and Debian's python3-av share, and put python3-av first on PyInstaller's path. After it: check
that the lean FFmpeg exports every symbol its consumers import, strip debug symbols (see
strip_binaries), write libVLC's plugin cache so start-up does not scan every plugin, install
the desktop entry, AppStream metainfo and icons under share/, write LICENSES.txt (every
bundled component with its licence, from package metadata and Debian copyright files) and
BUILD-INFO.json (fingerprint of the inputs, size, build time). Prints the unpacked size and
the build time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
import lean_ffmpeg  # noqa: E402

sys.path.pop(0)
SPEC = PACKAGING / "karachi_review.spec"
APP = "karachi-review"
APP_ID = "io.github.karachi_review"
ICON_SVG = ROOT / "karachi_review" / "resources" / f"{APP_ID}.svg"
VLC_CACHE_GEN = Path("/usr/lib/x86_64-linux-gnu/vlc/vlc-cache-gen")
SIZE_TARGET_MB = 250  # decimal megabytes, as the issue states it
FFMPEG_CACHE = ROOT / "build" / "ffmpeg-lean"
# PyAV for the bundle: Debian's python3-av (PyAV 10.0, linked to Debian's FFmpeg 5.1 sonames),
# not the venv's PyPI wheel (which carries a second FFmpeg of ~73 MB).
DEBIAN_PYAV = Path("/usr/lib/python3/dist-packages")
PYAV_STAGING = ROOT / "build" / "pyav-debian"

# Files whose content decides what the bundle contains (plus installed package versions).
INPUT_GLOBS = ("karachi_review/**/*", "packaging/*", "pyproject.toml")


def runtime_distributions() -> list[md.Distribution]:
    """karachi-review's runtime dependencies, transitively (no extras): what the bundle carries."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, md.Distribution] = {}
    todo = ["karachi-review"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[name] = dist
        for spec in dist.requires or ():
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    seen.pop("karachi-review", None)
    return sorted(seen.values(), key=lambda d: str(d.metadata["Name"]).lower())


def fingerprint() -> str:
    """SHA-256 over the build inputs, installed distributions and the system libVLC files."""
    digest = hashlib.sha256()
    files = sorted(
        {
            p
            for g in INPUT_GLOBS
            for p in ROOT.glob(g)
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".md"
        }
    )
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for dist in sorted(md.distributions(), key=lambda d: d.metadata["Name"].lower()):
        digest.update(f"{dist.metadata['Name']}=={dist.version}\n".encode())
    for lib in ("libvlc.so.5", "libvlccore.so.9"):
        path = Path("/usr/lib/x86_64-linux-gnu") / lib
        if path.exists():
            stat = path.stat()
            digest.update(f"{lib}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for pkg in ("python3-av", lean_ffmpeg.ABI_PACKAGE):
        digest.update(f"{pkg}={_debian_version(pkg)}\n".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def folder_size(folder: Path) -> int:
    """Bytes of every regular file under ``folder`` (what the unpacked bundle occupies)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def stage_debian_pyav() -> Path:
    """A folder holding only Debian's ``av`` package (and its metadata), for PYTHONPATH."""
    package = DEBIAN_PYAV / "av"
    if not (package / "__init__.py").is_file():
        raise SystemExit("Debian's python3-av is missing: sh scripts/system-deps.sh package")
    if PYAV_STAGING.exists():
        shutil.rmtree(PYAV_STAGING)
    PYAV_STAGING.mkdir(parents=True)
    (PYAV_STAGING / "av").symlink_to(package)
    for meta in DEBIAN_PYAV.glob("av-*.egg-info"):
        (PYAV_STAGING / meta.name).symlink_to(meta)
    return PYAV_STAGING


def run_pyinstaller(dist: Path, work: Path, ffmpeg: Path, pyav: Path) -> None:
    """``pyinstaller --clean`` on the spec, seeing python3-av and the lean FFmpeg first."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "PyInstaller is missing: .venv/bin/pip install -e '.[package]' (make package does it)"
        ) from None
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        f"--distpath={dist}",
        f"--workpath={work}",
        str(SPEC),
    ]
    env = dict(
        os.environ,
        KARACHI_FFMPEG_PREFIX=str(ffmpeg),
        PYTHONPATH=os.pathsep.join([str(pyav), *filter(None, [os.environ.get("PYTHONPATH")])]),
        LD_LIBRARY_PATH=str(ffmpeg / "lib"),
    )
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def check_ffmpeg_symbols(internal: Path) -> None:
    """Every FFmpeg symbol the bundled consumers import is exported by the lean build."""
    consumers = [
        internal / "vlc_plugins" / "codec" / "libavcodec_plugin.so",
        internal / "vlc_plugins" / "demux" / "libavformat_plugin.so",
        internal / "vlc_plugins" / "packetizer" / "libpacketizer_avparser_plugin.so",
        internal / "vlc_plugins" / "video_chroma" / "libswscale_plugin.so",
        *sorted((internal / "av").rglob("*.so")),
    ]
    problems = []
    for consumer in consumers:
        if not consumer.is_file():
            problems.append(f"{consumer.relative_to(internal)} is missing")
            continue
        missing = lean_ffmpeg.needed_symbols_missing(consumer, internal)
        if missing:
            problems.append(f"{consumer.relative_to(internal)} needs {', '.join(missing[:8])}")
    if problems:
        raise SystemExit("the lean FFmpeg does not fit:\n  " + "\n  ".join(problems))


def strip_binaries(internal: Path) -> None:
    """Drop debug symbols from the interpreter and the wheels' extension modules (-50 MB).

    Left alone: the auditwheel folders (``*.libs``), where strip broke a patched library
    ("ELF load command address/offset not page-aligned"), and the Debian libraries (stripped).
    """
    if shutil.which("strip") is None:
        return
    targets = [*internal.glob("libpython3*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    for package in ("av", "numpy", "PySide6", "shiboken6"):
        targets += [
            p
            for p in (internal / package).rglob("*.so*")
            if p.is_file() and not p.is_symlink() and not any(x.endswith(".libs") for x in p.parts)
        ]
    if targets:
        subprocess.run(["strip", "--strip-unneeded", *map(str, targets)], check=True)


def write_plugin_cache(internal: Path) -> None:
    """Run libVLC's ``vlc-cache-gen`` on the bundled plugins (start-up 7 ms instead of ~40+)."""
    plugins = internal / "vlc_plugins"
    if not VLC_CACHE_GEN.exists():
        print(f"warning: {VLC_CACHE_GEN} missing (Debian libvlc-bin): no plugin cache")
        return
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    subprocess.run([str(VLC_CACHE_GEN), str(plugins)], check=True, env=env)
    if not (plugins / "plugins.dat").exists():
        raise SystemExit("vlc-cache-gen wrote no plugins.dat")


def install_desktop_files(bundle: Path) -> None:
    """Desktop entry, AppStream metainfo and icons under share/ (the layout of a /usr prefix)."""
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGING / f"{APP}.desktop", share / "applications" / f"{APP}.desktop")
    shutil.copyfile(
        PACKAGING / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    icons = share / "icons" / "hicolor"
    subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), str(ICON_SVG), str(icons)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _dist_licence(dist: md.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    if classifiers:
        return "; ".join(classifiers)
    text = (meta.get("License") or "").strip()
    return text.splitlines()[0] if text else "see the package's licence files"


def _debian_packages(internal: Path) -> dict[str, list[str]]:
    """Debian package -> bundled files, for the system libraries PyInstaller copied."""
    names = sorted(
        ({p.name for p in internal.glob("*.so*")} - set(lean_ffmpeg.SONAMES))
        | {p.name for p in (internal / "vlc_plugins").rglob("*.so")}
    )
    if not names or shutil.which("dpkg-query") is None:
        return {}
    owners: dict[str, list[str]] = {}
    # dpkg -S wants paths or patterns; the soname is unique enough under /usr/lib.
    result = subprocess.run(
        ["dpkg-query", "-S", *[f"*/{n}" for n in names]],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if ": " not in line:
            continue
        pkgs, path = line.split(": ", 1)
        base = os.path.basename(path)
        if base not in names:
            continue
        for pkg in pkgs.split(", "):
            pkg = pkg.split(":")[0]
            owners.setdefault(pkg, [])
            if base not in owners[pkg]:
                owners[pkg].append(base)
    return owners


def _debian_version(pkg: str) -> str:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "?"


def write_licences(bundle: Path) -> Path:
    """LICENSES.txt plus licenses/: the licence of every component in the bundle."""
    internal = bundle / "_internal"
    folder = bundle / "licenses"
    folder.mkdir(exist_ok=True)
    lines = [
        "karachi-review bundle: components and their licences",
        "=" * 56,
        "",
        "The bundle as a whole is distributed under the GNU General Public License version 3 or",
        "later (GPL-3.0-or-later), the licence of karachi_review itself; it combines GPL",
        "components (pysrt; FFmpeg built with x264; libx264; several VLC plugins) with LGPL",
        "ones (libVLC and libVLCcore, Qt 6 / PySide6, python-vlc), which allow it. The full",
        "texts are in licenses/: the Python packages' own licence files under licenses/python/,",
        "Debian's copyright files (authoritative per library) under licenses/debian/, FFmpeg's",
        "under licenses/ffmpeg/. Corresponding source: the Python packages on PyPI at the",
        "versions listed; the system libraries and python3-av are Debian's, at the versions",
        "listed (apt-get source PACKAGE=VERSION); FFmpeg is Debian's source package 'ffmpeg' at",
        "the version listed below, configured as listed (packaging/lean_ffmpeg.py).",
        "",
        "Application",
        "-----------",
        f"  karachi_review {_own_version()}  GPL-3.0-or-later",
        "",
        "Python runtime",
        "--------------",
        f"  CPython {platform.python_version()}  PSF-2.0 (Python Software Foundation License)",
        "",
        "Python packages (karachi_review's runtime dependencies, transitively; a package",
        "required only by metadata and never imported, such as pip, is not in the bundle)",
        "---------------------------------------------------------------------------------",
    ]
    pydir = folder / "python"
    pydir.mkdir(exist_ok=True)
    for dist in runtime_distributions():
        if dist.metadata["Name"].lower() == "av":
            continue  # the bundle carries Debian's python3-av instead: listed below
        lines.append(f"  {dist.metadata['Name']} {dist.version}  {_dist_licence(dist)}")
        for rel in dist.files or ():
            low = rel.name.lower()
            if any(k in low for k in ("license", "licence", "copying", "notice")) and not str(
                rel
            ).endswith(".py"):
                src = Path(str(dist.locate_file(rel)))
                if src.is_file():
                    shutil.copyfile(src, pydir / f"{dist.metadata['Name']}-{rel.name}")
    lines += [
        "",
        "Notes on the wheels' own native libraries: PySide6-Essentials carries Qt 6 (LGPL-3.0)",
        "and ICU (Unicode-3.0); numpy carries OpenBLAS (BSD-3-Clause) and libgfortran (GPL-3.0",
        "with the GCC runtime library exception).",
        "",
        "PyAV: Debian's python3-av (not the PyPI wheel)",
        "----------------------------------------------",
        f"  python3-av {_debian_version('python3-av')}  BSD-3-Clause (PyAV 10.0.0)",
        "      licence: licenses/debian/python3-av.copyright",
        "",
    ]
    debdir = folder / "debian"
    debdir.mkdir(exist_ok=True)
    shutil.copyfile(Path("/usr/share/doc/python3-av/copyright"), debdir / "python3-av.copyright")
    lines += _ffmpeg_licence_lines(internal, folder)
    lines += [
        "System libraries copied from Debian (libVLC, its plugins and their dependencies)",
        "--------------------------------------------------------------------------------",
        "  libVLC / libVLCcore: LGPL-2.1-or-later. VLC plugins: mostly LGPL-2.1-or-later,",
        "  some GPL-2.0-or-later.",
        "",
    ]
    for pkg, files in sorted(_debian_packages(internal).items()):
        copyright_file = Path("/usr/share/doc") / pkg / "copyright"
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, debdir / f"{pkg}.copyright")
        lines.append(f"  {pkg} {_debian_version(pkg)}: {', '.join(sorted(files))}")
        lines.append(f"      licence: licenses/debian/{pkg}.copyright")
    target = bundle / "LICENSES.txt"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _ffmpeg_licence_lines(internal: Path, folder: Path) -> list[str]:
    """The lean FFmpeg's entry: source, configure line, licence texts (GPL source offer)."""
    prefix = Path(os.environ.get("KARACHI_FFMPEG_PREFIX", ""))
    record = json.loads((prefix / "lean-ffmpeg.json").read_text(encoding="utf-8"))
    target = folder / "ffmpeg"
    target.mkdir(exist_ok=True)
    for text in sorted((prefix / "licenses").iterdir()):
        shutil.copyfile(text, target / text.name)
    (target / "lean-ffmpeg.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    bundled = sorted(n for n in lean_ffmpeg.SONAMES if (internal / n).is_file())
    return [
        "FFmpeg (one copy, used by libVLC's plugins and by PyAV)",
        "-------------------------------------------------------",
        f"  FFmpeg {record['source_version']} built for this bundle from Debian's source package",
        f"  '{record['source_package']}' (apt-get source ffmpeg={record['source_version']}), with",
        f"  configure {' '.join(record['configure'])}",
        f"  files: {', '.join(bundled)}",
        f"  licence: {record['licence']} (built with libx264); texts in licenses/ffmpeg/",
        "",
    ]


def _own_version() -> str:
    sys.path.insert(0, str(ROOT))
    try:
        from karachi_review import __version__

        return __version__
    finally:
        sys.path.pop(0)


def build(dist: Path, work: Path) -> dict[str, object]:
    """Build and finish the bundle; return the BUILD-INFO record."""
    start = time.perf_counter()
    inputs = fingerprint()
    ffmpeg = lean_ffmpeg.build(FFMPEG_CACHE)
    os.environ["KARACHI_FFMPEG_PREFIX"] = str(ffmpeg)
    run_pyinstaller(dist, work, ffmpeg, stage_debian_pyav())
    bundle = dist / APP
    internal = bundle / "_internal"
    check_ffmpeg_symbols(internal)
    strip_binaries(internal)
    write_plugin_cache(internal)
    install_desktop_files(bundle)
    write_licences(bundle)
    seconds = time.perf_counter() - start
    size = folder_size(bundle)
    info: dict[str, object] = {
        "fingerprint": inputs,
        "build_seconds": round(seconds, 1),
        "unpacked_bytes": size,
        "python": platform.python_version(),
    }
    (bundle / "BUILD-INFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    mib = size / 2**20
    verdict = "within" if size < SIZE_TARGET_MB * 10**6 else "OVER"
    print(f"bundle: {bundle}")
    print(
        f"unpacked size: {mib:.1f} MiB = {size / 1e6:.1f} MB "
        f"({verdict} the {SIZE_TARGET_MB} MB target)"
    )
    print(f"build time: {seconds:.1f} s")
    return info


def main(argv: list[str] | None = None) -> int:
    """Command-line entry of ``make package``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller work folder"
    )
    parser.add_argument(
        "--fingerprint", action="store_true", help="print the input fingerprint and exit"
    )
    args = parser.parse_args(argv)
    if args.fingerprint:
        print(fingerprint())
        return 0
    build(args.dist.resolve(), args.work.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
