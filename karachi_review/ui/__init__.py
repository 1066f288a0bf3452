"""PySide6 widgets and models: a thin skin over core and player."""
