#!/bin/sh
# Install the Debian packages karachi_review needs (libVLC and what a Qt window needs).
# As root: installs what is missing through apt-get. Otherwise: prints the exact command and fails.
# `system-deps.sh package` adds what `make package` needs: Debian's python3-av (the bundle's
# PyAV) and the tools and headers to build the lean FFmpeg (packaging/lean_ffmpeg.py).
set -eu

PACKAGES="libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output
libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
libdbus-1-3 fonts-dejavu-core xvfb xauth binutils desktop-file-utils appstream"

if [ "${1:-}" = "package" ]; then
    PACKAGES="$PACKAGES python3-av dpkg-dev gcc make nasm pkg-config libx264-dev libdav1d-dev zlib1g-dev"
fi

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not a Debian/Ubuntu system; install libVLC 3 and Xvfb with your package manager." >&2
    exit 0
fi

# A Python without ensurepip cannot make the virtual environment.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    PACKAGES="$PACKAGES python3-venv"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "system-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
    echo "system-deps: done"
else
    echo "system-deps: these Debian packages are missing:$missing" >&2
    echo "Run as root, then run make again:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
