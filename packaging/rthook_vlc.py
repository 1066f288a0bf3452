"""PyInstaller runtime hook: point python-vlc and libVLC at the copies inside the bundle.

python-vlc reads PYTHON_VLC_LIB_PATH (the library it loads) and PYTHON_VLC_MODULE_PATH (the
plugin folder) before anything else; VLC_PLUGIN_PATH, which libVLC itself reads, it only fills
with ``setdefault`` when an Instance is made, so a value left in the user's environment (a
system VLC's plugins) would win. It is set here for certain. The plugins sit in
``vlc_plugins/``, outside libVLC's own relocation folder (``<dir of libvlccore>/vlc/plugins``),
so VLC_PLUGIN_PATH is the one place they are found (with both, libVLC 3 loaded every plugin
twice). Runs before any application code.
"""

import os
import sys

_root = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))
_plugins = os.path.join(_root, "vlc_plugins")
if sys.platform.startswith("win"):
    _lib = os.path.join(_root, "libvlc.dll")
elif sys.platform == "darwin":
    _lib = os.path.join(_root, "libvlc.dylib")
else:
    _lib = os.path.join(_root, "libvlc.so.5")
if os.path.isfile(_lib):
    # Forced, not setdefault: a PYTHON_VLC_LIB_PATH or VLC_PLUGIN_PATH left in the user's
    # environment must not pull the system's libVLC or plugins into the bundle.
    os.environ["PYTHON_VLC_LIB_PATH"] = _lib
    os.environ["PYTHON_VLC_MODULE_PATH"] = _plugins
    os.environ["VLC_PLUGIN_PATH"] = _plugins


# PyAV in the bundle is Debian's python3-av 10, which routes every FFmpeg log message through a
# Python callback that takes the GIL, from FFmpeg's decoder threads too. When the main thread
# (holding the GIL) closes a threaded decoder, avcodec_close waits for a thread that waits for
# the GIL: the frozen `doctor` hung in about one run in three (gdb: av_log -> PyGILState_Ensure
# on the frame thread, avcodec_close on the main thread). PyAV 13+ (the venv's wheel) installs
# no such callback and logs nothing by default; the bundle does the same, right after `av` is
# first imported (lazily, as the app does, so start-up does not pay for importing PyAV).
_AV_LOG_QUIET = -8


def _quiet_pyav(module):
    import ctypes

    module.logging.restore_default_callback()  # FFmpeg's own callback: no GIL
    ctypes.CDLL("libavutil.so.57").av_log_set_level(_AV_LOG_QUIET)


class _PyAvLoader:
    """Delegates to the real loader of ``av``, then silences FFmpeg's logging."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        if hasattr(module.logging, "restore_default_callback"):  # PyAV < 13 only
            _quiet_pyav(module)


class _PyAvFinder:
    """Meta-path finder that wraps the loader of the top-level ``av`` package, once."""

    def find_spec(self, name, path=None, target=None):
        if name != "av":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _PyAvLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _PyAvFinder())
