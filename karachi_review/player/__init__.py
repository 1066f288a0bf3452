"""Playback: libVLC for real time, PyAV for exact frames, one playhead."""
