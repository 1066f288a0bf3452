"""Entry script of the frozen program: the same ``main`` as ``karachi-review``."""

import sys

from karachi_review.cli import main

if __name__ == "__main__":
    sys.exit(main())
