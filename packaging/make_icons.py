"""Render the application icon (SVG) to the PNG sizes desktops look for (hicolor theme).

Usage: python packaging/make_icons.py SVG OUTPUT_DIR
Writes OUTPUT_DIR/<N>x<N>/apps/io.github.karachi_review.png for every size, plus
OUTPUT_DIR/scalable/apps/io.github.karachi_review.svg. Uses Qt's own SVG renderer (QtSvg ships in
PySide6-Essentials), so the build needs no extra tool.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

APP_ID = "io.github.karachi_review"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out_dir: Path) -> list[Path]:
    """Write the PNGs and the scalable copy; return the written paths."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"{target}: could not write")
        written.append(target)
    scalable = out_dir / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)
    return written


def main(argv: list[str]) -> int:
    """Command-line entry: ``make_icons.py SVG OUTPUT_DIR``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in render(Path(argv[0]), Path(argv[1])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
