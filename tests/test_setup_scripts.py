"""scripts/system-deps.sh, run against stand-in dpkg-query/apt-get/id on PATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "system-deps.sh"


def _fake_bin(tmp_path: Path, uid: int, installed: set[str]) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    scripts = {
        "id": f'#!/bin/sh\n[ "$1" = "-u" ] && echo {uid}\n',
        "dpkg": "#!/bin/sh\nexit 0\n",
        "dpkg-query": (
            '#!/bin/sh\nfor p; do :; done\ncase " '
            + " ".join(sorted(installed))
            + ' " in *" $p "*) printf "install ok installed";; *) exit 1;; esac\n'
        ),
        "apt-get": f'#!/bin/sh\necho "$@" >> {log}\n',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(body)
        path.chmod(0o755)
    return bin_dir


def _run(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)


def test_without_root_it_prints_the_exact_command_and_fails(tmp_path: Path) -> None:
    result = _run(_fake_bin(tmp_path, uid=1000, installed={"xvfb"}))
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y --no-install-recommends" in result.stderr
    assert "libvlc5" in result.stderr and "vlc-plugin-base" in result.stderr
    assert " xvfb" not in result.stderr.split("install -y")[1]  # only what is missing
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_what_is_missing(tmp_path: Path) -> None:
    result = _run(_fake_bin(tmp_path, uid=0, installed={"libvlc5"}))
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0].startswith("update")
    assert calls[1].startswith("install -y")
    assert "libvlc-bin" in calls[1] and "libvlc5" not in calls[1].split()


def test_nothing_happens_when_everything_is_there(tmp_path: Path) -> None:
    text = SCRIPT.read_text()
    packages = text.split('PACKAGES="', 1)[1].split('"', 1)[0].split()
    result = _run(_fake_bin(tmp_path, uid=1000, installed=set(packages) | {"python3-venv"}))
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""


def _run_with(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_package_mode_adds_what_the_bundle_build_needs(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "lean_ffmpeg", Path(__file__).parents[1] / "packaging" / "lean_ffmpeg.py"
    )
    assert spec is not None and spec.loader is not None
    lean = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lean)
    bin_dir = _fake_bin(tmp_path, uid=1000, installed=set())
    plain = _run_with(bin_dir)
    result = _run_with(bin_dir, "package")
    assert plain.returncode == result.returncode == 1
    wanted = set(result.stderr.split("--no-install-recommends")[1].split())
    assert {"python3-av", *lean.BUILD_PACKAGES} <= wanted
    assert "python3-av" not in plain.stderr and "nasm" not in plain.stderr
