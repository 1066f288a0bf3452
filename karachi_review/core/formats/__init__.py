"""Transcript and subtitle formats: one module per format, chosen by content."""
