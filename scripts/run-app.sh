#!/bin/sh
# Open the app on the bundled sample. Without any display, run it on a virtual one (Xvfb)
# so that `make run` still works over ssh and in CI; say so, since nobody will see it.
set -eu
py="$1"; shift
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname -s)" = "Linux" ]; then
    echo "run: no display found; starting the window on a virtual X display (xvfb-run)." >&2
    exec xvfb-run -a -s "-screen 0 1400x900x24" "$py" -m karachi_review "$@"
fi
exec "$py" -m karachi_review "$@"
