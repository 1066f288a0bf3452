"""The frozen bundle (PyInstaller onedir, packaging/): build it, then run the program it holds.

The bundle is built from packaging/build.py into a temporary folder. Outside CI, a dist/ bundle
is reused when its BUILD-INFO.json fingerprint (hash of the package sources, packaging/,
pyproject.toml, the installed distributions and the system libVLC) equals the current one; in
CI (CI set) it is always rebuilt. The frozen program runs with a clean environment (no venv on
PATH, no PYTHONPATH) and a decoy PYTHON_VLC_LIB_PATH pointing at the system libVLC, so a pass
means the bundle uses its own libVLC, plugins, Qt and resources.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import av
import pytest

from karachi_review.cli.transcript_cmds import inspect_json
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_TRANSCRIPT, sample_path

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build.py"
APP = "karachi-review"
APP_ID = "io.github.karachi_review"
SYSTEM_LIBVLC = Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5")


@dataclass(frozen=True)
class Bundle:
    folder: Path
    info: dict[str, object]
    build_output: str

    @property
    def exe(self) -> Path:
        return self.folder / APP

    @property
    def internal(self) -> Path:
        return self.folder / "_internal"


def _load_build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("karachi_packaging_build", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    build = _load_build_module()
    reuse = ROOT / "dist" / APP
    info_file = reuse / "BUILD-INFO.json"
    if not os.environ.get("CI") and info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        if info.get("fingerprint") == build.fingerprint():
            return Bundle(reuse, info, "(reused dist/: same fingerprint)")
    out = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--dist", str(out / "dist"), "--work", str(out / "w")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1100,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    folder = out / "dist" / APP
    info = json.loads((folder / "BUILD-INFO.json").read_text(encoding="utf-8"))
    return Bundle(folder, info, result.stdout)


def frozen_env(tmp_path: Path) -> dict[str, str]:
    """No venv, no PYTHONPATH, a private home; a decoy pointing python-vlc at the system."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "home" / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "PYTHON_VLC_LIB_PATH": str(SYSTEM_LIBVLC),
        "VLC_PLUGIN_PATH": "/usr/lib/x86_64-linux-gnu/vlc/plugins",
    }
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    return env


def run_frozen(
    bundle: Bundle, tmp_path: Path, *args: str | Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle.exe), *map(str, args)],
        capture_output=True,
        text=True,
        env=frozen_env(tmp_path),
        cwd=tmp_path,
        timeout=timeout,
    )


def test_build_reports_size_and_time(bundle: Bundle) -> None:
    size = int(str(bundle.info["unpacked_bytes"]))
    files = [p for p in bundle.folder.rglob("*") if p.is_file() and not p.is_symlink()]
    on_disk = sum(p.stat().st_size for p in files)
    assert size == on_disk - (bundle.folder / "BUILD-INFO.json").stat().st_size
    assert float(str(bundle.info["build_seconds"])) > 0
    if "reused" not in bundle.build_output:
        assert re.search(r"unpacked size: \d+\.\d MiB", bundle.build_output)
        assert re.search(r"build time: \d+\.\d s", bundle.build_output)
    print(f"\nbundle {size / 2**20:.1f} MiB, built in {bundle.info['build_seconds']} s")


def test_doctor_uses_the_bundled_libvlc_and_decodes(bundle: Bundle, tmp_path: Path) -> None:
    result = run_frozen(bundle, tmp_path, "doctor")
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "Traceback" not in result.stderr
    library = next(line for line in out.splitlines() if "libVLC library " in line)
    assert f"{bundle.internal / 'libvlc.so.5'}" in library
    assert f"{bundle.internal / 'libvlccore.so.9'}" in library
    assert "/usr/lib" not in library
    assert f"ok    libVLC plugins from {bundle.internal / 'vlc_plugins'}\n" in out
    assert "ok    libVLC decoded the test clip through video callbacks" in out
    assert "ok    PyAV exact frame: asked 37, got 37" in out
    assert "ok    libVLC plugin cache" in out  # the bundled plugins.dat is used (fast start)
    assert out.rstrip().endswith("all good")


