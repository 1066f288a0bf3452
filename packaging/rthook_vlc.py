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
