"""Runtime data loaded with importlib.resources (the bundled sample transcript)."""