def test_inspect_reads_the_bundled_sample(bundle: Bundle, tmp_path: Path) -> None:
    frozen_sample = bundle.internal / "karachi_review" / "resources" / SAMPLE_TRANSCRIPT
    assert frozen_sample.read_bytes() == sample_path().read_bytes()
    result = run_frozen(bundle, tmp_path, "inspect", "--json", frozen_sample)
    assert result.returncode == 0, result.stderr
    # The oracle is the same command in this (unfrozen) interpreter.
    expected = inspect_json(read_transcript(str(frozen_sample)))
    assert json.loads(result.stdout) == json.loads(json.dumps(expected, ensure_ascii=False))
    assert len(expected["cues"]) > 100

    missing = tmp_path / "missing.srt"
    result = run_frozen(bundle, tmp_path, "inspect", missing)
    assert result.returncode == 2
    assert result.stderr.startswith(str(missing)) and "Traceback" not in result.stderr


def test_window_opens_offscreen_with_the_sample_and_quits(bundle: Bundle, tmp_path: Path) -> None:
    sample = tmp_path / SAMPLE_TRANSCRIPT
    shutil.copyfile(bundle.internal / "karachi_review" / "resources" / SAMPLE_TRANSCRIPT, sample)
    shot = tmp_path / "window.png"
    result = run_frozen(bundle, tmp_path, "--screenshot", shot, sample, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    with av.open(str(shot)) as container:
        picture = next(container.decode(video=0)).to_ndarray(format="rgb24")
    height, width = picture.shape[:2]
    assert width >= 800 and height >= 500
    colours = {tuple(int(c) for c in px) for px in picture[::7, ::7].reshape(-1, 3)}
    assert len(colours) > 20  # a drawn window, not an empty surface


def test_bundle_leaves_out_what_the_app_does_not_use(bundle: Bundle) -> None:
    qt_libs = {p.name for p in (bundle.internal / "PySide6" / "Qt" / "lib").iterdir()}
    for unused in ("Network", "Qml", "Quick", "Pdf", "Multimedia", "WebEngineCore"):
        assert f"libQt6{unused}.so.6" not in qt_libs
    assert not list((bundle.internal / "PySide6" / "Qt").glob("translations/*"))
    families = {p.name for p in (bundle.internal / "vlc_plugins").iterdir() if p.is_dir()}
    assert {"codec", "demux", "access", "video_output", "audio_output", "packetizer"} <= families
    assert not families & {"gui", "lua", "stream_out", "services_discovery", "visualization"}
    outputs = {p.name for p in (bundle.internal / "vlc_plugins" / "video_output").iterdir()}
    assert outputs == {"libvmem_plugin.so", "libvdummy_plugin.so"}
    assert (bundle.internal / "vlc_plugins" / "plugins.dat").is_file()
    # libVLC's own relocation folder must not exist, or the plugins would load twice.
    assert not (bundle.internal / "vlc" / "plugins").exists()


def test_licences_list_the_bundled_components(bundle: Bundle) -> None:
    text = (bundle.folder / "LICENSES.txt").read_text(encoding="utf-8")
    assert "GPL-3.0-or-later" in text
    for needle in ("libvlc5 ", "libvlccore9 ", "libavcodec59 ", "pysrt ", "PySide6_Essentials "):
        assert needle in text, needle
    copyrights = bundle.folder / "licenses" / "debian"
    assert (copyrights / "libvlc5.copyright").is_file()
    assert "LGPL" in (copyrights / "libvlccore9.copyright").read_text(encoding="utf-8")


def test_desktop_files_validate(bundle: Bundle) -> None:
    share = bundle.folder / "share"
    desktop = share / "applications" / f"{APP}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    meta = metainfo.read_text(encoding="utf-8")
    assert f'<launchable type="desktop-id">{APP}.desktop</launchable>' in meta
    assert "docs/screenshot.png" in meta and (ROOT / "docs" / "screenshot.png").is_file()
    entry = desktop.read_text(encoding="utf-8")
    assert f"Icon={APP_ID}\n" in entry and f"Exec={APP} " in entry
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with av.open(str(png)) as container:
            frame = next(container.decode(video=0))
            assert (frame.width, frame.height) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
